"""The single background writer: queue -> journal segments (fsync) -> delivery to the store.

The training thread only calls ``Outbox.put`` or ``Outbox.put_built`` (a non-blocking
append, plus a wake-up for the events that must be durable at once, see ``Outbox``).
Everything that touches a disk, a database or the network happens here, and every failure
becomes at most one warning per kind while events wait (in the journal, or in memory until
it is writable).
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable
from pathlib import Path

from ..errors import warn_once
from . import codec
from .journal import END_MARK, segment_name, sync_dir, utf8
from .sender import Sender
from .wake import Wake

QUEUE_LIMIT = 200_000
PENDING_LIMIT = 200_000
HEARTBEAT_S = 10.0
#: The writer's clock while a journal segment is open, for the events that wake no one
#: (per-batch rows, an epoch's inputs): they are written with the next wake-up or tick.
POLL_S = 0.5
#: Events that wake the writer at once whatever their ``sync`` flag: the start of a run or
#: a task and a file must be on disk as soon as an epoch's row (a kill right after them
#: must not lose the run).
WAKING = frozenset({"run_start", "task_start", "task_end", "run_end", "file"})
_FLUSH, _STOP = object(), object()  # marks in the queue (not events)


#: Every outbox of this process, so a reader in the same process can read its own writes.
_live: weakref.WeakSet = weakref.WeakSet()


def flush_all(timeout: float = 5.0) -> bool:
    """Wait until every event this process captured so far is in a journal."""
    return all(box.flush(timeout) for box in list(_live) if box._thread.is_alive())


def _built(item: tuple) -> tuple:
    """A queued ``(event, sync, close)`` with the event made from ``put_built``'s tuple."""
    event = item[0]
    if type(event) is not tuple:
        return item
    try:
        return event[0](*event[1:]), item[1], item[2]
    except Exception as exc:
        warn_once("build", f"could not build a provenance event: {exc!r}")
        return None, False, False


class _Segment:
    def __init__(self, path: Path):
        self.path = path
        self.fh = None
        self.dirty = False
        # Events written since the last successful fsync: if a later write or flush fails
        # (disk full), they may never reach the disk, so they are written again elsewhere.
        self.unsynced: list = []


class Outbox:
    """Per-process outbox. ``deliver`` is called (on this thread) after segments close.

    Group commit: an event that ends an epoch (``sync``), closes a run, or is in
    ``WAKING`` (run and task starts and ends, files) wakes the writer at once (a lock
    release). The writer writes everything that waits and fsyncs each segment it wrote,
    once; events arriving meanwhile go in the next group, so fast epochs cost one write and
    fsync per group, and a slow disk never slows training. An epoch's row is on disk a few
    ms after the epoch ends (``benchmarks/durability.py``): a SIGKILL loses at most the
    epochs that ended in those ms. Other events (per-batch rows) wake no one: they go with
    the next group, or the ``POLL_S`` clock. ``flush`` and ``close`` are served at once.
    """

    def __init__(self, directory: Path, deliver: Callable[[], None] | None = None,
                 deliver_every: float | None = None,
                 beat: Callable[[list[str]], object] | None = None, beat_every: float = 30.0):
        """Args:
            deliver_every: also deliver while segments are open, at most every this many
                seconds when events wait (remote stores, so a server sees a run live);
                None delivers only when a segment closes (the embedded store).
            beat: remote stores: told the runs whose segments are open, at most every
                ``beat_every`` seconds, so the store knows they are alive (their lease);
                the embedded store reads liveness from the journals' mtime instead.
        """
        self.directory = Path(directory)
        self.deliver = deliver
        self.deliver_every = deliver_every
        self.beat = beat
        self.beat_every = beat_every
        self._last_beat = time.monotonic()
        self._last_touch = time.monotonic()
        self._sent_mark = 0
        self._last_delivery = time.monotonic()
        # A deque, not a queue.Queue: appending takes no lock and notifies no one.
        self._items: deque = deque()
        self._wake = Wake()
        self._asleep = True  # the writer waits for a wake-up, not on its clock
        self._urgent = False  # something must be written now, not at the next tick
        self._dir_ready = False  # the journal directory is known to exist
        self.segments: dict[str, _Segment] = {}
        self.next_segment: dict[str, int] = {}
        self.pending: list[tuple[dict, bool, bool]] = []
        self.dropped = 0
        self.written = 0
        self.cpu_s = 0.0  # the writer thread's CPU time so far (benchmarks)
        self._sender = Sender(self)  # deliveries and beats: never in a group's way
        #: Called on this thread at most once per ``POLL_S`` while it runs (capture: the
        #: checkpoints a run held for an epoch's row that has not come, see session.py).
        self.ticks: list[Callable[[], None]] = []
        self._last_tick = time.monotonic()
        #: Sees each event (on this thread) just before it is written and returns events to
        #: write right after it (proof/signer.py: a run's attestation, signed here).
        self.observe: Callable[[dict], list[dict]] | None = None
        self._thread = threading.Thread(target=self._loop, name="kerasprov-outbox", daemon=True)
        self._thread.start()
        _live.add(self)

    # -- training thread ------------------------------------------------------------------
    def put(self, event: dict, sync: bool = False, close: bool = False,
            follows: bool = False) -> None:
        """Queue one event (never blocks; counted lost if the queue is full). ``sync``: it
        ends an epoch, wake the writer to write and fsync it now; ``close``: the run's last
        event, its segment is closed with the end mark; ``follows``: an event that wakes the
        writer comes at once (a checkpoint saved at an epoch's end): this one waits for it."""
        if len(self._items) >= QUEUE_LIMIT:
            self.dropped += 1
            return
        self._items.append((event, sync, close))
        if follows and not self._asleep:
            return
        if sync or close or event.get("type") in WAKING:
            self._urgent = True
            self._asleep = False
            self._wake.set()
        elif self._asleep:
            self._asleep = False
            self._wake.set()

    def put_built(self, item: tuple, follows: bool = False) -> None:
        """``put`` for the events of an epoch's end, with the least work on the training
        thread: ``item`` is ``(build, *args)``, made into the event on the writer thread
        (``build(*args)``, before anything is written). It wakes the writer as ``sync``
        does; with ``follows``, only when the writer sleeps on no clock."""
        items = self._items
        if len(items) >= QUEUE_LIMIT:
            self.dropped += 1
            return
        items.append((item, True, False))
        if follows and not self._asleep:
            return
        self._urgent = True
        self._asleep = False
        try:
            self._wake.release()
        except RuntimeError:
            pass  # awake already

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every queued event is in a journal (for tests, exit and queries)."""
        deadline = time.monotonic() + timeout
        if not self._thread.is_alive():
            return not self._items and not self.pending
        done = threading.Event()
        self._items.append((_FLUSH, done, False))
        self._urgent = True
        self._wake.set()
        if not done.wait(max(0.0, deadline - time.monotonic())):
            return False
        while self.pending and time.monotonic() < deadline:  # the journal is not writable
            self._urgent = True
            self._wake.set()  # retry now
            time.sleep(0.02)
        # A closed run's delivery was asked before the flush mark was answered: a reader
        # of the store sees it once flush returns, as before deliveries left this thread.
        self._sender.wait(deadline - time.monotonic())
        return not self.pending

    def close(self, timeout: float = 10.0) -> None:
        """At exit: write everything, close every segment with the end mark, deliver."""
        if not self._thread.is_alive():
            return
        self._items.append((_STOP, None, True))
        self._urgent = True
        self._wake.set()
        deadline = time.monotonic() + timeout
        self._thread.join(timeout)
        self._sender.stop(deadline - time.monotonic())
        if self.dropped:
            warn_once("dropped", f"{self.dropped} provenance event(s) were lost: the outbox "
                                 "queue was full")
        if self.pending:
            warn_once("lost", f"{len(self.pending)} provenance event(s) were lost: the journal "
                              f"directory {self.directory} could not be written")

    # -- writer thread --------------------------------------------------------------------
    def _loop(self) -> None:
        while True:
            asleep = self._asleep
            woken = self._wake.wait(self._wait() if asleep else min(POLL_S, self._wait()))
            self._wake.clear()
            if woken and asleep and not self._urgent:
                continue  # events that need no haste: take them at the next tick
            # Cleared before the queue is taken: an urgent event put from now on wakes
            # the next round at once (the next group).
            self._urgent = False
            if self.ticks and time.monotonic() - self._last_tick >= POLL_S:
                self._tick()  # what it queues goes in this group
            batch = []
            while self._items:
                batch.append(self._items.popleft())
            try:
                stop = self._process(batch)
            finally:
                self.cpu_s = time.thread_time()
            if stop:
                return
            if not self.segments and not self.pending and not self._items:
                self._asleep = True  # nothing open: the next event wakes the writer
                if self._items:  # one came in between: no sleep
                    self._asleep = False

    def _tick(self) -> None:
        self._last_tick = time.monotonic()
        for fn in self.ticks:
            try:
                fn()
            except Exception as exc:
                warn_once("tick", f"the outbox writer's clock failed: {exc!r}")

    def _process(self, batch: list) -> bool:
        """Write a batch of events and answer its flush marks; True when told to stop."""
        stop = False
        try:
            events = [b for b in map(_built, batch) if isinstance(b[0], dict)]
            if events or self.pending:
                self._write(events)
            elif self._due():
                self._write([])  # delivers what the last events left unsent
            if any(ev is _STOP for ev, _, _ in batch):
                self._close_all()
                stop = True
            elif any(ev is _FLUSH for ev, _, _ in batch):
                self._flush_files()  # a reader in this process sees every line
                if self._due(now=True) and not self.pending:
                    self._deliver()  # and a remote store too, once flush returns
            if time.monotonic() - self._last_touch >= HEARTBEAT_S:
                self._heartbeat()
            else:
                self._maybe_beat()  # also while events flow: last_seen is the store's clock
        except Exception as exc:  # never let the writer die
            warn_once("writer", f"the outbox writer failed: {exc!r}")
        finally:
            for ev, done, _ in batch:
                if ev is _FLUSH:
                    done.set()
        return stop

    def _write(self, batch: list[tuple[dict, bool, bool]]) -> None:
        items = self.pending + batch
        self.pending = []
        closed = False
        to_sync: set[str] = set()
        for i, (event, _sync, close) in enumerate(items):
            run = event["run"]
            try:
                seg = self._segment(run)
                if "lazy" in event:
                    if run in to_sync and event["type"] == "file":
                        self._sync(seg)  # a hash may take long: what came first is on disk
                    lazy = event.pop("lazy")
                    try:
                        event.update(lazy())
                    except OSError as exc:  # e.g. an artifact file on a full disk
                        warn_once("io", f"cannot write in {self.directory.parent} ({exc}); "
                                        "training goes on")
                    except Exception as exc:
                        warn_once("lazy", f"could not compute part of an event: {exc!r}")
                extra = self.observe(event) if self.observe is not None else ()
                seg.fh.write(utf8(codec.encode(event)) + "\n")
                for more in extra:
                    seg.fh.write(utf8(codec.encode(more)) + "\n")
                seg.dirty = True
                seg.unsynced.append(items[i])
                self.written += 1
                to_sync.add(run)  # one fsync per segment per group, whatever woke us
                if close:
                    self._sync(seg)
                    seg.fh.write(END_MARK + "\n")
                    self._sync(seg)
                    seg.fh.close()
                    del self.segments[run]
                    to_sync.discard(run)
                    closed = True
            except (OSError, ValueError) as exc:
                self._journal_failed(exc)
                again = self._abandon(run)
                if again and again[-1] is items[i]:
                    again.pop()
                self._keep(again + items[i:])
                break
        for run in to_sync:
            seg = self.segments.get(run)
            if seg is not None:
                try:
                    self._sync(seg)
                except OSError as exc:
                    self._journal_failed(exc)
                    self._keep(self._abandon(run) + self.pending)
        if self.deliver is not None and not self.pending and (closed or self._due()):
            self._deliver()

    def _journal_failed(self, exc: Exception) -> None:
        warn_once("io", f"cannot write the journal in {self.directory} ({exc}); "
                        "events wait in memory and training goes on")

    def _keep(self, items: list) -> None:
        """Hold events that could not be journaled, to retry on the next write."""
        self.pending = items[-PENDING_LIMIT:]
        if len(items) > PENDING_LIMIT:
            self.dropped += len(items) - PENDING_LIMIT

    def _abandon(self, run: str) -> list:
        """Give up a segment that failed; return its events that may not be on disk.

        They go to a new segment: a duplicate is harmless (events carry run and seq), and
        a torn line at the end of the old segment is skipped by readers.
        """
        seg = self.segments.pop(run, None)
        if seg is None:
            return []
        try:
            seg.fh.close()  # may still fail to flush: the events are kept anyway
        except (OSError, ValueError):
            pass
        try:
            if seg.path.stat().st_size == 0:  # nothing written: do not leave litter
                seg.path.unlink()
        except OSError:
            pass
        return seg.unsynced

    def _due(self, now: bool = False) -> bool:
        return (self.deliver_every is not None and self.deliver is not None
                and self.written > self._sent_mark
                and (now or time.monotonic() - self._last_delivery >= self.deliver_every))

    def _wait(self) -> float:
        """Seconds until the next timed duty: a heartbeat, a beat or a due delivery."""
        idle = min(HEARTBEAT_S, self.beat_every) if self.beat is not None else HEARTBEAT_S
        if self.deliver_every is None or self.written <= self._sent_mark:
            return idle
        left = self.deliver_every - (time.monotonic() - self._last_delivery)
        return min(idle, max(0.01, left))

    def _deliver(self) -> None:
        self._sent_mark = self.written
        self._last_delivery = time.monotonic()
        for seg in list(self.segments.values()):  # the deliverer reads the files
            try:
                seg.fh.flush()
            except (OSError, ValueError):
                pass
        self._sender.ask("deliver")

    def _flush_files(self) -> None:
        for seg in list(self.segments.values()):
            try:
                seg.fh.flush()
            except (OSError, ValueError) as exc:
                self._journal_failed(exc)

    def _segment(self, run: str) -> _Segment:
        seg = self.segments.get(run)
        if seg is None:
            if not self._dir_ready:
                self.directory.mkdir(parents=True, exist_ok=True)
                self._dir_ready = True
            n = self.next_segment.get(run, 0)
            path = self.directory / segment_name(run, n)
            while path.exists() or (self.directory / "done" / path.name).exists():
                n += 1
                path = self.directory / segment_name(run, n)
            self.next_segment[run] = n + 1
            seg = _Segment(path)
            try:
                seg.fh = open(path, "a", encoding="utf-8")
            except FileNotFoundError:
                self._dir_ready = False  # the directory went away: made again on the retry
                raise
            self.segments[run] = seg
            sync_dir(self.directory)  # the new name survives a power cut, not only a kill
        return seg

    @staticmethod
    def _sync(seg: _Segment) -> None:
        if seg.dirty:
            seg.fh.flush()
            os.fsync(seg.fh.fileno())
            seg.dirty = False
        seg.unsynced.clear()

    def _heartbeat(self) -> None:
        """Touch open segments so readers on other hosts see this process is alive."""
        self._last_touch = time.monotonic()
        if self.pending:
            self._write([])
        for seg in list(self.segments.values()):
            try:
                os.utime(seg.path)
            except OSError:
                pass
        self._maybe_beat()

    def _maybe_beat(self) -> None:
        """Tell a remote store which runs are alive (at most every ``beat_every`` s)."""
        if self.beat is None or not self.segments:
            return
        if time.monotonic() - self._last_beat < self.beat_every:
            return
        self._last_beat = time.monotonic()
        self._sender.ask("beat", sorted(self.segments))

    def _close_all(self) -> None:
        for run in list(self.segments):
            seg = self.segments[run]
            try:
                self._sync(seg)
                seg.fh.write(END_MARK + "\n")
                self._sync(seg)
                seg.fh.close()
                del self.segments[run]
            except OSError as exc:
                self._journal_failed(exc)
                self._keep(self.pending + self._abandon(run))  # counted lost at close
        if self.deliver is not None and not self.pending:  # nothing reached the journal
            self._deliver()
