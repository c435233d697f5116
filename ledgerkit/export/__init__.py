"""Exporters: approved transactions out as files the accounting packages import.

Each format is a pure ``format_*`` function from an export frame (see
``frame``) and a ``Context`` to a list of ``Rendered`` files; ``batches``
selects the rows from the store, writes the files atomically and records the
batch. ``FORMATS`` says per format what it is, which extension it uses,
whether it carries approved-BLUE (already in the books) transactions, whether
it writes one file per account, and its size limit.

==========  ===========================================  =========  ===========  ==================
format      what                                         extension  BLUE rows    limit per file
==========  ===========================================  =========  ===========  ==================
qbo         QuickBooks Web Connect (OFX 1.0.2 SGML)      .qbo       carried      350 KB
ofx         OFX 2.2 XML statement                        .ofx       carried      none
iif         QuickBooks Desktop IIF with splits           .iif       left out     none
qbo-csv     QuickBooks Online bank upload CSV (3 cols)   .csv       left out     350 KB, 999 rows
xero-csv    Xero bank statement CSV                      .csv       left out     1,000 lines
qif         Quicken Interchange Format with categories   .qif       left out     none
beancount   beancount journal                            .beancount left out     none
ledger      ledger / hledger journal                     .journal   left out     none
==========  ===========================================  =========  ===========  ==================

Statement formats with FITIDs (qbo, ofx) may carry BLUE transactions: the
accounting package matches them to the entries it has and clears them. Every
format that adds transactions leaves them out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from . import iif, journals, ofx2, qbo, qbo_csv, qif, xero_csv
from .base import Context, Rendered, StatementAccount
from .splitting import NO_LIMIT, QBO_CSV_MAX_ROWS, QBO_ONLINE_MAX_BYTES, XERO_MAX_LINES, Limit


@dataclass(frozen=True, slots=True)
class FormatSpec:
    name: str
    title: str
    extension: str
    render: Callable[[pl.DataFrame, Context], list[Rendered]]
    carries_matched: bool       # may include approved-BLUE rows (statement formats with FITIDs)
    per_account: bool           # one file per bank/card account
    limit: Limit = NO_LIMIT
    needs_statement: bool = False   # needs StatementAccount info (BID, ACCTID, balances)
    # which of the optional export-frame columns (``batches.OPTIONAL_COLUMNS``) the format
    # reads; the others are not selected from the store and stay "" / null. None: all
    reads: frozenset[str] | None = None


FORMATS: dict[str, FormatSpec] = {
    "qbo": FormatSpec("qbo", "QuickBooks Web Connect", ".qbo", qbo.format_qbo, True, True,
                      Limit(QBO_ONLINE_MAX_BYTES, None, "QuickBooks Online accepts at most 350 KB per upload"),
                      needs_statement=True, reads=frozenset({"type"})),
    "ofx": FormatSpec("ofx", "OFX 2 statement", ".ofx", ofx2.format_ofx, True, True,
                      needs_statement=True, reads=frozenset({"type"})),
    "iif": FormatSpec("iif", "QuickBooks Desktop IIF", ".iif", iif.format_iif, False, False,
                      reads=frozenset({"category", "class_", "splits", "transfer", "matched"})),
    "qbo-csv": FormatSpec("qbo-csv", "QuickBooks Online CSV", ".csv", qbo_csv.format_qbo_csv,
                          False, True,
                          Limit(QBO_ONLINE_MAX_BYTES, QBO_CSV_MAX_ROWS,
                                "QuickBooks Online accepts at most 350 KB and 1,000 lines per upload"),
                          reads=frozenset({"description", "matched"})),
    "xero-csv": FormatSpec("xero-csv", "Xero statement CSV", ".csv", xero_csv.format_xero_csv,
                           False, True,
                           Limit(None, XERO_MAX_LINES, "Xero imports at most 1,000 statement lines per file"),
                           reads=frozenset({"description", "matched"})),
    "qif": FormatSpec("qif", "QIF", ".qif", qif.format_qif, False, True),
    "beancount": FormatSpec("beancount", "beancount journal", ".beancount", journals.format_beancount, False, False),
    "ledger": FormatSpec("ledger", "ledger/hledger journal", ".journal", journals.format_ledger,
                         False, False),
}


def spec(name: str) -> FormatSpec:
    from ..errors import Invalid
    try:
        return FORMATS[name]
    except KeyError:
        raise Invalid(f"unknown export format {name!r}; choose one of {', '.join(FORMATS)}") from None


__all__ = ["FORMATS", "Context", "FormatSpec", "Limit", "Rendered", "StatementAccount", "spec"]
