"""The Store: one database plus the file archive, in a workspace folder.

SQLite (WAL, foreign keys on) in ``<workspace>/ledgerkit.db`` by default; any
SQLAlchemy URL (PostgreSQL) through ``url=``. Bulk writes go through
``insert_frame`` which hands whole polars batches to the driver's
``executemany``; everything else is plain SQLAlchemy Core.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import sqlalchemy as sa

from . import migrations, schema, sqlite_memstatus
from .archive import Archive

DB_NAME = "ledgerkit.db"


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA cache_size=-262144")   # 256 MB page cache: bulk index inserts stay in memory
    cur.execute("PRAGMA temp_store=MEMORY")
    cur.close()


def _literal(value) -> str | None:
    """A safe SQL literal for a constant column value, or None to keep it a parameter."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and len(value) < 200:
        return "'" + value.replace("'", "''") + "'"
    return None


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class Store:
    """Database + archive for one workspace. Create with ``Store.open``."""

    def __init__(self, engine: sa.Engine, workspace: Path):
        self.engine = engine
        self.workspace = Path(workspace)
        self.archive = Archive(self.workspace / "archive")
        self._checkpoints: list[threading.Thread] = []     # background WAL checkpoints (begin(checkpoint_after))

    @classmethod
    def open(cls, workspace: str | Path, url: str | None = None) -> Store:
        workspace = Path(workspace)
        workspace.mkdir(parents=True, exist_ok=True)
        if url is None:
            url = f"sqlite:///{(workspace / DB_NAME).resolve()}"
        engine = sa.create_engine(url)
        if engine.dialect.name == "sqlite":
            sqlite_memstatus.turn_off()
            sa.event.listen(engine, "connect", _sqlite_pragmas)
        store = cls(engine, workspace)
        with engine.begin() as conn:
            migrations.upgrade(conn)
        return store

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextlib.contextmanager
    def begin(self, *, checkpoint_after: bool = False) -> Iterator[sa.Connection]:
        """One atomic unit of work: commits on success, rolls back on any exception.

        ``checkpoint_after`` (SQLite): a large write whose caller is waiting does not
        also fold the WAL into the database at commit (SQLite's automatic checkpoint,
        about 60 ms after 100k changed rows); that runs on a background thread once
        the commit is done. Should it fail, the next commit of any connection does it.
        """
        if not (checkpoint_after and self.is_sqlite):
            with self.engine.begin() as conn:
                yield conn
            return
        with self.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            before = int(raw.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
            raw.execute("PRAGMA wal_autocheckpoint=0")
            try:
                with conn.begin():
                    yield conn
            finally:
                raw.execute(f"PRAGMA wal_autocheckpoint={before}")
        self._checkpoint_in_background()

    def _checkpoint_in_background(self) -> None:
        def checkpoint() -> None:
            with contextlib.suppress(sa.exc.SQLAlchemyError, OSError), self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

        self._checkpoints = [t for t in self._checkpoints if t.is_alive()]
        thread = threading.Thread(target=checkpoint, name="ledgerkit-checkpoint", daemon=True)
        self._checkpoints.append(thread)
        thread.start()

    def connect(self) -> sa.Connection:
        return self.engine.connect()

    def close(self) -> None:
        for thread in self._checkpoints:
            thread.join()
        self.engine.dispose()

    # -- bulk paths -------------------------------------------------------

    def insert_frame(self, conn: sa.Connection, table: sa.Table, frame: pl.DataFrame,
                     chunk: int = 100_000, bulk: bool = False) -> int:
        """Insert every row of ``frame`` (columns named as in ``table``) in driver batches.

        Columns that hold one value for the whole batch (the import id, the source
        file, often the account) are written as SQL literals instead of per-row
        parameters: a bank file's batch then costs a handful of Python objects per
        row, not one per column.
        """
        if frame.height == 0:
            return 0
        if self.is_sqlite:
            # sqlite3 wants ISO text for dates; cast in polars, not per row
            frame = frame.with_columns(
                pl.col(c).dt.strftime("%Y-%m-%d") for c, t in frame.schema.items() if t == pl.Date
            )
        constant = {c: frame[c][0] for c in frame.columns
                    if frame.height > 1 and _literal(frame[c][0]) is not None
                    and frame[c].null_count() == 0 and bool((frame[c] == frame[c][0]).all())}
        varying = [c for c in frame.columns if c not in constant]
        mark = "?" if self.is_sqlite else "%s"
        values = [mark if c in varying else _literal(constant[c]) for c in frame.columns]
        quoted = ", ".join(f'"{c}"' for c in frame.columns)
        sql = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({", ".join(values)})'
        if not self.is_sqlite:
            sql = sql.replace("%", "%%").replace("%%s", "%s")
        body = frame.select(varying)
        rebuild = list(table.indexes) if bulk else []
        for index in rebuild:     # bulk load: one sort-build beats a million B-tree inserts
            index.drop(conn)
        for start in range(0, frame.height, chunk):
            conn.exec_driver_sql(sql, body.slice(start, chunk).rows())
        for index in rebuild:     # recreated inside the same transaction: uniqueness still enforced
            index.create(conn)
        return frame.height

    def row_estimate(self, conn: sa.Connection, table: sa.Table) -> int:
        """A cheap upper bound of a table's size (its largest id)."""
        return int(conn.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0)

    def read_frame(self, conn: sa.Connection, query: sa.Select,
                   schema_overrides: dict | None = None) -> pl.DataFrame:
        """Run a Core select and return a polars frame (dates as pl.Date)."""
        result = conn.execute(query)
        names = list(result.keys())
        rows = result.fetchall()
        frame = pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None,
                             schema_overrides=schema_overrides)
        return frame


__all__ = ["Store", "schema", "utcnow"]
