"""Bank CSV importer: golden files per layout, the spec registry, ``--mapping``, speed.

Each input under ``golden/csv`` (own samples, and MIT corpus files under
``corpus/``) has a ``<name>.golden.json`` beside it: the Extract or the
ParseError, rendered stably. A ``<name>.mapping`` file beside an input is
passed as the user's ``--mapping``. ``LEDGERKIT_REGEN_GOLDEN=1`` rewrites them.
"""

from __future__ import annotations

import json
import time
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledgerkit.amounts import normalize_text
from ledgerkit.errors import Invalid
from ledgerkit.importers.base import TXN_SCHEMA, ParseError
from ledgerkit.importers.csvbank import CsvImporter, _amount_col, _canon, _Columns, detect
from ledgerkit.importers.csvspecs import SPECS, CsvSpec, by_name, spec_from_mapping
from ledgerkit.model import AccountKind

try:  # tests/ is not a package: its conftest puts it on sys.path
    from golden import assert_golden, damaged_extracts, render_extract
except ImportError:  # pragma: no cover - when tests/ is a package
    from tests.golden import assert_golden, damaged_extracts, render_extract

GOLDEN = Path(__file__).parent / "golden" / "csv"
INPUTS = sorted(p for p in GOLDEN.rglob("*") if p.suffix.lower() == ".csv")
IMPORTER = CsvImporter()


def _extract(path: Path):
    mapping = path.with_name(path.name + ".mapping")
    spec = spec_from_mapping(mapping.read_text().strip()) if mapping.exists() else None
    return IMPORTER.extract(path, path.read_bytes(), spec=spec)


def render(path: Path) -> str:
    """What the importer makes of ``path``, rendered for its golden file."""
    return render_extract(lambda: _extract(path))


@pytest.mark.parametrize("path", INPUTS, ids=[str(p.relative_to(GOLDEN)) for p in INPUTS])
def test_golden(path: Path):
    text = render(path)
    json.loads(text)
    assert_golden(path.with_name(path.name + ".golden.json"), text)


@pytest.mark.parametrize("path", INPUTS, ids=[str(p.relative_to(GOLDEN)) for p in INPUTS])
def test_frame_follows_schema(path: Path):
    try:
        ex = _extract(path)
    except ParseError as e:
        assert e.message
        return
    assert dict(ex.transactions.schema) == TXN_SCHEMA
    strings = [c for c, t in TXN_SCHEMA.items() if t == pl.String]
    assert ex.transactions.select(pl.col(strings).null_count()).sum_horizontal().item() == 0
    assert ex.transactions["posted"].null_count() == 0
    for amount in ex.transactions["amount"]:
        Decimal(amount)       # plain decimal text, exact
    assert len(ex.accounts) == 1 and ex.accounts[0].key == ""
    rows = ex.transactions["row"].to_list()
    assert rows == sorted(rows) and len(set(rows)) == len(rows)


def test_at_least_twelve_real_banks_and_every_shape():
    banks = {s.institution for s in SPECS if s.institution}
    assert len(banks) >= 12
    assert len({s.name for s in SPECS}) == len(SPECS)
    assert any(s.amount and not s.indicator for s in SPECS)
    assert any(s.debit and s.credit for s in SPECS)
    assert any(s.indicator for s in SPECS)
    assert any(s.decimal_comma for s in SPECS)
    assert any(s.check_number for s in SPECS)
    assert any(s.footer for s in SPECS)
    assert any(s.flip_sign for s in SPECS)
    assert any(s.headerless for s in SPECS)
    assert any(f.startswith("%d") for s in SPECS for f in s.date_formats)
    assert any(f.startswith("%m") for s in SPECS for f in s.date_formats)
    for s in SPECS:
        assert s.header or s.line_pattern, s.name
        assert s.amount is not None or s.debit is not None or s.credit is not None, s.name


def test_by_name_ignores_case_and_punctuation():
    assert by_name("chase-checking").name == "Chase checking"
    assert by_name("QUICKBOOKS ONLINE 3 COLUMN").header == ("Date", "Description", "Amount")
    with pytest.raises(Invalid, match="unknown CSV layout"):
        by_name("no such bank")


@pytest.mark.parametrize("text,layout", [
    (b"Date,Description,Amount\n01/02/2024,X,1.00\n", "QuickBooks Online 3-column"),
    (b"Date,Description,Credit,Debit\n2024-01-02,X,1.00,\n", "QuickBooks Online 4-column"),
    (b"\xef\xbb\xbf\"Date\",\"Description\",\"Amount\"\r\n2024-01-02,X,1\r\n", "QuickBooks Online 3-column"),
    (b"Date,Description,Amount,Balance\n01/02/2024,X,1.00,2.00\n", "first direct"),
    (b"Date;Description;Amount\n01/02/2024;X;1.00\n", None),          # QBO files are comma-separated
    (b"Datum;Naam / Omschrijving;Rekening;Tegenrekening;Code;Af Bij;Bedrag (EUR);Mutatiesoort;Mededelingen\n",
     "ING (NL)"),
    (b"hello world\n", None),
])
def test_detection(text, layout):
    found = detect(text)
    assert (found.spec.name if found else None) == layout


def test_qbo_dates_are_detected_per_file():
    us = IMPORTER.extract(Path("a.csv"), b"Date,Description,Amount\n01/02/2024,X,1.00\n")
    iso = IMPORTER.extract(Path("b.csv"), b"Date,Description,Amount\n2024-01-02,X,1.00\n")
    assert us.transactions["posted"].to_list() == iso.transactions["posted"].to_list()
    with pytest.raises(ParseError, match="not a date like %m/%d/%Y or %Y-%m-%d") as e:
        IMPORTER.extract(Path("c.csv"), b"Date,Description,Amount\n01/02/2024,X,1\n2024-02-01,X,1\n")
    assert e.value.where in {"line 2", "line 3"}


def test_identify():
    assert IMPORTER.identify(Path("export.CSV"), b"anything")          # claimed, so the user hears about --mapping
    assert IMPORTER.identify(Path("download.txt"), b"Date,Description,Amount\n01/02/2024,X,1\n")
    assert not IMPORTER.identify(Path("notes.txt"), b"Dear bank,\nhello\n")
    assert not IMPORTER.identify(Path("x.qif"), b"!Type:Bank\nD01/02/2024\nT1\n^\n")
    with pytest.raises(ParseError, match="--mapping"):
        IMPORTER.extract(Path("export.csv"), b"a,b,c\n1,2,3\n")


def test_accounts_match_extract():
    path = GOLDEN / "chase_checking.csv"
    refs = IMPORTER.accounts(path, path.read_bytes())
    assert refs == IMPORTER.extract(path, path.read_bytes()).accounts
    assert refs[0].kind is AccountKind.CHECKING and refs[0].name_hint == "Chase checking"
    assert IMPORTER.accounts(Path("x.csv"), b"a,b\n1,2\n") == []


def test_layout_name_can_be_forced():
    data = b"Date,Description,Amount\n2024-02-01,X,1.00\n"
    ex = IMPORTER.extract(Path("x.csv"), data, spec="QuickBooks Online 3-column")
    assert ex.accounts[0].name_hint == "QuickBooks Online 3-column"
    with pytest.raises(ParseError, match="does not match the layout 'Chase checking'"):
        IMPORTER.extract(Path("x.csv"), data, spec="Chase checking")


def test_row_is_the_physical_line_across_blank_lines_and_quoted_newlines():
    data = (b"Date,Description,Amount\n\n01/02/2024,\"two\nlines\",1.00\n\n\n01/03/2024,X,2.00\n"
            b"01/04/2024,\"a\n\nb\",3.00\n01/05/2024,Y,4.00\n")
    ex = IMPORTER.extract(Path("x.csv"), data)
    assert ex.transactions["row"].to_list() == [3, 7, 8, 11]
    bad = data.replace(b"01/05/2024", b"13/45/2024")
    with pytest.raises(ParseError) as e:
        IMPORTER.extract(Path("x.csv"), bad)
    assert e.value.where == "line 11" and "'13/45/2024'" in e.value.message and "'Date'" in e.value.message


# -- spec_from_mapping --------------------------------------------------------------------------

def test_mapping_from_the_brief():
    spec = spec_from_mapping("date=Posting Date,amount=Amount,description=Description,date_format=%m/%d/%Y,"
                             "decimal_comma=no,skip=0")
    assert spec == CsvSpec("CSV import", header=("Posting Date", "Amount"), date="Posting Date",
                           date_formats=("%m/%d/%Y",), amount="Amount", description="Description")


def test_mapping_positions_quotes_and_joins():
    spec = spec_from_mapping('date=1, debit=4, credit=5, memo=2+3, header=no, delimiter=semicolon, '
                             'footer="^Total, all", kind=credit card, currency=eur, date_format=%d.%m.%Y|%d.%m.%y')
    assert (spec.date, spec.debit, spec.credit, spec.memo) == (0, 3, 4, (1, 2))
    assert spec.headerless and spec.delimiter == ";" and spec.footer == "^Total, all"
    assert spec.kind is AccountKind.CREDIT_CARD and spec.currency == "EUR"
    assert spec.date_formats == ("%d.%m.%Y", "%d.%m.%y")


@pytest.mark.parametrize("text,message", [
    ("amount=Amount", "needs date="),
    ("date=Date", "needs amount="),
    ("date=Date,amount=A,debit=D", "either amount= or debit="),
    ("date=Date,amount=A,colour=red", "unknown mapping key"),
    ("date=Date,amount=A,date_format=mm/dd/yyyy", "not a strftime format"),
    ("date=Date,amount=A,skip=two", "skip must be a number"),
    ("date=Date,amount=A,decimal_comma=maybe", "yes or no"),
    ("date=Date,amount=Amount,header=no", "is a name but the mapping says header=no"),
    ("date=0,amount=1", "positions start at 1"),
    ("date=Date,date=Other,amount=A", "twice"),
    ("date=Date,amount=A,kind=brokerage", "kind must be one of"),
    ("date=Date,amount=A,currency=dollars", "not a currency code"),
    ("date=Date,amount=A,encoding=klingon", "unknown encoding"),
    ("date=Date;amount=A", "cannot read the mapping"),
])
def test_mapping_errors_are_user_messages(text, message):
    with pytest.raises(Invalid, match=message):
        spec_from_mapping(text)


def test_mapping_with_header_and_positions():
    data = b"Posted;What;Value\n2024-03-01;Rent;-1200,00\n"
    spec = spec_from_mapping("date=1,description=2,amount=3,decimal_comma=yes,date_format=%Y-%m-%d")
    ex = IMPORTER.extract(Path("x.csv"), data, spec=spec)
    assert ex.transactions.select("row", "amount", "description").rows() == [(2, "-1200.00", "Rent")]
    assert IMPORTER.extract(Path("x.csv"), data, spec="date=Posted,amount=Value,decimal_comma=yes").transactions.height


# -- amounts ---------------------------------------------------------------------------------------

_AMOUNT_TEXT = st.one_of(
    st.text(alphabet="0123456789.,-+()$£€' ", max_size=14),
    st.builds(lambda n, d, sep: f"{n:,}.{d:02d}".replace(",", sep), st.integers(0, 10**9), st.integers(0, 99),
              st.sampled_from([",", "'", " "])),
    st.builds(lambda n, d: f"{n:,}".replace(",", ".") + f",{d:02d}", st.integers(0, 10**9), st.integers(0, 99)),
)


@settings(max_examples=300, deadline=None)
@given(values=st.lists(_AMOUNT_TEXT, min_size=1, max_size=20), dc=st.booleans())
def test_amount_fast_path_equals_normalize_text(values, dc):
    frame = pl.DataFrame({"c0": [v.strip() for v in values], "_line": range(len(values))})
    got, _, _ = _amount_col(frame, 0, _Columns(("Amount",), 1), False, "_a") if not dc else (None, 0, 0)
    if dc:
        try:
            got, _, _ = _amount_col(frame, 0, _Columns(("Amount",), 1), True, "_a")
        except ParseError:
            return            # a decimal point in a decimal-comma layout is refused, by design
    want = frame.select(_canon(normalize_text(pl.col("c0"), decimal_comma=dc)).alias("e"))["e"]
    assert got["_a"].to_list() == want.to_list()


def test_debit_and_credit_on_one_row_are_summed_exactly():
    data = "Kontonummer;Text;Datum;Währung;Soll;Haben\n1;x;31.12.2023;EUR;0,10;0,30\n1;y;31.12.2023;EUR;1,005;0\n"
    ex = IMPORTER.extract(Path("x.csv"), data.encode("cp1252"))
    assert ex.transactions["amount"].to_list() == ["0.20", "-1.005"]


# -- robustness and speed --------------------------------------------------------------------------

_SEED = (GOLDEN / "schwab_checking_2020.csv").read_bytes()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=st.integers(0, len(_SEED)), length=st.integers(0, 30), junk=st.binary(max_size=12),
       cut=st.integers(0, len(_SEED)))
def test_damaged_files_never_crash(start, length, junk, cut):
    list(damaged_extracts(IMPORTER, "damaged.csv", _SEED, start, length, junk, cut))


def _big_file(rows: int) -> bytes:
    frame = pl.DataFrame({"i": pl.int_range(0, rows, eager=True)}).select(
        pl.lit("DEBIT").alias("Details"),
        pl.format("{}/{}/2024", (pl.col("i") % 12 + 1).cast(pl.String).str.pad_start(2, "0"),
                  (pl.col("i") % 28 + 1).cast(pl.String).str.pad_start(2, "0")).alias("Posting Date"),
        pl.format("VENDOR {} REF {}", pl.col("i") % 5000, pl.col("i")).alias("Description"),
        pl.format("-{}.{}", pl.col("i") % 9000, (pl.col("i") % 100).cast(pl.String).str.pad_start(2, "0"))
        .alias("Amount"),
        pl.lit("ACH_DEBIT").alias("Type"), pl.lit("10.00").alias("Balance"),
        pl.lit("").alias("Check or Slip #"))
    return frame.write_csv().encode()


def test_two_hundred_thousand_rows_quickly():
    data = _big_file(200_000)
    start = time.perf_counter()
    ex = IMPORTER.extract(Path("big.csv"), data)
    assert time.perf_counter() - start < 5.0
    assert ex.transactions.height == 200_000
    assert ex.transactions["row"][-1] == 200_001


@pytest.mark.slow
def test_a_million_rows_in_a_second_or_two():
    data = _big_file(1_000_000)
    best = min(_timed(data) for _ in range(2))
    print(f"\n1M-row Chase CSV extracted in {best:.2f}s")
    assert best < 6.0       # ~1 s on an idle 2-core machine; generous for busy CI runners


def _timed(data: bytes) -> float:
    start = time.perf_counter()
    IMPORTER.extract(Path("big.csv"), data)
    return time.perf_counter() - start
