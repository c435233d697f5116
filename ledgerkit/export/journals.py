"""Plain-text accounting journals with the coded accounts: beancount, and ledger/hledger.

Each transaction becomes a balanced entry: the bank or card account with the
signed amount, the coded accounts (splits, the transfer's other account, or
the category) with the opposite amounts, so every entry sums to zero. The
FITID is kept as metadata (``fitid:``) so an entry can be traced back and a
re-import recognised.

Account names. A name that already starts with a root (Assets, Liabilities,
Equity, Income, Expenses) is used as it is. Otherwise bank accounts go under
``Assets:Bank``, cards under ``Liabilities:Credit Card``, and a category's
root follows its name: "income", "revenue", "sales", "interest earned" ->
Income; "loan", "payable", "credit card", "mortgage" -> Liabilities; "equity",
"owner", "draw", "capital", "opening balance" -> Equity; "receivable",
"undeposited", "prepaid", "asset" -> Assets; anything else -> Expenses. The
mapping depends on the name only, so it never changes between batches.
beancount names are made of capitalised ASCII words joined by ``-``
("Office Supplies" -> ``Expenses:Office-Supplies``); ledger/hledger keep the
words (``Expenses:Office Supplies``).

With ``lists`` the file starts with ``open`` (beancount) or ``commodity`` and
``tag``/``account`` (ledger) directives for every account it uses that the
register does not know (``hledger check --strict`` and ``ledger --strict
--pedantic`` pass).
"""

from __future__ import annotations

import re

import polars as pl

from . import text
from .base import Context, Rendered, ids
from .frame import CARD, offset_lines

ROOTS = ("Assets", "Liabilities", "Equity", "Income", "Expenses")
_RULES = [
    ("Income", r"\b(income|revenue|sales|interest earned|dividend)"),
    ("Liabilities", r"\b(loan|payable|credit card|mortgage|line of credit|liabilit)"),
    ("Equity", r"\b(equity|owner|draw|capital|retained|opening bal)"),
    ("Assets", r"\b(receivable|undeposited|prepaid|asset|petty cash)"),
]
UNCATEGORIZED = ("Expenses:Uncategorized", "Income:Uncategorized")


def _root_of(name: str) -> str | None:
    head = name.split(":", 1)[0].strip().casefold()
    for r in ROOTS:
        if head == r.casefold():
            return r
    return None


def category_path(name: str) -> list[str]:
    """Segments of a category's full journal name (root first)."""
    segs = [s.strip() for s in name.split(":") if s.strip()] or ["Uncategorized"]
    root = _root_of(name)
    if root:
        return [root, *segs[1:]] if len(segs) > 1 else [root, "Other"]
    low = name.casefold()
    for r, pattern in _RULES:
        if re.search(pattern, low):
            return [r, *segs]
    return ["Expenses", *segs]


def bank_path(name: str, kind: str) -> list[str]:
    segs = [s.strip() for s in name.split(":") if s.strip()] or ["Account"]
    root = _root_of(name)
    if root and len(segs) > 1:
        return [root, *segs[1:]]
    return ["Liabilities", "Credit Card", *segs] if kind == CARD else ["Assets", "Bank", *segs]


_BEAN_WORD = re.compile(r"[A-Za-z0-9]+")


def bean_component(seg: str) -> str:
    words = _BEAN_WORD.findall(text.fold_ascii(seg))
    comp = "-".join(words) or "X"
    return comp[0].upper() + comp[1:]


def bean_account(segments: list[str]) -> str:
    return ":".join(bean_component(s) for s in segments)


def ledger_account(segments: list[str]) -> str:
    segs = []
    for s in segments:
        s = " ".join(s.replace(";", ",").split()).lstrip("([").rstrip(")]") or "X"
        segs.append(s)
    return ":".join(segs)


def _bean_str(expr: pl.Expr) -> pl.Expr:
    e = text.one_line(expr).str.replace_all("\\", "\\\\", literal=True).str.replace_all('"', '\\"', literal=True)
    return pl.lit('"') + e + pl.lit('"')


def _names(frame: pl.DataFrame, lines: pl.DataFrame, style: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Journal account names for the bank side of each row and for each offset line."""
    make = bean_account if style == "beancount" else ledger_account
    bank = {(n, k): make(bank_path(n, k)) for n, k in
            frame.select("account_name", "account_kind").unique().iter_rows()}
    transfer_kinds = dict(frame.filter(pl.col("transfer_account") != "")
                          .select("transfer_account", "transfer_kind").unique().iter_rows())
    offsets = {}
    for name, transfer in lines.select("account", "transfer").unique().iter_rows():
        if transfer:
            offsets[(name, True)] = make(bank_path(name, transfer_kinds.get(name, "")))
        else:
            offsets[(name, False)] = make(category_path(name))
    bank_frame = pl.DataFrame({"account_name": [k[0] for k in bank], "account_kind": [k[1] for k in bank],
                               "_bank": list(bank.values())},
                              schema={"account_name": pl.String, "account_kind": pl.String, "_bank": pl.String})
    off_frame = pl.DataFrame({"account": [k[0] for k in offsets], "transfer": [k[1] for k in offsets],
                              "_acct": list(offsets.values())},
                             schema={"account": pl.String, "transfer": pl.Boolean, "_acct": pl.String})
    return (frame.join(bank_frame, on=["account_name", "account_kind"], how="left", maintain_order="left"),
            lines.join(off_frame, on=["account", "transfer"], how="left", maintain_order="left"))


def _lines(frame: pl.DataFrame) -> pl.DataFrame:
    lines = offset_lines(frame)
    return lines.with_columns(account=pl.when(pl.col("fallback") & (pl.col("amount") < 0))
                              .then(pl.lit(UNCATEGORIZED[0]))
                              .when(pl.col("fallback")).then(pl.lit(UNCATEGORIZED[1]))
                              .otherwise("account"))


def _directives(frame: pl.DataFrame, rows: pl.DataFrame, lines: pl.DataFrame, ctx: Context, style: str) -> str:
    if not ctx.lists or frame.height == 0:
        return ""
    known = {k.casefold() for k in ctx.known_accounts}
    used = list(dict.fromkeys(rows["_bank"].to_list() + lines["_acct"].to_list()))
    first = frame["posted"].min()
    out = []
    if style == "ledger":
        out += [f"commodity {c}" for c in sorted(set(frame["currency"].to_list()))] + ["tag fitid", "tag class"]
    for a in used:
        if a.casefold() in known:
            continue
        out.append(f"{first:%Y-%m-%d} open {a}" if style == "beancount" else f"account {a}")
    return "\n".join(out) + "\n\n" if out else ""


def format_beancount(frame: pl.DataFrame, ctx: Context) -> list[Rendered]:
    """One beancount file for the whole export, in date order."""
    frame = frame.sort("posted", "account_id", "transaction_id")
    lines = _lines(frame)
    rows, lines = _names(frame, lines, "beancount")
    lines = lines.join(frame.select("transaction_id", "currency", "exp"), on="transaction_id", how="left",
                       maintain_order="left")
    narration = pl.when(text.one_line(pl.col("memo")) != "").then(pl.col("memo")).otherwise(pl.col("description"))
    head = rows.with_row_index("_order").select("_order", "transaction_id", pl.lit(0).alias("_seq"), pl.concat_str([
        pl.col("posted").dt.strftime("%Y-%m-%d"), pl.lit(" * "), _bean_str(pl.col("payee")), pl.lit(" "),
        _bean_str(narration), pl.lit("\n  fitid: "), _bean_str(pl.col("fitid")),
        pl.when(text.one_line(pl.col("check_number")) != "")
        .then(pl.lit("\n  check: ") + _bean_str(pl.col("check_number"))).otherwise(pl.lit("")),
        pl.lit("\n  "), pl.col("_bank"), pl.lit("  "), text.amount_text(pl.col("amount"), pl.col("exp")),
        pl.lit(" "), pl.col("currency")]).alias("text"))
    order = head.select("transaction_id", "_order")
    post = lines.join(order, on="transaction_id", how="left").select(
        "_order", "transaction_id", pl.col("line").cast(pl.Int32).alias("_seq"), pl.concat_str([
            pl.lit("  "), pl.col("_acct"), pl.lit("  "), text.amount_text(-pl.col("amount"), pl.col("exp")),
            pl.lit(" "), pl.col("currency"),
            pl.when(text.one_line(pl.col("memo")) != "").then(pl.lit("\n    memo: ") + _bean_str(pl.col("memo")))
            .otherwise(pl.lit("")),
            pl.when(text.one_line(pl.col("class_")) != "").then(pl.lit("\n    class: ") + _bean_str(pl.col("class_")))
            .otherwise(pl.lit(""))]).alias("text"))
    body = _join_entries(head, post)
    doc = _directives(frame, rows, lines, ctx, "beancount") + body
    return [Rendered(doc.encode("utf-8"), ids(frame))]


def _ledger_text(expr: pl.Expr) -> pl.Expr:
    return text.one_line(expr).str.replace_all(";", ",", literal=True).str.replace_all("|", "/", literal=True)


def format_ledger(frame: pl.DataFrame, ctx: Context) -> list[Rendered]:
    """One ledger/hledger journal for the whole export, in date order."""
    frame = frame.sort("posted", "account_id", "transaction_id")
    lines = _lines(frame)
    rows, lines = _names(frame, lines, "ledger")
    lines = lines.join(frame.select("transaction_id", "currency", "exp"), on="transaction_id", how="left",
                       maintain_order="left")
    payee = _ledger_text(pl.col("payee"))
    memo = _ledger_text(pl.col("memo"))
    chk = _ledger_text(pl.col("check_number")).str.replace_all(r"[()]", "")
    head = rows.with_row_index("_order").select("_order", "transaction_id", pl.lit(0).alias("_seq"), pl.concat_str([
        pl.col("posted").dt.strftime("%Y-%m-%d"), pl.lit(" *"),
        pl.when(chk != "").then(pl.lit(" (") + chk + pl.lit(")")).otherwise(pl.lit("")),
        pl.lit(" "), pl.when(payee != "").then(payee).otherwise(pl.lit("(no payee)")),
        pl.when(memo != "").then(pl.lit("  ; ") + memo).otherwise(pl.lit("")),
        pl.lit("\n    ; fitid: "), pl.col("fitid"),
        pl.lit("\n    "), pl.col("_bank"), pl.lit("  "), text.amount_text(pl.col("amount"), pl.col("exp")),
        pl.lit(" "), pl.col("currency")]).alias("text"))
    order = head.select("transaction_id", "_order")
    smemo = _ledger_text(pl.col("memo"))
    sclass = _ledger_text(pl.col("class_")).str.replace_all(",", " ", literal=True)
    post = lines.join(order, on="transaction_id", how="left").select(
        "_order", "transaction_id", pl.col("line").cast(pl.Int32).alias("_seq"), pl.concat_str([
            pl.lit("    "), pl.col("_acct"), pl.lit("  "), text.amount_text(-pl.col("amount"), pl.col("exp")),
            pl.lit(" "), pl.col("currency"),
            pl.when((smemo != "") | (sclass != "")).then(
                pl.lit("  ; ") + text.join_nonempty(
                    [smemo, pl.when(sclass != "").then(pl.lit("class: ") + sclass).otherwise(pl.lit(""))], ", "))
            .otherwise(pl.lit(""))]).alias("text"))
    body = _join_entries(head, post)
    doc = _directives(frame, rows, lines, ctx, "ledger") + body
    return [Rendered(doc.encode("utf-8"), ids(frame))]


def _join_entries(head: pl.DataFrame, post: pl.DataFrame) -> str:
    if head.height == 0:
        return ""
    parts = pl.concat([head.select("_order", "_seq", "text"), post.select(
        pl.col("_order"), pl.col("_seq").cast(pl.Int32), "text")], how="vertical_relaxed").sort("_order", "_seq")
    ends = parts.with_columns(
        text=pl.when(pl.col("_order") != pl.col("_order").shift(-1)).then(pl.col("text") + pl.lit("\n"))
        .otherwise(pl.col("text")))
    return ends["text"].str.join("\n").item() + "\n"
