"""Check images, deposit images and statement PDFs: evidence, not transactions.

``DocumentImporter`` recognises PNG, JPEG, TIFF and PDF files by their magic
bytes and returns an ``Extract`` with no transactions and exactly one
``DocumentRef`` saying what the document is (check, deposit, statement) and
what it states: check number, amount, date, statement period, account number.
``ledgerkit.documents`` then links it to its account and transaction.

Where the facts come from, in order:

1. Embedded metadata. PNG ``tEXt``/``zTXt``/``iTXt`` chunks with the keys
   ``ledgerkit:kind`` (check | deposit | statement), ``check_number``,
   ``amount``, ``date``, ``start``, ``end``, ``account`` (a ``ledgerkit:``
   prefix on any key is optional); JPEG comments and EXIF ImageDescription and
   TIFF ImageDescription holding ``key=value`` words; a PDF's document
   information dictionary, ``Subject`` like ``ledgerkit statement
   account=7302214821 start=2026-01-01 end=2026-01-31 opening=1.00
   closing=2.00`` and ``Keywords`` with more ``key=value`` words. The PDF
   dictionary is read with a small scanner over the raw bytes (no PDF library);
   a PDF that keeps it in a compressed object stream falls back to step 2.
2. The file name: ``check_<acct-last4>_<checknumber>.png``,
   ``deposit_<acct-last4>_<yyyymmdd>_<n>.png``,
   ``statement_<acct-last4>_<yyyy-mm>.pdf``.
3. Otherwise an image is a check if its name says "check", a deposit if it
   says "deposit", and else a check image with a warning; a PDF is a statement
   with a warning that its period is unknown.

For a statement, ``DocumentRef.amount`` is the closing balance (``closing=``)
and ``posted`` is the period end. Amounts are read exactly with
``ledgerkit.money.parse_decimal``.

A file whose bytes are not what they claim (wrong magic, a truncated or
corrupt PNG/JPEG/TIFF, a PDF without its ``%%EOF`` trailer) raises
``ParseError`` with a message for the user. A readable file with unreadable
metadata is imported with a warning ``Issue`` instead.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import re
import struct
import warnings
import zlib
from decimal import Decimal
from pathlib import Path

from ..model import DocumentKind, Issue
from ..money import AmountError, parse_decimal
from .base import AccountRef, DocumentRef, Extract, ParseError

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
TIFF_MAGICS = (b"II*\x00", b"MM\x00*")
PDF_MAGIC = b"%PDF-"
PDF_SEARCH = 1024            # PDF readers accept the header within the first KiB

KINDS = {k.value: k for k in (DocumentKind.CHECK, DocumentKind.DEPOSIT, DocumentKind.STATEMENT)}


def sniff(head: bytes) -> str | None:
    """"png", "jpeg", "tiff", "pdf" or None, from the first bytes of a file."""
    if head.startswith(PNG_MAGIC):
        return "png"
    if head.startswith(JPEG_MAGIC):
        return "jpeg"
    if head.startswith(TIFF_MAGICS):
        return "tiff"
    if PDF_MAGIC in head[:PDF_SEARCH]:
        return "pdf"
    return None


class DocumentImporter:
    """Images and PDFs as documents (see the module docstring)."""

    name = "documents"

    def identify(self, path: Path, head: bytes) -> bool:
        return sniff(head) is not None

    def accounts(self, path: Path, data: bytes) -> list[AccountRef]:
        # A document names an account number only to link to; it never creates an account.
        return []

    def extract(self, path: Path, data: bytes, **options) -> Extract:
        """One DocumentRef; ``kind=`` ("check", "deposit", "statement") overrides detection."""
        path = Path(path)
        fmt = sniff(data[:PDF_SEARCH])
        if fmt is None:
            raise ParseError("not a PNG, JPEG, TIFF or PDF file (unknown magic bytes)")
        meta = pdf_metadata(data) if fmt == "pdf" else image_metadata(fmt, data)
        issues: list[Issue] = []
        ref = build_ref(path.name, fmt, meta, issues, forced_kind=options.get("kind"))
        return Extract(importer=self.name, documents=[ref], issues=issues)


# ---------------------------------------------------------------------------
# turning metadata into a DocumentRef
# ---------------------------------------------------------------------------

_CHECK_NAME = re.compile(r"check[_-](?P<acct>[0-9]{2,})[_-](?P<num>[0-9]+)", re.I)
_DEPOSIT_NAME = re.compile(r"deposit[_-](?P<acct>[0-9]{2,})[_-](?P<date>[0-9]{8})(?:[_-](?P<n>[0-9]+))?", re.I)
_STATEMENT_NAME = re.compile(r"statement[_-](?P<acct>[0-9A-Za-z]{2,})[_-](?P<y>[0-9]{4})-?(?P<m>[0-9]{2})", re.I)
_WORD = re.compile(r"(?:ledgerkit:)?([A-Za-z_]+)=([^\s;]+)")


def _norm_key(key: str) -> str:
    key = key.strip().lower()
    return key.removeprefix("ledgerkit:").replace("-", "_")


def words(text: str) -> dict[str, str]:
    """``key=value`` words of a free-text field ("ledgerkit statement account=1 start=...")."""
    found = {_norm_key(k): v.rstrip(",") for k, v in _WORD.findall(text)}
    head = text.strip().lower().split()
    if len(head) >= 2 and head[0] == "ledgerkit" and head[1] in KINDS and "kind" not in found:
        found["kind"] = head[1]
    return found


def parse_date(text: str) -> dt.date:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%Y%m%d", "%m/%d/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise ValueError(f"not a date: {text!r}")


def build_ref(filename: str, fmt: str, meta: dict[str, str], issues: list[Issue], *,
              forced_kind: str | None = None) -> DocumentRef:
    def warn(message: str) -> None:
        issues.append(Issue(filename, "", message, severity="warning"))

    stem = Path(filename).stem
    kind = (forced_kind or meta.get("kind", "")).strip().lower()
    if kind and kind not in KINDS:
        warn(f"unknown document kind {kind!r} in the file's metadata; ignored")
        kind = ""
    name_check, name_deposit, name_statement = (_CHECK_NAME.search(stem), _DEPOSIT_NAME.search(stem),
                                                _STATEMENT_NAME.search(stem))
    lower = stem.lower()
    if not kind:
        if fmt == "pdf":
            kind = "statement"
            if not name_statement and "start" not in meta:
                warn("no statement metadata or statement_<account>_<yyyy-mm> name: the period is unknown")
        elif "check" in lower or "cheque" in lower:
            kind = "check"
        elif "deposit" in lower:
            kind = "deposit"
        else:
            kind = "check"
            warn("no check or deposit details in the image or its name; stored as a check image")

    def get_date(*keys: str) -> dt.date | None:
        for key in keys:
            if meta.get(key):
                try:
                    return parse_date(meta[key])
                except ValueError:
                    warn(f"unreadable {key} {meta[key]!r} in the file's metadata; ignored")
        return None

    amount: Decimal | None = None
    amount_key = "closing" if kind == "statement" else "amount"
    for key in (amount_key, "amount"):
        if meta.get(key):
            try:
                amount = parse_decimal(meta[key])
            except AmountError:
                warn(f"unreadable {key} {meta[key]!r} in the file's metadata; ignored")
            break

    account = meta.get("account", "") or meta.get("account_number", "")
    check_number = ""
    posted = period_start = period_end = None
    if kind == "check":
        check_number = meta.get("check_number", "") or meta.get("checknum", "")
        if name_check:
            check_number = check_number or name_check["num"]
            account = account or name_check["acct"]
        posted = get_date("date", "posted")
    elif kind == "deposit":
        posted = get_date("date", "posted")
        if name_deposit:
            account = account or name_deposit["acct"]
            if posted is None:
                try:
                    posted = parse_date(name_deposit["date"])
                except ValueError:
                    warn(f"the name's date {name_deposit['date']!r} is not a date; ignored")
    else:
        period_start, period_end = get_date("start", "period_start"), get_date("end", "period_end")
        if name_statement:
            account = account or name_statement["acct"]
            if period_start is None and period_end is None:
                y, m = int(name_statement["y"]), int(name_statement["m"])
                if 1 <= m <= 12:
                    period_start = dt.date(y, m, 1)
                    period_end = dt.date(y, m, calendar.monthrange(y, m)[1])
        posted = period_end
    payee = (meta.get("payee", "") or meta.get("pay_to", "")).strip() if kind == "check" else ""
    return DocumentRef(kind=KINDS[kind], filename=filename, check_number=check_number.strip(), amount=amount,
                       posted=posted, period_start=period_start, period_end=period_end,
                       account_number=account.strip(), payee=payee)


# ---------------------------------------------------------------------------
# images
# ---------------------------------------------------------------------------

def image_metadata(fmt: str, data: bytes) -> dict[str, str]:
    """Metadata of a PNG/JPEG/TIFF; ParseError when the image itself is damaged."""
    meta: dict[str, str] = {}
    if fmt == "png":
        for key, value in png_text_chunks(data):
            nk = _norm_key(key)
            if nk in ("description", "comment"):
                meta.update({k: v for k, v in words(value).items() if k not in meta})
            else:
                meta[nk] = value
    elif fmt == "jpeg":
        for comment in jpeg_comments(data):
            meta.update(words(comment))
    texts = _decode_with_pillow(fmt, data)
    for text in texts:
        for k, v in words(text).items():
            meta.setdefault(k, v)
    return meta


def png_text_chunks(data: bytes) -> list[tuple[str, str]]:
    """Walk the PNG chunk list (checking lengths and CRCs) and return its text chunks."""
    pos, texts, first, ended = len(PNG_MAGIC), [], True, False
    while pos < len(data):
        if pos + 8 > len(data):
            raise ParseError("truncated PNG: the file ends inside a chunk header", f"byte {pos}")
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        end = pos + 8 + length + 4
        if end > len(data):
            raise ParseError(f"truncated PNG: chunk {ctype.decode('latin-1')!r} runs past the end of the file",
                             f"byte {pos}")
        body = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[end - 4:end])
        if zlib.crc32(ctype + body) != crc:
            raise ParseError(f"corrupt PNG: bad checksum in chunk {ctype.decode('latin-1')!r}", f"byte {pos}")
        if first and ctype != b"IHDR":
            raise ParseError("corrupt PNG: the first chunk is not IHDR", f"byte {pos}")
        first = False
        try:
            if ctype == b"tEXt":
                key, _, value = body.partition(b"\0")
                texts.append((key.decode("latin-1"), value.decode("latin-1")))
            elif ctype == b"zTXt":
                key, _, rest = body.partition(b"\0")
                texts.append((key.decode("latin-1"), zlib.decompress(rest[1:]).decode("latin-1")))
            elif ctype == b"iTXt":
                key, _, rest = body.partition(b"\0")
                compressed, rest = rest[0], rest[2:]
                _lang, _, rest = rest.partition(b"\0")
                _tkey, _, value = rest.partition(b"\0")
                texts.append((key.decode("latin-1"),
                              (zlib.decompress(value) if compressed else value).decode("utf-8")))
        except (zlib.error, UnicodeDecodeError, IndexError):
            pass                                  # an unreadable text chunk is just no metadata
        pos = end
        if ctype == b"IEND":
            ended = True
            break
    if not ended:
        raise ParseError("truncated PNG: no IEND chunk")
    return texts


def jpeg_comments(data: bytes) -> list[str]:
    """COM segments before the image data; ParseError for a broken segment list."""
    pos, out = 2, []
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            raise ParseError("corrupt JPEG: bad segment marker", f"byte {pos}")
        marker = data[pos + 1]
        if marker == 0xFF:                        # fill byte
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        if marker == 0xD9:
            break
        (length,) = struct.unpack(">H", data[pos + 2:pos + 4])
        if length < 2 or pos + 2 + length > len(data):
            raise ParseError("truncated JPEG: a segment runs past the end of the file", f"byte {pos}")
        if marker == 0xFE:
            out.append(data[pos + 4:pos + 2 + length].decode("utf-8", "replace"))
        if marker == 0xDA:                        # start of scan: image data follows
            break
        pos += 2 + length
    if data.rstrip(b"\0\r\n ")[-2:] != b"\xff\xd9":
        raise ParseError("truncated JPEG: no end-of-image marker")
    return out


def _decode_with_pillow(fmt: str, data: bytes) -> list[str]:
    """Decode the pixels (catching truncation and corruption); return description texts."""
    from PIL import Image, UnidentifiedImageError

    label = fmt.upper()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")          # Pillow warns about odd EXIF; real damage still raises
            with Image.open(io.BytesIO(data)) as im:
                im.load()
                if fmt == "tiff":
                    desc = getattr(im, "tag_v2", {}).get(270)
                elif fmt == "jpeg":
                    desc = im.getexif().get(270)
                else:
                    desc = None
                return [str(desc)] if desc else []
    except Image.DecompressionBombError as e:
        raise ParseError(f"{label} image is too large to open safely ({e})") from None
    except UnidentifiedImageError:
        raise ParseError(f"corrupt {label}: the image cannot be read") from None
    except (OSError, SyntaxError, ValueError, struct.error, EOFError, IndexError, KeyError) as e:
        msg = str(e) or type(e).__name__
        word = "truncated" if "truncat" in msg.lower() else "corrupt"
        raise ParseError(f"{word} {label}: {msg}") from None


# ---------------------------------------------------------------------------
# PDFs
# ---------------------------------------------------------------------------

_INFO_KEY = re.compile(rb"/(Subject|Keywords)\s*([(<])")


def pdf_metadata(data: bytes) -> dict[str, str]:
    """``key=value`` words from the document information dictionary (Subject, then
    Keywords; the last revision wins). ParseError for a truncated PDF."""
    start = data.find(PDF_MAGIC, 0, PDF_SEARCH)
    if start < 0:
        raise ParseError("not a PDF file (no %PDF- header)")
    if b"%%EOF" not in data[-2048:]:
        raise ParseError("truncated PDF: no %%EOF marker at the end of the file")
    if b"startxref" not in data[-4096:]:
        raise ParseError("corrupt PDF: no startxref before %%EOF")
    fields: dict[str, str] = {}
    for m in _INFO_KEY.finditer(data):
        try:
            raw = _pdf_string(data, m.end(2) - 1)
        except ValueError:
            continue
        fields[m.group(1).decode()] = _pdf_text(raw)
    meta: dict[str, str] = {}
    for key in ("Keywords", "Subject"):           # Subject wins over Keywords
        text = fields.get(key, "")
        if "ledgerkit" in text.lower() or "=" in text:
            meta.update(words(text))
    if "kind" not in meta and "ledgerkit statement" in fields.get("Subject", "").lower():
        meta["kind"] = "statement"
    return meta


_ESCAPES = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f",
            ord("("): b"(", ord(")"): b")", ord("\\"): b"\\"}


def _pdf_string(data: bytes, pos: int) -> bytes:
    """The PDF string object starting at ``pos`` (a literal ``(...)`` or hex ``<...>``)."""
    if data[pos:pos + 1] == b"<":
        end = data.find(b">", pos)
        if end < 0:
            raise ValueError("unterminated hex string")
        hexdigits = re.sub(rb"\s+", b"", data[pos + 1:end])
        if len(hexdigits) % 2:
            hexdigits += b"0"
        return bytes.fromhex(hexdigits.decode("ascii"))
    out, depth, i = bytearray(), 1, pos + 1
    while i < len(data):
        c = data[i]
        if c == 0x5C:                             # backslash
            nxt = data[i + 1] if i + 1 < len(data) else None
            if nxt is None:
                break
            if nxt in _ESCAPES:
                out += _ESCAPES[nxt]
                i += 2
            elif 0x30 <= nxt <= 0x37:             # \ddd octal
                j = i + 1
                while j < min(i + 4, len(data)) and 0x30 <= data[j] <= 0x37:
                    j += 1
                out.append(int(data[i + 1:j], 8) & 0xFF)
                i = j
            elif nxt in (0x0D, 0x0A):             # line continuation
                i += 2
                if nxt == 0x0D and data[i:i + 1] == b"\n":
                    i += 1
            else:
                out.append(nxt)
                i += 2
            continue
        if c == 0x28:
            depth += 1
        elif c == 0x29:
            depth -= 1
            if depth == 0:
                return bytes(out)
        out.append(c)
        i += 1
    raise ValueError("unterminated literal string")


def _pdf_text(raw: bytes) -> str:
    """A PDF text string: UTF-16 with a byte-order mark, UTF-8 with one, else PDFDocEncoding (~Latin-1)."""
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be", "replace")
    if raw.startswith(b"\xff\xfe"):
        return raw[2:].decode("utf-16-le", "replace")
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", "replace")
    return raw.decode("latin-1")
