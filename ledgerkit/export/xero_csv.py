"""Xero bank statement CSV ("Import a Statement").

    *Date,*Amount,Payee,Description,Reference,Check Number

Rules (reference: formats.md section 7.2): headings in row 1; one signed
amount column (money out negative), no symbol or thousands separator; no
balance columns; at most 1,000 statement lines per file (the export is split
otherwise); one date format (MM/DD/YYYY for US organisations, DD/MM/YYYY with
``date_order="dmy"``, which also names the last column "Cheque Number").
Reference carries the transaction's FITID, so lines stay distinct (two equal
coffees on one day) and a re-import of the same line is recognisable. Cells a
spreadsheet would run as formulas are neutralised. One file per account.

``read_xero_csv`` reads such a file back.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import polars as pl

from . import text
from .base import Context, Rendered, by_account, date_format, ids, number_parts
from .qbo_csv import csv_text, unneutralize
from .splitting import plan

CRLF = "\r\n"


def header(date_order: str) -> str:
    check = "Cheque Number" if date_order == "dmy" else "Check Number"
    return f"*Date,*Amount,Payee,Description,Reference,{check}"


def format_xero_csv(frame: pl.DataFrame, ctx: Context) -> list[Rendered]:
    out: list[Rendered] = []
    fmt = date_format(ctx.date_order)
    head = header(ctx.date_order)
    for account_id, rows in by_account(frame):
        payee = text.one_line(pl.col("payee"))
        memo = text.one_line(pl.col("memo"))
        desc = text.one_line(pl.col("description"))
        description = (pl.when(memo != "").then(memo).when(desc != payee).then(desc).otherwise(pl.lit("")))
        lines = rows.select("transaction_id", pl.concat_str([
            pl.col("posted").dt.strftime(fmt), pl.lit(","), text.amount_text(pl.col("amount"), pl.col("exp")),
            pl.lit(","), csv_text(payee), pl.lit(","), csv_text(description), pl.lit(","),
            csv_text(pl.col("fitid")), pl.lit(","), csv_text(pl.col("check_number"))]).alias("line"))
        sizes = (lines["line"].str.len_bytes() + 2).to_list()
        for a, b in plan(sizes, ctx.limit, len(head) + 2):
            part = lines.slice(a, b - a)
            doc = head + CRLF + "".join(line + CRLF for line in part["line"].to_list())
            out.append(Rendered(doc.encode("utf-8"), ids(part), account_id))
    return number_parts(out)


def read_xero_csv(data: bytes | str, date_order: str = "mdy") -> list[dict]:
    """Rows of a Xero statement CSV: date (date), amount (text), payee, description, reference, check."""
    raw = data.decode("utf-8") if isinstance(data, bytes) else data
    reader = csv.reader(io.StringIO(raw, newline=""))
    head = next(reader)
    if head[:5] != ["*Date", "*Amount", "Payee", "Description", "Reference"]:
        raise ValueError(f"unexpected header {head}")
    fmt = date_format(date_order)
    return [{"date": dt.datetime.strptime(r[0], fmt).date(), "amount": r[1], "payee": unneutralize(r[2]),
             "description": unneutralize(r[3]), "reference": unneutralize(r[4]), "check": unneutralize(r[5])}
            for r in reader if r]
