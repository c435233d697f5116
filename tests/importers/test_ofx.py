"""OFX/QFX/QBO importer: golden files for every repair and rejection, plus properties.

Each input under ``golden/ofx`` has a ``<name>.golden.json`` beside it: the
Extract (accounts, transactions, balances, issues) or the ParseError, rendered
stably. ``LEDGERKIT_REGEN_GOLDEN=1`` rewrites them.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledgerkit.importers import ofx_reader
from ledgerkit.importers.base import TXN_SCHEMA, Extract, ParseError
from ledgerkit.importers.ofx import OfxImporter

try:  # tests/ is not a package: its conftest puts it on sys.path
    from golden import assert_golden, damaged_extracts, render_extract
except ImportError:  # pragma: no cover - when tests/ becomes a package
    from tests.golden import assert_golden, damaged_extracts, render_extract

GOLDEN = Path(__file__).parent / "golden" / "ofx"
INPUTS = sorted(p for p in GOLDEN.rglob("*") if p.suffix.lower() in (".ofx", ".qfx", ".qbo"))
IMPORTER = OfxImporter()


def render(path: Path) -> str:
    """What the importer makes of ``path``, rendered for its golden file."""
    return render_extract(lambda: IMPORTER.extract(path, path.read_bytes()))


@pytest.mark.parametrize("path", INPUTS, ids=[str(p.relative_to(GOLDEN)) for p in INPUTS])
def test_golden(path: Path):
    text = render(path)
    json.loads(text)          # the rendering stays valid JSON
    assert_golden(path.with_name(path.name + ".golden.json"), text)


@pytest.mark.parametrize("path", INPUTS, ids=[str(p.relative_to(GOLDEN)) for p in INPUTS])
def test_frame_follows_schema(path: Path):
    try:
        ex = IMPORTER.extract(path, path.read_bytes())
    except ParseError:
        return
    assert dict(ex.transactions.schema) == TXN_SCHEMA
    strings = [c for c, t in TXN_SCHEMA.items() if t == pl.String]
    assert ex.transactions.select(pl.col(strings).null_count()).sum_horizontal().item() == 0
    for amount in ex.transactions["amount"]:
        Decimal(amount)       # plain decimal text, exact
    assert all(isinstance(b.amount, Decimal) for b in ex.balances)


@pytest.mark.parametrize("path", INPUTS, ids=[str(p.relative_to(GOLDEN)) for p in INPUTS])
def test_strict_mode_agrees_where_ofxtools_reads_the_file(path: Path):
    data = path.read_bytes()
    try:
        strict = IMPORTER.extract(path, data, strict=True)
    except ParseError:
        return                # off-spec file: only the tolerant reader takes it
    tolerant = IMPORTER.extract(path, data)
    cols = ["account", "row", "posted", "amount", "bank_id"]
    left = strict.transactions.select(cols).with_columns(pl.col("amount").map_elements(Decimal, pl.Object))
    right = tolerant.transactions.select(cols).with_columns(pl.col("amount").map_elements(Decimal, pl.Object))
    assert left.rows() == right.rows()
    assert [a.key for a in strict.accounts] == [a.key for a in tolerant.accounts]
    assert [(b.kind, b.amount, b.as_of) for b in strict.balances] == \
        [(b.kind, b.amount, b.as_of) for b in tolerant.balances]


def test_identify():
    assert IMPORTER.identify(Path("x.QFX"), b"")
    assert IMPORTER.identify(Path("download.txt"), b"\r\n\r\nOFXHEADER:100\r\nDATA:OFXSGML\r\n")
    assert IMPORTER.identify(Path("download"), b'<?xml version="1.0"?>\n<OFX>')
    assert IMPORTER.identify(Path("u16.dat"), "\ufeffOFXHEADER:100".encode("utf-16-le"))
    assert not IMPORTER.identify(Path("bank.csv"), b"Date,Description,Amount\n")


def test_accounts_match_extract():
    path = GOLDEN / "v211_xml_bank_and_card.ofx"
    refs = IMPORTER.accounts(path, path.read_bytes())
    assert [r.key for r in refs] == ["ofx:30001:12345678901", "ofx::4111111111111111"]


def test_rows_count_every_stmttrn_in_file_order():
    ex = IMPORTER.extract(Path("f.ofx"), (GOLDEN / "bank_and_investment.ofx").read_bytes())
    # the investment statement's STMTTRN is row 1; the bank ones follow
    assert ex.transactions["row"].to_list() == [2, 3]


def test_amount_digits_kept_exactly():
    data = (GOLDEN / "v102_sgml_basic.ofx").read_bytes().replace(b"<TRNAMT>-12.50", b"<TRNAMT>-12.5000")
    ex = IMPORTER.extract(Path("f.ofx"), data)
    assert ex.transactions["amount"][0] == "-12.5000"


def test_reader_is_vectorised_enough():
    """A 20k-transaction statement reads in well under a second (ofxtools needs ~2 s)."""
    import time

    body = "".join(f"<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20240105<TRNAMT>-{i}.25<FITID>{i}<NAME>SHOP {i}</STMTTRN>\n"
                   for i in range(20_000))
    data = (GOLDEN / "v102_sgml_basic.ofx").read_bytes().replace(b"<BANKTRANLIST>", b"<BANKTRANLIST>" + body.encode())
    start = time.perf_counter()
    doc = ofx_reader.read(data)
    assert time.perf_counter() - start < 2.0
    assert doc.statements[0].transactions.height == 20_004


def test_to_extract_without_statements_is_an_error_issue():
    doc = ofx_reader.Document(server_messages=["ERROR 2000: General error"])
    from ledgerkit.importers.ofx import to_extract

    ex = to_extract(doc, "f.ofx")
    assert isinstance(ex, Extract)
    assert [i.message for i in ex.errors] == [
        "no bank or credit-card statement in file (the bank's response says: ERROR 2000: General error)"]


# -- robustness: damaged files never crash, they import or raise ParseError --------

_SEED = (GOLDEN / "v102_sgml_basic.ofx").read_bytes()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cut=st.integers(0, len(_SEED)), start=st.integers(0, len(_SEED)), length=st.integers(0, 40),
       junk=st.binary(max_size=12))
def test_damaged_files_never_crash(cut, start, length, junk):
    for ex in damaged_extracts(IMPORTER, "damaged.ofx", _SEED, start, length, junk, cut):
        assert ex.errors or ex.accounts
