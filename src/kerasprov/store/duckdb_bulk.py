"""DuckDB's bulk writes: column-wise Arrow inserts, list parameters for a few rows, one
``UPDATE ... FROM UNNEST`` for many. Each says why it differs from ``Backend``'s portable
default (``super()``); ``DuckDBBackend`` takes them as its first base."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from .schema import quote, to_datetime

_ARROW = {"boolean": pa.bool_(), "integer": pa.int64(), "real": pa.float64(),
          "text": pa.string(), "timestamp": pa.timestamp("us")}


_DATETIME = {dt.datetime, type(None)}
_NONE = type(None)
#: Python types a list parameter carries into a column of each type without loss.
_EXACT = {"boolean": {bool, _NONE}, "integer": {int, _NONE}, "real": {float, _NONE},
          "text": {str, _NONE}, "timestamp": _DATETIME}
_SMALL = 2000  # cells: below this, list parameters beat an Arrow table


class DuckDBBulk:
    """The write methods of ``DuckDBBackend`` (``self.con``, ``self._order``, ``self._n``
    are its own)."""

    def in_list(self, values):
        if len(values) <= 64:
            return super().in_list(values)
        # One list parameter: a statement of 500 '?' costs DuckDB 5x more to prepare.
        return "(SELECT UNNEST(?::VARCHAR[]))", [[str(v) for v in values]]

    def update_rows(self, table, key, columns, types, rows, only_if_later=None):
        if len(rows) < 2:
            return super().update_rows(table, key, columns, types, rows, only_if_later)
        params = []
        for i, typ in enumerate(["text", *types]):
            column = [r[i] for r in rows]
            if typ == "timestamp":
                column = [to_datetime(v) for v in column]
            params.append(column)
        src = ", ".join(f"UNNEST(?::{self.sql_type(t)}[]) AS c{i}"
                        for i, t in enumerate(["text", *types]))
        sets = ", ".join(f"{quote(c)} = v.c{i + 1}" for i, c in enumerate(columns))
        cond = f"t.{quote(key)} = v.c0"
        if only_if_later is not None:
            i = columns.index(only_if_later) + 1
            col = f"t.{quote(only_if_later)}"
            cond += f" AND ({col} IS NULL OR {col} < v.c{i})"
        self.con.execute(f"UPDATE {quote(table)} AS t SET {sets} FROM (SELECT {src}) AS v "
                         f"WHERE {cond}", params)

    def select_in(self, table, columns, key, values):
        from .schema import quote
        values = list(values)
        if len(values) <= 64:
            return super().select_in(table, columns, key, values) if values else []
        # One list parameter: a statement of 1,000 '?' costs DuckDB 5x more to prepare.
        sel = ", ".join(f"t.{quote(c)}" for c in columns)
        return self.fetchall(f"SELECT {sel} FROM (SELECT UNNEST(?::VARCHAR[]) AS k) q "
                             f"JOIN {quote(table)} t ON t.{quote(key)} = q.k",
                             [[None if v is None else str(v) for v in values]])

    def insert(self, table, columns, types, rows):
        if rows:
            self.insert_columns(table, columns, types,
                                [[r[i] for r in rows] for i in range(len(columns))])

    def insert_columns(self, table, columns, types, values):
        # Column-wise straight into Arrow: no per-row Python work (ingest speed).
        if not values or not len(values[0]):
            return
        from .schema import quote
        if len(values[0]) * len(values) <= _SMALL and self._insert_small(table, columns, types,
                                                                        values):
            return
        arrays = []
        for column, typ in zip(values, types):
            if hasattr(column, "dtype"):  # numpy (timestamps): NaT becomes NULL, no Python loop
                arrays.append(pa.array(column, type=_ARROW[typ], from_pandas=True))
                continue
            if typ == "timestamp" and not set(map(type, column)) <= _DATETIME:
                column = [to_datetime(v) for v in column]
            arrays.append(pa.array(column, type=_ARROW[typ]))
        order = self._order.get(table)
        if order is None:
            order = self.columns_of(table)
        given = dict(zip(columns, arrays))
        if len(given) == len(columns) and given.keys() <= set(order):
            # Every column of the table, in table order (NULL where not given): DuckDB
            # appends an Arrow table directly, about 1 ms less than a registered view.
            n = len(arrays[0])
            full = [given[c] if c in given else pa.nulls(n) for c in order]
            data = pa.Table.from_arrays(full, names=[f"c{i}" for i in range(len(full))])
            self.con.from_arrow(data).insert_into(quote(table))
            return
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

    def _insert_small(self, table, columns, types, values) -> bool:
        """A few rows as list parameters: 0.3 ms, where Arrow costs 1 ms or more. Only for
        columns whose Python types DuckDB converts exactly; False: not done."""
        params = []
        for column, typ in zip(values, types):
            if hasattr(column, "dtype"):
                column = column.tolist()  # numpy datetime64: datetime, NaT -> None
            kinds = set(map(type, column))
            if typ == "timestamp" and kinds <= {int, float, *_DATETIME}:
                column, kinds = [to_datetime(v) for v in column], _DATETIME
            if not kinds <= _EXACT[typ]:
                return False
            params.append(column)
        from .schema import quote
        cols = ", ".join(quote(c) for c in columns)
        if len(params[0]) == 1:  # one row: VALUES costs DuckDB a third less than UNNEST
            sql = f"INSERT INTO {quote(table)} ({cols}) VALUES ({', '.join('?' * len(types))})"
            params = [column[0] for column in params]
        else:
            sel = ", ".join(f"UNNEST(?::{self.sql_type(t)}[])" for t in types)
            sql = f"INSERT INTO {quote(table)} ({cols}) SELECT {sel}"
        try:
            self.con.execute(sql, params)
        except Exception as exc:  # noqa: BLE001 - duckdb's exception classes vary by version
            if "Python Conversion Failure" not in str(exc):
                raise
            return False  # e.g. a lone surrogate: nothing was written, Arrow says what failed
        return True
