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
from pathlib import Path

import polars as pl

from ..amounts import normalize_text, to_minor
from ..model import Issue
from .base import AccountRef, Extract, ParseError, conform, empty_transactions
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
                raise ParseError(f"the file does not match the layout {spec.name!r}: "
                                 + _missing(spec, data))
            raise ParseError(f"unknown CSV layout (first line {_first_line(data)!r}); import it with "
                             '--mapping "date=<column>,amount=<column>,description=<column>"')
        text = _decode_all(data, layout.encoding)
        return _extract(Path(path).name, text, layout)


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


def _decode_all(data: bytes, encoding: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        text = data.decode("latin-1")       # cp125x leaves a few bytes undefined; latin-1 reads anything
    return _newlines(text)


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
        self._cache: dict[tuple[int, str], list[str]] = {}

    def get(self, i: int, delimiter: str) -> list[str]:
        key = (i, delimiter)
        if key not in self._cache:
            try:
                self._cache[key] = next(csv.reader([self.lines[i]], delimiter=delimiter), [])
            except csv.Error:
                self._cache[key] = []
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
        return Layout(spec, d, encoding, spec.skip + 1, tuple(cells.get(spec.skip, d)))
    sig = [norm(h) for h in spec.header]
    for i in range(spec.skip, len(lines)):
        for d in (spec.delimiter,) if spec.delimiter else DELIMITERS:
            row = cells.get(i, d)
            if len(row) < len(sig):
                continue
            got = [norm(c) for c in row]
            if spec.exact:
                while got and not got[-1]:
                    got.pop()
                ok = got == sig
            else:
                ok = set(sig) <= set(got)
            if ok:
                return Layout(spec, d, encoding, i + 1, tuple(row))
    return None


def _sniff(lines: list[str]) -> str:
    def score(d: str) -> tuple[int, int]:
        counts = [len(next(csv.reader([ln], delimiter=d), [])) for ln in lines]
        return (min(counts) if counts else 0, -len(set(counts)))
    return max(DELIMITERS, key=score)


def _missing(spec: CsvSpec, data: bytes) -> str:
    if spec.headerless:
        return "its first lines do not look like that bank's export"
    if spec.header:
        return f"no line holds the columns {', '.join(spec.header)}"
    return f"it has fewer than {spec.skip + 1} lines"


# ---------------------------------------------------------------- reading

def _extract(source: str, text: str, layout: Layout) -> Extract:
    spec = layout.spec
    frame, columns = _read(text, layout)
    issues: list[Issue] = []
    used = _used_columns(spec, columns)
    if used:
        frame = frame.with_columns(pl.col(c).fill_null("").str.strip_chars() for c in used)
        frame = frame.filter(~pl.all_horizontal(pl.col(c) == "" for c in used))
    for ref, pattern in spec.skip_rows:
        c = columns.find(ref)
        if c:
            frame = frame.filter(~pl.col(c).str.contains(pattern))
    if spec.pending:
        c = columns.find(spec.pending[0])
        if c:
            held = pl.col(c).str.contains(spec.pending[1])
            n = frame.select(held.sum()).item()
            if n:
                issues.append(Issue(source, "", f"{n} pending or declined row(s) skipped "
                                                f"(column {columns.label(spec.pending[0])!r})", "warning"))
                frame = frame.filter(~held)
    date_col = columns.need(spec.date, "date")
    if spec.continuation:
        frame = _merge_continuations(frame, date_col, used)
    posted = _dates(frame, spec, date_col, columns)
    amount = _amounts(frame, spec, columns)
    texts = {k: _text(frame, columns, getattr(spec, k)) for k in ("description", "payee", "memo")}
    if "_continued" in frame.columns:
        texts["memo"] = pl.concat_str([texts["memo"], pl.col("_continued")], separator=" ").str.strip_chars()
    if not cols(spec.payee):
        texts["payee"] = texts["description"]
    if not cols(spec.description):
        texts["description"] = texts["payee"]
    out = frame.select(
        pl.lit(0, dtype=pl.Int32).alias("account"),
        pl.col("_line").alias("row"),
        posted.alias("posted"),
        amount.alias("amount"),
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
    return Extract(importer="csv", accounts=[ref], transactions=conform(out) if out.height else
                   empty_transactions(), issues=issues)


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


def _read(text: str, layout: Layout) -> tuple[pl.DataFrame, _Columns]:
    spec = layout.spec
    start = 0
    for _ in range(layout.data_start):       # character offset of the first data line
        nl = text.find("\n", start)
        start = len(text) if nl < 0 else nl + 1
    body = text[start:]
    if spec.footer and not spec.headerless:
        m = re.search(spec.footer, body, re.M)
        if m:
            body = body[:m.start()]
    refs = [r for r in _all_refs(spec) if isinstance(r, int)]
    sample = body.split("\n", 20)[:20]
    widths = [len(next(csv.reader([ln], delimiter=layout.delimiter), [])) for ln in sample if ln.strip()]
    width = max([len(layout.names), *(r + 1 for r in refs), *widths, 1])
    d = layout.delimiter
    head = d.join(f"c{i}" for i in range(width))
    try:
        frame = pl.read_csv((head + "\n" + body).encode("utf-8"), separator=d, has_header=True,
                            infer_schema=False, truncate_ragged_lines=True, quote_char='"',
                            raise_if_empty=False)
    except pl.exceptions.PolarsError as e:
        msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise ParseError(f"the file is not well-formed {spec.name} CSV ({msg})") from None
    first = layout.data_start + 1
    n_lines = body.count("\n") + (1 if body and not body.endswith("\n") else 0)
    if frame.height == n_lines:
        line = pl.int_range(first, first + pl.len(), dtype=pl.Int64)
    else:                                     # quoted fields span lines
        extra = pl.sum_horizontal(pl.col(c).str.count_matches("\n").fill_null(0) for c in frame.columns) + 1
        line = (first + extra.cum_sum() - extra).cast(pl.Int64)
    return frame.with_columns(line.alias("_line")), _Columns(layout.names, width)


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


def _dates(frame: pl.DataFrame, spec: CsvSpec, date_col: str, columns: _Columns) -> pl.Expr:
    raw = pl.col(date_col)
    label = columns.label(spec.date)
    if not spec.continuation:
        _fail(frame, raw == "", lambda r: f"no date in column {label!r}")
    part = raw.str.extract(spec.date_pattern, 1) if spec.date_pattern else raw

    def parsed(fmt: str) -> pl.Expr:
        d = part.str.strptime(pl.Date, fmt, strict=False)
        return pl.when(d.dt.year().is_between(1900, 2199)).then(d).otherwise(None)

    if not frame.height:
        return parsed(spec.date_formats[0])
    misses = frame.select(parsed(f).is_null().sum().alias(str(i))
                          for i, f in enumerate(spec.date_formats)).row(0)
    best = min(range(len(misses)), key=lambda i: (misses[i], i))
    fmt = spec.date_formats[best]
    if misses[best]:
        shown = " or ".join(spec.date_formats)
        _fail(frame, parsed(fmt).is_null(),
              lambda r: f"date {r[date_col]!r} in column {label!r} is not a date like {shown}")
    return parsed(fmt)


def _amount_text(ref: Col | None, columns: _Columns, decimal_comma: bool) -> tuple[pl.Expr, str, str]:
    c = columns.find(ref)
    if c is None:
        return pl.lit(""), "", ""
    e = normalize_text(pl.col(c), decimal_comma=decimal_comma)
    e = e.str.replace(r"^([+-]?)\.", "${1}0.")
    return e, c, columns.label(ref)


def _check(frame: pl.DataFrame, c: str, label: str, text: pl.Expr, *, required: bool) -> None:
    if not c:
        return
    raw = pl.col(c)
    if required:
        _fail(frame, raw == "", lambda r: f"no amount in column {label!r}")
    _fail(frame, (raw != "") & ~text.str.contains(_PLAIN),
          lambda r: f"amount {r[c]!r} in column {label!r} is not a number")


def _units_text(units: pl.Expr) -> pl.Expr:
    a = units.abs().cast(pl.String).str.pad_start(_SCALE + 1, "0")
    whole = a.str.slice(0, a.str.len_chars() - _SCALE)
    frac = a.str.slice(-_SCALE).str.strip_chars_end("0").str.pad_end(2, "0")
    return pl.when(units < 0).then(pl.lit("-") + whole + "." + frac).otherwise(whole + "." + frac)


def _abs(t: pl.Expr) -> pl.Expr:
    return t.str.strip_prefix("-").str.strip_prefix("+")


def _negate(t: pl.Expr) -> pl.Expr:
    return (pl.when(t.str.contains(_ZERO)).then(_abs(t))
            .when(t.str.starts_with("-")).then(_abs(t))
            .otherwise(pl.lit("-") + _abs(t)))


def _amounts(frame: pl.DataFrame, spec: CsvSpec, columns: _Columns) -> pl.Expr:
    dc = spec.decimal_comma
    if spec.amount is not None:
        text, c, label = _amount_text(spec.amount, columns, dc)
        if not c:
            raise ParseError(f"the amount column {columns.label(spec.amount)!r} is not in the file")
        _check(frame, c, label, text, required=True)
        amount = text
        if spec.indicator is not None:
            ic = columns.need(spec.indicator, "credit/debit indicator")
            ind = pl.col(ic).fill_null("").str.strip_chars().str.to_lowercase()
            out = ind.is_in(list(spec.debit_values)) if spec.debit_values else ~ind.is_in(list(spec.credit_values))
            inn = ind.is_in(list(spec.credit_values)) if spec.credit_values else ~out
            ilabel = columns.label(spec.indicator)
            _fail(frame, ~out & ~inn, lambda r: f"{r[ic]!r} in column {ilabel!r} is neither "
                                                f"{'/'.join(spec.debit_values)} nor {'/'.join(spec.credit_values)}")
            amount = pl.when(out).then(_negate(_abs(text))).otherwise(_abs(text))
    else:
        dtext, dcol, dlabel = _amount_text(spec.debit, columns, dc)
        ctext, ccol, clabel = _amount_text(spec.credit, columns, dc)
        if not dcol and not ccol:
            raise ParseError("neither the debit nor the credit column is in the file")
        _check(frame, dcol, dlabel, dtext, required=False)
        _check(frame, ccol, clabel, ctext, required=False)
        has_d = pl.col(dcol) != "" if dcol else pl.lit(False)
        has_c = pl.col(ccol) != "" if ccol else pl.lit(False)
        _fail(frame, ~has_d & ~has_c,
              lambda r: f"no amount in column {' or '.join(x for x in (dlabel, clabel) if x)!r}")
        d_nz = has_d & ~dtext.str.contains(_ZERO)
        c_nz = has_c & ~ctext.str.contains(_ZERO)
        both = _units_text(to_minor(ctext, _SCALE)[0] - to_minor(_abs(dtext), _SCALE)[0])
        amount = (pl.when(d_nz & c_nz).then(both).when(d_nz).then(_negate(_abs(dtext)))
                  .when(has_c).then(ctext).otherwise(_abs(dtext)))
    if spec.fee is not None:
        ftext, fcol, flabel = _amount_text(spec.fee, columns, dc)
        if fcol:
            _check(frame, fcol, flabel, ftext, required=False)
            charged = (pl.col(fcol) != "") & ~ftext.str.contains(_ZERO)
            amount = pl.when(charged).then(
                _units_text(to_minor(amount, _SCALE)[0] - to_minor(ftext, _SCALE)[0])).otherwise(amount)
    if spec.flip_sign:
        amount = _negate(amount)
    _fail(frame, to_minor(amount, _SCALE)[2], lambda r: f"amount on this line has more than {_SCALE} decimals")
    return amount.str.strip_prefix("+")


def _text(frame: pl.DataFrame, columns: _Columns, refs) -> pl.Expr:
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
