"""Bank CSV exports: find the layout (``csvspecs``), then read the whole file as columns.

Detection looks at the first lines only: it sniffs the encoding (UTF-8 with or
without BOM, UTF-16, else the layout's legacy code page) and the delimiter,
and matches each layout's header signature or line pattern. Reading is one
``polars.read_csv`` of all columns as text followed by column expressions, so a
million-row export takes about a second and no Python loop runs per row. Any
row that cannot be read rejects the whole file with its physical line number.
"""

from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl

from ..amounts import normalize_text, to_minor
from ..model import Issue
from .base import AccountRef, Extract, ParseError, conform
from .csvspecs import SPECS, Col, CsvSpec, by_name, cols, norm, spec_from_mapping

DELIMITERS = (",", ";", "\t", "|")
SCAN_LINES = 60          # header search depth (ING DE puts ~14 lines of preamble first)
_PLAIN = r"^[+-]?(\d+\.?\d*|\.\d+)$"
_ZERO = r"^[+-]?0*\.?0*$"
_SCALE = 6               # decimal places for the few sums (debit and credit both set, fees)


@dataclass(frozen=True, slots=True)
class Layout:
    """A spec located in one file: its delimiter and where its data starts."""

    spec: CsvSpec
    delimiter: str
    encoding: str
    data_start: int               # 0-based index of the first data line
    names: tuple[str, ...] = ()   # header cells as written (empty when headerless)


class CsvImporter:
    """Bank CSV exports declared in ``csvspecs.SPECS``, or a user's ``--mapping``."""

    name = "csv"

    def identify(self, path: Path, head: bytes) -> bool:
        if Path(path).suffix.casefold() in {".csv", ".tsv"}:
            return True    # claim it, so an unknown layout gets the --mapping advice
        return detect(head, final=False) is not None

    def accounts(self, path: Path, data: bytes) -> list[AccountRef]:
        try:
            return self.extract(path, data).accounts
        except ParseError:
            return []

    def extract(self, path: Path, data: bytes, spec: CsvSpec | str | None = None, **options) -> Extract:
        """Read the whole file; ``spec`` is a CsvSpec, a layout name or mapping text."""
        if isinstance(spec, str):
            spec = spec_from_mapping(spec) if "=" in spec else by_name(spec)
        if not data.strip():
            raise ParseError("the file is empty")
        layout = detect(data, only=spec)
        if layout is None:
            if spec is not None:
                raise ParseError(f"the file does not match the layout {spec.name!r}: {_missing(spec)}")
            raise ParseError(f"unknown CSV layout (first line {_first_line(data)!r}); import it with "
                             '--mapping "date=<column>,amount=<column>,description=<column>"')
        try:
            return _extract(Path(path).name, _utf8(data, layout.encoding), layout)
        except ParseError as e:      # say which layout the file was read as: the user may need --mapping
            raise ParseError(f"{e.message} (read as the {layout.spec.name!r} layout)", e.where) from None


# ---------------------------------------------------------------- decoding

def _decodings(data: bytes, *, final: bool = True) -> list[tuple[str, str]]:
    """(encoding, text of the head) candidates: one for Unicode files, one per legacy code page."""
    head = data[:65536]
    if head.startswith(codecs.BOM_UTF8):
        return [("utf-8-sig", _head(head, "utf-8-sig", final))]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return [("utf-16", _head(head, "utf-16", final))]
    sample = head[:2000]
    if len(sample) > 8 and sample[1::2].count(0) > len(sample) // 3:
        return [("utf-16-le", _head(head, "utf-16-le", final))]
    try:
        return [("utf-8", _head(head, "utf-8", final, errors="strict"))]
    except UnicodeDecodeError:
        pass
    legacy = dict.fromkeys(["cp1252"] + [s.encoding for s in SPECS if s.encoding])
    return [(enc, _head(head, enc, final)) for enc in legacy]


def _head(head: bytes, encoding: str, final: bool, errors: str = "replace") -> str:
    dec = codecs.getincrementaldecoder(encoding)(errors=errors)
    return _newlines(dec.decode(head, final=final))


def _utf8(data: bytes, encoding: str) -> bytes:
    """The file as UTF-8 bytes with "\n" line ends; UTF-8 input is not decoded at all (speed)."""
    if encoding in {"utf-8", "utf-8-sig"}:
        out = data[3:] if data.startswith(codecs.BOM_UTF8) else data
    else:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            text = data.decode("latin-1")   # cp125x leaves a few bytes undefined; latin-1 reads anything
        out = text.lstrip("\ufeff").encode("utf-8")
    if b"\r" in out:
        out = out.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return out


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")


def _first_line(data: bytes) -> str:
    text = _decodings(data)[0][1]
    return next((ln for ln in text.split("\n", 20) if ln.strip()), "")[:120]


# ---------------------------------------------------------------- detection

class _Cells:
    """Header-candidate lines split by each delimiter, cached."""

    def __init__(self, text: str):
        self.lines = text.split("\n", SCAN_LINES)[:SCAN_LINES]
        self._cache: dict[tuple[int, str], tuple[list[str], list[str], frozenset[str]]] = {}

    def get(self, i: int, delimiter: str) -> tuple[list[str], list[str], frozenset[str]]:
        """(cells as written, normalised cells, their set)."""
        key = (i, delimiter)
        if key not in self._cache:
            try:
                row = next(csv.reader([self.lines[i]], delimiter=delimiter), [])
            except csv.Error:
                row = []
            got = [norm(c) for c in row]
            self._cache[key] = (row, got, frozenset(got))
        return self._cache[key]


def detect(data: bytes, *, only: CsvSpec | None = None, final: bool = True) -> Layout | None:
    """The best layout for the file's head (or where ``only`` sits in it)."""
    best: tuple[tuple, Layout] | None = None
    specs = (only,) if only is not None else SPECS
    for encoding, text in _decodings(data, final=final):
        legacy = encoding not in {"utf-8", "utf-8-sig", "utf-16", "utf-16-le"}
        cells = _Cells(text)
        for rank, spec in enumerate(specs):
            if legacy and only is None and (spec.encoding or "cp1252") != encoding:
                continue
            found = _locate(spec, cells, encoding)
            if found is None:
                continue
            score = (0 if spec.headerless else 1, len(spec.header) + (0.5 if spec.exact else 0), -rank)
            if best is None or score > best[0]:
                best = (score, found)
        if best is not None and not legacy:
            break
    return best[1] if best else None


def _locate(spec: CsvSpec, cells: _Cells, encoding: str) -> Layout | None:
    lines = cells.lines
    if spec.headerless:
        start = spec.skip
        while start < len(lines) and not lines[start].strip():
            start += 1
        sample = [ln for ln in lines[start:start + 4] if ln.strip()][:3]
        if not sample or not all(re.match(spec.line_pattern, ln) for ln in sample):
            return None
        return Layout(spec, spec.delimiter or _sniff(sample), encoding, start)
    if not spec.header:                      # a mapping with positions: the header is the line after ``skip``
        if spec.skip >= len(lines):
            return None
        d = spec.delimiter or _sniff([lines[spec.skip]])
        return Layout(spec, d, encoding, spec.skip + 1, tuple(cells.get(spec.skip, d)[0]))
    sig = _signature(spec)
    for i in range(spec.skip, len(lines)):
        for d in (spec.delimiter,) if spec.delimiter else DELIMITERS:
            row, got, got_set = cells.get(i, d)
            if len(row) < len(sig):
                continue
            if spec.exact:
                n = len(got)
                while n and not got[n - 1]:
                    n -= 1
                ok = got[:n] == list(sig)
            else:
                ok = got_set.issuperset(sig)
            if ok:
                return Layout(spec, d, encoding, i + 1, tuple(row))
    return None


@cache
def _signature(spec: CsvSpec) -> tuple[str, ...]:
    return tuple(norm(h) for h in spec.header)


def _sniff(lines: list[str]) -> str:
    def score(d: str) -> tuple[int, int]:
        counts = [len(next(csv.reader([ln], delimiter=d), [])) for ln in lines]
        return (min(counts) if counts else 0, -len(set(counts)))
    return max(DELIMITERS, key=score)


def _missing(spec: CsvSpec) -> str:
    if spec.headerless:
        return "its first lines do not look like that bank's export"
    if spec.header:
        return f"no line holds the columns {', '.join(spec.header)}"
    return f"it has fewer than {spec.skip + 1} lines"


# ---------------------------------------------------------------- reading

def _extract(source: str, data: bytes, layout: Layout) -> Extract:
    spec = layout.spec
    frame, columns, multiline = _read(data, layout)
    issues: list[Issue] = []
    used = _used_columns(spec, columns)
    if used:
        frame = frame.with_columns(pl.col(c).fill_null("").str.strip_chars() for c in used)
        frame = frame.filter(~pl.all_horizontal(pl.col(c) == "" for c in used))
    date_col = columns.need(spec.date, "date")
    frame = _dates(frame, spec, date_col)          # parsed before rows are dropped: every date tells day-first
    for ref, pattern in spec.skip_rows:
        c = columns.find(ref)
        if c:
            frame = frame.filter(~pl.col(c).str.contains(pattern))
    if spec.pending and (c := columns.find(spec.pending[0])):
        held = pl.col(c).str.contains(spec.pending[1])
        n = frame.select(held.sum()).item()
        if n:
            issues.append(Issue(source, "", f"{n} pending or declined row(s) skipped "
                                            f"(column {columns.label(spec.pending[0])!r})", "warning"))
            frame = frame.filter(~held)
    if spec.continuation:
        frame = _merge_continuations(frame, date_col, used)
    label = columns.label(spec.date)
    _fail(frame, pl.col(date_col) == "", lambda r: f"no date in column {label!r}")
    shown = " or ".join(spec.date_formats)
    _fail(frame, pl.col("_posted").is_null(),
          lambda r: f"date {r[date_col]!r} in column {label!r} is not a date like {shown}")
    frame = _amounts(frame, spec, columns)
    texts = {k: _text(columns, getattr(spec, k)) for k in ("description", "payee", "memo")}
    if "_continued" in frame.columns:
        texts["memo"] = pl.concat_str([texts["memo"], pl.col("_continued")], separator=" ").str.strip_chars()
    if multiline:
        texts = {k: e.str.replace_all(r"\s*\n\s*", " ") for k, e in texts.items()}
    # a missing or empty payee (bank fees, interest) or description: the other one stands in
    payee, description = texts["payee"], texts["description"]
    texts["payee"] = pl.when(payee == "").then(description).otherwise(payee)
    texts["description"] = pl.when(description == "").then(payee).otherwise(description)
    out = frame.select(
        pl.lit(0, dtype=pl.Int32).alias("account"),
        pl.col("_line").alias("row"),
        pl.col("_posted").alias("posted"),
        pl.col("_amount").alias("amount"),
        *(e.alias(k) for k, e in texts.items()),
        _one(columns, spec.check_number).alias("check_number"),
        _one(columns, spec.bank_id).alias("bank_id"),
        _one(columns, spec.type).alias("type"),
    )
    currency = _uniform(frame, columns, spec.currency_column, "currencies")
    number = _uniform(frame, columns, spec.account_number, "accounts")
    name = _uniform(frame, columns, spec.account_name, "accounts")
    if currency and not re.fullmatch(r"[A-Za-z]{3}", currency):
        currency = None
    ref = AccountRef(key="", kind=spec.kind, currency=(currency or spec.currency or "").upper() or None,
                     institution=spec.institution, number=number or "", name_hint=name or spec.name)
    return Extract(importer="csv", accounts=[ref], transactions=conform(out), issues=issues)


class _Columns:
    """Maps a spec's column references to the frame's c0..cN columns."""

    def __init__(self, names: tuple[str, ...], width: int):
        self.names = names
        self.width = width
        self.index: dict[str, int] = {}
        for i, n in enumerate(names):
            self.index.setdefault(norm(n), i)

    def find(self, ref: Col | None) -> str | None:
        if ref is None:
            return None
        i = ref if isinstance(ref, int) else self.index.get(norm(ref))
        return f"c{i}" if i is not None and i < self.width else None

    def need(self, ref: Col, role: str) -> str:
        c = self.find(ref)
        if c is None:
            raise ParseError(f"the {role} column {self.label(ref)!r} is not in the file")
        return c

    def label(self, ref: Col) -> str:
        if isinstance(ref, int):
            return self.names[ref].strip() if ref < len(self.names) and self.names[ref].strip() \
                else f"column {ref + 1}"
        return ref


def _read(data: bytes, layout: Layout) -> tuple[pl.DataFrame, _Columns, bool]:
    """All columns as text (c0..cN, N from the header and the first lines) plus ``_line``,
    the physical line each record starts on; and whether some quoted field spans lines."""
    spec = layout.spec
    start = 0
    for _ in range(layout.data_start):       # byte offset of the first data line
        nl = data.find(b"\n", start)
        start = len(data) if nl < 0 else nl + 1
    body = data[start:]
    if spec.footer:
        m = re.search(spec.footer.encode("utf-8"), body, re.M)
        if m:
            body = body[:m.start()]
    d = layout.delimiter
    width = max([len(layout.names), *(r + 1 for r in _all_refs(spec) if isinstance(r, int)), 1])
    checked = bool(layout.names) and not spec.ragged
    if checked:   # one spare column catches rows that spill past the header (an unquoted delimiter)
        width += 1
    else:         # headerless or ragged: as wide as the widest of the first lines
        sample = body[:65536].decode("utf-8", errors="replace").split("\n", 20)[:20]
        width = max([width, *(len(next(csv.reader([ln], delimiter=d), [])) for ln in sample if ln.strip())])
    head = d.join(f"c{i}" for i in range(width)).encode("utf-8") + b"\n"
    first = layout.data_start + 1
    try:
        try:
            frame = _read_csv(head + body, d)
        except pl.exceptions.ComputeError as e:
            if "utf-8" not in str(e).casefold():
                raise
            body = body.decode("cp1252", errors="replace").encode("utf-8")   # UTF-8 head, legacy tail
            frame = _read_csv(head + body, d)
    except pl.exceptions.PolarsError as e:
        raise _malformed(body, first, e) from None
    n_lines = body.count(b"\n") + (1 if body and not body.endswith(b"\n") else 0)
    multiline = frame.height != n_lines
    if not multiline:
        line = pl.int_range(first, first + pl.len(), dtype=pl.Int64)
    else:                                     # quoted fields span lines
        extra = pl.sum_horizontal(pl.col(c).str.count_matches("\n").fill_null(0) for c in frame.columns) + 1
        line = (first + extra.cum_sum() - extra).cast(pl.Int64)
    frame = frame.with_columns(line.alias("_line"))
    if checked:
        spill = [f"c{i}" for i in range(len(layout.names), width)]
        name = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}[d]
        _fail(frame, pl.any_horizontal(pl.col(c).fill_null("").str.strip_chars() != "" for c in spill),
              lambda r: f"this line has more fields than the {len(layout.names)} the header names "
                        f"(a {name} inside a value that is not quoted?)")
    return frame, _Columns(layout.names, width), multiline


def _read_csv(data: bytes, delimiter: str) -> pl.DataFrame:
    return pl.read_csv(data, separator=delimiter, has_header=True, infer_schema=False,
                       truncate_ragged_lines=True, quote_char='"', raise_if_empty=False)


def _malformed(body: bytes, first: int, error: Exception) -> ParseError:
    """Point at the likely culprit of a file polars cannot split: the first line with an odd
    number of double quotes (only on this error path does Python look at single lines)."""
    for n, line in enumerate(body.split(b"\n"), start=first):
        if line.count(b'"') % 2:
            return ParseError("the file is not well-formed CSV: this line has an unbalanced double quote",
                              where=f"line {n}")
    text = str(error).strip()
    return ParseError(f"the file is not well-formed CSV ({text.splitlines()[0] if text else type(error).__name__})")


def _all_refs(spec: CsvSpec) -> list[Col]:
    refs: list[Col] = [spec.date]
    for f in ("amount", "debit", "credit", "indicator", "fee", "check_number", "bank_id", "type",
              "currency_column", "account_number", "account_name"):
        if getattr(spec, f) is not None:
            refs.append(getattr(spec, f))
    for f in ("description", "payee", "memo"):
        refs.extend(cols(getattr(spec, f)))
    refs.extend(r for r, _ in spec.skip_rows)
    if spec.pending:
        refs.append(spec.pending[0])
    return refs


def _used_columns(spec: CsvSpec, columns: _Columns) -> list[str]:
    return list(dict.fromkeys(c for c in (columns.find(r) for r in _all_refs(spec)) if c))


def _merge_continuations(frame: pl.DataFrame, date_col: str, used: list[str]) -> pl.DataFrame:
    """Dateless lines (OCBC's second detail line) are appended to the previous row's memo."""
    is_txn = pl.col(date_col) != ""
    frame = frame.with_columns(_group=is_txn.cum_sum())
    loose = frame.filter((pl.col(date_col) == "") & (pl.col("_group") == 0))
    if loose.height:
        raise ParseError("a line without a date comes before the first transaction",
                         where=f"line {loose['_line'][0]}")
    joined = pl.concat_str([pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)) for c in used],
                           separator=" ", ignore_nulls=True)
    extra = (frame.filter(~is_txn).group_by("_group").agg(joined.str.join(" ").alias("_continued")))
    return (frame.filter(is_txn).join(extra, on="_group", how="left", maintain_order="left")
            .with_columns(pl.col("_continued").fill_null("")).drop("_group"))


def _fail(frame: pl.DataFrame, bad: pl.Expr, message) -> None:
    hit = frame.filter(bad).head(1)
    if hit.height:
        row = hit.row(0, named=True)
        raise ParseError(message(row), where=f"line {row['_line']}")


def _dates(frame: pl.DataFrame, spec: CsvSpec, date_col: str) -> pl.DataFrame:
    """Add ``_posted``. The distinct date texts are parsed (a few thousand, not a million rows) with
    each of the spec's formats; the first that reads the most of them wins for the whole file."""
    raw = pl.col(date_col)
    uniq = frame.select(raw.unique()).filter(raw != "")
    part = raw.str.extract(spec.date_pattern, 1) if spec.date_pattern else raw

    def parsed(fmt: str) -> pl.Expr:
        d = part.str.strptime(pl.Date, fmt, strict=False)
        return pl.when(d.dt.year().is_between(1900, 2199)).then(d).otherwise(None)

    fmt = spec.date_formats[0]
    if len(spec.date_formats) > 1 and uniq.height:
        misses = uniq.select(parsed(f).is_null().sum().alias(str(i)) for i, f in enumerate(spec.date_formats)).row(0)
        fmt = spec.date_formats[min(range(len(misses)), key=lambda i: (misses[i], i))]
    table = uniq.with_columns(parsed(fmt).alias("_posted"))
    return frame.join(table, on=date_col, how="left", maintain_order="left")


def _amount_col(frame: pl.DataFrame, ref: Col | None, columns: _Columns, dc: bool, alias: str
                ) -> tuple[pl.DataFrame, str, str]:
    """Add the plain decimal text of column ``ref`` as ``alias``; returns (frame, source column, label).

    The common notations ("-12.50", "$1,234.56", "1.234,56") are rewritten with a few literal
    replacements; only what is left (parentheses, trailing minus ...) goes through
    ``amounts.normalize_text``, and then only its distinct values."""
    c = columns.find(ref)
    if c is None:
        return frame.with_columns(pl.lit("").alias(alias)), "", ""
    col = pl.col(c)
    if dc:
        label = columns.label(ref)
        _fail(frame, col.str.contains(r"^[+-]?\d+\.\d{1,2}$"), lambda r: f"amount {r[c]!r} in column {label!r} "
              "has a decimal point, but this layout writes decimal commas")
    if not dc and frame.select(col.str.contains(r"^-?\d+(\.\d+)?$").fill_null(False).all()).item():
        return frame.with_columns(col.alias(alias)), c, columns.label(ref)   # plain already: most files
    quick = col.str.replace_all("$", "", literal=True).str.replace_all(" ", "", literal=True)
    if dc:
        quick = (pl.when(quick.str.contains(r"^[+-]?\d{1,3}(\.\d{3})*(,\d+)?$"))
                 .then(quick.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True)))
    else:
        quick = (pl.when(quick.str.contains(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$"))
                 .then(quick.str.replace_all(",", "", literal=True)).otherwise(quick))
    frame = frame.with_columns(_canon(quick).alias(alias))
    rest = pl.col(alias).is_null() | ~pl.col(alias).str.contains(r"^([+-]?(\d+\.?\d*|\.\d+))?$")
    if frame.select(rest.any()).item():
        table = (frame.filter(rest).select(col.unique())
                 .with_columns(_canon(normalize_text(col, decimal_comma=dc)).alias("_n")))
        frame = (frame.join(table, on=c, how="left", maintain_order="left")
                 .with_columns(pl.coalesce("_n", alias).alias(alias)).drop("_n"))
    return frame, c, columns.label(ref)


def _canon(e: pl.Expr) -> pl.Expr:
    return e.str.replace(r"^([+-]?)\.", "${1}0.").str.strip_prefix("+")


def _check(frame: pl.DataFrame, c: str, label: str, alias: str, *, required: bool) -> None:
    if not c:
        return
    raw = pl.col(c)
    if required:
        _fail(frame, raw == "", lambda r: f"no amount in column {label!r}")
    _fail(frame, (raw != "") & ~pl.col(alias).str.contains(_PLAIN),
          lambda r: f"amount {r[c]!r} in column {label!r} is not a number")


def _units_text(units: pl.Expr) -> pl.Expr:
    a = units.abs().cast(pl.String).str.pad_start(_SCALE + 1, "0")
    whole = a.str.slice(0, a.str.len_chars() - _SCALE)
    frac = a.str.slice(-_SCALE).str.strip_chars_end("0").str.pad_end(2, "0")
    return pl.when(units < 0).then(pl.lit("-") + whole + "." + frac).otherwise(whole + "." + frac)


def _difference(frame: pl.DataFrame, where: pl.Expr, x: pl.Expr, y: pl.Expr) -> pl.Expr:
    """x - y as plain text, exactly, for the rows ``where`` holds (null elsewhere). Only computed
    when some row needs it: most files never add two columns."""
    if not frame.select(where.any()).item():
        return pl.lit(None, dtype=pl.String)
    _fail(frame, where & (x.str.contains(rf"\.\d{{{_SCALE + 1}}}") | y.str.contains(rf"\.\d{{{_SCALE + 1}}}")),
          lambda r: f"an amount on this line has more than {_SCALE} decimals")
    return _units_text(to_minor(x, _SCALE)[0] - to_minor(y, _SCALE)[0])


def _abs(t: pl.Expr) -> pl.Expr:
    return t.str.strip_prefix("-").str.strip_prefix("+")


def _negate(t: pl.Expr) -> pl.Expr:
    return (pl.when(t.str.contains(_ZERO) | t.str.starts_with("-")).then(_abs(t))
            .otherwise(pl.lit("-") + _abs(t)))


def _amounts(frame: pl.DataFrame, spec: CsvSpec, columns: _Columns) -> pl.DataFrame:
    """Add ``_amount``: plain signed decimal text, money out negative. Each step is
    materialised so the expressions stay small."""
    dc = spec.decimal_comma
    a = pl.col("_a")
    if spec.amount is not None:
        frame, c, label = _amount_col(frame, spec.amount, columns, dc, "_a")
        if not c:
            raise ParseError(f"the amount column {columns.label(spec.amount)!r} is not in the file")
        _check(frame, c, label, "_a", required=not spec.blank_is_zero)
        if spec.blank_is_zero:
            frame = frame.with_columns(_a=pl.when(a == "").then(pl.lit("0")).otherwise(a))
        if spec.indicator is not None:
            ic = columns.need(spec.indicator, "credit/debit indicator")
            ind = pl.col(ic).fill_null("").str.strip_chars().str.to_lowercase()
            out = ind.is_in(list(spec.debit_values)) if spec.debit_values else ~ind.is_in(list(spec.credit_values))
            inn = ind.is_in(list(spec.credit_values)) if spec.credit_values else ~out
            ilabel = columns.label(spec.indicator)
            _fail(frame, ~out & ~inn, lambda r: f"{r[ic]!r} in column {ilabel!r} is neither "
                                                f"{'/'.join(spec.debit_values)} nor {'/'.join(spec.credit_values)}")
            frame = frame.with_columns(_a=_abs(a)).with_columns(_a=pl.when(out).then(_negate(a)).otherwise(a))
    else:
        frame, dcol, dlabel = _amount_col(frame, spec.debit, columns, dc, "_d")
        frame, ccol, clabel = _amount_col(frame, spec.credit, columns, dc, "_c")
        if not dcol and not ccol:
            raise ParseError("neither the debit nor the credit column is in the file")
        _check(frame, dcol, dlabel, "_d", required=False)
        _check(frame, ccol, clabel, "_c", required=False)
        d, c = pl.col("_d"), pl.col("_c")
        if spec.blank_is_zero:
            frame = frame.with_columns(_c=pl.when((d == "") & (c == "")).then(pl.lit("0")).otherwise(c))
        _fail(frame, (d == "") & (c == ""),
              lambda r: f"no amount in column {' or '.join(x for x in (dlabel, clabel) if x)!r}")
        frame = frame.with_columns(_d=_abs(d), _dnz=(d != "") & ~d.str.contains(_ZERO),
                                   _cnz=(c != "") & ~c.str.contains(_ZERO))
        both = pl.col("_dnz") & pl.col("_cnz")
        frame = frame.with_columns(_a=pl.when(both).then(_difference(frame, both, c, d))
                                   .when(pl.col("_dnz")).then(pl.lit("-") + d)
                                   .when(c != "").then(c).otherwise(d)).drop("_d", "_c", "_dnz", "_cnz")
    if spec.fee is not None:
        frame, fcol, flabel = _amount_col(frame, spec.fee, columns, dc, "_f")
        if fcol:
            _check(frame, fcol, flabel, "_f", required=False)
            f = pl.col("_f")
            charged = (f != "") & ~f.str.contains(_ZERO)
            frame = frame.with_columns(_a=pl.when(charged).then(_difference(frame, charged, a, f)).otherwise(a))
        frame = frame.drop("_f")
    if spec.flip_sign:
        frame = frame.with_columns(_a=_negate(a))
    return frame.rename({"_a": "_amount"})


def _text(columns: _Columns, refs) -> pl.Expr:
    found = [c for c in (columns.find(r) for r in cols(refs)) if c]
    if not found:
        return pl.lit("")
    if len(found) == 1:
        return pl.col(found[0])
    parts = [pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)) for c in dict.fromkeys(found)]
    return pl.concat_str(parts, separator=" ", ignore_nulls=True).fill_null("")


def _one(columns: _Columns, ref: Col | None) -> pl.Expr:
    c = columns.find(ref)
    return pl.col(c) if c else pl.lit("")


def _uniform(frame: pl.DataFrame, columns: _Columns, ref: Col | None, what: str) -> str | None:
    c = columns.find(ref)
    if not c or not frame.height:
        return None
    values = frame.filter(pl.col(c) != "")[c].unique(maintain_order=True)
    if values.len() > 1:
        other = frame.filter((pl.col(c) != "") & (pl.col(c) != values[0])).row(0, named=True)
        shown = ", ".join(values.head(5).to_list())
        raise ParseError(f"the file mixes {what} in column {columns.label(ref)!r} ({shown}); export one "
                         f"account and currency per file", where=f"line {other['_line']}")
    return values[0] if values.len() else None
