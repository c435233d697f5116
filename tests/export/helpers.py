"""Build export frames by hand for the formatter tests."""

from __future__ import annotations

import datetime as dt

import polars as pl

from ledgerkit.export import fitid
from ledgerkit.export.base import Context, StatementAccount
from ledgerkit.export.frame import conform

GEN = dt.datetime(2026, 1, 31, 12, 0, tzinfo=dt.UTC)


def frame(rows: list[dict], **defaults) -> pl.DataFrame:
    """Rows as dicts (posted as date, amount in minor units); identities default to
    distinct fingerprints; ``splits`` as list of dicts."""
    full = []
    for i, r in enumerate(rows, 1):
        row = {"transaction_id": i, "account_id": 1, "account_name": "Operating Checking",
               "account_kind": "checking", "currency": "USD", "exp": 2,
               "identity": f"H:{i:024x}", "posted": dt.date(2026, 1, 5), **defaults, **r}
        full.append(row)
    f = pl.DataFrame(full, infer_schema_length=None)
    return fitid.assign(conform(f))


def ctx(accounts: dict[int, StatementAccount] | None = None, **kw) -> Context:
    if accounts is None:
        accounts = {1: StatementAccount(1, "Operating Checking", "checking", "USD", "121000248", "55501234",
                                        balance_on=lambda d: 123456)}
    return Context(generated=GEN, accounts=accounts, **kw)


def card_account(balance: int = -45000) -> StatementAccount:
    return StatementAccount(1, "Business Visa", "credit_card", "USD", "", "4111111111111111",
                            balance_on=lambda d: balance)
