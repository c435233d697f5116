"""Golden files: compare produced text with a file kept beside the test input.

Why: importers and exporters have many small cases whose exact output matters;
a readable expected file beside each input shows a reviewer what changed.
Set ``LEDGERKIT_REGEN_GOLDEN=1`` to (re)write the golden files instead of
comparing, then review the diff before committing.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

REGEN_ENV = "LEDGERKIT_REGEN_GOLDEN"


def regenerating() -> bool:
    return os.environ.get(REGEN_ENV, "") not in ("", "0")


def assert_golden(path: str | Path, text: str) -> None:
    """Assert ``text`` equals the content of ``path`` (UTF-8, "\\n" line ends).

    With ``LEDGERKIT_REGEN_GOLDEN=1`` the file is written instead. A missing
    golden file fails with a hint rather than being created silently.
    """
    path = Path(path)
    if regenerating():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        return
    if not path.exists():
        raise AssertionError(f"golden file {path} is missing; run with {REGEN_ENV}=1 to create it")
    expected = path.read_text(encoding="utf-8")
    if expected != text:
        diff = "".join(difflib.unified_diff(expected.splitlines(keepends=True), text.splitlines(keepends=True),
                                            fromfile=f"{path} (golden)", tofile="produced", n=2))
        raise AssertionError(f"output differs from golden file {path} "
                             f"(run with {REGEN_ENV}=1 to accept):\n{diff}")


def _line(obj) -> str:
    import json
    return json.dumps(obj, ensure_ascii=False, sort_keys=False)


def render_extract(extract) -> str:
    """A stable text rendering of an importer's result, one JSON value per line.

    ``extract`` is a no-argument callable returning an ``Extract``; a ``ParseError``
    it raises is rendered as ``{"error": ...}``. Shared by the importers' golden tests.
    """
    from ledgerkit.importers.base import ParseError

    try:
        ex = extract()
    except ParseError as e:
        return "{\n" + f' "error": {_line({"message": e.message, "where": e.where})}\n' + "}\n"

    def fields(obj) -> dict:
        return {name: getattr(obj, name) for name in obj.__slots__}

    lines = ['"accounts": [']
    lines += [f"  {_line({k: (v.value if hasattr(v, 'value') else v) for k, v in fields(a).items()})},"
              for a in ex.accounts]
    lines.append('],\n"transactions": [')
    lines += [f"  {_line({k: str(v) if k == 'posted' else v for k, v in r.items()})},"
              for r in ex.transactions.iter_rows(named=True)]
    lines.append('],\n"balances": [')
    lines += [f"  {_line({'account': b.account, 'kind': b.kind, 'amount': str(b.amount), 'as_of': str(b.as_of)})},"
              for b in ex.balances]
    lines.append('],\n"issues": [')
    lines += [f"  {_line({'severity': i.severity, 'where': i.where, 'message': i.message})}," for i in ex.issues]
    lines.append("]")
    return ("{\n" + "\n".join(lines) + "\n}\n").replace(",\n]", "\n]")


def damaged_extracts(importer, name: str, seed: bytes, start: int, length: int, junk: bytes, cut: int):
    """Damage ``seed`` (``junk`` replaces ``length`` bytes at ``start``; then also cut at ``cut``)
    and yield each readable Extract; a ParseError must carry a message, anything else fails.
    Shared by the importers' property tests: bad input is refused clearly, never a crash."""
    from ledgerkit.importers.base import TXN_SCHEMA, ParseError

    data = seed[:start] + junk + seed[start + length:]
    for candidate in (data, data[:cut]):
        try:
            ex = importer.extract(Path(name), candidate)
        except ParseError as e:
            assert e.message
            continue
        assert dict(ex.transactions.schema) == TXN_SCHEMA
        yield ex
