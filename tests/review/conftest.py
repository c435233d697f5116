"""Scenario runner for the review engine.

A scenario (``scenarios/*.yaml``) is a small world: clients and their accounts,
rules, a register (written out as a real QuickBooks IIF file and imported),
bank transactions (imported through the real import pipeline with a tiny
importer), then steps (code, edit, approve, more imports, new rules...) each
followed by the expected state and coding of named transactions.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
import yaml

from ledgerkit import Session, ingest
from ledgerkit.importers.base import AccountRef, Extract, conform

HERE = Path(__file__).parent
SCENARIOS = sorted((HERE / "scenarios").glob("*.yaml"))


class ScenarioImporter:
    """Reads the JSON the scenario runner writes: {"rows": [{date, amount, description, ...}]}."""

    name = "scenario"

    def identify(self, path, head):
        return path.suffix == ".scenario"

    def accounts(self, path, data):
        return [AccountRef(name_hint="scenario")]

    def extract(self, path, data, **options):
        rows = json.loads(data)["rows"]
        frame = pl.DataFrame([{
            "account": 0, "row": i + 1, "posted": r["date"], "amount": str(r["amount"]),
            "payee": r.get("payee", ""), "description": r.get("description", ""), "memo": r.get("memo", ""),
            "check_number": str(r.get("check", "")), "bank_id": r.get("fitid", f"{r['key']}"), "type": "",
        } for i, r in enumerate(rows)]).with_columns(pl.col("posted").str.to_date())
        return Extract(self.name, accounts=[AccountRef(name_hint="scenario")], transactions=conform(frame))


@pytest.fixture(autouse=True)
def scenario_importer(monkeypatch):
    real = ingest.detect
    imp = ScenarioImporter()
    monkeypatch.setattr(ingest, "detect", lambda path, head: imp if path.suffix == ".scenario" else real(path, head))


def iif_text(entries: list[dict]) -> str:
    lines = ["!TRNS\tTRNSID\tTRNSTYPE\tDATE\tACCNT\tNAME\tAMOUNT\tDOCNUM\tMEMO",
             "!SPL\tSPLID\tTRNSTYPE\tDATE\tACCNT\tNAME\tAMOUNT\tDOCNUM\tMEMO", "!ENDTRNS"]
    for e in entries:
        y, m, d = str(e["date"]).split("-")
        date = f"{int(m)}/{int(d)}/{y}"
        amt = Decimal(str(e["amount"]))
        lines.append(f"TRNS\t\tCHECK\t{date}\t{e['account']}\t{e.get('payee', '')}\t{amt}\t{e.get('check', '')}\t"
                     f"{e.get('memo', '')}")
        lines.append(f"SPL\t\tCHECK\t{date}\t{e.get('category', 'Uncategorized')}\t\t{-amt}\t\t")
        lines.append("ENDTRNS")
    return "\r\n".join(lines) + "\r\n"


class World:
    """A running scenario: names (t1, r1...) -> ids."""

    def __init__(self, session: Session, tmp: Path, spec: dict):
        self.s, self.tmp, self.spec = session, tmp, spec
        self.txn: dict[str, int] = {}
        self.entry_keys: list[str] = []
        self.clients: dict[str, object] = {}
        self.accounts: dict[tuple[str, str], object] = {}
        self.n = 0
        for cname, cspec in (spec.get("clients") or {"Acme": {}}).items():
            c = session.add_client(cname)
            self.clients[cname] = c
            for aname in cspec.get("accounts", ["Checking"]):
                self.accounts[(cname, aname)] = session.add_account(c, aname)
        self.default = next(iter(self.clients))

    def client_of(self, item: dict) -> str:
        return item.get("client", self.default)

    def rules(self, rules: list[dict]) -> dict:
        p = self.tmp / f"rules{self.n}.yaml"
        self.n += 1
        p.write_text(yaml.safe_dump({"rules": rules}, sort_keys=False))
        return self.s.import_rules(p)

    def register(self, entries: list[dict]) -> None:
        by_client: dict[str, list[dict]] = {}
        for e in entries:
            by_client.setdefault(self.client_of(e), []).append(e)
        for cname, es in by_client.items():
            p = self.tmp / f"register{self.n}.iif"
            self.n += 1
            p.write_text(iif_text(es), encoding="cp1252")
            res = self.s.import_register(cname, p)
            assert res.added == len(es), res.to_dict()
            self.entry_keys += [e["key"] for e in es]

    def bank(self, rows: list[dict]) -> None:
        groups: dict[tuple[str, str], list[dict]] = {}
        for r in rows:
            groups.setdefault((self.client_of(r), r.get("account", "Checking")), []).append(r)
        for (cname, aname), rs in groups.items():
            acc = self.accounts[(cname, aname)]
            data = json.dumps({"rows": rs}, default=str).encode()
            res = self.s.import_bytes(cname, f"bank{self.n}.scenario", data, account=acc.id)
            self.n += 1
            assert res.status.value == "imported", res
            got = self.s.transactions_frame(cname, acc.id)
            for r in rs:
                ident = f"F:{r.get('fitid', r['key'])}"
                self.txn[r["key"]] = got.filter(pl.col("identity") == ident)["id"].item()

    def entry_id(self, key: str) -> int:
        frames = [self.s.register_frame(c) for c in self.clients]
        allf = pl.concat(frames).sort("entry_id")
        return allf["entry_id"].to_list()[self.entry_keys.index(key)]

    def row(self, key: str) -> dict:
        tid = self.txn[key]
        for cname in self.clients:
            for r in self.s.review(cname)["transactions"]:
                if r["id"] == tid:
                    return r
        raise KeyError(key)

    def ids(self, keys) -> list[int]:
        return [self.txn[k] for k in keys]


@pytest.fixture
def world_factory(tmp_path):
    sessions = []

    def make(spec: dict) -> World:
        s = Session(tmp_path / "ws", actor="scenario")
        sessions.append(s)
        return World(s, tmp_path, spec)

    yield make
    for s in sessions:
        s.close()
