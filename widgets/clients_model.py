"""Client picker state: the firm's clients with what waits for each, a search, the pick.

Each row is a plain dict (ids and display values, never Session objects):
``id, name, email, accounts, gold, red, blue, attention, attention_why, newest``.
``attention`` counts the accounts that need a look (no data yet, data far
behind the client's other accounts, or errors the core reports).
"""

from __future__ import annotations

import datetime as dt

from traitlets import HasTraits, Int, List, Unicode, observe

from . import review_access
from .status_model import StatusModel

STALE_DAYS = 45   # an account this far behind the client's newest data needs a look


def account_attention(balances: list[dict], errors: dict[int, str] | None = None) -> dict[int, str]:
    """Account id -> why it needs attention, from ``Session.balances`` rows."""
    errors = dict(errors or {})
    dates = [b["newest"] or b["balance_date"] for b in balances]
    newest = max((d for d in dates if d), default=None)
    for b, d in zip(balances, dates, strict=True):
        aid = b["account"].id
        if aid in errors:
            continue
        if d is None:
            errors[aid] = "no data yet"
        elif newest and (newest - d).days > STALE_DAYS:
            errors[aid] = f"data stops at {d.isoformat()}"
    return errors


def summarize(session, client, frame=None, counts: dict | None = None) -> dict:
    """One picker row for a client (accounts, waiting counts, attention, newest data).
    ``frame`` (the client's review frame) or ``counts`` (per state) when the caller has them already."""
    balances = session.balances(client)
    if counts is None and frame is not None and "state" in frame.columns:
        counts = dict(frame.group_by("state").len().iter_rows())
    if counts is None:
        counts = review_access.state_counts(session, client)
    attention = account_attention(balances, review_access.account_errors(session, client))
    newest = [b["newest"] or b["balance_date"] for b in balances]
    names = {b["account"].id: b["account"].name for b in balances}
    return {
        "id": client.id, "name": client.name, "email": client.email, "accounts": len(balances),
        "gold": counts.get("gold", 0), "red": counts.get("red", 0), "blue": counts.get("blue", 0),
        "reviewed": counts is not review_access.NO_COUNTS,
        "attention": len(attention),
        "attention_why": "; ".join(f"{names.get(a, a)}: {why}" for a, why in attention.items()),
        "newest": max((d for d in newest if d), default=None),
    }


class ClientsModel(HasTraits):
    query = Unicode("")
    rows = List()            # one dict per client (see module docstring), sorted by name
    visible = List()         # ids of rows matching ``query``
    selected = Int(0)        # the picked client's id, 0 when none

    def __init__(self, session, status: StatusModel, **kwargs):
        super().__init__(**kwargs)
        self.session = session
        self.status = status

    def refresh(self, counts: dict[int, dict] | None = None) -> None:
        """All clients; ``counts`` per client id when known already (from ``Session.evaluate``)."""
        counts = counts or {}
        rows = []
        for c in self.session.clients():
            try:
                rows.append(summarize(self.session, c, counts=counts.get(c.id)))
            except Exception as e:      # still list the client, and say what is wrong
                self.status.report(e, f"count {c.name}'s transactions")
                rows.append({"id": c.id, "name": c.name, "email": c.email, "accounts": 0, "gold": 0, "red": 0,
                             "blue": 0, "reviewed": False, "attention": 1,
                             "attention_why": f"could not be read: {e}", "newest": None})
        self.rows = rows

    def refresh_one(self, client_id: int, frame=None) -> None:
        """Recount one client after its data changed (cheaper than ``refresh``)."""
        if not client_id:
            return
        row = summarize(self.session, self.session.client(client_id), frame)
        rows = [row if r["id"] == client_id else r for r in self.rows]
        if not any(r["id"] == client_id for r in self.rows):
            rows = sorted([*rows, row], key=lambda r: r["name"].lower())
        self.rows = rows

    @observe("rows", "query")
    def _filter(self, _change=None) -> None:
        q = self.query.strip().lower()
        self.visible = [r["id"] for r in self.rows if not q or q in r["name"].lower() or q in r["email"].lower()]

    def row(self, client_id: int) -> dict | None:
        return next((r for r in self.rows if r["id"] == client_id), None)

    def pick(self, client_id: int) -> None:
        self.selected = int(client_id)

    def pick_first_match(self) -> None:
        """Enter in the search box picks the first client shown."""
        if self.visible:
            self.pick(self.visible[0])

    @staticmethod
    def newest_text(row: dict, today: dt.date | None = None) -> str:
        d = row.get("newest")
        return f"data to {d.isoformat()}" if d else "no data yet"
