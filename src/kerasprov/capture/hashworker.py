"""kerasprov's hash thread: reads and hashes files and arrays off the training thread.

One daemon thread takes jobs in order. The outbox writer waits for a job's result (the
``lazy`` part of an event), so a job must never hold it forever: a file hash gives up at its
own bounds (``hash_bounds``), and a read that never returns at all (a hung network mount)
is abandoned by the waiter after the time bound and a grace: it gets the job's
``on_timeout`` value and a fresh thread takes the jobs queued behind it. Daemon threads,
not an executor's: a stuck read never keeps the interpreter from exiting, and a job
submitted while the interpreter shuts down (a run closed at exit) runs in the caller.
"""

from __future__ import annotations

import functools
import os
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from ..errors import warn_once

HASH_MAX_SECONDS = 600.0  # about 64 GiB (the size bound) at 110 MB/s
HASH_MAX_BYTES = 64 << 30


def hash_bounds() -> tuple[float, int]:
    """Seconds and bytes one file or directory may take to hash before it is recorded
    without a sha256 (``KERASPROV_HASH_MAX_SECONDS``, default 600;
    ``KERASPROV_HASH_MAX_BYTES``, default 64 GiB): the writer waits for each hash, so an
    endless or stalled read must not hold the run's later events."""
    def env(name, default, kind):
        try:
            value = kind(os.environ.get(name) or default)
            return value if value > 0 else default
        except ValueError:
            warn_once(f"env:{name}", f"{name} is not a positive number; {default} is used")
            return default
    return (env("KERASPROV_HASH_MAX_SECONDS", HASH_MAX_SECONDS, float),
            env("KERASPROV_HASH_MAX_BYTES", HASH_MAX_BYTES, int))


class _Job:
    def __init__(self, fn: Callable, args: tuple):
        self.fn, self.args = fn, args
        self.done = threading.Event()
        self.started: float | None = None
        self.thread: threading.Thread | None = None
        self.value: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        self.thread = threading.current_thread()
        self.started = time.monotonic()
        try:
            self.value = self.fn(*self.args)
        except BaseException as exc:  # handed to the waiter, who decides
            self.error = exc
        finally:
            self.done.set()


_jobs: queue.SimpleQueue = queue.SimpleQueue()
_lock = threading.Lock()
_current: list[threading.Thread | None] = [None]  # the thread that takes the next job
_running: list[_Job | None] = [None]  # the job that thread is running


def _work() -> None:
    me = threading.current_thread()
    while _current[0] is me:
        job = _jobs.get()
        if _current[0] is not me:  # replaced while it waited: hand the job on
            _jobs.put(job)
            return
        _running[0] = job
        job.run()


def _start_locked() -> None:
    thread = threading.Thread(target=_work, name="kerasprov-hash", daemon=True)
    _current[0] = thread
    thread.start()


def background(fn: Callable, *args, on_timeout: dict | None = None) -> Callable[[], Any]:
    """Run ``fn(*args)`` now on the hash thread; returns a callable that waits for its
    result. With ``on_timeout``, the wait ends after the time bound (plus a grace) even if
    the job never returns, with that value. Reading files and hashing buffers release
    the GIL: training goes on meanwhile."""
    job = _Job(fn, args)
    with _lock:
        thread = _current[0]
        try:
            if thread is None or not thread.is_alive():
                _start_locked()
            _jobs.put(job)
        except RuntimeError:  # no new thread while the interpreter shuts down
            job.run()
    return functools.partial(_wait, job, on_timeout)


def _unblock(limit: float) -> None:
    """A job that has run past ``limit`` holds the thread in a read that does not return:
    a fresh thread takes the jobs queued behind it (the old one ends if it ever returns)."""
    with _lock:
        job = _running[0]
        if job is None or job.done.is_set() or job.thread is not _current[0] or \
                time.monotonic() - (job.started or 0.0) <= limit:
            return
        try:
            _start_locked()
        except RuntimeError:  # shutting down: the waiter gives up on its own
            pass


def _wait(job: _Job, on_timeout: dict | None):
    seconds = hash_bounds()[0]
    limit = seconds + max(1.0, min(10.0, seconds))  # a hash keeps its own bound first
    while not job.done.wait(0.25):
        started = job.started
        if started is None:
            _unblock(limit)  # queued behind a job that never returns
        elif on_timeout is not None and time.monotonic() - started > limit:
            _unblock(limit)
            warn_once("hash-stuck", "a file read did not return within the hash time limit; "
                                    "it is recorded without sha256")
            return dict(on_timeout)
    if job.error is not None:
        raise job.error
    return job.value
