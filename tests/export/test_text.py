"""Safe-text helpers, FITIDs and size splitting: the building blocks of every exporter."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from ledgerkit.export import fitid, splitting, text
from ledgerkit.money import from_minor


def col(values, expr):
    return pl.DataFrame({"v": values}).select(expr(pl.col("v"))).to_series().to_list()


def test_one_line_removes_tabs_newlines_and_collapses_space():
    assert col(["a\tb\r\nc", "  x  ", None, "a\x00b"], text.one_line) == ["a b c", "x", "", "a b"]


def test_to_ascii_transliterates_and_marks_what_it_cannot():
    got = col(["Café Müller", "Smørrebrød – “Ø”", "Straße €5", "東京 ramen", "plain"], text.to_ascii)
    assert got == ["Cafe Muller", 'Smorrebrod - "O"', "Strasse EUR5", "?? ramen", "plain"]
    assert all(v.isascii() for v in got)


def test_sgml_escape_order():
    assert col(["Smith & Sons <Bldg A>", "&amp;"], text.sgml_escape) == ["Smith &amp; Sons &lt;Bldg A&gt;",
                                                                         "&amp;amp;"]


def test_formula_neutralised_only_when_dangerous():
    got = col(["=SUM(A1)", "+1 555", "-5", "@cmd", "\tx", "normal", "a=b", ""], text.neutralize_formula)
    assert got == ["'=SUM(A1)", "'+1 555", "'-5", "'@cmd", "'\tx", "normal", "a=b", ""]


def test_csv_field_quotes():
    assert col(['say "hi"', "a,b", "plain"], text.csv_field) == ['"say ""hi"""', '"a,b"', "plain"]


def test_cut_and_rest():
    df = pl.DataFrame({"v": ["abcdef ghij", "ab"]})
    out = df.select(a=text.cut(pl.col("v"), 7), b=text.rest_after(pl.col("v"), 7))
    assert out.rows() == [("abcdef", "ghij"), ("ab", "")]


def test_amount_text_exact_for_every_exponent():
    values = [0, 1, -1, 99, -100, 123456789012345, -150000]
    for exp in (0, 2, 3):
        got = pl.DataFrame({"u": values}).select(text.amount_text(pl.col("u"), exp)).to_series().to_list()
        assert got == [text.amount_str(v, exp) for v in values]
    assert text.amount_str(-150000) == "-1500.00" and text.amount_str(5) == "0.05"
    assert text.amount_str(-7, 3) == "-0.007" and text.amount_str(-7, 0) == "-7"


@given(st.lists(st.integers(min_value=-10**15, max_value=10**15), min_size=1, max_size=50))
def test_amount_text_matches_money_module(units):
    got = pl.DataFrame({"u": units}).select(text.amount_text(pl.col("u"), 2)).to_series().to_list()
    assert [Decimal(g) for g in got] == [from_minor(u, "USD") for u in units]
    assert all("," not in g and "$" not in g and "e" not in g.lower() for g in got)


# -- FITIDs ----------------------------------------------------------------------------

def test_fitid_keeps_a_clean_bank_id_and_hashes_others():
    ids = ["F:20250105-0001", "F:ref.2026/01 15#A", "F:ABC#2", "H:0123456789abcdef01234567", "F:" + "x" * 300]
    got = col(ids, fitid.fitid_expr)
    assert got[0] == "20250105-0001"
    assert got[3] == "LK-0123456789abcdef01234567"
    for g in got:
        assert 1 <= len(g) <= 255 and all(c.isalnum() or c == "-" for c in g)
    assert got == [fitid.fitid_for(i) for i in ids]        # scalar and vector agree
    assert col(ids, fitid.fitid_expr) == got                # stable


def test_fitid_reused_bank_id_gets_distinct_ids():
    got = col(["F:SAME", "F:SAME#2", "F:SAME#3"], fitid.fitid_expr)
    assert len(set(got)) == 3 and got[0] == "SAME"


def test_assign_unique_per_account_and_prefers_previous():
    frame = pl.DataFrame({"transaction_id": [1, 2, 3, 4], "account_id": [1, 1, 2, 1],
                          "identity": ["F:A-1", "H:aaaaaaaaaaaaaaaaaaaaaaaa", "F:A-1", "F:LK-aaaaaaaaaaaaaaaaaaaaaaaa"]})
    out = fitid.assign(frame)
    per_acct = out.group_by("account_id").agg(pl.col("fitid").n_unique() == pl.len())
    assert per_acct["fitid"].all()                       # the colliding bank id was re-derived
    assert out.filter(pl.col("transaction_id") == 3)["fitid"][0] == "A-1"   # other account: fine
    prev = pl.DataFrame({"transaction_id": [1], "fitid": ["OLD-1"]})
    assert fitid.assign(frame, prev).filter(pl.col("transaction_id") == 1)["fitid"][0] == "OLD-1"


# -- splitting -------------------------------------------------------------------------

def test_plan_respects_bytes_rows_and_overhead():
    sizes = [100] * 10
    assert splitting.plan(sizes, splitting.NO_LIMIT) == [(0, 10)]
    assert splitting.plan(sizes, splitting.Limit(max_bytes=350, max_rows=None), overhead=50) == [
        (0, 3), (3, 6), (6, 9), (9, 10)]
    assert splitting.plan(sizes, splitting.Limit(max_rows=4)) == [(0, 4), (4, 8), (8, 10)]
    assert splitting.plan([1000, 10], splitting.Limit(max_bytes=100)) == [(0, 1), (1, 2)]   # oversize row alone
    assert splitting.plan([], splitting.Limit(max_rows=3)) == [(0, 0)]
