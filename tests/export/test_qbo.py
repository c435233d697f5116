"""QuickBooks Web Connect (.qbo): one test per gotcha of formats.md section 1, and
round trips through ofxtools (and ledgerkit's own OFX importer)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledgerkit.export import qbo
from ledgerkit.export.base import StatementAccount
from ledgerkit.export.splitting import Limit

from .conftest import parse_ofx
from .helpers import card_account, ctx, frame

D = dt.date
HEADER_LINES = ["OFXHEADER:100", "DATA:OFXSGML", "VERSION:102", "SECURITY:NONE", "ENCODING:USASCII",
                "CHARSET:1252", "COMPRESSION:NONE", "OLDFILEUID:NONE", "NEWFILEUID:NONE", ""]
LEAVES = {"CODE", "SEVERITY", "DTSERVER", "LANGUAGE", "ORG", "FID", "INTU.BID", "TRNUID", "CURDEF", "BANKID",
          "ACCTID", "ACCTTYPE", "DTSTART", "DTEND", "TRNTYPE", "DTPOSTED", "TRNAMT", "FITID", "CHECKNUM", "NAME",
          "MEMO", "BALAMT", "DTASOF"}


def render(rows, accounts=None, **kw) -> bytes:
    out = qbo.format_qbo(frame(rows, **kw), ctx(accounts))
    assert len(out) == 1
    return out[0].data


def trns(data: bytes):
    return parse_ofx(data).statements[0].transactions


def basic(**over):
    return {"posted": D(2026, 1, 5), "amount": -1500, "payee": "Corner Cafe", **over}


def test_exact_header_crlf_and_ascii():
    data = render([basic()])
    text = data.decode("ascii")
    assert text.split("\r\n")[:10] == HEADER_LINES
    assert text.split("\r\n")[10] == "<OFX>"
    assert "\n" not in text.replace("\r\n", "")               # CRLF only
    assert not data.startswith(b"\xef\xbb\xbf") and "<?xml" not in text
    assert text.endswith("</OFX>\r\n")


def test_leaves_unclosed_aggregates_closed_no_empty_element():
    data = render([basic(memo=""), basic(payee="", memo="")]).decode()
    for line in data.split("\r\n")[10:]:
        m = re.fullmatch(r"<([A-Z0-9.]+)>(.*)", line)
        if m and m.group(1) in LEAVES:
            assert m.group(2).strip(), f"empty element {line!r}"
            assert "</" not in m.group(2)
    assert "<MEMO>" not in data                               # empty memo: element left out


def test_schema_order_is_what_ofxtools_expects():
    stmt = parse_ofx(render([basic(check_number="1042", memo="m", amount=-5000)])).statements[0]
    t = stmt.transactions[0]
    assert (t.trntype, t.checknum, t.name, t.memo) == ("CHECK", "1042", "Corner Cafe", "m")
    data = render([basic(check_number="1042", memo="m", amount=-5000)]).decode()
    order = [m for m in re.findall(r"<([A-Z.]+)>", data.split("<STMTTRN>")[1].split("</STMTTRN>")[0])]
    assert order == ["TRNTYPE", "DTPOSTED", "TRNAMT", "FITID", "CHECKNUM", "NAME", "MEMO"]


def test_ampersand_and_angle_brackets_escaped_and_survive():
    data = render([basic(payee="Smith & Sons <Bldg A>", memo="a<b & c>d")])
    assert b"Smith &amp; Sons &lt;Bldg A&gt;" in data
    t = trns(data)[0]
    assert t.name == "Smith & Sons <Bldg A>" and t.memo == "a<b & c>d"


def test_long_name_cut_to_32_rest_in_memo():
    payee = "SMITH & SONS PROPERTY MANAGEMENT LLC OF SPRINGFIELD"
    t = trns(render([basic(payee=payee, memo="Invoice 7")]))[0]
    assert len(t.name) == 32 and payee.startswith(t.name)
    assert t.memo.startswith(payee[32:].strip()) and t.memo.endswith("Invoice 7")
    assert len(trns(render([basic(payee="x", memo="m" * 400)]))[0].memo) == 255


def test_empty_memo_and_empty_payee():
    ts = trns(render([basic(memo=""), basic(payee="", memo="", check_number="1043", amount=-1)]))
    assert ts[0].memo is None
    assert ts[1].name == "Check 1043"


def test_identical_same_day_transactions_keep_two_fitids():
    f = frame([basic(identity="H:" + "a" * 24), basic(identity="H:" + "b" * 24)])
    ts = trns(qbo.format_qbo(f, ctx())[0].data)
    assert len(ts) == 2 and ts[0].fitid != ts[1].fitid


def test_credit_card_statement_signs_and_wrapper():
    rows = [basic(amount=-6499, payee="AMAZON", type="DEBIT"), basic(amount=2000, payee="REFUND", type="CREDIT"),
            basic(amount=100000, payee="PAYMENT - THANK YOU", type="PAYMENT")]
    data = qbo.format_qbo(frame(rows, account_kind="credit_card"), ctx({1: card_account(-45000)}))[0].data
    text = data.decode()
    assert "<CREDITCARDMSGSRSV1>" in text and "<CCACCTFROM>" in text and "<BANKMSGSRSV1>" not in text
    assert "<BANKID>" not in text and "<ACCTTYPE>" not in text
    stmt = parse_ofx(data).statements[0]
    assert [t.trnamt for t in stmt.transactions] == [Decimal("-64.99"), Decimal("20.00"), Decimal("1000.00")]
    assert stmt.ledgerbal.balamt == Decimal("-450.00")
    assert stmt.account.acctid == "4111111111111111"


def test_bank_statement_wrapper_and_account():
    data = render([basic()])
    stmt = parse_ofx(data).statements[0]
    assert "<BANKMSGSRSV1>" in data.decode()
    assert (stmt.account.bankid, stmt.account.acctid, stmt.account.accttype) == ("121000248", "55501234",
                                                                               "CHECKING")


def test_non_ascii_payees_transliterated_never_dropped():
    data = render([basic(payee="Café Müller – Zürich"), basic(payee="東京 Ramen")])
    assert data.isascii()
    assert [t.name for t in trns(data)] == ["Cafe Muller - Zurich", "?? Ramen"]


def test_check_numbers_and_trntype():
    rows = [basic(check_number="1042", amount=-15000, type="DEBIT"),
            basic(amount=2500, type="DEPOSIT"),          # invented type: not in the enum
            basic(amount=-300, type="CREDIT"),           # contradicts the sign
            basic(amount=300, type="int"),
            basic(amount=-300, type=""),
            basic(amount=0, type="")]
    ts = trns(render(rows))
    assert [t.trntype for t in ts] == ["CHECK", "CREDIT", "DEBIT", "INT", "DEBIT", "DEBIT"]
    assert ts[0].checknum == "1042" and ts[1].checknum is None
    assert all(t.trntype in qbo.TRNTYPES for t in ts)
    long_check = trns(render([basic(check_number="CHK#0000001234567")]))[0]
    assert long_check.checknum == "000001234567" and len(long_check.checknum) <= 12


def test_amounts_plain_decimal_no_separators():
    data = render([basic(amount=-123456789), basic(amount=5)]).decode()
    assert "<TRNAMT>-1234567.89\r\n" in data and "<TRNAMT>0.05\r\n" in data
    assert not re.search(r"<(TRNAMT|BALAMT)>[^\r]*[,$(]", data)


def test_dates_noon_with_milliseconds_and_range():
    data = render([basic(posted=D(2026, 1, 2)), basic(posted=D(2026, 1, 9))]).decode()
    assert "<DTPOSTED>20260102120000.000[0:GMT]" in data
    assert "<DTSTART>20260102120000.000[0:GMT]" in data and "<DTEND>20260109120000.000[0:GMT]" in data
    assert re.search(r"<DTSERVER>\d{14}\.000\[0:GMT\]", data)
    c = ctx(date_from=D(2026, 1, 1), date_to=D(2026, 1, 31))
    text = qbo.format_qbo(frame([basic()]), c)[0].data.decode()
    assert "<DTSTART>20260101120000" in text and "<DTEND>20260131120000" in text
    assert "<DTASOF>20260131120000" in text


def test_ledgerbal_always_present_even_when_zero():
    acc = {1: StatementAccount(1, "Checking", "checking", "USD", "", "", balance_on=lambda d: 0)}
    data = qbo.format_qbo(frame([basic()]), ctx(acc))[0].data
    assert parse_ofx(data).statements[0].ledgerbal.balamt == Decimal("0.00")
    text = data.decode()
    assert "<BANKID>000000000" in text and "<ACCTID>1\r\n" in text     # defaults when unknown


def test_intu_bid_default_and_configured():
    assert b"<INTU.BID>3000\r\n" in render([basic()])
    acc = {1: StatementAccount(1, "C", "checking", intu_bid="10898", org="B1", fid="10898",
                               balance_on=lambda d: 0)}
    text = qbo.format_qbo(frame([basic()]), ctx(acc))[0].data.decode()
    assert "<ORG>B1\r\n<FID>10898\r\n</FI>\r\n<INTU.BID>10898\r\n</SONRS>" in text


def test_no_imagedata_ever():
    assert b"IMAGEDATA" not in render([basic(check_number="1")])


def test_split_under_350_kb_each_file_complete():
    rows = [basic(posted=D(2026, 1, 1) + dt.timedelta(days=i // 50), amount=-(i + 1), payee=f"PAYEE {i:05d}",
                  memo="m" * 200) for i in range(2500)]
    out = qbo.format_qbo(frame(rows), ctx(limit=Limit(max_bytes=350_000)))
    assert len(out) > 1 and all(len(r.data) <= 350_000 for r in out)
    assert [r.part for r in out] == list(range(1, len(out) + 1)) and {r.parts for r in out} == {len(out)}
    seen = []
    for r in out:
        stmt = parse_ofx(r.data).statements[0]
        seen += [t.fitid for t in stmt.transactions]
        assert stmt.ledgerbal is not None
        assert stmt.banktranlist.dtstart.date() <= min(t.dtposted.date() for t in stmt.transactions)
        assert stmt.banktranlist.dtend.date() >= max(t.dtposted.date() for t in stmt.transactions)
    assert len(seen) == 2500 == len(set(seen))


texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(-10**9, 10**9), texts, texts, st.sampled_from(["", "101", "99999"]),
                          st.integers(0, 40)), min_size=1, max_size=25))
def test_round_trip_any_text_and_amount(rows):
    data = [{"amount": a, "payee": p, "memo": m, "check_number": c, "posted": D(2026, 1, 1) + dt.timedelta(days=d)}
            for a, p, m, c, d in rows]
    f = frame(data)
    out = qbo.format_qbo(f, ctx())[0].data
    assert out.isascii()
    stmt = parse_ofx(out).statements[0]
    got = stmt.transactions
    exp = f.sort("posted", "transaction_id")
    assert len(got) == exp.height
    assert [t.trnamt for t in got] == [Decimal(a).scaleb(-2) for a in exp["amount"]]
    assert [t.dtposted.date() for t in got] == exp["posted"].to_list()
    assert [t.fitid for t in got] == exp["fitid"].to_list()
    for t in got:
        assert t.name is None or 1 <= len(t.name) <= 32
        assert t.memo is None or 1 <= len(t.memo) <= 255


def test_round_trip_session_export_through_ofxtools(session, firm, tmp_path):
    res = session.export(firm["client"], "qbo", tmp_path / "out.qbo")
    fr = session.transactions_frame(firm["client"])
    for f in res.files:
        data = Path(f.path).read_bytes()
        stmt = parse_ofx(data).statements[0]
        acct = next(a for a in session.accounts(firm["client"]) if a.id == f.account_id)
        with session.store.connect() as conn:
            items = pl.DataFrame(conn.exec_driver_sql(
                "SELECT transaction_id, fitid FROM export_items WHERE batch_id = ? AND written",
                (res.batch,)).fetchall(), schema=["id", "fitid"], orient="row")
        rows = fr.join(items, on="id").filter(pl.col("account_id") == acct.id).sort("posted", "id")
        assert len(stmt.transactions) == rows.height == f.transactions
        assert [t.trnamt for t in stmt.transactions] == [Decimal(a).scaleb(-2) for a in rows["amount"]]
        assert [t.dtposted.date() for t in stmt.transactions] == rows["posted"].to_list()
        assert [t.fitid for t in stmt.transactions] == rows["fitid"].to_list()
        assert [t.checknum or "" for t in stmt.transactions] == rows["check_number"].to_list()
        bal = {a["account"].id: a for a in session.balances(firm["client"])}[acct.id]
        if bal["source"] == "bank" and bal["balance_date"] == stmt.ledgerbal.dtasof.date():
            assert stmt.ledgerbal.balamt == bal["balance"]
    checking = next(f for f in res.files if f.account_id == firm["checking"].id)
    stmt = parse_ofx(Path(checking.path).read_bytes()).statements[0]
    # bank said 10,000.00 on 01-16; the 01-16 check (-40.00, not exported) comes after DTEND 01-15
    assert stmt.ledgerbal.balamt == Decimal("10040.00")
    assert res.total == sum((Decimal(a).scaleb(-2) for a in fr.filter(pl.col("id").is_in(
        [i for i in firm["chk"][:11]] + firm["sav"] + firm["cc"]))["amount"]), Decimal(0))


def test_exported_qbo_imports_back_into_ledgerkit(session, firm, tmp_path):
    pytest.importorskip("ledgerkit.importers.ofx")
    res = session.export(firm["client"], "qbo", tmp_path / "out.qbo")
    other = session.add_client("Round Trip")
    for f in res.files:
        r = session.import_bytes(other, f.path.rsplit("/", 1)[1], Path(f.path).read_bytes())
        assert r.status.value == "imported", r.issues
    back = session.transactions_frame(other).sort("bank_id")
    assert back.height == res.transactions
    with session.store.connect() as conn:
        sent = pl.DataFrame(conn.exec_driver_sql(
            "SELECT i.fitid, t.amount, t.posted FROM export_items i JOIN transactions t ON t.id = i.transaction_id "
            "WHERE i.batch_id = ?", (res.batch,)).fetchall(), schema=["fitid", "amount", "posted"],
            orient="row").sort("fitid")
    assert back["bank_id"].to_list() == sent["fitid"].to_list()
    assert back["amount"].to_list() == sent["amount"].to_list()
    # importing the same export again adds nothing (stable FITIDs)
    res2 = session.export(firm["client"], "qbo", tmp_path / "again.qbo", reexport=res.batch)
    for f in res2.files:
        r = session.import_bytes(other, "again-" + f.path.rsplit("/", 1)[1], Path(f.path).read_bytes())
        assert r.added == 0
