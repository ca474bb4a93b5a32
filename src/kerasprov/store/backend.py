"""What the ingest and query code needs from a database, and the DuckDB implementation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from .schema import SQL_TYPES

_ARROW = {"boolean": pa.bool_(), "integer": pa.int64(), "real": pa.float64(),
          "text": pa.string(), "timestamp": pa.timestamp("us")}


_DATETIME = {dt.datetime, type(None)}


def to_datetime(value: object) -> dt.datetime | None:
    """Event timestamps are POSIX seconds; tables hold naive UTC timestamps."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromtimestamp(float(value), dt.timezone.utc).replace(tzinfo=None)


class Backend:
    """A connection to one store database, used for one unit of work."""

    dialect = ""

    def sql_type(self, typ: str) -> str:
        return SQL_TYPES[self.dialect][typ]

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        raise NotImplementedError

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        raise NotImplementedError

    def insert(self, table: str, columns: list[str], types: list[str],
               rows: list[list[Any]]) -> None:
        """Bulk insert ``rows`` (lists in ``columns`` order, lattice ``types``)."""
        raise NotImplementedError

    def insert_columns(self, table: str, columns: list[str], types: list[str],
                       values: list[list[Any]]) -> None:
        """Bulk insert given column by column (``values[i]`` holds ``columns[i]``)."""
        values = [v.tolist() if hasattr(v, "tolist") else v for v in values]  # numpy columns
        self.insert(table, columns, types, list(zip(*values)))

    def table_names(self) -> set[str]:
        raise NotImplementedError

    def table_columns(self, table: str) -> list[str]:
        raise NotImplementedError

    def alter_type(self, table: str, column: str, typ: str) -> None:
        raise NotImplementedError

    def begin(self) -> None:
        self.execute("BEGIN TRANSACTION")

    def commit(self) -> None:
        self.execute("COMMIT")

    def rollback(self) -> None:
        self.execute("ROLLBACK")

    def close(self) -> None:
        raise NotImplementedError


class DuckDBBackend(Backend):
    dialect = "duckdb"

    def __init__(self, con):
        self.con = con
        self._n = 0

    def execute(self, sql, params=()):
        self.con.execute(sql, list(params))

    def fetchall(self, sql, params=()):
        return self.con.execute(sql, list(params)).fetchall()

    def insert(self, table, columns, types, rows):
        if rows:
            self.insert_columns(table, columns, types,
                                [[r[i] for r in rows] for i in range(len(columns))])

    def insert_columns(self, table, columns, types, values):
        # Column-wise straight into Arrow: no per-row Python work (ingest speed).
        if not values or not values[0]:
            return
        from .schema import quote
        arrays = []
        for column, typ in zip(values, types):
            if hasattr(column, "dtype"):  # numpy (timestamps): NaT becomes NULL, no Python loop
                arrays.append(pa.array(column, type=_ARROW[typ], from_pandas=True))
                continue
            if typ == "timestamp" and not set(map(type, column)) <= _DATETIME:
                column = [to_datetime(v) for v in column]
            arrays.append(pa.array(column, type=_ARROW[typ]))
        data = pa.Table.from_arrays(arrays, names=[f"c{i}" for i in range(len(columns))])
        self._n += 1
        view = f"_kp_insert_{self._n}"
        self.con.register(view, data)
        try:
            cols = ", ".join(quote(c) for c in columns)
            sel = ", ".join(f"c{i}" for i in range(len(columns)))
            self.con.execute(f"INSERT INTO {quote(table)} ({cols}) SELECT {sel} FROM {view}")
        finally:
            self.con.unregister(view)

    def table_names(self):
        return {r[0] for r in self.fetchall(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'")}

    def table_columns(self, table):
        return [r[0] for r in self.fetchall(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ? "
            "AND schema_name = 'main' ORDER BY column_index", [table])]

    def alter_type(self, table, column, typ):
        from .schema import quote
        self.execute(f"ALTER TABLE {quote(table)} ALTER COLUMN {quote(column)} "
                     f"SET DATA TYPE {self.sql_type(typ)}")

    def close(self):
        self.con.close()
