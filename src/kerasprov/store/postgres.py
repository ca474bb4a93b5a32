"""The PostgreSQL store: the same schema, views and ingest as DuckDB, for many machines.

Every writer (a ``kerasprov serve``, a training process with ``KERASPROV_STORE=postgresql://``,
``kerasprov sync``) ingests with the same ``Ingestor``; a transaction-level advisory lock
serialises their write transactions, so two ingesters never race on ``_run_seq`` or on
``ALTER TABLE`` when a new metric appears. Reads take no lock. Rows go in with COPY.

A write transaction waits at most ``lock_timeout`` (``KERASPROV_PG_LOCK_TIMEOUT_MS``, 500 ms)
for a table lock: a schema change (a new metric's ``ALTER TABLE``, the views made again)
that finds a long read on its table gives up at once instead of queueing every later reader
behind it; the ingest rolls the batch back and tries again (``Ingestor.apply``), and the
events wait in order in their journal or outbox until the read ends.
"""

from __future__ import annotations

import contextlib
import decimal
import functools
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..config import shown
from ..errors import KerasProvError, NoStore, QueryError, SQLRefused, StoreBusy, StoreUnavailable
from .backend import Backend, to_datetime
from .ingest import LOCK_RETRIES, ensure_schema
from .readonly import DEFAULT_MAX_BYTES, Deadline, fetch_capped, frame, timed_out
from .schema import quote

#: pg_advisory_xact_lock key shared by every kerasprov writer of a database ("kp" + 1).
LOCK_KEY = 0x6B7001
LOCK_TIMEOUT_ENV = "KERASPROV_PG_LOCK_TIMEOUT_MS"
DEFAULT_LOCK_TIMEOUT_MS = 500


def lock_timeout_ms() -> int:
    """How long a write transaction waits for a table lock (milliseconds, at least 1)."""
    import os
    raw = os.environ.get(LOCK_TIMEOUT_ENV, "").strip()
    try:
        return max(1, int(raw)) if raw else DEFAULT_LOCK_TIMEOUT_MS
    except ValueError:
        from ..errors import warn_once
        warn_once("pg-lock-timeout", f"{LOCK_TIMEOUT_ENV}={raw!r} is not a whole number of "
                                     f"milliseconds; using {DEFAULT_LOCK_TIMEOUT_MS}")
        return DEFAULT_LOCK_TIMEOUT_MS
_NUMERIC_OID = 1700
_POOL_SIZE = 4


def _psycopg():
    try:
        import psycopg
    except ImportError:
        raise StoreUnavailable('the PostgreSQL store needs psycopg: pip install '
                               '"kerasprov[postgres]"') from None
    return psycopg


@functools.lru_cache(maxsize=4096)
def pg_sql(sql: str) -> str:
    """Translate the codebase's ``?`` placeholders to psycopg's ``%s`` (and escape ``%``).

    Question marks inside string literals and quoted identifiers are left alone.
    """
    out, quote_char = [], None
    for ch in sql:
        if quote_char:
            if ch == quote_char:
                quote_char = None
            out.append("%%" if ch == "%" else ch)
        elif ch in "'\"":
            quote_char = ch
            out.append(ch)
        elif ch == "?":
            out.append("%s")
        elif ch == "%":
            out.append("%%")
        else:
            out.append(ch)
    return "".join(out)


def _clean(value: Any) -> Any:
    # PostgreSQL text cannot hold NUL characters (DuckDB can); drop them rather than fail.
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "")
    return value


class PostgresBackend(Backend):
    """One psycopg connection in autocommit mode; transactions are explicit (``begin``)."""

    dialect = "postgres"

    def __init__(self, con):
        self.con = con

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        if params:
            self.con.execute(pg_sql(sql), [_clean(p) for p in params])
        else:
            self.con.execute(sql)

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        cur = self.con.cursor()
        if params:
            cur.execute(pg_sql(sql), [_clean(p) for p in params])
        else:
            cur.execute(sql)
        return cur.fetchall()

    def begin(self) -> None:
        # Every write transaction holds the store's advisory lock until it ends.
        self.con.execute("BEGIN")
        self.con.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        # Only now: waiting for another writer is fine, queueing readers behind a DDL is not.
        self.con.execute(f"SET LOCAL lock_timeout = {lock_timeout_ms()}")

    def insert(self, table: str, columns: list[str], types: list[str],
               rows: list[list[Any]]) -> None:
        if not rows:
            return
        stamps = [i for i, t in enumerate(types) if t == "timestamp"]
        texts = [i for i, t in enumerate(types) if t == "text"]
        cols = ", ".join(quote(c) for c in columns)
        with self.con.cursor() as cur, \
                cur.copy(f"COPY {quote(table)} ({cols}) FROM STDIN") as copy:
            for row in rows:
                if stamps or texts:
                    row = list(row)
                    for i in stamps:
                        row[i] = to_datetime(row[i])
                    for i in texts:
                        row[i] = _clean(row[i])
                copy.write_row(row)

    def stored_text(self, value: str) -> str:
        return _clean(value)

    def data_faults(self):
        from psycopg import errors as pge
        return (pge.DataError, pge.ProgramLimitExceeded)

    def lock_faults(self):
        from psycopg import errors as pge
        return (pge.LockNotAvailable,)

    def table_names(self) -> set[str]:
        return {r[0] for r in self.fetchall(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v', 'p', 'm')")}

    def table_columns(self, table: str) -> list[str]:
        return [r[0] for r in self.fetchall(
            "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(?) AND attnum > 0 "
            "AND NOT attisdropped ORDER BY attnum", [quote(table)])]

    def column_type(self, table: str, column: str) -> str | None:
        row = self.fetchall(
            "SELECT data_type FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND table_name = ? AND column_name = ?", [table, column])
        return row[0][0] if row else None

    def alter_type(self, table: str, column: str, typ: str) -> None:
        new = self.sql_type(typ)
        col = quote(column)
        old = self.column_type(table, column)
        # PostgreSQL has no boolean -> bigint/double cast; boolean -> int -> target does.
        using = f"{col}::int::{new}" if old == "boolean" and typ in ("integer", "real") \
            else f"{col}::{new}"
        self.execute(f"ALTER TABLE {quote(table)} ALTER COLUMN {col} TYPE {new} USING {using}")

    def read_df(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        """Trusted SQL written by kerasprov itself, as a DataFrame."""
        cur = self.con.cursor()
        if params:
            cur.execute(pg_sql(sql), [_clean(p) for p in params])
        else:
            cur.execute(sql)
        return _frame(cur, cur.fetchall())

    def read_only_df(self, query: str, limit: int, timeout: float,
                     max_bytes: int = DEFAULT_MAX_BYTES) -> pd.DataFrame:
        """A person's query: as the reader role, READ ONLY, with a timeout and caps.

        See ``Backend.read_only_df`` and ``pgreader``. A server-side cursor fetches the
        rows in chunks (DECLARE ... CURSOR accepts only a query); ``statement_timeout``
        bounds each statement and a client-side deadline cancels the whole, fetches
        included.
        """
        psycopg = _psycopg()
        from psycopg import errors as pge

        from .pgreader import bound, over_limit, prepare
        try:
            role = prepare(self.con)
        except psycopg.Error as exc:
            raise QueryError(f"could not prepare the read-only role: {_first_line(exc)}") \
                from None
        deadline = Deadline(timeout, self._cancel)
        self.con.execute("BEGIN READ ONLY")
        try:
            self.con.execute(f"SET LOCAL statement_timeout = {max(1, int(timeout * 1000))}")
            bound(self.con)  # work_mem, temp_file_limit: as this user, before the role
            if role:
                self.con.execute(f"SET LOCAL ROLE {quote(role)}")
            with self.con.cursor(name="kerasprov_sandbox") as cur:
                cur.execute(query)
                fetched = fetch_capped(cur.fetchmany, limit, max_bytes, deadline)
                columns = [d.name for d in cur.description or []]
                numeric = [i for i, d in enumerate(cur.description or [])
                           if d.type_code == _NUMERIC_OID]
        except pge.QueryCanceled:
            raise timed_out(timeout) from None
        except (pge.ReadOnlySqlTransaction, pge.InsufficientPrivilege) as exc:
            raise SQLRefused(f"refused by the read-only sandbox: {_first_line(exc)}") \
                from None
        except psycopg.Error as exc:
            if deadline.fired:
                raise timed_out(timeout) from None
            if over_limit(exc):
                raise QueryError(over_limit(exc)) from None
            from .sqlerrors import postgres_error  # DETAIL, HINT and a caret kept
            raise postgres_error(exc, query, 'DECLARE "kerasprov_sandbox" CURSOR FOR ') \
                from None
        finally:
            deadline.disarm()  # the cursor is closed: a cancel now could only hit ROLLBACK
            with contextlib.suppress(Exception):
                self.con.execute("ROLLBACK")
        if numeric and fetched.rows:
            fetched = fetched._replace(rows=_floats(fetched.rows, numeric))
        return frame(fetched, columns, max_bytes)

    def _cancel(self) -> None:
        cancel = getattr(self.con, "cancel_safe", None)  # psycopg >= 3.2
        if cancel is not None:
            cancel(timeout=5.0)
        else:
            self.con.cancel()

    def close(self) -> None:
        self.con.close()


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _floats(rows: list[tuple], numeric: list[int]) -> list[tuple]:
    """NUMERIC (e.g. EXTRACT) arrives as Decimal; DuckDB gives floats."""
    return [tuple(float(v) if i in numeric and isinstance(v, decimal.Decimal) else v
                  for i, v in enumerate(r)) for r in rows]


def _frame(cur, rows: list[tuple]) -> pd.DataFrame:
    desc = cur.description or []
    cols = [d.name for d in desc]
    numeric = [i for i, d in enumerate(desc) if d.type_code == _NUMERIC_OID]
    if numeric and rows:
        rows = _floats(rows, numeric)
    return pd.DataFrame(rows, columns=cols)


class PostgresStore:
    """A PostgreSQL database as a store; ``unit()`` lends one pooled connection."""

    def __init__(self, url: str, connect_timeout: float = 10.0, create: bool = True):
        self.url = url
        self.connect_timeout = connect_timeout
        self.create = create  # False: a reader, which never creates the tables
        self._idle: list = []
        self._lock = threading.Lock()
        self._schema_ok = False
        self._expired_at = float("-inf")

    def __repr__(self):
        return f"<PostgresStore {self.url}>"

    def _connect(self, timeout: float):
        psycopg = _psycopg()
        with self._lock:
            while self._idle:
                con = self._idle.pop()
                if not con.closed:
                    return con
        try:
            return psycopg.connect(self.url, autocommit=True,
                                   connect_timeout=max(1, int(timeout)))
        except psycopg.Error as exc:
            raise StoreUnavailable(f"cannot connect to PostgreSQL at {shown(self.url)}: "
                                   f"{_first_line(exc)}") from None

    def _release(self, con) -> None:
        from psycopg.pq import TransactionStatus
        ok = not con.closed and con.info.transaction_status == TransactionStatus.IDLE
        with self._lock:
            if ok and len(self._idle) < _POOL_SIZE:
                self._idle.append(con)
                return
        with contextlib.suppress(Exception):
            con.close()

    def ensure_schema(self, be: PostgresBackend) -> None:
        if self._schema_ok:
            return
        if not self.create and "execution" not in be.table_names():
            raise NoStore(shown(self.url), "the database has no kerasprov tables")
        import time

        from psycopg import errors as pge
        for wait in (*LOCK_RETRIES, None):
            be.begin()  # the advisory lock: two first ingesters must not both create tables
            try:
                ensure_schema(be)
                be.commit()
                break
            except pge.LockNotAvailable as exc:  # a long read of a view being made again
                be.rollback()
                if wait is None:
                    raise StoreBusy(f"the store's schema could not be completed: its tables "
                                    f"stayed locked by readers ({_first_line(exc)})") from None
                time.sleep(wait)
            except BaseException:
                be.rollback()
                raise
        self._schema_ok = True

    @contextlib.contextmanager
    def unit(self, ingest: bool = True, timeout: float | None = None):
        """Yield a Backend; with ``ingest``, this machine's waiting journals go in first and
        runs whose lease ran out are marked crashed."""
        con = self._connect(self.connect_timeout if timeout is None else timeout)
        be = PostgresBackend(con)
        try:
            self.ensure_schema(be)
            if ingest:
                _deliver_local(self, be)
                self._expire(be)
            yield be
        except BaseException:
            with contextlib.suppress(Exception):
                con.close()
            raise
        else:
            self._release(con)

    def _expire(self, be: PostgresBackend) -> None:
        """Crash runs past their lease; at most once a second per store (one cheap SELECT)."""
        import time

        from . import lease
        now = time.monotonic()
        if now - self._expired_at < min(1.0, lease.lease_s() / 4):
            return
        self._expired_at = now
        try:
            lease.expire(be)
        except Exception as exc:  # noqa: BLE001 - e.g. a read-only role: reads still work
            from ..errors import warn_once
            warn_once("pg-lease", f"could not mark runs past their lease as crashed in "
                                  f"{shown(self.url)}: {_first_line(exc)}")

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for con in idle:
            with contextlib.suppress(Exception):
                con.close()


def _deliver_local(store: PostgresStore, be: PostgresBackend) -> None:
    from ..errors import warn_once
    from .places import journal_dir
    try:
        # A reader does not wait for a table a long read holds: the journal waits instead.
        apply_segments(be, journal_dir(store.url), lock_retries=())
    except KerasProvError as exc:
        warn_once("pg-local", f"could not ingest the local journals for {shown(store.url)}: "
                              f"{exc.message}")


def apply_segments(be: PostgresBackend, directory: Path,
                   lock_retries: tuple[float, ...] = LOCK_RETRIES) -> int:
    """Replay the journals in ``directory`` into the database; events stored."""
    from ..outbox.replay import replay
    from .ingest import local_sender
    from .lease import revive
    # A run that was only slow is running again once its events arrive.
    send = local_sender(be, on_stored=lambda result: result.crashed and revive(be, result.crashed),
                        lock_retries=lock_retries)
    return replay(Path(directory), send).sent


def heartbeat(url: str, runs: list[str]) -> int:
    """``runs`` are alive: move their ``last_seen`` to now (PostgreSQL's clock).

    Called on the outbox writer thread of a training process; raises on failure (the
    caller warns once). Returns how many of the runs the database knows.
    """
    from .lease import touch
    store = PostgresStore(url)
    try:
        with store.unit(ingest=False) as be:
            return touch(be, runs)
    finally:
        store.close()


def deliver_journals(url: str, journal_dir: str | Path) -> int:
    """Deliver every journal line waiting in ``journal_dir`` to the database at ``url``.

    Used by a training process whose store is a ``postgresql://`` URL (on its writer thread)
    and by ``kerasprov sync``. Returns the number of events sent (duplicates included).
    """
    store = PostgresStore(url)
    try:
        with store.unit(ingest=False) as be:
            return apply_segments(be, Path(journal_dir))
    finally:
        store.close()
