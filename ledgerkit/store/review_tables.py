"""Tables of the review engine: the client's register, rules, a person's edits, matches, undo.

``codings`` (in ``schema``) holds each transaction's review state and coding;
these tables hold what the engine derives it from:

- ``register_imports`` / ``register_entries``: the client's books as the
  accounting package exported them (and, with ``source = "export"``, the
  transactions ledgerkit exported itself), one row per bank/card-account line.
- ``rules``: firm-wide (``client_id`` NULL) and client rules, ordered by
  ``position`` within their scope; remembered payees are client rules with
  ``origin = "remembered"``.
- ``review_edits``: what a person typed (description, payee, a hand coding);
  the engine re-derives everything else.
- ``review_matches``: why a BLUE row is BLUE (entry, date difference, keys).
- ``match_windows``: the date window of an account when it is not the default.
- ``review_ops``: one row per person's action, with the state before it, for undo.
"""

from __future__ import annotations

import sqlalchemy as sa

from .schema import metadata

register_imports = sa.Table(
    "register_imports", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("client_id", sa.Integer, sa.ForeignKey("clients.id"), nullable=False, index=True),
    sa.Column("sha256", sa.String(64), sa.ForeignKey("files.sha256"), nullable=False),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("format", sa.String(32), nullable=False),            # iif | qb-csv | csv
    sa.Column("added", sa.Integer, nullable=False),
    sa.Column("duplicates", sa.Integer, nullable=False),
    sa.Column("issues", sa.JSON, nullable=False),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

register_entries = sa.Table(
    "register_entries", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("client_id", sa.Integer, sa.ForeignKey("clients.id"), nullable=False),
    # NULL while no ledgerkit account has the register account's name yet (resolved on evaluation)
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=True),
    sa.Column("identity", sa.String(300), nullable=False),
    sa.Column("posted", sa.Date, nullable=False),
    sa.Column("amount", sa.BigInteger, nullable=False),               # minor units, money out < 0
    sa.Column("payee", sa.Text, nullable=False, server_default=""),
    sa.Column("memo", sa.Text, nullable=False, server_default=""),
    sa.Column("check_number", sa.String(32), nullable=False, server_default=""),
    sa.Column("category", sa.Text, nullable=False, server_default=""),   # the other side ("-split-" if many)
    sa.Column("txn_type", sa.String(32), nullable=False, server_default=""),
    sa.Column("register_account", sa.Text, nullable=False, server_default=""),  # the package's account name
    sa.Column("source", sa.String(16), nullable=False),                # iif | qb-csv | csv | export
    sa.Column("source_sha256", sa.String(64), nullable=True),
    sa.Column("source_row", sa.Integer, nullable=True),
    sa.Column("import_id", sa.Integer, sa.ForeignKey("register_imports.id"), nullable=True),
    sa.Column("transaction_id", sa.Integer, sa.ForeignKey("transactions.id"), nullable=True),  # export mirror
    sa.UniqueConstraint("account_id", "identity", name="uq_register_identity"),
    sa.Index("ix_register_client_account", "client_id", "account_id", "posted"),
)

rules = sa.Table(
    "rules", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("client_id", sa.Integer, sa.ForeignKey("clients.id"), nullable=True, index=True),  # NULL = firm
    # "firm" or the client's name as written; a rule for a client not added yet keeps client_id NULL
    # and waits (it applies once a client of that name exists)
    sa.Column("scope", sa.Text, nullable=False, server_default="firm"),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("match", sa.String(3), nullable=False),                  # all | any
    sa.Column("conditions", sa.JSON, nullable=False),                  # [{"field", "op", "value"}]
    sa.Column("actions", sa.JSON, nullable=False),                     # {"payee", "account", ...}
    sa.Column("origin", sa.String(16), nullable=False),                # file | manual | remembered
    sa.Column("enabled", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
)

review_edits = sa.Table(
    "review_edits", metadata,
    sa.Column("transaction_id", sa.Integer, sa.ForeignKey("transactions.id"), primary_key=True),
    sa.Column("description", sa.Text, nullable=True),                  # NULL = the bank's
    sa.Column("payee", sa.Text, nullable=True),                        # NULL = not renamed by hand
    # a hand coding: {"account", "class", "memo", "splits", "transfer_to"}; NULL = not coded by hand
    sa.Column("coding", sa.JSON, nullable=True),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

review_matches = sa.Table(
    "review_matches", metadata,
    sa.Column("transaction_id", sa.Integer, sa.ForeignKey("transactions.id"), primary_key=True),
    sa.Column("entry_id", sa.Integer, sa.ForeignKey("register_entries.id"), nullable=False, index=True),
    sa.Column("date_diff", sa.Integer, nullable=False),                # bank posted - register date, days
    sa.Column("keys", sa.JSON, nullable=False),                        # ["amount", "check_number", "date", "payee"]
)

match_windows = sa.Table(
    "match_windows", metadata,
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), primary_key=True),
    sa.Column("days", sa.Integer, nullable=False),
)

review_ops = sa.Table(
    "review_ops", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("client_id", sa.Integer, sa.ForeignKey("clients.id"), nullable=True, index=True),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("summary", sa.Text, nullable=False, server_default=""),
    # {"codings": {txn_id: row|None}, "edits": {...}, "rules": {rule_id: row|None}}
    sa.Column("before", sa.JSON, nullable=False),
    sa.Column("undone", sa.Boolean, nullable=False, server_default=sa.false()),
)
