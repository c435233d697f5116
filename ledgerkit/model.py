"""Immutable typed records: the vocabulary every other module speaks.

Records are frozen dataclasses. Money is ``Decimal`` here (the store keeps
integer minor units); dates are ``datetime.date``. Every derived record keeps
the SHA-256 of the file it came from and its row or element, so a report or an
error can point back to the evidence.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class AccountKind(StrEnum):
    CHECKING = "checking"
    SAVINGS = "savings"
    CREDIT_CARD = "credit_card"
    OTHER = "other"


class DocumentKind(StrEnum):
    STATEMENT = "statement"      # statement PDF
    CHECK = "check"              # check image
    DEPOSIT = "deposit"          # deposit image
    SOURCE = "source"            # a raw imported file (OFX, CSV, QIF)


class ImportStatus(StrEnum):
    IMPORTED = "imported"
    ALREADY = "already-imported"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem in a user's input: which file, where in it, and what is wrong.

    ``severity`` is "error" (the file is rejected) or "warning" (imported, but
    something was repaired or rounded and the user should know).
    """

    source: str
    where: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        loc = f"{self.source}:{self.where}" if self.where else self.source
        return f"{loc}: {self.message}"


@dataclass(frozen=True, slots=True)
class Client:
    id: int
    name: str
    email: str
    created_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    client_id: int
    name: str
    kind: AccountKind
    currency: str = "USD"
    institution: str = ""
    bank_id: str = ""           # routing number / BANKID, "" for cards and CSV accounts
    number: str = ""            # the bank's account id (ACCTID)

    @property
    def masked_number(self) -> str:
        """``****1234``: what screens and reports show."""
        return ("****" + self.number[-4:]) if self.number else ""


@dataclass(frozen=True, slots=True)
class Transaction:
    id: int
    account_id: int
    posted: dt.date
    amount: Decimal
    currency: str = "USD"
    payee: str = ""
    description: str = ""
    memo: str = ""
    check_number: str = ""
    bank_id: str = ""           # FITID or SimpleFIN id when the bank gave one
    type: str = ""              # OFX TRNTYPE or the importer's equivalent
    source_sha256: str = ""
    source_row: int = 0
    identity: str = ""          # stable identity within the account (see ledgerkit.identity)


@dataclass(frozen=True, slots=True)
class Balance:
    """A balance as the bank reported it (ledger or available), with its date."""

    account_id: int
    kind: str                   # "ledger" | "available"
    amount: Decimal
    as_of: dt.date
    source_sha256: str = ""


@dataclass(frozen=True, slots=True)
class Document:
    id: int
    client_id: int
    kind: DocumentKind
    sha256: str
    filename: str
    account_id: int | None = None
    transaction_id: int | None = None
    check_number: str = ""
    payee: str = ""
    amount: Decimal | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None


@dataclass(frozen=True, slots=True)
class FileResult:
    """What happened to one file of an import."""

    path: str
    sha256: str
    status: ImportStatus
    importer: str = ""
    added: int = 0
    duplicates: int = 0
    issues: tuple[Issue, ...] = ()
    accounts: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class ImportRecord:
    """One import run over one or more files (what ``ledgerkit import`` reports)."""

    files: tuple[FileResult, ...] = field(default_factory=tuple)

    @property
    def added(self) -> int:
        return sum(f.added for f in self.files)

    @property
    def rejected(self) -> bool:
        return any(f.status is ImportStatus.REJECTED for f in self.files)
