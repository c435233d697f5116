"""The import pipeline end to end on a real SQLite workspace: idempotency, overlap,
identical same-day rows, atomic rejection, account resolution."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ledgerkit import ingest
from ledgerkit.model import ImportStatus
from ledgerkit.store import schema

from .conftest import write

QBO_CSV = "Date,Description,Amount\n"


def csv(*rows: str) -> str:
    return QBO_CSV + "".join(r + "\n" for r in rows)


def table_rows(session) -> dict[str, list]:
    """Every row of every table, to compare the database before and after."""
    out = {}
    with session.store.connect() as conn:
        for name, table in schema.metadata.tables.items():
            out[name] = sorted(map(tuple, conn.execute(sa.select(table)).fetchall()), key=repr)
    return out


OFX = """OFXHEADER:100
DATA:OFXSGML
VERSION:102
SECURITY:NONE
ENCODING:USASCII
CHARSET:1252
COMPRESSION:NONE
OLDFILEUID:NONE
NEWFILEUID:NONE

<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20260131<LANGUAGE>ENG
<FI><ORG>Test Bank<FID>1</FI></SONRS></SIGNONMSGSRSV1>
<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>
<STMTRS><CURDEF>USD<BANKACCTFROM><BANKID>121000248<ACCTID>55501234<ACCTTYPE>CHECKING</BANKACCTFROM>
<BANKTRANLIST><DTSTART>20260101<DTEND>20260131
{txns}
</BANKTRANLIST><LEDGERBAL><BALAMT>{bal}<DTASOF>20260131</LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>
"""


def ofx_txn(fitid: str, date: str, amount: str, name: str, check: str = "") -> str:
    chk = f"<CHECKNUM>{check}" if check else ""
    kind = "CHECK" if check else ("CREDIT" if not amount.startswith("-") else "DEBIT")
    return (f"<STMTTRN><TRNTYPE>{kind}<DTPOSTED>{date}<TRNAMT>{amount}<FITID>{fitid}{chk}"
            f"<NAME>{name}</STMTTRN>")


def test_reimport_adds_nothing(session, client, tmp_path):
    f = write(tmp_path, "jan.csv", csv("01/05/2026,STARBUCKS 123,-4.50", "01/06/2026,DEPOSIT,100.00"))
    first = session.import_files(client, [f])
    assert first.files[0].status is ImportStatus.IMPORTED and first.added == 2
    again = session.import_files(client, [f])
    assert again.files[0].status is ImportStatus.ALREADY and again.added == 0
    assert len(session.transactions(client)) == 2


@pytest.mark.parametrize("lookup_rows", [20_000, 0], ids=["identities-looked-up", "account-scanned"])
def test_overlapping_file_adds_only_new_rows(session, client, tmp_path, monkeypatch, lookup_rows):
    # a small file's identities are looked up by index; a big one's against the whole account
    monkeypatch.setattr(ingest, "LOOKUP_ROWS", lookup_rows)
    a = write(tmp_path, "a.csv", csv("01/05/2026,STARBUCKS 123,-4.50", "01/05/2026,STARBUCKS 123,-4.50",
                                     "01/06/2026,RENT,-1000.00"))
    b = write(tmp_path, "b.csv", csv("01/05/2026,STARBUCKS 123,-4.50", "01/05/2026,STARBUCKS 123,-4.50",
                                     "01/06/2026,RENT,-1000.00", "01/07/2026,PAYROLL,2500.00"))
    assert session.import_files(client, [a]).added == 3
    r = session.import_files(client, [b])
    assert (r.added, r.files[0].duplicates) == (1, 3)
    amounts = sorted(str(t.amount) for t in session.transactions(client))
    assert amounts == ["-1000.00", "-4.50", "-4.50", "2500.00"]


def test_identical_same_day_rows_stay_two(session, client, tmp_path):
    f = write(tmp_path, "coffee.csv", csv("01/05/2026,COFFEE,-4.50", "01/05/2026,COFFEE,-4.50"))
    assert session.import_files(client, [f]).added == 2
    ts = session.transactions(client)
    assert len({t.identity for t in ts}) == 2 and {t.source_row for t in ts} == {2, 3}


def test_rejected_file_leaves_database_unchanged(session, client, tmp_path):
    good = write(tmp_path, "good.csv", csv("01/05/2026,COFFEE,-4.50"))
    session.import_files(client, [good])
    before = table_rows(session)
    bad = write(tmp_path, "bad.csv", csv("01/06/2026,OK,-1.00", "01/07/2026,BROKEN,12.3.4"))
    r = session.import_files(client, [bad])
    f = r.files[0]
    assert f.status is ImportStatus.REJECTED and r.added == 0
    assert f.issues and "bad.csv" in f.path and "line 3" in (f.issues[0].where + f.issues[0].message)
    assert table_rows(session) == before


def test_excess_decimals_refused_or_rounded_with_warning(session, client, tmp_path):
    f = write(tmp_path, "odd.csv", csv("01/05/2026,FEE,-1.005"))
    r = session.import_files(client, [f])
    assert r.files[0].status is ImportStatus.REJECTED
    assert "more decimals" in r.files[0].issues[0].message
    r = session.import_files(client, [f], round_amounts=True)
    assert r.files[0].status is ImportStatus.IMPORTED
    assert [i.severity for i in r.files[0].issues] == ["warning"]
    assert [str(t.amount) for t in session.transactions(client)] == ["-1.00"]


def test_one_bad_file_does_not_stop_the_others(session, client, tmp_path):
    good = write(tmp_path, "good.csv", csv("01/05/2026,COFFEE,-4.50"))
    junk = write(tmp_path, "junk.bin", "\x00\x01 nothing to see")
    r = session.import_files(client, [junk, good])
    assert [f.status for f in r.files] == [ImportStatus.REJECTED, ImportStatus.IMPORTED]
    assert r.added == 1 and r.rejected


def test_ofx_creates_and_reuses_accounts_and_balances(session, client, tmp_path):
    jan = write(tmp_path, "jan.ofx", OFX.format(bal="995.50", txns="\n".join([
        ofx_txn("T1", "20260105", "-4.50", "COFFEE"), ofx_txn("T2", "20260106", "1000.00", "DEPOSIT"),
        ofx_txn("T3", "20260107", "-450.00", "CHECK 1042", "1042")])))
    feb = write(tmp_path, "feb.ofx", OFX.format(bal="895.50", txns="\n".join([
        ofx_txn("T3", "20260107", "-450.00", "CHECK 1042", "1042"), ofx_txn("T4", "20260201", "-100.00", "FEE")])))
    assert session.import_files(client, [jan]).added == 3
    r = session.import_files(client, [feb])
    assert (r.added, r.files[0].duplicates) == (1, 1)
    (acc,) = session.accounts(client)
    assert (acc.number, acc.bank_id, acc.kind.value) == ("55501234", "121000248", "checking")
    (bal,) = session.balances(client)
    assert str(bal["balance"]) == "895.50" and bal["source"] == "bank"
    checks = [t for t in session.transactions(client) if t.check_number]
    assert [(t.check_number, str(t.amount), t.bank_id) for t in checks] == [("1042", "-450.00", "T3")]


def test_csv_goes_to_chosen_or_only_account(session, client, tmp_path):
    session.add_account(client, "Operating", "checking")
    sav = session.add_account(client, "Savings", "savings")
    f = write(tmp_path, "s.csv", csv("01/05/2026,INTEREST,0.12"))
    r = session.import_files(client, [f], account=sav.id)
    assert r.added == 1
    assert session.transactions(client)[0].account_id == sav.id


def test_two_statements_of_one_account_in_one_file_keep_each_row_once(session, client, tmp_path):
    stmt = OFX.format(bal="10.00", txns="\n".join([ofx_txn("T1", "20260105", "-4.50", "COFFEE"),
                                                   ofx_txn("T2", "20260106", "14.50", "DEPOSIT")]))
    body = stmt[stmt.index("<BANKMSGSRSV1>"):stmt.index("</OFX>")]
    inner = body.replace("<BANKMSGSRSV1>", "").replace("</BANKMSGSRSV1>", "")
    doubled = stmt.replace("</BANKMSGSRSV1>", inner + "</BANKMSGSRSV1>")
    f = write(tmp_path, "twice.ofx", doubled)
    r = session.import_files(client, [f])
    assert r.files[0].status.value == "imported", r.files[0].issues
    assert (r.added, r.files[0].duplicates) == (2, 2)
