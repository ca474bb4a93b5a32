"""The outbox's network side: deliveries and heartbeats to a remote store, on their own thread.

The writer only writes and fsyncs journals; a delivery (an HTTP request, a database
transaction) can take seconds when the store is slow or away, and a group commit must not
wait behind it: an epoch that ended during a slow delivery would not be on disk when a kill
comes. So the writer asks, and this thread does it, one job at a time, in order. Jobs of one
kind that wait are merged (a delivery sends every line that waits, whenever it runs).
"""

from __future__ import annotations

import threading

from ..errors import warn_once


class Sender:
    """One thread that runs ``owner.deliver()`` and ``owner.beat(runs)`` when asked.

    Args:
        owner: the outbox; its ``deliver`` and ``beat`` are read when a job runs (either
            may be None: that job is skipped).
    """

    def __init__(self, owner):
        self.owner = owner
        self._lock = threading.Lock()
        self._jobs: dict[str, object] = {}
        self._wake = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._thread: threading.Thread | None = None

    def ask(self, kind: str, arg: object = None) -> None:
        """Queue a ``deliver`` or a ``beat`` (with its runs); never blocks."""
        with self._lock:
            self._jobs[kind] = arg
            self._idle.clear()
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="kerasprov-deliver",
                                                daemon=True)
                self._thread.start()
        self._wake.set()

    def wait(self, timeout: float) -> bool:
        """Until every job asked so far is done (or ``timeout``); True when idle."""
        return self._idle.wait(max(0.0, timeout))

    def stop(self, timeout: float) -> None:
        """Finish the jobs that wait (bounded) and end the thread."""
        if self._thread is None:
            return
        self.wait(timeout)
        self.ask("stop")
        self._thread.join(max(0.0, min(timeout, 1.0)))

    def _loop(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            while True:
                with self._lock:
                    jobs, self._jobs = self._jobs, {}
                    if not jobs:
                        self._idle.set()
                        break
                beat, deliver = self.owner.beat, self.owner.deliver
                if "beat" in jobs and beat is not None:
                    self._run(beat, jobs["beat"])
                if "deliver" in jobs and deliver is not None:
                    self._run(deliver)
                if "stop" in jobs:
                    self._idle.set()
                    return

    @staticmethod
    def _run(fn, *args) -> None:
        try:
            fn(*args)
        except Exception as exc:
            warn_once("io", f"could not deliver provenance to the store yet ({exc}); "
                            "it waits in the journal and training goes on")
