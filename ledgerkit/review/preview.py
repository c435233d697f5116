"""Rule impact preview: what a rule change would do, before it is saved.

For every client and its whole history the preview derives states and codings
twice, with the current rules and with the proposed ones, and reports:

- ``changes``: open transactions (not yet approved) whose state or coding
  would change when the rules are saved, with examples;
- ``history``: approved and exported transactions the new rules would have
  coded differently (they are never changed; this shows the rule's reach);
- ``warnings``: proposed rules shadowed by an earlier rule, either provably
  (the earlier rule's conditions follow from the new one's) or in fact (on
  the history, every transaction the new rule matches is taken earlier).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import polars as pl

from ..store import Store
from . import engine
from .evaluate import first_matches
from .rules import Condition, Rule

COMPARE = ("state", "payee", "account", "class_", "memo", "splits", "transfer_to")
EXAMPLES = 5


# -- static shadowing ------------------------------------------------------------------

def implies(b: Condition, a: Condition) -> bool:
    """True when ``b`` holding guarantees ``a`` holds."""
    if a.field != b.field:
        return False
    if a.field == "direction":
        return a.value == b.value
    if a.field == "amount":
        lo_b, hi_b = b.low, b.high
        if b.op == "lt":
            lo_b, hi_b = None, b.low - 1
        elif b.op == "gt":
            lo_b, hi_b = b.low + 1, None
        if a.op == "lt":
            return hi_b is not None and hi_b < a.low
        if a.op == "gt":
            return lo_b is not None and lo_b > a.low
        if a.op == "between":
            return lo_b is not None and hi_b is not None and a.low <= lo_b and hi_b <= a.high
        return b.op == "equals" and a.low == b.low
    if a.op == "present":
        if a.value is False:
            return b.op == "present" and b.value is False
        return (b.op == "present" and b.value is not False) or b.op in ("contains", "equals", "starts_with",
                                                                          "ends_with")
    if a.op == "regex" or b.op == "regex":
        return a.op == b.op and a.value == b.value
    av = str(a.value).lower()
    bv = str(b.value).lower() if b.value is not None else ""
    if a.op == "contains":
        return b.op in ("contains", "equals", "starts_with", "ends_with") and av in bv
    if a.op == "equals":
        return b.op == "equals" and av == bv
    if a.op == "starts_with":
        return b.op in ("starts_with", "equals") and bv.startswith(av)
    if a.op == "ends_with":
        return b.op in ("ends_with", "equals") and bv.endswith(av)
    if a.op == "not_contains":
        return (b.op == "not_contains" and bv in av) or (b.op == "present" and b.value is False)
    return False


def shadows(earlier: Rule, later: Rule) -> bool:
    """True when every transaction ``later`` matches is provably matched by ``earlier``."""
    if not earlier.enabled:
        return False
    if later.client_id is not None and earlier.client_id not in (None, later.client_id):
        return False
    if later.client_id is None and earlier.client_id is not None:
        return False
    # later as a disjunction of conjunctions
    terms = [list(later.conditions)] if later.match == "all" else [[c] for c in later.conditions]
    for conj in terms:
        if earlier.match == "all":
            if not all(any(implies(b, a) for b in conj) for a in earlier.conditions):
                return False
        else:
            if not any(any(implies(b, a) for b in conj) for a in earlier.conditions):
                return False
    return True


def _order(rules: list[Rule], client_id: int | None) -> list[Rule]:
    own = [r for r in rules if r.client_id is not None and r.client_id == client_id]
    firm = [r for r in rules if r.client_id is None]
    return sorted(own, key=lambda r: r.position) + sorted(firm, key=lambda r: r.position)


def static_warnings(rules: list[Rule], new: Iterable[Rule], client_ids: list[int]) -> list[str]:
    out = []
    for r in new:
        scopes = [r.client_id] if r.client_id is not None else [None, *client_ids]
        for cid in scopes:
            order = _order(rules, cid)
            idx = next((i for i, x in enumerate(order) if x is r), None)
            if idx is None:
                continue
            for e in order[:idx]:
                if shadows(e, r):
                    where = "" if cid is None or e.client_id is None else f" for client {e.scope}"
                    out.append(f"rule '{r.name}' ({r.scope}) is shadowed by the earlier rule '{e.name}' "
                               f"({e.scope}){where}: every transaction it matches, '{e.name}' takes first")
                    break
    return list(dict.fromkeys(out))


# -- the preview ---------------------------------------------------------------------

def _key(r: Rule) -> tuple:
    return (r.client_id, r.name, r.match, tuple(r.conditions), r.actions, r.enabled)


def _frame_examples(df: pl.DataFrame, client: str) -> list[dict]:
    out = []
    for r in df.head(EXAMPLES).iter_rows(named=True):
        out.append({"client": client, "id": r["transaction_id"], "date": r["posted"], "amount": r["amount_text"],
                    "description": r["desc"],
                    "before": {"state": r["state_old"], "payee": r["payee_old"], "account": r["account_old"]},
                    "after": {"state": r["state"], "payee": r["payee"], "account": r["account"]},
                    "explanation": r["explanation"]})
    return out


def preview(store: Store, current: list[Rule], candidate: list[Rule], clients: list[tuple[int, str]]) -> dict:
    """Compare ``candidate`` with ``current`` rules over every client's history."""
    from .. import accounts as accounts_mod

    cur_keys = {_key(r) for r in current}
    new_rules = [r for r in candidate if _key(r) not in cur_keys]
    removed = [r for r in current if _key(r) not in {_key(x) for x in candidate}]
    result: dict = {"rules": {"added_or_changed": [r.name for r in new_rules], "removed": [r.name for r in removed]},
                    "transactions": 0, "changes": {"total": 0, "state": 0, "coding": 0, "by_state": {}},
                    "history": {"total": 0}, "clients": [], "examples": [], "history_examples": [],
                    "warnings": static_warnings(candidate, new_rules, [c for c, _ in clients])}
    matched_new: dict[str, int] = {}
    won_new: dict[str, int] = {}
    shadow_by: dict[str, set[str]] = {}
    for client_id, name in clients:
        with store.connect() as conn:
            batch = engine.load_batch(store, conn, client_id)
            if batch.height == 0:
                continue
            register = engine.load_register(store, conn, client_id)
            windows = engine.load_windows(conn, client_id)
            accs = engine.accounts_frame(accounts_mod.for_client(conn, client_id))
        c_rules = [r for r in candidate if r.client_id in (None, client_id)]
        o_rules = [r for r in current if r.client_id in (None, client_id)]
        after = engine.derive(batch, c_rules, register, windows, accs, include_final=True, with_suggestions=False)
        before = engine.derive(batch, o_rules, register, windows, accs, include_final=True, with_suggestions=False)
        info = batch.select(pl.col("id").alias("transaction_id"), "posted", "state", "description",
                            engine.amount_text(pl.col("amount"), pl.col("exponent")).alias("amount_text"))
        final = info.filter(pl.col("state").is_in(list(engine.FINAL)).fill_null(False))["transaction_id"]
        # open rows: the proposal against what is stored now
        stored = engine._existing(batch, canonical=True)
        a_open = after.codings.filter(~pl.col("transaction_id").is_in(final.to_list()))
        j = a_open.join(stored, on="transaction_id", how="left", suffix="_old").join(
            info.select("transaction_id", "posted", "amount_text", pl.col("description").alias("desc")),
            on="transaction_id")
        state_diff = ~pl.col("state").eq_missing(pl.col("state_old"))
        code_diff = pl.lit(False)
        for c in COMPARE[1:]:
            code_diff = code_diff | ~pl.col(c).eq_missing(pl.col(f"{c}_old"))
        j = j.with_columns(_s=state_diff, _c=code_diff).filter(pl.col("_s") | pl.col("_c"))
        # history: approved/exported rows the rules would code differently
        hist_cols = ["transaction_id", "state", *COMPARE[1:], "explanation"]
        hb = before.codings.filter(pl.col("transaction_id").is_in(final.to_list())).select(hist_cols)
        ha = after.codings.filter(pl.col("transaction_id").is_in(final.to_list())).select(hist_cols)
        h = ha.join(hb, on="transaction_id", suffix="_old").join(
            info.select("transaction_id", "posted", "amount_text", pl.col("description").alias("desc"),
                        pl.col("state").alias("_final")), on="transaction_id")
        hdiff = pl.lit(False)
        for c in ("state", *COMPARE[1:]):
            hdiff = hdiff | ~pl.col(c).eq_missing(pl.col(f"{c}_old"))
        h = h.filter(hdiff)
        # which new rules match, and which of them win
        if new_rules:
            rbatch = batch.select("id", "client_id", "account_id", "account_name", "exponent", "amount",
                                  "description", "payee", "memo", "check_number")
            mine = [r for r in new_rules if r.client_id in (None, client_id)]
            hits, comp = first_matches(rbatch, mine, first=False)
            wins, wcomp = first_matches(rbatch, c_rules)
            win_names = wins.with_columns(
                winner=pl.col("ri").replace_strict({i: r.name for i, r in enumerate(wcomp.rules)},
                                                   return_dtype=pl.String))
            for ri, r in enumerate(comp.rules):
                ids = hits.filter(pl.col("ri") == ri)["id"]
                matched_new[r.name] = matched_new.get(r.name, 0) + ids.len()
                w = win_names.filter(pl.col("id").is_in(ids.to_list()))
                won_new[r.name] = won_new.get(r.name, 0) + w.filter(pl.col("winner") == r.name).height
                shadow_by.setdefault(r.name, set()).update(w.filter(pl.col("winner") != r.name)["winner"].to_list())
        n_changes = j.height
        by_state = (j.group_by(pl.format("{} -> {}", pl.col("state_old").fill_null("new"), pl.col("state")))
                    .len().rows())
        for k, v in by_state:
            result["changes"]["by_state"][k] = result["changes"]["by_state"].get(k, 0) + v
        result["transactions"] += batch.height
        result["changes"]["total"] += n_changes
        result["changes"]["state"] += j.filter("_s").height
        result["changes"]["coding"] += j.filter(~pl.col("_s") & pl.col("_c")).height
        result["history"]["total"] += h.height
        result["clients"].append({"client": name, "transactions": batch.height, "changes": n_changes,
                                  "history": h.height})
        if len(result["examples"]) < EXAMPLES * 2:
            result["examples"].extend(_frame_examples(j, name))
        if len(result["history_examples"]) < EXAMPLES:
            hx = h.rename({"_final": "_f"})
            result["history_examples"].extend(_frame_examples(hx, name))
    for r in new_rules:
        n, won = matched_new.get(r.name, 0), won_new.get(r.name, 0)
        if n and not won:
            by = ", ".join(sorted(shadow_by.get(r.name, set()))) or "an earlier rule"
            result["warnings"].append(f"rule '{r.name}' matches {n} transaction(s) in the history but never "
                                      f"wins: {by} come(s) first")
    result["matched_by_new_rules"] = matched_new
    return result


def _dec(v) -> str:
    return str(v) if isinstance(v, Decimal) else v
