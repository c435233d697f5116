"""Shared fixtures: a fresh workspace (real SQLite file) and a session on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledgerkit import Session

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
SAMPLE = REPO / "sample_data" / "firm"


@pytest.fixture
def session(tmp_path: Path):
    s = Session(tmp_path / "ws", actor="tester")
    yield s
    s.close()


@pytest.fixture
def client(session):
    return session.add_client("Acme Dental", "office@acme.test")


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p
