"""Fixtures of the export tests: the demo firm in a fresh workspace, fixed clock."""

from __future__ import annotations

import io
import warnings

import pytest

from . import firm as firm_mod

EPOCH = "1769860800"   # 2026-01-31 12:00:00 UTC: DTSERVER of every golden file


@pytest.fixture
def fixed_clock(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


@pytest.fixture
def firm(session, fixed_clock):
    return firm_mod.build(session)


def parse_ofx(data: bytes):
    """Parse OFX/QBO bytes with ofxtools (strict: element order, required elements)."""
    from ofxtools.Parser import OFXTree
    tree = OFXTree()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # "private extension tag <INTU.BID>"
        tree.parse(io.BytesIO(data))
        return tree.convert()
