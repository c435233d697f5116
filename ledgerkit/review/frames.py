"""Moving review data between the database and polars in bulk.

- ``fetch``: run a Core select on the driver's own cursor and build a polars
  frame column by column (no SQLAlchemy row objects, no per-row type
  processing; dates are read as ISO text and parsed by polars).
- ``ids_in``: ``column IN (ids)`` for any number of ids as one bound JSON
  array (``json_each`` on SQLite, ``json_array_elements_text`` on
  PostgreSQL), so a scope of 100,000 rows is one statement, not 100 chunks.
- ``json_text``: the one text form JSON columns are written in
  (``json.dumps(value, sort_keys=True)``, what SQLAlchemy's JSON type wrote for
  the engine's sorted values), so stored and derived values compare as text.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import polars as pl
import sqlalchemy as sa


def fetch(conn: sa.Connection, query: sa.Select, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """The rows of ``query`` as a frame with exactly the columns and types of ``schema``
    (in the select's order). Date columns must be selected as text (``CAST(... AS TEXT)``)."""
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    sqlite = conn.dialect.name == "sqlite"

    def bind(v: Any) -> Any:
        return v.isoformat() if sqlite and isinstance(v, dt.date) else v

    if compiled.positional:
        args: Any = tuple(bind(params[k]) for k in compiled.positiontup)
    else:
        args = {k: bind(v) for k, v in params.items()}
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.execute(str(compiled), args)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    names = list(schema)
    if not rows:
        return pl.DataFrame(schema=schema)
    columns = list(zip(*rows, strict=True))
    out = {}
    for name, values in zip(names, columns, strict=True):
        dtype = schema[name]
        if dtype == pl.Date:
            out[name] = pl.Series(name, values, dtype=pl.String).str.slice(0, 10).str.to_date("%Y-%m-%d")
        elif dtype == pl.Boolean:
            out[name] = pl.Series(name, values, strict=False).cast(pl.Boolean)   # SQLite: 0/1
        else:
            out[name] = pl.Series(name, values, dtype=dtype)
    return pl.DataFrame(out)


def _id_json(ids: Any) -> str:
    if isinstance(ids, pl.Series):
        return "[" + ids.cast(pl.Int64).cast(pl.String).str.join(",").item() + "]" if ids.len() else "[]"
    return "[" + ",".join(str(int(i)) for i in ids) + "]"


def _in_json_array(column: sa.ColumnElement, array: str, dialect: str,
                   cast: type[sa.types.TypeEngine] | None = None) -> sa.ColumnElement[bool]:
    """``column IN (...)`` with the values bound as one JSON array text (PostgreSQL reads its
    elements as text: ``cast`` them back when the column is not text)."""
    text = sa.literal(array, sa.Text)
    if dialect == "sqlite":
        return column.in_(sa.select(sa.func.json_each(text).table_valued("value").c.value))
    value = sa.func.json_array_elements_text(sa.cast(text, sa.JSON)).table_valued("value").c.value
    return column.in_(sa.select(sa.cast(value, cast) if cast is not None else value))


def ids_in(column: sa.ColumnElement, ids: Any, dialect: str) -> sa.ColumnElement[bool]:
    """``column IN (ids)`` with the ids bound as one JSON array."""
    return _in_json_array(column, _id_json(ids), dialect, sa.BigInteger)


def texts_in(column: sa.ColumnElement, texts: list[str], dialect: str) -> sa.ColumnElement[bool]:
    """``column IN (texts)`` with the texts bound as one JSON array."""
    return _in_json_array(column, json.dumps(texts), dialect)


def json_text(value: Any) -> str | None:
    """The stored text of a JSON value (None stays SQL NULL)."""
    if value is None:
        return None
    return json.dumps(value, sort_keys=True)


def normalise_json(text: str | None) -> str | None:
    """Stored JSON text in ``json_text`` form (a JSON ``null`` counts as NULL)."""
    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return json_text(value)
