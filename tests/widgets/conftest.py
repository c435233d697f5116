"""Fixtures for headless dashboard tests: a real SQLite workspace filled through ingest."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledgerkit import Session

from . import support


@pytest.fixture
def fake_importer(monkeypatch):
    return support.install(monkeypatch)


@pytest.fixture
def session(tmp_path: Path):
    s = Session(tmp_path / "ws", actor="tester")
    yield s
    s.close()


@pytest.fixture
def firm(session, fake_importer):
    """Two clients: Acme (two accounts, 30 transactions, a check image, a statement) and Birch (5)."""
    acme = session.add_client("Acme Dental", "office@acme.test")
    birch = session.add_client("Birch Bakery", "hello@birch.test")
    rows = []
    for i in range(30):
        account = "1001" if i % 3 else "2002"
        day = f"2025-01-{i + 1:02d}"
        if i == 4:
            rows.append(("1001", day, "-250.00", "", "CHECK 1044", "1044", f"A{i}"))
        elif i == 7:
            rows.append(("1001", day, "1200.00", "", "DEPOSIT", "", f"A{i}"))
        else:
            rows.append((account, day, f"-{10 + i}.25", f"Vendor {i % 5}", f"CARD PURCHASE VENDOR {i % 5}", "",
                         f"A{i}"))
    assert session.import_bytes(acme, "acme.csv", support.csv_bytes(rows)).added == 30
    assert session.import_bytes(acme, "check-1044-250.00.png", support.png_bytes(text="CHECK 1044")).status.value == "imported"
    assert session.import_bytes(acme, "deposit-1200.00-2025-01-08.png", support.png_bytes(text="DEPOSIT")).status.value \
        == "imported"
    assert session.import_bytes(acme, "statement_1001_2025-01-01_2025-01-31.pdf",
                                support.pdf_bytes()).status.value == "imported"
    session.import_bytes(birch, "birch.csv", support.random_csv(5, ("3003",), seed=3))
    return {"acme": acme, "birch": birch}


def needs(session, *names: str) -> None:
    """Skip when the core does not have the review/export methods a test exercises yet."""
    missing = [n for n in names if not callable(getattr(session, n, None))]
    if missing:
        pytest.skip(f"the core has no Session.{', Session.'.join(missing)} yet (review/export engine pending)")
