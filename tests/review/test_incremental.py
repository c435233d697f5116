"""The engine evaluates only what a change can affect, and gets the same answer as
evaluating the whole client: an import evaluates its own rows (and the rows that
compete with them for a register entry), an edit or a coding re-evaluates the
transaction and its payee's other open rows, a rule change or register import
re-evaluates every open row; rows nothing touched keep their version."""

from __future__ import annotations

import json
import random

import polars as pl
import pytest
import sqlalchemy as sa

from ledgerkit.review import engine
from ledgerkit.store import review_tables as rt
from ledgerkit.store import schema

from .conftest import iif_text

C = schema.codings


def bank(session, client, rows, account="Checking", name=None):
    acc = session.account(client, account)
    data = json.dumps({"rows": rows}).encode()
    fname = name or f"b{rows[0]['key']}-{len(rows)}.scenario"
    res = session.import_bytes(client, fname, data, account=acc.id)
    assert res.status.value == "imported", res
    got = session.transactions_frame(client, acc.id)
    return {r["key"]: got.filter(pl.col("identity") == f"F:{r['key']}")["id"].item() for r in rows}


def codings(session) -> dict[int, dict]:
    with session.store.connect() as conn:
        return {r.transaction_id: r._asdict() for r in conn.execute(sa.select(C))}


def versions(session) -> dict[int, int]:
    return {k: v["version"] for k, v in codings(session).items()}


def register(session, client, tmp_path, entries):
    p = tmp_path / f"books{len(list(tmp_path.glob('books*.iif')))}.iif"
    p.write_text(iif_text(entries), encoding="cp1252")
    return session.import_register(client, p)


def row(key, date, amount, desc, **extra):
    return {"key": key, "date": date, "amount": amount, "description": desc, **extra}


@pytest.fixture
def acme(session, client):
    session.add_account(client, "Checking")
    return client


def test_coding_reevaluates_the_payees_rows_only(session, acme):
    ids = bank(session, acme, [
        row("a1", "2024-01-02", "-4.50", "SQ *BLUE BOTTLE COFFEE 0423 OAKLAND CA"),
        row("a2", "2024-01-09", "-5.25", "SQ *BLUE BOTTLE COFFEE 0517 BERKELEY CA"),
        row("a3", "2024-01-16", "-6.00", "SQ *BLUE BOTTLE COFFEE 0611 OAKLAND CA"),
        row("b1", "2024-01-03", "-80.00", "PAPER CO 4410"),
        row("b2", "2024-01-10", "-12.00", "PAPER CO 5521")])
    before = versions(session)
    assert set(before.values()) == {1}
    session.code(acme, ids["a1"], "Meals", "Blue Bottle")
    after = versions(session)
    got = {k: r["state"] for k, r in codings(session).items()}
    assert got[ids["a2"]] == got[ids["a3"]] == "red"          # the remembered payee codes its other rows
    assert after[ids["a2"]] == after[ids["a3"]] == 2
    assert after[ids["b1"]] == after[ids["b2"]] == 1           # another payee: untouched
    # a description edit re-derives that row alone
    session.edit(acme, ids["b1"], description="PAPER CO 4410 TONER")
    again = versions(session)
    assert again[ids["b1"]] == 2 and again[ids["b2"]] == 1
    assert {k: again[k] for k in (ids["a1"], ids["a2"], ids["a3"])} == {
        k: after[k] for k in (ids["a1"], ids["a2"], ids["a3"])}


def test_import_evaluates_its_own_rows(session, acme):
    first = bank(session, acme, [row("x1", "2024-02-01", "-10.00", "MYSTERY 1"),
                                 row("x2", "2024-02-02", "-11.00", "MYSTERY 2")])
    before = versions(session)
    calls = []
    real = engine.run

    def spy(store, conn, client_id, scope, **kw):
        calls.append(scope)
        return real(store, conn, client_id, scope, **kw)

    engine.run = spy
    try:
        second = bank(session, acme, [row("y1", "2024-03-01", "-10.00", "MYSTERY 3")])
    finally:
        engine.run = real
    assert len(calls) == 1 and calls[0].new is not None and calls[0].new["id"].to_list() == [second["y1"]]
    after = versions(session)
    assert all(after[i] == before[i] for i in first.values())
    assert after[second["y1"]] == 1 and codings(session)[second["y1"]]["state"] == "gold"


def test_rule_change_and_register_import_reevaluate_open_rows(session, acme, tmp_path):
    ids = bank(session, acme, [row("r1", "2024-01-05", "-1500.00", "PARKWAY PROPERTIES RENT"),
                               row("r2", "2024-01-06", "-75.00", "ACME SUPPLY 12"),
                               row("r3", "2024-01-07", "-9.00", "OTHER 1")])
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - name: Rent\n    scope: firm\n    when: {all: [{field: description, op: contains, "
                     "value: PARKWAY}]}\n    then: {account: Rent}\n")
    session.import_rules(rules)
    got = codings(session)
    assert got[ids["r1"]]["state"] == "red" and got[ids["r1"]]["version"] == 2
    assert got[ids["r3"]]["version"] == 1
    res = register(session, acme, tmp_path, [{"account": "Checking", "date": "2024-01-06", "amount": "-75.00",
                                              "payee": "Acme Supply", "category": "Supplies"}])
    assert res.added == 1
    got = codings(session)
    assert got[ids["r2"]]["state"] == "blue" and got[ids["r2"]]["account"] == "Supplies"
    assert got[ids["r3"]]["version"] == 1


def test_import_takes_the_whole_matching_class(session, acme, tmp_path):
    """A new bank row that is a better match for a register entry than an open row that
    holds it: the import evaluates both, exactly as a whole-client evaluation would."""
    register(session, acme, tmp_path, [{"account": "Checking", "date": "2024-04-10", "amount": "-42.00",
                                        "payee": "Hardware", "category": "Repairs"}])
    old = bank(session, acme, [row("h1", "2024-04-14", "-42.00", "HARDWARE STORE 1")])
    assert codings(session)[old["h1"]]["state"] == "blue"
    new = bank(session, acme, [row("h2", "2024-04-10", "-42.00", "HARDWARE STORE 2")])
    got = codings(session)
    assert got[new["h2"]]["state"] == "blue" and got[old["h1"]]["state"] == "gold"
    before = versions(session)
    session.evaluate(acme, refresh_suggestions=False)
    assert versions(session) == before


def test_undo_restores_the_match_shown(session, acme, tmp_path):
    register(session, acme, tmp_path, [
        {"account": "Checking", "date": "2024-05-01", "amount": "-20.00", "payee": "Alpha Foods", "category": "Meals"},
        {"account": "Checking", "date": "2024-05-01", "amount": "-20.00", "payee": "Beta Fuel", "category": "Fuel"}])
    ids = bank(session, acme, [row("m1", "2024-05-02", "-20.00", "ALPHA FOODS 77")])
    first = session.review(acme)["transactions"][0]
    assert first["state"] == "blue" and first["account"] == "Meals"
    edited = session.edit(acme, ids["m1"], description="BETA FUEL 77")
    assert edited["state"] == "blue" and edited["account"] == "Fuel"
    session.undo_last(acme)
    back = session.review(acme)["transactions"][0]
    assert back["account"] == "Meals" and back["match"]["register_id"] == first["match"]["register_id"]
    with session.store.connect() as conn:
        m = conn.execute(sa.select(rt.review_matches)).one()
    assert m.entry_id == first["match"]["register_id"]


def test_incremental_equals_whole_client(session, acme, tmp_path):
    """After any sequence of changes, evaluating the whole client changes nothing."""
    rng = random.Random(11)
    merchants = ["SQ *BLUE BOTTLE COFFEE", "PAPER CO", "SHELL OIL", "ACME SUPPLY", "CITY WATER", "CHECK",
                 "TRADER JOES", "ONLINE TRANSFER TO SAVINGS"]
    amounts = ["-4.50", "-12.00", "-40.00", "-75.00", "-100.00"]
    rows = [row(f"k{i}", f"2024-06-{1 + i % 27:02d}", rng.choice(amounts),
                f"{rng.choice(merchants)} {rng.randint(100, 999)}") for i in range(60)]
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - name: Fuel\n    scope: firm\n    when: {all: [{field: description, op: contains, "
                     "value: SHELL}]}\n    then: {account: Fuel}\n  - name: Payee only\n    scope: firm\n    when: "
                     "{all: [{field: description, op: contains, value: WATER}]}\n    then: {payee: City Water}\n")
    session.import_rules(rules)
    ids = bank(session, acme, rows[:40])
    register(session, acme, tmp_path, [
        {"account": "Checking", "date": f"2024-06-{1 + i % 27:02d}", "amount": rng.choice(amounts),
         "payee": rng.choice(["Paper Co", "Acme", "Blue Bottle"]), "category": rng.choice(["Office", "Meals"])}
        for i in range(15)])
    ids.update(bank(session, acme, rows[40:]))
    keys = sorted(ids)
    for _step in range(40):
        open_rows = {k: r for k, r in codings(session).items() if r["state"] in ("gold", "red", "blue")}
        tid = rng.choice(sorted(open_rows))
        op = rng.choice(["code", "code_nr", "edit", "rename", "approve", "exclude", "reopen", "undo"])
        state = open_rows[tid]["state"]
        try:
            if op == "code" and state != "blue":
                session.code(acme, tid, rng.choice(["Meals", "Office", "Fuel"]))
            elif op == "code_nr" and state != "blue":
                session.code(acme, tid, "Misc", remember=False)
            elif op == "edit":
                session.edit(acme, tid, description=f"{rng.choice(merchants)} {rng.randint(1, 99)}")
            elif op == "rename" and state != "blue":
                session.edit(acme, tid, payee=rng.choice(["Shell", "Paper Company", "Joe"]))
            elif op == "approve" and state != "gold":
                session.approve(acme, ids=[tid])
            elif op == "exclude":
                session.exclude(acme, [tid])
            elif op == "reopen":
                done = [k for k, r in codings(session).items() if r["state"] in ("approved", "excluded")]
                if done:
                    session.reopen(acme, [rng.choice(done)])
            elif op == "undo":
                session.undo_last(acme)
        except Exception as e:     # a refused change (e.g. nothing to undo) is fine here
            assert type(e).__name__ in ("Conflict", "NotFound", "Invalid"), e
        before = codings(session)
        session.evaluate(acme, refresh_suggestions=False)
        after = codings(session)
        changed = {k for k in after if after[k]["version"] != before.get(k, {}).get("version")}
        assert not changed, (op, tid, {k: (before.get(k), after[k]) for k in sorted(changed)[:3]})
    assert keys


def test_exported_rows_are_mirrored_for_the_next_import(session, acme, tmp_path):
    ids = bank(session, acme, [row("e1", "2024-07-01", "-33.00", "OFFICE DEPOT 1123")])
    session.code(acme, ids["e1"], "Office Supplies", remember=False)
    session.approve(acme, ids=[ids["e1"]])
    session.export(acme, "qbo", tmp_path / "out.qbo")
    assert codings(session)[ids["e1"]]["state"] == "exported"
    # the same payment again, from a file that numbers it differently
    again = bank(session, acme, [row("e2", "2024-07-02", "-33.00", "OFFICE DEPOT 1123")])
    got = session.review(acme, states=["blue"])["transactions"]
    assert [r["id"] for r in got] == [again["e2"]]
    assert "exported by ledgerkit" in got[0]["explanation"]


def test_imported_ids_are_read_back_when_not_one_block(session, acme):
    """The import hook hands over the inserted rows with their ids; when the database did not
    number them as one block after the previous maximum they are read back by identity."""
    from ledgerkit import ingest

    seen = {}
    real = ingest._with_ids

    def skewed(store, conn, rows, before):
        seen["fast"] = real(store, conn, rows, before)
        return real(store, conn, rows, before - 1)      # pretend another writer took an id

    ingest._with_ids = skewed
    try:
        ids = bank(session, acme, [row("f1", "2024-08-01", "-1.00", "ONE"), row("f2", "2024-08-02", "-2.00", "TWO")])
    finally:
        ingest._with_ids = real
    assert sorted(seen["fast"]["id"].to_list()) == sorted(ids.values())
    assert {r["state"] for r in codings(session).values()} == {"gold"}


def test_learn_suggestions_then_edits_use_the_model(session, acme):
    ids = bank(session, acme, [row("s1", "2024-09-01", "-349.00", "TOOTHSOFT CLOUD 8812"),
                               row("s2", "2024-09-02", "-20.00", "MYSTERY 77")])
    assert session.learn_suggestions(acme) is False           # nothing coded yet
    session.code(acme, ids["s1"], "Software", remember=False)
    assert session.learn_suggestions(acme) is True
    edited = session.edit(acme, ids["s2"], description="TOOTHSOFT CLOUD 9912")
    assert edited["state"] == "gold" and [s["account"] for s in edited["suggestions"]] == ["Software"]


def test_bulk_coding_of_many_payees(session, acme):
    names = [f"VENDOR{chr(65 + i)}{chr(75 + i)} SUPPLY" for i in range(12)]
    rows = [row(f"v{i}-{j}", f"2024-10-{1 + i:02d}", f"-{10 + i}.{j}0", f"{n} {100 + j}")
            for i, n in enumerate(names) for j in range(2)]
    ids = bank(session, acme, rows)
    res = session.code_many(acme, [{"id": ids[f"v{i}-0"], "account": "Supplies"} for i in range(len(names))])
    assert res["coded"] == 12
    got = codings(session)
    assert all(got[ids[f"v{i}-1"]]["state"] == "red" for i in range(len(names)))   # remembered
    before = versions(session)
    session.evaluate(acme, refresh_suggestions=False)
    assert versions(session) == before
