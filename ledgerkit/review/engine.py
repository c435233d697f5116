"""Evaluate a client: every transaction that is not final gets exactly one review state.

    new -> BLUE (in the register) / RED (coded by a rule, or by hand) / GOLD (needs coding)
        -> approved -> exported;  or excluded

BLUE wins over RED. Approved, exported and excluded rows are never
re-evaluated; everything else is derived again from the bank's facts, the
person's edits (``review_edits``), the rules and the register each time
``evaluate`` runs (after an import, an edit, a coding, a rule change), and only
rows whose outcome changed are written. All of it is batch work in polars.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import polars as pl
import sqlalchemy as sa

from ..model import Account
from ..money import exponent
from ..store import Store, schema, utcnow
from ..store import review_tables as rt
from . import matching, payees, suggest
from .evaluate import apply_actions, first_matches
from .rules import Rule, from_stored

FINAL = ("approved", "exported", "excluded")
OPEN = ("gold", "red", "blue")
STATES = ("gold", "red", "blue", "approved", "exported", "excluded")
T, A, C = schema.transactions, schema.accounts, schema.codings
E, RE, RM, R = rt.review_edits, rt.register_entries, rt.review_matches, rt.rules
CODING_COMPARE = ("state", "payee", "account", "class_", "memo", "splits", "transfer_to", "rule_id", "match_id",
                  "explanation", "suggestions", "description", "manual")


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


def _text(col):
    return sa.cast(col, sa.Text)


def load_batch(store: Store, conn: sa.Connection, client_id: int, ids: list[int] | None = None) -> pl.DataFrame:
    """Every transaction of the client with its coding and edits (one row each)."""
    q = (sa.select(
        T.c.id, T.c.account_id, A.c.client_id, A.c.name.label("account_name"), A.c.currency, T.c.posted,
        T.c.amount, T.c.payee.label("bank_payee"), T.c.description.label("bank_description"), T.c.memo,
        T.c.check_number, C.c.state, C.c.payee.label("c_payee"), C.c.account.label("c_account"),
        C.c.class_.label("c_class"), C.c.memo.label("c_memo"), _text(C.c.splits).label("c_splits"),
        C.c.transfer_to.label("c_transfer_to"), C.c.rule_id.label("c_rule_id"), C.c.match_id.label("c_match_id"),
        C.c.explanation.label("c_explanation"), _text(C.c.suggestions).label("c_suggestions"),
        C.c.manual.label("c_manual"), C.c.description.label("c_description"), C.c.version.label("c_version"),
        E.c.description.label("e_description"), E.c.payee.label("e_payee"), _text(E.c.coding).label("e_coding"),
        E.c.actor.label("e_actor"))
        .join(A, A.c.id == T.c.account_id)
        .outerjoin(C, C.c.transaction_id == T.c.id)
        .outerjoin(E, E.c.transaction_id == T.c.id)
        .where(A.c.client_id == client_id).order_by(T.c.id))
    if ids is not None:
        q = q.where(T.c.id.in_(ids))
    s = pl.String
    frame = store.read_frame(conn, q, schema_overrides={
        "id": pl.Int64, "account_id": pl.Int64, "client_id": pl.Int64, "account_name": s, "currency": s,
        "amount": pl.Int64, "bank_payee": s, "bank_description": s, "memo": s, "check_number": s, "state": s,
        "c_payee": s, "c_account": s, "c_class": s, "c_memo": s, "c_splits": s, "c_transfer_to": pl.Int64,
        "c_rule_id": pl.Int64, "c_match_id": pl.Int64, "c_explanation": s, "c_suggestions": s,
        "c_manual": pl.Boolean, "c_description": s, "c_version": pl.Int64, "e_description": s, "e_payee": s,
        "e_coding": s, "e_actor": s})
    if frame["posted"].dtype == pl.String:
        frame = frame.with_columns(pl.col("posted").str.to_date())
    elif frame.height == 0:
        frame = frame.with_columns(pl.col("posted").cast(pl.Date))
    exps = {c: exponent(c) for c in frame["currency"].unique().to_list()} if frame.height else {}
    return frame.with_columns(
        exponent=pl.col("currency").replace_strict(exps, default=2, return_dtype=pl.Int32) if exps
        else pl.lit(2, dtype=pl.Int32),
        c_manual=pl.col("c_manual").fill_null(False),
        # a JSON column may hold JSON null rather than SQL NULL
        e_coding=pl.col("e_coding").replace("null", None),
        c_splits=pl.col("c_splits").replace("null", None),
        c_suggestions=pl.col("c_suggestions").replace("null", None),
    ).with_columns(inputs())


def inputs() -> list[pl.Expr]:
    """The rule inputs as they stand: a person's description edit wins over the
    bank's; an empty description falls back to the bank payee; the payee is the
    person's rename, else the bank's, else the cleaned description."""
    desc = pl.coalesce(pl.col("e_description").replace("", None), pl.col("bank_description").replace("", None),
                       pl.col("bank_payee")).fill_null("")
    bank_payee = pl.col("bank_payee").fill_null("")
    clean = payees.clean_expr(pl.when(bank_payee != "").then(bank_payee).otherwise(desc))
    payee = pl.coalesce(pl.col("e_payee").replace("", None), bank_payee.replace("", None),
                        payees.clean_expr(desc).replace("", None)).fill_null("")
    return [desc.alias("description"), payee.alias("payee"), clean.alias("clean_payee")]


def load_register(store: Store, conn: sa.Connection, client_id: int) -> pl.DataFrame:
    q = sa.select(RE.c.id.label("entry_id"), RE.c.account_id, RE.c.posted, RE.c.amount, RE.c.check_number,
                  RE.c.payee, RE.c.category, RE.c.source, RE.c.transaction_id).where(
        RE.c.client_id == client_id, RE.c.account_id.is_not(None))
    frame = store.read_frame(conn, q, schema_overrides={
        "entry_id": pl.Int64, "account_id": pl.Int64, "amount": pl.Int64, "check_number": pl.String,
        "payee": pl.String, "category": pl.String, "source": pl.String, "transaction_id": pl.Int64})
    if frame["posted"].dtype == pl.String:
        frame = frame.with_columns(pl.col("posted").str.to_date())
    elif frame.height == 0:
        frame = frame.with_columns(pl.col("posted").cast(pl.Date))
    return frame


def load_windows(conn: sa.Connection, client_id: int) -> pl.DataFrame:
    rows = conn.execute(sa.select(rt.match_windows.c.account_id, rt.match_windows.c.days)
                        .join(A, A.c.id == rt.match_windows.c.account_id).where(A.c.client_id == client_id)).all()
    return pl.DataFrame(rows, schema={"account_id": pl.Int64, "days": pl.Int32}, orient="row")


def accounts_frame(accs: list[Account]) -> pl.DataFrame:
    return pl.DataFrame([(a.client_id, a.id, a.name) for a in accs], orient="row",
                        schema={"client_id": pl.Int64, "account_id": pl.Int64, "name": pl.String})


def sync_export_mirrors(store: Store, conn: sa.Connection, client_id: int) -> int:
    """Exported transactions are in the books: mirror them as register entries."""
    q = (sa.select(T.c.id.label("transaction_id"), T.c.account_id, T.c.posted, T.c.amount, T.c.check_number,
                   C.c.payee, C.c.account.label("category"))
         .join(C, C.c.transaction_id == T.c.id).join(A, A.c.id == T.c.account_id)
         .outerjoin(RE, RE.c.transaction_id == T.c.id)
         .where(A.c.client_id == client_id, C.c.state == "exported", C.c.match_id.is_(None), RE.c.id.is_(None)))
    rows = conn.execute(q).all()
    if not rows:
        return 0
    conn.execute(sa.insert(RE), [
        {"client_id": client_id, "account_id": r.account_id, "identity": f"X:{r.transaction_id}",
         "posted": r.posted, "amount": r.amount, "payee": r.payee or "", "memo": "",
         "check_number": r.check_number or "", "category": r.category or "", "txn_type": "",
         "register_account": "", "source": "export", "transaction_id": r.transaction_id} for r in rows])
    return len(rows)


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
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return value
    if value is None:
        return None
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# -- evaluation ---------------------------------------------------------------------

@dataclass
class Outcome:
    """What evaluation derived for the batch (one row per open transaction)."""

    codings: pl.DataFrame          # transaction_id + codings columns (JSON as canonical text)
    matches: pl.DataFrame          # id, entry_id, date_diff, keys (for BLUE rows)
    batch: pl.DataFrame            # the loaded batch (all states)


def derive(batch: pl.DataFrame, rules: list[Rule], register: pl.DataFrame, windows: pl.DataFrame,
           accounts: pl.DataFrame, *, include_final: bool = False, suggest_key: str = "",
           with_suggestions: bool = True) -> Outcome:
    """The pure core: states and codings for the open rows of a batch (or all
    rows with ``include_final``, for previews), from rules and register."""
    final = pl.col("state").is_in(list(FINAL)).fill_null(False)
    work = batch if include_final else batch.filter(~final)
    # 1. register matching against entries not taken by final rows
    taken = batch.filter(final & pl.col("c_match_id").is_not_null())["c_match_id"]
    avail = register.filter(~pl.col("entry_id").is_in(taken.to_list()))
    if include_final:
        avail = register
        own = work.filter(pl.col("state") == "exported")["id"].to_list()
        avail = avail.filter(~pl.col("transaction_id").is_in(own).fill_null(False))
    bank = work.select("id", "account_id", "posted", "amount", "check_number",
                       pl.concat_str([pl.col("description"), pl.col("payee")], separator=" ").alias("text"))
    previous = work.filter(pl.col("c_match_id").is_not_null()).select("id", pl.col("c_match_id").alias("entry_id"))
    matched = matching.match(bank, avail, windows, previous=previous)
    # 2. rules
    rbatch = work.select("id", "client_id", "account_id", "account_name", "exponent", "amount", "description",
                         "payee", "memo", "check_number")
    winners, comp = first_matches(rbatch, rules)
    coded = apply_actions(rbatch, winners, comp, accounts)
    # 3. put together
    entries = register.select("entry_id", pl.col("posted").alias("_eposted"), pl.col("amount").alias("_eamount"),
                              pl.col("payee").alias("_epayee"), pl.col("category").alias("_ecategory"),
                              pl.col("source").alias("_esource"))
    m = matched.join(entries, on="entry_id", how="left").rename({"entry_id": "match_id"})
    w = (work.join(m.select("id", "match_id", "date_diff", "keys", "_eposted", "_epayee", "_ecategory", "_esource"),
                   on="id", how="left")
         .join(coded.rename({c: f"r_{c}" for c in coded.columns if c != "id"}), on="id", how="left"))
    coding = pl.col("e_coding").str.json_decode(dtype=pl.Struct({
        "account": pl.String, "class": pl.String, "memo": pl.String, "payee": pl.String,
        "transfer_to": pl.Int64, "splits": pl.String}))
    w = w.with_columns(_hc=coding)
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
    out = out.with_columns(pl.col("splits").map_elements(canonical_json, return_dtype=pl.String, skip_nulls=True))
    # 4. suggestions for GOLD rows
    gold = out.filter(pl.col("state") == "gold")
    sug: dict[int, list[dict]] = {}
    if with_suggestions and gold.height:
        # the coded history: approved/exported and hand-coded rows, and the books' own
        # coding of the rows matched to the register (BLUE)
        done = batch.filter(pl.col("c_account").fill_null("") != "").filter(
            pl.col("state").is_in(["approved", "exported"])).select(
            "id", "payee", "description", "amount", pl.col("c_account").alias("account"))
        blue = out.filter((pl.col("manual") | (pl.col("state") == "blue"))
                          & ~pl.col("account").is_in(["", "-split-"])).select(
            pl.col("transaction_id").alias("id"), pl.col("_in_payee").alias("payee"),
            pl.col("_in_desc").alias("description"), "amount", "account")
        hist = pl.concat([done.filter(~pl.col("id").is_in(blue["id"].to_list())), blue]).sort("id")
        sug = suggest.suggest(hist.select("payee", "description", "amount", "account"),
                              gold.select("id" if "id" in gold.columns else pl.col("transaction_id").alias("id"),
                                          pl.col("_in_payee").alias("payee"), pl.col("_in_desc").alias("description"),
                                          "amount"), suggest_key)
    if sug:
        sframe = pl.DataFrame({"transaction_id": list(sug), "suggestions": [canonical_json(v) for v in sug.values()],
                               "_stext": [_suggestions_text(v) for v in sug.values()]},
                              schema={"transaction_id": pl.Int64, "suggestions": pl.String, "_stext": pl.String})
    else:
        sframe = pl.DataFrame(schema={"transaction_id": pl.Int64, "suggestions": pl.String, "_stext": pl.String})
    out = out.join(sframe, on="transaction_id", how="left").with_columns(
        explanation=pl.when(pl.col("state") == "gold").then(
            pl.format("{}; {}", pl.col("explanation"), pl.col("_stext").fill_null("no suggestions yet")))
        .otherwise(pl.col("explanation")),
        suggestions=pl.when(pl.col("state") == "gold").then(pl.col("suggestions").fill_null("[]")),
    ).drop("_stext", "_in_payee", "_in_desc", "amount")
    matches = matched.join(out.filter(pl.col("state") == "blue").select(pl.col("transaction_id").alias("id")), on="id")
    return Outcome(codings=out, matches=matches, batch=batch)


def _existing(batch: pl.DataFrame) -> pl.DataFrame:
    return batch.select(
        pl.col("id").alias("transaction_id"), "state", pl.col("c_description").alias("description"),
        pl.col("c_payee").alias("payee"), pl.col("c_account").alias("account"), pl.col("c_class").alias("class_"),
        pl.col("c_memo").alias("memo"),
        pl.col("c_splits").map_elements(canonical_json, return_dtype=pl.String, skip_nulls=True).alias("splits"),
        pl.col("c_transfer_to").alias("transfer_to"), pl.col("c_rule_id").alias("rule_id"),
        pl.col("c_match_id").alias("match_id"), pl.col("c_explanation").alias("explanation"),
        pl.col("c_suggestions").map_elements(canonical_json, return_dtype=pl.String, skip_nulls=True)
        .alias("suggestions"),
        pl.col("c_manual").alias("manual"), pl.col("c_version").alias("version"))


def changed_rows(new: pl.DataFrame, batch: pl.DataFrame) -> pl.DataFrame:
    """The rows of ``new`` that differ from what ``codings`` holds (or are new)."""
    old = _existing(batch)
    j = new.join(old, on="transaction_id", how="left", suffix="_old")
    diff = pl.col("state_old").is_null()
    for c in CODING_COMPARE:
        diff = diff | ~pl.col(c).eq_missing(pl.col(f"{c}_old"))
    return j.filter(diff).select(*new.columns, pl.col("version").alias("_old_version"))


def evaluate(store: Store, client_id: int, *, rules: list[Rule] | None = None) -> dict[str, int]:
    """Re-derive every open row of a client and write what changed. Returns counts per state."""
    from .. import accounts as accounts_mod
    from .register import resolve_pending

    with store.begin() as conn:
        resolve_pending(conn, client_id)
        sync_export_mirrors(store, conn, client_id)
        batch = load_batch(store, conn, client_id)
        if rules is None:
            rules = load_rules(conn, [client_id])
        register = load_register(store, conn, client_id)
        windows = load_windows(conn, client_id)
        accs = accounts_frame(accounts_mod.for_client(conn, client_id))
        outcome = derive(batch, rules, register, windows, accs, suggest_key=f"{store.workspace}:{client_id}")
        changed = changed_rows(outcome.codings, batch)
        write_codings(conn, changed)
        write_matches(conn, outcome, changed)
        counts = state_counts(conn, client_id)
    return counts


def _chunks(seq: list, n: int = 5000):
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


def write_codings(conn: sa.Connection, changed: pl.DataFrame) -> int:
    if changed.height == 0:
        return 0
    now = utcnow()
    ids = changed["transaction_id"].to_list()
    for chunk in _chunks(ids):
        conn.execute(sa.delete(C).where(C.c.transaction_id.in_(chunk)))
    rows = []
    for r in changed.iter_rows(named=True):
        rows.append({
            "transaction_id": r["transaction_id"], "state": r["state"], "description": r["description"],
            "payee": r["payee"], "account": r["account"], "class_": r["class_"], "memo": r["memo"],
            "splits": json.loads(r["splits"]) if r["splits"] else sa.null(), "transfer_to": r["transfer_to"],
            "rule_id": r["rule_id"], "match_id": r["match_id"], "explanation": r["explanation"],
            "suggestions": json.loads(r["suggestions"]) if r["suggestions"] else sa.null(), "manual": r["manual"],
            "approved_by": None, "approved_at": None, "batch_id": None, "updated_at": now,
            "version": (r["_old_version"] or 0) + 1})
    for chunk in _chunks(rows):
        conn.execute(sa.insert(C), chunk)
    return len(rows)


def write_matches(conn: sa.Connection, outcome: Outcome, changed: pl.DataFrame) -> None:
    ids = changed["transaction_id"].to_list()
    for chunk in _chunks(ids):
        conn.execute(sa.delete(RM).where(RM.c.transaction_id.in_(chunk)))
    m = outcome.matches.filter(pl.col("id").is_in(ids))
    if m.height:
        conn.execute(sa.insert(RM), [{"transaction_id": r["id"], "entry_id": r["entry_id"],
                                      "date_diff": r["date_diff"], "keys": r["keys"]}
                                     for r in m.iter_rows(named=True)])


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
