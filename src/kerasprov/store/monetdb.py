"""The MonetDB store (the paper's DBMS) through ``pymonetdb``: same schema, its SQL dialect.

Optional: ``pip install "kerasprov[monetdb]"``. The dialect differences live in pure
functions (``monetdb_statement``, ``alter_type_sql``) so they are tested without a server;
the whole backend suite runs against a live server when ``KERASPROV_TEST_MONETDB_URL`` is
set. Differences from PostgreSQL handled here:

- no ``INSERT ... ON CONFLICT``: rewritten to ``INSERT ... SELECT ... WHERE NOT EXISTS``;
- no in-place column type change: add a column, copy with CAST, drop, rename;
- no READ ONLY transactions: a person's query runs in a transaction that is always rolled
  back, with a session query timeout.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote, urlparse

import pandas as pd

from ..config import shown
from ..errors import NoStore, QueryError, SQLRefused, StoreUnavailable
from .backend import Backend, to_datetime
from .ingest import ensure_schema
from .postgres import pg_sql
from .readonly import DEFAULT_MAX_BYTES, Deadline, fetch_capped, frame
from .schema import quote

INSERT_CHUNK = 1000
_FETCH_ROWS = 1000  # rows pymonetdb asks the server for at a time
_ON_CONFLICT = re.compile(
    r"^\s*INSERT INTO\s+(?P<table>\S+)\s*\((?P<cols>[^)]*)\)\s*VALUES\s*\((?P<marks>[^)]*)\)"
    r"\s*ON CONFLICT\s*\((?P<keys>[^)]*)\)\s*DO NOTHING\s*$", re.IGNORECASE | re.DOTALL)


def _pymonetdb():
    try:
        import pymonetdb
    except ImportError:
        raise StoreUnavailable('the MonetDB store needs pymonetdb: pip install '
                               '"kerasprov[monetdb]"') from None
    # pymonetdb logs a refused connection at ERROR: without a handler Python prints it to
    # stderr next to our own one-line error. A NullHandler still lets configured logging see it.
    import logging
    log = logging.getLogger("pymonetdb")
    if not log.handlers:
        log.addHandler(logging.NullHandler())
    return pymonetdb


def monetdb_statement(sql: str, params: Sequence[Any] = ()) -> tuple[str, list]:
    """The codebase's SQL (``?`` placeholders, PostgreSQL-style upsert) in MonetDB's dialect.

    Returns the statement with pymonetdb's ``%s`` placeholders and its parameters.
    """
    params = list(params)
    m = _ON_CONFLICT.match(sql)
    if m:
        cols = [c.strip() for c in m["cols"].split(",")]
        keys = [k.strip() for k in m["keys"].split(",")]
        marks = ", ".join("?" for _ in cols)
        cond = " AND ".join(f"{k} = ?" for k in keys)
        sql = (f"INSERT INTO {m['table']} ({', '.join(cols)}) SELECT {marks} "
               f"WHERE NOT EXISTS (SELECT 1 FROM {m['table']} WHERE {cond})")
        params = params + [params[cols.index(k)] for k in keys]
    if sql.strip().upper() == "BEGIN TRANSACTION":
        sql = "START TRANSACTION"
    return (pg_sql(sql) if params else sql), params


def alter_type_sql(table: str, column: str, old_sql_type: str | None, new_sql_type: str,
                   ) -> list[str]:
    """Statements that change a column's type in MonetDB (it cannot ALTER ... TYPE)."""
    tmp = quote(column + "__kp_new")
    col, tab = quote(column), quote(table)
    value = f"CAST({col} AS {new_sql_type})"
    if (old_sql_type or "").upper() == "BOOLEAN" and new_sql_type.upper() != "BOOLEAN":
        if new_sql_type.upper() in ("TEXT", "CLOB", "STRING"):
            value = f"CASE WHEN {col} THEN 'true' WHEN NOT {col} THEN 'false' END"
        else:
            value = f"CAST(CASE WHEN {col} THEN 1 WHEN NOT {col} THEN 0 END AS {new_sql_type})"
    return [f"ALTER TABLE {tab} ADD COLUMN {tmp} {new_sql_type}",
            f"UPDATE {tab} SET {tmp} = {value}",
            f"ALTER TABLE {tab} DROP COLUMN {col}",
            f"ALTER TABLE {tab} RENAME COLUMN {tmp} TO {col}"]


def insert_sql(table: str, columns: list[str], n_rows: int) -> str:
    """One multi-row INSERT for ``n_rows`` rows (batched, not a round trip per row)."""
    row = "(" + ", ".join("%s" for _ in columns) + ")"
    return (f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) VALUES "
            + ", ".join(row for _ in range(n_rows)))


class MonetDBBackend(Backend):
    """One pymonetdb connection in autocommit mode; transactions are explicit."""

    dialect = "monetdb"

    def __init__(self, con):
        self.con = con

    def _cursor(self, sql, params=()):
        stmt, args = monetdb_statement(sql, params)
        cur = self.con.cursor()
        cur.execute(stmt, args or None)
        return cur

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._cursor(sql, params).close()

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        cur = self._cursor(sql, params)
        try:
            return [tuple(r) for r in cur.fetchall()]
        finally:
            cur.close()

    def begin(self) -> None:
        self.execute("START TRANSACTION")

    def insert(self, table: str, columns: list[str], types: list[str],
               rows: list[list[Any]]) -> None:
        stamps = [i for i, t in enumerate(types) if t == "timestamp"]
        cur = self.con.cursor()
        try:
            for k in range(0, len(rows), INSERT_CHUNK):
                chunk = rows[k:k + INSERT_CHUNK]
                args: list = []
                for row in chunk:
                    row = list(row)
                    for i in stamps:
                        row[i] = to_datetime(row[i])
                    args.extend(row)
                cur.execute(insert_sql(table, columns, len(chunk)), args)
        finally:
            cur.close()

    def data_faults(self):
        return (_pymonetdb().exceptions.DataError,)

    def table_names(self) -> set[str]:
        return {r[0] for r in self.fetchall(
            "SELECT t.name FROM sys.tables t JOIN sys.schemas s ON s.id = t.schema_id "
            "WHERE s.name = CURRENT_SCHEMA AND NOT t.system")}

    def table_columns(self, table: str) -> list[str]:
        return [r[0] for r in self.fetchall(
            "SELECT c.name FROM sys.columns c JOIN sys.tables t ON t.id = c.table_id "
            "JOIN sys.schemas s ON s.id = t.schema_id WHERE s.name = CURRENT_SCHEMA "
            "AND t.name = ? ORDER BY c.number", [table])]

    def alter_type(self, table: str, column: str, typ: str) -> None:
        old = self.fetchall(
            "SELECT c.type FROM sys.columns c JOIN sys.tables t ON t.id = c.table_id "
            "JOIN sys.schemas s ON s.id = t.schema_id WHERE s.name = CURRENT_SCHEMA "
            "AND t.name = ? AND c.name = ?", [table, column])
        for stmt in alter_type_sql(table, column, old[0][0] if old else None,
                                   self.sql_type(typ)):
            self.execute(stmt)

    def read_df(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        cur = self._cursor(sql, params)
        try:
            cols = [d[0] for d in cur.description or []]
            return pd.DataFrame([tuple(r) for r in cur.fetchall()], columns=cols)
        finally:
            cur.close()

    def read_only_df(self, query: str, limit: int, timeout: float,
                     max_bytes: int = DEFAULT_MAX_BYTES) -> pd.DataFrame:
        """A person's query, in a transaction that is always rolled back, with a timeout.

        See ``Backend.read_only_df``. MonetDB's session query timeout stops the query on
        the server; pymonetdb cannot cancel from another thread, so the deadline is also
        checked between fetches.
        """
        pymonetdb = _pymonetdb()
        deadline = Deadline(timeout, lambda: None)
        self.execute("START TRANSACTION")
        try:
            with contextlib.suppress(pymonetdb.Error):
                self.execute(f"CALL sys.setquerytimeout({max(1, round(timeout))})")
            cur = self.con.cursor()
            try:
                cur.arraysize = min(limit + 1, _FETCH_ROWS)
                cur.execute(query)
                columns = [d[0] for d in cur.description or []]
                fetched = fetch_capped(
                    lambda n: [tuple(r) for r in cur.fetchmany(n)], limit, max_bytes, deadline)
            finally:
                cur.close()
        except pymonetdb.Error as exc:
            text = (str(exc).strip().splitlines() or ["error"])[0]
            if "timeout" in text.lower() or "aborted" in text.lower():
                raise QueryError(f"the query ran longer than {timeout:g} s and was stopped "
                                 f"({text})") from None
            if "insufficient privileges" in text.lower() or "read-only" in text.lower():
                raise SQLRefused(f"refused by the read-only sandbox: {text}") from None
            raise QueryError(text) from None
        finally:
            with contextlib.suppress(Exception):
                self.execute("ROLLBACK")
            with contextlib.suppress(Exception):
                self.execute("CALL sys.setquerytimeout(0)")
            deadline.disarm()
        return frame(fetched, columns, max_bytes)

    def close(self) -> None:
        self.con.close()


def connect_args(url: str) -> dict[str, Any]:
    """pymonetdb.connect arguments from ``monetdb://USER:PASSWORD@HOST:PORT/DATABASE``."""
    u = urlparse(url)
    if u.scheme not in ("monetdb", "mapi"):
        raise ValueError(f"a MonetDB URL looks like monetdb://user:password@host:50000/db. "
                         f"Received: url={url!r}")
    return {"database": unquote(u.path.lstrip("/")) or "demo",
            "hostname": u.hostname or "localhost", "port": u.port or 50000,
            "username": unquote(u.username or "monetdb"),
            "password": unquote(u.password or "monetdb")}


class MonetDBStore:
    """A MonetDB database as a store; ``unit()`` is one connection for one unit of work.

    MonetDB's optimistic concurrency aborts a transaction that conflicts with a concurrent
    one; run a single ingester (a ``kerasprov serve``) per MonetDB database.
    """

    def __init__(self, url: str, create: bool = True):
        self.url = url
        self.create = create  # False: a reader, which never creates the tables
        self._lock = threading.Lock()
        self._schema_ok = False

    def __repr__(self):
        return f"<MonetDBStore {shown(self.url)}>"

    @contextlib.contextmanager
    def unit(self, ingest: bool = True, timeout: float | None = None):
        """Yield a Backend; with ``ingest``, this machine's waiting journals go in first and
        runs whose lease ran out are marked crashed."""
        pymonetdb = _pymonetdb()
        try:
            args = connect_args(self.url)
        except ValueError as exc:
            raise StoreUnavailable(str(exc).replace(self.url, shown(self.url))) from None
        try:
            con = pymonetdb.connect(**args, autocommit=True, connect_timeout=timeout or 10)
        except (pymonetdb.Error, OSError) as exc:
            raise StoreUnavailable(f"cannot connect to MonetDB at {shown(self.url)}: "
                                   f"{_first_line(exc)}") from None
        be = MonetDBBackend(con)
        try:
            with self._lock:
                if not self._schema_ok:
                    if not self.create and "execution" not in be.table_names():
                        raise NoStore(shown(self.url), "the database has no kerasprov "
                                                       "tables")
                    be.begin()
                    try:
                        ensure_schema(be)
                        be.commit()
                    except BaseException:
                        be.rollback()
                        raise
                    self._schema_ok = True
            if ingest:
                _ingest_local(self, be)
            yield be
        finally:
            be.close()


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _ingest_local(store: MonetDBStore, be: MonetDBBackend) -> None:
    """Read your own writes, and crash runs past their lease (as the PostgreSQL store)."""
    from ..errors import warn_once
    from . import lease
    from .places import journal_dir
    try:
        apply_segments(be, journal_dir(store.url))
        lease.expire(be)
    except Exception as exc:  # noqa: BLE001 - reads still work with what is stored
        warn_once("monetdb-local", f"could not ingest the local journals for "
                                   f"{shown(store.url)}: {_first_line(exc)}")


def apply_segments(be: MonetDBBackend, directory) -> int:
    """Replay the journals in ``directory`` into the database; events stored."""
    from pathlib import Path

    from ..outbox.replay import replay
    from .ingest import local_sender
    from .lease import revive
    send = local_sender(be, on_stored=lambda result: result.crashed and revive(be, result.crashed))
    return replay(Path(directory), send).sent


def deliver_journals(url: str, journal_dir) -> int:
    """Deliver every journal line waiting in ``journal_dir`` to the database at ``url``
    (the outbox writer thread of a training process with a ``monetdb://`` store)."""
    with MonetDBStore(url).unit(ingest=False) as be:
        return apply_segments(be, journal_dir)


def heartbeat(url: str, runs: list[str]) -> int:
    """``runs`` are alive: move their ``last_seen`` to now (see ``store.lease``)."""
    from .lease import touch
    with MonetDBStore(url).unit(ingest=False) as be:
        return touch(be, runs)
