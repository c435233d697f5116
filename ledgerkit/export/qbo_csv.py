"""QuickBooks Online bank upload CSV, the 3-column signed layout.

    Date,Description,Amount
    01/05/2025,Smith & Sons Property,-150.00

Rules (reference: formats.md section 3): exactly these three headers; one
date format for the whole file (MM/DD/YYYY unless asked otherwise); amounts
signed (money out negative), ``.`` decimal, no symbol or thousands separator,
a zero amount left blank; a Description that is never only digits; at most
350 KB and 999 transactions per file (the export is split otherwise); UTF-8
without BOM, CRLF. Cells that a spreadsheet would run as a formula are
neutralised. One file per account (QuickBooks uploads go to one account).

``read_qbo_csv`` reads such a file back.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import polars as pl

from . import text
from .base import Context, Rendered, by_account, date_format, ids, number_parts
from .splitting import plan

CRLF = "\r\n"
HEADER = "Date,Description,Amount"
_NUMERIC_ONLY = r"^[0-9\s.,/#\-]+$"


def description_expr() -> pl.Expr:
    payee = text.one_line(pl.col("payee"))
    chk = text.one_line(pl.col("check_number"))
    return (pl.when(payee.str.contains(_NUMERIC_ONLY) & (chk != "")).then(pl.lit("Check ") + payee)
            .when(payee.str.contains(_NUMERIC_ONLY)).then(pl.lit("Ref ") + payee)
            .when(payee != "").then(payee)
            .when(chk != "").then(pl.lit("Check ") + chk)
            .when(pl.col("amount") < 0).then(pl.lit("Payment"))
            .otherwise(pl.lit("Deposit")))


def csv_text(expr: pl.Expr) -> pl.Expr:
    """A safe CSV text cell: one line, formula-neutralised, quoted when needed."""
    return text.csv_field(text.neutralize_formula(text.one_line(expr)))


def format_qbo_csv(frame: pl.DataFrame, ctx: Context) -> list[Rendered]:
    out: list[Rendered] = []
    fmt = date_format(ctx.date_order)
    for account_id, rows in by_account(frame):
        lines = rows.select("transaction_id", pl.concat_str([
            pl.col("posted").dt.strftime(fmt), pl.lit(","), csv_text(description_expr()), pl.lit(","),
            pl.when(pl.col("amount") == 0).then(pl.lit("")).otherwise(
                text.amount_text(pl.col("amount"), pl.col("exp")))]).alias("line"))
        sizes = (lines["line"].str.len_bytes() + 2).to_list()
        for a, b in plan(sizes, ctx.limit, len(HEADER) + 2):
            part = lines.slice(a, b - a)
            doc = HEADER + CRLF + "".join(line + CRLF for line in part["line"].to_list())
            out.append(Rendered(doc.encode("utf-8"), ids(part), account_id))
    return number_parts(out)


def unneutralize(value: str) -> str:
    """Undo ``neutralize_formula`` when reading a cell back."""
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
    return value


def read_qbo_csv(data: bytes | str, date_order: str = "mdy") -> list[dict]:
    """Rows of a 3-column QuickBooks Online CSV: ``date`` (date), ``description``, ``amount`` (text)."""
    raw = data.decode("utf-8") if isinstance(data, bytes) else data
    reader = csv.reader(io.StringIO(raw, newline=""))
    header = next(reader)
    if header != ["Date", "Description", "Amount"]:
        raise ValueError(f"unexpected header {header}")
    fmt = date_format(date_order)
    return [{"date": dt.datetime.strptime(r[0], fmt).date(), "description": unneutralize(r[1]),
             "amount": r[2] or "0"} for r in reader if r]
