"""Test support for the dashboard: a tiny importer so widget tests do not depend on the
real importers (being built alongside), and builders for realistic workspaces.

``FakeImporter`` goes through the real ingest path (archive, accounts, identities,
documents, audit): only format detection is replaced, via ``install``.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal
from pathlib import Path

import polars as pl

from ledgerkit.importers.base import AccountRef, DocumentRef, Extract, conform
from ledgerkit.model import AccountKind, DocumentKind

HEADER = "account,date,amount,payee,description,check_number,bank_id"
PAYEES = ["Staples", "Shell Oil", "City Water", "Comcast", "Amazon", "Payroll", "Deposit", "Check"]


class FakeImporter:
    """``HEADER`` CSV files, ``check-<no>-<amount>.png`` / ``deposit-<amount>-<date>.png`` images and
    ``statement_<account>_<start>_<end>.pdf`` statements."""

    name = "fake"

    def identify(self, path: Path, head: bytes) -> bool:
        name = Path(path).name
        return head.startswith(HEADER.encode()) or name.startswith(("check-", "deposit-", "statement_"))

    def accounts(self, path, data):
        return []

    def extract(self, path: Path, data: bytes, **options) -> Extract:
        name = Path(path).name
        if name.startswith("check-"):
            _, number, amount = Path(name).stem.split("-", 2)
            return Extract(self.name, documents=[DocumentRef(DocumentKind.CHECK, name, check_number=number,
                                                             amount=Decimal(amount))])
        if name.startswith("deposit-"):
            _, amount, day = Path(name).stem.split("-", 2)
            return Extract(self.name, documents=[DocumentRef(DocumentKind.DEPOSIT, name, amount=Decimal(amount),
                                                             posted=dt.date.fromisoformat(day))])
        if name.startswith("statement_"):
            _, account, start, end = Path(name).stem.split("_")
            return Extract(self.name, documents=[DocumentRef(
                DocumentKind.STATEMENT, name, account_number=account, period_start=dt.date.fromisoformat(start),
                period_end=dt.date.fromisoformat(end))])
        f = pl.read_csv(io.BytesIO(data), schema_overrides=dict.fromkeys(HEADER.split(","), pl.String)).fill_null("")
        names = f["account"].unique(maintain_order=True).to_list()
        refs = [AccountRef(key=f"fake:{n}", kind=AccountKind.CHECKING, currency="USD", institution="Fake Bank",
                           number=n, name_hint=f"Checking {n}") for n in names]
        index = {n: i for i, n in enumerate(names)}
        t = f.with_columns(pl.col("account").replace_strict(index, return_dtype=pl.Int32),
                           pl.col("date").str.to_date().alias("posted"),
                           pl.int_range(1, pl.len() + 1).alias("row"))
        return Extract(self.name, accounts=refs, transactions=conform(t))


def install(monkeypatch) -> FakeImporter:
    from ledgerkit import ingest
    importer = FakeImporter()
    real = ingest.detect

    def detect(path, head):
        return importer if importer.identify(path, head) else real(path, head)

    monkeypatch.setattr(ingest, "detect", detect)
    return importer


def csv_bytes(rows: list[tuple]) -> bytes:
    """rows: (account, date, amount, payee, description, check_number, bank_id)."""
    lines = [HEADER] + [",".join(str(v) for v in r) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def random_csv(n: int, accounts=("1001",), seed: int = 1, start: dt.date = dt.date(2025, 1, 1),
               days: int = 365) -> bytes:
    r = random.Random(seed)
    rows = []
    for i in range(n):
        payee = r.choice(PAYEES)
        day = start + dt.timedelta(days=i * days // max(n, 1))
        amount = f"{r.randint(-50000, 30000) / 100:.2f}"
        check = str(1000 + i) if payee == "Check" else ""
        rows.append((r.choice(accounts), day.isoformat(), amount, payee, f"{payee.upper()} {i}", check, f"B{seed}-{i}"))
    return csv_bytes(rows)


def png_bytes(width: int = 600, height: int = 260, text: str = "PAY TO THE ORDER OF") -> bytes:
    from PIL import Image, ImageDraw
    img = Image.new("RGB", (width, height), "white")
    ImageDraw.Draw(img).text((20, 20), text, fill="black")
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def pdf_bytes(text: str = "Statement") -> bytes:
    """A minimal valid one-page PDF."""
    content = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
    return out.getvalue()
