"""Forward-only schema migrations.

A new database gets the current schema in one ``create_all`` and the latest
version number. An older database runs each migration above its version, in
order, inside one transaction. To change the schema: edit ``schema.py`` and
append a migration here that brings an existing database to the same shape.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from . import schema

Migration = Callable[[sa.Connection], None]



def _complete_v1(conn: sa.Connection) -> None:
    """Version 2: version 1 grew while it was being written (tables for review and export,
    ``documents.payee``, the identity index by name), so a version-1 workspace may lack
    any of them. Add what is missing (tables, columns with their defaults, named indexes);
    nothing is dropped or rewritten."""
    schema.metadata.create_all(conn)                   # missing tables, with their indexes
    inspector = sa.inspect(conn)
    for table in schema.metadata.sorted_tables:
        have = {c["name"] for c in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name not in have:
                spec = sa.schema.CreateColumn(column).compile(dialect=conn.dialect)
                conn.exec_driver_sql(f'ALTER TABLE "{table.name}" ADD COLUMN {spec}')
        named = {i["name"] for i in inspector.get_indexes(table.name)}
        for index in table.indexes:
            if index.name not in named:
                index.create(conn)


def _files_list_their_transactions(conn: sa.Connection) -> None:
    """Version 3: which file of an export batch carries a transaction moves from a
    ``file_seq`` on each of the batch's items to a ``transaction_ids`` list on each of
    its files (so the items can be written while the files are still being rendered).
    Lists are filled from the old column, in file order, and the column is dropped."""
    inspector = sa.inspect(conn)
    tables = set(inspector.get_table_names())
    if "export_files" not in tables or "export_items" not in tables:
        return                                          # made in the current shape when first needed
    if "transaction_ids" not in {c["name"] for c in inspector.get_columns("export_files")}:
        conn.exec_driver_sql("ALTER TABLE export_files ADD COLUMN transaction_ids JSON")
    if "file_seq" not in {c["name"] for c in inspector.get_columns("export_items")}:
        return
    rows = conn.exec_driver_sql(
        "SELECT i.batch_id, i.file_seq, i.transaction_id FROM export_items i "
        "JOIN transactions t ON t.id = i.transaction_id WHERE i.file_seq IS NOT NULL "
        "ORDER BY i.batch_id, i.file_seq, t.account_id, t.posted, t.id").all()
    carried: dict[tuple[int, int], list[int]] = {}
    for batch_id, seq, transaction_id in rows:
        carried.setdefault((batch_id, seq), []).append(transaction_id)
    files = schema.metadata.tables["export_files"]
    for (batch_id, seq), ids in carried.items():
        conn.execute(sa.update(files).where(files.c.batch_id == batch_id, files.c.seq == seq,
                                            files.c.transaction_ids.is_(None)).values(transaction_ids=ids))
    conn.exec_driver_sql("ALTER TABLE export_items DROP COLUMN file_seq")


# MIGRATIONS[n] brings a database from version n+1 to n+2. Version 1 is the
# first schema (created whole); append functions for every later version.
MIGRATIONS: list[Migration] = [_complete_v1, _files_list_their_transactions]

LATEST = 1 + len(MIGRATIONS)


def current_version(conn: sa.Connection) -> int:
    if not sa.inspect(conn).has_table("meta"):
        return 0
    row = conn.execute(
        sa.select(schema.meta.c.value).where(schema.meta.c.key == "schema_version")
    ).first()
    return int(row[0]) if row else 0


def _set_version(conn: sa.Connection, version: int) -> None:
    conn.execute(sa.delete(schema.meta).where(schema.meta.c.key == "schema_version"))
    conn.execute(sa.insert(schema.meta).values(key="schema_version", value=str(version)))


def upgrade(conn: sa.Connection) -> int:
    """Bring the database to LATEST; returns the version it was at."""
    version = current_version(conn)
    if version > LATEST:
        raise RuntimeError(
            f"database schema version {version} is newer than this ledgerkit ({LATEST}); upgrade ledgerkit"
        )
    if version == 0:
        schema.metadata.create_all(conn)
        _set_version(conn, LATEST)
        return 0
    for step in range(version, LATEST):
        MIGRATIONS[step - 1](conn)
    if version != LATEST:
        _set_version(conn, LATEST)
    return version
