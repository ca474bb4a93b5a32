"""The embedded store: a directory with a DuckDB file and the journals of local runs.

One writer rule: DuckDB lets one process open a file, and then no other process can open it
at all. So trainers only append to journals, and every unit of work here (ingest pending
journal lines, then read) opens the file, does its work and closes it within milliseconds,
retrying while another process holds it.
"""

from __future__ import annotations

import contextlib
import os
import random
import socket
import threading
import time
from pathlib import Path

from ..errors import StoreBusy
from ..outbox.journal import list_segments, run_of
from ..outbox.replay import finish, replay
from .backend import DuckDBBackend, to_datetime
from .ingest import TableBook, ensure_schema, local_sender

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

    def __init__(self, path: str | os.PathLike, lock_timeout: float = 60.0):
        self.path = Path(path)
        self.db_path = self.path / DB_NAME
        self.journals = self.path / "journals"
        self.lock_timeout = lock_timeout

    def _connect(self, timeout: float):
        import duckdb
        self.path.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + timeout
        delay = 0.01
        while True:
            try:
                return duckdb.connect(str(self.db_path),
                                      config={"enable_external_access": False})
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower() or time.monotonic() >= deadline:
                    if "lock" in str(exc).lower():
                        raise StoreBusy(f"the store {self.db_path} stayed locked by another "
                                        f"process for {timeout:.0f} s") from None
                    raise
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 0.25)

    @contextlib.contextmanager
    def unit(self, ingest: bool = True, timeout: float | None = None):
        """Open, bring the store up to date with the journals, yield a Backend, close."""
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
                ensure_schema(be)
                if ingest:
                    ingest_journals(be, self.journals)
                yield be
            finally:
                be.close()
        finally:
            turn.release()


def deliver_journals(spec: str, directory: Path | None = None, wait: float = 60.0) -> int:
    """Ingest this store's waiting journal lines (``kerasprov sync``); events stored.

    A training process never calls this: it only writes its journal, and whoever reads the
    store next ingests it (one writer rule; a trainer stays free of DuckDB).
    """
    store = EmbeddedStore(spec, lock_timeout=wait)
    with store.unit(ingest=False) as be:
        return ingest_journals(be, Path(directory) if directory else store.journals)


def ingest_journals(be, directory: Path) -> int:
    """Apply every journal line not yet stored; crash-mark runs whose process died."""
    if not list_segments(directory):
        return 0
    book = TableBook(be)
    result = replay(directory, local_sender(be), book)
    _detect_crashes(be, result.open_segments, book)
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
