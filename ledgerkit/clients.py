"""The firm's clients: add, list, find by id or exact name."""

from __future__ import annotations

import re

import sqlalchemy as sa

from . import audit
from .errors import Conflict, Invalid, NotFound
from .model import Client
from .store import schema, utcnow

INVITE_CHOICES = ("default", "custom", "link", "none")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
T = schema.clients


def _row(r) -> Client:
    return Client(id=r.id, name=r.name, email=r.email, created_at=r.created_at)


def add(conn: sa.Connection, name: str, email: str, invite: str = "none", actor: str = "") -> Client:
    name = (name or "").strip()
    email = (email or "").strip()
    if not name:
        raise Invalid("a client needs a name")
    if email and not _EMAIL.match(email):
        raise Invalid(f"not an email address: {email!r}")
    if invite not in INVITE_CHOICES:
        raise Invalid(f"invite must be one of {', '.join(INVITE_CHOICES)}")
    if conn.execute(sa.select(T.c.id).where(T.c.name == name)).first():
        raise Conflict(f"a client named {name!r} already exists")
    now = utcnow()
    cid = conn.execute(sa.insert(T).values(name=name, email=email, invite=invite, created_at=now)).inserted_primary_key[0]
    audit.record(conn, actor or audit.current_actor(), "client.add", "client", cid,
                 after={"name": name, "email": email, "invite": invite})
    return Client(id=cid, name=name, email=email, created_at=now)


def all(conn: sa.Connection) -> list[Client]:
    return [_row(r) for r in conn.execute(sa.select(T).order_by(T.c.name))]


def find(conn: sa.Connection, ref: str | int) -> Client:
    """A client by id or exact name (an all-digit string is tried as an id first)."""
    text = str(ref).strip()
    if text.isdigit():
        r = conn.execute(sa.select(T).where(T.c.id == int(text))).first()
        if r:
            return _row(r)
    r = conn.execute(sa.select(T).where(T.c.name == text)).first()
    if r:
        return _row(r)
    raise NotFound(f"no client {text!r} (use an id or the exact name; `ledgerkit clients list`)")
