"""Build the demo firm's workspace from ``sample_data/firm`` (see its firm.json).

Idempotent: running it again on the same workspace adds nothing. The June files
stay out unless asked for, so the demo can show "import the next month".
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .errors import NotFound

REPO = Path(__file__).resolve().parents[1]
OFX_FORMATS = {"ofx1-sgml", "ofx2-xml", "qfx", "qbo-web-connect"}


def sample_dir() -> Path:
    """``LEDGERKIT_SAMPLE_DATA`` or the repository's ``sample_data/firm``."""
    return Path(os.environ.get("LEDGERKIT_SAMPLE_DATA") or REPO / "sample_data" / "firm")


def load_manifest(folder: Path | None = None) -> dict:
    folder = folder or sample_dir()
    path = folder / "firm.json"
    if not path.exists():
        raise NotFound(f"no demo firm at {folder} (run: .venv/bin/python sample_data/generate.py)")
    return json.loads(path.read_text(encoding="utf-8"))


def build_demo(session, folder: Path | None = None, *, next_month: bool = False) -> str:
    """Create the demo firm's clients, accounts, rules and registers and import its files."""
    folder = folder or sample_dir()
    manifest = load_manifest(folder)
    known = {c.name: c for c in session.clients()}
    if manifest.get("rules") and not session.rules():
        session.import_rules(folder / manifest["rules"])
    added = rejected = 0
    for mc in manifest["clients"]:
        client = known.get(mc["name"]) or session.add_client(mc["name"], mc.get("email", ""), "none")
        existing = {a.name: a for a in session.accounts(client)}
        for ma in mc["accounts"]:
            if ma["name"] not in existing:
                existing[ma["name"]] = session.add_account(
                    client, ma["name"], ma["kind"], ma["currency"], ma.get("institution", ""),
                    ma.get("bank_id", ""), ma.get("number", ""))
        for reg in mc.get("registers", []):       # idempotent: known files add nothing
            session.import_register(client, folder / reg["path"])
        for ma in mc["accounts"]:
            acc = existing[ma["name"]]
            files = list(ma["files"]) + (list(ma.get("next_month_files", [])) if next_month else [])
            docs = [d["path"] for kind in ("statements", "checks", "deposits") for d in ma.get(kind, [])
                    if next_month or not d["path"].startswith("next_month/")]
            # files that name their account (OFX family) find it by number; the others are told
            explicit = None if ma["format"].lower() in OFX_FORMATS else acc.id
            rec = session.import_files(client, [folder / f for f in files], account=explicit)
            drec = session.import_files(client, [folder / f for f in docs], account=acc.id)
            added += rec.added
            rejected += sum(f.status.value == "rejected" for f in rec.files + drec.files)
    clients = session.clients()
    return "\n".join([
        f"demo workspace: {session.workspace.resolve()}",
        f"{len(clients)} clients, {sum(len(session.accounts(c)) for c in clients)} accounts, "
        f"{added} transactions added, {rejected} files rejected"])
