"""Run leases on stores that trainers reach over a network (server, PostgreSQL, MonetDB).

A training process that sends to a remote store cannot be checked by pid, and its journal
lives on its own machine. So its outbox writer sends heartbeats for its open runs (``touch``)
and whoever works on the store marks runs whose ``last_seen`` is older than the lease as
``crashed`` (``expire``). A run that was only slow (a network cut, a long pause) and delivers
again goes back to ``running`` (``revive``); its own ``run_end`` then sets its final status.

``last_seen`` is compared with one clock per database: PostgreSQL's own clock for a
``postgresql://`` store (trainers and readers may run on different machines), the clock of
the process doing the work otherwise (a server is the only writer of its store).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable

from .schema import to_datetime

LEASE_S = 120.0
#: Heartbeats come at most this often, and at least four times per lease.
BEAT_MAX_S = 30.0
CRASH_MESSAGE = ("no heartbeat from the training process within the lease "
                 "(killed, crashed or cut off from the store)")
_CHUNK = 500


def lease_s() -> float:
    """The lease in seconds: ``KERASPROV_LEASE_S`` (for tests and slow networks), else 120."""
    try:
        value = float(os.environ.get("KERASPROV_LEASE_S", "") or LEASE_S)
    except ValueError:
        return LEASE_S
    return value if value > 0 else LEASE_S


def beat_every() -> float:
    """Seconds between two heartbeats of a training process (a quarter of the lease)."""
    return max(0.1, min(BEAT_MAX_S, lease_s() / 4))


def db_now(be) -> float:
    """Now, in POSIX seconds, on the clock that the store's ``last_seen`` is compared with."""
    if getattr(be, "dialect", "") == "postgres":
        return float(be.fetchall("SELECT EXTRACT(EPOCH FROM clock_timestamp())")[0][0])
    return time.time()


def _chunks(runs: Iterable[str]):
    runs = sorted({str(r) for r in runs})
    for i in range(0, len(runs), _CHUNK):
        chunk = runs[i:i + _CHUNK]
        yield chunk, ", ".join("?" for _ in chunk)


def _transaction(be, fn):
    be.begin()
    try:
        out = fn()
        be.commit()
    except BaseException:
        try:
            be.rollback()
        except Exception:  # noqa: BLE001 - the database may have aborted it already
            pass
        raise
    return out


def touch(be, runs: Iterable[str], now: float | None = None) -> int:
    """A heartbeat: ``last_seen`` of ``runs`` moves forward to now (never backwards).

    Returns how many of the runs the store knows (a run not delivered yet is skipped).
    """
    now = db_now(be) if now is None else now
    stamp = to_datetime(now)
    known = 0

    def work():
        nonlocal known
        for chunk, marks in _chunks(runs):
            known += len(be.fetchall(f"SELECT run_id FROM execution WHERE run_id IN ({marks})",
                                     chunk))
            be.execute(f"UPDATE execution SET last_seen = ? WHERE run_id IN ({marks}) AND "
                       "(last_seen IS NULL OR last_seen < ?)", [stamp, *chunk, stamp])
        revive(be, runs, now)

    _transaction(be, work)
    return known


def revive(be, runs: Iterable[str], now: float | None = None) -> list[str]:
    """Runs of ``runs`` that were marked crashed by the lease but were seen within it again
    (late events, a heartbeat) go back to ``running``; returns them.

    Runs crashed by their own ``run_end`` or by journal detection are left alone, and so
    are events of a dead run delivered late (``kerasprov sync``): their ``last_seen`` is old.
    """
    now = db_now(be) if now is None else now
    cutoff = to_datetime(now - lease_s())
    back: list[str] = []
    for chunk, marks in _chunks(runs):
        back += [r[0] for r in be.fetchall(
            f"SELECT run_id FROM execution WHERE run_id IN ({marks}) AND status = 'crashed' "
            "AND error = ? AND last_seen >= ?", [*chunk, CRASH_MESSAGE, cutoff])]
    for chunk, marks in _chunks(back):
        be.execute(f"UPDATE execution SET status = 'running', end_time = NULL, error = NULL "
                   f"WHERE run_id IN ({marks}) AND status = 'crashed' AND error = ?",
                   [*chunk, CRASH_MESSAGE])
        be.execute(f"UPDATE task SET status = 'running', end_time = NULL, error = NULL "
                   f"WHERE run_id IN ({marks}) AND status = 'crashed' AND error = ?",
                   [*chunk, CRASH_MESSAGE])
    return back


def expire(be, now: float | None = None, exclude: Iterable[str] = ()) -> list[str]:
    """Mark ``running`` runs not seen within the lease as crashed; returns them.

    As the embedded store does: ``end_time`` is the last moment the run was seen, and its
    open tasks are crashed too. ``exclude``: runs whose liveness is known another way (open
    journal segments of local trainers of a directory store).
    """
    now = db_now(be) if now is None else now
    cutoff = to_datetime(now - lease_s())
    skip = set(exclude)
    stale = [(r, seen) for r, seen in be.fetchall(
        "SELECT run_id, last_seen FROM execution WHERE status = 'running' AND last_seen < ?",
        [cutoff]) if r not in skip]
    if not stale:
        return []

    def work():
        for run, seen in stale:
            be.execute("UPDATE execution SET status = 'crashed', end_time = last_seen, "
                       "error = COALESCE(error, ?) WHERE run_id = ? AND status = 'running' "
                       "AND last_seen < ?", [CRASH_MESSAGE, run, cutoff])
            be.execute("UPDATE task SET status = 'crashed', end_time = ?, "
                       "error = COALESCE(error, ?) WHERE run_id = ? AND status = 'running' "
                       "AND EXISTS (SELECT 1 FROM execution e WHERE e.run_id = ? AND "
                       "e.status = 'crashed')", [seen, CRASH_MESSAGE, run, run])

    _transaction(be, work)
    return [r for r, _ in stale]
