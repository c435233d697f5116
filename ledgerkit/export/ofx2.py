"""OFX 2.2 XML statements (``.ofx``) for Quicken, GnuCash, Moneydance, Xero and others.

The same statement as the Web Connect file (``qbo``) but as XML: the
``<?xml?>``/``<?OFX?>`` header, every element closed, UTF-8 so names keep their
accents, and no Intuit extension (no ``INTU.BID``; the file validates against
the OFX 2 schema). NAME is still cut to 32 characters; the whole payee also
goes into EXTDNAME (OFX 2 only, up to 100) and the rest of the name into MEMO.
One file per account.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from . import text
from .base import Context, Rendered, StatementAccount, by_account, ids, number_parts
from .qbo import chunk_dates, id_text, ofx_date, ofx_datetime, stmttrn_fields
from .splitting import plan

NL = "\r\n"
HEADER = ('<?xml version="1.0" encoding="UTF-8" standalone="no"?>' + NL
          + '<?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>' + NL)


def _x(value: str) -> str:
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def _el(tag: str, value: pl.Expr) -> pl.Expr:
    return pl.when(value != "").then(pl.lit(f"<{tag}>") + value + pl.lit(f"</{tag}>" + NL)).otherwise(pl.lit(""))


def stmttrn_blocks(frame: pl.DataFrame) -> pl.DataFrame:
    f = stmttrn_fields(frame, ascii=False)
    esc = text.xml_escape
    block = pl.concat_str([
        pl.lit("<STMTTRN>" + NL), _el("TRNTYPE", pl.col("trntype")), _el("DTPOSTED", pl.col("dtposted")),
        _el("TRNAMT", pl.col("trnamt")), _el("FITID", pl.col("fitid")), _el("CHECKNUM", pl.col("checknum")),
        _el("NAME", esc(pl.col("name"))), _el("EXTDNAME", esc(pl.col("extdname"))),
        _el("MEMO", esc(pl.col("memo"))), pl.lit("</STMTTRN>" + NL),
    ])
    return f.select("transaction_id", "posted", block.alias("block"))


def _plain(value: str, limit: int) -> str:
    return _x(" ".join((value or "").split())[:limit].strip())


def head(acc: StatementAccount, generated: dt.datetime, dtstart: str, dtend: str) -> str:
    org = _plain(acc.org, 32) or "NONE"
    fid = f"<FID>{_plain(acc.fid, 32)}</FID>" if _plain(acc.fid, 32) else ""
    cur = (acc.currency or "USD").upper()
    acctid = id_text(acc.acct_id, 22, str(acc.account_id))
    parts = ["<OFX>", "<SIGNONMSGSRSV1>", "<SONRS>", "<STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>",
             f"<DTSERVER>{ofx_datetime(generated)}</DTSERVER>", "<LANGUAGE>ENG</LANGUAGE>",
             f"<FI><ORG>{org}</ORG>{fid}</FI>", "</SONRS>", "</SIGNONMSGSRSV1>"]
    if acc.is_card:
        parts += ["<CREDITCARDMSGSRSV1>", "<CCSTMTTRNRS>", "<TRNUID>1</TRNUID>",
                  "<STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>", "<CCSTMTRS>",
                  f"<CURDEF>{cur}</CURDEF>", f"<CCACCTFROM><ACCTID>{acctid}</ACCTID></CCACCTFROM>"]
    else:
        accttype = "SAVINGS" if acc.kind == "savings" else "CHECKING"
        parts += ["<BANKMSGSRSV1>", "<STMTTRNRS>", "<TRNUID>1</TRNUID>",
                  "<STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>", "<STMTRS>",
                  f"<CURDEF>{cur}</CURDEF>",
                  f"<BANKACCTFROM><BANKID>{id_text(acc.bank_id, 9, '000000000')}</BANKID>"
                  f"<ACCTID>{acctid}</ACCTID><ACCTTYPE>{accttype}</ACCTTYPE></BANKACCTFROM>"]
    parts += ["<BANKTRANLIST>", f"<DTSTART>{dtstart}</DTSTART>", f"<DTEND>{dtend}</DTEND>"]
    return NL.join(parts) + NL


def tail(acc: StatementAccount, balance: int, exp: int, dtasof: str) -> str:
    parts = ["</BANKTRANLIST>",
             f"<LEDGERBAL><BALAMT>{text.amount_str(balance, exp)}</BALAMT><DTASOF>{dtasof}</DTASOF></LEDGERBAL>"]
    if acc.is_card:
        parts += ["</CCSTMTRS>", "</CCSTMTTRNRS>", "</CREDITCARDMSGSRSV1>"]
    else:
        parts += ["</STMTRS>", "</STMTTRNRS>", "</BANKMSGSRSV1>"]
    parts.append("</OFX>")
    return NL.join(parts) + NL


def format_ofx(frame: pl.DataFrame, ctx: Context) -> list[Rendered]:
    """OFX 2.2 XML files for an export frame, one per account."""
    out: list[Rendered] = []
    for account_id, rows in by_account(frame):
        acc = ctx.accounts[account_id]
        exp = int(rows["exp"][0]) if rows.height else 2
        blocks = stmttrn_blocks(rows)
        ranges = plan(blocks["block"].str.len_bytes().to_list(), ctx.limit, 2000)
        posted = blocks["posted"].to_list()
        for (a, b), (start, end) in zip(ranges, chunk_dates(posted, ranges, ctx.date_from, ctx.date_to),
                                        strict=True):
            part = blocks.slice(a, b - a)
            doc = (HEADER + head(acc, ctx.generated, ofx_date(start), ofx_date(end)) + "".join(part["block"].to_list())
                   + tail(acc, acc.balance_on(end), exp, ofx_date(end)))
            out.append(Rendered(doc.encode("utf-8"), ids(part), account_id))
    return number_parts(out)
