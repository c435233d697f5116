"""The demo firm in sample_data/: deterministic, complete and consistent with itself.

Transactions are read back from the delivered bank files with small readers
written here (not ledgerkit's importers), so these tests check the data, not
the importers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import re
import subprocess
import sys
import warnings
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
GENERATOR = REPO / "sample_data" / "generate.py"
FIRM = REPO / "sample_data" / "firm"
TEXT_SUFFIXES = {".ofx", ".qfx", ".qbo", ".csv", ".qif", ".iif", ".json", ".yaml"}
RULE_FIELDS = {"description", "payee", "memo", "amount", "direction", "account", "check_number"}
RULE_OPS = {"contains", "not_contains", "equals", "starts_with", "ends_with", "regex", "lt", "gt", "between",
            "present"}
RULE_ACTIONS = {"payee", "account", "class", "memo", "split", "transfer_to"}


def generate(out: Path) -> Path:
    subprocess.run([sys.executable, str(GENERATOR), str(out)], check=True, capture_output=True, timeout=300)
    return out


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("run1") / "firm")


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads((FIRM / "firm.json").read_text(encoding="utf-8"))


def accounts(manifest: dict):
    for c in manifest["clients"]:
        for a in c["accounts"]:
            yield c, a


# ---------------------------------------------------------------------------
# tiny readers for the delivered files: (date, amount, description) per row
# ---------------------------------------------------------------------------

_STMTTRN = re.compile(r"<STMTTRN>(.*?)</STMTTRN>", re.S)


def _ofx_field(block: str, tag: str) -> str:
    m = re.search(rf"<{tag}>([^<\r\n]*)", block)
    return m.group(1).strip() if m else ""


def read_ofx(data: bytes) -> list[tuple[str, dt.date, Decimal, str]]:
    """(FITID, posted, amount, name) per STMTTRN; SGML or XML."""
    text = data.decode("cp1252" if b"CHARSET:1252" in data[:300] else "utf-8")
    rows = []
    for block in _STMTTRN.findall(text):
        posted = dt.datetime.strptime(_ofx_field(block, "DTPOSTED")[:8], "%Y%m%d").date()
        rows.append((_ofx_field(block, "FITID"), posted, Decimal(_ofx_field(block, "TRNAMT")),
                     _ofx_field(block, "NAME")))
    return rows


def read_csv(data: bytes, layout: dict) -> list[tuple[dt.date, Decimal, str]]:
    text = data.decode(layout["encoding"])
    rows = []
    for r in csv.DictReader(io.StringIO(text), delimiter=layout["delimiter"]):
        posted = dt.datetime.strptime(r[layout["date"]], layout["date_format"]).date()
        if "amount" in layout:
            raw = r[layout["amount"]]
            if layout.get("decimal_comma"):
                raw = raw.replace(".", "").replace(",", ".")
            amount = Decimal(raw)
        else:
            amount = Decimal(r[layout["credit"]] or "0") - Decimal(r[layout["debit"]] or "0")
        rows.append((posted, amount, r[layout["description"]]))
    return rows


def read_qif(data: bytes) -> list[tuple[dt.date, Decimal, str]]:
    rows, rec = [], {}
    for line in data.decode("cp1252").splitlines():
        if line.startswith("!"):
            continue
        if line == "^":
            rows.append((dt.datetime.strptime(rec["D"], "%m/%d/%Y").date(), Decimal(rec["T"].replace(",", "")),
                         rec.get("P", "")))
            rec = {}
        elif line:
            rec[line[0]] = line[1:]
    return rows


def delivered(root: Path, manifest: dict, account: dict, *, with_next_month: bool = True) -> dict:
    """The account's transactions from its files, overlaps removed the way ledgerkit
    identifies rows: by FITID, or by (date, amount, text, occurrence within the file)."""
    layout = manifest["csv_layouts"].get(account.get("csv_layout", ""), {})
    paths = account["files"] + (account["next_month_files"] if with_next_month else [])
    found: dict = {}
    for rel in paths:
        data = (root / rel).read_bytes()
        if rel.endswith((".ofx", ".qfx", ".qbo")):
            for fitid, posted, amount, _ in read_ofx(data):
                found[fitid] = (posted, amount)
            continue
        rows = read_qif(data) if rel.endswith(".qif") else read_csv(data, layout)
        occurrence: Counter = Counter()
        for posted, amount, text in rows:
            occurrence[(posted, amount, text)] += 1
            found[(posted, amount, text, occurrence[(posted, amount, text)])] = (posted, amount)
    return found


def chart(client: dict) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((FIRM / client["chart_of_accounts"]).read_text(encoding="utf-8"))))


def pdf_subject(data: bytes) -> dict[str, str]:
    m = re.search(rb"/Subject \(([^)]*)\)", data)
    assert m, "statement PDF without a Subject"
    return dict(re.findall(r"(\w+)=(\S+)", m.group(1).decode("latin-1")))


# ---------------------------------------------------------------------------
# determinism
# ---------------------------------------------------------------------------

def test_generator_is_deterministic(fresh, tmp_path):
    again = tree(generate(tmp_path / "firm"))
    first = tree(fresh)
    assert first.keys() == again.keys()
    assert [k for k in first if first[k] != again[k]] == []


def test_committed_output_equals_a_fresh_run(fresh):
    committed, new = tree(FIRM), tree(fresh)
    assert committed.keys() == new.keys(), "sample_data/firm is stale: run sample_data/generate.py"
    stale = [k for k in new if Path(k).suffix in TEXT_SUFFIXES and committed[k] != new[k]]
    assert stale == [], "sample_data/firm is stale: run sample_data/generate.py"
    # images and PDFs: same facts (bytes may differ with another Pillow/FreeType/matplotlib)
    from PIL import Image

    for k in new:
        if k.endswith(".png"):
            with Image.open(io.BytesIO(committed[k])) as a, Image.open(io.BytesIO(new[k])) as b:
                assert a.text == b.text, k
        elif k.endswith(".pdf"):
            assert pdf_subject(committed[k]) == pdf_subject(new[k]), k


def test_generator_refuses_to_overwrite_a_foreign_folder(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    r = subprocess.run([sys.executable, str(GENERATOR), str(tmp_path)], capture_output=True, text=True)
    assert r.returncode != 0
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_output_is_small():
    total = sum(p.stat().st_size for p in FIRM.rglob("*") if p.is_file())
    assert total < 3_500_000


# ---------------------------------------------------------------------------
# what the firm contains
# ---------------------------------------------------------------------------

def test_firm_shape(manifest):
    clients = manifest["clients"]
    accts = [a for _, a in accounts(manifest)]
    assert len(clients) >= 3
    assert len(accts) >= 7
    assert {a["kind"] for a in accts} >= {"checking", "savings", "credit_card"}
    assert any(a["currency"] != "USD" for a in accts)
    months = set()
    for _, a in accounts(manifest):
        months |= {(d.year, d.month) for d, _ in delivered(FIRM, manifest, a).values()}
    assert len(months) >= 6


def test_every_format_is_delivered(manifest):
    formats = {a["format"] for _, a in accounts(manifest)}
    assert formats >= {"ofx1-sgml", "qfx", "qbo-web-connect", "ofx2-xml", "csv", "qif"}
    layouts = {a.get("csv_layout") for _, a in accounts(manifest)} - {None}
    assert layouts >= {"chase_checking", "debit_credit_card", "qbo_3col", "eu_semicolon"}
    assert b"<INTU.BID>" in (FIRM / next(a for _, a in accounts(manifest) if a["format"] == "qbo-web-connect")
                             ["files"][0]).read_bytes()
    assert (FIRM / next(a for _, a in accounts(manifest) if a["format"] == "ofx2-xml")["files"][0]
            ).read_bytes().startswith(b"<?xml")


def test_manifest_lists_every_file_and_every_file_exists(manifest):
    listed = {manifest["rules"], manifest["expected_transactions"], "firm.json"}
    for c in manifest["clients"]:
        listed.add(c["chart_of_accounts"])
        listed |= {r["path"] for r in c["registers"]}
        for a in c["accounts"]:
            listed |= set(a["files"]) | set(a["next_month_files"])
            listed |= {d["path"] for key in ("statements", "checks", "deposits") for d in a[key]}
    on_disk = set(tree(FIRM))
    assert listed == on_disk
    assert set(manifest["next_month"]["files"]) == {p for p in on_disk if p.startswith("next_month/")}


def test_next_month_holds_june_for_every_client(manifest):
    for c, a in accounts(manifest):
        assert a["next_month_files"], a["name"]
        assert all(p.startswith(f"next_month/{c['slug']}/") for p in a["next_month_files"])
        june = {d for d, _ in delivered(FIRM, manifest, {**a, "files": []}).values()}
        assert june and all(d >= dt.date(2026, 5, 20) for d in june)
        main = {d for d, _ in delivered(FIRM, manifest, a, with_next_month=False).values()}
        assert max(main) < dt.date(2026, 6, 1)


def test_overlapping_files_add_nothing(manifest):
    overlaps = [(a, o) for _, a in accounts(manifest) for o in a["overlaps"]]
    assert len(overlaps) >= 2
    assert {a["format"] for a, _ in overlaps} >= {"ofx1-sgml", "csv"}   # by FITID and by fingerprint
    for _, a in accounts(manifest):
        found = delivered(FIRM, manifest, a)
        expected = a["expected"]["transactions"] + a["expected"]["transactions_next_month"]
        assert len(found) == expected, a["name"]
        if a["overlaps"]:       # the files really repeat rows
            layout = manifest["csv_layouts"].get(a.get("csv_layout", ""), {})
            rows = 0
            for rel in a["files"] + a["next_month_files"]:
                data = (FIRM / rel).read_bytes()
                rows += len(read_ofx(data) if rel.endswith((".ofx", ".qfx", ".qbo"))
                            else read_qif(data) if rel.endswith(".qif") else read_csv(data, layout))
            assert rows > len(found), a["name"]


def test_identical_same_day_transactions_stay_two(manifest):
    pairs = 0
    for _, a in accounts(manifest):
        layout = manifest["csv_layouts"].get(a.get("csv_layout", ""), {})
        for rel in a["files"]:
            data = (FIRM / rel).read_bytes()
            if rel.endswith((".ofx", ".qfx", ".qbo")):
                rows = read_ofx(data)
                counts = Counter((d, amt, name) for _, d, amt, name in rows)
                assert len({f for f, *_ in rows}) == len(rows)          # distinct FITIDs
            else:
                rows = read_qif(data) if rel.endswith(".qif") else read_csv(data, layout)
                counts = Counter(rows)
            pairs += sum(1 for n in counts.values() if n >= 2)
    assert pairs >= 2


def test_statements_agree_with_the_transactions(manifest):
    for _, a in accounts(manifest):
        found = delivered(FIRM, manifest, a)
        previous = Decimal(a["opening_balance"]["amount"])
        assert len(a["statements"]) == 6
        for s in a["statements"]:
            meta = pdf_subject((FIRM / s["path"]).read_bytes())
            start, end = dt.date.fromisoformat(meta["start"]), dt.date.fromisoformat(meta["end"])
            opening, closing = Decimal(meta["opening"]), Decimal(meta["closing"])
            activity = sum((amt for d, amt in found.values() if start <= d <= end), Decimal(0))
            assert opening + activity == closing, s["path"]
            assert opening == previous, s["path"]                     # statements chain without gaps
            assert meta["account"] == a["number"] and meta["currency"] == a["currency"]
            assert (meta["opening"], meta["closing"]) == (s["opening"], s["closing"])
            assert Path(s["path"]).name == f"statement_{a['number'][-4:]}_{start:%Y-%m}.pdf"
            previous = closing
        assert previous == Decimal(a["expected"]["closing"])


def test_ofx_ledger_balances_agree(manifest):
    for _, a in accounts(manifest):
        for rel in a["files"] + a["next_month_files"]:
            if not rel.endswith((".ofx", ".qfx", ".qbo")):
                continue
            text = (FIRM / rel).read_bytes().decode("cp1252")
            ledger = Decimal(re.search(r"<LEDGERBAL>\s*<BALAMT>([-\d.]+)", text).group(1))
            month = int(rel[-6:-4])
            closing = next(s for s in a["statements"] if s["start"][5:7] == f"{month:02d}")["closing"]
            assert ledger == Decimal(closing), rel


def test_ofx_files_parse_with_ofxtools(manifest):
    from ofxtools.Parser import OFXTree

    for _, a in accounts(manifest):
        for rel in a["files"] + a["next_month_files"]:
            if rel.endswith((".ofx", ".qfx", ".qbo")):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")          # ofxtools warns about <INTU.BID>
                    t = OFXTree()
                    t.parse(str(FIRM / rel))
                    stmt = t.convert().statements[0]
                assert len(stmt.transactions) == len(read_ofx((FIRM / rel).read_bytes())), rel
                for tx in stmt.transactions:
                    assert tx.name and len(tx.name) <= 32


def test_running_balance_column_agrees(manifest):
    for _, a in accounts(manifest):
        if a.get("csv_layout") != "chase_checking":
            continue
        for rel in a["files"]:
            rows = list(csv.DictReader(io.StringIO((FIRM / rel).read_text(encoding="utf-8"))))
            for newer, older in itertools.pairwise(rows):
                assert Decimal(older["Balance"]) + Decimal(newer["Amount"]) == Decimal(newer["Balance"]), rel


def test_edge_cases_are_present(manifest):
    texts = []
    for _, a in accounts(manifest):
        for rel in a["files"] + a["next_month_files"]:
            data = (FIRM / rel).read_bytes()
            legacy = rel.endswith((".qbo", ".ofx", ".qfx", ".qif")) and not data.startswith(b"<?xml")
            texts.append(data.decode("cp1252" if legacy else "utf-8"))
    blob = "\n".join(texts)
    assert "&amp;" in blob and "&lt;" in blob                      # escaped in OFX
    assert "GREEN <LEAF>" in blob                                   # raw in CSV
    assert "CAFÉ OLÉ" in blob
    truth = list(csv.DictReader(io.StringIO((FIRM / manifest["expected_transactions"]).read_text(encoding="utf-8"))))
    assert any(len(t["payee"]) > 32 for t in truth)
    assert any(len(t["description"]) > 32 for t in truth)
    assert any(t["memo"] == "" for t in truth)
    qif = [p for _, a in accounts(manifest) for p in a["files"] if p.endswith(".qif")]
    assert any(re.search(rb"\r\nM\r\n", (FIRM / p).read_bytes()) for p in qif)       # an empty memo line
    checks = [c for _, a in accounts(manifest) for c in a["checks"]]
    assert any(len(c["payee"]) > 32 for c in checks)


def test_register_exports_cover_part_of_the_history(manifest):
    registers = [r for c in manifest["clients"] for r in c["registers"]]
    assert {r["format"] for r in registers} == {"iif", "csv"}
    for r in registers:
        data = (FIRM / r["path"]).read_bytes()
        assert r["start"] == "2026-01-01" and r["end"] == "2026-03-31"
        if r["format"] == "iif":
            lines = data.decode("cp1252").split("\r\n")
            assert lines[-1] == ""
            header = {}
            total, n = Decimal(0), 0
            for line in lines[:-1]:
                cells = line.split("\t")
                if cells[0].startswith("!"):
                    header[cells[0][1:]] = cells
                    continue
                assert len(cells) == len(header[cells[0]]), line
                row = dict(zip(header[cells[0]], cells, strict=True))
                if cells[0] in ("TRNS", "SPL"):
                    total += Decimal(row["AMOUNT"])
                    date = dt.datetime.strptime(row["DATE"], "%m/%d/%Y").date()
                    assert dt.date(2026, 1, 1) <= date <= dt.date(2026, 3, 31)
                if cells[0] == "ENDTRNS":
                    assert total == 0
                    n += 1
            assert n == r["entries"]
        else:
            rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
            assert len(rows) == r["entries"]
            assert rows[0].keys() >= {"Date", "Ref No.", "Payee", "Payment", "Deposit"}
    # matching material: same amounts, dates sometimes a few days off, bookkeeper payees
    truth = list(csv.DictReader(io.StringIO((FIRM / manifest["expected_transactions"]).read_text(encoding="utf-8"))))
    matched = [t for t in truth if t["register_id"]]
    assert matched and all(t["posted"] >= "2026-01-01" for t in matched)
    assert any(t["register_id"] == "" for t in truth if t["posted"] <= "2026-03-31")


def test_documents_match_their_transactions(manifest):
    from PIL import Image

    for _, a in accounts(manifest):
        found = delivered(FIRM, manifest, a)
        amounts = Counter(amt for _, amt in found.values())
        for chk in a["checks"]:
            assert Path(chk["path"]).name == f"check_{a['number'][-4:]}_{chk['check_number']}.png"
            with Image.open(FIRM / chk["path"]) as im:
                assert im.size == (1000, 450)
                meta = im.text
            assert meta["ledgerkit:kind"] == "check"
            assert (meta["check_number"], meta["amount"], meta["date"], meta["account"], meta["payee"]) == (
                chk["check_number"], chk["amount"], chk["date"], a["number"], chk["payee"])
            assert amounts[-Decimal(chk["amount"])] >= 1
        for dep in a["deposits"]:
            assert re.fullmatch(rf"deposit_{a['number'][-4:]}_\d{{8}}_\d+\.png", Path(dep["path"]).name)
            with Image.open(FIRM / dep["path"]) as im:
                meta = im.text
            assert meta["ledgerkit:kind"] == "deposit"
            assert (meta["amount"], meta["date"], meta["account"]) == (dep["amount"], dep["date"], a["number"])
            assert amounts[Decimal(dep["amount"])] >= 1
    assert sum(len(a["checks"]) for _, a in accounts(manifest)) >= 20
    assert sum(len(a["deposits"]) for _, a in accounts(manifest)) >= 10


def test_rules_file(manifest):
    rules = yaml.safe_load((FIRM / manifest["rules"]).read_text(encoding="utf-8"))["rules"]
    assert 12 <= len(rules) <= 25
    names = {c["name"]: c for c in manifest["clients"]}
    charts = {c["name"]: {row["name"] for row in chart(c)} for c in manifest["clients"]}
    scopes, ops = Counter(), set()
    for r in rules:
        assert r["scope"] == "firm" or r["scope"] in names, r["name"]
        scopes["firm" if r["scope"] == "firm" else "client"] += 1
        for cond in r["when"]["all"]:
            assert cond["field"] in RULE_FIELDS and cond["op"] in RULE_OPS, r["name"]
            ops.add(cond["op"])
            if cond["op"] == "regex":
                re.compile(cond["value"])
        assert set(r["then"]) <= RULE_ACTIONS, r["name"]
        in_scope = charts.values() if r["scope"] == "firm" else [charts[r["scope"]]]
        wanted = [r["then"].get("account"), r["then"].get("transfer_to")]
        wanted += [s["account"] for s in r["then"].get("split", [])]
        for known in in_scope:
            assert all(w in known for w in wanted if w), r["name"]
    assert scopes["firm"] >= 3 and scopes["client"] >= 6
    assert ops == RULE_OPS                                   # every operator is exercised


def test_rules_code_about_half_of_the_unmatched_transactions(manifest):
    """A miniature evaluator over the generator's ground truth (not ledgerkit.rules)."""
    rules = yaml.safe_load((FIRM / manifest["rules"]).read_text(encoding="utf-8"))["rules"]
    clients = {c["slug"]: c["name"] for c in manifest["clients"]}

    def holds(cond, t):
        field, op, value = cond["field"], cond["op"], cond.get("value")
        x = {"description": t["description"], "memo": t["memo"], "amount": t["amount"], "payee": "",
             "account": "", "check_number": t["check_number"],
             "direction": "in" if Decimal(t["amount"]) > 0 else "out"}[field]
        if op in ("lt", "gt", "between") or (field == "amount" and op == "equals"):
            n = Decimal(x)
            return {"lt": lambda: n < Decimal(value), "gt": lambda: n > Decimal(value),
                    "equals": lambda: n == Decimal(value),
                    "between": lambda: Decimal(value[0]) <= n <= Decimal(value[1])}[op]()
        return {"contains": lambda: value in x, "not_contains": lambda: value not in x,
                "equals": lambda: x == value, "starts_with": lambda: x.startswith(value),
                "ends_with": lambda: x.endswith(value), "regex": lambda: re.search(value, x) is not None,
                "present": lambda: x != ""}[op]()

    truth = list(csv.DictReader(io.StringIO((FIRM / manifest["expected_transactions"]).read_text(encoding="utf-8"))))
    open_ = [t for t in truth if not t["register_id"]]
    coded = [t for t in open_ if any(r["scope"] in ("firm", clients[t["client"]])
                                     and all(holds(c, t) for c in r["when"]["all"]) for r in rules)]
    assert 0.35 <= len(coded) / len(open_) <= 0.65
    assert defaultdict(int, Counter(t["client"] for t in coded)).keys() == clients.keys()


def test_charts_of_accounts(manifest):
    for c in manifest["clients"]:
        rows = chart(c)
        assert rows and set(rows[0]) == {"name", "type"}
        names = {r["name"] for r in rows}
        assert {a["name"] for a in c["accounts"]} <= names
