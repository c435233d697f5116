"""OFX 2.2 XML: well-formed XML, parsed back by ofxtools, Unicode kept."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

from ledgerkit.export import ofx2

from .conftest import parse_ofx
from .helpers import card_account, ctx, frame

D = dt.date


def row(**over):
    return {"posted": D(2026, 1, 5), "amount": -1500, "payee": "Corner Cafe", **over}


def test_xml_header_well_formed_and_parsed_by_ofxtools():
    rows = [row(payee="Smith & Sons <Bldg A> Property Management LLC", memo="x & y", check_number="1042"),
            row(payee="Café Müller 東京", amount=2500), row(payee="ctrl\x01char")]
    data = ofx2.format_ofx(frame(rows), ctx())[0].data
    text = data.decode("utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\r\n<?OFX OFXHEADER="200" '
                           'VERSION="220"')
    root = ET.fromstring(data)
    names = [e.text for e in root.iter("NAME")]
    assert names[0] == "Smith & Sons <Bldg A> Property M" and names[1] == "Café Müller 東京"
    assert [e.text for e in root.iter("EXTDNAME")] == ["Smith & Sons <Bldg A> Property Management LLC"]
    assert "INTU.BID" not in text
    stmt = parse_ofx(data).statements[0]
    assert [t.trnamt for t in stmt.transactions] == [Decimal("-15.00"), Decimal("25.00"), Decimal("-15.00")]
    assert stmt.transactions[0].checknum == "1042" and stmt.ledgerbal.balamt == Decimal("1234.56")


def test_card_statement():
    data = ofx2.format_ofx(frame([row(amount=-6499)], account_kind="credit_card"), ctx({1: card_account()}))[0].data
    stmt = parse_ofx(data).statements[0]
    assert stmt.transactions[0].trnamt == Decimal("-64.99") and stmt.ledgerbal.balamt == Decimal("-450.00")
    assert b"<CREDITCARDMSGSRSV1>" in data


def test_session_ofx_round_trip(session, firm, tmp_path):
    res = session.export(firm["client"], "ofx", tmp_path)
    assert len(res.files) == 3 and all(f.path.endswith(".ofx") for f in res.files)
    n = 0
    for f in res.files:
        stmt = parse_ofx(Path(f.path).read_bytes()).statements[0]
        n += len(stmt.transactions)
        assert len({t.fitid for t in stmt.transactions}) == len(stmt.transactions)
    assert n == res.transactions == 16
