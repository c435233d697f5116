"""Evaluate a client: every transaction that is not final gets exactly one review state.

    new -> BLUE (in the register) / RED (coded by a rule, or by hand) / GOLD (needs coding)
        -> approved -> exported;  or excluded

BLUE wins over RED. Approved, exported and excluded rows are never
re-evaluated; everything else is derived from the bank's facts, the person's
edits (``review_edits``), the rules and the register, and only rows whose
outcome changed are written (their ``version`` goes up; the others keep it).
All of it is batch work in polars.

An evaluation works on a **scope** (``Scope``), never more than a change can
affect:

- ``evaluate`` (the ``Session.evaluate`` call): every open row of the client,
  suggestions recomputed from the current coded history;
- ``evaluate_new``: the rows an import just inserted (handed over as a frame,
  not read back), inside the import's own transaction;
- ``evaluate_scope`` with ids: the rows a person changed, plus the rows a
  changed rule could match (found in SQL by the rule's text);
- rule changes, register imports and match windows: every open row.

Register matching is one-to-one within an (account, amount) class, so any
scope is widened to the open rows of every class it touches that has register
entries; inside those classes the assignment is exactly the one a whole-client
evaluation finds.

Transactions ledgerkit exported are mirrored into the register (as entries
the books already have) by the bulk evaluations (imports, whole clients),
which then also take the open rows those entries could match.

Suggestions come from a model of the client's coded history (``suggest``).
The whole-client ``evaluate`` and imports compute them from the current
history. Other scopes keep the stored suggestions of rows that were GOLD
already with unchanged text, unless the change altered the history (a hand
coding, an undo, a reopening): then every GOLD row in scope gets new ones.
New suggestions come from a model of the current history when it is short
(``suggest.QUICK`` rows) or already learned, else from the model the process
holds for the client (trained at once when it holds none), so an interactive
change never waits for a long history to be learned again.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, replace
from types import SimpleNamespace

import polars as pl
import sqlalchemy as sa

from ..model import Account
from ..money import exponent
from ..store import Store, schema, utcnow
from ..store import review_tables as rt
from . import matching, payees, suggest
from .evaluate import WINNER_SCHEMA, Compiled, apply_actions, compile_rules, first_matches
from .frames import fetch, ids_in, json_text, normalise_json
from .rules import Rule, from_stored

FINAL = ("approved", "exported", "excluded")
OPEN = ("gold", "red", "blue")
STATES = ("gold", "red", "blue", "approved", "exported", "excluded")
T, A, C = schema.transactions, schema.accounts, schema.codings
E, RE, RM, R = rt.review_edits, rt.register_entries, rt.review_matches, rt.rules
CODING_COMPARE = ("state", "payee", "account", "class_", "memo", "splits", "transfer_to", "rule_id", "match_id",
                  "explanation", "suggestions", "description", "manual")
JSON_COLUMNS = ("splits", "suggestions")
BULK_ROWS = 50_000
RULE_QUERIES = 8          # rules whose rows are looked up one by one; more: every open row
S = pl.String
ROW_SCHEMA = {
    "id": pl.Int64, "account_id": pl.Int64, "posted": pl.Date, "amount": pl.Int64, "bank_payee": S,
    "bank_description": S, "memo": S, "check_number": S, "state": S, "c_description": S, "c_payee": S,
    "c_account": S, "c_class": S, "c_memo": S, "c_splits": S, "c_transfer_to": pl.Int64, "c_rule_id": pl.Int64,
    "c_match_id": pl.Int64, "c_explanation": S, "c_suggestions": S, "c_manual": pl.Boolean, "c_version": pl.Int64,
}
EDIT_SCHEMA = {"id": pl.Int64, "e_description": S, "e_payee": S, "e_coding": S, "e_actor": S}
REGISTER_SCHEMA = {"entry_id": pl.Int64, "account_id": pl.Int64, "posted": pl.Date, "amount": pl.Int64,
                   "check_number": S, "payee": S, "category": S, "source": S, "transaction_id": pl.Int64}


@dataclass(frozen=True)
class Scope:
    """Which open rows an evaluation derives again.

    ``ids``: these rows (``None`` with no ``new`` rows: every open row);
    ``new``: rows just imported, as a frame (id and the bank's facts);
    ``touched``: rows whose text a person changed (they get new suggestions);
    ``history_changed``: the change altered the coded history (a hand coding, an
    undo), so every GOLD row in scope gets new suggestions;
    ``refresh``: suggestions from a model of the current history for every GOLD
    row in scope (else rows that were GOLD with unchanged text keep theirs, and
    the others may get them from the model the process already holds)."""

    ids: tuple[int, ...] | None = None
    new: pl.DataFrame | None = None
    touched: frozenset[int] = frozenset()
    history_changed: bool = False
    refresh: bool = False

    @property
    def everything(self) -> bool:
        return self.ids is None and self.new is None

    def widened(self) -> Scope:
        return replace(self, ids=None, new=None)


# -- loading ------------------------------------------------------------------------

def load_rules(conn: sa.Connection, client_ids: list[int] | None = None) -> list[Rule]:
    """Firm rules and the named clients' rules (all clients when None), in order."""
    names = {r.id: r.name for r in conn.execute(sa.select(schema.clients.c.id, schema.clients.c.name))}
    ids = {v.lower(): k for k, v in names.items()}
    q = sa.select(R).order_by(R.c.client_id.is_(None).desc(), R.c.client_id, R.c.position, R.c.id)
    if client_ids is not None:
        q = q.where(sa.or_(R.c.client_id.is_(None), R.c.client_id.in_(client_ids)))
    rules = [from_stored(row, names, ids) for row in conn.execute(q)]
    if client_ids is not None:
        rules = [r for r in rules if r.client_id is None or r.client_id in client_ids]
    return rules


_RULES_CACHE: dict[str, tuple[list[Rule], Compiled]] = {}


def rules_for(conn: sa.Connection, client_id: int) -> tuple[list[Rule], Compiled]:
    """The rules that apply to a client, parsed and compiled; cached by their stored
    content (and the client names scopes resolve against), so an edit does not
    parse and compile thousands of rules again."""
    q = (sa.select(R.c.id, R.c.client_id, R.c.scope, R.c.position, R.c.name, R.c.match,
                   sa.cast(R.c.conditions, sa.Text), sa.cast(R.c.actions, sa.Text), R.c.origin, R.c.enabled)
         .where(sa.or_(R.c.client_id.is_(None), R.c.client_id == client_id))
         .order_by(R.c.client_id.is_(None).desc(), R.c.client_id, R.c.position, R.c.id))
    rows = [tuple(r) for r in conn.execute(q)]
    clients = [tuple(r) for r in conn.execute(sa.select(schema.clients.c.id, schema.clients.c.name)
                                              .order_by(schema.clients.c.id))]
    key = hashlib.sha256(repr((client_id, clients, rows)).encode()).hexdigest()
    hit = _RULES_CACHE.get(key)
    if hit is not None:
        return hit
    names = dict(clients)
    ids = {v.lower(): k for k, v in names.items()}
    fields = ("id", "client_id", "scope", "position", "name", "match", "conditions", "actions", "origin", "enabled")
    rules = []
    for row in rows:
        ns = SimpleNamespace(**dict(zip(fields, row, strict=True)))
        ns.conditions = json.loads(ns.conditions) if ns.conditions else []
        ns.actions = json.loads(ns.actions) if ns.actions else {}
        rules.append(from_stored(ns, names, ids))
    rules = [r for r in rules if r.client_id is None or r.client_id == client_id]
    out = (rules, compile_rules(rules))
    if len(_RULES_CACHE) > 16:
        _RULES_CACHE.clear()
    _RULES_CACHE[key] = out
    return out


def _text(col):
    return sa.cast(col, sa.Text)


def _account_info(accs: list[Account]) -> pl.DataFrame:
    return pl.DataFrame(
        [(a.id, a.client_id, a.name, a.currency, exponent(a.currency)) for a in accs], orient="row",
        schema={"account_id": pl.Int64, "client_id": pl.Int64, "account_name": S, "currency": S,
                "exponent": pl.Int32})


def with_inputs(frame: pl.DataFrame) -> pl.DataFrame:
    """Add the rule inputs as they stand (``inputs`` for a frame, the payee cleaned
    once per distinct text): a person's description edit wins over the bank's; an
    empty description falls back to the bank payee; the payee is the person's
    rename, else the bank's, else the cleaned description."""
    desc = pl.coalesce(pl.col("e_description").replace("", None), pl.col("bank_description").replace("", None),
                       pl.col("bank_payee")).fill_null("")
    bank_payee = pl.col("bank_payee").fill_null("")
    frame = frame.with_columns(desc.alias("description")).with_columns(
        _src=pl.when(bank_payee != "").then(bank_payee).otherwise(pl.col("description")))
    frame = payees.clean_unique(frame, "_src", "clean_payee")
    # with a bank payee the cleaned description is never reached; without one it is clean(_src)
    payee = pl.coalesce(pl.col("e_payee").replace("", None), bank_payee.replace("", None),
                        pl.col("clean_payee").replace("", None)).fill_null("")
    return frame.with_columns(payee.alias("payee")).drop("_src")


def inputs() -> list[pl.Expr]:
    """The rule inputs as expressions (see ``with_inputs``, which is faster on big frames)."""
    desc = pl.coalesce(pl.col("e_description").replace("", None), pl.col("bank_description").replace("", None),
                       pl.col("bank_payee")).fill_null("")
    bank_payee = pl.col("bank_payee").fill_null("")
    clean = payees.clean_expr(pl.when(bank_payee != "").then(bank_payee).otherwise(desc))
    payee = pl.coalesce(pl.col("e_payee").replace("", None), bank_payee.replace("", None),
                        payees.clean_expr(desc).replace("", None)).fill_null("")
    return [desc.alias("description"), payee.alias("payee"), clean.alias("clean_payee")]


def _accounts_filter(acc_ids: list[int], by_id: bool) -> sa.ColumnElement[bool]:
    """The rows of these accounts; with ``by_id`` (a list of ids selects the rows) written
    so that the database looks the ids up by key rather than scanning the accounts' rows."""
    return (T.c.account_id + 0).in_(acc_ids) if by_id else T.c.account_id.in_(acc_ids)


def _rows_query(acc_ids: list[int], open_only: bool, by_id: bool = False) -> sa.Select:
    q = (sa.select(
        T.c.id, T.c.account_id, _text(T.c.posted), T.c.amount, T.c.payee, T.c.description, T.c.memo,
        T.c.check_number, C.c.state, C.c.description, C.c.payee, C.c.account, C.c.class_, C.c.memo,
        _text(C.c.splits), C.c.transfer_to, C.c.rule_id, C.c.match_id, C.c.explanation, _text(C.c.suggestions),
        C.c.manual, C.c.version)
        .select_from(T.outerjoin(C, C.c.transaction_id == T.c.id))
        .where(_accounts_filter(acc_ids, by_id)))
    if open_only:
        q = q.where(sa.or_(C.c.state.is_(None), C.c.state.in_(OPEN)))
    return q


def _load_rows(conn: sa.Connection, acc_ids: list[int], ids=None, *, open_only: bool = True) -> pl.DataFrame:
    """Transactions of these accounts (open ones unless ``open_only`` is False) with their
    stored coding and the person's edits, optionally only ``ids``."""
    q = _rows_query(acc_ids, open_only, by_id=ids is not None)
    eq = (sa.select(E.c.transaction_id, E.c.description, E.c.payee, _text(E.c.coding), E.c.actor)
          .select_from(E.join(T, T.c.id == E.c.transaction_id)).where(_accounts_filter(acc_ids, ids is not None)))
    if ids is not None:
        q = q.where(ids_in(T.c.id, ids, conn.dialect.name))
        eq = eq.where(ids_in(E.c.transaction_id, ids, conn.dialect.name))
    rows = fetch(conn, q, ROW_SCHEMA)
    edits = fetch(conn, eq, EDIT_SCHEMA)
    return rows.join(edits, on="id", how="left")


def _new_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows an import just inserted, in the shape of ``_load_rows`` (no coding, no edits)."""
    base = frame.select(
        pl.col("id").cast(pl.Int64), pl.col("account_id").cast(pl.Int64), pl.col("posted").cast(pl.Date),
        pl.col("amount").cast(pl.Int64), pl.col("payee").fill_null("").alias("bank_payee"),
        pl.col("description").fill_null("").alias("bank_description"), pl.col("memo").fill_null(""),
        pl.col("check_number").fill_null(""))
    nulls = {k: v for k, v in ROW_SCHEMA.items() if k not in base.columns}
    nulls.update({k: v for k, v in EDIT_SCHEMA.items() if k != "id"})
    return base.with_columns(pl.lit(None, dtype=v).alias(k) for k, v in nulls.items())


def _prepare(rows: pl.DataFrame, info: pl.DataFrame) -> pl.DataFrame:
    """Account name, currency and exponent; JSON nulls as SQL NULL; the rule inputs."""
    rows = rows.join(info, on="account_id", how="left").with_columns(
        pl.col("exponent").fill_null(2),
        c_manual=pl.col("c_manual").fill_null(False),
        # a JSON column may hold JSON null rather than SQL NULL
        e_coding=pl.col("e_coding").replace("null", None),
        c_splits=pl.col("c_splits").replace("null", None),
        c_suggestions=pl.col("c_suggestions").replace("null", None),
    )
    return with_inputs(rows)


def load_batch(store: Store, conn: sa.Connection, client_id: int, ids: list[int] | None = None) -> pl.DataFrame:
    """Every transaction of the client (or only ``ids``) with its coding and edits (one row each)."""
    from .. import accounts as accounts_mod

    accs = accounts_mod.for_client(conn, client_id)
    rows = _load_rows(conn, [a.id for a in accs], ids, open_only=False) if accs else \
        pl.DataFrame(schema=ROW_SCHEMA | {k: v for k, v in EDIT_SCHEMA.items() if k != "id"})
    return _prepare(with_check_payees(conn, rows), _account_info(accs)).sort("id")


# the bank's text for a check says only that it is one: "CHECK #1042", "CHK 1042", "Check"
_BARE_CHECK = r"(?i)^\s*(?:check|chk|ck)?\s*(?:no\.?|#)?\s*\d*\s*$"


def with_check_payees(conn: sa.Connection, rows: pl.DataFrame) -> pl.DataFrame:
    """A check whose bank text names no payee takes the payee written on its image (the
    linked check document), so remembered payees and rules work for checks too."""
    checks = rows.filter((pl.col("check_number") != "") & pl.col("bank_payee").fill_null("").str.contains(_BARE_CHECK))
    if checks.height == 0:
        return rows
    D = schema.documents
    q = (sa.select(D.c.transaction_id, D.c.payee)
         .where(D.c.kind == "check", D.c.payee != "", ids_in(D.c.transaction_id, checks["id"].to_list(),
                                                             conn.dialect.name)))
    found = fetch(conn, q, {"id": pl.Int64, "image_payee": pl.String}).unique("id", keep="first")
    if found.height == 0:
        return rows
    return (rows.join(found, on="id", how="left")
            .with_columns(bank_payee=pl.coalesce(pl.col("image_payee"), pl.col("bank_payee")))
            .drop("image_payee"))


def load_register(store: Store, conn: sa.Connection, client_id: int, amounts: pl.Series | None = None
                  ) -> pl.DataFrame:
    """The client's register entries that have an account (only those of ``amounts`` when given)."""
    q = sa.select(RE.c.id, RE.c.account_id, _text(RE.c.posted), RE.c.amount, RE.c.check_number,
                  RE.c.payee, RE.c.category, RE.c.source, RE.c.transaction_id).where(
        RE.c.client_id == client_id, RE.c.account_id.is_not(None))
    if amounts is not None:
        q = q.where(ids_in(RE.c.amount, amounts, conn.dialect.name))
    return fetch(conn, q, REGISTER_SCHEMA)


def load_windows(conn: sa.Connection, client_id: int) -> pl.DataFrame:
    rows = conn.execute(sa.select(rt.match_windows.c.account_id, rt.match_windows.c.days)
                        .join(A, A.c.id == rt.match_windows.c.account_id).where(A.c.client_id == client_id)).all()
    return pl.DataFrame(rows, schema={"account_id": pl.Int64, "days": pl.Int32}, orient="row")


def accounts_frame(accs: list[Account]) -> pl.DataFrame:
    return pl.DataFrame([(a.client_id, a.id, a.name) for a in accs], orient="row",
                        schema={"client_id": pl.Int64, "account_id": pl.Int64, "name": pl.String})


def sync_export_mirrors(store: Store, conn: sa.Connection, client_id: int) -> int:
    """Exported transactions are in the books: mirror them as register entries."""
    return _sync_mirrors(conn, client_id).height


def _sync_mirrors(conn: sa.Connection, client_id: int) -> pl.DataFrame:
    """Mirror the exported transactions not mirrored yet; their (account_id, amount)."""
    q = (sa.select(T.c.id.label("transaction_id"), T.c.account_id, T.c.posted, T.c.amount, T.c.check_number,
                   C.c.payee, C.c.account.label("category"))
         .join(C, C.c.transaction_id == T.c.id).join(A, A.c.id == T.c.account_id)
         .outerjoin(RE, RE.c.transaction_id == T.c.id)
         .where(A.c.client_id == client_id, C.c.state == "exported", C.c.match_id.is_(None), RE.c.id.is_(None)))
    rows = conn.execute(q).all()
    keys = pl.DataFrame([(r.account_id, r.amount) for r in rows], schema={"account_id": pl.Int64, "amount": pl.Int64},
                        orient="row")
    if not rows:
        return keys
    conn.execute(sa.insert(RE), [
        {"client_id": client_id, "account_id": r.account_id, "identity": f"X:{r.transaction_id}",
         "posted": r.posted, "amount": r.amount, "payee": r.payee or "", "memo": "",
         "check_number": r.check_number or "", "category": r.category or "", "txn_type": "",
         "register_account": "", "source": "export", "transaction_id": r.transaction_id} for r in rows])
    return keys.unique()


# -- formatting ---------------------------------------------------------------------

def amount_text(units: pl.Expr, exp: pl.Expr) -> pl.Expr:
    """Minor units -> plain decimal text ("-1234.56") for the currency exponent (0, 2 or 3), exactly."""
    p = pl.lit(10, dtype=pl.Int64).pow(exp)
    mag = units.abs()
    sign = pl.when(units < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    frac = (pl.when(exp == 0).then(pl.lit(""))
            .when(exp == 3).then(pl.lit(".") + (mag % p).cast(pl.String).str.zfill(3))
            .otherwise(pl.lit(".") + (mag % p).cast(pl.String).str.zfill(2)))
    return sign + (mag // p).cast(pl.String) + frac


def _days_text(diff: pl.Expr) -> pl.Expr:
    n = diff.abs().cast(pl.String)
    unit = pl.when(diff.abs() == 1).then(pl.lit(" day")).otherwise(pl.lit(" days"))
    return (pl.when(diff == 0).then(pl.lit("same day"))
            .when(diff > 0).then(pl.lit("bank ") + n + unit + pl.lit(" later"))
            .otherwise(pl.lit("bank ") + n + unit + pl.lit(" earlier")))


def _suggestions_text(sugs: list[dict] | None) -> str:
    if not sugs:
        return "no suggestions yet"
    return "suggestions: " + ", ".join(f"{s['account']} ({round(s['confidence'] * 100)}%)" for s in sugs)


def canonical_json(value) -> str | None:
    """JSON text in the one form the engine writes and compares (``frames.json_text``)."""
    if value is None:
        return None
    if isinstance(value, str):
        return normalise_json(value)
    return json_text(value)


# -- evaluation ---------------------------------------------------------------------

@dataclass
class Outcome:
    """What evaluation derived for the batch (one row per open transaction)."""

    codings: pl.DataFrame          # transaction_id + codings columns (JSON as stored text)
    matches: pl.DataFrame          # id, entry_id, date_diff, keys (for BLUE rows)
    batch: pl.DataFrame            # the rows derived


def _with_account_rules(rbatch: pl.DataFrame, coded: pl.DataFrame, comp: Compiled,
                        accounts: pl.DataFrame) -> pl.DataFrame:
    """A first rule that only renames (a remembered payee, a payee-only rule) does not end
    the search for an account: such rows take their account, class, memo, split or
    transfer from the first later rule that codes one, and keep the renaming rule's payee.
    The explanation names both rules."""
    lacking = coded.filter(~pl.col("codes_account").fill_null(False) & pl.col("error").is_null())
    if lacking.height == 0 or not any(r.actions.codes_account for r in comp.rules):
        return coded
    rows = rbatch.join(lacking.select("id"), on="id", how="semi")
    every, comp = first_matches(rows, comp, first=False)
    coding = comp.cache["acts"].filter("codes_account").select("ri")
    later = (every.join(coding, on="ri", how="semi").join(comp.meta.select("ri", "prio"), on="ri")
             .sort("id", "prio", "ci").unique("id", keep="first", maintain_order=True)
             .select("id", "ri", "ci").cast(WINNER_SCHEMA))
    if later.height == 0:
        return coded
    found = apply_actions(rows, later, comp, accounts)
    first = lacking.select("id", pl.col("payee").alias("_fpayee"), pl.col("explanation").alias("_fwhy"))
    merged = found.join(first, on="id").with_columns(
        payee=pl.coalesce(pl.col("_fpayee").replace("", None), pl.col("payee")),
        explanation=pl.concat_str([pl.col("_fwhy"), pl.col("explanation")], separator="; then "),
    ).select(coded.columns)
    return pl.concat([coded.join(merged.select("id"), on="id", how="anti"), merged]).sort("id")


def derive_codings(work: pl.DataFrame, comp: Compiled, avail: pl.DataFrame, windows: pl.DataFrame,
                   accounts: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The pure core: states and codings of ``work`` (rows with their inputs, see
    ``_prepare``) from the compiled rules and the register entries not taken by
    final rows (``avail``). Returns the codings (without suggestions; with
    ``_in_payee``, ``_in_desc`` and ``amount`` for them) and the register matches."""
    # 1. register matching
    if avail.height and work.height:
        bank = work.select("id", "account_id", "posted", "amount", "check_number",
                           pl.concat_str([pl.col("description"), pl.col("payee")], separator=" ").alias("text"))
        previous = work.filter(pl.col("c_match_id").is_not_null()).select(
            "id", pl.col("c_match_id").alias("entry_id"))
        matched = matching.match(bank, avail, windows, previous=previous)
    else:
        matched = pl.DataFrame(schema=matching.RESULT_SCHEMA)
    # 2. rules
    rbatch = work.select("id", "client_id", "account_id", "account_name", "exponent", "amount", "description",
                         "payee", "memo", "check_number")
    winners, comp = first_matches(rbatch, comp)
    coded = _with_account_rules(rbatch, apply_actions(rbatch, winners, comp, accounts), comp, accounts)
    # 3. put together
    entries = avail.select("entry_id", pl.col("posted").alias("_eposted"), pl.col("payee").alias("_epayee"),
                           pl.col("category").alias("_ecategory"), pl.col("source").alias("_esource"))
    m = matched.join(entries, on="entry_id", how="left").rename({"entry_id": "match_id"})
    w = work.select("id", "amount", "exponent", "description", "payee", "clean_payee", "e_description",
                    "e_payee", "e_coding", "e_actor")
    if m.height:
        w = w.join(m.select("id", "match_id", "date_diff", "keys", "_eposted", "_epayee", "_ecategory", "_esource"),
                   on="id", how="left")
    else:
        w = w.with_columns(pl.lit(None, dtype=pl.Int64).alias("match_id"), pl.lit(None, dtype=pl.Int32).alias("date_diff"),
                           pl.lit(None, dtype=pl.List(pl.String)).alias("keys"), pl.lit(None, dtype=pl.Date).alias("_eposted"),
                           *(pl.lit(None, dtype=pl.String).alias(c) for c in ("_epayee", "_ecategory", "_esource")))
    w = w.join(coded.rename({c: f"r_{c}" for c in coded.columns if c != "id"}), on="id", how="left")
    coding = pl.col("e_coding").str.json_decode(dtype=pl.Struct({
        "account": pl.String, "class": pl.String, "memo": pl.String, "payee": pl.String,
        "transfer_to": pl.Int64, "splits": pl.String}))
    any_manual = w["e_coding"].null_count() < w.height
    w = w.with_columns(_hc=coding if any_manual else pl.lit(None, dtype=pl.Struct({
        "account": pl.String, "class": pl.String, "memo": pl.String, "payee": pl.String,
        "transfer_to": pl.Int64, "splits": pl.String})))
    is_blue = pl.col("match_id").is_not_null()
    is_manual = pl.col("e_coding").is_not_null()
    rule_ok = pl.col("r_rule_ri").is_not_null() & pl.col("r_codes_account").fill_null(False) & pl.col("r_error").is_null()
    state = (pl.when(is_blue).then(pl.lit("blue")).when(is_manual).then(pl.lit("red"))
             .when(rule_ok).then(pl.lit("red")).otherwise(pl.lit("gold")))
    w = w.with_columns(_state=state)
    st = pl.col("_state")
    via_rule = (st == "red") & ~is_manual
    hc = pl.col("_hc")
    person_payee = pl.col("e_payee").replace("", None)
    fallback_payee = pl.coalesce(pl.col("clean_payee").replace("", None), pl.col("payee"))
    payee = (pl.when(st == "blue").then(pl.coalesce(person_payee, pl.col("_epayee").replace("", None), fallback_payee))
             .when(is_manual).then(pl.coalesce(person_payee, hc.struct.field("payee").replace("", None), fallback_payee))
             .otherwise(pl.coalesce(person_payee, pl.col("r_payee").replace("", None), fallback_payee)))
    account = (pl.when(st == "blue").then(pl.col("_ecategory"))
               .when(is_manual).then(hc.struct.field("account"))
               .when(via_rule).then(pl.col("r_account")).otherwise(pl.lit("")))
    klass = (pl.when(st == "blue").then(pl.lit("")).when(is_manual).then(hc.struct.field("class"))
             .when(via_rule | (st == "gold")).then(pl.col("r_class_")).otherwise(pl.lit("")))
    memo = (pl.when(st == "blue").then(pl.lit("")).when(is_manual).then(hc.struct.field("memo"))
            .when(via_rule | (st == "gold")).then(pl.col("r_memo")).otherwise(pl.lit("")))
    splits = (pl.when(st == "blue").then(pl.lit(None, dtype=pl.String))
              .when(is_manual).then(hc.struct.field("splits"))
              .when(via_rule).then(pl.col("r_splits")))
    transfer = (pl.when(st == "blue").then(pl.lit(None, dtype=pl.Int64))
                .when(is_manual).then(hc.struct.field("transfer_to"))
                .when(via_rule).then(pl.col("r_transfer_to")))
    matched_on = pl.col("keys").list.eval(pl.element().replace({"check_number": "check number"})).list.join(", ")
    blue_why = pl.format("in the books: register entry #{} ({} {} {}{}), {}; matched on {}",
                         pl.col("match_id"), pl.col("_eposted").dt.to_string("%Y-%m-%d"),
                         pl.col("_epayee").fill_null(""), amount_text(pl.col("amount"), pl.col("exponent")),
                         pl.when(pl.col("_esource") == "export").then(pl.lit(", exported by ledgerkit"))
                         .otherwise(pl.lit("")),
                         _days_text(pl.col("date_diff")), matched_on)
    manual_why = pl.format("coded by hand ({})", pl.col("e_actor").fill_null("?"))
    gold_why = (pl.when(pl.col("r_rule_ri").is_not_null() & pl.col("r_error").is_not_null())
                .then(pl.format("{}, but {}", pl.col("r_explanation"), pl.col("r_error")))
                .when(pl.col("r_rule_ri").is_not_null())
                .then(pl.format("{}, which sets no account", pl.col("r_explanation")))
                .otherwise(pl.lit("no rule or match")))
    why = (pl.when(st == "blue").then(blue_why).when(is_manual).then(manual_why)
           .when(via_rule).then(pl.col("r_explanation")).otherwise(gold_why))
    out = w.select(
        pl.col("id").alias("transaction_id"), st.alias("state"),
        pl.col("e_description").fill_null("").alias("description"),
        payee.fill_null("").alias("payee"), account.fill_null("").alias("account"),
        klass.fill_null("").alias("class_"), memo.fill_null("").alias("memo"),
        splits.alias("splits"), transfer.alias("transfer_to"),
        pl.when(via_rule | (st == "gold")).then(pl.col("r_rule_id")).alias("rule_id"),
        pl.when(st == "blue").then(pl.col("match_id")).alias("match_id"),
        why.alias("explanation"), is_manual.alias("manual"),
        # for suggestions
        pl.col("payee").alias("_in_payee"), pl.col("description").alias("_in_desc"), pl.col("amount"),
    )
    # a hand coding's split is JSON text inside the coding: write it in the stored form (few rows)
    hand = out.filter(pl.col("manual") & pl.col("splits").is_not_null())
    if hand.height:
        fixed = hand.select("transaction_id", pl.Series("splits", [normalise_json(v) for v in hand["splits"]],
                                                           dtype=pl.String))
        out = out.update(fixed, on="transaction_id")
    matches = matched.join(out.filter(pl.col("state") == "blue").select(pl.col("transaction_id").alias("id")),
                           on="id") if matched.height else matched
    return out, matches


def derive(batch: pl.DataFrame, rules: list[Rule] | Compiled, register: pl.DataFrame, windows: pl.DataFrame,
           accounts: pl.DataFrame, *, include_final: bool = False, suggest_key: str = "",
           with_suggestions: bool = True) -> Outcome:
    """States and codings for the open rows of a whole-client ``batch`` (``load_batch``),
    or all rows with ``include_final`` (for previews), from rules and register."""
    final = pl.col("state").is_in(list(FINAL)).fill_null(False)
    work = batch if include_final else batch.filter(~final)
    taken = batch.filter(final & pl.col("c_match_id").is_not_null())["c_match_id"]
    avail = register.filter(~pl.col("entry_id").is_in(taken.implode()))
    if include_final:
        own = work.filter(pl.col("state") == "exported")["id"]
        avail = register.filter(~pl.col("transaction_id").is_in(own.implode()).fill_null(False))
    comp = rules if isinstance(rules, Compiled) else compile_rules(rules)
    out, matches = derive_codings(work, comp, avail, windows, accounts)
    sug: dict[int, list[dict]] = {}
    gold = out.filter(pl.col("state") == "gold")
    if with_suggestions and gold.height:
        done = batch.filter(pl.col("c_account").fill_null("") != "").filter(
            pl.col("state").is_in(["approved", "exported"])).select(
            "id", "payee", "description", "amount", pl.col("c_account").alias("account"))
        hist = _history_from(done, out)
        sug = suggest.suggest(hist, _gold_frame(gold), suggest_key)
    out = _with_suggestions(out, _suggestion_frame(sug))
    return Outcome(codings=out, matches=matches, batch=batch)


def _gold_frame(gold: pl.DataFrame) -> pl.DataFrame:
    return gold.select(pl.col("transaction_id").alias("id"), pl.col("_in_payee").alias("payee"),
                       pl.col("_in_desc").alias("description"), "amount")


def _history_from(done: pl.DataFrame, out: pl.DataFrame) -> pl.DataFrame:
    """The coded history: approved/exported rows (``done``) and the derived rows coded
    by hand or matched to the register (their books' coding), by id."""
    blue = out.filter((pl.col("manual") | (pl.col("state") == "blue"))
                      & ~pl.col("account").is_in(["", "-split-"])).select(
        pl.col("transaction_id").alias("id"), pl.col("_in_payee").alias("payee"),
        pl.col("_in_desc").alias("description"), "amount", "account")
    return pl.concat([done.filter(~pl.col("id").is_in(blue["id"].implode())), blue]).sort("id") \
        .select("payee", "description", "amount", "account")


_SUG_SCHEMA = {"transaction_id": pl.Int64, "suggestions": pl.String, "_stext": pl.String}


def _suggestion_frame(sug: dict[int, list[dict]]) -> pl.DataFrame:
    if not sug:
        return pl.DataFrame(schema=_SUG_SCHEMA)
    return pl.DataFrame({"transaction_id": list(sug), "suggestions": [json_text(v) for v in sug.values()],
                         "_stext": [_suggestions_text(v) for v in sug.values()]}, schema=_SUG_SCHEMA)


def _with_suggestions(out: pl.DataFrame, sframe: pl.DataFrame) -> pl.DataFrame:
    if sframe.height:
        out = out.join(sframe, on="transaction_id", how="left")
    else:
        out = out.with_columns(pl.lit(None, dtype=pl.String).alias("suggestions"),
                               pl.lit(None, dtype=pl.String).alias("_stext"))
    return out.with_columns(
        explanation=pl.when(pl.col("state") == "gold").then(
            pl.format("{}; {}", pl.col("explanation"), pl.col("_stext").fill_null("no suggestions yet")))
        .otherwise(pl.col("explanation")),
        suggestions=pl.when(pl.col("state") == "gold").then(pl.col("suggestions").fill_null("[]")),
    ).drop("_stext", "_in_payee", "_in_desc", "amount")


def _existing(batch: pl.DataFrame, canonical: bool = False) -> pl.DataFrame:
    """The stored codings of a batch in the shape of derived ones (for comparisons);
    ``canonical``: JSON values re-written in the engine's form (one Python call per value)."""
    if canonical:
        batch = batch.with_columns(pl.col(c).map_elements(normalise_json, return_dtype=pl.String, skip_nulls=True)
                                   for c in ("c_splits", "c_suggestions"))
    return batch.select(
        pl.col("id").alias("transaction_id"), "state", pl.col("c_description").alias("description"),
        pl.col("c_payee").alias("payee"), pl.col("c_account").alias("account"), pl.col("c_class").alias("class_"),
        pl.col("c_memo").alias("memo"), pl.col("c_splits").alias("splits"),
        pl.col("c_transfer_to").alias("transfer_to"), pl.col("c_rule_id").alias("rule_id"),
        pl.col("c_match_id").alias("match_id"), pl.col("c_explanation").alias("explanation"),
        pl.col("c_suggestions").alias("suggestions"),
        pl.col("c_manual").alias("manual"), pl.col("c_version").alias("version"))


def changed_rows(new: pl.DataFrame, batch: pl.DataFrame) -> pl.DataFrame:
    """The rows of ``new`` that differ from what ``codings`` holds (or are new), with
    ``_old_version`` (null for new rows)."""
    old = _existing(batch)
    j = new.join(old, on="transaction_id", how="left", suffix="_old")
    fresh = pl.col("state_old").is_null()
    plain = pl.lit(False)
    for c in CODING_COMPARE:
        if c not in JSON_COLUMNS:
            plain = plain | ~pl.col(c).eq_missing(pl.col(f"{c}_old"))
    texts = pl.lit(False)
    for c in JSON_COLUMNS:
        texts = texts | ~pl.col(c).eq_missing(pl.col(f"{c}_old"))
    j = j.with_columns(_fresh=fresh, _plain=plain, _texts=texts)
    # JSON written by other hands may differ only in form: compare those few values parsed
    unsure = j.filter(~pl.col("_fresh") & ~pl.col("_plain") & pl.col("_texts"))
    if unsure.height:
        differ = [tid for tid, *vals in unsure.select("transaction_id", *JSON_COLUMNS,
                                                      *(f"{c}_old" for c in JSON_COLUMNS)).iter_rows()
                  if any(normalise_json(a) != normalise_json(b)
                         for a, b in zip(vals[:len(JSON_COLUMNS)], vals[len(JSON_COLUMNS):], strict=True))]
        j = j.with_columns(_texts=pl.col("_texts") & (pl.col("_plain") | pl.col("transaction_id").is_in(differ)))
    return j.filter(pl.col("_fresh") | pl.col("_plain") | pl.col("_texts")).select(
        *new.columns, pl.col("version").alias("_old_version"))


# -- running an evaluation -------------------------------------------------------------

def evaluate(store: Store, client_id: int, *, rules: list[Rule] | None = None,
             refresh_suggestions: bool = True) -> dict[str, int]:
    """Re-derive every open row of a client and write what changed. Returns counts per state."""
    with store.begin() as conn:
        run(store, conn, client_id, Scope(refresh=refresh_suggestions), rules=rules)
        return state_counts(conn, client_id)


def learn_suggestions(store: Store, client_id: int) -> bool:
    """Learn the client's suggestion model from its coded history now (a dashboard's
    warm-up), so that no interactive change waits for it. False: nothing coded yet."""
    from .. import accounts as accounts_mod

    with store.connect() as conn:
        acc_ids = [a.id for a in accounts_mod.for_client(conn, client_id)]
        if not acc_ids:
            return False
        empty = pl.DataFrame(schema=ROW_SCHEMA | EDIT_SCHEMA)
        hist = _history(conn, acc_ids, empty, pl.DataFrame(schema={
            "transaction_id": pl.Int64, "state": S, "account": S, "manual": pl.Boolean, "_in_payee": S,
            "_in_desc": S, "amount": pl.Int64}))
    return suggest.learn(hist, f"{store.workspace}:{client_id}") is not None


def evaluate_new(store: Store, conn: sa.Connection, client_id: int, frame: pl.DataFrame) -> None:
    """Evaluate the rows an import just inserted (``frame``: id, account_id, posted, amount,
    payee, description, memo, check_number), inside the import's transaction."""
    if frame.height:
        run(store, conn, client_id, Scope(new=frame, refresh=True))


def evaluate_scope(store: Store, conn: sa.Connection, client_id: int, ids=(), *, touched=(),
                   rules: list[tuple[str, list[dict]]] | None = None, history_changed: bool = False) -> None:
    """Evaluate what a person's change can affect: the rows ``ids``, and every open row a
    rule created, changed or removed could match (``rules``: its ``(match, conditions)``
    before and after; a payee's rows are given as the rule that would remember it). Rows
    in ``touched`` had their text changed and get fresh suggestions; with
    ``history_changed`` every GOLD row in scope does."""
    touched = frozenset(int(i) for i in touched)
    scope = {int(i) for i in ids}
    distinct: list = []
    for rule in rules or []:
        if rule not in distinct:
            distinct.append(rule)
    if len(distinct) > RULE_QUERIES:    # a bulk coding of many payees: one pass over the open rows
        run(store, conn, client_id, Scope(touched=touched, history_changed=history_changed))
        return
    for match, conditions in distinct:
        hits = rule_candidates(conn, client_id, conditions, match)
        if hits is None:
            run(store, conn, client_id, Scope(touched=touched, history_changed=history_changed))
            return
        scope.update(hits)
    if scope:
        run(store, conn, client_id, Scope(ids=tuple(sorted(scope)), touched=touched,
                                          history_changed=history_changed))


# where a rule's text can come from: the person's edit or the bank's (a payee may be cleaned
# from the description)
_ANCHOR_FIELDS = {"description": ((T.c.description, T.c.payee), (E.c.description,)),
                  "payee": ((T.c.description, T.c.payee), (E.c.description, E.c.payee))}


def _needle(value) -> str:
    words = [w for w in re.split(r"\s+", str(value or "").lower()) if w]
    best = max(words, key=len, default="")
    return best if best.isascii() else ""


def _text_hit(col, needle: str, dialect: str) -> sa.ColumnElement[bool]:
    """``col`` contains ``needle`` ignoring ASCII case, or holds non-ASCII text (whose case
    folding SQL may not know): a superset of the rows the rule engine finds."""
    if dialect == "sqlite":      # SQLite's LIKE ignores ASCII case by itself (no lower() per row)
        return sa.or_(col.contains(needle, autoescape=True),
                      sa.func.length(col) != sa.func.length(sa.cast(col, sa.LargeBinary)))
    return sa.or_(col.icontains(needle, autoescape=True), sa.func.length(col) != sa.func.octet_length(col))


def rule_candidates(conn: sa.Connection, client_id: int, conditions: list[dict], match: str = "all"
                    ) -> list[int] | None:
    """Rows of the client a rule with these conditions could match (a superset, found
    in SQL by the longest word of one of its text conditions; open or not), or None
    when the rule has no such condition (then every open row is a candidate)."""
    if match != "all":
        return None
    anchor = next(((c["field"], _needle(c.get("value"))) for c in conditions
                   if c.get("field") in _ANCHOR_FIELDS
                   and c.get("op") in ("contains", "equals", "starts_with", "ends_with") and _needle(c.get("value"))),
                  None)
    if anchor is None:
        return None
    fld, needle = anchor
    acc_ids = [r[0] for r in conn.execute(sa.select(A.c.id).where(A.c.client_id == client_id))]
    if not acc_ids:
        return []
    dialect = conn.dialect.name
    bank_cols, edit_cols = _ANCHOR_FIELDS[fld]
    bank = sa.select(T.c.id).where(T.c.account_id.in_(acc_ids), sa.or_(*(_text_hit(c, needle, dialect)
                                                                          for c in bank_cols)))
    edited = (sa.select(E.c.transaction_id).select_from(E.join(T, T.c.id == E.c.transaction_id))
              .where(T.c.account_id.in_(acc_ids), sa.or_(*(_text_hit(c, needle, dialect) for c in edit_cols))))
    return [r[0] for r in conn.execute(bank)] + [r[0] for r in conn.execute(edited)]


def _register_classes(conn: sa.Connection, acc_ids: list[int], amounts: pl.Series) -> pl.DataFrame:
    """id, account_id, amount, state, match_id of the accounts' rows with these amounts."""
    q = (sa.select(T.c.id, T.c.account_id, T.c.amount, C.c.state, C.c.match_id)
         .select_from(T.outerjoin(C, C.c.transaction_id == T.c.id))
         .where(T.c.account_id.in_(acc_ids), ids_in(T.c.amount, amounts, conn.dialect.name)))
    return fetch(conn, q, {"id": pl.Int64, "account_id": pl.Int64, "amount": pl.Int64, "state": S,
                           "match_id": pl.Int64})


def _taken_all(conn: sa.Connection, acc_ids: list[int]) -> pl.Series:
    q = (sa.select(C.c.match_id).select_from(C.join(T, T.c.id == C.c.transaction_id))
         .where(T.c.account_id.in_(acc_ids), C.c.state.in_(FINAL), C.c.match_id.is_not(None)))
    return fetch(conn, q, {"match_id": pl.Int64})["match_id"]


def _has_register(conn: sa.Connection, client_id: int) -> bool:
    return conn.execute(sa.select(RE.c.id).where(RE.c.client_id == client_id, RE.c.account_id.is_not(None))
                        .limit(1)).first() is not None


def run(store: Store, conn: sa.Connection, client_id: int, scope: Scope, *, rules: list[Rule] | None = None) -> None:
    """Derive the rows of ``scope`` and write what changed (inside ``conn``'s transaction)."""
    from .. import accounts as accounts_mod
    from .register import resolve_pending

    if resolve_pending(conn, client_id):
        scope = scope.widened()      # entries found their account: every open row may match differently
    # what ledgerkit exported is in the books: bulk evaluations (imports, whole clients) mirror it
    # first, and take the open rows those entries could match; a person's change does not look
    mirrored = _sync_mirrors(conn, client_id) if scope.everything or scope.new is not None else None
    accs = accounts_mod.for_client(conn, client_id)
    if not accs:
        return
    acc_ids = [a.id for a in accs]
    comp = compile_rules(rules) if rules is not None else rules_for(conn, client_id)[1]
    empty_reg = pl.DataFrame(schema=REGISTER_SCHEMA)
    taken = pl.Series("match_id", [], dtype=pl.Int64)
    if scope.everything:
        rows = _load_rows(conn, acc_ids)
        register = load_register(store, conn, client_id) if _has_register(conn, client_id) else empty_reg
        if register.height:
            taken = _taken_all(conn, acc_ids)
    else:
        parts = []
        if scope.new is not None and scope.new.height:
            parts.append(_new_rows(scope.new))
        if scope.ids:
            parts.append(_load_rows(conn, acc_ids, scope.ids))
        rows = pl.concat(parts) if parts else pl.DataFrame(schema=ROW_SCHEMA | EDIT_SCHEMA)
        register = empty_reg
        if rows.height and _has_register(conn, client_id):
            keys = rows.select("account_id", "amount")
            if mirrored is not None and mirrored.height:
                keys = pl.concat([keys, mirrored])
            keys = keys.unique()
            register = load_register(store, conn, client_id, keys["amount"].unique()) \
                .join(keys, on=["account_id", "amount"], how="semi")
            if register.height:
                # matching is decided per (account, amount) class: take the whole classes
                classes = _register_classes(conn, acc_ids, register["amount"].unique()).join(
                    register.select("account_id", "amount").unique(), on=["account_id", "amount"], how="semi")
                final = pl.col("state").is_in(list(FINAL)).fill_null(False)
                taken = classes.filter(final & pl.col("match_id").is_not_null())["match_id"]
                extra = classes.filter(~final).join(rows.select("id"), on="id", how="anti")["id"]
                if extra.len():
                    rows = pl.concat([rows, _load_rows(conn, acc_ids, extra)])
    if rows.height == 0:
        return
    work = _prepare(with_check_payees(conn, rows), _account_info(accs))
    avail = register.filter(~pl.col("entry_id").is_in(taken.implode())) if taken.len() else register
    out, matches = derive_codings(work, comp, avail, load_windows(conn, client_id), accounts_frame(accs))
    out = _suggest(store, conn, client_id, acc_ids, work, out, scope)
    write(store, conn, out, work, matches)


def _coded() -> sa.ColumnElement[bool]:
    """Codings that belong to the coded history (see ``_history_from``)."""
    return sa.and_(C.c.account != "", sa.or_(
        C.c.state.in_(("approved", "exported")),
        sa.and_(C.c.state.in_(OPEN), sa.or_(C.c.manual.is_(True), C.c.state == "blue"), C.c.account != "-split-")))


def _history_exceeds(conn: sa.Connection, acc_ids: list[int], n: int) -> bool:
    """Whether the client's stored coded history has more than ``n`` rows (stops at n + 1)."""
    q = (sa.select(C.c.transaction_id).select_from(C.join(T, T.c.id == C.c.transaction_id))
         .where(T.c.account_id.in_(acc_ids), _coded()).limit(1).offset(n))
    return conn.execute(q).first() is not None


def _history(conn: sa.Connection, acc_ids: list[int], work: pl.DataFrame, out: pl.DataFrame) -> pl.DataFrame:
    """The client's coded history as a whole-client evaluation would see it: rows
    outside ``work`` as stored, rows in it as just derived (newest ``MAX_HISTORY``)."""
    q = (sa.select(T.c.id, T.c.payee, T.c.description, T.c.amount, C.c.account, C.c.state, E.c.description,
                   E.c.payee, T.c.check_number)
         .select_from(C.join(T, T.c.id == C.c.transaction_id).outerjoin(E, E.c.transaction_id == T.c.id))
         .where(T.c.account_id.in_(acc_ids), _coded())
         .order_by(T.c.id.desc()).limit(suggest.MAX_HISTORY + work.height))
    stored = fetch(conn, q, {"id": pl.Int64, "bank_payee": S, "bank_description": S, "amount": pl.Int64,
                             "account": S, "state": S, "e_description": S, "e_payee": S, "check_number": S})
    # a coded check is remembered by the payee on its image, as its evaluation saw it
    stored = with_check_payees(conn, stored.join(work.select("id"), on="id", how="anti"))
    done = with_inputs(stored).select("id", "payee", "description", "amount", "account")
    return _history_from(done, out).tail(suggest.MAX_HISTORY)


def _suggest(store: Store, conn: sa.Connection, client_id: int, acc_ids: list[int], work: pl.DataFrame,
             out: pl.DataFrame, scope: Scope) -> pl.DataFrame:
    """Suggestions for the GOLD rows of ``out`` (see the module docstring for which)."""
    gold = out.filter(pl.col("state") == "gold")
    if gold.height == 0:
        return _with_suggestions(out, pl.DataFrame(schema=_SUG_SCHEMA))
    key = f"{store.workspace}:{client_id}"
    # an interactive change on a client with a long history uses the model the process holds,
    # as it stands (without reading the history); a short history is learned again at once
    model = None if scope.refresh else suggest.current(key)
    if model is not None and not _history_exceeds(conn, acc_ids, suggest.QUICK):
        model = None
    parts = []
    if not scope.refresh and (not scope.history_changed or model is not None):
        # rows that were GOLD with the same text would get what they have: keep it
        before = work.select(pl.col("id").alias("transaction_id"), pl.col("state").alias("_was"),
                             pl.col("c_suggestions").alias("_kept"))
        kept = gold.select("transaction_id").join(before, on="transaction_id").filter(
            (pl.col("_was") == "gold") & pl.col("_kept").is_not_null()
            & ~pl.col("transaction_id").is_in(list(scope.touched)))
        if kept.height:
            texts = kept.select(pl.col("_kept").unique())["_kept"].to_list()
            said = pl.DataFrame({"_kept": texts, "_stext": [_suggestions_text(json.loads(t)) for t in texts]},
                                schema={"_kept": S, "_stext": S})
            parts.append(kept.join(said, on="_kept", how="left").select(
                "transaction_id", pl.col("_kept").alias("suggestions"), "_stext"))
            gold = gold.join(kept.select("transaction_id"), on="transaction_id", how="anti")
    if gold.height:
        if model is not None:
            sug = suggest.predict(model, _gold_frame(gold))
        else:
            hist = _history(conn, acc_ids, work, out)
            sug = suggest.suggest(hist, _gold_frame(gold), key, fresh=scope.refresh)
        parts.append(_suggestion_frame(sug))
    return _with_suggestions(out, pl.concat(parts) if parts else pl.DataFrame(schema=_SUG_SCHEMA))


def _stamp(conn: sa.Connection) -> str:
    """``now`` as the text the driver stores for the codings' timestamp (a constant SQL literal)."""
    now = utcnow()
    proc = C.c.updated_at.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
    value = proc(now) if proc is not None else None
    return value if isinstance(value, str) else now.isoformat()


def write(store: Store, conn: sa.Connection, out: pl.DataFrame, work: pl.DataFrame, matches: pl.DataFrame) -> int:
    """Write the derived codings that differ from the stored ones (new rows get version 1,
    changed rows their version + 1) and their register matches. Returns rows written."""
    changed = changed_rows(out, work)
    if changed.height == 0:
        return 0
    dialect = conn.dialect.name
    old = changed.filter(pl.col("_old_version").is_not_null())["transaction_id"]
    if old.len():
        conn.execute(sa.delete(C).where(ids_in(C.c.transaction_id, old, dialect)))
        conn.execute(sa.delete(RM).where(ids_in(RM.c.transaction_id, old, dialect)))
    frame = changed.with_columns(
        version=(pl.col("_old_version").fill_null(0) + 1).cast(pl.Int64),
        updated_at=pl.lit(_stamp(conn), dtype=pl.String),
        manual=pl.col("manual").cast(pl.Int64) if store.is_sqlite else pl.col("manual"),
    ).drop("_old_version").sort("transaction_id")     # appended in key order
    # a batch bigger than the whole table (a first big import) is loaded faster with the state index
    # rebuilt once (the codings' ids are transaction ids: their maximum bounds the table's size).
    # Only inside an open driver transaction: pysqlite runs DDL before any DML in autocommit.
    bulk = (frame.height >= BULK_ROWS and getattr(conn.connection.dbapi_connection, "in_transaction", True)
            and frame.height > int(conn.execute(sa.select(sa.func.max(C.c.transaction_id))).scalar() or 0))
    rebuild = list(C.indexes) if bulk else []
    for index in rebuild:
        index.drop(conn)
    insert_rows(store, conn, C, frame)
    for index in rebuild:
        index.create(conn)
    blue = matches.join(changed.select(pl.col("transaction_id").alias("id")), on="id") if matches.height else matches
    if blue.height:
        store.insert_frame(conn, RM, blue.select(
            pl.col("id").alias("transaction_id"), "entry_id", pl.col("date_diff").cast(pl.Int64),
            (pl.lit('["') + pl.col("keys").list.join('", "') + pl.lit('"]')).alias("keys")))
    return changed.height


def insert_rows(store: Store, conn: sa.Connection, table: sa.Table, frame: pl.DataFrame) -> None:
    """``store.insert_frame`` in key order, leaving columns that are NULL throughout to
    their default (NULL): the GOLD rows of an import then cost their id and payee only."""
    nulls = [c for c in frame.columns if table.c[c].nullable and table.c[c].server_default is None
             and frame[c].null_count() == frame.height]
    store.insert_frame(conn, table, frame.drop(nulls))


def _chunks(seq: list, n: int = 5000):
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


def state_counts(conn: sa.Connection, client_id: int, account_id: int | None = None) -> dict[str, int]:
    q = (sa.select(C.c.state, sa.func.count()).join(T, T.c.id == C.c.transaction_id)
         .join(A, A.c.id == T.c.account_id).where(A.c.client_id == client_id).group_by(C.c.state))
    if account_id is not None:
        q = q.where(T.c.account_id == account_id)
    got = dict(conn.execute(q).all())
    return {s: int(got.get(s, 0)) for s in STATES}


def state_counts_for(store: Store, client_id: int, account_id: int | None = None) -> dict[str, int]:
    with store.connect() as conn:
        return state_counts(conn, client_id, account_id)


__all__ = ["FINAL", "OPEN", "STATES", "Outcome", "Scope", "derive", "derive_codings", "evaluate", "evaluate_new",
           "evaluate_scope", "learn_suggestions", "load_batch", "load_register", "load_rules", "rule_candidates", "rules_for", "run",
           "state_counts", "state_counts_for", "write"]
