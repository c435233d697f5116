"""Browser fixtures: the demo firm in a fresh workspace, Voila on it, one Chromium page for the module."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

import pytest

from .harness import CHROMIUM, REPO, Voila, chromium

ARTIFACTS = REPO / "tests" / "artifacts"
SAMPLE = REPO / "sample_data" / "firm"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    page = item.funcargs.get("browser_page") if hasattr(item, "funcargs") else None
    if report.when == "call" and report.failed and page is not None:
        with contextlib.suppress(Exception):
            shot(page, f"FAILED-{item.name}")


@pytest.fixture(scope="module")
def demo_workspace(tmp_path_factory):
    try:
        from ledgerkit.demo import build_demo
    except ImportError:
        pytest.skip("ledgerkit.demo (build_demo) is not there yet")
    if not (SAMPLE / "firm.json").exists():
        pytest.skip("the demo firm is missing: run .venv/bin/python sample_data/generate.py")
    from ledgerkit import Session
    ws = tmp_path_factory.mktemp("demo") / "ws"
    with Session(ws, actor="bookkeeper") as s:
        build_demo(s)
    return ws


@pytest.fixture(scope="module")
def voila(demo_workspace):
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is missing (apt-get install -y chromium chromium-driver; .ci/run does)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with Voila(demo_workspace, ARTIFACTS / "voila-e2e.log", extra_env={"LEDGERKIT_USER": "bookkeeper"}) as server:
        server.preheated_after = server.wait_preheated()
        yield server


@pytest.fixture(scope="module")
def browser_page(voila):
    with chromium() as (page, errors):
        start = time.monotonic()
        page.goto(voila.url, timeout=60_000)
        page.wait_for_selector(".lk-client-card-name, .lk-card-name", timeout=60_000)
        page.opened_in = time.monotonic() - start
        page.console_errors = errors
        yield page


def shot(page, name: str) -> Path:
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
