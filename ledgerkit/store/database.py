"""The Store: one database plus the file archive, in a workspace folder.

SQLite (WAL, foreign keys on) in ``<workspace>/ledgerkit.db`` by default; any
SQLAlchemy URL (PostgreSQL) through ``url=``. Bulk writes go through
``insert_frame`` which hands whole polars batches to the driver's
``executemany``; everything else is plain SQLAlchemy Core.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import sqlalchemy as sa

from . import migrations, schema
from .archive import Archive

DB_NAME = "ledgerkit.db"


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class Store:
    """Database + archive for one workspace. Create with ``Store.open``."""

    def __init__(self, engine: sa.Engine, workspace: Path):
        self.engine = engine
        self.workspace = Path(workspace)
        self.archive = Archive(self.workspace / "archive")

    @classmethod
    def open(cls, workspace: str | Path, url: str | None = None) -> Store:
        workspace = Path(workspace)
        workspace.mkdir(parents=True, exist_ok=True)
        if url is None:
            url = f"sqlite:///{(workspace / DB_NAME).resolve()}"
        engine = sa.create_engine(url)
        if engine.dialect.name == "sqlite":
            sa.event.listen(engine, "connect", _sqlite_pragmas)
        store = cls(engine, workspace)
        with engine.begin() as conn:
            migrations.upgrade(conn)
        return store

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextlib.contextmanager
    def begin(self) -> Iterator[sa.Connection]:
        """One atomic unit of work: commits on success, rolls back on any exception."""
        with self.engine.begin() as conn:
            yield conn

    def connect(self) -> sa.Connection:
        return self.engine.connect()

    def close(self) -> None:
        self.engine.dispose()

    # -- bulk paths -------------------------------------------------------

    def insert_frame(self, conn: sa.Connection, table: sa.Table, frame: pl.DataFrame,
                     chunk: int = 50_000) -> int:
        """Insert every row of ``frame`` (columns named as in ``table``) in driver batches."""
        if frame.height == 0:
            return 0
        cols = frame.columns
        if self.is_sqlite:
            # sqlite3 wants ISO text for dates; cast in polars, not per row
            frame = frame.with_columns(
                pl.col(c).dt.strftime("%Y-%m-%d") for c, t in frame.schema.items() if t == pl.Date
            )
            marks = ", ".join("?" for _ in cols)
        else:
            marks = ", ".join("%s" for _ in cols)
        quoted = ", ".join(f'"{c}"' for c in cols)
        sql = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})'
        for start in range(0, frame.height, chunk):
            rows = frame.slice(start, chunk).rows()
            conn.exec_driver_sql(sql, rows)
        return frame.height

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
