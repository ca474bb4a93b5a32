"""``Ingestor``: one batch of events, one transaction.

Backend-agnostic (DuckDB, PostgreSQL, MonetDB). Delivery is idempotent: ``_run_seq`` keeps
the last sequence number stored per run, and events at or below it are skipped, so a
journal replayed or an HTTP batch sent twice is stored once.

Events arrive validated (outbox/events.py). What only the store can judge is judged here:
a ``seq`` far beyond the run's next, an event of a run that never started. In strict mode
(an HTTP batch) such an event refuses its batch; otherwise (journals) it is refused alone,
reported in ``IngestResult.refused``, and the rest is stored. No event is refused for its
width: attributes beyond a set's columns are rows of ``extra_value`` (``extra.py``).

Where a schema change must wait for a lock that a long read holds (PostgreSQL), the
backend gives up after a short ``lock_timeout``; the batch is rolled back and tried again a
few times, then ``StoreBusy`` says to deliver it later: the events wait in their journal
or outbox, in order, and readers never queue behind a waiting ``ALTER TABLE``.
"""

from __future__ import annotations

import time

from ...errors import StoreBusy
from .. import views
from ..backend import Backend
from . import (  # noqa: F401 - they register their handlers and steps
    attestations,
    files,
    rows,
    runs,
    sets,
)
from .batch import HANDLERS, STEPS, Batch, IngestResult, at_end
from .dims import flush_dims  # noqa: F401 - registers its step
from .sequence import filter_seen

#: Waits between the tries of a batch whose schema change found its table locked.
LOCK_RETRIES = (0.1, 0.3, 0.6)


@at_end(40)
def remake_views(b: Batch) -> None:
    if b.reshaped:  # once per batch, and only when a table changed
        views.create_views(b.be)


class Ingestor:
    """Turns events into rows. Statements are few per batch, not per event: new runs and
    tasks are inserted in bulk at the end of a batch, with their end state folded in."""

    def __init__(self, be: Backend, lock_retries: tuple[float, ...] = LOCK_RETRIES):
        """``lock_retries``: the waits between tries of a batch whose table was locked (a
        reader's own ingest passes none: it reads now, the journal waits)."""
        self.be = be
        self.lock_retries = lock_retries

    def apply(self, events: list[dict], strict: bool = False,
              before_commit=None) -> IngestResult:
        """Store ``events`` (each already validated) in one transaction.

        Args:
            events: decoded events, in order per run.
            strict: refuse a batch whose sequence numbers skip ahead of what is stored
                (an HTTP client must resend from the gap), or that holds an event the store
                cannot take (InvalidEvent). Journals are lenient: such events are refused
                one by one (``IngestResult.refused``) and the rest is stored.
            before_commit: called inside the transaction, after the events (journal
                offsets are recorded there, atomically with what they describe).

        Raises:
            StoreBusy: a table stayed locked by readers through every try (PostgreSQL);
                nothing of the batch is stored, deliver it again later.
        """
        if not events and before_commit is None:
            return IngestResult()
        busy = self.be.lock_faults()
        for wait in (*self.lock_retries, None):
            try:
                return self._apply(events, strict, before_commit)
            except busy as exc:
                if wait is None:
                    raise StoreBusy(f"the store's tables stayed locked by readers; the batch "
                                    f"waits to be delivered again ({_first_line(exc)})") \
                        from None
                time.sleep(wait)
        raise AssertionError("unreachable")

    def _apply(self, events, strict, before_commit) -> IngestResult:
        be = self.be
        # What earlier transactions learnt holds while no one else can write; else it is
        # looked up once per transaction.
        cache = be.ingest_cache()
        if not be.sole_writer:
            cache.clear()
        b = Batch(be, cache, strict)
        be.begin()
        try:
            fresh = filter_seen(b, events)
            if fresh:
                _store(b, fresh)
            if before_commit is not None:
                before_commit()
            be.commit()
        except BaseException:
            cache.clear()  # it may describe tables and rows that the rollback undoes
            try:
                be.rollback()
            except Exception:  # noqa: BLE001 - the database may have aborted it already
                pass  # (a failed write, e.g. disk full): report the first error, not this one
            raise
        return b.result


def _store(b: Batch, events: list[dict]) -> None:
    b.in_db = dict(b.dataflows)
    rows_handler = HANDLERS["rows"]
    last_seen = b.last_seen
    for ev in events:
        run, kind = ev["run"], ev["type"]
        ts = ev.get("ts")
        if isinstance(ts, (int, float)) and ts > last_seen.get(run, 0.0):
            last_seen[run] = float(ts)
        if kind == "rows":  # almost every event: tested first
            rows_handler(b, ev, ts)
            continue
        handler = HANDLERS.get(kind)
        if handler is not None:
            handler(b, ev, ts)
    for _, step in STEPS:
        step(b)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
