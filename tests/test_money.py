from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledgerkit.amounts import normalize_text, to_minor
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
