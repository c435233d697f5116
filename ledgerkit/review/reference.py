"""The rules, one transaction at a time: the executable specification.

``first_match_row`` decides for one transaction which rule wins by looping over
the rules in order, the obvious way. It is far too slow for batches (the
engine in ``evaluate`` is vectorised) but easy to read; the tests check that
both agree on random data, and the benchmark measures one against the other.
"""

from __future__ import annotations

import re

from .rules import AMOUNT_SCALE, Condition, Rule

_FIELD = {"description": "description", "payee": "payee", "memo": "memo", "account": "account_name",
          "check_number": "check_number"}


def condition_holds(c: Condition, row: dict) -> bool:
    if c.field == "amount":
        amt = row["amount"] * 10 ** (AMOUNT_SCALE - row["exponent"])
        if c.op == "equals":
            return amt == c.low
        if c.op == "lt":
            return amt < c.low
        if c.op == "gt":
            return amt > c.low
        return c.low <= amt <= c.high
    if c.field == "direction":
        return row["amount"] > 0 if c.value == "in" else row["amount"] < 0
    text = row[_FIELD[c.field]] or ""
    low = text.lower()
    if c.op == "present":
        return (low != "") == (c.value is not False)
    if c.op == "regex":
        return re.search(str(c.value), text, re.IGNORECASE) is not None
    v = str(c.value).lower()
    if c.op == "contains":
        return v in low
    if c.op == "not_contains":
        return v not in low
    if c.op == "starts_with":
        return low.startswith(v)
    if c.op == "ends_with":
        return low.endswith(v)
    if c.op == "equals":
        return low == v or (c.field == "account" and str(row["account_id"]) == str(c.value).strip())
    raise ValueError(c.op)


def rule_holds(r: Rule, row: dict) -> bool:
    if r.match == "all":
        return all(condition_holds(c, row) for c in r.conditions)
    return any(condition_holds(c, row) for c in r.conditions)


def ordered(rules: list[Rule], client_id: int) -> list[Rule]:
    """The rules that apply to a client, in the order they are tried."""
    own = [r for r in rules if r.enabled and r.client_id == client_id]
    firm = [r for r in rules if r.enabled and r.client_id is None]
    return sorted(own, key=lambda r: r.position) + sorted(firm, key=lambda r: r.position)


def first_match_row(rules_in_order: list[Rule], row: dict) -> Rule | None:
    for r in rules_in_order:
        if rule_holds(r, row):
            return r
    return None
