"""QIF importer: golden files, date forms, account blocks, robustness.

Each input under ``golden/qif`` (own samples, and MIT corpus files under
``corpus/``) has a ``<name>.golden.json`` beside it: the Extract or the
ParseError, rendered stably. ``LEDGERKIT_REGEN_GOLDEN=1`` rewrites them.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledgerkit.importers.base import TXN_SCHEMA, ParseError
from ledgerkit.importers.qif import QifImporter, _amount, _dates
from ledgerkit.model import AccountKind

try:  # tests/ is not a package: its conftest puts it on sys.path
    from golden import assert_golden, damaged_extracts, render_extract
except ImportError:  # pragma: no cover - when tests/ is a package
    from tests.golden import assert_golden, damaged_extracts, render_extract

GOLDEN = Path(__file__).parent / "golden" / "qif"
INPUTS = sorted(p for p in GOLDEN.rglob("*") if p.suffix.lower() == ".qif")
IMPORTER = QifImporter()


def render(path: Path) -> str:
    """What the importer makes of ``path``, rendered for its golden file."""
    return render_extract(lambda: IMPORTER.extract(path, path.read_bytes()))


@pytest.mark.parametrize("path", INPUTS, ids=[str(p.relative_to(GOLDEN)) for p in INPUTS])
def test_golden(path: Path):
    text = render(path)
    json.loads(text)
    assert_golden(path.with_name(path.name + ".golden.json"), text)


@pytest.mark.parametrize("path", INPUTS, ids=[str(p.relative_to(GOLDEN)) for p in INPUTS])
def test_frame_follows_schema(path: Path):
    try:
        ex = IMPORTER.extract(path, path.read_bytes())
    except ParseError as e:
        assert e.message
        return
    assert dict(ex.transactions.schema) == TXN_SCHEMA
    strings = [c for c, t in TXN_SCHEMA.items() if t == pl.String]
    assert ex.transactions.select(pl.col(strings).null_count()).sum_horizontal().item() == 0
    for amount in ex.transactions["amount"]:
        Decimal(amount)
    assert set(ex.transactions["account"].to_list()) <= set(range(len(ex.accounts)))
    for ref in ex.accounts:
        assert ref.key == (f"qif:{ref.name_hint}" if ref.name_hint else "")


def test_identify():
    assert IMPORTER.identify(Path("export.QIF"), b"")
    assert IMPORTER.identify(Path("download.txt"), b"\xef\xbb\xbf!Type:Bank\r\nD01/02/2024\r\n")
    assert IMPORTER.identify(Path("download"), b"### comment\n\n!Option:AutoSwitch\n!Account\n")
    assert not IMPORTER.identify(Path("bank.csv"), b"Date,Description,Amount\n")
    assert not IMPORTER.identify(Path("x.ofx"), b"OFXHEADER:100\n")


@pytest.mark.parametrize("texts,expected", [
    (["01/02/03"], [dt.date(2003, 1, 2)]),                                  # ambiguous: month first
    (["01/02/03", "13/02/03"], [dt.date(2003, 2, 1), dt.date(2003, 2, 13)]),   # a day > 12 decides
    (["1/ 5'98", "12/31'99", " 1/ 1'00"], [dt.date(1998, 1, 5), dt.date(1999, 12, 31), dt.date(2000, 1, 1)]),
    (["12/03/95", "1/4/10"], [dt.date(1995, 12, 3), dt.date(2010, 1, 4)]),
    (["22.01.2007", "1.12.08"], [dt.date(2007, 1, 22), dt.date(2008, 12, 1)]),
    (["01.02.2007"], [dt.date(2007, 2, 1)]),                                 # dotted: European order
    (["2007-01-22", "2007/1/2", "20070122"], [dt.date(2007, 1, 22), dt.date(2007, 1, 2), dt.date(2007, 1, 22)]),
    (["8/28/2008"], [dt.date(2008, 8, 28)]),
])
def test_date_forms(texts, expected):
    assert _dates([(i, t) for i, t in enumerate(texts, start=1)]) == expected


@pytest.mark.parametrize("texts,message", [
    (["13/01/2024", "01/13/2024"], "mix day-first and month-first"),
    (["02/30/2024"], "not a real date"),
    (["yesterday"], "not a QIF date"),
    ([""], "without a date"),
])
def test_bad_dates(texts, message):
    with pytest.raises(ParseError, match=message):
        _dates([(7, t) for t in texts])


@pytest.mark.parametrize("text,expected", [
    ("-1,000.00", "-1000.00"), ("1.234,56", "1234.56"), ("-12,5", "-12.5"), ("42", "42"), ("+5", "5"),
    ("4,706.57", "4706.57"), ("-.46", "-0.46"),
])
def test_amounts(text, expected):
    assert _amount(text, 1) == expected


def test_two_digit_years_pivot_at_70_whatever_the_separator():
    # Quicken writes 1/5/98 for 1998 and 1/5'08 for 2008; other programs use either for both
    data = b"!Type:Bank\nD1/5/98\nT1\n^\nD1/5'08\nT2\n^\nD1/5/08\nT3\n^\nD1/5'98\nT4\n^\n"
    ex = IMPORTER.extract(Path("q.qif"), data)
    assert ex.transactions["posted"].to_list() == [dt.date(1998, 1, 5), dt.date(2008, 1, 5),
                                                   dt.date(2008, 1, 5), dt.date(1998, 1, 5)]


def test_check_numbers_only_when_numeric():
    data = b"!Type:Bank\nD1/5/24\nT-1\nN1042\n^\nD1/5/24\nT-2\nNATM\n^\nD1/5/24\nT-3\nN#77\n^\n"
    ex = IMPORTER.extract(Path("q.qif"), data)
    assert ex.transactions.select("check_number", "type").rows() == [("1042", ""), ("", "ATM"), ("77", "")]


def test_accounts_named_and_unnamed():
    data = b"!Type:CCard\nD1/5/24\nT-1\n^\n!Account\nNVisa\nTCCard\n^\n!Type:CCard\nD1/6/24\nT-2\n^\n"
    refs = IMPORTER.accounts(Path("q.qif"), data)
    assert [(r.key, r.kind, r.name_hint) for r in refs] == [
        ("", AccountKind.CREDIT_CARD, ""), ("qif:Visa", AccountKind.CREDIT_CARD, "Visa")]
    assert IMPORTER.accounts(Path("q.qif"), b"not qif") == []


def test_splits_categories_and_addresses_are_not_bank_data():
    data = (b"!Type:Bank\nD1/5/24\nT-10.00\nPShop\nMmemo\nLFood\nSFood\nEhalf\n$-5.00\nSHome\n$-5.00\n"
            b"AStreet 1\nATown\nC*\n^\n")
    ex = IMPORTER.extract(Path("q.qif"), data)
    assert ex.transactions.select("amount", "payee", "description", "memo").rows() == [
        ("-10.00", "Shop", "Shop", "memo")]
    assert ex.issues == []


def test_investment_register_is_skipped_with_a_warning():
    data = b"!Account\nNBroker\nTInvst\n^\n!Type:Invst\nD1/5/24\nNBuy\nYIBM\nT100\n^\n"
    ex = IMPORTER.extract(Path("q.qif"), data)
    assert ex.accounts == [] and ex.transactions.height == 0
    assert [(i.severity, i.where) for i in ex.issues] == [("warning", "line 5")]


_SEED = (GOLDEN / "bank_and_card_accounts.qif").read_bytes()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=st.integers(0, len(_SEED)), length=st.integers(0, 30), junk=st.binary(max_size=12),
       cut=st.integers(0, len(_SEED)))
def test_damaged_files_never_crash(start, length, junk, cut):
    list(damaged_extracts(IMPORTER, "damaged.qif", _SEED, start, length, junk, cut))
