"""Benchmark: the bookkeeper's dashboard in a real browser (Voila + Playwright + Debian Chromium).

Why: the dashboard is what bookkeepers look at all day; the issue sets three targets on this
2-core machine with a preheated kernel:

  a. open: the dashboard is interactive (client cards clickable) within 4 s of opening the page;
  b. switch: picking a client with 100k transactions shows it within 1.5 s (its accounts and
     balances; the grid pages, so the browser never receives 100k rows);
  c. edit: an edited cell is saved within 0.5 s of pressing Enter.

The workspace is the demo firm plus "Zenith Wholesale", one checking account with a
deterministic 100k-transaction OFX file (``bench_ofx.generate``), imported through the Session
like any upload. It is built once into ``benchmarks/out/dashboard-ws-<n>/`` and reused until the
store's table definitions (``ledgerkit/store/*.py``) change.
Voila runs as ``tests/browser/harness.Voila`` starts it (ledgerkit template, preheated kernel,
127.0.0.1). Each repeat opens a fresh browser on a freshly preheated kernel.

Also timed: for the 100k client, the time until the overview's counts and chart are filled and
until the transaction grid shows its first page, and edits on the demo client and the 100k one.
Prints a markdown table and writes ``benchmarks/out/dashboard.json``.

Run: .venv/bin/python benchmarks/bench_dashboard.py [--transactions 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import platform
import re
import shutil
import statistics
import sys
import time
from pathlib import Path

from common import OUT, ROOT, save

sys.path.insert(0, str(ROOT))

from tests.browser.harness import (
    CHROMIUM,
    Voila,
    banner_text,
    canvas_painted,
    chromium,
    grid_cell_center,
    real_errors,
    tab,
    wait_banner,
    wait_for,
)
from widgets.transactions_model import STATE_FILTERS
from widgets.transactions_view import COLUMN_WIDTHS, HEADER_SIZE, ROW_HEADER_SIZE, ROW_SIZE

BIG = "Zenith Wholesale"
SMALL = "Acme Dental"
TARGETS = {"open_s": 4.0, "switch_s": 1.5, "edit_small_s": 0.5}


def build_workspace(n: int) -> Path:
    from bench_ofx import generate

    from ledgerkit import Session
    from ledgerkit.demo import build_demo

    ws = OUT / f"dashboard-ws-{n}"
    done = ws / ".complete"
    stamp = schema_stamp()
    if done.exists() and done.read_text() == stamp:
        return ws
    if ws.exists():     # built by an older schema (the store has no migrations for it): build again
        shutil.rmtree(ws)
    print(f"building the workspace ({n:,} transactions) in {ws} ...", flush=True)
    t = time.perf_counter()
    with Session(ws, actor="bench") as s:
        build_demo(s)
        ofx = generate(OUT / f"dashboard-{n}.ofx", n)
        client = s.add_client(BIG, "ap@zenith.example")
        record = s.import_files(client, [ofx])
        assert record.added == n, record
    done.write_text(stamp)
    print(f"built in {time.perf_counter() - t:.1f} s", flush=True)
    return ws


def schema_stamp() -> str:
    """The store's table definitions: a workspace built under others is built again."""
    store = ROOT / "ledgerkit" / "store"
    return hashlib.sha256(b"".join(p.read_bytes() for p in sorted(store.glob("*.py")))).hexdigest()


def cell(page, row: int, column: str):
    return grid_cell_center(page, row, column, COLUMN_WIDTHS, ROW_HEADER_SIZE, HEADER_SIZE, ROW_SIZE)


ACCOUNT_NAMES: dict[str, list[str]] = {}


def account_names(ws: Path) -> None:
    from ledgerkit import Session
    with Session(ws, actor="bench") as s:
        for name in (SMALL, BIG):
            ACCOUNT_NAMES[name] = [a.name for a in s.accounts(s.client(name))]


def accounts_shown(page, name: str) -> bool:
    """The client's header and every one of its accounts with its balance in the overview table."""
    if name not in page.inner_text(".lk-client-header"):
        return False
    table = page.inner_text(".lk-overview-table")
    return all(a in table for a in ACCOUNT_NAMES[name]) and not any(
        a in table for other, names in ACCOUNT_NAMES.items() if other != name for a in names)


def one_run(server: Voila, n: int, run: int) -> dict:
    out: dict = {}
    with chromium() as (page, errors):
        try:
            return _steps(page, errors, server, n, run, out)
        except Exception:
            page.screenshot(path=str(OUT / f"dashboard-failed-run{run + 1}.png"), full_page=True)
            raise


def _steps(page, errors, server: Voila, n: int, run: int, out: dict) -> dict:
    if True:
        watch_frames(page)
        start = time.monotonic()
        page.goto(server.url, timeout=120_000)
        page.wait_for_selector(".lk-card-name", state="visible", timeout=120_000)
        out["open_s"] = time.monotonic() - start

        # a small client first, so the switch to the big one is a real switch
        page.click(f".lk-card-name:has-text('{SMALL}')")
        wait_for(lambda: accounts_shown(page, SMALL), 60, what="the small client")
        wait_for(lambda: "counting" not in page.inner_text(".lk-overview"), 60, what="small counts")

        start = time.monotonic()
        page.click(f".lk-card-name:has-text('{BIG}')")
        wait_for(lambda: accounts_shown(page, BIG), 60, interval=0.02, what="the big client's accounts")
        out["switch_s"] = time.monotonic() - start
        wait_for(lambda: "counting" not in page.inner_text(".lk-overview")
                 and page.evaluate("() => { const i = document.querySelector('img.lk-chart');"
                                   " return !!i && i.naturalWidth > 0; }"), 120, what="the big client's chart")
        out["switch_counts_chart_s"] = time.monotonic() - start

        tab(page, "Transactions")
        start = time.monotonic()
        page.wait_for_selector(".lk-tx-range", timeout=120_000)
        wait_for(lambda: "Rows 1–" in page.inner_text(".lk-tx-range") and canvas_painted(page), 120,
                 what="the big grid")
        out["grid_first_page_s"] = time.monotonic() - start
        big_range = page.inner_text(".lk-tx-range")

        # away to the small client and back, with the grid showing (the big frame stays cached)
        page.click(f".lk-card-name:has-text('{SMALL}')")
        wait_for(lambda: page.inner_text(".lk-tx-range") != big_range, 60, what="the small grid")
        start = time.monotonic()
        page.click(f".lk-card-name:has-text('{BIG}')")
        wait_for(lambda: page.inner_text(".lk-tx-range") == big_range and canvas_painted(page), 60,
                 interval=0.02, what="the big grid again")
        out["switch_back_grid_s"] = time.monotonic() - start

        stamp = time.strftime("%H:%M:%S")
        out["edit_big_s"], out["edit_big_server_s"] = edit_first_gold(page, f"bench edit {stamp} (big)")
        page.click(f".lk-card-name:has-text('{SMALL}')")
        wait_for(lambda: SMALL in page.inner_text(".lk-client-header"), 60, what="small client")
        wait_for(lambda: canvas_painted(page), 30, what="paint")
        out["edit_small_s"], out["edit_small_server_s"] = edit_first_gold(page, f"bench edit {stamp} (small)")
        out["console_errors"] = real_errors(errors)
        return out


FRAMES: list[tuple[str, str]] = []     # ("sent" | "received", payload) of the page's websocket frames
DATE = re.compile(r'"date": ?"([^"]+)"')


def watch_frames(page) -> None:
    def record(kind: str, payload) -> None:
        FRAMES.append((kind, payload if isinstance(payload, str) else payload.decode("utf-8", "replace")))

    page.on("websocket", lambda ws: (ws.on("framesent", lambda p: record("sent", p)),
                                     ws.on("framereceived", lambda p: record("received", p))))


def sent_at(payload: str) -> dt.datetime:
    """A Jupyter message's own send time: its header's ``date`` (the header comes first in the frame;
    the browser stamps what it sends, the kernel what it sends, on the same machine's clock)."""
    return dt.datetime.fromisoformat(DATE.search(payload).group(1))


def edit_first_gold(page, text: str) -> tuple[float, float]:
    """(Enter -> "Saved" shown in the page, the edit's message sent -> the kernel sending "Saved").
    The second is the server's share, from the two messages' own header dates: the page cannot time
    it (its main thread is busy repainting the grid while the answer arrives; Playwright's and the
    DevTools' frame events are held up by it too). The rest is the browser: the grid committing the
    edit and repainting."""
    before = page.inner_text(".lk-tx-range")
    page.select_option(".lk-tx-state select", label=STATE_FILTERS["gold"][0])
    wait_for(lambda: page.inner_text(".lk-tx-range") != before, 60, what="the GOLD page")
    wait_for(lambda: canvas_painted(page), 60, what="the GOLD page painted")
    time.sleep(2)       # let the kernel finish what the last clicks queued: only the edit is timed
    if page.query_selector(".lk-status .lk-banner"):
        page.click("button.lk-dismiss")
    x, y = cell(page, 0, "description")
    page.mouse.dblclick(x, y)
    editor = page.wait_for_selector(".lm-DataGrid-cellEditorInput", timeout=10_000)
    editor.press("Control+a")
    editor.type(text)
    FRAMES.clear()
    start = time.monotonic()
    editor.press("Enter")
    wait_banner(page, "Saved the description", 120)
    done = time.monotonic()
    assert re.search(r"transaction \d+", banner_text(page))
    time.sleep(1)       # the grid's follow-up (the row's new state and explanation) before the next step
    edit = next(data for kind, data in FRAMES if kind == "sent" and "cell-changed" in data and text in data)
    saved = next(data for kind, data in FRAMES if kind == "received" and "Saved the description" in data)
    page.select_option(".lk-tx-state select", label=STATE_FILTERS["waiting"][0])
    return done - start, (sent_at(saved) - sent_at(edit)).total_seconds()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--transactions", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    if not CHROMIUM.exists():
        print("skipped: /usr/bin/chromium is missing (apt-get install -y chromium chromium-driver)")
        return 0
    ws = build_workspace(args.transactions)
    account_names(ws)
    runs = []
    for r in range(args.repeat):
        # a fresh server per run: its preheated kernel is the one the page gets, and the pool refill (which
        # runs the whole notebook again) is delayed past the measurements
        with Voila(ws, OUT / f"dashboard-voila-{r + 1}.log", fill_delay=900) as server:
            waited = server.wait_preheated(300)
            load = os.getloadavg()[0]
            result = one_run(server, args.transactions, r)   # a screenshot lands in benchmarks/out/ on failure
        result["preheat_s"] = round(waited, 1)
        result["load_before"] = round(load, 2)
        runs.append(result)
        print(f"run {r + 1}: " + ", ".join(f"{k}={v:.2f}" for k, v in result.items() if isinstance(v, float)),
              flush=True)
    keys = [k for k in runs[0] if k.endswith("_s") and k != "preheat_s"]
    summary = {k: round(statistics.median(r[k] for r in runs), 3) for k in keys}
    data = {"transactions": args.transactions, "repeat": args.repeat, "machine": platform.platform(),
            "cpus": os.cpu_count(), "median": summary, "runs": runs, "targets": TARGETS}
    path = save("dashboard", data)
    print(f"\n| measure (median of {args.repeat}) | seconds | target |")
    print("|---|---:|---:|")
    labels = {"open_s": "open page -> client cards clickable (preheated)",
              "switch_s": f"pick the {args.transactions:,}-transaction client -> its accounts and balances",
              "switch_counts_chart_s": "... -> its waiting counts and balance chart",
              "grid_first_page_s": "Transactions tab -> first grid page painted",
              "switch_back_grid_s": "switch back to it with the grid showing (cached frame)",
              "edit_big_s": f"edit saved after Enter, {args.transactions:,}-transaction client",
              "edit_small_s": "edit saved after Enter, demo client (301 transactions)",
              "edit_big_server_s": "... of which the server: the edit's message sent -> the kernel sends Saved (100k client)",
              "edit_small_server_s": "... of which the server: the edit's message sent -> the kernel sends Saved (demo client)"}
    missed = []
    for k in keys:
        target = TARGETS.get(k)
        mark = ""
        if target is not None:
            mark = f"{target}" + (" ✓" if summary[k] <= target else " ✗")
            if summary[k] > target:
                missed.append(k)
        print(f"| {labels.get(k, k)} | {summary[k]:.2f} | {mark} |")
    print(f"\nwritten {path}")
    errors = [e for r in runs for e in r["console_errors"]]
    if errors:
        print("console errors:", errors[:5])
    return 1 if missed or errors else 0


if __name__ == "__main__":
    sys.exit(main())
