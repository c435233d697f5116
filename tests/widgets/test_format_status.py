"""Display formatting and the status banner/guard."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ledgerkit.errors import Invalid, NotFound
from widgets import format as fmt
from widgets.status_model import StatusModel
from widgets.status_view import StatusView


def test_money_formats_decimal_and_minor_units():
    assert fmt.money(Decimal("-1234.5")) == "-1,234.50"
    assert fmt.money(-123456, "USD", minor=True) == "-1,234.56"
    assert fmt.money(1500, "JPY", minor=True) == "1,500"
    assert fmt.money(Decimal("2"), "USD", symbol=True) == "2.00 USD"
    assert fmt.money(None) == ""


def test_parse_money_accepts_what_people_type_and_refuses_the_rest():
    assert fmt.parse_money("1,234.50") == Decimal("1234.50")
    assert fmt.parse_money("(12.50)") == Decimal("-12.50")
    with pytest.raises(Invalid, match="not an amount"):
        fmt.parse_money("twelve")
    with pytest.raises(Invalid, match="decimals"):
        fmt.parse_money("1.234")


def test_dates_and_ages():
    today = dt.date(2026, 3, 10)
    assert fmt.date(dt.date(2026, 1, 2)) == "2026-01-02"
    assert fmt.age(today, today) == "today"
    assert fmt.age(dt.date(2026, 3, 9), today) == "yesterday"
    assert fmt.age(dt.date(2026, 3, 1), today) == "9 days ago"
    assert fmt.age(None) == "no data"
    assert fmt.parse_date("") is None
    with pytest.raises(Invalid):
        fmt.parse_date("10/03/2026")


def test_badges_escape_and_colour():
    html = fmt.state_badges(3, 0, 12)
    assert "lk-badge-gold" in html and ">3<" in html and ">12<" in html
    assert "&lt;b&gt;" in fmt.badge("gold", "<b>")


def test_guard_shows_user_errors_plainly():
    status = StatusModel()

    @status.guard(doing="open the client")
    def fails():
        raise NotFound("no client 'X' (use an id or the exact name)")

    assert fails() is None
    assert status.level == "error"
    assert "Could not open the client: no client 'X'" in status.message
    assert status.details == ""


def test_guard_shows_faults_with_details_and_what_to_do():
    status = StatusModel()
    status.guard(lambda: 1 / 0)()
    assert status.level == "error"
    assert "ZeroDivisionError" in status.message
    assert "Traceback" in status.details
    assert "Try it once more" in status.hint


def test_task_drives_the_progress_bar_and_always_ends():
    status = StatusModel()
    view = StatusView(status)
    seen = []
    status.observe(lambda ch: seen.append(ch["new"]), names="busy")
    with pytest.raises(RuntimeError), status.task("Importing") as step:
        step(0.5, "half way")
        assert view.progress_box.layout.display == "flex"
        assert view.bar.value == 0.5
        assert "half way" in view.bar_label.value
        raise RuntimeError("boom")
    assert seen == [True, False]
    assert view.progress_box.layout.display == "none"


def test_status_view_renders_and_dismisses():
    status = StatusModel()
    view = StatusView(status)
    assert view.banner_box.layout.display == "none"
    status.error("File rejected <x>", "Fix it", "line 3: bad date")
    assert "lk-banner-error" in view.banner.value
    assert "&lt;x&gt;" in view.banner.value and "Fix it" in view.banner.value and "<details" in view.banner.value
    view.dismiss.click()
    assert status.level == "" and view.banner_box.layout.display == "none"
