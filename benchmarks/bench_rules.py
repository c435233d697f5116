"""Benchmark: applying 5,000 rules to 1M transactions, vectorised vs a per-row Python loop.

The rule set is a realistic firm mix: merchant ``contains`` rules (60%), some
with an amount or direction condition, ``starts_with``/``ends_with``/``equals``,
``any`` rules (11%), regexes (3%), ``not_contains`` and a few amount-only rules
that have no text anchor (1%); 5% of the rules split. Descriptions carry bank noise (prefixes, store numbers, cities).

Measured: ``ledgerkit.review.evaluate.first_matches`` (polars: Aho-Corasick
anchors + vectorised verification) at 10k, 100k and 1M rows, and the obvious
per-row loop (``ledgerkit.review.reference``) over the same rules. The loop is
timed on a sample of rows and scaled linearly (it is linear in rows; running it
on 1M rows would take hours); on that sample both must agree exactly.

Targets (2-core machine): 1M rows in < 2 s, >= 100x the loop, growth from 10k
to 1M no faster than n log n.

Run: .venv/bin/python benchmarks/bench_rules.py [--rules 5000] [--sizes 10000,100000,1000000]
Writes benchmarks/out/rules.json.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import save

from ledgerkit.review.evaluate import compile_rules, first_matches, prepare
from ledgerkit.review.reference import first_match_row, ordered
from ledgerkit.review.rules import parse_rules

PREFIXES = ["", "", "", "POS PURCHASE ", "SQ *", "DEBIT CARD PURCHASE ", "TST* ", "ACH DEBIT ", "CHECKCARD 0412 "]
CITIES = ["SAN FRANCISCO CA", "OAKLAND CA", "SEATTLE WA", "AUSTIN TX", "NEW YORK NY", "", ""]
SYL = ["ka", "lo", "mi", "ra", "to", "ne", "su", "vo", "de", "pa", "ri", "gu", "ben", "tor", "lan", "mar", "sel",
       "win", "cor", "dal"]


def vocabulary(n: int, rng: random.Random) -> list[str]:
    names: set[str] = set()
    while len(names) < n:
        words = [("".join(rng.choice(SYL) for _ in range(rng.randint(2, 4)))).upper()
                 for _ in range(rng.randint(1, 3))]
        names.add(" ".join(words))
    return sorted(names)


def make_rules(n_rules: int, merchants: list[str], rng: random.Random) -> list[dict]:
    rules = []
    for i in range(n_rules):
        m = merchants[i]
        kind = rng.random()
        acct = {"account": f"Expense {i % 97}"}
        if kind < 0.60:
            when = {"all": [{"field": "description", "op": "contains", "value": m}]}
        elif kind < 0.70:
            when = {"all": [{"field": "description", "op": "contains", "value": m},
                            {"field": "amount", "op": "lt", "value": str(-rng.randint(1, 200))}]}
        elif kind < 0.75:
            when = {"all": [{"field": "description", "op": "contains", "value": m},
                            {"field": "direction", "op": "equals", "value": "out"},
                            {"field": "memo", "op": "not_contains", "value": "REFUND"}]}
        elif kind < 0.80:
            when = {"all": [{"field": "description", "op": "starts_with", "value": m}]}
        elif kind < 0.83:
            when = {"all": [{"field": "description", "op": "ends_with", "value": m + " CA"}]}
        elif kind < 0.85:
            when = {"all": [{"field": "description", "op": "equals", "value": m}]}
        elif kind < 0.96:
            other = merchants[(i * 7 + 3) % len(merchants)]
            when = {"any": [{"field": "description", "op": "contains", "value": m},
                            {"field": "payee", "op": "contains", "value": other}]}
        elif kind < 0.99:
            when = {"all": [{"field": "description", "op": "regex", "value": f"{m.split()[0]}\\s*#?\\d*"}]}
        else:
            lo = -rng.randint(1000, 5000)
            when = {"all": [{"field": "amount", "op": "between", "value": [str(lo), str(lo + 3)]}]}
        then = dict(acct)
        if rng.random() < 0.05:
            then = {"split": [{"account": "A", "percent": "60"}, {"account": "B", "percent": "40"}]}
        rules.append({"name": f"rule {i}", "scope": "firm" if i % 10 else "client 1", "when": when, "then": then})
    return rules


def make_transactions(n: int, merchants: list[str], seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(merchants), n)
    known = rng.random(n) < 0.7               # 30% of rows come from merchants no rule knows
    pick = np.where(known, pick % 6000, 6000 + pick % (len(merchants) - 6000))
    pre = rng.integers(0, len(PREFIXES), n)
    city = rng.integers(0, len(CITIES), n)
    store = rng.integers(100, 9999, n)
    m = np.array(merchants, dtype=object)[pick]
    desc = pl.Series([f"{PREFIXES[p]}{name} #{s} {CITIES[c]}".strip()
                      for p, name, s, c in zip(pre, m, store, city, strict=True)])
    amount = -(rng.lognormal(3.5, 1.3, n) * 100).astype(np.int64)
    amount = np.where(rng.random(n) < 0.1, -amount, amount)
    return pl.DataFrame({
        "id": np.arange(1, n + 1, dtype=np.int64), "client_id": rng.integers(1, 4, n).astype(np.int64),
        "account_id": rng.integers(1, 6, n).astype(np.int64), "account_name": "Checking",
        "exponent": np.full(n, 2, dtype=np.int32), "amount": amount, "description": desc,
        "payee": "", "memo": np.where(rng.random(n) < 0.02, "REFUND", ""), "check_number": "",
    })


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rules", type=int, default=5000)
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--loop-sample", type=int, default=2000)
    args = ap.parse_args()
    rng = random.Random(7)
    merchants = vocabulary(8000, rng)
    rules = parse_rules(make_rules(args.rules, merchants, rng),
                        lambda s: (None, "firm") if s == "firm" else (1, s))
    comp = compile_rules(rules)
    print(f"{len(rules)} rules: {len(comp.anchors)} anchors, {len(comp.full)} without an anchor")
    results = []
    for n in [int(x) for x in args.sizes.split(",")]:
        frame = make_transactions(n, merchants, seed=n)
        first_matches(frame.head(1000), comp)                       # warm-up
        times = []
        for _ in range(3):
            t = time.perf_counter()
            winners, _ = first_matches(prepare(frame), comp)
            times.append(time.perf_counter() - t)
        best = min(times)
        # the per-row loop on a sample, and agreement with the engine on it
        sample = frame.head(args.loop_sample)
        by_client = {c: ordered(rules, c) for c in (1, 2, 3)}
        rows = sample.to_dicts()
        t = time.perf_counter()
        loop = {r["id"]: first_match_row(by_client[r["client_id"]], r) for r in rows}
        loop_s = (time.perf_counter() - t) * n / len(rows)
        got = dict(zip(winners["id"].to_list(), winners["ri"].to_list(), strict=True))
        for rid, rule in loop.items():
            mine = comp.rules[got[rid]] if rid in got else None
            assert (mine.name if mine else None) == (rule.name if rule else None), (rid, mine, rule)
        results.append({"rows": n, "seconds": round(best, 3), "runs": [round(x, 3) for x in times],
                        "matched": winners.height, "loop_seconds_estimated": round(loop_s, 1),
                        "speedup": round(loop_s / best, 1)})
        print(f"{n:>9,} rows: {best:7.3f} s vectorised ({winners.height:,} coded)   "
              f"per-row loop ~{loop_s:,.0f} s (timed on {len(rows):,} rows)   {loop_s / best:,.0f}x", flush=True)
    ok = True
    big = results[-1]
    if big["rows"] >= 1_000_000:
        ok &= big["seconds"] < 2.0 and big["speedup"] >= 100
    small = results[0]
    growth = big["seconds"] / small["seconds"]
    nlogn = (big["rows"] * math.log(big["rows"])) / (small["rows"] * math.log(small["rows"]))
    print(f"growth {small['rows']:,} -> {big['rows']:,}: x{growth:.1f} (n log n would be x{nlogn:.1f})")
    ok &= growth <= nlogn
    save("rules", {"rules": len(rules), "results": results, "growth": round(growth, 2),
                   "nlogn": round(nlogn, 2), "targets_met": bool(ok)})
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
