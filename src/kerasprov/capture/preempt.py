"""Preemption: SIGTERM ends the open runs as ``terminated``, then does what it would do.

Slurm, Kubernetes and most schedulers stop a job with SIGTERM and a grace period before
SIGKILL. Without a handler Python dies at once and the run is left ``running`` (later
``crashed``). With kerasprov, the handler ends every open run and its open tasks as
``terminated`` (the epochs already finished are kept, the signal is the reason), waits a
bounded time for the journal, and then hands the signal on to what would have run without
kerasprov: the handler the script installed (before ``import kerasprov`` or after it, up to
the start of the run), or the default action, so the process ends killed by SIGTERM (exit
status -15 in ``subprocess``, 143 in a shell), exactly as before.

The handler is installed only from the main thread (Python allows no other) and only while
SIGTERM is not ignored; no signal is ever blocked.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable

from ..errors import warn_once

#: Seconds the handler waits for the open runs' events to reach the journal (and a remote
#: store): well inside the usual grace periods (Kubernetes 30 s, Slurm's KillWait 30 s).
FLUSH_S = 5.0

# prev: the handler ours calls after its work; first: the one that was there before ours
# was first installed (a script's handler that chains to what it replaced may call ours).
_state: dict = {"prev": signal.SIG_DFL, "first": None, "on_term": None, "busy": False,
                "passing": False}


def signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def guard(on_term: Callable[[int], None]) -> None:
    """Make SIGTERM end the open runs first (called as a run starts; main thread only).

    A handler installed by the script since our last call is kept and called after ours.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    try:
        current = signal.getsignal(signal.SIGTERM)
        if current is _handler or current == signal.SIG_IGN:
            return  # ours already, or SIGTERM is ignored: nothing to do when it comes
        _state["prev"], _state["on_term"] = current, on_term
        if _state["first"] is None:
            _state["first"] = current
        signal.signal(signal.SIGTERM, _handler)
    except (ValueError, OSError) as exc:  # an embedded interpreter without signals
        warn_once("sigterm", f"cannot watch SIGTERM ({exc!r}); a preempted run will be "
                             "marked crashed instead of terminated")


def _handler(signum, frame) -> None:
    if _state["passing"]:  # called by the script's handler, which chains to what it replaced
        _pass_on(_state["first"] if _state["first"] is not _state["prev"] else
                 signal.SIG_DFL, signum, frame)
        return
    if not _state["busy"]:  # a second SIGTERM while ours runs goes straight on
        _state["busy"] = True
        try:
            on_term = _state["on_term"]
            if on_term is not None:
                on_term(signum)
        except Exception as exc:  # the signal must do what it does, whatever happened here
            warn_once("sigterm-end", f"could not end the runs on {signal_name(signum)} "
                                     f"({exc!r})")
        finally:
            _state["busy"] = False
    _state["passing"] = True
    try:
        _pass_on(_state["prev"], signum, frame)
    finally:
        _state["passing"] = False


def _pass_on(prev, signum, frame) -> None:
    """Do what ``prev`` (a handler, SIG_IGN or SIG_DFL) does with the signal."""
    if callable(prev):
        prev(signum, frame)
    elif prev == signal.SIG_IGN:
        return
    else:  # SIG_DFL, or a handler set from C that Python cannot call: the default action
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
