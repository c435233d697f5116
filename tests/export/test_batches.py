"""Export batches: only approved rows, BLUE never added twice, recorded batches, exported
state, double-export refusal, re-export with identical ids, atomic writes, settings, CLI."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa

from ledgerkit import Session
from ledgerkit.cli import main
from ledgerkit.errors import Conflict, Invalid
from ledgerkit.export import batches, fitid
from ledgerkit.store import export_tables as xt
from ledgerkit.store import schema

from . import firm as firm_mod
from .conftest import parse_ofx


def states(session) -> dict[int, tuple[str, int | None]]:
    with session.store.connect() as conn:
        return {r.transaction_id: (r.state, r.batch_id) for r in conn.execute(sa.select(schema.codings))}


def items(session, batch: int) -> pl.DataFrame:
    with session.store.connect() as conn:
        rows = conn.execute(sa.select(xt.export_items).where(xt.export_items.c.batch_id == batch)).fetchall()
    return pl.DataFrame([dict(r._mapping) for r in rows])


def test_export_records_batch_and_moves_codings(session, firm, tmp_path):
    res = session.export(firm["client"], "iif", tmp_path / "books.iif")
    assert res.batch == 1 and res.format == "iif" and res.transactions == 14 and res.matched == 2
    f = res.files[0]
    assert Path(f.path) == (tmp_path / "books.iif").resolve()
    assert f.sha256 == hashlib.sha256(Path(f.path).read_bytes()).hexdigest() and f.transactions == 14
    st = states(session)
    approved_before = [t for t in firm["chk"] + firm["sav"] + firm["cc"] if t != firm["chk"][11]]
    assert all(st[t] == ("exported", 1) for t in approved_before)
    assert st[firm["chk"][11]] == ("gold", None)                         # not approved: untouched
    it = items(session, 1)
    assert it.height == 16 and it.filter(~pl.col("written")).height == 2   # BLUE recorded, not written
    assert set(it.filter(~pl.col("written"))["transaction_id"]) == {firm["chk"][8], firm["sav"][0]}
    b = session.batches(firm["client"])[0]
    assert (b["batch"], b["format"], b["actor"], b["transactions"], b["kind"]) == (1, "iif", "tester", 14, "export")
    assert b["files"][0]["sha256"] == f.sha256 and b["created_at"] is not None
    with session.store.connect() as conn:
        a = conn.execute(sa.select(schema.audit).where(schema.audit.c.action == "export.batch")).first()
    assert a.actor == "tester" and a.after["files"][0]["sha256"] == f.sha256
    assert res.to_json()["total"] == str(res.total) and "warnings" in res.to_json()


def test_double_export_refused_and_new_rows_still_go(session, firm, tmp_path):
    session.export(firm["client"], "qbo", tmp_path / "a.qbo")
    with pytest.raises(Conflict, match=r"already exported in batch 1.*--reexport 1"):
        session.export(firm["client"], "qbo", tmp_path / "b.qbo")
    assert not list(tmp_path.glob("b*"))
    firm_mod.code(session, firm["chk"][11], payee="Bob's Plumbing", account="Repairs")     # approve a new one
    res = session.export(firm["client"], "iif", tmp_path / "c.iif")
    assert res.transactions == 1 and res.batch == 2
    # a transaction moved back to approved after it was written is still not exported twice
    firm_mod.code(session, firm["chk"][0], payee="Again", account="Rent Expense")
    with pytest.raises(Conflict):
        session.export(firm["client"], "iif", tmp_path / "d.iif")


def test_nothing_approved_is_invalid(session, client, tmp_path):
    with pytest.raises(Invalid, match="nothing to export"):
        session.export(client, "qbo", tmp_path / "x.qbo")
    with pytest.raises(Invalid, match="unknown export format"):
        session.export(client, "pdf", tmp_path / "x.pdf")


def test_reexport_keeps_ids_and_bytes(session, firm, tmp_path, monkeypatch):
    first = session.export(firm["client"], "qbo", tmp_path / "one.qbo")
    before = states(session)
    # even if the FITID scheme changed, a re-export reuses the recorded ids
    monkeypatch.setattr(fitid, "fitid_expr", lambda e: e.map_batches(lambda s: s.str.replace_all("[^A-Za-z0-9]", "")
                                                                    + "-NEW", return_dtype=pl.String))
    again = session.export(firm["client"], None, tmp_path / "two.qbo", reexport=first.batch)
    assert again.batch == 2 and again.reexport_of == 1 and again.format == "qbo"
    for a, b in zip(first.files, again.files, strict=True):
        assert Path(a.path).read_bytes() == Path(b.path).read_bytes()      # same FITIDs, same clock: same file
        fa = [t.fitid for t in parse_ofx(Path(a.path).read_bytes()).statements[0].transactions]
        assert fa and not any(f.endswith("-NEW") for f in fa)
    assert states(session) == before
    hist = session.batches(firm["client"])
    assert [(h["batch"], h["kind"], h["reexport_of"]) for h in hist] == [(2, "reexport", 1), (1, "export", None)]
    assert items(session, 2).sort("transaction_id")["fitid"].to_list() == \
        items(session, 1).sort("transaction_id")["fitid"].to_list()
    iif_again = session.export(firm["client"], "iif", tmp_path / "three.iif", reexport=first.batch)
    assert iif_again.transactions == 14 and iif_again.matched == 2           # BLUE still not added


def test_qbo_carries_blue_and_adding_formats_never_do(session, firm, tmp_path):
    res = session.export(firm["client"], "qbo", tmp_path / "all.qbo", account=firm["checking"].id)
    stmt = parse_ofx(Path(res.files[0].path).read_bytes()).statements[0]
    assert "Office Depot" in [t.name for t in stmt.transactions] and res.matched == 0
    for fmt in ("iif", "qif", "qbo-csv", "xero-csv", "beancount", "ledger"):
        r = session.export(firm["client"], fmt, tmp_path / f"x-{fmt}", reexport=res.batch)
        data = b"".join(Path(f.path).read_bytes() for f in r.files)
        assert b"Office Depot" not in data and r.matched == 1, fmt


def test_filters_account_and_dates(session, firm, tmp_path):
    p = session.export_preview(firm["client"], "qbo", account="Business Visa")
    assert p["transactions"] == 4 and p["accounts"] == [firm["card"].id]
    res = session.export(firm["client"], "qbo", tmp_path / "jan.qbo", date_from="2026-01-05", date_to="2026-01-08")
    assert res.transactions == 5 and len(res.files) == 1
    stmt = parse_ofx(Path(res.files[0].path).read_bytes()).statements[0]
    assert stmt.banktranlist.dtstart.date() == dt.date(2026, 1, 5)
    assert stmt.banktranlist.dtend.date() == dt.date(2026, 1, 8)
    with pytest.raises(Invalid, match="YYYY-MM-DD"):
        session.export(firm["client"], "qbo", tmp_path / "x.qbo", date_from="01/05/2026")


def test_preview_counts_what_would_go(session, firm):
    p = session.export_preview(firm["client"], "iif")
    assert (p["transactions"], p["matched"], p["already_exported"]) == (14, 2, 0)
    assert str(p["total"]) == "1109.62"
    assert session.export_preview(firm["client"], "qbo")["transactions"] == 16
    session.export(firm["client"], "qbo", session.workspace / "x.qbo", account=firm["card"].id)
    after = session.export_preview(firm["client"], "qbo")
    assert (after["transactions"], after["already_exported"], after["already_batches"]) == (12, 4, [1])


def test_unbalanced_splits_refused(session, firm, tmp_path):
    firm_mod.code(session, firm["chk"][1], payee="X", account="Meals",
                  splits=[{"account": "Meals", "amount": -400, "memo": "", "class": ""}])
    with pytest.raises(Invalid, match="do not add up"):
        session.export(firm["client"], "iif", tmp_path / "x.iif")
    assert states(session)[firm["chk"][0]] == ("approved", None)


def test_atomic_failure_leaves_no_file_and_no_batch(session, firm, tmp_path, monkeypatch):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    target = tmp_path / "books.iif"
    target.write_bytes(b"previous export, intact")

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(batches, "_record", boom)
    with pytest.raises(OSError):
        session.export(firm["client"], "iif", target)
    assert target.read_bytes() == b"previous export, intact"
    assert [p.name for p in tmp_path.iterdir()] == ["books.iif"]            # no temporary left behind
    assert session.batches(firm["client"]) == []
    assert states(session)[firm["chk"][0]] == ("approved", None)


def test_crash_while_writing_leaves_no_half_file(session, firm, tmp_path, monkeypatch):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    real = os.fsync

    def crash(fd):
        raise KeyboardInterrupt     # the process dies mid-write

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(KeyboardInterrupt):
        session.export(firm["client"], "qbo", tmp_path / "out.qbo")
    monkeypatch.setattr(os, "fsync", real)
    assert list(tmp_path.iterdir()) == []
    assert session.batches(firm["client"]) == []


def _read_as(monkeypatch, change):
    """Make the export's read see the rows as ``change(frame)`` has them (what it would see
    had another writer committed between the read and the move of the codings)."""
    real = batches.prepare

    def prepare(*a, **k):
        plan = real(*a, **k)
        plan.frame = change(plan.frame)
        return plan

    monkeypatch.setattr(batches, "prepare", prepare)


def test_changed_while_exporting_is_a_conflict(session, firm, tmp_path, monkeypatch):
    """The codings move in the export's own transaction, beside the read; unless they are
    exactly the rows read, at the versions read, nothing is exported."""
    one = pl.col("transaction_id") == firm["chk"][1]
    for change in (lambda f: f.with_columns(coding_version=pl.when(one).then(pl.col("coding_version") + 6)
                                            .otherwise("coding_version")),        # re-coded
                   lambda f: f.filter(~one)):                                        # approved after the read
        _read_as(monkeypatch, change)
        with pytest.raises(Conflict, match="changed while exporting"):
            session.export(firm["client"], "iif", tmp_path / "x.iif")
        assert not (tmp_path / "x.iif").exists() and session.batches(firm["client"]) == []
        assert states(session)[firm["chk"][0]] == ("approved", None)
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []   # no temporary left


def test_batch_file_bytes_for_download_again(session, firm, tmp_path):
    res = session.export(firm["client"], "qbo", tmp_path / "dl.qbo")
    for seq, f in enumerate(res.files, 1):
        assert session.batch_file(res.batch, seq) == Path(f.path).read_bytes()
    Path(res.files[0].path).unlink()
    assert hashlib.sha256(session.batch_file(res.batch)).hexdigest() == res.files[0].sha256


def test_web_connect_settings_default_remembered_and_configurable(session, firm, tmp_path):
    chk = firm["checking"].id
    assert session.export_settings(firm["client"], chk)["intu_bid"] is None
    res = session.export(firm["client"], "qbo", tmp_path / "a.qbo", account=chk)
    s = session.export_settings(firm["client"], chk)
    assert (s["intu_bid"], s["org"], s["fid"], s["bank_id"], s["acct_id"]) == ("3000", "WF", "3000", "121000248",
                                                                              "55501234")
    session.set_export_settings(firm["client"], chk, intu_bid="2430", org="Chase Web Download")
    again = session.export(firm["client"], "qbo", tmp_path / "b.qbo", reexport=res.batch)
    text = Path(again.files[0].path).read_bytes().decode()
    assert "<ORG>Chase Web Download\r\n<FID>3000\r\n</FI>\r\n<INTU.BID>2430\r\n" in text
    with pytest.raises(Invalid):
        session.set_export_settings(firm["client"], chk, intu_bid="abc")


def test_bid_taken_from_the_banks_own_web_connect_file(session, client, tmp_path, fixed_clock):
    acc = session.add_account(client, "Chase Checking", "checking", bank_id="021000021", number="999")
    source = (b"OFXHEADER:100\r\nDATA:OFXSGML\r\n\r\n<OFX><SIGNONMSGSRSV1><SONRS><FI><ORG>B1<FID>10898</FI>"
              b"<INTU.BID>10898</SONRS>")
    ids = firm_mod.add_transactions(session, client.id, acc.id,
                                    [{"posted": dt.date(2026, 2, 1), "amount": -100, "payee": "X", "bank_id": "1"}],
                                    source=source)
    firm_mod.code(session, ids[0], payee="X", account="Meals")
    res = session.export(client, "qbo", tmp_path / "c.qbo")
    assert b"<ORG>B1\r\n<FID>10898\r\n</FI>\r\n<INTU.BID>10898\r\n" in Path(res.files[0].path).read_bytes()
    assert session.export_settings(client, acc.id)["intu_bid"] == "10898"


def test_out_folder_and_split_file_names(session, firm, tmp_path):
    res = session.export(firm["client"], "xero-csv", tmp_path)
    names = sorted(Path(f.path).name for f in res.files)
    assert names == ["demo-dental-xero-csv-20260102-20260115-business-visa.csv",
                     "demo-dental-xero-csv-20260102-20260115-operating-checking.csv"]


def test_large_export_split_and_said_so(session, client, tmp_path, fixed_clock):
    acc = session.add_account(client, "Busy Checking", "checking")
    rows = [{"posted": dt.date(2026, 1, 1) + dt.timedelta(days=i // 40), "amount": -(i + 1),
             "payee": f"VENDOR NUMBER {i:05d} WITH A LONG NAME", "memo": "m" * 150} for i in range(1500)]
    ids = firm_mod.add_transactions(session, client.id, acc.id, rows)
    with session.store.begin() as conn:
        conn.execute(sa.insert(schema.codings), [
            {"transaction_id": t, "state": "approved", "payee": f"Vendor {t}", "account": "Supplies",
             "updated_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC), "version": 1} for t in ids])
    res = session.export(client, "qbo", tmp_path / "big.qbo")
    assert len(res.files) >= 2 and all(f.size <= 350_000 for f in res.files)
    assert [Path(f.path).name for f in res.files][:2] == ["big-1.qbo", "big-2.qbo"]
    assert any("350 KB" in n for n in res.notes)
    assert sum(f.transactions for f in res.files) == 1500
    fitids = [t.fitid for f in res.files for t in parse_ofx(Path(f.path).read_bytes()).statements[0].transactions]
    assert len(set(fitids)) == 1500


def test_cli_export_and_batches_json(session, firm, tmp_path, capsys):
    ws = str(session.workspace)
    session.close()
    rc = main(["--workspace", ws, "export", "--client", "Demo Dental", "--format", "qbo", "--account",
               "Operating Checking", "--out", str(tmp_path / "cli.qbo"), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0 and out["batch"] == 1 and out["transactions"] == 11
    assert set(out) >= {"batch", "files", "transactions", "total"}
    assert set(out["files"][0]) >= {"path", "sha256", "transactions"} and out["total"] == "-126.64"
    rc = main(["--workspace", ws, "export", "--client", "Demo Dental", "--format", "qbo", "--account",
               "Operating Checking", "--out", str(tmp_path / "again.qbo")])
    assert rc == 2 and "--reexport 1" in capsys.readouterr().err
    rc = main(["--workspace", ws, "export", "--client", "Demo Dental", "--reexport", "1",
               "--out", str(tmp_path / "re.qbo"), "--json"])
    assert rc == 0 and json.loads(capsys.readouterr().out)["batch"] == 2
    assert main(["--workspace", ws, "batches", "--client", "Demo Dental", "--json"]) == 0
    hist = json.loads(capsys.readouterr().out)
    assert [h["batch"] for h in hist] == [2, 1] and hist[1]["files"][0]["sha256"] == out["files"][0]["sha256"]
    assert main(["--workspace", ws, "batches", "--client", "Demo Dental", "--download", "1",
                 "--out", str(tmp_path / "dl")]) == 0
    assert (tmp_path / "dl" / "cli.qbo").read_bytes() == (tmp_path / "cli.qbo").read_bytes()
    assert capsys.readouterr().out.strip().endswith("cli.qbo")
    assert main(["--workspace", ws, "export-settings", "--client", "Demo Dental", "--account",
                 "Operating Checking", "--bid", "12345", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["intu_bid"] == "12345"


def test_out_folder_that_does_not_exist_yet(session, firm, tmp_path):
    res = session.export(firm["client"], "iif", str(tmp_path / "exports") + os.sep)
    assert Path(res.files[0].path).parent == (tmp_path / "exports").resolve()
    assert Path(res.files[0].path).name == "demo-dental-iif-20260102-20260115.iif"


def test_iif_lists_skip_what_the_register_knows(session, firm, tmp_path):
    if "register_entries" not in schema.metadata.tables:
        pytest.skip("the review engine's register is not available")
    RE = schema.metadata.tables["register_entries"]
    with session.store.begin() as conn:
        conn.execute(sa.insert(RE).values(
            client_id=firm["client"].id, account_id=firm["checking"].id, identity="R:1", posted=dt.date(2025, 12, 1),
            amount=-100, payee="Corner Cafe", category="Meals", register_account="Operating Checking",
            source="iif"))
    res = session.export(firm["client"], "iif", tmp_path / "l.iif", lists=True)
    text = Path(res.files[0].path).read_bytes().decode()
    assert "ACCNT\tRent Expense\tEXP" in text and "VEND\tSmith & Sons Property" in text
    assert "ACCNT\tMeals\t" not in text and "ACCNT\tOperating Checking\t" not in text
    assert "VEND\tCorner Cafe" not in text


def test_non_usd_web_connect_is_exact_and_warned(session, client, tmp_path, fixed_clock):
    acc = session.add_account(client, "Tokyo Yen", "checking", currency="JPY", number="77")
    ids = firm_mod.add_transactions(session, client.id, acc.id,
                                    [{"posted": dt.date(2026, 2, 1), "amount": -1500, "payee": "Ramen"}])
    firm_mod.code(session, ids[0], payee="Ramen", account="Meals")
    res = session.export(client, "qbo", tmp_path / "jpy.qbo")
    stmt = parse_ofx(Path(res.files[0].path).read_bytes()).statements[0]
    assert stmt.curdef == "JPY" and str(stmt.transactions[0].trnamt) == "-1500"
    assert any("CURDEF JPY" in w for w in res.warnings) and str(res.total) == "-1500"


def test_rename_failure_after_commit_points_to_the_recorded_batch(session, firm, tmp_path, monkeypatch):
    real = os.replace

    def fail(src, dst):
        if Path(dst).parent.name == "out":
            raise PermissionError("read-only folder")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(Conflict, match=r"batch 1 was recorded.*--download 1"):
        session.export(firm["client"], "iif", tmp_path / "out" / "x.iif")
    monkeypatch.setattr(os, "replace", real)
    assert list((tmp_path / "out").iterdir()) == []                 # no temporary left, no half file
    assert session.batch_file(1).startswith(b"!TRNS")               # the batch's bytes are safe in the archive


def _recorded(session) -> tuple[list, list]:
    with session.store.connect() as conn:
        it = conn.execute(sa.select(xt.export_items).order_by(xt.export_items.c.batch_id,
                                                               xt.export_items.c.transaction_id)).fetchall()
        cod = conn.execute(sa.select(schema.codings.c.transaction_id, schema.codings.c.state,
                                     schema.codings.c.batch_id, schema.codings.c.version)
                           .order_by(schema.codings.c.transaction_id)).fetchall()
    return [tuple(r) for r in it], [tuple(r) for r in cod]


def _export_story(session, firm, out: Path) -> list[bytes]:
    a = session.export(firm["client"], "qbo", out / "a.qbo", account=firm["checking"].id)
    b = session.export(firm["client"], "iif", out / "b.iif")
    c = session.export(firm["client"], "qbo", out / "c.qbo", reexport=b.batch)
    d = session.export(firm["client"], "iif", out / "d.iif", reexport=a.batch)
    return [Path(f.path).read_bytes() for r in (a, b, c, d) for f in r.files]


def test_row_by_row_writes_record_what_the_set_based_ones_do(session, firm, tmp_path, monkeypatch):
    """Without a JSON table function (a database other than SQLite/PostgreSQL) the items are
    written one by one: same records, same files."""
    files = _export_story(session, firm, tmp_path / "set")
    recorded = _recorded(session)
    other = Session(tmp_path / "ws2", actor="tester")
    try:
        firm2 = firm_mod.build(other)
        monkeypatch.setattr(batches, "_id_table", lambda conn: None)
        assert _export_story(other, firm2, tmp_path / "rows") == files
        assert _recorded(other) == recorded
    finally:
        other.close()


def test_reexport_refused_when_a_coding_changes_meanwhile(session, firm, tmp_path, monkeypatch):
    first = session.export(firm["client"], "iif", tmp_path / "a.iif")
    _read_as(monkeypatch, lambda f: f.with_columns(coding_version=pl.col("coding_version") - 1))
    with pytest.raises(Conflict, match="changed while exporting"):
        session.export(firm["client"], "qbo", tmp_path / "b.qbo", reexport=first.batch)
    assert [b["batch"] for b in session.batches(firm["client"])] == [1] and not list(tmp_path.glob("b*"))


def test_each_file_of_a_split_export_lists_the_transactions_it_carries(session, firm, tmp_path, monkeypatch):
    """A batch's files record which transactions each carries, in file order: parsed back,
    every file's FITIDs are those of its listed transactions."""
    import dataclasses

    from ledgerkit import export as export_pkg
    from ledgerkit.export.splitting import Limit
    monkeypatch.setitem(export_pkg.FORMATS, "qbo", dataclasses.replace(
        export_pkg.FORMATS["qbo"], limit=Limit(2_000, None, "a small limit")))
    res = session.export(firm["client"], "qbo", tmp_path / "split.qbo")
    assert len(res.files) > len({f.account_id for f in res.files})          # at least one account was cut
    it = items(session, res.batch)
    fitids = dict(zip(it["transaction_id"], it["fitid"], strict=True))
    with session.store.connect() as conn:
        listed = {r.seq: r.transaction_ids for r in conn.execute(
            sa.select(xt.export_files).where(xt.export_files.c.batch_id == res.batch))}
    assert sorted(listed) == list(range(1, len(res.files) + 1))
    for seq, f in enumerate(res.files, 1):
        stmt = parse_ofx(Path(f.path).read_bytes()).statements[0]
        assert len(listed[seq]) == f.transactions == len(stmt.transactions)
        assert [t.fitid for t in stmt.transactions] == [fitids[t] for t in listed[seq]]
    assert sorted(t for ids in listed.values() for t in ids) == sorted(it.filter("written")["transaction_id"])


def _select_both_ways(session, firm, monkeypatch) -> tuple[pl.DataFrame, pl.DataFrame, list[str]]:
    """The export frame read packed (one text per column) and row by row; which way each read went."""
    used: list[str] = []
    real_packed, real_rows = batches._read_packed, batches._read_rows

    def packed(*a, **k):
        out = real_packed(*a, **k)
        used.append("packed" if out is not None else "fell back")
        return out

    def rows(*a, **k):
        used.append("rows")
        return real_rows(*a, **k)

    monkeypatch.setattr(batches, "_read_packed", packed)
    monkeypatch.setattr(batches, "_read_rows", rows)
    with session.store.connect() as conn:
        first = batches.select(session.store, conn, firm["client"].id, states=None)
        monkeypatch.setattr(batches, "_read_packed", lambda *a, **k: None)
        second = batches.select(session.store, conn, firm["client"].id, states=None)
    return first, second, used


def test_packed_read_gives_the_row_read_frame(session, firm, monkeypatch):
    """Every column of the export frame (texts with accents and '&', null splits and
    transfers, dates, booleans) is the same whichever way the rows were read."""
    firm_mod.code(session, firm["chk"][2], payee="Café Müller & Sons <x>", memo="", account="Meals",
                  splits=[{"account": "Meals", "amount": -100, "memo": "a", "class": ""},
                          {"account": "Supplies", "amount": -350, "memo": "", "class": "Ops"}])   # of -4.50
    packed, rows, used = _select_both_ways(session, firm, monkeypatch)
    assert used[0] == "packed"
    assert packed.height == rows.height == 17
    assert packed.equals(rows)


def test_a_value_holding_the_separator_is_read_row_by_row(session, firm, monkeypatch):
    firm_mod.code(session, firm["chk"][3], payee="ACME\x1fSUPPLY", account="Supplies")
    packed, rows, used = _select_both_ways(session, firm, monkeypatch)
    assert used[:2] == ["fell back", "rows"]
    assert packed.equals(rows)
    assert "ACME\x1fSUPPLY" in packed["payee"].to_list()


def test_exported_files_get_the_users_usual_mode(session, firm, tmp_path):
    """Not the private 0600 of a temporary file: 0666 less the umask, like any file the user saves."""
    old = os.umask(0o022)
    try:
        res = session.export(firm["client"], "qbo", tmp_path / "m.qbo")
    finally:
        os.umask(old)
    assert {oct(Path(f.path).stat().st_mode & 0o777) for f in res.files} == {oct(0o644)}
