"""Uploads: files dropped on the page go through ``Session.import_bytes``, the CLI's path.

Each file is imported on its own (one file is one atomic import); the result
of every file is kept as a row for the view, and the status banner says what
happened and what to do about rejected files. ``revision`` increases whenever
an import added something, so the panels showing that client reload.
"""

from __future__ import annotations

from traitlets import HasTraits, Int, List

from .format import count
from .status_model import StatusModel

REJECTED_HINT = ("Rejected files changed nothing. Fix what the list says (or export the file again from the "
                 "bank) and drop it here again; a CSV or QIF file may need its account chosen first.")


class UploadModel(HasTraits):
    client_id = Int(0)      # the client files go to (the picked client)
    accounts = List()       # [(label, account id)] of that client, for files that name no account
    account = Int(0)        # chosen account for such files, 0 = let the importer decide
    results = List()        # per file: name, status, added, duplicates, importer, issues (list of str)
    revision = Int(0)       # bumped when an import added transactions or documents
    changed_client = Int(0)  # the client whose data the last import changed

    def __init__(self, session, status: StatusModel, **kwargs):
        super().__init__(**kwargs)
        self.session = session
        self.status = status

    def set_client(self, client_id: int) -> None:
        accounts = [(a.name + (f" {a.masked_number}" if a.number else ""), a.id)
                    for a in self.session.accounts(client_id)] if client_id else []
        with self.hold_trait_notifications():
            self.client_id, self.accounts, self.account, self.results = client_id, accounts, 0, []

    def upload(self, files: list[tuple[str, bytes]]) -> list[dict]:
        """Files dropped on the page: into the picked client (and chosen account, if any)."""
        return self.import_files(self.client_id, files, self.account or None)

    def import_files(self, client_id: int, files: list[tuple[str, bytes]], account: int | None = None) -> list[dict]:
        if not client_id:
            self.status.warning("Pick a client first: files are imported into the client you are looking at.")
            return []
        if not files:
            return []
        rows: list[dict] = []
        n = len(files)
        with self.status.task(f"Importing {count(n, 'file')}") as step:
            for i, (name, data) in enumerate(files):
                step(i / n, f"Importing {name} ({i + 1} of {n})")
                result = self.session.import_bytes(client_id, name, bytes(data), account)
                rows.append({
                    "name": name, "status": result.status.value, "added": result.added,
                    "duplicates": result.duplicates, "importer": result.importer,
                    "issues": [f"{i.severity}: {i.where + ': ' if i.where else ''}{i.message}"
                               for i in result.issues],
                })
            changed = any(r["status"] == "imported" for r in rows)   # the session evaluated them already
        self.results = rows
        self._report(rows)
        if changed:
            self.changed_client = client_id
            self.revision += 1
        return rows

    def _report(self, rows: list[dict]) -> None:
        added = sum(r["added"] for r in rows)
        rejected = [r for r in rows if r["status"] == "rejected"]
        already = [r for r in rows if r["status"] == "already-imported"]
        parts = [f"Imported {count(added, 'new transaction')} from {count(len(rows) - len(rejected), 'file')}"]
        if already:
            parts.append(f"{count(len(already), 'file')} had been imported before (nothing added)")
        if rejected:
            details = "\n".join(f"{r['name']}:\n  " + "\n  ".join(r["issues"] or ["rejected"]) for r in rejected)
            parts.append(f"{count(len(rejected), 'file')} rejected ({', '.join(r['name'] for r in rejected)})")
            self.status.error("; ".join(parts) + ".", REJECTED_HINT, details)
        elif any(r["issues"] for r in rows):
            details = "\n".join(f"{r['name']}:\n  " + "\n  ".join(r["issues"]) for r in rows if r["issues"])
            self.status.warning("; ".join(parts) + ", with warnings.", "Check the warnings below.", details)
        else:
            self.status.success("; ".join(parts) + ".")
