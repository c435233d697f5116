"""OFX, QFX and QBO bank and credit-card statements -> ``Extract``.

Why: OFX (and its Quicken/QuickBooks flavours QFX and QBO) is what banks hand
out for downloads and what Direct Connect returns. One file may hold several
statements; each becomes its own ``AccountRef`` keyed "ofx:BANKID:ACCTID" so the
next file of the same account finds it again. Reading is done by the tolerant
``ofx_reader``; ``extract(..., strict=True)`` reads with ofxtools instead (via
``ofxtools_adapter``) and refuses anything off-spec. Investment statements are
not bank feeds and are ignored with a warning.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from ..model import AccountKind, Issue
from . import ofx_reader
from .base import AccountRef, BalanceRef, Extract, conform, empty_transactions

SUFFIXES = (".ofx", ".qfx", ".qbo")
_KINDS = {"CHECKING": AccountKind.CHECKING, "SAVINGS": AccountKind.SAVINGS, "MONEYMRKT": AccountKind.SAVINGS,
          "CREDITLINE": AccountKind.CREDIT_CARD}


def looks_like_ofx(head: bytes) -> bool:
    """True when the first bytes carry an OFX header or root element."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in head[:64]:
        head = head.replace(b"\x00", b"")
    text = head[:65536].decode("latin-1").upper()
    return "OFXHEADER" in text or "<OFX>" in text


def account_ref(st: ofx_reader.Statement, institution: str) -> AccountRef:
    kind = AccountKind.CREDIT_CARD if st.kind == "card" else _KINDS.get(st.account_type, AccountKind.OTHER)
    key = f"ofx:{st.bank_id}:{st.account_id}" if st.account_id else ""
    return AccountRef(key=key, kind=kind, currency=st.currency or None, institution=institution,
                      bank_id=st.bank_id, number=st.account_id)


def to_extract(doc: ofx_reader.Document, source: str) -> Extract:
    """The importer's view of a read document: accounts, one transaction frame, balances, issues."""
    issues = [Issue(source, where, message, "warning") for where, message in doc.notes]
    if doc.investment_statements:
        issues.append(Issue(source, "", f"{doc.investment_statements} investment statement(s) (INVSTMTRS) "
                                        "ignored: ledgerkit imports bank and credit-card statements", "warning"))
    said = "; ".join(doc.server_messages)
    if not doc.statements:
        message = "no bank or credit-card statement in file"
        issues.append(Issue(source, "", f"{message} (the bank's response says: {said})" if said else message))
        return Extract("ofx", issues=issues)
    if said:
        issues.append(Issue(source, "", f"the bank's response says: {said}", "warning"))
    accounts, frames, balances = [], [], []
    for i, st in enumerate(doc.statements):
        accounts.append(account_ref(st, doc.institution))
        if not st.account_id:
            issues.append(Issue(source, st.where, "the statement names no account (ACCTID); it goes to the "
                                                  "account chosen for the import", "warning"))
        elif st.kind == "bank" and not st.account_type:
            issues.append(Issue(source, st.where, "the statement gives no account type (ACCTTYPE); a new account "
                                                  "is created as 'other'", "warning"))
        frames.append(st.transactions.with_columns(account=pl.lit(i, dtype=pl.Int32)))
        balances.extend(BalanceRef(i, b.kind, b.amount, b.as_of) for b in st.balances)
    balances = _one_balance_per_day(balances, accounts, doc.statements, issues, source)
    frame = pl.concat(frames).select(
        "account", "row", "posted", "amount", pl.col("name").alias("payee"), pl.col("name").alias("description"),
        "memo", "check_number", pl.col("fitid").alias("bank_id"), pl.col("trntype").alias("type"),
    ) if frames else empty_transactions()
    return Extract("ofx", accounts=accounts, transactions=conform(frame), balances=balances, issues=issues)


def _one_balance_per_day(balances: list[BalanceRef], accounts: list[AccountRef], statements, issues: list[Issue],
                         source: str) -> list[BalanceRef]:
    """Several statements of one account in a file (one per period) may repeat a balance; an
    account has one balance of a kind per day, so the first is kept (a differing repeat is reported)."""
    kept: dict[tuple, BalanceRef] = {}
    for b in balances:
        key = (accounts[b.account].key, b.kind, b.as_of)
        first = kept.setdefault(key, b)
        if first is not b and first.amount != b.amount:
            issues.append(Issue(source, statements[b.account].where,
                                f"{b.kind} balance {b.amount} on {b.as_of} differs from {first.amount} given "
                                "earlier in the file for the same account; the first is kept", "warning"))
    return list(kept.values())


class OfxImporter:
    """Bank (STMTRS) and credit-card (CCSTMTRS) statements from OFX 1.x/2.x, QFX and QBO files."""

    name = "ofx"

    def identify(self, path: Path, head: bytes) -> bool:
        return Path(path).suffix.lower() in SUFFIXES or looks_like_ofx(head)

    def accounts(self, path: Path, data: bytes) -> list[AccountRef]:
        return self.extract(path, data).accounts

    def extract(self, path: Path, data: bytes, *, strict: bool = False, **options) -> Extract:
        """Everything in the file. ``strict`` reads with ofxtools (the OFX spec, no repairs)."""
        if strict:
            from .ofxtools_adapter import read_strict
            doc = read_strict(data)
        else:
            doc = ofx_reader.read(data)
        return to_extract(doc, Path(path).name)
