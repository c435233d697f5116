"""Register readers on the demo firm's exports, the session API, audit and undo, the CLI contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from ledgerkit import cli
from ledgerkit.errors import Conflict, Invalid
from ledgerkit.review.register import parse_mapping, read_iif, read_qb_csv
from ledgerkit.store import schema

from .conftest import iif_text

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "firm"
IIF = SAMPLE / "acme-dental" / "register" / "acme-dental_register_2026-Q1.iif"
QBCSV = SAMPLE / "birch-co-landscaping" / "register" / "business-checking_register_2026-Q1.csv"


@pytest.mark.skipif(not IIF.exists(), reason="sample data not generated")
def test_read_sample_iif():
    reg = read_iif(IIF.read_bytes(), "acme.iif")
    lines = reg.lines.filter("bankish")
    assert set(lines["register_account"].unique()) == {"Operating Checking", "Practice Visa", "Reserve Savings"}
    assert lines.height >= 130
    assert not [i for i in reg.issues if i.severity == "error"]


@pytest.mark.skipif(not QBCSV.exists(), reason="sample data not generated")
def test_read_sample_qb_csv():
    reg = read_qb_csv(QBCSV.read_bytes(), "birch.csv")
    assert reg.lines.height == 73
    assert reg.lines["amount"].str.contains(",").sum() == 0        # "1,250.00" -> "1250.00"
    assert (reg.lines["category"] != "").all()


def test_qb_transaction_detail_csv_with_sections():
    text = ("Acme,,,,,,,\nTransaction Detail by Account,,,,,,,\n,Type,Date,Num,Name,Memo,Split,Amount\n"
            "Checking,,,,,,,\n,Check,01/05/2024,1043,Sparkle,January,Janitorial,-450.00\n"
            ",Deposit,01/06/2024,,Patient,,Revenue,\"1,200.00\"\nTotal Checking,,,,,,,750.00\n"
            "Visa,,,,,,,\n,Credit Card Charge,1/7/24,,Staples,,Office,-12.34\n")
    reg = read_qb_csv(text.encode(), "detail.csv")
    rows = reg.lines.select("register_account", "amount", "check_number", "category").rows()
    assert rows == [("Checking", "-450.00", "1043", "Janitorial"), ("Checking", "1200.00", "", "Revenue"),
                    ("Visa", "-12.34", "", "Office")]


def test_mapped_csv_and_bad_mapping(session, client, tmp_path):
    session.add_account(client, "Checking")
    p = tmp_path / "books.csv"
    p.write_text("When,Who,Out,In,Cat\n2024-01-03,Joe,12.50,,Meals\n2024-01-04,Ann,,99.00,Sales\n")
    res = session.import_register(client, p, "Checking",
                                  mapping="date=When,payee=Who,credit=Out,debit=In,category=Cat")
    assert res.added == 2
    assert sorted(session.register_frame(client)["amount"].to_list()) == [-1250, 9900]
    with pytest.raises(Invalid, match="does not have"):
        parse_mapping("date=When")  # fine alone
        session.import_register(client, tmp_path / "books.csv", "Checking", mapping="date=Nope,amount=Out",
                                data=b"When,Out\n2024-01-01,1\n")


def test_register_before_accounts_waits_then_matches(session, client, tmp_path):
    p = tmp_path / "r.iif"
    p.write_text(iif_text([{"account": "Operating Checking", "date": "2024-02-02", "amount": "-10.00",
                            "payee": "X", "category": "Meals"}]))
    res = session.import_register(client, p)
    assert res.pending == ("Operating Checking",) and res.added == 1
    assert session.import_register(client, p).already
    session.add_account(client, "Operating Checking")
    session.evaluate(client)
    assert session.register_frame(client).height == 1


def _bank(session, client, tmp_path, rows, account="Checking"):
    acc = session.account(client, account)
    data = json.dumps({"rows": rows}).encode()
    return session.import_bytes(client, f"b{len(rows)}{rows[0]['key']}.scenario", data, account=acc.id)


def test_audit_undo_and_states(session, client, tmp_path):
    session.add_account(client, "Checking")
    _bank(session, client, tmp_path, [
        {"key": "a", "date": "2024-01-02", "amount": "-20.00", "description": "JOES DINER 123"},
        {"key": "b", "date": "2024-01-03", "amount": "-30.00", "description": "MYSTERY 9"}])
    rows = {r["description"]: r for r in session.review(client)["transactions"]}
    a, b = rows["JOES DINER 123"]["id"], rows["MYSTERY 9"]["id"]
    assert session.review(client)["counts"]["gold"] == 2
    with pytest.raises(Conflict, match="GOLD"):
        session.approve(client, ids=[a])
    session.code(client, a, "Meals", "Joe's Diner")
    assert next(r for r in session.rules_list(client) if r.get("remembered"))["then"] == {
        "payee": "Joe's Diner", "account": "Meals"}
    with session.store.connect() as conn:
        log = conn.execute(sa.select(schema.audit).where(schema.audit.c.action == "review.code")).all()
    assert log and log[0].actor == "tester" and log[0].after["account"] == "Meals"
    assert log[0].before["state"] == "gold"
    assert session.approve(client) == 1
    assert session.review(client)["counts"] == {"gold": 1, "red": 0, "blue": 0, "approved": 1, "exported": 0,
                                                "excluded": 0}
    with pytest.raises(Conflict, match="reopen"):
        session.code(client, a, "Other")
    session.undo_last(client)                        # undo the approval
    assert session.review(client)["counts"]["red"] == 1
    session.undo_last(client)                        # undo the coding (and the remembered rule)
    assert session.review(client)["counts"]["gold"] == 2
    assert not [r for r in session.rules_list(client) if r.get("remembered")]
    session.exclude(client, [b])
    assert session.reopen(client, [b]) == 1
    assert session.review(client)["counts"]["gold"] == 2


def test_split_coding_by_hand_must_add_up(session, client, tmp_path):
    session.add_account(client, "Checking")
    _bank(session, client, tmp_path, [{"key": "a", "date": "2024-01-02", "amount": "-100.00", "description": "X"}])
    tid = session.review(client)["transactions"][0]["id"]
    with pytest.raises(Invalid, match="adds up to"):
        session.code(client, tid, splits=[{"account": "A", "amount": "-60"}, {"account": "B", "amount": "-30"}])
    row = session.code(client, tid, splits=[{"account": "A", "amount": "-60"}, {"account": "B", "amount": "-40"}])
    assert row["state"] == "red" and [s["amount"] for s in row["splits"]] == ["-60.00", "-40.00"]


def run(capsys, *argv) -> tuple[int, str]:
    rc = cli.main(list(argv))
    return rc, capsys.readouterr().out


def test_cli_contract(tmp_path, capsys):
    ws = str(tmp_path / "ws")
    assert run(capsys, "--workspace", ws, "clients", "add", "Acme")[0] == 0
    from ledgerkit import Session
    with Session(ws) as s:
        s.add_account("Acme", "Checking")
        _bank(s, "Acme", tmp_path, [
            {"key": "a", "date": "2024-01-02", "amount": "-4.50", "description": "STARBUCKS 12"},
            {"key": "b", "date": "2024-01-03", "amount": "-30.00", "description": "MYSTERY 9"},
            {"key": "c", "date": "2024-01-04", "amount": "-75.00", "description": "PAYEE C"},
            {"key": "d", "date": "2024-01-05", "amount": "-8.00", "description": "ODD ONE"}])
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "rules:\n  - name: Coffee\n    scope: firm\n    when: {all: [{field: description, op: contains, value: "
        "STARBUCKS}]}\n    then: {payee: Starbucks, account: Meals}\n")
    rc, out = run(capsys, "--workspace", ws, "rules", "preview", str(rules), "--json")
    assert rc == 0 and json.loads(out)["changes"]["total"] == 1
    assert run(capsys, "--workspace", ws, "rules", "import", str(rules))[0] == 0
    rc, out = run(capsys, "--workspace", ws, "rules", "list", "--json")
    assert [r["name"] for r in json.loads(out)] == ["Coffee"]
    assert run(capsys, "--workspace", ws, "rules", "export", str(tmp_path / "out.yaml"))[0] == 0
    assert "Coffee" in (tmp_path / "out.yaml").read_text()
    reg = tmp_path / "r.iif"
    reg.write_text(iif_text([{"account": "Checking", "date": "2024-01-04", "amount": "-75.00", "payee": "C",
                              "category": "Rent"}]))
    rc, out = run(capsys, "--workspace", ws, "register", "import", "--client", "Acme", str(reg), "--json")
    assert rc == 0 and json.loads(out)["added"] == 1
    rc, out = run(capsys, "--workspace", ws, "review", "--client", "Acme", "--json")
    body = json.loads(out)
    assert body["counts"] == {"gold": 2, "red": 1, "blue": 1, "approved": 0, "exported": 0, "excluded": 0}
    row = body["transactions"][0]
    assert {"id", "state", "explanation", "payee", "account", "suggestions", "match"} <= set(row)
    ids = {t["explanation"].split(":")[0]: t["id"] for t in body["transactions"]}
    gold = [t["id"] for t in body["transactions"] if t["state"] == "gold"]
    assert run(capsys, "--workspace", ws, "code", "--client", "Acme", str(gold[0]), "--account", "Misc",
               "--payee", "Mystery Co")[0] == 0
    csvp = tmp_path / "code.csv"
    csvp.write_text(f"id,account,payee\n{gold[1]},Supplies,Odd Shop\n")
    assert run(capsys, "--workspace", ws, "code", "--client", "Acme", "--csv", str(csvp))[0] == 0
    assert run(capsys, "--workspace", ws, "approve", "--client", "Acme", "--state", "red,blue")[0] == 0
    rc, out = run(capsys, "--workspace", ws, "review", "--client", "Acme", "--json")
    assert json.loads(out)["counts"]["approved"] == 4
    assert run(capsys, "--workspace", ws, "exclude", "--client", "Acme", "--ids", str(gold[0]))[0] == 0
    rc = cli.main(["--workspace", ws, "code", "--client", "Acme", "999", "--account", "X"])
    assert rc == 2 and "no transaction 999" in capsys.readouterr().err
    assert ids
