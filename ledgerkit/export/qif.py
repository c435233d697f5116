"""QIF (Quicken Interchange Format) with the coding, for Quicken, GnuCash, Banktivity, Xero.

Rules (reference: formats.md section 7.1): one field per line, a record ends
with ``^``; ``!Account`` (N name, T type) then ``!Type:Bank`` or
``!Type:CCard``; D date (MM/DD/YYYY, or DD/MM/YYYY with ``date_order="dmy"``:
QIF has no date-format field, so tell the importer); T signed amount (money
out negative) without thousands separators; N check number; P payee; M memo;
L category, ``[Account]`` for a transfer, ``/Class`` after it; splits as S/E/$
lines whose amounts sum to T. Because ``[ ]`` mean a transfer and ``/`` starts
the class, brackets in category names become parentheses and ``/`` becomes
``-``. ASCII text, CRLF. QuickBooks does not import QIF. One file per account.

``read_qif`` reads such a file back.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from . import text
from .base import Context, Rendered, by_account, date_format, ids, number_parts
from .frame import CARD, offset_lines

CRLF = "\r\n"


def field(expr: pl.Expr) -> pl.Expr:
    return text.to_ascii(text.one_line(expr))


def category(expr: pl.Expr) -> pl.Expr:
    """A category or class name QIF cannot misread."""
    return (field(expr).str.replace_all("[", "(", literal=True).str.replace_all("]", ")", literal=True)
            .str.replace_all("/", "-", literal=True))


def _opt(code: str, value: pl.Expr) -> pl.Expr:
    return pl.when(value != "").then(pl.lit(code) + value + pl.lit(CRLF)).otherwise(pl.lit(""))


def _with_class(cat: pl.Expr, cls: pl.Expr) -> pl.Expr:
    return pl.when(cls != "").then(cat + pl.lit("/") + cls).otherwise(cat)


def format_qif(frame: pl.DataFrame, ctx: Context) -> list[Rendered]:
    out: list[Rendered] = []
    fmt = date_format(ctx.date_order)
    for account_id, rows in by_account(frame):
        lines = offset_lines(rows)
        lines = lines.with_columns(
            _cat=pl.when(pl.col("fallback")).then(pl.lit(""))
            .when(pl.col("transfer")).then(pl.lit("[") + category(pl.col("account")) + pl.lit("]"))
            .otherwise(category(pl.col("account"))),
            _cls=category(pl.col("class_")))
        lines = lines.join(rows.select("transaction_id", "exp"), on="transaction_id", how="left")
        split_ids = rows.filter(pl.col("splits").is_not_null() & (pl.col("splits").list.len() > 0))[
            "transaction_id"]
        multi = (lines.filter(pl.col("transaction_id").is_in(split_ids.implode()))
                 .with_columns(_s=pl.concat_str([
                     pl.lit("S"), _with_class(pl.col("_cat"), pl.col("_cls")), pl.lit(CRLF),
                     _opt("E", field(pl.col("memo"))),
                     pl.lit("$"), text.amount_text(pl.col("amount"), pl.col("exp")), pl.lit(CRLF)]))
                 .group_by("transaction_id", maintain_order=True).agg(pl.col("_s").str.join("").alias("_splits")))
        single = (lines.filter(~pl.col("transaction_id").is_in(split_ids.implode()))
                  .select("transaction_id", _with_class(pl.col("_cat"), pl.col("_cls")).alias("_l")))
        body = (rows.join(single, on="transaction_id", how="left", maintain_order="left")
                .join(multi, on="transaction_id", how="left", maintain_order="left")
                .select("transaction_id", pl.concat_str([
                    pl.lit("D"), pl.col("posted").dt.strftime(fmt), pl.lit(CRLF),
                    pl.lit("T"), text.amount_text(pl.col("amount"), pl.col("exp")), pl.lit(CRLF),
                    _opt("N", field(pl.col("check_number"))),
                    _opt("P", field(pl.col("payee"))),
                    _opt("M", field(pl.col("memo"))),
                    _opt("L", pl.col("_l").fill_null("")),
                    pl.col("_splits").fill_null(""),
                    pl.lit("^" + CRLF)]).alias("block")))
        kind = rows["account_kind"][0]
        name = text.fold_ascii(" ".join(str(rows["account_name"][0]).split()))
        typ = "CCard" if kind == CARD else "Bank"
        doc = (f"!Account{CRLF}N{name}{CRLF}T{typ}{CRLF}^{CRLF}!Type:{typ}{CRLF}"
               + "".join(body["block"].to_list()))
        out.append(Rendered(doc.encode("ascii", "replace"), ids(body), account_id))
    return number_parts(out)


def read_qif(data: bytes | str, date_order: str = "mdy") -> list[dict]:
    """Transactions of a QIF file: date, amount (text), check, payee, memo, category,
    klass, transfer (account name or ""), splits [{category, klass, memo, amount}],
    account (the ``!Account`` name) and type ("Bank"/"CCard")."""
    raw = data.decode("cp1252") if isinstance(data, bytes) else data
    fmt = date_format(date_order)
    out: list[dict] = []
    account, typ, in_account = "", "", False
    rec: dict = {}

    def split_cat(v: str) -> tuple[str, str]:
        cat, _, klass = v.partition("/")
        return cat, klass

    for line in raw.splitlines():
        if not line:
            continue
        if line.startswith("!"):
            if line == "!Account":
                in_account = True
            elif line.startswith("!Type:"):
                typ, in_account = line[6:], False
            continue
        code, value = line[0], line[1:]
        if in_account:
            if code == "N":
                account = value
            continue
        if code == "^":
            if rec:
                rec.setdefault("splits", [])
                out.append({"account": account, "type": typ, **rec})
            rec = {}
        elif code == "D":
            rec["date"] = dt.datetime.strptime(value.strip(), fmt).date()
        elif code == "T":
            rec["amount"] = value
        elif code == "N":
            rec["check"] = value
        elif code == "P":
            rec["payee"] = value
        elif code == "M":
            rec["memo"] = value
        elif code == "L":
            if value.startswith("[") and "]" in value:
                rec["transfer"], _, klass = value[1:].partition("]")
                rec["klass"] = klass.lstrip("/")
            else:
                rec["category"], rec["klass"] = split_cat(value)
        elif code == "S":
            cat, klass = split_cat(value)
            rec.setdefault("splits", []).append({"category": cat, "klass": klass, "memo": "", "amount": ""})
        elif code == "E" and rec.get("splits"):
            rec["splits"][-1]["memo"] = value
        elif code == "$" and rec.get("splits"):
            rec["splits"][-1]["amount"] = value
    return out
