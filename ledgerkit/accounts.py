"""Bank and card accounts: create, list, resolve a file's accounts, balances.

A file that names its accounts (OFX) finds them again by ``external_key``
("ofx:BANKID:ACCTID") or by the same account number; a file that does not
(CSV, QIF) goes to the account the user chose, else the client's only account,
else an account named after the detected layout (reused on the next file of
that layout).
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import sqlalchemy as sa

from . import audit
from .errors import Invalid, NotFound
from .importers.base import AccountRef
from .model import Account, AccountKind
from .store import schema, utcnow

A = schema.accounts


def _row(r) -> Account:
    return Account(id=r.id, client_id=r.client_id, name=r.name, kind=AccountKind(r.kind),
                   currency=r.currency, institution=r.institution, bank_id=r.bank_id, number=r.number)


def create(conn: sa.Connection, client_id: int, name: str, kind: str | AccountKind = "checking",
           currency: str = "USD", institution: str = "", bank_id: str = "", number: str = "",
           external_key: str | None = None, actor: str = "") -> Account:
    try:
        kind = AccountKind(kind)
    except ValueError:
        raise Invalid(f"account kind must be one of {', '.join(k.value for k in AccountKind)}") from None
    currency = (currency or "USD").upper()
    if len(currency) != 3 or not currency.isalpha():
        raise Invalid(f"not a currency code: {currency!r}")
    values = dict(client_id=client_id, name=name.strip() or "Account", kind=kind.value, currency=currency,
                  institution=institution, bank_id=bank_id, number=number, external_key=external_key,
                  created_at=utcnow())
    aid = conn.execute(sa.insert(A).values(**values)).inserted_primary_key[0]
    audit.record(conn, actor or audit.current_actor(), "account.add", "account", aid,
                 after={k: v for k, v in values.items() if k != "created_at"})
    return get(conn, aid)


def get(conn: sa.Connection, account_id: int) -> Account:
    r = conn.execute(sa.select(A).where(A.c.id == int(account_id))).first()
    if not r:
        raise NotFound(f"no account {account_id}")
    return _row(r)


def for_client(conn: sa.Connection, client_id: int) -> list[Account]:
    return [_row(r) for r in conn.execute(sa.select(A).where(A.c.client_id == client_id).order_by(A.c.id))]


def find(conn: sa.Connection, client_id: int, ref: str | int) -> Account:
    """An account of this client by id or exact name."""
    text = str(ref).strip()
    for acc in for_client(conn, client_id):
        if str(acc.id) == text or acc.name == text:
            return acc
    raise NotFound(f"client {client_id} has no account {text!r} (see `ledgerkit accounts --client ...`)")


def _default_name(ref: AccountRef) -> str:
    if ref.name_hint:
        return ref.name_hint
    kind = (ref.kind or AccountKind.CHECKING).value.replace("_", " ")
    inst = ref.institution or "Bank"
    tail = f" {ref.number[-4:]}" if ref.number else ""
    return f"{inst} {kind}{tail}"


def resolve(conn: sa.Connection, client_id: int, refs: list[AccountRef],
            chosen: int | None = None, actor: str = "") -> list[Account]:
    """One Account per AccountRef, creating accounts as needed (inside the caller's transaction)."""
    existing = for_client(conn, client_id)
    keyed = {r.external_key: r.id for r in conn.execute(
        sa.select(A.c.id, A.c.external_key).where(A.c.client_id == client_id))}
    out: list[Account] = []
    for ref in refs:
        if chosen is not None:
            acc = next((a for a in existing if a.id == int(chosen)), None)
            if acc is None:
                raise NotFound(f"client {client_id} has no account {chosen}")
            out.append(acc)
            continue
        if ref.key and ref.key in keyed:
            out.append(get(conn, keyed[ref.key]))
            continue
        if ref.key and ref.number:
            same = [a for a in existing if a.number == ref.number and (not a.bank_id or not ref.bank_id
                                                                      or a.bank_id == ref.bank_id)]
            if len(same) == 1:
                conn.execute(sa.update(A).where(A.c.id == same[0].id).values(external_key=ref.key))
                out.append(same[0])
                continue
        if not ref.key:
            if len(existing) == 1 and len(refs) == 1:
                out.append(existing[0])
                continue
            layout_key = f"layout:{ref.name_hint or 'file'}"
            if layout_key in keyed:
                out.append(get(conn, keyed[layout_key]))
                continue
            key = layout_key
        else:
            key = ref.key
        acc = create(conn, client_id, _default_name(ref), ref.kind or AccountKind.CHECKING,
                     ref.currency or "USD", ref.institution, ref.bank_id, ref.number, key, actor)
        existing.append(acc)
        keyed[key] = acc.id
        out.append(acc)
    return out


def balances(conn: sa.Connection, client_id: int) -> list[dict]:
    """Each account with its balance in minor units and its date.

    The bank's latest reported ledger balance when there is one ("bank"); else
    the sum of imported transactions up to the newest one ("computed").
    """
    T, B = schema.transactions, schema.balances
    accs = for_client(conn, client_id)
    latest = {}
    q = (sa.select(B.c.account_id, B.c.amount, B.c.as_of)
         .join(A, A.c.id == B.c.account_id)
         .where(A.c.client_id == client_id, B.c.kind == "ledger")
         .order_by(B.c.account_id, B.c.as_of, B.c.id))
    for r in conn.execute(q):
        latest[r.account_id] = (r.amount, r.as_of)
    sums = {r.account_id: (int(r.total or 0), r.newest, int(r.n)) for r in conn.execute(
        sa.select(T.c.account_id, sa.func.sum(T.c.amount).label("total"), sa.func.max(T.c.posted).label("newest"),
                  sa.func.count().label("n"))
        .join(A, A.c.id == T.c.account_id).where(A.c.client_id == client_id).group_by(T.c.account_id))}
    out = []
    for a in accs:
        total, newest, n = sums.get(a.id, (0, None, 0))
        if isinstance(newest, str):
            newest = dt.date.fromisoformat(newest)
        if a.id in latest:
            amount, as_of = latest[a.id]
            source = "bank"
        else:
            amount, as_of, source = total, newest, "computed"
        out.append({"account": a, "balance": amount, "balance_date": as_of, "source": source,
                    "transactions": n, "newest": newest})
    return out


def frame(conn: sa.Connection, client_id: int) -> pl.DataFrame:
    return pl.DataFrame([{"id": a.id, "name": a.name, "kind": a.kind.value, "currency": a.currency}
                         for a in for_client(conn, client_id)])
