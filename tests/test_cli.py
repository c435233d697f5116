"""The command-line contract (JSON shapes, exit codes), run in-process."""

from __future__ import annotations

import json

from ledgerkit.cli import main

from .conftest import write
from .test_ingest import OFX, ofx_txn


def run(capsys, *argv) -> tuple[int, object]:
    rc = main(list(argv))
    out = capsys.readouterr().out
    try:
        return rc, json.loads(out)
    except json.JSONDecodeError:
        return rc, out


def test_cli_contract(tmp_path, capsys):
    ws = str(tmp_path / "ws")
    assert run(capsys, "--workspace", ws, "init")[0] == 0
    rc, added = run(capsys, "--workspace", ws, "clients", "add", "Acme Dental", "--email", "a@acme.test",
                    "--invite", "link", "--json")
    assert rc == 0 and added == {"id": 1, "name": "Acme Dental", "email": "a@acme.test"}
    assert run(capsys, "--workspace", ws, "clients", "list", "--json")[1] == [
        {"id": 1, "name": "Acme Dental", "email": "a@acme.test"}]

    ofx = write(tmp_path, "jan.ofx", OFX.format(bal="-12.50", txns="\n".join([
        ofx_txn("A1", "20260105", "-12.50", "COFFEE &amp; CO")])))
    bad = write(tmp_path, "bad.csv", "Date,Description,Amount\n01/05/2026,X,abc\n")
    rc, res = run(capsys, "--workspace", ws, "import", "--client", "Acme Dental", str(ofx), str(bad), "--json")
    assert rc == 2
    assert res["added"] == 1
    good, rejected = res["files"]
    assert good["status"] == "imported" and good["added"] == 1 and good["duplicates"] == 0
    assert len(good["sha256"]) == 64 and good["path"].endswith("jan.ofx")
    assert rejected["status"] == "rejected" and rejected["issues"][0]["where"]
    assert set(rejected["issues"][0]) >= {"where", "message"}

    rc, res = run(capsys, "--workspace", ws, "import", "--client", "1", str(ofx), "--json")
    assert rc == 0 and res["files"][0]["status"] == "already-imported"

    rc, accts = run(capsys, "--workspace", ws, "accounts", "--client", "Acme Dental", "--json")
    assert rc == 0 and len(accts) == 1
    a = accts[0]
    assert {k: a[k] for k in ("kind", "currency", "balance", "balance_date")} == {
        "kind": "checking", "currency": "USD", "balance": "-12.50", "balance_date": "2026-01-31"}

    rc, txns = run(capsys, "--workspace", ws, "transactions", "--client", "Acme Dental", "--json")
    assert rc == 0
    assert txns == [{"id": 1, "account": a["id"], "date": "2026-01-05", "amount": "-12.50", "payee": "COFFEE & CO",
                     "description": "COFFEE & CO", "memo": "", "check_number": "", "bank_id": "A1"}]


def test_cli_errors_are_messages_not_tracebacks(tmp_path, capsys):
    ws = str(tmp_path / "ws")
    assert main(["--workspace", ws, "accounts", "--client", "Nobody", "--json"]) == 2
    err = capsys.readouterr().err
    assert "no client 'Nobody'" in err and "Traceback" not in err
    assert main(["--workspace", ws, "clients", "add", "X", "--email", "not-an-email"]) == 2
    assert "not an email" in capsys.readouterr().err


def test_workspace_from_environment(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LEDGERKIT_WORKSPACE", str(tmp_path / "envws"))
    assert main(["clients", "add", "Env Co", "--json"]) == 0
    assert (tmp_path / "envws" / "ledgerkit.db").exists()
