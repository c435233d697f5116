"""The vectorised rule engine: which rule codes each transaction, and how.

``first_matches(txns, rules)`` finds, for every row of a batch, the first rule
(client rules before firm rules, each in order) whose conditions hold. It never
loops over rows, and it does not test every rule on every row either:

1. **Anchors.** Each rule gets a necessary text literal when it has one: the
   longest ``contains``/``equals``/``starts_with``/``ends_with`` value of an
   ``all`` rule (or the longest literal a regex cannot match without); for an
   ``any`` rule every condition must have one. All anchors of a field are found
   in one Aho-Corasick pass (``str.extract_many``) over the lower-cased column,
   giving candidate (row, rule) pairs.
2. **Verification.** Only the candidate pairs' other conditions are tested,
   as polars expressions over the pair frame, grouped by operator. A
   ``contains`` anchor that hit is already proven.
3. **Rules without an anchor** (amount-only, ``not_contains``, ...) are
   evaluated as whole-column expressions.
4. **First match wins**: the pair with the lowest priority per row.

``apply_actions`` then turns winners into codings (payee, account, class, memo,
transfers, and splits computed in integer minor units with the remainder on
the last line, so a split always sums exactly to the amount).

The batch frame (``TXN_COLUMNS``) carries the rule inputs as they stand: the
description and payee after any edit by a person.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import polars as pl

from .rules import AMOUNT_SCALE, PERCENT_SCALE, Condition, Rule

try:  # Python's own regex parser, to find literals a regex cannot match without
    import re._parser as _sre_parse  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover
    import sre_parse as _sre_parse  # type: ignore[no-redef]

TXN_COLUMNS = {
    "id": pl.Int64, "client_id": pl.Int64, "account_id": pl.Int64, "account_name": pl.String,
    "exponent": pl.Int32, "amount": pl.Int64, "description": pl.String, "payee": pl.String,
    "memo": pl.String, "check_number": pl.String,
}
_LOWER = {"description": "_d", "payee": "_p", "memo": "_m", "account": "_a", "check_number": "_c"}
_ORIG = {"description": "description", "payee": "payee", "memo": "memo", "account": "account_name",
         "check_number": "check_number"}
_ANCHOR_OPS = ("contains", "equals", "starts_with", "ends_with")
WINNER_SCHEMA = {"id": pl.Int64, "ri": pl.Int32, "ci": pl.Int32}


def prepare(txns: pl.DataFrame) -> pl.DataFrame:
    """Add the lower-cased text columns and the amount in rule units (1/10,000)."""
    missing = [c for c in TXN_COLUMNS if c not in txns.columns]
    if missing:
        raise ValueError(f"rule batch lacks columns {missing}")
    return txns.with_columns(
        *(pl.col(_ORIG[f]).fill_null("").str.to_lowercase().alias(col) for f, col in _LOWER.items()),
        _acct_id=pl.col("account_id").cast(pl.String),
        _amt=pl.col("amount") * pl.lit(10, dtype=pl.Int64).pow(AMOUNT_SCALE - pl.col("exponent")),
    )


# -- regex literals -----------------------------------------------------------------

def regex_literal(pattern: str) -> str:
    """The longest ASCII literal every match of ``pattern`` must contain
    (lower-cased), or "" when there is none we can be sure of."""
    try:
        parsed = _sre_parse.parse(pattern)
    except Exception:
        return ""
    runs, cur = [], []
    for op, arg in parsed:
        name = str(op)
        if name == "LITERAL" and arg < 128 and chr(arg).isprintable():
            cur.append(chr(arg))
            continue
        if name == "AT":            # ^ $ \b: zero-width, the run goes on
            if cur:
                runs.append("".join(cur))
            cur = []
            continue
        if cur:
            runs.append("".join(cur))
        cur = []
    if cur:
        runs.append("".join(cur))
    best = max(runs, key=len, default="")
    return best.lower() if len(best) >= 3 else ""


def _anchor(c: Condition) -> str:
    if c.field in _LOWER and c.op in _ANCHOR_OPS and c.value:
        return str(c.value).lower()
    if c.field in _LOWER and c.op == "regex":
        return regex_literal(str(c.value))
    return ""


# -- compiling a rule list -------------------------------------------------------------

@dataclass
class Compiled:
    rules: list[Rule]
    meta: pl.DataFrame        # ri, client_id, prio, match, rule_id
    conds: pl.DataFrame       # ri, ci, field, op, sval, lo, hi, want
    anchors: pl.DataFrame     # ri, ci, field, pattern, proven
    full: list[int]           # rules evaluated as whole-column expressions
    cache: dict = field(default_factory=dict, repr=False, compare=False)   # frames derived from the rules


def compile_rules(rules: list[Rule]) -> Compiled:
    rules = [r for r in rules if r.enabled]
    order = sorted(range(len(rules)), key=lambda i: (rules[i].client_id is None, rules[i].position, i))
    prio = {ri: p for p, ri in enumerate(order)}
    meta, conds, anchors, full = [], [], [], []
    for ri, r in enumerate(rules):
        meta.append((ri, r.client_id, prio[ri], r.match, r.id, len(r.conditions)))
        for ci, c in enumerate(r.conditions):
            sval = str(c.value).lower() if c.field in _LOWER and c.op != "present" else None
            want = c.value is not False if c.op == "present" else (c.value == "in" if c.field == "direction" else None)
            conds.append((ri, ci, c.field, c.op, sval, c.low, c.high, want, str(c.value) if c.op == "regex" else None))
        picks = [(ci, _anchor(c)) for ci, c in enumerate(r.conditions)]
        if r.match == "all":
            usable = [(ci, a) for ci, a in picks if a]
            if usable:
                ci, a = max(usable, key=lambda x: len(x[1]))
                anchors.append((ri, ci, r.conditions[ci].field, a, r.conditions[ci].op == "contains"))
            else:
                full.append(ri)
        else:
            if picks and all(a for _, a in picks):
                anchors.extend((ri, ci, r.conditions[ci].field, a, r.conditions[ci].op == "contains")
                               for ci, a in picks)
            else:
                full.append(ri)
    return Compiled(
        rules=rules,
        meta=pl.DataFrame(meta, schema={"ri": pl.Int32, "client_id": pl.Int64, "prio": pl.Int64,
                                        "match": pl.String, "rule_id": pl.Int64, "ncond": pl.Int32}, orient="row"),
        conds=pl.DataFrame(conds, schema={"ri": pl.Int32, "ci": pl.Int32, "field": pl.String, "op": pl.String,
                                          "sval": pl.String, "lo": pl.Int64, "hi": pl.Int64, "want": pl.Boolean,
                                          "regex": pl.String}, orient="row"),
        anchors=pl.DataFrame(anchors, schema={"ri": pl.Int32, "ci": pl.Int32, "field": pl.String,
                                              "pattern": pl.String, "proven": pl.Boolean}, orient="row"),
        full=full,
    )


# -- conditions as expressions ------------------------------------------------------

def condition_expr(c: Condition) -> pl.Expr:
    """One condition as a boolean expression over a ``prepare``d frame."""
    if c.field == "amount":
        a = pl.col("_amt")
        return {"equals": a == c.low, "lt": a < c.low, "gt": a > c.low,
                "between": (a >= c.low) & (a <= c.high)}[c.op]
    if c.field == "direction":
        return pl.col("amount") > 0 if c.value == "in" else pl.col("amount") < 0
    col = pl.col(_LOWER[c.field])
    if c.op == "present":
        return (col != "") if c.value is not False else (col == "")
    if c.op == "regex":
        return pl.col(_ORIG[c.field]).fill_null("").str.contains("(?i)" + str(c.value))
    v = str(c.value).lower()
    expr = {"contains": col.str.contains(v, literal=True), "not_contains": ~col.str.contains(v, literal=True),
            "equals": col == v, "starts_with": col.str.starts_with(v), "ends_with": col.str.ends_with(v)}[c.op]
    if c.field == "account" and c.op == "equals":
        expr = expr | (pl.col("_acct_id") == str(c.value).strip())
    return expr


def rule_expr(r: Rule) -> pl.Expr:
    exprs = [condition_expr(c) for c in r.conditions]
    if not exprs:
        return pl.lit(True)
    return pl.all_horizontal(exprs) if r.match == "all" else pl.any_horizontal(exprs)


def _verify(triples: pl.DataFrame, frame: pl.DataFrame) -> pl.Series:
    """Evaluate (row, rule, condition) triples against the prepared frame; returns
    a boolean Series aligned with ``triples``. Triples are grouped by (operator,
    field) and each group gathers only the one column it needs by row position,
    so every group is one vectorised expression over a narrow frame."""
    ok = pl.Series("ok", [False] * triples.height, dtype=pl.Boolean)
    if triples.height == 0:
        return ok
    t = triples.with_row_index("_t")
    parts = []
    for (op, fld), g in t.partition_by("op", "field", as_dict=True).items():
        rows = g["_row"]
        if fld in ("amount", "direction"):
            amt = frame["_amt"].gather(rows)
            raw = frame["amount"].gather(rows)
            lo, hi, want = g["lo"], g["hi"], g["want"]
            if fld == "direction":
                res = (raw > 0) & want | (raw < 0) & ~want
            elif op == "equals":
                res = amt == lo
            elif op == "lt":
                res = amt < lo
            elif op == "gt":
                res = amt > lo
            else:
                res = (amt >= lo) & (amt <= hi)
            parts.append(pl.DataFrame({"_t": g["_t"], "ok": res}))
            continue
        if op == "regex":
            text = frame[_ORIG[fld]].gather(rows).fill_null("")
            sub = pl.DataFrame({"_t": g["_t"], "_x": text, "regex": g["regex"]})
            for (pattern,), h in sub.partition_by("regex", as_dict=True).items():
                parts.append(h.select("_t", ok=pl.col("_x").str.contains("(?i)" + pattern)))
            continue
        sub = pl.DataFrame({"_t": g["_t"], "_x": frame[_LOWER[fld]].gather(rows), "_s": g["sval"],
                            "_w": g["want"]})
        x, v = pl.col("_x"), pl.col("_s")
        expr = {"contains": x.str.contains(v, literal=True), "not_contains": ~x.str.contains(v, literal=True),
                "starts_with": x.str.starts_with(v), "ends_with": x.str.ends_with(v),
                "present": (x != "") == pl.col("_w"), "equals": x == v}[op]
        if fld == "account" and op == "equals":
            sub = sub.with_columns(_id=frame["_acct_id"].gather(rows))
            expr = expr | (pl.col("_id") == v)
        parts.append(sub.select("_t", ok=expr.fill_null(False)))
    res = pl.concat(parts).sort("_t")
    return res["ok"].fill_null(False)


def first_matches(txns: pl.DataFrame, rules: list[Rule] | Compiled, *, first: bool = True
                  ) -> tuple[pl.DataFrame, Compiled]:
    """For each row of ``txns`` the first rule that matches: frame ``id``, ``ri``
    (index into ``compiled.rules``), ``ci`` (the condition that fired, -1 for
    ``all``). Rows no rule matches are absent. With ``first=False`` every
    matching (row, rule) pair is returned (for previews and shadow checks)."""
    comp = rules if isinstance(rules, Compiled) else compile_rules(rules)
    empty = pl.DataFrame(schema=WINNER_SCHEMA)
    if txns.height == 0 or not comp.rules:
        return empty, comp
    frame = txns if "_d" in txns.columns else prepare(txns)
    frame = frame.with_columns(_row=pl.int_range(pl.len(), dtype=pl.UInt32))
    clients = frame["client_id"].unique().to_list()
    meta = comp.meta.filter(pl.col("client_id").is_null() | pl.col("client_id").is_in(clients))
    live = meta["ri"]
    scope_of = meta.select("ri", pl.col("client_id").alias("_scope"), "match", "prio", "ncond")
    # 1. anchors: one Aho-Corasick pass per text field -> candidate (row, rule) pairs
    hits = []
    anchors = comp.anchors.filter(pl.col("ri").is_in(live.implode()))
    for (fld,), group in anchors.partition_by("field", as_dict=True).items():
        patterns = group["pattern"].unique().sort().to_list()
        col = _LOWER[fld]
        found = (frame.lazy().select("_row", "client_id", col).filter(pl.col(col) != "")
                 .select("_row", "client_id", pl.col(col).str.extract_many(patterns, overlapping=True)
                         .alias("pattern"))
                 .explode("pattern").drop_nulls("pattern").collect())
        hits.append(found.join(group, on="pattern").select("_row", "client_id", "ri", "ci", "proven"))
    pairs = (pl.concat(hits) if hits else pl.DataFrame(schema={"_row": pl.UInt32, "client_id": pl.Int64,
                                                                "ri": pl.Int32, "ci": pl.Int32,
                                                                "proven": pl.Boolean}))
    lazy = pairs.lazy().join(scope_of.lazy(), on="ri").filter(
        pl.col("_scope").is_null() | (pl.col("_scope") == pl.col("client_id"))).drop("_scope")
    if first:
        # a pair proven by its anchor alone (a one-condition contains rule, or an any-rule's
        # contains) bounds the row: rules after it need no verification there
        direct = pl.col("proven") & ((pl.col("match") == "any") | (pl.col("ncond") == 1))
        bound = pl.when(direct).then(pl.col("prio")).min().over("_row")
        lazy = lazy.filter(bound.is_null() | (pl.col("prio") <= bound))
    pairs = lazy.collect()
    winners = []
    conds = comp.conds
    # any-rules: a proven anchor is a match; other anchors verify only their own condition
    any_pairs = pairs.filter(pl.col("match") == "any")
    winners.append(any_pairs.filter("proven").select("_row", "ri", "ci"))
    to_check = any_pairs.filter(~pl.col("proven")).select("_row", "ri", "ci").join(conds, on=["ri", "ci"])
    if to_check.height:
        winners.append(to_check.filter(_verify(to_check, frame)).select("_row", "ri", "ci"))
    # all-rules: verify every condition but a proven anchor
    all_pairs = pairs.filter(pl.col("match") == "all").select(
        "_row", "ri", pl.when(pl.col("proven")).then(pl.col("ci")).otherwise(-1).alias("_skip"))
    # (a pattern found twice in one text gives the same pair twice: harmless, the checks are per pair)
    if all_pairs.height:
        t = all_pairs.join(conds, on="ri").filter(pl.col("ci") != pl.col("_skip"))
        if t.height:
            failed = t.filter(~_verify(t, frame)).select("_row", "ri")
            ok_pairs = all_pairs.join(failed, on=["_row", "ri"], how="anti")
        else:
            ok_pairs = all_pairs
        winners.append(ok_pairs.select("_row", "ri", pl.lit(-1, dtype=pl.Int32).alias("ci")))
    # 3. rules without an anchor: whole-column expressions
    live_set = set(live.to_list())
    for ri in [ri for ri in comp.full if ri in live_set]:
        r = comp.rules[ri]
        expr = rule_expr(r)
        if r.client_id is not None:
            expr = expr & (pl.col("client_id") == r.client_id)
        if r.match == "any":
            fired = pl.coalesce(*(pl.when(condition_expr(c)).then(pl.lit(ci, dtype=pl.Int32))
                                  for ci, c in enumerate(r.conditions)))
        else:
            fired = pl.lit(-1, dtype=pl.Int32)
        winners.append(frame.filter(expr).select("_row", pl.lit(ri, dtype=pl.Int32).alias("ri"), fired.alias("ci")))
    allw = pl.concat([w.cast({"_row": pl.UInt32, "ri": pl.Int32, "ci": pl.Int32}) for w in winners])
    if allw.height == 0:
        return empty, comp
    ids = frame["id"]
    if not first:
        out = allw.unique(["_row", "ri"])
        return out.select(ids.gather(out["_row"]).alias("id"), "ri", "ci").sort("id", "ri"), comp
    # 4. first match wins: the lowest (priority, condition) per row, as one integer key
    prio = comp.meta.select("ri", "prio")
    best = (allw.join(prio, on="ri")
            .group_by("_row").agg(_k=(pl.col("prio") * 4096 + pl.col("ci") + 1).min()))
    by_prio = comp.meta.select(pl.col("prio"), pl.col("ri"))
    best = best.with_columns(prio=pl.col("_k") // 4096, ci=(pl.col("_k") % 4096 - 1).cast(pl.Int32)) \
        .join(by_prio, on="prio")
    return best.select(ids.gather(best["_row"]).alias("id"), "ri", "ci").cast(WINNER_SCHEMA).sort("id"), comp


# -- actions -----------------------------------------------------------------------

_POW10 = pl.lit(10, dtype=pl.Int64)


def _round_div(x: pl.Expr, d: int) -> pl.Expr:
    """Non-negative x / d rounded half to even, in integers."""
    q, r = x // d, x % d
    up = (2 * r > d) | ((2 * r == d) & (q % 2 == 1))
    return q + up.cast(pl.Int64)


def split_lines(winners: pl.DataFrame, comp: Compiled) -> pl.DataFrame:
    """Split lines of the winners whose rule splits: ``id``, ``splits`` (JSON
    text), ``split_error``. ``winners`` needs id, ri, amount, exponent.

    Integer arithmetic in minor units: a percentage line is the magnitude times
    the percentage rounded half to even, with the transaction's sign; a fixed
    line is its amount (unsigned: with the transaction's sign); the last line is
    the amount minus all the others, so the lines always sum to the amount."""
    schema = {"id": pl.Int64, "splits": pl.String, "split_error": pl.String}
    lf = comp.cache.get("split_lines")
    if lf is None:
        lf = comp.cache["split_lines"] = _split_table(comp)
    if lf.height == 0:
        return pl.DataFrame(schema=schema)
    x = winners.select("id", "ri", "amount", "exponent").join(lf, on="ri")
    return _split_text(x, schema)


def _split_table(comp: Compiled) -> pl.DataFrame:
    lines = []
    for ri, r in enumerate(comp.rules):
        n = len(r.actions.split)
        for no, s in enumerate(r.actions.split):
            pct = int(s.percent.scaleb(PERCENT_SCALE)) if s.percent is not None else None
            fixed = int(s.amount.scaleb(AMOUNT_SCALE)) if s.amount is not None else None
            lines.append((ri, no, no == n - 1, s.account, pct, fixed, s.signed, s.memo, s.class_,
                          json.dumps(s.account), json.dumps(s.memo), json.dumps(s.class_)))
    return pl.DataFrame(lines, orient="row", schema={"ri": pl.Int32, "no": pl.Int32, "last": pl.Boolean,
                                                     "account": pl.String, "pct": pl.Int64, "fixed": pl.Int64,
                                                     "signed": pl.Boolean, "memo": pl.String, "class": pl.String,
                                                     "_ja": pl.String, "_jm": pl.String, "_jc": pl.String})


def _split_text(x: pl.DataFrame, schema: dict) -> pl.DataFrame:
    if x.height == 0:
        return pl.DataFrame(schema=schema)
    mag = pl.col("amount").abs()
    sign = pl.when(pl.col("amount") < 0).then(-1).otherwise(1)
    fixed_div = _POW10.pow(AMOUNT_SCALE - pl.col("exponent"))
    fixed_units = pl.col("fixed") // fixed_div          # exact when the check below passes
    x = x.with_columns(
        _v=pl.when(pl.col("pct").is_not_null()).then(sign * _round_div(mag * pl.col("pct"), 100 * 10 ** PERCENT_SCALE))
        .when(pl.col("fixed").is_not_null() & pl.col("signed")).then(fixed_units)
        .when(pl.col("fixed").is_not_null()).then(sign * fixed_units)
        .otherwise(0),
        _bad_fixed=pl.col("fixed").is_not_null() & (pl.col("fixed") % fixed_div != 0) & ~pl.col("last"),
    )
    x = x.with_columns(_others=pl.when(pl.col("last")).then(0).otherwise(pl.col("_v")).sum().over("id"),
                       _any_signed=pl.col("signed").any().over("id"))
    x = x.with_columns(line_amount=pl.when(pl.col("last")).then(pl.col("amount") - pl.col("_others"))
                       .otherwise(pl.col("_v")))
    errors = x.group_by("id").agg(
        _neg=(pl.col("last") & ~pl.col("_any_signed") & (pl.col("line_amount") * sign < 0)).any(),
        _bad=pl.col("_bad_fixed").any())
    # the JSON text of the lines, exactly as ``json.dumps(lines, sort_keys=True)`` writes it
    # (the texts are escaped once per rule line, the amounts are integers)
    line = pl.concat_str([pl.lit('{"account": '), pl.col("_ja"), pl.lit(', "amount": '),
                          pl.col("line_amount").cast(pl.String), pl.lit(', "class": '), pl.col("_jc"),
                          pl.lit(', "memo": '), pl.col("_jm"), pl.lit("}")])
    agg = (x.sort("id", "no")
           .group_by("id", maintain_order=True)
           .agg(line.str.join(", ").alias("_lines")))
    agg = agg.with_columns(splits=pl.lit("[") + pl.col("_lines") + pl.lit("]")).drop("_lines")
    agg = agg.join(errors, on="id").with_columns(
        split_error=pl.when(pl.col("_bad")).then(pl.lit("a fixed split amount has more decimals than the currency"))
        .when(pl.col("_neg")).then(pl.lit("the split's fixed amounts are more than the transaction"))
        .otherwise(None))
    return agg.select("id", "splits", "split_error")


def apply_actions(txns: pl.DataFrame, winners: pl.DataFrame, comp: Compiled,
                  accounts: pl.DataFrame | None = None) -> pl.DataFrame:
    """Codings from rule winners: id, rule_id, rule_ri, payee, account, class_,
    memo, splits (JSON text), transfer_to (account id), error, explanation,
    codes_account. ``accounts`` (client_id, account_id, name) resolves transfers."""
    if "acts" not in comp.cache:
        comp.cache["acts"], comp.cache["why"] = _action_tables(comp)
    acts, why = comp.cache["acts"], comp.cache["why"]
    base = (winners.join(txns.select("id", "client_id", "account_id", "amount", "exponent"), on="id")
            .join(acts, on="ri").join(why, on=["ri", "ci"], how="left"))
    return _coded(base, comp, accounts)


def _action_tables(comp: Compiled) -> tuple[pl.DataFrame, pl.DataFrame]:
    acts = pl.DataFrame(
        [(ri, r.id, r.actions.payee, r.actions.account or (r.actions.split[0].account if r.actions.split else ""),
          r.actions.class_, r.actions.memo, r.actions.transfer_to, r.actions.codes_account, r.name,
          "firm" if r.client_id is None else r.scope) for ri, r in enumerate(comp.rules)],
        schema={"ri": pl.Int32, "rule_id": pl.Int64, "payee": pl.String, "account": pl.String, "class_": pl.String,
                "memo": pl.String, "_transfer": pl.String, "codes_account": pl.Boolean, "_name": pl.String,
                "_scope": pl.String}, orient="row")
    why = pl.DataFrame(
        [(ri, ci, desc) for ri, r in enumerate(comp.rules)
         for ci, desc in [(-1, r.describe())] + [(i, c.describe()) for i, c in enumerate(r.conditions)]],
        schema={"ri": pl.Int32, "ci": pl.Int32, "_why": pl.String}, orient="row")
    return acts, why


def _coded(base: pl.DataFrame, comp: Compiled, accounts: pl.DataFrame | None) -> pl.DataFrame:
    splits = split_lines(base, comp)
    base = base.join(splits, on="id", how="left")
    if accounts is None or accounts.height == 0:
        accounts = pl.DataFrame(schema={"client_id": pl.Int64, "account_id": pl.Int64, "name": pl.String})
    names = pl.concat([
        accounts.select("client_id", pl.col("name").str.to_lowercase().alias("_key"), pl.col("account_id").alias("transfer_to"),
                        pl.col("name").alias("_tname")),
        accounts.select("client_id", pl.col("account_id").cast(pl.String).alias("_key"),
                        pl.col("account_id").alias("transfer_to"), pl.col("name").alias("_tname")),
    ]).unique(["client_id", "_key"], keep="first")
    base = base.with_columns(_key=pl.col("_transfer").str.to_lowercase().str.strip_chars())
    base = base.join(names, on=["client_id", "_key"], how="left")
    has_t = pl.col("_transfer") != ""
    error = (pl.when(has_t & pl.col("transfer_to").is_null())
             .then(pl.format("the client has no account '{}' to transfer to", pl.col("_transfer")))
             .when(has_t & (pl.col("transfer_to") == pl.col("account_id")))
             .then(pl.lit("a transfer to the same account"))
             .otherwise(pl.col("split_error")))
    label = pl.format("rule '{}' ({})", pl.col("_name"), pl.col("_scope"))
    return base.select(
        "id", "rule_id", pl.col("ri").alias("rule_ri"), "payee",
        pl.when(has_t & pl.col("_tname").is_not_null()).then(pl.col("_tname")).otherwise(pl.col("account")).alias("account"),
        "class_", "memo", "splits", pl.when(has_t).then(pl.col("transfer_to")).alias("transfer_to"),
        error.alias("error"), "codes_account",
        pl.format("{}: {}", label, pl.col("_why")).alias("explanation"),
    )

