"""The writer's wake-up: ``threading.Event``'s ``set``/``wait``/``clear`` on one raw lock."""

from __future__ import annotations

import _thread


class Wake:
    """An event on one raw lock (unlocked = set). ``set`` runs on the training thread at
    every epoch's end, and one lock release costs less there than ``Event.set`` (its
    Condition's lock, ``notify_all`` in Python). ``release`` is the bare release, for the
    hottest caller (``Outbox.put_built``): it raises ``RuntimeError`` when set already.

    What remains is the kernel's: waking a thread that sleeps costs the waker a futex
    system call, and on a virtual machine with an idle second CPU an inter-processor
    interrupt (``benchmarks/overhead.py`` prints it apart, as "one wake-up").
    """

    __slots__ = ("_lock", "release")

    def __init__(self):
        self._lock = _thread.allocate_lock()
        self._lock.acquire()  # locked: not set
        self.release = self._lock.release

    def set(self) -> None:
        try:
            self._lock.release()
        except RuntimeError:
            pass  # set already

    def wait(self, timeout: float) -> bool:
        """True when set (and then cleared), False after ``timeout`` seconds."""
        return self._lock.acquire(True, timeout)

    def clear(self) -> None:
        self._lock.acquire(False)

    def is_set(self) -> bool:
        return not self._lock.locked()
