"""QIF (Quicken Interchange Format) bank, card, cash and asset/liability registers.

QIF has no version, no encoding declaration and a dozen date spellings, so this
reader is deliberately forgiving about form (CR, LF or CRLF lines; "1/ 5'98",
"22.01.2007", "2007-01-22"; day-first when any day above 12 appears) and strict
about substance: a record without a readable date or amount rejects the file.
Categories, splits, classes and investment registers are not bank data and are
skipped (investment sections and Quicken's opening-balance entry with a warning). QIF files are small, so this is
a plain line loop; the result is the same polars frame every importer returns.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import polars as pl

from ..model import AccountKind, Issue
from ..money import AmountError, parse_decimal
from .base import TXN_SCHEMA, AccountRef, Extract, ParseError, conform

_REGISTERS = {"bank": AccountKind.CHECKING, "ccard": AccountKind.CREDIT_CARD, "cash": AccountKind.OTHER,
              "oth a": AccountKind.OTHER, "oth l": AccountKind.OTHER}
_INVESTMENT = {"invst", "port", "401(k)/403(b)", "mutual"}
_HEADERS = re.compile(r"^!(type:|account|option:|clear:)", re.I)
_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*(['/.\-])\s*(\d{2}|\d{4})$")
_YMD = re.compile(r"^(\d{4})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


@dataclass
class _Account:
    name: str = ""
    kind: AccountKind | None = None
    index: int = -1                     # position in Extract.accounts once it holds a transaction


@dataclass
class _Record:
    line: int
    fields: dict[str, str] = field(default_factory=dict)


class QifImporter:
    """Quicken Interchange Format: !Type:Bank, CCard, Cash, Oth A and Oth L registers."""

    name = "qif"

    def identify(self, path: Path, head: bytes) -> bool:
        if Path(path).suffix.casefold() == ".qif":
            return True
        text = _decode(head)
        for line in text.split("\n", 40)[:40]:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            return bool(_HEADERS.match(line))
        return False

    def accounts(self, path: Path, data: bytes) -> list[AccountRef]:
        try:
            return self.extract(path, data).accounts
        except ParseError:
            return []

    def extract(self, path: Path, data: bytes, **options) -> Extract:
        return _Reader(Path(path).name).read(_decode(data))


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


class _Reader:
    def __init__(self, source: str):
        self.source = source
        self.issues: list[Issue] = []
        self.accounts: dict[str, _Account] = {}
        self.refs: list[AccountRef] = []
        self.unnamed = _Account()
        self.current: _Account | None = None
        self.rows: list[tuple[int, _Record]] = []      # (account index, record)
        self.section = ""                               # "txn", "accounts", "skip" or "invest"
        self.last_defined: _Account | None = None       # the last account an !Account block named

    def read(self, text: str) -> Extract:
        lines = text.split("\n")
        if not any(_HEADERS.match(ln.strip()) for ln in lines):
            raise ParseError("not a QIF file: no !Type or !Account header")
        record: _Record | None = None
        for n, raw in enumerate(lines, start=1):
            line = raw.strip()
            if not line or (line.startswith("#") and not self.section):
                continue
            if line.startswith("!"):
                if record is not None and record.fields:
                    self._end(record)
                record = None
                self._header(line, n)
                continue
            if line.startswith("^"):
                if record is not None and record.fields:
                    self._end(record)
                record = None
                continue
            if not self.section:
                raise ParseError("data before the first !Type or !Account header", where=f"line {n}")
            if record is None:
                record = _Record(n)
            code, value = line[0].upper(), raw.strip()[1:].strip()
            if code in "SE$%":               # split lines: not bank data
                continue
            record.fields.setdefault(code, value)
        if record is not None and record.fields:
            self._end(record)
        return self._extract()

    def _header(self, line: str, n: int) -> None:
        head = line[1:].strip().casefold()
        after_accounts = self.section == "accounts"
        if head == "account":
            self.section = "accounts"
        elif head.startswith("type:"):
            kind = head[5:].strip()
            if kind in _REGISTERS:
                if after_accounts and self.last_defined is not None:
                    self.current = self.last_defined     # !Account block, then its register
                elif self.current is None:
                    self.current = self.unnamed
                if self.current.kind is None:
                    self.current.kind = _REGISTERS[kind]
                self.section = "txn"
            elif kind in _INVESTMENT:
                self.section = "invest"
                self.issues.append(Issue(self.source, f"line {n}", "investment register skipped (not a bank "
                                                                   "or card account)", "warning"))
            else:                              # Cat, Class, Memorized, Security, Prices, Payee ...
                self.section = "skip"
        else:                                  # !Option:AutoSwitch, !Clear:AutoSwitch and the like
            self.section = "skip"

    def _end(self, record: _Record) -> None:
        if self.section == "accounts":
            f = record.fields
            if not (re.fullmatch(r"[-+]?[\d,.' ]+", f.get("T", "")) or ("N" not in f and {"P", "M", "U"} & set(f))):
                self._account(record)
                return
            # a transaction straight after an !Account block (no !Type line)
            self.current = self.last_defined or self.current or self.unnamed
            self.section = "txn"
        if self.section != "txn":
            return
        acc = self.current or self.unnamed
        if acc.index < 0:
            acc.index = len(self.refs)
            key = f"qif:{acc.name}" if acc.name else ""
            self.refs.append(AccountRef(key=key, kind=acc.kind or AccountKind.CHECKING, name_hint=acc.name))
        self.rows.append((acc.index, record))

    def _account(self, record: _Record) -> None:
        name = record.fields.get("N", "").strip()
        kind_text = record.fields.get("T", "").strip().casefold()
        if not name:
            return
        acc = self.accounts.setdefault(name, _Account(name))
        if kind_text in _REGISTERS:
            acc.kind = acc.kind or _REGISTERS[kind_text]
        elif kind_text in _INVESTMENT:
            acc.kind = acc.kind or AccountKind.OTHER
        self.last_defined = acc

    def _extract(self) -> Extract:
        extract = self._frame()
        extract.issues.sort(key=lambda i: int(i.where.split()[-1]) if i.where else 0)
        return extract

    def _frame(self) -> Extract:
        if not self.rows:
            return Extract(importer="qif", accounts=self.refs, issues=self.issues)
        dates = _dates([(r.line, r.fields.get("D", "")) for _, r in self.rows])
        out = {name: [] for name in TXN_SCHEMA}
        for (account, r), posted in zip(self.rows, dates, strict=True):
            f = r.fields
            amount_text = f.get("T") or f.get("U") or ""
            if not amount_text:
                raise ParseError("transaction without an amount (no T line)", where=f"line {r.line}")
            if f.get("P", "").strip().casefold() == "opening balance" and re.fullmatch(r"\[.*\]", f.get("L", "")):
                self.issues.append(Issue(self.source, f"line {r.line}", f"Quicken opening balance "
                                         f"{_amount(amount_text, r.line)} skipped (not a bank transaction)",
                                         "warning"))
                continue
            number = f.get("N", "").strip()
            is_check = bool(re.fullmatch(r"#?\d+", number))
            values = {
                "account": account, "row": r.line, "posted": posted, "amount": _amount(amount_text, r.line),
                "payee": f.get("P", ""), "description": f.get("P", ""), "memo": f.get("M", ""),
                "check_number": number.lstrip("#") if is_check else "", "bank_id": "",
                "type": "" if is_check else number,
            }
            for k, v in values.items():
                out[k].append(v)
        return Extract(importer="qif", accounts=self.refs, issues=self.issues,
                       transactions=conform(pl.DataFrame(out, schema=TXN_SCHEMA)))


def _amount(text: str, line: int) -> str:
    s = text.replace(" ", "")
    comma_decimal = re.search(r",\d{1,2}$", s) is not None and s.rfind(".") < s.rfind(",")
    try:
        value = parse_decimal(s, decimal_comma=comma_decimal)
    except (AmountError, ArithmeticError, ValueError):
        raise ParseError(f"amount {text!r} is not a number", where=f"line {line}") from None
    return format(value if isinstance(value, Decimal) else Decimal(value), "f")


def _dates(items: list[tuple[int, str]]) -> list[dt.date]:
    """Parse every D line, deciding day-first vs month-first once for the whole file."""
    parts = []
    for line, text in items:
        t = text.strip()
        if not t:
            raise ParseError("transaction without a date (no D line)", where=f"line {line}")
        if m := _YMD.match(t) or _COMPACT.match(t):
            parts.append((line, t, "ymd", int(m[1]), int(m[2]), int(m[3]), ""))
        elif m := _DMY.match(t):
            parts.append((line, t, "ab", int(m[1]), int(m[2]), m[4], m[3]))   # m[3]: the year's separator
        else:
            raise ParseError(f"date {t!r} is not a QIF date", where=f"line {line}")
    firsts = [p[3] for p in parts if p[2] == "ab"]
    seconds = [p[4] for p in parts if p[2] == "ab"]
    day_first = any(a > 12 for a in firsts)
    if day_first and any(b > 12 for b in seconds):
        line = next(p[0] for p in parts if p[2] == "ab" and p[4] > 12)
        raise ParseError("dates mix day-first and month-first forms", where=f"line {line}")
    if not day_first and not any(b > 12 for b in seconds):
        day_first = any(p[6] == "." for p in parts if p[2] == "ab")   # 22.01.07 style: European
    out = []
    for line, t, form, a, b, c, _sep in parts:
        if form == "ymd":
            y, mo, d = a, b, c
        else:
            d, mo = (a, b) if day_first else (b, a)
            y = int(c)
            if len(c) == 2:   # Quicken writes 12/31/99 and 1/1'00; either way 00-69 is 20xx
                y += 2000 if y < 70 else 1900
        try:
            out.append(dt.date(y, mo, d))
        except ValueError:
            raise ParseError(f"date {t!r} is not a real date", where=f"line {line}") from None
    return out
