"""What the ingest and query code needs from a database, and the DuckDB implementation.

DuckDB's bulk writes (Arrow, list parameters) are in ``duckdb_bulk.py``; PostgreSQL and
MonetDB live in their own modules.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .duckdb_bulk import DuckDBBulk
from .readonly import (
    DEFAULT_MAX_BYTES,
    Deadline,
    SQLReference,
    fetch_capped,
    frame,
    timed_out,
    unique_columns,
)
from .schema import SQL_TYPES, quote, to_datetime

if TYPE_CHECKING:
    import pandas as pd

# Statements after which a table's columns may differ from what was looked up.
_RESHAPE = ("ALTER ", "CREATE", "DROP T", "DROP S", "ROLLBA")


class Backend:
    """A connection to one store database, used for one unit of work."""

    dialect = ""
    #: True where nothing but this connection can change the store while it is open (an
    #: embedded DuckDB file is locked to one process, and units take turns within it), so
    #: the ingest may trust what it learnt of the schema in an earlier transaction.
    sole_writer = False

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

    def base_tables(self) -> set[str]:
        """The store's tables (not views): what the ingest needs to know, cheaply."""
        return self.table_names()

    def base_tables_sql(self) -> str | None:
        """A SELECT of the store's tables as one column ``name`` (for the ingest's first
        look-up), or None: then ``base_tables`` is called."""
        return None

    def columns_of(self, table: str) -> list[str]:
        """The columns of ``table``, which exists, in order."""
        return self.table_columns(table)

    def in_list(self, values: Sequence[str]) -> tuple[str, list]:
        """``IN`` operand for text ``values`` (at most 500) and its parameters."""
        return "(" + ", ".join("?" for _ in values) + ")", list(values)

    def update_rows(self, table: str, key: str, columns: list[str], types: list[str],
                    rows: list[list[Any]], only_if_later: str | None = None) -> None:
        """Set ``columns`` of the rows whose ``key`` is each row's first value.

        ``only_if_later``: a column that is only set where it is NULL or earlier than the
        given value (a clock that never goes back). One statement per row here; backends
        with ``UPDATE ... FROM`` do it in one.
        """
        sets = ", ".join(f"{quote(c)} = ?" for c in columns)
        cond = f"{quote(key)} = ?"
        if only_if_later is not None:
            cond += f" AND ({quote(only_if_later)} IS NULL OR {quote(only_if_later)} < ?)"
        for row in rows:
            values = [to_datetime(v) if t == "timestamp" else v for v, t in zip(row[1:], types)]
            params = values + [row[0]]
            if only_if_later is not None:
                params.append(values[columns.index(only_if_later)])
            self.execute(f"UPDATE {quote(table)} SET {sets} WHERE {cond}", params)

    def select_in(self, table: str, columns: list[str], key: str,
                  values: Sequence[Any]) -> list[tuple]:
        """``columns`` of the rows of ``table`` whose ``key`` is one of ``values``."""
        from .schema import quote
        values, out = list(values), []
        sel = ", ".join(quote(c) for c in columns)
        for i in range(0, len(values), 500):  # bounded statement size on every database
            chunk = values[i:i + 500]
            out += self.fetchall(f"SELECT {sel} FROM {quote(table)} WHERE {quote(key)} IN "
                                 f"({', '.join('?' for _ in chunk)})", chunk)
        return out

    def ingest_cache(self) -> dict:
        """A memo the ingest keeps on this connection (schema look-ups, known rows).

        Valid for one transaction, or for the whole unit of work where ``sole_writer``.
        """
        try:
            return self._ingest_cache
        except AttributeError:
            self._ingest_cache: dict = {}
            return self._ingest_cache

    def read_df(self, sql: str, params: Sequence[Any] = ()):
        """Trusted SQL written by kerasprov itself, as a pandas DataFrame."""
        raise NotImplementedError

    def relation_columns(self, relation: str) -> list[tuple[str, str]]:
        """(name, SQL type) of each column of a table or view, in order."""
        from .schema import quote
        rows = self.fetchall(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = ? ORDER BY ordinal_position", [relation])
        if rows:
            return [(str(c), str(t)) for c, t in rows]
        df = self.read_df(f"SELECT * FROM {quote(relation)} LIMIT 0")  # no catalogue view
        return [(str(c), str(t)) for c, t in zip(df.columns, df.dtypes)]

    def stored_text(self, value: str) -> str:
        """``value`` as this database stores text (identity but where it cannot hold some
        characters)."""
        return value

    def data_faults(self) -> tuple[type[BaseException], ...]:
        """The database's errors that mean "this data cannot be stored" (a value out of
        range, a row too large), as opposed to "the database cannot be reached now"."""
        return ()

    def lock_faults(self) -> tuple[type[BaseException], ...]:
        """The database's errors that mean "a lock was not granted in time": the batch is
        rolled back and tried again later (nothing of it is lost)."""
        return ()

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

    def read_only_df(self, query: str, limit: int, timeout: float,
                     max_bytes: int = DEFAULT_MAX_BYTES) -> pd.DataFrame:
        """Run a person's (sandbox-checked) query with the engine's own guards.

        Every backend gives the same behaviour: at most ``limit`` rows and about
        ``max_bytes`` bytes (``df.attrs["truncated"]`` is True when more existed,
        ``df.attrs["truncated_by"]`` says ``"rows"`` or ``"bytes"``); stopped with a
        QueryError once ``timeout`` seconds have passed, until the last row is fetched and
        the result closed; a write or a forbidden read raises SQLRefused, any other failure
        QueryError. The store is left as it was.
        """
        raise NotImplementedError

    def sql_references(self, query: str) -> list[SQLReference] | None:
        """The functions and tables the engine's own parser finds in ``query``; None when
        the engine does not expose its parse tree."""
        return None

    def close(self) -> None:
        raise NotImplementedError


class DuckDBBackend(DuckDBBulk, Backend):
    dialect = "duckdb"
    sole_writer = True

    def __init__(self, con):
        self.con = con
        self._n = 0
        self._order: dict[str, list[str]] = {}  # table -> its columns, for insert_columns

    def execute(self, sql, params=()):
        if self._order and sql.lstrip()[:6].upper() in _RESHAPE:
            self._order.clear()  # a table may have changed shape
        self.con.execute(sql, list(params))

    def fetchall(self, sql, params=()):
        return self.con.execute(sql, list(params)).fetchall()

    def data_faults(self):
        import duckdb
        return (duckdb.ConversionException, duckdb.OutOfRangeException)

    def relation_columns(self, relation):
        from .schema import quote
        return [(r[0], str(r[1]))
                for r in self.fetchall(f"DESCRIBE SELECT * FROM {quote(relation)}")]

    def table_names(self):
        return {r[0] for r in self.fetchall(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'")}

    def base_tables(self):
        return {r[0] for r in self.fetchall(self.base_tables_sql())}

    def base_tables_sql(self):
        # duckdb_tables() is about twice as fast as information_schema.tables
        return ("SELECT table_name AS name FROM duckdb_tables() WHERE database_name = "
                "current_database() AND schema_name = 'main'")

    def columns_of(self, table):
        # DESCRIBE costs a third of a duckdb_columns() look-up; the table must exist
        columns = self._order[table] = [r[0] for r in self.fetchall(
            f"DESCRIBE {quote(table)}")]
        return list(columns)

    def table_columns(self, table):
        return [r[0] for r in self.fetchall(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ? "
            "AND schema_name = 'main' ORDER BY column_index", [table])]

    def alter_type(self, table, column, typ):
        from .schema import quote
        self.execute(f"ALTER TABLE {quote(table)} ALTER COLUMN {quote(column)} "
                     f"SET DATA TYPE {self.sql_type(typ)}")

    def read_df(self, sql, params=()):
        """Trusted SQL written by kerasprov itself, as a DataFrame."""
        import pandas as pd
        cur = self.con.execute(sql, list(params))
        cols = unique_columns([d[0] for d in cur.description])
        return pd.DataFrame(cur.fetchall(), columns=cols)
    def read_only_df(self, query, limit, timeout, max_bytes=DEFAULT_MAX_BYTES):
        from .sqlbounds import duckdb_bounds
        with duckdb_bounds(self.con):  # memory and temporary files: see sqlbounds
            return self._read_only_df(query, limit, timeout, max_bytes)

    def _read_only_df(self, query, limit, timeout, max_bytes):
        import duckdb

        from ..errors import SQLRefused
        from .sqlerrors import duckdb_error
        try:
            statements = self.con.extract_statements(query)
        except duckdb.Error as exc:
            raise duckdb_error(exc, query) from None
        if len(statements) != 1:
            raise SQLRefused("only one SQL statement is allowed")
        if statements[0].type != duckdb.StatementType.SELECT:
            raise SQLRefused(f"only SELECT queries are allowed; got {statements[0].type.name}")
        # A cursor of its own: the interrupt reaches only this query, and closing it does
        # not close the unit's connection. DuckDB computes the rest of a streaming result
        # when it is closed (or when the connection runs its next statement), and does not
        # heed an interrupt that arrives during close; interrupted first, close is instant.
        cur = self.con.cursor()
        deadline = Deadline(timeout, cur.interrupt)
        try:
            cur.execute(query)
            columns = [d[0] for d in cur.description or []]
            fetched = fetch_capped(cur.fetchmany, limit, max_bytes, deadline)
        except duckdb.InterruptException:
            raise timed_out(timeout) from None
        except duckdb.PermissionException as exc:
            raise SQLRefused(f"refused: {_first_line(exc)}") from None
        except duckdb.Error as exc:
            if deadline.fired:
                raise timed_out(timeout) from None
            raise duckdb_error(exc, query) from None
        finally:
            _stop_and_close(cur)
            deadline.disarm()  # only now: the result is closed
        return frame(fetched, columns, max_bytes)

    def sql_references(self, query):
        """DuckDB's own parse tree (``json_serialize_sql``): see ``duckdb_tree``."""
        from .duckdb_tree import references
        return references(self.con, query)

    def close(self):
        self.con.close()


def _stop_and_close(cur) -> None:
    """End a DuckDB cursor's query now, fetched to the end or not."""
    for step in (cur.interrupt, cur.close):
        try:
            step()
        except Exception:  # noqa: BLE001 - already closed or finished: nothing left to stop
            pass


def _first_line(exc: object) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
