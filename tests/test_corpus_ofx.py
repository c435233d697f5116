"""Every OFX/QFX/QBO file of the shared real-file corpus, against ofxtools as the oracle.

For each file: ledgerkit imports it or rejects it with an issue (only
``ParseError`` may escape the importer). Where ofxtools reads a file on its own,
ledgerkit must agree with it exactly, per statement, on the number of
transactions and on every amount, date and FITID. A rejection is allowed only
for a file with no bank or card statement at all, or one listed below with the
reason it cannot be read. Run with ``-s`` or look at the summary line.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from ledgerkit.importers.base import TXN_SCHEMA, ParseError
from ledgerkit.importers.ofx import OfxImporter
from ledgerkit.importers.ofxtools_adapter import read_strict

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
pytestmark = [
    pytest.mark.corpus,
    pytest.mark.slow,
    pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no corpus at {CORPUS} (the shared/ folder beside the checkout)"),
]
FILES = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix.lower() in (".ofx", ".qfx", ".qbo")) \
    if CORPUS.is_dir() else []

# Files that cannot be read without guessing, and the message that says why.
EXPECTED_REJECTIONS = {
    "asgrim-ofxparser/ofxdata-banking-xml200.ofx": "no date",           # STMTTRN body is "*snipped*"
    "moneyguru/ofx/invalid.ofx": "not an OFX file",
    "ofxsharp-jcoliz/not-an-ofx-file.ofx": "not an OFX file",
    "oca-bank-statement-import/account_statement_import_ofx/tests/test_ofx_file/test_ofx_wrong.ofx": "no date",
    "ofxparse/fail_nice/date_missing.ofx": "no date",
    "ofxparse/fail_nice/decimal_error.ofx": "not an OFX date",           # 201120000000 (month 20); also "$120"
    "qfxparser-cs/test.qfx": "'56.77invalid' is not a number",
    "ruby-ofx/cef_malformed_decimal.ofx": "'.' is not a number",
}
NO_STATEMENT = "no bank or credit-card statement in file"
_STATEMENT_TAG = re.compile(rb"<(?:CC)?STMTRS>", re.I)


def _outcome(path: Path) -> dict:
    data = path.read_bytes()
    out: dict = {"path": path.relative_to(CORPUS).as_posix(), "data": data}
    try:
        out["extract"] = OfxImporter().extract(path, data)
    except ParseError as e:
        out["error"] = e.message
    else:
        errors = out["extract"].errors
        if errors:
            out["error"] = "; ".join(i.message for i in errors)
    try:
        out["reference"] = read_strict(data)
    except ParseError:
        out["reference"] = None
    return out


@pytest.fixture(scope="module")
def outcomes() -> dict[str, dict]:
    return {o["path"]: o for o in map(_outcome, FILES)}


@pytest.mark.parametrize("path", FILES, ids=[p.relative_to(CORPUS).as_posix() for p in FILES] if FILES else None)
def test_file_imports_or_is_rejected_cleanly(path: Path, outcomes):
    o = outcomes[path.relative_to(CORPUS).as_posix()]
    if "error" in o:
        expected = EXPECTED_REJECTIONS.get(o["path"])
        if expected:
            assert expected in o["error"]
        else:
            assert o["error"].startswith(NO_STATEMENT), o["error"]
            assert not _STATEMENT_TAG.search(o["data"]), "rejected although the file has a statement"
        return
    assert o["path"] not in EXPECTED_REJECTIONS, "now imports: update EXPECTED_REJECTIONS"
    ex = o["extract"]
    assert ex.accounts
    assert dict(ex.transactions.schema) == TXN_SCHEMA
    assert ex.transactions["posted"].null_count() == 0


@pytest.mark.parametrize("path", FILES, ids=[p.relative_to(CORPUS).as_posix() for p in FILES] if FILES else None)
def test_agrees_with_ofxtools(path: Path, outcomes):
    o = outcomes[path.relative_to(CORPUS).as_posix()]
    ref = o["reference"]
    if ref is None:
        pytest.skip("ofxtools cannot read this file")
    if not ref.statements:
        assert o.get("error", "").startswith(NO_STATEMENT)
        return
    assert "error" not in o, o.get("error")
    ex = o["extract"]
    assert len(ex.accounts) == len(ref.statements)
    for i, st in enumerate(ref.statements):
        mine = ex.transactions.filter(pl.col("account") == i)
        assert mine.height == st.transactions.height, f"statement {i + 1}: transaction count"
        theirs = st.transactions
        assert mine["posted"].to_list() == theirs["posted"].to_list(), f"statement {i + 1}: dates"
        assert [Decimal(a) for a in mine["amount"]] == [Decimal(a) for a in theirs["amount"]], \
            f"statement {i + 1}: amounts"
        assert mine["bank_id"].to_list() == theirs["fitid"].to_list(), f"statement {i + 1}: FITIDs"
        assert ex.accounts[i].number == st.account_id
        assert ex.accounts[i].bank_id == st.bank_id


def test_summary(outcomes, capsys):
    imported = [o for o in outcomes.values() if "error" not in o]
    rejected = [o for o in outcomes.values() if "error" in o]
    no_statement = [o for o in rejected if o["error"].startswith(NO_STATEMENT)]
    ref = [o for o in outcomes.values() if o["reference"] is not None]
    ref_stmts = [o for o in ref if o["reference"].statements]
    txns = sum(o["extract"].transactions.height for o in imported)
    with capsys.disabled():
        print(f"\nOFX corpus: {len(outcomes)} files: {len(imported)} imported ({txns} transactions), "
              f"{len(rejected)} rejected ({len(no_statement)} without a bank/card statement, "
              f"{len(rejected) - len(no_statement)} unreadable); ofxtools reads {len(ref)} "
              f"({len(ref_stmts)} with bank/card statements), each compared above")
    assert len(outcomes) == len(FILES)
