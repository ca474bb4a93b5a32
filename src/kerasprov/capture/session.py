"""Runs and the process-wide outbox.

A run is one execution of a dataflow: it starts at the first ``fit`` after
``model.provenance(...)`` and holds that fit's Training and Adaptation tasks and the
Testing/Prediction tasks of later ``evaluate``/``predict`` calls on that model, until the
model's next ``fit`` or ``provenance`` call. User transformations recorded before a fit join
the run of that fit (they are its upstream steps).
"""

from __future__ import annotations

import atexit
import concurrent.futures.thread  # noqa: F401 - its exit hook is registered before ours
import functools
import itertools
import os
import re
import secrets
import sys
import threading
import time
import weakref

from .. import config
from ..errors import warn_once
from ..names import GENERATED, TRAINING
from ..outbox import codec, delivery
from ..outbox.writer import POLL_S, Outbox
from . import distributed, extract, preempt, values

# Reentrant: the SIGTERM handler runs on the main thread between two bytecodes, maybe
# while that thread holds this lock.
_lock = threading.RLock()
_outbox: Outbox | None = None
_retired: list[Outbox] = []  # outboxes of stores this process used before (closed at exit)
_outbox_spec: str | None = None
_pending: Run | None = None
_open_runs: list = []
#: Runs with a task still open, ended or not: an evaluate after the fit's run ended.
_busy: weakref.WeakSet = weakref.WeakSet()
#: Called with each new run before its first event, e.g. by capture/tuner.py (the KerasTuner
#: trial that started it); a hook may return a callable to run right after ``run_start``.
RUN_HOOKS: list = []


def new_run_id() -> str:
    return time.strftime("%Y%m%d%H%M%S", time.gmtime()) + "-" + secrets.token_hex(4)


def default_dataflow() -> str:
    """The script's name as a tag (autolog and transformations without a model)."""
    name = os.path.splitext(os.path.basename(sys.argv[0] or ""))[0] if sys.argv else ""
    tag = re.sub(r"[^A-Za-z0-9_]", "_", name)[:40]
    if not tag or not tag[0].isalpha():
        tag = "df_" + tag if tag else "interactive"
    return tag[:41]


def get_outbox() -> Outbox:
    """The outbox for the configured store (a new one if the store changed)."""
    global _outbox, _outbox_spec
    spec = config.store_spec()
    with _lock:
        if _outbox is None or _outbox_spec != spec:
            if _outbox is not None:
                _outbox.flush(5.0)
                _retired.append(_outbox)
            way = delivery.route(spec)
            _outbox = Outbox(way.journal_dir, deliver=way.deliver,
                             deliver_every=way.deliver_every, beat=way.beat,
                             beat_every=way.beat_every)
            _outbox.ticks.append(_release_stale)
            _outbox_spec = spec
        return _outbox


def flush(timeout: float = 10.0) -> bool:
    """Wait until every event captured so far is in a journal."""
    return _outbox.flush(timeout) if _outbox is not None else True


class Run:
    """One run: allocates sequence numbers and task ids, emits events (training thread)."""

    def __init__(self, dataflow: str, hooks: bool = True, name: str | None = None,
                 tags: list[str] | None = None, attest: bool = False):
        self.id = new_run_id()
        self.dataflow = dataflow
        self.name, self.tags = name, list(tags or [])
        self._seq = itertools.count()  # next() is atomic: a signal handler may emit too
        self.outbox = get_outbox()
        self.open_tasks: list[str] = []  # ended as the run ends when SIGTERM stops it
        self._ended_tasks: set[str] = set()
        self.ended = False
        self.trained = False
        self.training_task: str | None = None
        self.upstream_sets: list[str] = []
        self.deferred_files: list[tuple[str, str, str]] = []  # see files.fit_started
        self.held: list[tuple] = []  # checkpoints saved at an epoch's end (checkpoint)
        self._task_n = 0
        self.informed_by: str | None = None  # informs tasks that name no informant (a trial)
        self.muted = False  # another process writes this run (a distributed job's rank > 0)
        self.identity = extract.run_identity()
        preempt.guard(terminate)
        self.attest = False  # sign at the end (proof/signer.py, on the writer thread)
        if attest or config.attesting():
            self.enable_attest()
        after = []
        if hooks:  # a search's own run is not a trial's execution nor a job's run
            for hook in [distributed.place, *RUN_HOOKS]:
                try:
                    after.append(hook(self))
                except Exception as exc:
                    warn_once(f"run-hook:{getattr(hook, '__name__', hook)}",
                              f"provenance capture could not place run {self.id} ({exc!r})")
        self._start()
        with _lock:
            _open_runs.append(self)
        for fn in after:
            if fn is not None:
                try:
                    fn(self)
                except Exception as exc:
                    warn_once("run-hook-after", f"provenance capture failed after the start "
                                                f"of run {self.id} ({exc!r})")

    def emit(self, type_: str, sync: bool = False, close: bool = False, follows: bool = False,
             **payload) -> None:
        """Queue one event of this run (``Outbox.put`` says what ``sync``, ``close`` and
        ``follows`` do)."""
        if self.muted:
            return
        event = {"v": 1, "run": self.id, "seq": next(self._seq), "type": type_,
                 "ts": time.time()}
        event.update(payload)
        if close and self.attest:  # the writer signs the run so far, at this number
            event["attest_seq"] = next(self._seq)
        self.outbox.put(event, sync=sync, close=close, follows=follows)

    def enable_attest(self) -> None:
        """Have the writer sign this run at its end (one warning if it cannot)."""
        from ..proof import signer
        box = self.outbox
        if self.attest or not signer.available():
            return
        with _lock:
            if box.observe is None:
                box.observe = signer.Observer(earlier=lambda run: _journaled(box, run))
        self.attest = True

    def _start(self) -> None:
        names = {"name": self.name} if self.name else {}
        if self.tags:
            names["tags"] = self.tags
        self.emit("run_start", dataflow=self.dataflow, lazy=_env_payload, **names,
                  **self.identity)

    def retag(self, dataflow: str, name: str | None = None,
              tags: list[str] | None = None) -> None:
        """The run's dataflow (and name, tags) as its fit gives them."""
        name, tags = name or self.name, list(tags or self.tags)
        if (dataflow, name, tags) != (self.dataflow, self.name, self.tags):
            self.dataflow, self.name, self.tags = dataflow, name, tags
            # Same identity (start time) and environment: ingest moves the run's earlier
            # tasks (user transformations) to the new dataflow.
            self._start()

    def task_start(self, transformation: str, inputs=(), outputs=(), informed_by=None) -> str:
        self._task_n += 1
        task = f"{self.id}-{transformation.lower()}-{self._task_n}"
        self.open_tasks.append(task)
        _busy.add(self)
        self.emit("task_start", task=task, transformation=transformation, inputs=list(inputs),
                  outputs=list(outputs), start=time.time(),
                  informed_by=informed_by if informed_by is not None else self.informed_by)
        return task

    def task_end(self, task: str, status: str = "finished", error: str | None = None,
                 close: bool = False) -> None:
        if task in self._ended_tasks:
            return  # ended already (the run was terminated by SIGTERM)
        self._ended_tasks.add(task)
        if self.held:
            self.release()
        if task in self.open_tasks:  # (a tuner's Trial task is started by its own emit)
            self.open_tasks.remove(task)
        if not self.open_tasks:
            _busy.discard(self)
        self.emit("task_end", task=task, status=status, error=error, end=time.time(),
                  run_status=self.ended, sync=True, close=close)

    def rows(self, task: str, transformation: str, set_tag: str, rows, links=None,
             sync: bool = False) -> None:
        payload = {"task": task, "transformation": transformation, "set": set_tag,
                   "links": links or {}}
        if callable(rows):
            self.emit("rows", sync=sync, rows=[], lazy=lambda: {"rows": rows()}, **payload)
        else:
            self.emit("rows", sync=sync, rows=rows, **payload)

    def epoch_row(self, task: str, epoch, elapsed: float, logs: dict | None, lr) -> None:
        """One epoch's ``otrainingmodel`` row: the values the epoch ended with go in one
        tuple; the writer thread makes the event (``_epoch_event``) and the row
        (``values.epoch_row``), and writes and fsyncs it at once (group commit). This runs
        on the training thread at every epoch: the sequence number and the time are taken
        here, nothing else."""
        if self.muted:
            return
        self.outbox.put_built((_epoch_event, self.id, next(self._seq), time.time(), task,
                               epoch, elapsed, logs, lr))
        if self.held:
            self.release()

    def checkpoint(self, task: str, path: str, epoch: int | None, later, arg,
                   hold: bool) -> None:
        """A model file saved during a fit (training thread, as ``epoch_row``: a tuple,
        made into the ``file`` event on the writer thread, which runs ``later(path, arg)``
        for the rest: its mark and hash). ``hold``: saved at an epoch's end, before the
        epoch's row: it is queued right after that row (``release``), so the writer writes
        the row before it reads the file; otherwise it wakes the writer now."""
        if self.muted:
            return
        if self.ended:  # the run's segment was closed: this event closes it again
            self.emit("file", close=True, task=task, path=path, role=GENERATED,
                      kind="checkpoint", epoch=epoch, time=time.time(),
                      lazy=functools.partial(later, path, arg))
            return
        if hold:
            self.held.append((task, path, epoch, later, arg, time.time()))
            return
        self.outbox.put_built((_file_event, self.id, next(self._seq), time.time(), task,
                               path, epoch, later, arg))

    def release(self) -> None:
        """Queue the held checkpoints: after the epoch's row, which woke the writer;
        before the task or run ends, whose event wakes it; or on the writer's clock when
        the row is late (``_release_stale``). Each is taken with one atomic ``pop``: a
        signal handler or the writer that queues them meanwhile queues each only once."""
        held = self.held
        while held:
            try:
                task, path, epoch, later, arg, ts = held.pop(0)
            except IndexError:
                return
            self.outbox.put_built((_file_event, self.id, next(self._seq), ts, task, path,
                                   epoch, later, arg), follows=True)

    def end(self, status: str = "finished", error: str | None = None) -> None:
        if self.ended:
            return
        if self.held:
            self.release()
        if self.deferred_files:
            _record_deferred(self)
        if status != "finished":  # a signal or an exit stopped what still runs
            for task in list(self.open_tasks):
                self.task_end(task, status, error)
        self.ended = True
        self.emit("run_end", status=status, error=error, end=time.time(), sync=True, close=True)
        with _lock:
            if self in _open_runs:
                _open_runs.remove(self)


def _release_stale() -> None:
    """Writer thread, on its clock: checkpoints a run held for an epoch's row that has not
    come within ``POLL_S`` (a slow callback after the save) are queued now, so a kill
    while that callback runs keeps their record, as the clock kept any other event."""
    now = time.time()
    for run in list(_open_runs):
        held = run.held
        try:
            stale = bool(held) and now - held[0][5] >= POLL_S
        except IndexError:  # the training thread took them meanwhile
            continue
        if stale:
            run.release()


def _epoch_event(run_id: str, seq: int, ts: float, task: str, epoch, elapsed: float,
                 logs: dict | None, lr) -> dict:
    """Writer thread: the event of ``Run.epoch_row``'s tuple (its row computed late, so a
    value that cannot be read is one warning, not a lost event)."""
    return {"v": 1, "run": run_id, "seq": seq, "type": "rows", "ts": ts, "task": task,
            "transformation": TRAINING, "set": "otrainingmodel", "links": {}, "rows": [],
            "lazy": functools.partial(values.epoch_row, epoch, ts, elapsed, logs, lr)}


def _file_event(run_id: str, seq: int, ts: float, task: str, path: str, epoch, later,
                arg) -> dict:
    """Writer thread: the event of ``Run.checkpoint``'s tuple."""
    return {"v": 1, "run": run_id, "seq": seq, "type": "file", "ts": ts, "task": task,
            "path": path, "role": GENERATED, "kind": "checkpoint", "epoch": epoch,
            "time": ts, "lazy": functools.partial(later, path, arg)}


def _record_deferred(run: Run) -> None:
    """Files declared for a fit that never came are the run's (recorded with its end)."""
    from . import files
    try:
        files.flush_deferred(run)
    except RuntimeError:
        # The interpreter shuts down and its executors with it (an exit from a thread
        # other than ours): hash on the writer thread instead of losing the files.
        for path, role, kind in run.deferred_files:
            files.emit_file(run, None, path, role, kind,
                            lazy=lambda p=path: files.digest(p))
        run.deferred_files = []


def guard_signals() -> None:
    """(Re)install the SIGTERM handler, keeping one the script installed since (a fit)."""
    preempt.guard(terminate)


def terminate(signum: int) -> None:
    """A stop signal (SIGTERM): end every open run as ``terminated`` and wait, bounded,
    until its events are in the journal (called by ``preempt`` on the main thread)."""
    why = f"stopped by {preempt.signal_name(signum)} (signal {signum})"
    for run in [*_open_runs, *[r for r in list(_busy) if r.ended]]:
        try:
            if run.ended:  # its tasks only: an evaluate after the fit's run ended
                for task in list(run.open_tasks):
                    run.task_end(task, "terminated", why, close=True)
            else:
                run.end("terminated", why)
        except Exception as exc:
            warn_once("terminate", f"could not close run {run.id}: {exc!r}")
    for box in [*_retired, _outbox]:
        if box is not None:
            box.flush(preempt.FLUSH_S)


def _journaled(box: Outbox, run: str) -> list[dict]:
    """The events of ``run`` already in its journal segment (read on the writer thread, which
    alone writes it)."""
    seg = box.segments.get(run)
    if seg is None or seg.fh is None:
        return []
    seg.fh.flush()
    events = []
    with open(seg.path, "rb") as f:
        for line in f:
            try:
                events.append(codec.decode(line))
            except Exception:  # an end mark or a torn line: not an event
                continue
    return events


def _env_payload() -> dict:
    return {"environment": extract.environment()}


def pending_run(dataflow: str | None = None) -> Run:
    """The run that user transformations before the next fit belong to."""
    global _pending
    with _lock:
        run = _pending
    if run is None or run.ended or run.trained:
        run = Run(dataflow or default_dataflow())
        with _lock:
            _pending = run
    elif dataflow is not None:
        run.retag(dataflow)
    return run


def adopt_pending() -> Run | None:
    """Hand the pending run (if any) to a starting fit."""
    global _pending
    with _lock:
        run, _pending = _pending, None
    if run is None or run.ended or run.trained:
        return None
    return run


def _end_open_runs() -> None:
    """At shutdown: end the runs still open and write everything (journal, delivery)."""
    status = _exit_status()
    for run in list(_open_runs):
        try:
            run.end(status)
        except Exception as exc:
            warn_once("exit", f"could not close run {run.id}: {exc!r}")
    for box in [*_retired, _outbox]:
        if box is not None:
            box.close()


def _at_thread_shutdown() -> None:
    """Runs as the main thread ends, before Python shuts its executors down (the hash
    thread's among them) and long before ``atexit``: the runs still open end here while
    their files can still be hashed. Not while another thread of the script still runs
    (it may be training): then ``atexit`` ends them once every thread is done."""
    me = threading.current_thread()
    others = [t for t in threading.enumerate()
              if t is not me and not t.daemon and t.is_alive()
              and not t.name.startswith(("kerasprov-", "ThreadPoolExecutor-"))]
    if not others:
        _end_open_runs()


def _at_exit() -> None:
    status = _exit_status()
    _end_open_runs()
    if status == "interrupted":
        _keep_sigint_exit()


def _exit_status() -> str:
    """How the runs still open end: ``interrupted`` when the script was stopped by Ctrl+C
    (an uncaught KeyboardInterrupt, which Python prints and keeps in ``sys.last_value``)."""
    if hasattr(sys, "ps1"):  # interactive: last_value is the last error shown, not the exit
        return "finished"
    return "interrupted" if type(getattr(sys, "last_value", None)) is KeyboardInterrupt \
        else "finished"


def _keep_sigint_exit() -> None:
    """Keep the exit status of Ctrl+C (SIGINT, 130 in a shell) that Python gives without us.

    CPython exits by SIGINT after an uncaught KeyboardInterrupt only while a C flag holds,
    and every ``PyRun_String`` clears it (the first import of a C extension, e.g. by the last
    delivery above): the script would exit with status 1. The one way to set the flag
    again is the one CPython itself uses: a ``PyRun_String`` that raises KeyboardInterrupt.
    """
    try:
        import ctypes
        run = ctypes.pythonapi.PyRun_String
        run.restype = ctypes.py_object
        run.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.py_object, ctypes.py_object]
        scope = {"__builtins__": __builtins__}
        run(b"raise KeyboardInterrupt", 257, scope, scope)  # 257: Py_file_input
    except KeyboardInterrupt:
        pass  # expected: the flag is set and the exception is ours
    except Exception as exc:  # not CPython, or no ctypes: the status is 1, nothing else
        warn_once("sigint-exit", f"could not keep the Ctrl+C exit status ({exc!r})")


atexit.register(_at_exit)
_register = getattr(threading, "_register_atexit", None)
if _register is not None:  # CPython >= 3.9; atexit alone ends the runs elsewhere
    _register(_at_thread_shutdown)
