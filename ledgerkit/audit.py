"""Append-only audit log: every change a person makes, with who, when, before and after."""

from __future__ import annotations

import getpass
import os
from typing import Any

import sqlalchemy as sa

from .store import schema, utcnow


def current_actor() -> str:
    """Who is acting: LEDGERKIT_USER, else the login name."""
    env = os.environ.get("LEDGERKIT_USER")
    if env:
        return env
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"


def record(conn: sa.Connection, actor: str, action: str, entity: str, entity_id: Any,
           before: Any = None, after: Any = None) -> None:
    conn.execute(sa.insert(schema.audit).values(
        at=utcnow(), actor=actor, action=action, entity=entity, entity_id=str(entity_id),
        before=before, after=after,
    ))


def record_many(conn: sa.Connection, rows: list[dict]) -> None:
    """Bulk audit rows (each with actor, action, entity, entity_id, before, after)."""
    if rows:
        now = utcnow()
        conn.execute(sa.insert(schema.audit), [{"at": now, **r, "entity_id": str(r["entity_id"])} for r in rows])
