"""The importer protocol: identify a file, name its accounts, extract its rows.

An importer is small and pure: it gets the file's name and bytes and returns an
``Extract`` (account references, a polars frame of transactions, reported
balances, documents, issues). It never touches the store; ``ledgerkit.ingest``
resolves accounts, converts amounts, computes identities and writes atomically.

Transaction frames follow ``TXN_SCHEMA``. ``amount`` is the amount as plain
decimal text from the customer's side ("-12.50": money out is negative); the
ingest step converts it to minor units once the account's currency is known.
``row`` points back into the source (a line number, or the element index of an
OFX STMTTRN), 1-based.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Protocol, runtime_checkable

import polars as pl

from .. import frames
from ..model import AccountKind, DocumentKind, Issue

TXN_SCHEMA: dict[str, pl.DataType] = {
    "account": pl.Int32,        # index into Extract.accounts
    "row": pl.Int64,
    "posted": pl.Date,
    "amount": pl.String,
    "payee": pl.String,
    "description": pl.String,
    "memo": pl.String,
    "check_number": pl.String,
    "bank_id": pl.String,
    "type": pl.String,
}


def empty_transactions() -> pl.DataFrame:
    return pl.DataFrame(schema=TXN_SCHEMA)


def conform(frame: pl.DataFrame) -> pl.DataFrame:
    """Add missing columns (empty strings; account 0; row = position), cast and order as TXN_SCHEMA."""
    return frames.conform(frame, TXN_SCHEMA, {
        "account": 0, "row": pl.int_range(1, pl.len() + 1, dtype=pl.Int64)})


@dataclass(frozen=True, slots=True)
class AccountRef:
    """An account as a file describes it. ``key`` is how a file names it
    ("ofx:BANKID:ACCTID"); empty when the file does not say (CSV, QIF)."""

    key: str = ""
    kind: AccountKind | None = None
    currency: str | None = None
    institution: str = ""
    bank_id: str = ""
    number: str = ""
    name_hint: str = ""          # e.g. the CSV layout's name, for a new account


@dataclass(frozen=True, slots=True)
class BalanceRef:
    account: int                 # index into Extract.accounts
    kind: str                    # "ledger" | "available"
    amount: Decimal
    as_of: dt.date


@dataclass(frozen=True, slots=True)
class DocumentRef:
    """An image or PDF found in (or being) the file."""

    kind: DocumentKind
    filename: str
    check_number: str = ""
    amount: Decimal | None = None
    posted: dt.date | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    account_number: str = ""     # last digits or full number as printed, to link
    payee: str = ""              # "pay to the order of" on a check (metadata or OCR)


@dataclass
class Extract:
    importer: str
    accounts: list[AccountRef] = field(default_factory=list)
    transactions: pl.DataFrame = field(default_factory=empty_transactions)
    balances: list[BalanceRef] = field(default_factory=list)
    documents: list[DocumentRef] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]


class ParseError(Exception):
    """Raised inside an importer for a problem with the file itself.

    ``where`` names the line, row or element. The ingest step turns it into an
    ``Issue`` and rejects the file; it never reaches the user as a traceback.
    """

    def __init__(self, message: str, where: str = ""):
        super().__init__(message)
        self.message = message
        self.where = where


@runtime_checkable
class Importer(Protocol):
    """What every file format implements. ``name`` is stable (stored per import)."""

    name: str

    def identify(self, path: Path, head: bytes) -> bool:
        """True when this importer reads the file (``head`` is its first 64 KiB)."""
        ...

    def accounts(self, path: Path, data: bytes) -> list[AccountRef]:
        """The accounts the file names (empty list when it names none)."""
        ...

    def extract(self, path: Path, data: bytes, **options) -> Extract:
        """Everything in the file; raise ParseError for a file that cannot be read."""
        ...
