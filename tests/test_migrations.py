"""Forward migrations on a real SQLite file: a workspace written by an older ledgerkit opens,
keeps its rows, and gains what the current schema has."""

from __future__ import annotations

import sqlalchemy as sa

from ledgerkit.store import Store, migrations, schema


def _version_one_workspace(path) -> None:
    """A version-1 database as the first development days wrote it: no review or export
    tables, no ``documents.payee``, no named identity index."""
    engine = sa.create_engine(f"sqlite:///{path / 'ledgerkit.db'}")
    first = ("meta", "clients", "accounts", "files", "imports", "transactions", "balances", "documents", "audit")
    with engine.begin() as conn:
        schema.metadata.create_all(conn, tables=[schema.metadata.tables[n] for n in first])
        conn.exec_driver_sql("ALTER TABLE documents DROP COLUMN payee")
        conn.exec_driver_sql("DROP INDEX uq_transactions_identity")
        conn.execute(sa.text("INSERT INTO meta VALUES ('schema_version', '1')"))
        conn.execute(sa.text("INSERT INTO clients (name, email, invite, created_at) "
                             "VALUES ('Old Co', '', 'none', '2026-01-01 00:00:00')"))
        conn.execute(sa.text("INSERT INTO files VALUES ('ab', 1, 'x.png', 'archive/ab', '2026-01-01 00:00:00')"))
        conn.execute(sa.text("INSERT INTO documents (client_id, kind, sha256, filename, check_number, created_at) "
                             "VALUES (1, 'check', 'ab', 'x.png', '1001', '2026-01-01 00:00:00')"))
    engine.dispose()


def test_version_one_workspace_is_brought_to_the_latest_schema(tmp_path):
    _version_one_workspace(tmp_path)
    store = Store.open(tmp_path)
    with store.connect() as conn:
        assert migrations.current_version(conn) == migrations.LATEST == 2
        inspector = sa.inspect(conn)
        assert set(schema.metadata.tables) <= set(inspector.get_table_names())
        assert "payee" in {c["name"] for c in inspector.get_columns("documents")}
        assert "uq_transactions_identity" in {i["name"] for i in inspector.get_indexes("transactions")}
        assert conn.execute(sa.text("SELECT check_number, payee FROM documents")).all() == [("1001", "")]
        assert conn.execute(sa.text("SELECT name FROM clients")).scalar() == "Old Co"
    store.close()
    reopened = Store.open(tmp_path)       # a second open has nothing left to do
    with reopened.connect() as conn:
        assert migrations.current_version(conn) == 2
    reopened.close()


def test_new_workspace_starts_at_the_latest_version(tmp_path):
    store = Store.open(tmp_path)
    with store.connect() as conn:
        assert migrations.current_version(conn) == migrations.LATEST
    store.close()
