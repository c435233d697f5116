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
        assert migrations.current_version(conn) == migrations.LATEST == 3
        inspector = sa.inspect(conn)
        assert set(schema.metadata.tables) <= set(inspector.get_table_names())
        assert "payee" in {c["name"] for c in inspector.get_columns("documents")}
        assert "uq_transactions_identity" in {i["name"] for i in inspector.get_indexes("transactions")}
        assert conn.execute(sa.text("SELECT check_number, payee FROM documents")).all() == [("1001", "")]
        assert conn.execute(sa.text("SELECT name FROM clients")).scalar() == "Old Co"
    store.close()
    reopened = Store.open(tmp_path)       # a second open has nothing left to do
    with reopened.connect() as conn:
        assert migrations.current_version(conn) == 3
    reopened.close()


def test_new_workspace_starts_at_the_latest_version(tmp_path):
    store = Store.open(tmp_path)
    with store.connect() as conn:
        assert migrations.current_version(conn) == migrations.LATEST
    store.close()


def test_version_two_export_items_hand_their_files_to_the_file_lists(tmp_path):
    """Version 2 kept which file carried a transaction as ``export_items.file_seq``; version 3
    keeps it as ``export_files.transaction_ids``, in file order (account, date, id)."""
    store = Store.open(tmp_path)
    with store.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE export_files DROP COLUMN transaction_ids")
        conn.exec_driver_sql("ALTER TABLE export_items ADD COLUMN file_seq INTEGER")
        conn.execute(sa.text("UPDATE meta SET value = '2' WHERE key = 'schema_version'"))
        conn.execute(sa.text("INSERT INTO clients (name, email, invite, created_at) "
                             "VALUES ('Old Co', '', 'none', '2026-01-01 00:00:00')"))
        conn.execute(sa.text("INSERT INTO accounts (client_id, name, kind, currency, bank_id, number, created_at) "
                             "VALUES (1, 'Checking', 'checking', 'USD', '', '', '2026-01-01 00:00:00')"))
        conn.execute(sa.text("INSERT INTO files VALUES ('ab', 1, 'x.qbo', 'archive/ab', '2026-01-01 00:00:00')"))
        conn.execute(sa.text("INSERT INTO imports (client_id, sha256, path, importer, added, duplicates, issues, "
                             "actor, created_at) VALUES (1, 'ab', 'x.qbo', 'ofx', 4, 0, '[]', 'a', "
                             "'2026-01-01 00:00:00')"))
        for tid, day in ((1, 3), (2, 1), (3, 2), (4, 1)):       # ids out of date order on purpose
            conn.execute(sa.text(
                "INSERT INTO transactions (id, account_id, identity, posted, amount, source_sha256, source_row, "
                f"import_id) VALUES ({tid}, 1, 'F:{tid}', '2026-01-0{day}', -100, 'ab', {tid}, 1)"))
        conn.execute(sa.text("INSERT INTO export_batches (client_id, format, kind, transactions, matched, total, "
                             "currency, actor, created_at) VALUES (1, 'qbo', 'export', 3, 1, -300, 'USD', 'a', "
                             "'2026-01-01 00:00:00')"))
        for seq in (1, 2):
            conn.execute(sa.text("INSERT INTO export_files (batch_id, seq, path, sha256, size, account_id, "
                                 f"transactions, part, parts) VALUES (1, {seq}, 'out-{seq}.qbo', 'cd', 9, 1, 2, "
                                 f"{seq}, 2)"))
        for tid, seq in ((1, 2), (2, 1), (3, 2), (4, None)):
            conn.execute(sa.text("INSERT INTO export_items (batch_id, transaction_id, account_id, fitid, file_seq, "
                                 "written, amount, coding_version) VALUES (1, :t, 1, :f, :s, :w, -100, 1)"),
                         {"t": tid, "f": str(tid), "s": seq, "w": seq is not None})
    store.close()
    store = Store.open(tmp_path)
    with store.connect() as conn:
        assert migrations.current_version(conn) == 3
        assert "file_seq" not in {c["name"] for c in sa.inspect(conn).get_columns("export_items")}
        files = conn.execute(sa.text("SELECT seq, transaction_ids FROM export_files ORDER BY seq")).all()
        assert files == [(1, "[2]"), (2, "[3, 1]")]
        assert conn.execute(sa.text("SELECT count(*) FROM export_items")).scalar() == 4
    store.close()
