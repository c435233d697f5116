"""IIF for QuickBooks Desktop: the coded transactions with their split lines.

Rules (reference: formats.md section 2):

- tab-separated ASCII, CRLF; header rows ``!TRNS``, ``!SPL``, ``!ENDTRNS``
  then per transaction one TRNS row, one SPL row per split line, ``ENDTRNS``;
- TRNSTYPE by account kind and sign: CHECK (money out of a bank account),
  DEPOSIT (money in), CREDIT CARD (card charge), CCARD REFUND (card credit or
  payment), TRANSFER (between two bank accounts; a card payment is a CHECK to
  the card account or a CCARD REFUND from the bank account);
- TRNS carries the bank/card account and the signed amount, the SPL rows the
  coded accounts with the opposite sign, so every transaction sums to exactly
  zero (debits positive, credits negative);
- dates MM/DD/YYYY; no tabs, line breaks or double quotes inside values; names
  at most 41 characters (QuickBooks' name field);
- with ``lists``: ``!ACCNT`` rows for every account the register does not
  know (bank, card, expense, income; parents of ``Parent:Child`` first) and
  ``!VEND``/``!CUST`` rows for unknown names, so QuickBooks never silently
  creates a misspelled account as a *Bank* account.

IIF has no duplicate detection: the export batches are what prevent importing
a transaction twice.

``read_iif`` reads such a file back (for round-trip checks).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from . import text
from .base import Context, Rendered, ids
from .frame import CARD, offset_lines

CRLF = "\r\n"
NAME_MAX = 41
TRNS_HEAD = "!TRNS\tTRNSID\tTRNSTYPE\tDATE\tACCNT\tNAME\tCLASS\tAMOUNT\tDOCNUM\tMEMO\tCLEAR\tTOPRINT"
SPL_HEAD = "!SPL\tSPLID\tTRNSTYPE\tDATE\tACCNT\tNAME\tCLASS\tAMOUNT\tDOCNUM\tMEMO\tCLEAR"
END_HEAD = "!ENDTRNS"
_LINES_PER_TRANSACTION = 1 << 32      # sort key room for the lines of one transaction


def safe(expr: pl.Expr) -> pl.Expr:
    """IIF field text: one line, no tab, no double quote, ASCII."""
    return text.to_ascii(text.one_line(expr).str.replace_all('"', "'", literal=True))


def safe_str(value: str) -> str:
    return text.fold_ascii(" ".join((value or "").split()).replace('"', "'"))


def trnstype_expr() -> pl.Expr:
    card = pl.col("account_kind") == CARD
    out = pl.col("amount") < 0
    transfer = ((pl.col("transfer_account") != "") & (pl.col("transfer_kind") != CARD) & ~card
                & ~pl.col("_split"))
    return (pl.when(transfer).then(pl.lit("TRANSFER"))
            .when(card & out).then(pl.lit("CREDIT CARD"))
            .when(card).then(pl.lit("CCARD REFUND"))
            .when(out).then(pl.lit("CHECK"))
            .otherwise(pl.lit("DEPOSIT")))


def format_iif(frame: pl.DataFrame, ctx: Context) -> list[Rendered]:
    """One IIF file for the whole export (all accounts)."""
    if frame.height == 0:
        return [Rendered((TRNS_HEAD + CRLF + SPL_HEAD + CRLF + END_HEAD + CRLF).encode("ascii"), ())]
    f = frame.with_row_index("_order").with_columns(
        _split=pl.col("splits").is_not_null() & (pl.col("splits").list.len() > 0))
    f = f.with_columns(
        _type=trnstype_expr(),
        _date=pl.col("posted").dt.strftime("%m/%d/%Y"),
        _accnt=safe(pl.col("account_name")),
        _name=text.cut(safe(pl.col("payee")), NAME_MAX),
        _memo=safe(pl.col("memo")),
        _doc=safe(pl.col("check_number")),
    )
    f = f.with_columns(
        _trns_name=pl.when(pl.col("_type").is_in(["DEPOSIT", "TRANSFER"]) | (pl.col("transfer_account") != ""))
        .then(pl.lit("")).otherwise("_name"),
        _spl_name=pl.when((pl.col("_type") == "DEPOSIT") & (pl.col("transfer_account") == "")).then("_name")
        .otherwise(pl.lit("")),
        _doc=pl.when(pl.col("_type") == "CHECK").then("_doc").otherwise(pl.lit("")),
    )
    trns = pl.concat_str([
        pl.lit("TRNS\t\t"), "_type", pl.lit("\t"), "_date", pl.lit("\t"), "_accnt", pl.lit("\t"), "_trns_name",
        pl.lit("\t\t"), text.amount_text(pl.col("amount"), pl.col("exp")), pl.lit("\t"), "_doc", pl.lit("\t"),
        "_memo", pl.lit("\tN\tN")])
    lines = offset_lines(frame, ordered=False).join(
        f.select("transaction_id", "_order", "_type", "_date", "_spl_name", "_memo", "exp"),
        on="transaction_id", how="left", maintain_order="left")
    memo = safe(pl.col("memo"))
    spl = pl.concat_str([
        pl.lit("SPL\t\t"), "_type", pl.lit("\t"), "_date", pl.lit("\t"), safe(pl.col("account")), pl.lit("\t"),
        "_spl_name", pl.lit("\t"), safe(pl.col("class_")), pl.lit("\t"),
        text.amount_text(-pl.col("amount"), pl.col("exp")), pl.lit("\t\t"),
        pl.when(memo != "").then(memo).otherwise("_memo"), pl.lit("\tN")])
    # every line of the body in one column, in file order: per transaction (its row number in
    # the high 32 bits of the key) the TRNS line, its SPL lines (by line number), ENDTRNS
    key = pl.col("_order").cast(pl.Int64) * _LINES_PER_TRANSACTION
    body = (pl.concat([f.select(key.alias("_k"), trns.alias("_line")),
                       lines.select((key + pl.col("line")).alias("_k"), spl.alias("_line")),
                       f.select((key + (_LINES_PER_TRANSACTION - 1)).alias("_k"), pl.lit("ENDTRNS").alias("_line"))])
            .sort("_k")["_line"])
    parts = []
    if ctx.lists:
        parts.extend(list_rows(frame, lines, ctx.known_accounts, ctx.known_names))
    parts += [TRNS_HEAD, SPL_HEAD, END_HEAD]
    doc = CRLF.join(parts) + CRLF + body.str.join(CRLF).item() + CRLF
    return [Rendered(doc.encode("ascii", "replace"), ids(frame))]


def _acct_type(kind: str) -> str:
    return "CCARD" if kind == CARD else "BANK"


def list_rows(frame: pl.DataFrame, lines: pl.DataFrame, known_accounts: frozenset[str],
              known_names: frozenset[str]) -> list[str]:
    """``!ACCNT`` and ``!VEND``/``!CUST`` rows for what the register does not know."""
    known_a = {k.casefold() for k in known_accounts}
    known_n = {k.casefold() for k in known_names}
    accounts: dict[str, str] = {}

    def add(name: str, typ: str) -> None:
        name = safe_str(name)
        if not name:
            return
        segments = name.split(":")
        for i in range(1, len(segments) + 1):
            full = ":".join(segments[:i])
            if full.casefold() not in known_a:
                accounts.setdefault(full, typ)

    for r in frame.select("account_name", "account_kind").unique(maintain_order=True).iter_rows():
        add(r[0], _acct_type(r[1]))
    transfers = frame.filter(pl.col("transfer_account") != "").select("transfer_account", "transfer_kind")
    for r in transfers.unique(maintain_order=True).iter_rows():
        add(r[0], _acct_type(r[1]))
    cats = (lines.filter(~pl.col("transfer")).group_by("account", maintain_order=True)
            .agg(out=(pl.col("amount") < 0).any()).sort("account"))
    for name, out in cats.iter_rows():
        add(name, "EXP" if out else "INC")
    rows = []
    if accounts:
        rows.append("!ACCNT\tNAME\tACCNTTYPE")
        rows += [f"ACCNT\t{n}\t{t}" for n, t in accounts.items()]
    names = (frame.with_columns(_n=text.cut(safe(pl.col("payee")), NAME_MAX))
             .filter((pl.col("_n") != "") & (pl.col("transfer_account") == ""))
             .group_by("_n", maintain_order=True).agg(out=(pl.col("amount") < 0).any()))
    vend = [n for n, out in names.iter_rows() if out and n.casefold() not in known_n]
    cust = [n for n, out in names.iter_rows() if not out and n.casefold() not in known_n]
    if vend:
        rows.append("!VEND\tNAME")
        rows += [f"VEND\t{n}" for n in vend]
    if cust:
        rows.append("!CUST\tNAME")
        rows += [f"CUST\t{n}" for n in cust]
    return rows


# -- reading back ------------------------------------------------------------------

def read_iif(data: bytes | str) -> dict[str, list[dict]]:
    """Parse an IIF file into ``{"transactions": [...], "accounts": [...], "names": [...]}``.

    Each transaction is the TRNS row as a dict (by its header) plus ``"splits"``:
    the SPL rows. Amounts stay text; dates stay text. Raises ValueError for a
    row whose column count does not match its header or an unterminated
    transaction.
    """
    raw = data.decode("cp1252") if isinstance(data, bytes) else data
    headers: dict[str, list[str]] = {}
    out: dict[str, list[dict]] = {"transactions": [], "accounts": [], "names": []}
    current: dict | None = None
    for n, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        cells = line.split("\t")
        key = cells[0]
        if key.startswith("!"):
            headers[key[1:]] = cells[1:]
            continue
        cols = headers.get(key)
        if key == "ENDTRNS":
            if current is None:
                raise ValueError(f"line {n}: ENDTRNS without TRNS")
            out["transactions"].append(current)
            current = None
            continue
        if cols is None:
            raise ValueError(f"line {n}: no header for {key}")
        values = cells[1:]
        if len(values) > len(cols):
            raise ValueError(f"line {n}: {len(values)} values for {len(cols)} columns")
        row = dict(zip(cols, values + [""] * (len(cols) - len(values)), strict=True))
        if key == "TRNS":
            if current is not None:
                raise ValueError(f"line {n}: TRNS before ENDTRNS")
            current = {**row, "splits": []}
        elif key == "SPL":
            if current is None:
                raise ValueError(f"line {n}: SPL outside a transaction")
            current["splits"].append(row)
        elif key == "ACCNT":
            out["accounts"].append(row)
        else:
            out["names"].append({"list": key, **row})
    if current is not None:
        raise ValueError("the last transaction has no ENDTRNS")
    return out


def parse_date(value: str) -> dt.date:
    return dt.datetime.strptime(value, "%m/%d/%Y").date()
