"""The Store's SQLite tuning on real files and real processes: memory statistics turned
off only when no other connection exists, and a large write's checkpoint run after it."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
import sqlalchemy as sa

from ledgerkit.store import Store, schema


def _python(code: str, tmp_path) -> list[str]:
    """Run ``code`` in a fresh interpreter (SQLite's settings are per process)."""
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code), str(tmp_path)], capture_output=True,
                         text=True, check=True, timeout=120)
    return out.stdout.split()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the library is found through /proc/self/maps")
def test_memory_statistics_go_off_in_a_fresh_process_and_sqlite_still_works(tmp_path):
    got = _python("""
        import sys, sqlite3
        from ledgerkit.store import Store, sqlite_memstatus
        store = Store.open(sys.argv[1])
        with store.begin() as conn:
            conn.exec_driver_sql("INSERT INTO clients (name, email, invite, created_at) "
                                 "VALUES ('A', '', 'none', '2026-01-01 00:00:00')")
        other = sqlite3.connect(":memory:")
        print(sqlite_memstatus.status().replace(" ", "_"), other.execute("SELECT 6 * 7").fetchone()[0])
        with store.connect() as conn:
            print(conn.exec_driver_sql("SELECT count(*) FROM clients").scalar())
        store.close()
    """, tmp_path)
    assert got == ["off", "42", "1"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the library is found through /proc/self/maps")
def test_memory_statistics_stay_on_while_another_connection_is_open(tmp_path):
    got = _python("""
        import sys, sqlite3
        keep = sqlite3.connect(":memory:")
        keep.execute("CREATE TABLE t (x)")
        keep.execute("INSERT INTO t VALUES (1)")
        from ledgerkit.store import Store, sqlite_memstatus
        store = Store.open(sys.argv[1])
        print(sqlite_memstatus.status().split(":")[0].replace(" ", "_"), keep.execute("SELECT x FROM t").fetchone()[0])
        store.close()
    """, tmp_path)
    assert got == ["left_on", "1"]


def _autocheckpoint(store: Store) -> list[int]:
    """wal_autocheckpoint of every connection the pool holds."""
    pool = store.engine.pool
    values = []
    conns = [store.engine.connect() for _ in range(max(pool.checkedin(), 1))]
    for c in conns:
        values.append(int(c.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()))
    for c in conns:
        c.close()
    return values


def test_checkpoint_after_commits_and_restores_the_connection(tmp_path):
    store = Store.open(tmp_path)
    with store.begin(checkpoint_after=True) as conn:
        conn.execute(sa.insert(schema.clients), [
            {"name": f"C{i}", "email": "", "invite": "none", "created_at": schema_now()} for i in range(2000)])
    assert set(_autocheckpoint(store)) == {1000}
    with pytest.raises(RuntimeError), store.begin(checkpoint_after=True) as conn:
        conn.execute(sa.insert(schema.clients).values(name="lost", email="", invite="none", created_at=schema_now()))
        raise RuntimeError("abort")
    assert set(_autocheckpoint(store)) == {1000}
    store.close()                                    # joins the background checkpoints
    reopened = Store.open(tmp_path)
    with reopened.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.clients)).scalar() == 2000
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    reopened.close()


def schema_now():
    from ledgerkit.store import utcnow
    return utcnow()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the library is found through /proc/self/maps")
def test_dashboard_kernels_keep_no_history_database_so_the_statistics_go_off(tmp_path, monkeypatch):
    """`ledgerkit serve` puts notebooks/jupyter on JUPYTER_PATH; its python3 kernel spec turns
    IPython's history (a SQLite database opened at kernel start) off."""
    from pathlib import Path

    from jupyter_client.manager import start_new_kernel
    monkeypatch.setenv("JUPYTER_PATH", str(Path(__file__).resolve().parents[1] / "notebooks" / "jupyter"))
    km, kc = start_new_kernel(kernel_name="python3")
    try:
        assert km.kernel_spec.display_name == "Python 3 (ledgerkit dashboard)"
        msg_id = kc.execute("from ledgerkit.store import Store, sqlite_memstatus\n"
                            f"Store.open({str(tmp_path)!r}).close()\nprint(sqlite_memstatus.status())")
        out = []
        while True:
            m = kc.get_iopub_msg(timeout=60)
            if m["parent_header"].get("msg_id") != msg_id:
                continue
            if m["msg_type"] in ("stream", "error"):
                out.append(m["content"].get("text") or m["content"].get("evalue", ""))
            if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                break
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert "".join(out).strip() == "off"
