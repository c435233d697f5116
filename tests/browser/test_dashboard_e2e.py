"""The bookkeeper's day in a real browser, on the demo firm.

Voila serves ``notebooks/dashboard.ipynb`` on 127.0.0.1 and Playwright drives
Debian's Chromium. The tests run in file order on one page: open the
dashboard, pick a client, edit a description (checked in the database), code
a GOLD check side by side with the keyboard, import the next month through the
page, bulk-approve, export QBO and validate the downloaded file. Every panel is
saved as a screenshot in ``tests/artifacts/``.
"""

from __future__ import annotations

import json
import re
import time

import polars as pl
import pytest

from ledgerkit import Session
from widgets.transactions_model import STATE_FILTERS
from widgets.transactions_view import COLUMN_WIDTHS, HEADER_SIZE, ROW_HEADER_SIZE, ROW_SIZE

from .conftest import ARTIFACTS, SAMPLE, shot
from .harness import (
    banner_text,
    canvas_painted,
    drop_files,
    grid_cell_center,
    real_errors,
    tab,
    wait_banner,
    wait_for,
)

pytestmark = pytest.mark.browser
CLIENT = "Acme Dental"
TIMINGS: dict[str, float] = {}


def manifest() -> dict:
    return json.loads((SAMPLE / "firm.json").read_text())


def acme() -> dict:
    return next(c for c in manifest()["clients"] if c["name"] == CLIENT)


def frame(workspace) -> pl.DataFrame:
    with Session(workspace, actor="checker") as s:
        return s.review_frame(s.client(CLIENT))


def no_widget_errors(page) -> None:
    body = page.inner_text("body")
    for bad in ("Error displaying widget", "model not found", "Traceback"):
        assert bad not in body, f"{bad!r} on the page"


def wait_grid(page) -> None:
    wait_for(lambda: canvas_painted(page), 30, what="the grid to paint")
    time.sleep(0.3)


def cell(page, row: int, column: str) -> tuple[float, float]:
    return grid_cell_center(page, row, column, COLUMN_WIDTHS, ROW_HEADER_SIZE, HEADER_SIZE, ROW_SIZE)


def test_01_dashboard_opens_without_widget_errors(browser_page, voila):
    page = browser_page
    TIMINGS["open_to_clients_s"] = round(page.opened_in, 2)
    assert page.opened_in < 30
    no_widget_errors(page)
    assert page.locator(".lk-card").count() == len(manifest()["clients"])
    shot(page, "01-clients")


def test_02_pick_client_shows_overview_and_chart(browser_page):
    page = browser_page
    start = time.monotonic()
    page.click(f".lk-card-name:has-text('{CLIENT}')")
    page.wait_for_selector(".lk-open-account", timeout=30_000)
    TIMINGS["pick_client_to_accounts_s"] = round(time.monotonic() - start, 2)
    wait_for(lambda: page.evaluate("() => { const i = document.querySelector('img.lk-chart');"
                                   " return !!i && i.naturalWidth > 0; }"), 30, what="the balance chart")
    assert page.locator(".lk-open-account").count() == len(acme()["accounts"])
    no_widget_errors(page)
    shot(page, "02-overview")


def test_03_edit_a_description_in_place_is_saved_by_id(browser_page, demo_workspace):
    page = browser_page
    tab(page, "Transactions")
    page.wait_for_selector(".lk-grid", timeout=30_000)
    wait_grid(page)
    shot(page, "03-transactions")
    page.select_option(".lk-tx-state select", label=STATE_FILTERS["gold"][0])
    page.fill(".lk-tx-search input", "USPS")               # a card payee, not a check
    page.press(".lk-tx-search input", "Enter")
    wait_for(lambda: "page 1 of 1" in page.inner_text(".lk-tx-range"), 30, what="the USPS rows")
    wait_grid(page)
    x, y = cell(page, 0, "description")
    page.mouse.dblclick(x, y)
    editor = page.wait_for_selector(".lm-DataGrid-cellEditorInput", timeout=10_000)
    editor.press("Control+a")
    new_text = "Edited in the browser test"
    editor.type(new_text)
    start = time.monotonic()
    editor.press("Enter")
    wait_banner(page, "Saved the description", 15)
    TIMINGS["edit_enter_to_saved_s"] = round(time.monotonic() - start, 3)
    txn_id = int(re.search(r"transaction (\d+)", banner_text(page)).group(1))
    stored = frame(demo_workspace).filter(pl.col("id") == txn_id)
    assert stored["description"][0] == new_text          # persisted, by transaction id
    assert "USPS" in stored["bank_description"][0]
    shot(page, "03-transactions-edited")
    page.fill(".lk-tx-search input", "")
    page.press(".lk-tx-search input", "Enter")
    no_widget_errors(page)


def test_04_an_invalid_edit_is_refused_with_a_message(browser_page):
    page = browser_page
    x, y = cell(page, 1, "date")
    page.mouse.dblclick(x, y)
    editor = page.wait_for_selector(".lm-DataGrid-cellEditorInput", timeout=10_000)
    editor.press("Control+a")
    editor.type("1999-01-01")
    editor.press("Enter")
    wait_for(lambda: "cannot be edited" in banner_text(page), 15, what="the refusal")
    assert page.query_selector(".lk-banner-error")
    page.click("button.lk-dismiss")


def test_05_code_a_gold_check_side_by_side_with_the_keyboard(browser_page, demo_workspace):
    page = browser_page
    tab(page, "Checks")
    page.wait_for_selector(".lk-check-image img", timeout=30_000)
    position = page.inner_text(".lk-checks .widget-html b")
    assert re.match(r"1 of \d+ checks to code", position), position
    page.keyboard.press("Alt+n")                           # next
    wait_for(lambda: page.inner_text(".lk-checks .widget-html b").startswith("2 of"), 10, what="Alt+N")
    page.keyboard.press("Alt+p")                           # previous
    wait_for(lambda: page.inner_text(".lk-checks .widget-html b").startswith("1 of"), 10, what="Alt+P")
    facts = page.inner_text(".lk-check-facts")
    number = re.search(r"Check number\s+(\d+)", facts).group(1)
    payee = next(c["payee"] for a in acme()["accounts"] for c in a.get("checks", []) if c["check_number"] == number)
    page.fill(".lk-check-payee input", payee)
    page.fill(".lk-check-account input", "Rent Expense")
    shot(page, "05-check-side-by-side")
    page.keyboard.press("Control+Enter")                   # save
    wait_banner(page, f"Coded check {number}", 20)
    f = frame(demo_workspace)
    row = f.filter(pl.col("check_number") == number)
    assert row["state"][0] == "red" and row["payee"][0] == payee and row["account"][0] == "Rent Expense"
    TIMINGS["coded_check"] = int(number)
    no_widget_errors(page)


def test_06_importing_the_next_month_through_the_page_makes_that_payee_red(browser_page, demo_workspace):
    page = browser_page
    number = str(TIMINGS.get("coded_check") or pytest.skip("no check was coded"))
    checks = [c for a in acme()["accounts"] for c in a.get("checks", [])]
    payee = next(c["payee"] for c in checks if c["check_number"] == number)
    june = [c for c in checks if c["path"].startswith("next_month/") and c["payee"] == payee]
    files = [SAMPLE / f for a in acme()["accounts"] for f in a.get("next_month_files", [])]
    files += [SAMPLE / c["path"] for c in checks if c["path"].startswith("next_month/")]
    drop_files(page, files)                                # dragged onto the page
    wait_banner(page, "Imported", 60)
    assert "rejected" not in banner_text(page), banner_text(page)
    f = frame(demo_workspace)
    states = {c["check_number"]: f.filter(pl.col("check_number") == c["check_number"])["state"].to_list()
              for c in june}
    assert states and all(v for v in states.values()), f"June checks to {payee} were not imported: {states}"
    assert all(v == ["red"] for v in states.values()), (
        f"coding check {number} to {payee!r} was not remembered: June's check(s) arrive as {states}")


def test_07_deposits_statements_and_rules_panels(browser_page):
    page = browser_page
    tab(page, "Deposits")
    page.wait_for_selector(".lk-deposit-image", timeout=30_000)
    time.sleep(0.5)
    shot(page, "07-deposits")
    tab(page, "Statements")
    page.wait_for_selector(".lk-statement-viewer iframe", timeout=30_000)
    time.sleep(1.5)
    shot(page, "07-statements")
    tab(page, "Rules")
    page.wait_for_selector(".lk-rule-editor", timeout=30_000)
    page.fill(".lk-rule-name input", "Toothsoft software")
    page.fill(".lk-rule-value input", "TOOTHSOFT")
    page.press(".lk-rule-value input", "Enter")
    page.fill(".lk-rule-account input", "Software Subscriptions")
    page.click("button.lk-rule-preview")
    wait_for(lambda: "would change" in page.inner_text(".lk-rule-preview-result"), 60, what="the rule preview")
    shot(page, "07-rules-preview")
    no_widget_errors(page)


def test_08_bulk_approve_selected_rows(browser_page, demo_workspace):
    page = browser_page
    tab(page, "Transactions")
    page.select_option(".lk-tx-state select", label=STATE_FILTERS["red"][0])
    wait_for(lambda: "page 1 of" in page.inner_text(".lk-tx-range"), 30, what="the RED page")
    wait_grid(page)
    approved_before = frame(demo_workspace).filter(pl.col("state") == "approved").height
    x0, y0 = cell(page, 0, "date")
    x2, y2 = cell(page, 2, "date")
    page.mouse.click(x0, y0)
    page.keyboard.down("Shift")
    page.mouse.click(x2, y2)
    page.keyboard.up("Shift")
    wait_for(lambda: "3 rows selected" in page.inner_text(".lk-tx-selection"), 15, what="3 selected rows")
    page.click("button.lk-tx-approve")
    wait_banner(page, "Approved 3 transactions", 30)
    assert frame(demo_workspace).filter(pl.col("state") == "approved").height == approved_before + 3
    shot(page, "08-bulk-approved")


def test_09_export_qbo_and_download_a_valid_file(browser_page, demo_workspace):
    from ofxtools.Parser import OFXTree

    page = browser_page
    tab(page, "Export")
    page.wait_for_selector(".lk-export-preview", timeout=30_000)
    wait_for(lambda: "will go" in page.inner_text(".lk-export-preview"), 30, what="the export preview")
    count = int(re.search(r"(\d+)\s+approved", page.inner_text(".lk-export-preview")).group(1))
    assert count >= 3
    page.click("button.lk-export-button")
    page.wait_for_selector(".lk-export-downloads a.lk-download", timeout=60_000)
    shot(page, "09-export")
    written = 0
    links = page.query_selector_all(".lk-export-downloads a.lk-download")
    for i, link in enumerate(links):
        with page.expect_download() as info:
            link.click()
        target = ARTIFACTS / f"export-{i + 1}-{info.value.suggested_filename}"
        info.value.save_as(str(target))
        assert target.suffix == ".qbo"
        tree = OFXTree()
        tree.parse(str(target))
        ofx = tree.convert()
        for stmt in ofx.statements:
            written += len(stmt.transactions)
    assert written == count
    with Session(demo_workspace, actor="checker") as s:
        assert s.batches(s.client(CLIENT))[0]["transactions"] == count
    assert frame(demo_workspace).filter(pl.col("state") == "exported").height >= count


def test_10_add_client_wizard(browser_page, demo_workspace):
    page = browser_page
    page.click("button.lk-add-client")
    page.wait_for_selector(".lk-wizard", timeout=10_000)
    page.fill(".lk-wiz-name input", "Dogwood Florists")
    page.fill(".lk-wiz-email input", "hello@dogwood.example")
    shot(page, "10-wizard-1")
    page.click("button.lk-wiz-next")
    page.wait_for_selector(".lk-wiz-invite", timeout=10_000)
    page.click(".lk-wiz-invite label:has-text('Copy an invitation link')")
    shot(page, "10-wizard-2")
    page.click("button.lk-wiz-next")
    page.wait_for_selector(".lk-wiz-acc-name", timeout=10_000)
    page.fill(".lk-wiz-acc-name input", "Operating")
    page.click("button.lk-wiz-acc-add")
    wait_for(lambda: "Accounts added: Operating" in page.inner_text(".lk-wizard"), 10, what="the account")
    shot(page, "10-wizard-3")
    page.click("button.lk-wiz-next")
    page.click("button.lk-wiz-next")                       # "Open client"
    wait_for(lambda: "Dogwood Florists" in page.inner_text(".lk-client-header"), 15, what="the new client")
    with Session(demo_workspace, actor="checker") as s:
        assert [a.name for a in s.accounts(s.client("Dogwood Florists"))] == ["Operating"]
    no_widget_errors(page)


def test_99_no_console_errors_and_no_internet_fonts(browser_page):
    errors = browser_page.console_errors
    assert real_errors(errors) == [], real_errors(errors)
    assert not [e for e in errors if "jsdelivr" in e or "fonts.g" in e], "the page asked the internet for fonts"
    (ARTIFACTS / "e2e-timings.json").write_text(json.dumps(TIMINGS, indent=2))
