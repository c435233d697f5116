"""The whole path with the real importer and review engine: import a bank file, code,
approve, export, and the exported transactions come back from ledgerkit's own readers."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ledgerkit.export import iif

from .conftest import parse_ofx

OFX = """OFXHEADER:100\r
DATA:OFXSGML\r
VERSION:102\r
SECURITY:NONE\r
ENCODING:USASCII\r
CHARSET:1252\r
COMPRESSION:NONE\r
OLDFILEUID:NONE\r
NEWFILEUID:NONE\r
\r
<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20260131<LANGUAGE>ENG
<FI><ORG>Test Bank<FID>1</FI><INTU.BID>4321</SONRS></SIGNONMSGSRSV1>
<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>
<STMTRS><CURDEF>USD<BANKACCTFROM><BANKID>121000248<ACCTID>55501234<ACCTTYPE>CHECKING</BANKACCTFROM>
<BANKTRANLIST><DTSTART>20260101<DTEND>20260131
<STMTTRN><TRNTYPE>CHECK<DTPOSTED>20260105<TRNAMT>-150.00<FITID>A1<CHECKNUM>1042<NAME>CHECK 1042</STMTTRN>
<STMTTRN><TRNTYPE>POS<DTPOSTED>20260106<TRNAMT>-4.50<FITID>A2<NAME>CORNER CAFE #12</STMTTRN>
<STMTTRN><TRNTYPE>POS<DTPOSTED>20260106<TRNAMT>-4.50<FITID>A3<NAME>CORNER CAFE #12</STMTTRN>
<STMTTRN><TRNTYPE>DIRECTDEP<DTPOSTED>20260107<TRNAMT>2500.00<FITID>A4<NAME>ACME CORP PAYROLL</STMTTRN>
</BANKTRANLIST><LEDGERBAL><BALAMT>5000.00<DTASOF>20260131</LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>
"""


def test_import_code_approve_export(session, client, tmp_path, fixed_clock):
    if not all(hasattr(session, m) for m in ("code", "approve")):
        pytest.skip("the review engine's Session methods are not available")
    pytest.importorskip("ledgerkit.importers.ofx")
    src = tmp_path / "jan.qbo"
    src.write_bytes(OFX.encode("ascii"))
    rec = session.import_files(client, [src])
    assert rec.added == 4, rec.files[0].issues
    txns = {t.bank_id: t for t in session.transactions(client)}
    session.code(client, txns["A1"].id, account="Rent Expense", payee="Smith & Sons Property", memo="January")
    for fitid in ("A2", "A3"):
        session.code(client, txns[fitid].id, account="Meals", payee="Corner Cafe")
    session.code(client, txns["A4"].id, account="Consulting Income", payee="Acme Corp")
    assert session.approve(client) == 4

    web = session.export(client, "qbo", tmp_path / "out.qbo")
    data = Path(web.files[0].path).read_bytes()
    assert b"<INTU.BID>4321\r\n" in data                       # the bank's own BID, found in its file
    stmt = parse_ofx(data).statements[0]
    assert [t.fitid for t in stmt.transactions] == ["A1", "A2", "A3", "A4"]
    assert [t.name for t in stmt.transactions] == ["Smith & Sons Property", "Corner Cafe", "Corner Cafe",
                                                  "Acme Corp"]
    assert stmt.transactions[0].checknum == "1042" and stmt.ledgerbal.balamt == Decimal("5000.00")

    books = session.export(client, "iif", tmp_path / "out.iif", reexport=web.batch)
    ts = iif.read_iif(Path(books.files[0].path).read_bytes())["transactions"]
    assert [(t["TRNSTYPE"], t["AMOUNT"], t["splits"][0]["ACCNT"]) for t in ts] == [
        ("CHECK", "-150.00", "Rent Expense"), ("CHECK", "-4.50", "Meals"), ("CHECK", "-4.50", "Meals"),
        ("DEPOSIT", "2500.00", "Consulting Income")]
    with pytest.raises(Exception, match="already exported"):
        session.export(client, "iif", tmp_path / "twice.iif")
