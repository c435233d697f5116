"""Small records shared by the formatters: what they are given and what they return."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from .splitting import NO_LIMIT, Limit

DEFAULT_BID = "3000"          # Wells Fargo's Intuit BID: the common "borrowed" default
DEFAULT_ORG = "WF"
DEFAULT_BANKID = "000000000"


@dataclass(frozen=True, slots=True)
class StatementAccount:
    """How a statement file (Web Connect, OFX) describes one bank or card account."""

    account_id: int
    name: str
    kind: str                                  # checking | savings | credit_card | other
    currency: str = "USD"
    bank_id: str = DEFAULT_BANKID              # BANKID (routing number), 9 characters at most
    acct_id: str = ""                          # ACCTID, 22 characters at most
    intu_bid: str = DEFAULT_BID
    org: str = DEFAULT_ORG
    fid: str = DEFAULT_BID
    balance_on: Callable[[dt.date], int] = field(default=lambda _d: 0)   # ledger balance at end of a day

    @property
    def is_card(self) -> bool:
        return self.kind == "credit_card"


@dataclass(frozen=True, slots=True)
class Context:
    """Everything a formatter needs besides the rows."""

    generated: dt.datetime                      # DTSERVER; UTC
    accounts: dict[int, StatementAccount] = field(default_factory=dict)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    limit: Limit = NO_LIMIT
    date_order: str = "mdy"                    # mdy | dmy | ymd (CSV, QIF)
    lists: bool = False                         # IIF !ACCNT/!VEND, journal open directives
    known_accounts: frozenset[str] = frozenset()
    known_names: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Rendered:
    """One output file: its bytes and the transactions it carries."""

    data: bytes
    transaction_ids: tuple[int, ...]
    account_id: int | None = None
    part: int = 1
    parts: int = 1


def date_format(order: str) -> str:
    return {"mdy": "%m/%d/%Y", "dmy": "%d/%m/%Y", "ymd": "%Y-%m-%d"}.get(order, "%m/%d/%Y")


def ids(frame: pl.DataFrame) -> tuple[int, ...]:
    return tuple(frame["transaction_id"].to_list())


def number_parts(rendered: list[Rendered]) -> list[Rendered]:
    """Set part/parts per account (several files for one account when split)."""
    counts: dict[int | None, int] = {}
    for r in rendered:
        counts[r.account_id] = counts.get(r.account_id, 0) + 1
    seen: dict[int | None, int] = {}
    out = []
    for r in rendered:
        seen[r.account_id] = seen.get(r.account_id, 0) + 1
        out.append(Rendered(r.data, r.transaction_ids, r.account_id, seen[r.account_id], counts[r.account_id]))
    return out


def by_account(frame: pl.DataFrame):
    """(account_id, rows in date order) per account, in first-seen order."""
    for account_id in frame["account_id"].unique(maintain_order=True).to_list():
        yield account_id, frame.filter(pl.col("account_id") == account_id).sort("posted", "transaction_id")
