"""The writer of ``kerasprov serve``: one thread applies the queued event batches.

Requests queue their validated batches, and the writer applies everything that is waiting
in one unit of work (one connection; for a directory store the DuckDB file is opened for
that unit and kept open while batches keep coming, then closed so readers get a turn).
The waiting batches are first tried as one transaction (group commit across runs), and
if that fails (for whatever reason) they are applied one by one, so only the failing
batch fails; a batch the store cannot take is answered with the event at fault named
(``name_the_event``), and a lenient batch's answer lists the events refused one by one.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import queue
import threading
import time
import weakref
from typing import NamedTuple

from ..errors import InvalidEvent, StoreBusy
from ..store import lease
from ..store.ingest import Ingestor

#: At most this many events are applied in one transaction.
UNIT_EVENTS = 50_000
#: A unit of work stays open this long at most while batches keep arriving.
HOLD_S = 0.5
#: ... and while the next batch comes within this many seconds.
IDLE_S = 0.02
#: How long a group waits for the senders of the last group to send again.
GATHER_S = 0.002


class SequenceGap(InvalidEvent):
    """A batch starts after a gap in a run's sequence numbers: resend from expected_seq."""

    status = 409


class _Batch:
    def __init__(self, events: list[dict], allow_gaps: bool):
        self.events = events
        self.allow_gaps = allow_gaps
        self.future: concurrent.futures.Future = concurrent.futures.Future()


_queues: weakref.WeakSet = weakref.WeakSet()


@atexit.register
def _close_queues() -> None:
    """At exit, let each writer finish and stop: a daemon thread still inside the database
    library while the interpreter shuts down can abort the process."""
    for q in list(_queues):
        q.close(timeout=5.0)


class IngestQueue:
    """The single writer of one app: applies queued batches, many per unit of work."""

    def __init__(self, store, unit_lock: threading.Lock):
        self.store = store
        self.unit_lock = unit_lock
        self._expired_at = float("-inf")
        self._last_group = 1  # batches in the last group applied
        self.queue: queue.Queue = queue.Queue()
        self.thread = threading.Thread(target=self._loop, name="kerasprov-ingest", daemon=True)
        self.thread.start()
        _queues.add(self)

    def close(self, timeout: float = 30.0) -> None:
        """Finish what is queued, then stop the writer thread (tests, benchmarks)."""
        self.queue.put(None)
        self.thread.join(timeout)

    def submit(self, events: list[dict], allow_gaps: bool) -> concurrent.futures.Future:
        batch = _Batch(events, allow_gaps)
        self.queue.put(batch)
        return batch.future

    def _loop(self) -> None:
        while True:
            try:
                first = self.queue.get(timeout=self._expire_every())
            except queue.Empty:
                self._expire()
                continue
            if first is None:  # close()
                return
            items = self._more([first])
            try:
                with self.unit_lock, self.store.unit() as be:
                    # While batches keep coming (one at least every IDLE_S), the unit stays
                    # open, up to HOLD_S, then readers get their turn: a directory store is
                    # opened once for many groups, not once per group.
                    held = time.monotonic()
                    while True:
                        self._apply(be, items)
                        items = []
                        if time.monotonic() - held >= HOLD_S:
                            break
                        try:
                            nxt = self.queue.get(timeout=IDLE_S)
                        except queue.Empty:
                            break
                        if nxt is None:  # close(): after this unit
                            self.queue.put(None)
                            break
                        items = self._more([nxt])
            except BaseException as exc:  # the unit itself failed (store down, busy...)
                for item in items:
                    if not item.future.done():
                        item.future.set_exception(exc)
            if time.monotonic() - self._expired_at >= self._expire_every():
                self._expire()

    def _more(self, items: list[_Batch]) -> list[_Batch]:
        """``items`` and the batches waiting, up to UNIT_EVENTS events in all.

        Group commit: when the last group held batches of several senders, they were all
        answered a moment ago and are sending their next ones; up to GATHER_S is given for
        as many to arrive, so that one transaction takes them all (a lone sender never
        waits).
        """
        n = sum(len(i.events) for i in items)
        deadline = None
        while n < UNIT_EVENTS:
            try:
                item = self.queue.get_nowait()
            except queue.Empty:
                if len(items) >= self._last_group:
                    break
                if deadline is None:
                    deadline = time.monotonic() + GATHER_S
                try:
                    item = self.queue.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    break
            if item is None:  # close(): what came before it is applied first
                self.queue.put(None)
                break
            items.append(item)
            n += len(item.events)
        self._last_group = len(items)
        return items

    @staticmethod
    def _expire_every() -> float:
        return max(0.2, min(30.0, lease.lease_s() / 4))

    def _expire(self) -> None:
        """Mark runs whose trainers stopped sending (no events, no heartbeats) as crashed."""
        self._expired_at = time.monotonic()
        try:
            with self.unit_lock, self.store.unit() as be:
                lease.expire(be, exclude=_local_runs(self.store))
        except Exception as exc:  # noqa: BLE001 - the store may be down: try again later
            from ..errors import warn_once
            warn_once("server-lease", f"could not check run leases: {exc!r}")

    def _apply(self, be, items: list[_Batch]) -> None:
        ing = Ingestor(be)
        pending = items
        last: dict[str, int] = {}
        crashed: set[str] = set()
        refused: dict[int, list[dict]] = {}  # id(batch) -> its events refused one by one
        if len(items) > 1 and not any(i.allow_gaps for i in items):
            try:
                result = ing.apply([e for i in items for e in i.events], strict=True)
                last, crashed = result.last_seq, set(result.crashed)
                _attribute(items, result.refused, refused)  # strict raises: none expected
                pending = []
            except StoreBusy as exc:  # a long read holds a table: each would wait the same
                for item in items:
                    item.future.set_exception(exc)
                return
            except Exception:  # noqa: BLE001 - whatever failed, only its own batch fails:
                pending = items  # one transaction each finds it
        done = [i for i in items if i not in pending]
        faults = event_faults(be)
        for item in pending:
            try:
                result = ing.apply(item.events, strict=not item.allow_gaps)
                last.update(result.last_seq)
                crashed.update(result.crashed)
                _attribute([item], result.refused, refused)
                done.append(item)
            except InvalidEvent as exc:
                if "expected_seq" in exc.details:
                    exc = SequenceGap(exc.message, **exc.details)
                elif "seq" not in exc.details:  # refused for a value: which event?
                    exc = name_the_event(ing, item.events, not item.allow_gaps, faults, exc)
                item.future.set_exception(exc)
            except faults as exc:  # the database cannot hold an event (a row over 8 KB...)
                item.future.set_exception(
                    name_the_event(ing, item.events, not item.allow_gaps, faults, exc))
            except Exception as exc:  # noqa: BLE001 - this batch's failure, not the others'
                item.future.set_exception(exc)
        if not done:
            return
        if crashed:  # a crashed run that was only slow (its last_seen is fresh)
            lease.revive(be, crashed)
        for item in done:
            mine = {e["run"] for e in item.events}
            item.future.set_result(Answer({r: int(last[r]) for r in sorted(mine) if r in last},
                                          refused.get(id(item), [])))


class Answer(NamedTuple):
    """What the writer answers a stored batch: the last seq per run, and the events it
    refused one by one (only a batch sent with ``allow_gaps``: strict refuses the batch)."""

    last_seq: dict[str, int]
    refused: list[dict]


def _attribute(items: list[_Batch], refusals, out: dict[int, list[dict]]) -> None:
    """Sort ``refusals`` (``IngestResult.refused``) by the batch of ``items`` each event came
    in, as ``{"index", "run", "seq", "reason"}``: the index in its batch names the line (a
    forged event may carry the run and seq of a good one)."""
    if not refusals:
        return
    where = {id(ev): (item, i) for item in items for i, ev in enumerate(item.events)}
    for ev, reason in refusals:
        item, i = where[id(ev)]
        out.setdefault(id(item), []).append(
            {"index": i, "run": ev.get("run"), "seq": ev.get("seq"), "reason": reason})


class _DryRun(Exception):
    """Raised before commit: the transaction was a trial, it is rolled back."""


def event_faults(be) -> tuple[type[BaseException], ...]:
    """Errors by which an event that passed the schema still cannot be stored: the event is
    at fault (a row over PostgreSQL's 8 KB, a name too long for its index...), not the
    database, so the answer is 422 naming the event, not 500."""
    from ..store.ingest import EVENT_FAULTS
    return EVENT_FAULTS + be.data_faults()


def _fails(ing: Ingestor, events: list[dict], strict: bool, faults) -> BaseException | None:
    """The error that storing ``events`` raises, or None; nothing is stored either way."""
    def stop() -> None:
        raise _DryRun

    try:
        ing.apply(events, strict=strict, before_commit=stop)
    except _DryRun:
        return None
    except InvalidEvent as exc:
        return None if "expected_seq" in exc.details else exc
    except faults as exc:
        return exc
    return None


def name_the_event(ing: Ingestor, events: list[dict], strict: bool, faults,
                   exc: BaseException) -> InvalidEvent:
    """A 422 that names the event (index, run, seq) of ``events`` the store cannot take.

    The batch failed as a whole; the event whose prefix of the batch first fails is the
    culprit, found by bisection over trial transactions that are rolled back (log2 of the
    batch's size; only on this failure path).
    """
    lo, hi, found = 0, len(events), exc  # events[:lo] stores, events[:hi] fails
    try:
        while hi - lo > 1:
            mid = (lo + hi) // 2
            err = _fails(ing, events[:mid], strict, faults)
            if err is None:
                lo = mid
            else:
                hi, found = mid, err
    except Exception:  # noqa: BLE001 - the store failed otherwise meanwhile: say what we know
        return exc if isinstance(exc, InvalidEvent) else InvalidEvent(_reason(exc))
    i = hi - 1
    ev = events[i]
    details = dict(found.details) if isinstance(found, InvalidEvent) else {}
    details.update(index=i, run=ev.get("run"), seq=ev.get("seq"))
    return InvalidEvent(f"event {i} (run {ev.get('run')!r}, seq {ev.get('seq')}): "
                        f"{_reason(found)}; the batch was not stored", **details)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, InvalidEvent):
        return exc.message
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
    return f"the store cannot hold it: {type(exc).__name__}: {first}"


def _local_runs(store) -> set[str]:
    """Runs with open journal segments in a store directory: local trainers, whose liveness
    the embedded store reads from the journals (pid, mtime), not from heartbeats."""
    if store.kind.heartbeat is not None:
        return set()
    from ..outbox.journal import list_segments, run_of
    from ..store.kinds import journal_dir
    return {run_of(name) for name in list_segments(journal_dir(store.spec))}
