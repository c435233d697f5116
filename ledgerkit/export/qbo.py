"""QuickBooks Web Connect (.qbo): OFX 1.0.2 SGML for QuickBooks Desktop and Online.

What QuickBooks needs, and this writes (reference: formats.md section 1):

- the nine-line OFX 1.0.2 header, one blank line, CRLF line endings, ASCII
  bytes (``ENCODING:USASCII``/``CHARSET:1252``; text is transliterated);
- ``<INTU.BID>`` after ``</FI>`` in SONRS: per account, default 3000 (see
  ``docs/export.md`` for configuring it);
- bank accounts in ``BANKMSGSRSV1`` (BANKACCTFROM with BANKID, ACCTID,
  ACCTTYPE), cards in ``CREDITCARDMSGSRSV1`` (CCACCTFROM with ACCTID only);
- elements in schema order, leaf elements unclosed, aggregates closed, no
  empty element ever (an optional element without a value is left out);
- ``& < >`` escaped; NAME at most 32 characters, what did not fit goes first
  into MEMO (at most 255);
- amounts signed from the customer's side with a ``.`` and no thousands
  separator; TRNTYPE from the 17-value enumeration and consistent with the
  sign; CHECK with ``<CHECKNUM>`` for checks;
- dates as ``YYYYMMDD120000.000[0:GMT]`` (noon, so no time zone moves the day);
- ``LEDGERBAL`` always, the account's balance at the end of DTEND;
- NAME is the coded payee, so QuickBooks' renaming rules and memorised payees
  fire; FITIDs come from ``fitid`` and never change.

One file per account; each file is cut further if it would pass QuickBooks
Online's 350 KB upload limit.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from . import text
from .base import Context, Rendered, StatementAccount, by_account, ids, number_parts
from .splitting import plan

CRLF = "\r\n"
HEADER = CRLF.join([
    "OFXHEADER:100", "DATA:OFXSGML", "VERSION:102", "SECURITY:NONE", "ENCODING:USASCII", "CHARSET:1252",
    "COMPRESSION:NONE", "OLDFILEUID:NONE", "NEWFILEUID:NONE",
]) + CRLF + CRLF

TRNTYPES = ("CREDIT", "DEBIT", "INT", "DIV", "FEE", "SRVCHG", "DEP", "ATM", "POS", "XFER", "CHECK",
            "PAYMENT", "CASH", "DIRECTDEP", "DIRECTDEBIT", "REPEATPMT", "OTHER")
_MONEY_IN_ONLY = ("CREDIT", "DEP", "DIRECTDEP", "DIV")
_MONEY_OUT_ONLY = ("DEBIT", "CHECK", "DIRECTDEBIT", "FEE", "SRVCHG")
NAME_MAX, MEMO_MAX, CHECKNUM_MAX = 32, 255, 12
NOON = "120000.000[0:GMT]"


def ofx_date(d: dt.date) -> str:
    return f"{d:%Y%m%d}{NOON}"


def ofx_datetime(t: dt.datetime) -> str:
    if t.tzinfo is not None:
        t = t.astimezone(dt.UTC)
    return f"{t:%Y%m%d%H%M%S}.000[0:GMT]"


def trntype_expr() -> pl.Expr:
    """A valid TRNTYPE that agrees with the sign: the bank's when it does, CHECK for
    checks, else CREDIT (money in) or DEBIT."""
    t = pl.col("type").str.strip_chars().str.to_uppercase()
    amount = pl.col("amount")
    inconsistent = (t.is_in(_MONEY_IN_ONLY) & (amount < 0)) | (t.is_in(_MONEY_OUT_ONLY) & (amount > 0))
    return (pl.when((pl.col("checknum") != "") & (amount < 0)).then(pl.lit("CHECK"))
            .when(t.is_in(TRNTYPES) & ~inconsistent).then(t)
            .when(amount > 0).then(pl.lit("CREDIT"))
            .otherwise(pl.lit("DEBIT")))


def stmttrn_fields(frame: pl.DataFrame, *, ascii: bool, name_max: int = NAME_MAX) -> pl.DataFrame:
    """The values of each STMTTRN, cleaned but not yet escaped.

    Columns: trntype, dtposted, trnamt, fitid, checknum, name, extdname (the
    whole payee when NAME had to be cut), memo ("" = leave the element out).
    """
    def clean(col: str) -> pl.Expr:
        e = text.one_line(pl.col(col))
        return text.to_ascii(e) if ascii else e

    f = frame.with_columns(
        _payee=clean("payee"), _memo=clean("memo"),
        # at most 12 characters: keep the significant end ("0000001234567" -> "000001234567")
        checknum=text.to_ascii(text.one_line(pl.col("check_number"))).str.replace_all(
            r"[^A-Za-z0-9-]", "").str.slice(-CHECKNUM_MAX),
    )
    f = f.with_columns(_payee=pl.when(pl.col("_payee") != "").then("_payee")
                       .when(pl.col("checknum") != "").then(pl.lit("Check ") + pl.col("checknum"))
                       .otherwise(pl.lit("")))
    return f.select(
        "transaction_id", "account_id", "posted",
        trntype_expr().alias("trntype"),
        (pl.col("posted").dt.strftime("%Y%m%d") + pl.lit(NOON)).alias("dtposted"),
        text.amount_text(pl.col("amount"), pl.col("exp")).alias("trnamt"),
        "fitid", "checknum",
        text.cut(pl.col("_payee"), name_max).alias("name"),
        pl.when(pl.col("_payee").str.len_chars() > name_max).then(text.cut(pl.col("_payee"), 100))
        .otherwise(pl.lit("")).alias("extdname"),
        text.cut(text.join_nonempty([text.rest_after(pl.col("_payee"), name_max), pl.col("_memo")], "; "),
                 MEMO_MAX).alias("memo"),
    )


def _leaf(tag: str, value: pl.Expr) -> pl.Expr:
    """``<TAG>value`` + CRLF, or "" when the value is empty (never an empty element)."""
    return pl.when(value != "").then(pl.lit(f"<{tag}>") + value + pl.lit(CRLF)).otherwise(pl.lit(""))


def stmttrn_blocks(frame: pl.DataFrame) -> pl.DataFrame:
    """One ``<STMTTRN>`` block of SGML text per transaction (column ``block``)."""
    f = stmttrn_fields(frame, ascii=True)
    esc = text.sgml_escape
    block = pl.concat_str([
        pl.lit("<STMTTRN>" + CRLF + "<TRNTYPE>"), pl.col("trntype"),
        pl.lit(CRLF + "<DTPOSTED>"), pl.col("dtposted"),
        pl.lit(CRLF + "<TRNAMT>"), pl.col("trnamt"),
        pl.lit(CRLF + "<FITID>"), pl.col("fitid"), pl.lit(CRLF),
        _leaf("CHECKNUM", pl.col("checknum")),
        _leaf("NAME", esc(pl.col("name"))),
        _leaf("MEMO", esc(pl.col("memo"))),
        pl.lit("</STMTTRN>" + CRLF),
    ])
    return f.select("transaction_id", "posted", block.alias("block"))


def _esc(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _plain(value: str, limit: int) -> str:
    """A header value: one line, ASCII, cut to ``limit``, escaped."""
    return _esc(" ".join(text.fold_ascii(value or "").split())[:limit].strip())


def id_text(value: str, limit: int, fallback: str) -> str:
    v = "".join(c for c in text.fold_ascii(value or "") if c.isalnum() or c == "-")[:limit]
    return v or fallback


def head(acc: StatementAccount, generated: dt.datetime, dtstart: str, dtend: str) -> str:
    """Everything up to and including ``<DTEND>`` for one account."""
    org = _plain(acc.org, 32) or "NONE"
    lines = ["<OFX>", "<SIGNONMSGSRSV1>", "<SONRS>", "<STATUS>", "<CODE>0", "<SEVERITY>INFO", "</STATUS>",
             f"<DTSERVER>{ofx_datetime(generated)}", "<LANGUAGE>ENG", "<FI>", f"<ORG>{org}"]
    if _plain(acc.fid, 32):
        lines.append(f"<FID>{_plain(acc.fid, 32)}")
    lines += ["</FI>", f"<INTU.BID>{id_text(acc.intu_bid, 16, '3000')}", "</SONRS>", "</SIGNONMSGSRSV1>"]
    cur = (acc.currency or "USD").upper()
    acctid = id_text(acc.acct_id, 22, str(acc.account_id))
    if acc.is_card:
        lines += ["<CREDITCARDMSGSRSV1>", "<CCSTMTTRNRS>", "<TRNUID>1", "<STATUS>", "<CODE>0", "<SEVERITY>INFO",
                  "</STATUS>", "<CCSTMTRS>", f"<CURDEF>{cur}", "<CCACCTFROM>", f"<ACCTID>{acctid}", "</CCACCTFROM>"]
    else:
        accttype = "SAVINGS" if acc.kind == "savings" else "CHECKING"
        lines += ["<BANKMSGSRSV1>", "<STMTTRNRS>", "<TRNUID>1", "<STATUS>", "<CODE>0", "<SEVERITY>INFO",
                  "</STATUS>", "<STMTRS>", f"<CURDEF>{cur}", "<BANKACCTFROM>",
                  f"<BANKID>{id_text(acc.bank_id, 9, '000000000')}", f"<ACCTID>{acctid}",
                  f"<ACCTTYPE>{accttype}", "</BANKACCTFROM>"]
    lines += ["<BANKTRANLIST>", f"<DTSTART>{dtstart}", f"<DTEND>{dtend}"]
    return CRLF.join(lines) + CRLF


def tail(acc: StatementAccount, balance: int, exp: int, dtasof: str) -> str:
    lines = ["</BANKTRANLIST>", "<LEDGERBAL>", f"<BALAMT>{text.amount_str(balance, exp)}", f"<DTASOF>{dtasof}",
             "</LEDGERBAL>"]
    if acc.is_card:
        lines += ["</CCSTMTRS>", "</CCSTMTTRNRS>", "</CREDITCARDMSGSRSV1>"]
    else:
        lines += ["</STMTRS>", "</STMTTRNRS>", "</BANKMSGSRSV1>"]
    lines.append("</OFX>")
    return CRLF.join(lines) + CRLF


def chunk_dates(posted: list[dt.date], ranges: list[tuple[int, int]], date_from: dt.date | None,
                date_to: dt.date | None) -> list[tuple[dt.date, dt.date]]:
    """DTSTART/DTEND per file: the export's range, cut where the files are cut."""
    out = []
    for i, (a, b) in enumerate(ranges):
        first = posted[a] if b > a else (date_from or date_to or dt.date.today())
        last = posted[b - 1] if b > a else (date_to or first)
        start = min(date_from, first) if (i == 0 and date_from) else first
        end = max(date_to, last) if (i == len(ranges) - 1 and date_to) else last
        out.append((start, end))
    return out


def format_qbo(frame: pl.DataFrame, ctx: Context) -> list[Rendered]:
    """Web Connect files for an export frame: one per account (more when split)."""
    out: list[Rendered] = []
    for account_id, rows in by_account(frame):
        acc = ctx.accounts[account_id]
        exp = int(rows["exp"][0]) if rows.height else 2
        blocks = stmttrn_blocks(rows)
        sizes = blocks["block"].str.len_bytes().to_list()
        overhead = len(head(acc, ctx.generated, ofx_date(dt.date(2000, 1, 1)), ofx_date(dt.date(2000, 1, 1))))
        overhead += len(tail(acc, -10**15, exp, ofx_date(dt.date(2000, 1, 1)))) + len(HEADER) + 16
        ranges = plan(sizes, ctx.limit, overhead)
        posted = blocks["posted"].to_list()
        for (a, b), (start, end) in zip(ranges, chunk_dates(posted, ranges, ctx.date_from, ctx.date_to),
                                        strict=True):
            part = blocks.slice(a, b - a)
            body = part["block"].str.join("").item()
            doc = (HEADER + head(acc, ctx.generated, ofx_date(start), ofx_date(end)) + body
                   + tail(acc, acc.balance_on(end), exp, ofx_date(end)))
            out.append(Rendered(doc.encode("ascii", "replace"), ids(part), account_id))
    return number_parts(out)
