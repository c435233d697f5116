"""Golden files: every export format on the export demo firm (``firm.build``).

Regenerate with ``LEDGERKIT_REGEN_GOLDEN=1 .venv/bin/pytest tests/export/test_golden.py``
and review the diff. The clock is fixed (SOURCE_DATE_EPOCH) so DTSERVER is stable.
Golden files are stored with "\\n"; the CRLF of the real files is checked separately.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ledgerkit.export import FORMATS

from ..golden import assert_golden

GOLDEN = Path(__file__).parent / "golden"
CRLF_FORMATS = {"qbo", "ofx", "iif", "qbo-csv", "xero-csv", "qif"}


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_golden(session, firm, tmp_path, fmt):
    lists = fmt in ("iif", "beancount", "ledger")
    res = session.export(firm["client"], fmt, tmp_path / f"demo{FORMATS[fmt].extension}", lists=lists)
    for f in res.files:
        data = Path(f.path).read_bytes()
        text = data.decode("utf-8")
        if fmt in CRLF_FORMATS:
            assert "\n" not in text.replace("\r\n", ""), "line endings must be CRLF"
        assert_golden(GOLDEN / fmt / Path(f.path).name, text.replace("\r\n", "\n"))
