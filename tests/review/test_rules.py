"""Rules as data (YAML), the vectorised engine against the per-row reference, shadowing."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledgerkit.errors import Invalid
from ledgerkit.review.evaluate import first_matches, regex_literal
from ledgerkit.review.preview import shadows
from ledgerkit.review.reference import first_match_row, ordered, rule_holds
from ledgerkit.review.rules import dump_yaml, load_yaml, parse_rules

ISSUE_EXAMPLE = """
rules:
  - name: Coffee shops
    scope: firm            # or a client id/name
    when:
      all:
        - {field: description, op: contains, value: STARBUCKS}
        - {field: amount, op: lt, value: "0"}
    then:
      payee: Starbucks
      account: Meals and Entertainment
  - name: Rent split
    scope: Acme Dental
    when:
      any:
        - {field: payee, op: equals, value: Parkway Properties}
    then:
      account: Rent
      split:
        - {account: Rent, percent: "80"}
        - {account: Storage, percent: "20"}
"""


def scope(text):
    return (None, "firm") if text == "firm" else (7, text)


def test_issue_example_round_trips():
    rules = parse_rules(load_yaml(ISSUE_EXAMPLE), scope)
    assert [r.name for r in rules] == ["Coffee shops", "Rent split"]
    assert rules[0].client_id is None and rules[1].client_id == 7
    assert rules[1].actions.split[0].percent == Decimal("80")
    again = parse_rules(load_yaml(dump_yaml(rules)), scope)
    assert again == rules


def test_yaml_numbers_are_exact_decimals():
    rules = parse_rules(load_yaml("""
rules:
  - name: x
    when: {all: [{field: amount, op: between, value: [0.1, 0.3]}]}
    then: {account: A}
"""), scope)
    assert rules[0].conditions[0].value == (Decimal("0.1"), Decimal("0.3"))


@pytest.mark.parametrize("cond, message", [
    ({"field": "colour", "op": "contains", "value": "x"}, "field must be one of"),
    ({"field": "description", "op": "like", "value": "x"}, "op must be one of"),
    ({"field": "description", "op": "regex", "value": "("}, "invalid regular expression"),
    ({"field": "description", "op": "lt", "value": "3"}, "compares amounts"),
    ({"field": "amount", "op": "contains", "value": "3"}, "amount takes op"),
    ({"field": "amount", "op": "between", "value": ["5", "1"]}, "low is above high"),
    ({"field": "direction", "op": "equals", "value": "sideways"}, "'in' or 'out'"),
    ({"field": "amount", "op": "lt", "value": "1.000001"}, "more than 4 decimals"),
])
def test_invalid_conditions_are_reported(cond, message):
    with pytest.raises(Invalid, match=message):
        parse_rules([{"name": "bad", "when": {"all": [cond]}, "then": {"account": "A"}}], scope)


def test_every_problem_is_listed_at_once():
    with pytest.raises(Invalid) as e:
        parse_rules([{"name": "a", "then": {}},
                     {"name": "b", "then": {"split": [{"account": "X", "percent": 60}, {"account": "Y", "percent": 30}]}}],
                    scope)
    assert "rule 1" in str(e.value) and "rule 2" in str(e.value) and "not 100" in str(e.value)


def test_regex_literals():
    assert regex_literal("^PACIFIC COAST GAS") == "pacific coast gas"
    assert regex_literal("(SERVICE|MAINTENANCE) FEE") == " fee"
    assert regex_literal("^(SHELL OIL|CHEVRON) \\d+") == ""
    assert regex_literal("a|b") == ""
    assert regex_literal("AMZN\\.COM/BILL") == "amzn.com/bill"


def test_static_shadowing():
    rules = parse_rules([
        {"name": "all amazon", "when": {"all": [{"field": "description", "op": "contains", "value": "AMAZON"}]},
         "then": {"account": "A"}},
        {"name": "aws", "when": {"all": [{"field": "description", "op": "contains", "value": "amazon web"},
                                         {"field": "amount", "op": "lt", "value": "-5"}]},
         "then": {"account": "B"}},
        {"name": "small", "when": {"all": [{"field": "amount", "op": "lt", "value": "-100"}]}, "then": {"account": "C"}},
        {"name": "smaller", "when": {"all": [{"field": "amount", "op": "between", "value": ["-500", "-200"]}]},
         "then": {"account": "D"}},
    ], scope)
    assert shadows(rules[0], rules[1])
    assert not shadows(rules[1], rules[0])
    assert shadows(rules[2], rules[3]) and not shadows(rules[3], rules[2])


# -- the vectorised engine agrees with the obvious loop --------------------------------------

WORDS = ["shell", "oil", "coffee", "blue", "bottle", "amazon", "mktp", "rent", "check", "fee", "Café", "x"]
texts = st.lists(st.sampled_from(WORDS), min_size=0, max_size=4).map(" ".join)


def cond_strategy():
    text_cond = st.builds(
        lambda f, op, v: {"field": f, "op": op, "value": v},
        st.sampled_from(["description", "payee", "memo", "check_number"]),
        st.sampled_from(["contains", "not_contains", "equals", "starts_with", "ends_with"]),
        st.sampled_from([*WORDS, "shell oil", "blue bottle"]))
    regex = st.sampled_from(["^shell", "coffee$", "bl.e", "(rent|fee)", "amazon\\s+mktp"]).map(
        lambda r: {"field": "description", "op": "regex", "value": r})
    amount = st.one_of(
        st.builds(lambda op, v: {"field": "amount", "op": op, "value": str(v)},
                  st.sampled_from(["lt", "gt", "equals"]), st.integers(-50, 50)),
        st.builds(lambda a, b: {"field": "amount", "op": "between", "value": [str(min(a, b)), str(max(a, b))]},
                  st.integers(-50, 50), st.integers(-50, 50)))
    other = st.one_of(st.sampled_from([{"field": "direction", "op": "equals", "value": "in"},
                                       {"field": "direction", "op": "equals", "value": "out"},
                                       {"field": "check_number", "op": "present"},
                                       {"field": "memo", "op": "present", "value": False},
                                       {"field": "account", "op": "equals", "value": "savings"}]))
    return st.one_of(text_cond, text_cond, regex, amount, other)


rule_strategy = st.builds(
    lambda i, match, conds, client: {"name": f"r{i}", "scope": "firm" if client is None else f"c{client}",
                                     "when": {match: conds}, "then": {"account": f"acc{i}"}},
    st.integers(0, 10**6), st.sampled_from(["all", "any"]), st.lists(cond_strategy(), min_size=1, max_size=3),
    st.sampled_from([None, 1, 2]))

row_strategy = st.fixed_dictionaries({
    "client_id": st.sampled_from([1, 2]), "account_name": st.sampled_from(["Checking", "Savings"]),
    "amount": st.integers(-6000, 6000), "description": texts, "payee": texts, "memo": texts,
    "check_number": st.sampled_from(["", "1043", "x"])})


@settings(max_examples=60, deadline=None)
@given(st.lists(rule_strategy, min_size=1, max_size=8), st.lists(row_strategy, min_size=1, max_size=30))
def test_vectorised_engine_equals_reference(raw_rules, rows):
    for i, r in enumerate(raw_rules):
        r["name"] = f"r{i}"
    rules = parse_rules(raw_rules, lambda s: (None, "firm") if s == "firm" else (int(s[1:]), s))
    rules = [r.with_(position=i) for i, r in enumerate(rules)]
    frame = pl.DataFrame([{**r, "id": i + 1, "account_id": 1 if r["account_name"] == "Checking" else 2,
                           "exponent": 2} for i, r in enumerate(rows)]).cast(
        {"id": pl.Int64, "client_id": pl.Int64, "account_id": pl.Int64, "exponent": pl.Int32, "amount": pl.Int64})
    winners, comp = first_matches(frame, rules)
    got = {i: comp.rules[ri].name for i, ri in zip(winners["id"].to_list(), winners["ri"].to_list(), strict=True)}
    for row in frame.to_dicts():
        want = first_match_row(ordered(rules, row["client_id"]), row)
        assert got.get(row["id"]) == (want.name if want else None), (row, got.get(row["id"]))
    every, _ = first_matches(frame, rules, first=False)
    for row in frame.to_dicts():
        want = {r.name for r in ordered(rules, row["client_id"]) if rule_holds(r, row)}
        assert {comp.rules[ri].name for ri in every.filter(pl.col("id") == row["id"])["ri"].to_list()} == want

