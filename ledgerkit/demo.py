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
OFX_FORMATS = {"ofx", "qfx", "qbo", "ofx2", "ofx-sgml", "ofx-xml"}


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
    folder = folder or sample_dir()
    manifest = load_manifest(folder)
    known = {c.name: c for c in session.clients()}
    has_review = hasattr(session, "import_rules")
    if has_review and manifest.get("rules") and not session.rules():
        session.import_rules(folder / manifest["rules"])
    added = rejected = 0
    for mc in manifest["clients"]:
        client = known.get(mc["name"]) or session.add_client(mc["name"], mc.get("email", ""), "none")
        existing = {a.name: a for a in session.accounts(client)}
        if has_review and hasattr(session, "import_register"):
            for reg in mc.get("registers", []):
                if not session.registers(client) if hasattr(session, "registers") else True:
                    session.import_register(client, folder / reg["path"])
        for ma in mc["accounts"]:
            acc = existing.get(ma["name"]) or session.add_account(
                client, ma["name"], ma["kind"], ma["currency"], ma.get("institution", ""),
                ma.get("bank_id", ""), ma.get("number", ""))
            files = list(ma["files"]) + (list(ma.get("next_month_files", [])) if next_month else [])
            explicit = None if ma["format"].lower() in OFX_FORMATS else acc.id
            docs = [d["path"] for kind in ("statements", "checks", "deposits") for d in ma.get(kind, [])
                    if next_month or not d["path"].startswith("next_month/")]
            rec = session.import_files(client, [folder / f for f in files], account=explicit)
            drec = session.import_files(client, [folder / f for f in docs], account=acc.id)
            added += rec.added
            rejected += sum(f.status.value == "rejected" for f in rec.files + drec.files)
    clients = session.clients()
    lines = [f"demo workspace: {session.workspace.resolve()}",
             f"{len(clients)} clients, {sum(len(session.accounts(c)) for c in clients)} accounts, "
             f"{added} transactions added, {rejected} files rejected"]
    return "\n".join(lines)
