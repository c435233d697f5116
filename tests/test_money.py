from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledgerkit.amounts import normalize_text, to_minor, with_minor
from ledgerkit.money import AmountError, exponent, format_amount, from_minor, parse_decimal
from ledgerkit.money import to_minor as scalar_minor


@pytest.mark.parametrize("text,expected", [
    ("-1234.56", "-1234.56"), ("1,234.56", "1234.56"), ("(12.50)", "-12.50"), ("12.50-", "-12.50"),
    ("$5", "5"), ("+3", "3"), ("12,5", "12.5"), ("-0.01", "-0.01"),
])
def test_parse_decimal(text, expected):
    assert parse_decimal(text) == Decimal(expected)


def test_parse_decimal_comma():
    assert parse_decimal("1.234,56", decimal_comma=True) == Decimal("1234.56")


@pytest.mark.parametrize("bad", ["", "abc", "1.2.3", "NaN", "Infinity"])
def test_parse_decimal_rejects(bad):
    with pytest.raises(AmountError):
        parse_decimal(bad)


def test_minor_units_by_currency():
    assert exponent("JPY") == 0 and exponent("KWD") == 3 and exponent("usd") == 2
    assert scalar_minor(Decimal("-12.50"), "USD") == -1250
    assert scalar_minor(Decimal("1500"), "JPY") == 1500
    assert from_minor(-1250, "USD") == Decimal("-12.50")
    assert format_amount(5, "USD") == "0.05"
    assert format_amount(1234, "KWD") == "1.234"
    with pytest.raises(AmountError):
        scalar_minor(Decimal("1.005"), "USD")
    assert scalar_minor(Decimal("1.005"), "USD", round_excess=True) == 100  # half-even


@settings(deadline=None, max_examples=100)
@given(st.integers(min_value=-10**15, max_value=10**15))
def test_frame_conversion_roundtrips_exactly(units):
    text = format_amount(units, "USD")
    u, invalid, excess = to_minor(normalize_text(pl.lit(text)), 2)
    row = pl.select(u=u, i=invalid, e=excess).row(0)
    assert row == (units, False, False)


def test_frame_conversion_flags():
    df = pl.DataFrame({"a": ["1,234.56", "(12.50)", "12.50-", "abc", "1.005", "-.5", "7"]})
    u, invalid, excess = to_minor(normalize_text(pl.col("a")), pl.lit(2))
    out = df.select(u=u, i=invalid, e=excess)
    assert out["u"].to_list() == [123456, -1250, -1250, None, 100, -50, 700]
    assert out["i"].to_list() == [False, False, False, True, False, False, False]
    assert out["e"].to_list() == [False, False, False, False, True, False, False]


_AMOUNT_TEXT = st.one_of(
    st.from_regex(r"-?[0-9]{1,12}\.[0-9]{2}", fullmatch=True),      # the common bank notation
    st.from_regex(r"[+-]?[0-9]{0,20}(\.[0-9]{0,4})?", fullmatch=True),
    st.text(alphabet="0123456789.-+ ,$ab", max_size=8),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_AMOUNT_TEXT, min_size=1, max_size=12), st.sampled_from([0, 2, 3]))
def test_batch_fast_path_agrees_with_the_general_one(texts, exp):
    """``with_minor`` takes a shortcut for "-1234.56"; it must give what ``to_minor`` gives
    (a number too long for Int64 counts as not a number on both)."""
    frame = pl.DataFrame({"amount": texts, "_exp": [exp] * len(texts)}, schema={"amount": pl.String, "_exp": pl.Int32})
    units, _invalid, excess = to_minor(pl.col("amount"), exp)
    want = frame.with_columns(units=units, _excess=excess).with_columns(_invalid=pl.col("units").is_null())
    got = with_minor(frame, "amount", "_exp")
    assert got.select("units", "_invalid", "_excess").to_dicts() == want.select("units", "_invalid", "_excess").to_dicts()
    mixed = frame.with_columns(_exp=pl.Series([exp, 2] * len(texts))[: len(texts)].cast(pl.Int32))
    per_row = with_minor(mixed, "amount", "_exp")          # several currencies in one file: the general path
    assert per_row.height == frame.height and per_row["units"].null_count() == per_row["_invalid"].sum()
