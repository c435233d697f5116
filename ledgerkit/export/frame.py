"""The export frame: what every formatter receives, and the offset lines of the coding.

``batches.select`` builds an export frame from the store; tests and notebooks
can build one by hand with ``conform``. One row per transaction, ordered by
account, date and id, with the bookkeeper's coding already resolved:

==================  =======  =====================================================
column              type     meaning
==================  =======  =====================================================
transaction_id      Int64    ledgerkit's transaction id
account_id          Int64    the bank or card account
account_name        String   that account's name in the books (QuickBooks register)
account_kind        String   checking | savings | credit_card | other
currency            String   ISO 4217 of the account
exp                 Int32    decimal places of the currency (2 for USD)
posted              Date     the bank's posting date
amount              Int64    minor units, from the customer's side (money out < 0)
payee               String   coded payee, else the bank's payee, else the description
description         String   edited description, else the bank's
memo                String   coded memo, else the bank's memo
check_number        String   the bank's check number ("" when none)
type                String   the bank's transaction type (OFX TRNTYPE or similar)
identity            String   the transaction's identity within its account
fitid               String   the FITID it is exported under (see ``fitid``)
category            String   coded account (category) for the whole amount
class_              String   coded class
splits              List     [{account, amount, memo, class}] or null; sums to amount
transfer_account    String   name in the books of the transfer's other account, or ""
transfer_kind       String   that account's kind, or ""
matched             Boolean  approved BLUE: already in the books
==================  =======  =====================================================
"""

from __future__ import annotations

import polars as pl

from .. import frames

SPLIT_TYPE = pl.List(pl.Struct({"account": pl.String, "amount": pl.Int64, "memo": pl.String, "class": pl.String}))

SCHEMA: dict[str, pl.DataType] = {
    "transaction_id": pl.Int64, "account_id": pl.Int64, "account_name": pl.String, "account_kind": pl.String,
    "currency": pl.String, "exp": pl.Int32, "posted": pl.Date, "amount": pl.Int64, "payee": pl.String,
    "description": pl.String, "memo": pl.String, "check_number": pl.String, "type": pl.String,
    "identity": pl.String, "fitid": pl.String, "category": pl.String, "class_": pl.String,
    "splits": SPLIT_TYPE, "transfer_account": pl.String, "transfer_kind": pl.String, "matched": pl.Boolean,
}

UNCATEGORIZED = ("Uncategorized Expense", "Uncategorized Income")   # money out, money in
CARD = "credit_card"


def conform(frame: pl.DataFrame) -> pl.DataFrame:
    """Cast to SCHEMA, filling absent columns (strings "", exp 2, matched False)."""
    return frames.conform(frame, SCHEMA, {"exp": 2, "matched": False})


def is_card(kind: pl.Expr) -> pl.Expr:
    return kind == CARD


def offset_lines(frame: pl.DataFrame, uncategorized: tuple[str, str] = UNCATEGORIZED, *,
                 ordered: bool = True) -> pl.DataFrame:
    """The other side of each transaction, one row per line, in the transaction's sign.

    Returns ``transaction_id``, ``line`` (1-based), ``account``, ``amount``
    (summing per transaction to the transaction's amount), ``memo``,
    ``class_``, ``transfer`` (Boolean) and ``fallback`` (Boolean: no account
    was coded, ``uncategorized`` was used). Splits win over a transfer, a
    transfer over the category. ``ordered=False`` skips sorting the lines into the
    frame's row order (the lines of one transaction still keep their order).
    """
    has_splits = pl.col("splits").is_not_null() & (pl.col("splits").list.len() > 0)
    base = frame.select("transaction_id", "amount", "category", "class_", "splits", "transfer_account",
                        has_splits.alias("_split"))
    split_rows = (base.filter("_split").select("transaction_id", "amount", "class_", "splits")
                  .explode("splits")
                  .with_columns(line=pl.int_range(1, pl.len() + 1, dtype=pl.Int32).over("transaction_id"))
                  .select("transaction_id", "line",
                          pl.col("splits").struct.field("account").fill_null("").str.strip_chars().alias("account"),
                          pl.col("splits").struct.field("amount").alias("amount"),
                          pl.col("splits").struct.field("memo").fill_null("").alias("memo"),
                          pl.coalesce(pl.col("splits").struct.field("class").replace("", None),
                                      pl.col("class_")).fill_null("").alias("class_"),
                          pl.lit(False).alias("transfer")))
    single = (base.filter(~pl.col("_split"))
              .select("transaction_id", pl.lit(1, dtype=pl.Int32).alias("line"),
                      pl.when(pl.col("transfer_account") != "").then("transfer_account")
                      .otherwise(pl.col("category").str.strip_chars()).alias("account"),
                      "amount", pl.lit("").alias("memo"), "class_",
                      (pl.col("transfer_account") != "").alias("transfer")))
    lines = pl.concat([single, split_rows])
    out_name, in_name = uncategorized
    lines = lines.with_columns(fallback=pl.col("account") == "").with_columns(
        account=pl.when(pl.col("fallback") & (pl.col("amount") < 0)).then(pl.lit(out_name))
        .when(pl.col("fallback")).then(pl.lit(in_name)).otherwise("account"))
    if not ordered:
        return lines
    order = frame.select("transaction_id").with_row_index("_order")
    return (lines.join(order, on="transaction_id", how="left").sort("_order", "line").drop("_order"))


def unbalanced_splits(frame: pl.DataFrame) -> list[int]:
    """Ids of transactions whose splits do not sum exactly to the amount."""
    has_splits = pl.col("splits").is_not_null() & (pl.col("splits").list.len() > 0)
    bad = frame.filter(has_splits).filter(
        pl.col("splits").list.eval(pl.element().struct.field("amount")).list.sum() != pl.col("amount"))
    return bad["transaction_id"].to_list()
