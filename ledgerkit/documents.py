"""Check images, deposit images and statement PDFs as documents, linked to what they prove.

A check image is linked to the check transaction with the same check number
(and amount when the image states one); a deposit image to the one deposit of
that amount within a few days; a statement to its account (by account number)
and period. Linking runs after every import, so the image may arrive before or
after the transactions.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from .importers.base import DocumentRef
from .model import Account, Document, DocumentKind
from .money import from_minor, to_minor
from .store import Store, schema, utcnow

D, T, A = schema.documents, schema.transactions, schema.accounts
DEPOSIT_WINDOW = dt.timedelta(days=3)


def _account_for(number: str, accs: list[Account], client_accounts: list[Account]) -> Account | None:
    if len(accs) == 1:
        return accs[0]
    digits = "".join(ch for ch in number if ch.isdigit())
    if not digits:
        return None
    hits = [a for a in client_accounts if a.number and (a.number.endswith(digits) or digits.endswith(a.number))]
    return hits[0] if len(hits) == 1 else None


def record(conn: sa.Connection, store: Store, client_id: int, refs: list[DocumentRef], sha: str,
           filename: str, accs: list[Account]) -> None:
    if not refs:
        return
    from . import accounts as accounts_mod
    client_accounts = accounts_mod.for_client(conn, client_id)
    for ref in refs:
        acc = _account_for(ref.account_number, accs, client_accounts)
        currency = acc.currency if acc else "USD"
        conn.execute(sa.insert(D).values(
            client_id=client_id, kind=ref.kind.value, sha256=sha, filename=ref.filename or filename,
            account_id=acc.id if acc else None, check_number=ref.check_number or "", payee=ref.payee or "",
            amount=to_minor(ref.amount, currency, round_excess=True) if ref.amount is not None else None,
            posted=ref.posted, period_start=ref.period_start, period_end=ref.period_end, created_at=utcnow()))


def link(conn: sa.Connection, client_id: int) -> list[int]:
    """Link unlinked check and deposit documents to their transaction; returns those transactions' ids."""
    linked: list[int] = []
    docs = conn.execute(sa.select(D).where(D.c.client_id == client_id, D.c.transaction_id.is_(None),
                                           D.c.kind.in_([DocumentKind.CHECK.value, DocumentKind.DEPOSIT.value])))
    for d in docs.fetchall():
        q = sa.select(T.c.id).join(A, A.c.id == T.c.account_id).where(A.c.client_id == client_id)
        if d.account_id:
            q = q.where(T.c.account_id == d.account_id)
        if d.kind == DocumentKind.CHECK.value:
            if not d.check_number:
                continue
            q = q.where(T.c.check_number == d.check_number)
            if d.amount is not None:
                q = q.where(T.c.amount.in_([d.amount, -abs(d.amount)]))
        else:
            if d.amount is None:
                continue
            q = q.where(T.c.amount == abs(d.amount))
            if d.posted:
                posted = d.posted if isinstance(d.posted, dt.date) else dt.date.fromisoformat(str(d.posted))
                q = q.where(T.c.posted.between(posted - DEPOSIT_WINDOW, posted + DEPOSIT_WINDOW))
        hits = conn.execute(q.limit(2)).fetchall()
        taken = conn.execute(sa.select(D.c.id).where(D.c.transaction_id == hits[0].id)).first() if len(hits) == 1 else True
        if len(hits) == 1 and not taken:
            conn.execute(sa.update(D).where(D.c.id == d.id).values(transaction_id=hits[0].id))
            linked.append(hits[0].id)
    return linked


def _row(r, currency: str = "USD") -> Document:
    return Document(id=r.id, client_id=r.client_id, kind=DocumentKind(r.kind), sha256=r.sha256,
                    filename=r.filename, account_id=r.account_id, transaction_id=r.transaction_id,
                    check_number=r.check_number, payee=r.payee, amount=from_minor(r.amount, currency) if r.amount is not None else None,
                    period_start=r.period_start, period_end=r.period_end)


def for_client(conn: sa.Connection, client_id: int, kind: str | None = None) -> list[Document]:
    q = (sa.select(D, A.c.currency).outerjoin(A, A.c.id == D.c.account_id)
         .where(D.c.client_id == client_id).order_by(D.c.id))
    if kind:
        q = q.where(D.c.kind == kind)
    return [_row(r, r.currency or "USD") for r in conn.execute(q)]
