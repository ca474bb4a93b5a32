"""The embedded store: a directory with a DuckDB file and the journals of local runs.

One writer rule: DuckDB lets one process open a file, and then no other process can open it
at all. So trainers only append to journals, and every unit of work here (ingest pending
journal lines, then read) opens the file, does its work and closes it within milliseconds,
retrying while another process holds it.
"""

from __future__ import annotations

import contextlib
import gc
import os
import random
import socket
import threading
import time
from pathlib import Path

from ..errors import BadStore, NoStore, StoreBusy, warn_once
from ..outbox.journal import list_segments, run_of
from ..outbox.replay import finish, replay
from .backend import DuckDBBackend, to_datetime
from .ingest import TableBook, check_schema, ensure_schema, local_sender

DB_NAME = "provenance.duckdb"
LEASE_S = 120.0

# Threads of one process share one DuckDB instance per file, and two units at once (a query
# thread and the outbox writer delivering) conflict inside DuckDB ("write-write conflict"):
# within a process, units of work on a store take turns, as processes do through the lock.
_turns: dict[str, threading.RLock] = {}
_turns_guard = threading.Lock()


def _turn(db_path: Path) -> threading.RLock:
    with _turns_guard:
        return _turns.setdefault(os.path.realpath(db_path), threading.RLock())


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (killed, not yet reaped) holds no journal open
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


class EmbeddedStore:
    """A store directory; each ``unit()`` is one short-lived DuckDB connection."""

    def __init__(self, path: str | os.PathLike, lock_timeout: float = 60.0,
                 create: bool = True):
        """``create``: make the directory and database if missing (capture and ingest);
        a reader passes False and gets ``NoStore`` for a directory that holds no store."""
        self.path = Path(path)
        self.db_path = self.path / DB_NAME
        self.journals = self.path / "journals"
        self.lock_timeout = lock_timeout
        self.read_only = False
        self.create = create
        if not create:
            self._check_exists()

    def _check_exists(self) -> None:
        """A store directory holds the database or the journals of a run (written by
        capture, ingested by the first reader); anything else is no store."""
        if self.path.is_file():
            raise BadStore(f"the store {self.path} is a file, not a store directory")
        if not (self.db_path.exists() or self.journals.is_dir()):
            raise NoStore(str(self.path), "no such directory" if not self.path.exists()
                          else f"no {DB_NAME} or journals/ in it")

    def _connect(self, timeout: float):
        """A DuckDB connection; read-only where the store cannot be written (a read-only
        mount, a directory or file without write permission): then ``self.read_only``."""
        import duckdb
        self._check_path()
        self.read_only = not _writable(self.path) or (
            self.db_path.exists() and not _writable(self.db_path))
        if self.read_only:
            if not self.db_path.exists():
                raise BadStore(f"the store {self.path} is read-only and holds no database "
                               f"({DB_NAME}) yet")
            warn_once(f"read-only:{self.path}",
                      f"the store {self.path} is read-only: it is opened read-only, and "
                      "journal lines waiting in it are not ingested")
        deadline = time.monotonic() + timeout
        delay = 0.01
        while True:
            try:
                return duckdb.connect(str(self.db_path), read_only=self.read_only,
                                      config={"enable_external_access": False})
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower() or time.monotonic() >= deadline:
                    if "lock" in str(exc).lower():
                        raise StoreBusy(f"the store {self.db_path} stayed locked by another "
                                        f"process for {timeout:.0f} s") from None
                    raise BadStore(f"cannot open the store {self.db_path}: "
                                   f"{_first_line(exc)}") from None
            except duckdb.Error as exc:  # not a DuckDB file, or one of a newer DuckDB
                raise BadStore(f"cannot open the store {self.db_path}: "
                               f"{_first_line(exc)}") from None
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 0.25)

    def _check_path(self) -> None:
        """One clear error for a store path that cannot be a store directory."""
        if self.path.exists() and not self.path.is_dir():
            raise BadStore(f"the store {self.path} is a file, not a store directory")
        if not self.create:
            self._check_exists()
        if not self.path.exists():
            try:
                self.path.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise BadStore(f"cannot create the store directory {self.path}: "
                               f"{exc.strerror or exc}") from None
        if not os.access(self.path, os.R_OK | os.X_OK):
            raise BadStore(f"the store {self.path} cannot be read (permission denied)")
        if self.db_path.exists() and (self.db_path.is_dir() or
                                      not os.access(self.db_path, os.R_OK)):
            raise BadStore(f"the store database {self.db_path} cannot be read")

    @contextlib.contextmanager
    def unit(self, ingest: bool = True, timeout: float | None = None):
        """Open, bring the store up to date with the journals, yield a Backend, close.

        A read-only store is only read: no schema is created and no journal ingested.
        """
        import duckdb
        wait = self.lock_timeout if timeout is None else timeout
        start = time.monotonic()
        turn = _turn(self.db_path)
        if not (turn.acquire(timeout=wait) if wait > 0 else turn.acquire(blocking=False)):
            raise StoreBusy(f"the store {self.db_path} stayed busy in this process for "
                            f"{wait:.0f} s")
        try:
            con = self._connect(max(0.0, wait - (time.monotonic() - start)))
            be = DuckDBBackend(con)
            try:
                if self.read_only:
                    if not check_schema(be, f"the store {self.path}"):
                        raise BadStore(f"the store {self.path} is read-only and its database "
                                       "is not a complete kerasprov store")
                else:
                    ensure_schema(be, f"the store {self.path}")
                    if ingest:
                        ingest_journals(be, self.journals)
                yield be
            except duckdb.InvalidInputException as exc:
                if self.read_only and "read-only" in str(exc):  # e.g. `kerasprov sync`
                    raise BadStore(f"the store {self.path} is read-only: nothing can be "
                                   "written to it (journals are not ingested)") from None
                raise
            finally:
                be.close()
        finally:
            turn.release()


def _writable(path: Path) -> bool:
    # access(2) answers EROFS on a read-only mount even for root.
    return os.access(path, os.W_OK)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]


def deliver_journals(spec: str, directory: Path | None = None, wait: float = 60.0) -> int:
    """Ingest this store's waiting journal lines (``kerasprov sync``); events stored.

    A training process never calls this: it only writes its journal, and whoever reads the
    store next ingests it (one writer rule; a trainer stays free of DuckDB).
    """
    store = EmbeddedStore(spec, lock_timeout=wait, create=False)  # journals or nothing
    with store.unit(ingest=False) as be:
        return ingest_journals(be, Path(directory) if directory else store.journals)


#: Journal lines (and bytes) a reader ingests in one transaction at most.
LOCAL_EVENTS, LOCAL_BYTES = 20_000, 16 * 1024 * 1024


def ingest_journals(be, directory: Path) -> int:
    """Apply every journal line not yet stored; crash-mark runs whose process died."""
    if not list_segments(directory):
        return 0
    with _gc_paused():
        return _ingest_journals(be, directory)


@contextlib.contextmanager
def _gc_paused():
    """Python's cyclic garbage collector off while journals are decoded: a batch holds
    thousands of fresh dicts (none in a cycle), and collections that scan them again and
    again cost a fifth of a reader's ingest."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _ingest_journals(be, directory: Path) -> int:
    book = TableBook(be)
    # A local database takes big transactions well (a transaction has a fixed cost of a
    # few ms): up to LOCAL_EVENTS lines per transaction, across runs.
    result = replay(directory, local_sender(be, book=book), book, max_events=LOCAL_EVENTS,
                    max_bytes=LOCAL_BYTES)
    _detect_crashes(be, result.open_segments, book)
    book.close()
    return result.sent


def _detect_crashes(be, open_segments: dict[str, Path], book) -> None:
    """Mark runs whose process died (same host) or went silent past the lease as crashed."""
    if not open_segments:
        return
    host = socket.gethostname()
    now = time.time()
    # A run is alive while any of its open segments is fresh: a writer that gave up a segment
    # (disk full) goes on, and heartbeats, in a newer one.
    newest: dict[str, float] = {}
    for name, path in open_segments.items():
        try:
            mtime = path.stat().st_mtime
        except FileNotFoundError:
            continue
        newest[run_of(name)] = max(newest.get(run_of(name), 0.0), mtime)
    for name, path in open_segments.items():
        run = run_of(name)
        if run not in newest:
            continue
        row = be.fetchall("SELECT host, pid, last_seen FROM execution WHERE run_id = ?", [run])
        if not row:
            continue
        r_host, pid, last_seen = row[0]
        dead = r_host == host and pid is not None and not pid_alive(int(pid))
        stale = now - newest[run] > LEASE_S
        if not (dead or stale):
            continue
        end = to_datetime(newest[run])
        msg = "the training process ended without closing the run (killed or crashed)"
        be.execute("UPDATE execution SET status = 'crashed', end_time = COALESCE(last_seen, ?), "
                   "error = COALESCE(error, ?) WHERE run_id = ? AND status = 'running'",
                   [end, msg, run])
        be.execute("UPDATE task SET status = 'crashed', end_time = ? WHERE run_id = ? "
                   "AND status = 'running'", [end, run])
        if dead:
            finish(path, book)
