"""Bulk inserts for the pipeline's batched writes: PostgreSQL ``COPY`` where the driver has it,
SQLAlchemy ``executemany`` everywhere else.

A batch of analyses or vectors is thousands of rows. On PostgreSQL through psycopg 3, the rows
go in with ``COPY ... FROM STDIN`` (``cursor.copy``) into a temporary table, then one
``INSERT ... SELECT ... ON CONFLICT DO NOTHING`` moves them into the real table inside the same
transaction: ``COPY`` alone cannot skip a row that another process inserted meanwhile, and two
ingests of the same texts must not fail on each other (``store._insert_new`` has the same rule).
Measured against ``executemany`` in ``bench/bench_store_bulk.py`` (``bench/README.md``, "Bulk
writes to PostgreSQL"). SQLite and any other driver keep ``executemany``.
"""
from __future__ import annotations

from collections.abc import Sequence
from itertools import count

import sqlalchemy as sa

#: Rows below which ``COPY`` is not worth its extra statements (a temporary table, the move).
COPY_MIN_ROWS = 50

_names = count()


def _pg_type(column_type: sa.types.TypeEngine) -> str | None:
    """The PostgreSQL type name ``COPY ... (FORMAT BINARY)`` sends a column as (``None``: a type
    this module does not map, and the text format is used). Binary sends ``bytea`` unescaped:
    the vectors' rows went 0.88x of ``executemany`` in text format (``bench/README.md``)."""
    if isinstance(column_type, sa.LargeBinary):
        return "bytea"
    if isinstance(column_type, sa.Integer):
        return "int8" if isinstance(column_type, sa.BigInteger) else "int4"
    if isinstance(column_type, sa.String):  # Text and String (varchar) share the wire format
        return "text"
    return None


def can_copy(conn: sa.Connection) -> bool:
    """Whether ``conn`` is PostgreSQL through psycopg 3 (the driver with ``cursor.copy``)."""
    return conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg"


def insert_rows(conn: sa.Connection, table: sa.Table, rows: Sequence[dict],
                keys: Sequence[str] | None = None, *, use_copy: bool | None = None) -> None:
    """Insert ``rows`` (dicts keyed by column name) into ``table`` in the caller's transaction.

    Args:
        keys: the primary-key columns: a row whose key is already there is left out (with
            ``COPY``, and with ``executemany`` on SQLite and PostgreSQL); ``None`` inserts every
            row and lets a duplicate raise, as a plain ``INSERT`` does.
        use_copy: force the path (``None``: ``COPY`` on psycopg 3 from ``COPY_MIN_ROWS`` rows).
    """
    if not rows:
        return
    copy = can_copy(conn) and len(rows) >= COPY_MIN_ROWS if use_copy is None else use_copy
    if not copy:
        if keys is None:
            conn.execute(table.insert(), list(rows))
        else:
            from components.store import _insert_new

            _insert_new(conn, table, list(rows), list(keys))
        return
    cols = [c.name for c in table.columns if c.name in rows[0]]
    temp = f"sourcelight_copy_{next(_names)}"
    quoted = ", ".join(f'"{c}"' for c in cols)
    # LIKE resolves the table by the connection's search_path, as every other statement does
    conn.exec_driver_sql(f'CREATE TEMPORARY TABLE "{temp}" (LIKE "{table.name}" INCLUDING DEFAULTS)')
    types = [_pg_type(table.c[c].type) for c in cols]
    binary = None not in types
    cursor = conn.connection.driver_connection.cursor()
    try:
        form = " (FORMAT BINARY)" if binary else ""
        with cursor.copy(f'COPY "{temp}" ({quoted}) FROM STDIN{form}') as out:
            if binary:
                out.set_types(types)
            for row in rows:
                out.write_row(tuple(row.get(c) for c in cols))
    finally:
        cursor.close()
    conflict = f" ON CONFLICT ({', '.join(chr(34) + k + chr(34) for k in keys)}) DO NOTHING" \
        if keys else ""
    conn.exec_driver_sql(f'INSERT INTO "{table.name}" ({quoted}) SELECT {quoted} FROM "{temp}"'
                         f"{conflict}")
    conn.exec_driver_sql(f'DROP TABLE "{temp}"')  # (a failed transaction takes it back too)
