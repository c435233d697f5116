"""The dashboard's calls into the review engine and invitations, in one place.

Each function is a one-line call into a Session method (``review_frame``,
``review_rows``, ``review_versions``, ``learn_suggestions``, ``edit``, ``code``,
``code_many``, ``approve``, ``exclude``, ``undo_last``, ``rules_list``,
``preview_rules``, ``save_rule``...) plus the reshaping the
panels need. When a method is missing (an older core), the function says
plainly what is unavailable instead of crashing or pretending work was done.
"""

from __future__ import annotations

import polars as pl

from ledgerkit.errors import LedgerkitError

NO_COUNTS: dict = {}          # identity-compared: "the core cannot count states yet"
WAITING_STATES = ("gold", "red", "blue", "new")


class NotAvailable(LedgerkitError):
    """The core of this installation has no such feature yet."""


def has(session, name: str) -> bool:
    return callable(getattr(session, name, None))


def require(session, name: str, what: str):
    fn = getattr(session, name, None)
    if not callable(fn):
        raise NotAvailable(f"{what} is not available in this installation (the core has no '{name}' yet). "
                           "Update ledgerkit and reload the page.")
    return fn


# -- the review frame ------------------------------------------------------------------

def review_frame(session, client) -> pl.DataFrame:
    """Transactions with their review state in the dashboard's shape.

    Bank facts keep their names (``payee``, ``description``, ``memo`` are the
    bank's); the bookkeeper's values are ``coded_payee``, ``coded_description``,
    ``coded_account``; ``suggested`` is the top suggested account and
    ``suggestions`` the JSON list; ``version`` is the coding's version.
    """
    if not has(session, "review_frame"):
        return session.transactions_frame(client)
    return _shape(session.review_frame(client))


def review_rows(session, client, ids: list[int]) -> pl.DataFrame:
    """``review_frame``'s rows for these transaction ids only (by key, cheap on a big client)."""
    return _shape(session.review_rows(client, ids))


def review_versions(session, client) -> pl.DataFrame:
    """``id`` and coding ``version`` of every transaction of the client."""
    return session.review_versions(client)


def _shape(f: pl.DataFrame) -> pl.DataFrame:
    cols = set(f.columns)

    def text(name: str) -> pl.Expr:
        return pl.col(name).cast(pl.String).fill_null("") if name in cols else pl.lit("", dtype=pl.String)

    return f.select(
        "id", "account_id", "account_name", "currency", "posted", "amount",
        text("bank_payee").alias("payee"),
        text("bank_description").alias("description"),
        text("bank_memo").alias("memo"),
        text("check_number").alias("check_number"),
        text("state").replace("new", "").alias("state"),
        text("payee").alias("coded_payee"),
        text("account").alias("coded_account"),
        pl.when(text("description") != text("bank_description")).then(text("description"))
        .otherwise(pl.lit("")).alias("coded_description"),
        text("memo").alias("coded_memo"),
        text("explanation").alias("explanation"),
        text("suggestions").alias("suggestions"),
        text("suggestions").str.json_path_match("$[0].account").fill_null("").alias("suggested"),
        (pl.col("version") if "version" in cols else pl.lit(None)).cast(pl.Int64).alias("version"),
    )


def learn_suggestions(session, client) -> bool:
    """Train the client's suggestion model now (a warm-up), so no edit waits for it; False when
    nothing is coded yet."""
    return bool(session.learn_suggestions(client))


def state_counts(session, client) -> dict:
    """``{"gold": n, "red": n, "blue": n, ...}`` for a client; NO_COUNTS when unknown."""
    if has(session, "state_counts"):
        return session.state_counts(client)
    if not has(session, "review_frame"):
        return NO_COUNTS
    f = session.review_frame(client)
    return dict(f.group_by("state").len().iter_rows())


def counts_by_account(session, client, frame: pl.DataFrame | None = None) -> dict[int, dict]:
    if frame is None:
        if not has(session, "review_frame"):
            return {}
        frame = session.review_frame(client)
    if "state" not in frame.columns:
        return {}
    out: dict[int, dict] = {}
    for aid, state, n in frame.group_by("account_id", "state").len().iter_rows():
        out.setdefault(aid, {})[state] = n
    return out


def account_errors(session, client) -> dict[int, str]:
    if has(session, "account_errors"):
        return session.account_errors(client)
    return {}


def evaluate(session, client) -> dict | None:
    """Bring the client's review states up to date; the counts per state, or None without an engine."""
    if has(session, "evaluate"):
        return session.evaluate(client)
    return None


def suggestions(row: dict | None) -> list[dict]:
    """The suggestions of a review-frame row (``[{"account", "confidence"}]``)."""
    import json
    text = (row or {}).get("suggestions") or ""
    try:
        value = json.loads(text) if text else []
    except ValueError:
        return []
    return [s for s in value if isinstance(s, dict) and s.get("account")]


def chart_of_accounts(session, client, frame: pl.DataFrame | None = None) -> list[str]:
    """Account names to code to: the client's chart when the core has one, else every account name
    seen in the client's books (register), codings and suggestions."""
    if has(session, "chart_of_accounts"):
        return [str(a) for a in session.chart_of_accounts(client)]
    names: set[str] = set()
    if has(session, "register_frame"):
        reg = session.register_frame(client)
        if "category" in reg.columns:
            names.update(v for v in reg["category"].drop_nulls().to_list() if v and v != "-split-")
    if frame is not None and "coded_account" in frame.columns:
        names.update(v for v in frame["coded_account"].unique().to_list() if v)
        if "suggested" in frame.columns:
            names.update(v for v in frame["suggested"].unique().to_list() if v)
    return sorted(names, key=str.lower)


# -- review actions ----------------------------------------------------------------------

def edit(session, client_id: int, txn_id: int, **values) -> dict:
    """Save an edit (description, payee or account) by transaction id; returns the stored row."""
    return require(session, "edit", "Editing transactions")(client_id, txn_id, **values)


def code(session, client_id: int, ids: list[int], account: str, payee: str | None = None,
         memo: str | None = None) -> int:
    if len(ids) == 1:
        require(session, "code", "Coding transactions")(client_id, ids[0], account, payee, memo=memo)
        return 1
    items = [{"id": i, "account": account, "payee": payee, "memo": memo} for i in ids]
    result = require(session, "code_many", "Coding transactions")(client_id, items)
    return int(result.get("coded", len(ids))) if isinstance(result, dict) else len(ids)


def approve(session, client_id: int, ids: list[int]) -> int:
    return require(session, "approve", "Approving transactions")(client_id, ids=ids)


def exclude(session, client_id: int, ids: list[int]) -> int:
    return require(session, "exclude", "Excluding transactions")(client_id, ids)


def undo(session, client_id: int) -> dict:
    return require(session, "undo_last", "Undo")(client_id)


# -- invitations ---------------------------------------------------------------------------

def send_invitation(session, client_id: int, how: str, message: str = "") -> tuple[str, str]:
    """Send (or prepare) the invitation; returns (what happened, link or "")."""
    if how == "none":
        return "No invitation sent: the firm connects the client's banks itself.", ""
    if not has(session, "invite"):
        return ("The choice is recorded with the client. Sending invitations is not available in this "
                "installation yet, so nothing was sent."), ""
    result = session.invite(client_id, how, message=message or None)
    link = getattr(result, "link", "") or (result.get("link", "") if isinstance(result, dict) else "")
    if how == "link":
        return "Copy this link and send it to the client; it is valid for 5 days.", link
    return "Invitation sent; it is valid for 5 days and a reminder goes out on day 3.", link
