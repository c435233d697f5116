"""Scenario files: input transactions, rules, register -> expected state and coding per row."""

from __future__ import annotations

import pytest
import yaml

from .conftest import SCENARIOS


def check(world, expect: dict, where: str) -> None:
    for key, want in (expect or {}).items():
        row = world.row(key)
        ctx = f"{where}: {key} = {row}"
        for field, value in want.items():
            if field == "state":
                assert row["state"] == value, ctx
            elif field in ("account", "payee", "class", "memo"):
                assert row[field] == value, ctx
            elif field == "rule":
                assert (row["rule"] or {}).get("name") == value, ctx
            elif field == "splits":
                got = [[s["account"], s["amount"]] for s in row["splits"] or []]
                assert got == [[a, str(m)] for a, m in value], ctx
                total = sum(__import__("decimal").Decimal(s["amount"]) for s in row["splits"])
                assert str(total) == row["amount"], ctx
            elif field == "transfer_to":
                acc = world.accounts[(world.client_of(want), value)]
                assert row["transfer_to"] == acc.id, ctx
            elif field == "match":
                if value is None:
                    assert row["match"] is None, ctx
                else:
                    assert row["match"] and row["match"]["register_id"] == world.entry_id(value), ctx
            elif field == "date_diff":
                assert row["match"]["date_diff"] == value, ctx
            elif field == "keys":
                assert sorted(row["match"]["keys"]) == sorted(value), ctx
            elif field == "explains":
                for part in ([value] if isinstance(value, str) else value):
                    assert part in row["explanation"], ctx
            elif field == "suggests":
                assert value in [s["account"] for s in row["suggestions"]], ctx
            elif field == "client":
                pass
            else:
                raise AssertionError(f"unknown expectation {field}")


def run_step(world, step: dict) -> None:
    s = world.s
    if "rules" in step:
        world.rules(step["rules"])
    if "register" in step:
        world.register(step["register"])
    if "bank" in step:
        world.bank(step["bank"])
    if "code" in step:
        c = step["code"]
        s.code(world.client_of(c), world.txn[c["txn"]], c.get("account"), c.get("payee"),
               remember=c.get("remember", True), splits=c.get("splits"), transfer_to=c.get("transfer_to"))
    if "edit" in step:
        e = step["edit"]
        s.edit(world.client_of(e), world.txn[e["txn"]], description=e.get("description"), payee=e.get("payee"),
               remember=e.get("remember", True))
    if "approve" in step:
        a = step["approve"]
        s.approve(world.client_of(a), a.get("states", ("red", "blue")), world.ids(a["ids"]) if "ids" in a else None)
    if "exclude" in step:
        e = step["exclude"]
        s.exclude(world.client_of(e), world.ids(e["ids"]))
    if "window" in step:
        w = step["window"]
        s.set_match_window(world.client_of(w), w["account"], w["days"])
    if "undo" in step:
        s.undo_last(step["undo"].get("client", world.default))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario(path, world_factory):
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    world = world_factory(spec)
    run_step(world, spec)
    check(world, spec.get("expect"), "initial")
    if "counts" in spec:
        for cname, counts in spec["counts"].items():
            got = world.s.review(cname)["counts"]
            assert {k: got[k] for k in counts} == counts
    for i, step in enumerate(spec.get("steps", []), 1):
        run_step(world, step)
        check(world, step.get("expect"), f"step {i}")
        for cname, counts in (step.get("counts") or {}).items():
            got = world.s.review(cname)["counts"]
            assert {k: got[k] for k in counts} == counts, f"step {i}: {got}"
