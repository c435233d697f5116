"""DocumentImporter: check and deposit images and statement PDFs from the demo firm,
file-name fallbacks, other image formats, and damaged files."""

from __future__ import annotations

import datetime as dt
import io
import json
import struct
import zlib
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from ledgerkit.importers import by_name
from ledgerkit.importers.base import Importer, ParseError
from ledgerkit.importers.documents import DocumentImporter
from ledgerkit.model import DocumentKind

FIRM = Path(__file__).resolve().parents[2] / "sample_data" / "firm"
IMP = DocumentImporter()


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads((FIRM / "firm.json").read_text(encoding="utf-8"))


def sample_accounts(manifest):
    return [a for c in manifest["clients"] for a in c["accounts"]]


def extract(path: Path, data: bytes | None = None, **options):
    data = path.read_bytes() if data is None else data
    return IMP.extract(path, data, **options)


def png(*, text: dict[str, str] | None = None, size=(40, 20)) -> bytes:
    info = PngInfo()
    for k, v in (text or {}).items():
        info.add_text(k, v)
    out = io.BytesIO()
    Image.new("L", size, 200).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def jpeg(comment: str = "") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 200, 200)).save(out, "JPEG", comment=comment)
    return out.getvalue()


def tiff(description: str = "") -> bytes:
    out = io.BytesIO()
    Image.new("L", (40, 20), 200).save(out, "TIFF", tiffinfo={270: description} if description else {})
    return out.getvalue()


def pdf(info: bytes = b"") -> bytes:
    """A minimal PDF whose information dictionary holds ``info``."""
    return (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
            b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
            b"3 0 obj\n<< " + info + b" >>\nendobj\n"
            b"trailer\n<< /Size 4 /Root 1 0 R /Info 3 0 R >>\nstartxref\n0\n%%EOF\n")


# ---------------------------------------------------------------------------
# the protocol
# ---------------------------------------------------------------------------

def test_is_an_importer_and_registered():
    assert isinstance(IMP, Importer)
    assert IMP.name == "documents"
    assert isinstance(by_name("documents"), DocumentImporter)


@pytest.mark.parametrize("head, expected", [
    (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", True),
    (b"\xff\xd8\xff\xe0\0\x10JFIF", True),
    (b"II*\0\x08\0\0\0", True),
    (b"MM\0*\0\0\0\x08", True),
    (b"%PDF-1.7\n", True),
    (b"\r\n%PDF-1.4\n", True),                    # a few bytes before the header are tolerated
    (b"OFXHEADER:100\r\nDATA:OFXSGML", False),
    (b"Date,Description,Amount\n", False),
    (b"!Type:Bank\n", False),
    (b"", False),
])
def test_identify_by_magic_bytes(head, expected):
    assert IMP.identify(Path("whatever.bin"), head) is expected


def test_identify_ignores_the_file_name():
    assert not IMP.identify(Path("check_1234_1001.png"), b"Date,Amount\n")


# ---------------------------------------------------------------------------
# the demo firm's documents
# ---------------------------------------------------------------------------

def test_sample_check_images(manifest):
    seen = 0
    for a in sample_accounts(manifest):
        for chk in a["checks"]:
            path = FIRM / chk["path"]
            data = path.read_bytes()
            assert IMP.identify(path, data[:65536])
            ex = extract(path, data)
            assert ex.importer == "documents"
            assert ex.transactions.height == 0 and ex.accounts == [] and ex.issues == []
            (ref,) = ex.documents
            assert ref.kind is DocumentKind.CHECK
            assert ref.filename == path.name
            assert ref.check_number == chk["check_number"]
            assert ref.amount == Decimal(chk["amount"]) and isinstance(ref.amount, Decimal)
            assert ref.posted == dt.date.fromisoformat(chk["date"])
            assert ref.account_number == a["number"]
            assert ref.period_start is None and ref.period_end is None
            seen += 1
    assert seen >= 20


def test_sample_deposit_images(manifest):
    seen = 0
    for a in sample_accounts(manifest):
        for dep in a["deposits"]:
            path = FIRM / dep["path"]
            (ref,) = extract(path).documents
            assert ref.kind is DocumentKind.DEPOSIT
            assert ref.amount == Decimal(dep["amount"])
            assert ref.posted == dt.date.fromisoformat(dep["date"])
            assert ref.account_number == a["number"]
            assert ref.check_number == ""
            seen += 1
    assert seen >= 10


def test_sample_statements(manifest):
    for a in sample_accounts(manifest):
        for st in a["statements"]:
            path = FIRM / st["path"]
            ex = extract(path)
            assert ex.issues == []
            (ref,) = ex.documents
            assert ref.kind is DocumentKind.STATEMENT
            assert ref.period_start == dt.date.fromisoformat(st["start"])
            assert ref.period_end == dt.date.fromisoformat(st["end"])
            assert ref.posted == ref.period_end
            assert ref.amount == Decimal(st["closing"])           # a statement's amount is its closing balance
            assert ref.account_number == a["number"]


# ---------------------------------------------------------------------------
# metadata variants and file-name fallbacks
# ---------------------------------------------------------------------------

def test_png_keys_with_or_without_prefix():
    a = png(text={"ledgerkit:kind": "check", "check_number": "77", "amount": "12.5", "date": "2026-02-03",
                  "account": "999"})
    b = png(text={"ledgerkit:kind": "check", "ledgerkit:check_number": "77", "ledgerkit:amount": "12.5",
                  "ledgerkit:date": "2026-02-03", "ledgerkit:account": "999"})
    ra, rb = extract(Path("scan.png"), a).documents[0], extract(Path("scan.png"), b).documents[0]
    assert ra == rb
    assert (ra.kind, ra.check_number, ra.amount, ra.posted, ra.account_number) == (
        DocumentKind.CHECK, "77", Decimal("12.5"), dt.date(2026, 2, 3), "999")


def test_png_non_latin_text_goes_to_itxt_and_is_read():
    data = png(text={"ledgerkit:kind": "check", "payee": "Café Olé ☕", "check_number": "5"})
    (ref,) = extract(Path("x.png"), data).documents
    assert ref.check_number == "5"


def test_check_number_and_account_from_the_file_name():
    ex = extract(Path("check_4821_1042.png"), png())
    (ref,) = ex.documents
    assert (ref.kind, ref.check_number, ref.account_number, ref.amount) == (DocumentKind.CHECK, "1042", "4821", None)
    assert ex.issues == []


def test_deposit_date_from_the_file_name():
    (ref,) = extract(Path("deposit_8830_20260105_2.png"), png()).documents
    assert (ref.kind, ref.posted, ref.account_number) == (DocumentKind.DEPOSIT, dt.date(2026, 1, 5), "8830")


def test_statement_period_from_the_file_name():
    ex = extract(Path("statement_4821_2026-02.pdf"), pdf())
    (ref,) = ex.documents
    assert ref.kind is DocumentKind.STATEMENT
    assert (ref.period_start, ref.period_end, ref.account_number) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28),
                                                                      "4821")
    assert ex.issues == []


def test_metadata_wins_over_the_file_name():
    data = png(text={"ledgerkit:kind": "deposit", "amount": "40.00", "date": "2026-03-04", "account": "12345"})
    (ref,) = extract(Path("check_4821_1042.png"), data).documents
    assert (ref.kind, ref.amount, ref.posted, ref.account_number) == (
        DocumentKind.DEPOSIT, Decimal("40.00"), dt.date(2026, 3, 4), "12345")


@pytest.mark.parametrize("name, kind", [("Check scan 12.png", DocumentKind.CHECK),
                                        ("my-deposit.png", DocumentKind.DEPOSIT)])
def test_image_without_metadata_named_by_its_kind(name, kind):
    ex = extract(Path(name), png())
    assert ex.documents[0].kind is kind
    assert ex.issues == []


def test_image_without_any_clue_is_a_check_with_a_warning():
    ex = extract(Path("IMG_0001.png"), png())
    assert ex.documents[0].kind is DocumentKind.CHECK
    (issue,) = ex.issues
    assert issue.severity == "warning" and issue.source == "IMG_0001.png"
    assert ex.errors == []


def test_pdf_without_any_clue_is_a_statement_with_a_warning():
    ex = extract(Path("scan.pdf"), pdf())
    assert ex.documents[0].kind is DocumentKind.STATEMENT
    assert ex.documents[0].period_start is None
    assert [i.severity for i in ex.issues] == ["warning"]


def test_forced_kind_option():
    (ref,) = extract(Path("IMG_0001.png"), png(), kind="deposit").documents
    assert ref.kind is DocumentKind.DEPOSIT


def test_unreadable_metadata_values_are_warnings():
    data = png(text={"ledgerkit:kind": "check", "amount": "twelve", "date": "someday", "check_number": "9"})
    ex = extract(Path("x.png"), data)
    (ref,) = ex.documents
    assert ref.amount is None and ref.posted is None and ref.check_number == "9"
    assert len(ex.issues) == 2 and all(i.severity == "warning" for i in ex.issues)


def test_jpeg_comment_metadata():
    data = jpeg("ledgerkit:kind=deposit amount=1,234.50 date=2026-01-05 account=61550032")
    assert IMP.identify(Path("a.jpg"), data)
    (ref,) = extract(Path("a.jpg"), data).documents
    assert (ref.kind, ref.posted, ref.account_number) == (DocumentKind.DEPOSIT, dt.date(2026, 1, 5), "61550032")
    assert ref.amount == Decimal("1234.50")


def test_tiff_description_metadata():
    data = tiff("ledgerkit check check_number=3301 amount=4200.00 date=01/02/2026 account=61550032")
    (ref,) = extract(Path("img.tif"), data).documents
    assert (ref.kind, ref.check_number, ref.amount, ref.posted) == (
        DocumentKind.CHECK, "3301", Decimal("4200.00"), dt.date(2026, 1, 2))


def test_pdf_literal_string_with_escapes():
    subject = (rb"/Subject (ledgerkit statement account=12\(3\) start=2026-01-01 end=2026-01-31 "
               rb"opening=1.00 closing=2.50 note=\(paren\) \\ back\
slash)")
    (ref,) = extract(Path("s.pdf"), pdf(subject)).documents
    assert (ref.period_start, ref.period_end, ref.amount, ref.account_number) == (
        dt.date(2026, 1, 1), dt.date(2026, 1, 31), Decimal("2.50"), "12(3)")


def test_pdf_utf16_hex_subject_and_keywords():
    subject = "ledgerkit statement account=FR76 start=2026-03-01 end=2026-03-31 closing=-8.50 libellé=é"
    hexed = ("FEFF" + subject.encode("utf-16-be").hex()).encode()
    keywords = b"/Keywords (ledgerkit; kind=statement; account=should-lose; currency=EUR)"
    (ref,) = extract(Path("s.pdf"), pdf(b"/Subject <" + hexed + b"> " + keywords)).documents
    assert ref.account_number == "FR76"                       # Subject wins over Keywords
    assert ref.amount == Decimal("-8.50")
    assert ref.period_end == dt.date(2026, 3, 31)


def test_pdf_last_revision_wins():
    first = pdf(b"/Subject (ledgerkit statement account=1 start=2026-01-01 end=2026-01-31 closing=1.00)")
    update = (b"4 0 obj\n<< /Subject (ledgerkit statement account=1 start=2026-01-01 end=2026-01-31 "
              b"closing=9.00) >>\nendobj\ntrailer\n<< /Info 4 0 R >>\nstartxref\n0\n%%EOF\n")
    (ref,) = extract(Path("s.pdf"), first + update).documents
    assert ref.amount == Decimal("9.00")


# ---------------------------------------------------------------------------
# damaged files
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def check_png(manifest) -> bytes:
    return (FIRM / sample_accounts(manifest)[0]["checks"][0]["path"]).read_bytes()


@pytest.fixture(scope="module")
def statement_pdf(manifest) -> bytes:
    return (FIRM / sample_accounts(manifest)[0]["statements"][0]["path"]).read_bytes()


@pytest.mark.parametrize("cut", [8, 20, 33, 200, 5000, -13, -1])
def test_truncated_png(check_png, cut):
    with pytest.raises(ParseError, match="truncated PNG"):
        extract(Path("check_4821_1042.png"), check_png[:cut])


def test_png_with_a_bad_checksum(check_png):
    data = bytearray(check_png)
    data[40] ^= 0xFF                                  # inside IHDR/tEXt data: the CRC no longer matches
    with pytest.raises(ParseError, match="corrupt PNG"):
        extract(Path("x.png"), bytes(data))


def test_png_whose_pixels_are_garbage():
    """Valid chunk structure (CRCs recomputed) around an IDAT that does not inflate."""
    good = png()
    pos = good.index(b"IDAT") - 4
    (length,) = struct.unpack(">I", good[pos:pos + 4])
    body = b"\x00" * length
    idat = struct.pack(">I", length) + b"IDAT" + body + struct.pack(">I", zlib.crc32(b"IDAT" + body))
    bad = good[:pos] + idat + good[pos + 12 + length:]
    with pytest.raises(ParseError, match="PNG"):
        extract(Path("x.png"), bad)


def test_png_magic_only():
    with pytest.raises(ParseError, match="truncated PNG"):
        extract(Path("x.png"), b"\x89PNG\r\n\x1a\n")


def test_truncated_jpeg():
    data = jpeg("ledgerkit:kind=check")
    with pytest.raises(ParseError, match="JPEG"):
        extract(Path("x.jpg"), data[: len(data) // 2])


def test_truncated_tiff():
    data = tiff("ledgerkit:kind=check")
    with pytest.raises(ParseError, match="TIFF"):
        extract(Path("x.tif"), data[:30])


@pytest.mark.parametrize("cut", [10, 1000, -20])
def test_truncated_pdf(statement_pdf, cut):
    with pytest.raises(ParseError, match="truncated PDF"):
        extract(Path("statement_4821_2026-01.pdf"), statement_pdf[:cut])


def test_not_a_document():
    with pytest.raises(ParseError, match="not a PNG, JPEG, TIFF or PDF"):
        extract(Path("check_4821_1042.png"), b"Date,Description,Amount\n01/02/2026,X,1.00\n")


def test_errors_carry_a_message_for_the_user(check_png):
    with pytest.raises(ParseError) as e:
        extract(Path("x.png"), check_png[:100])
    assert e.value.message and "PNG" in e.value.message
