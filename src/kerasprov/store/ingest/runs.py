"""Runs and tasks: ``run_start``/``run_end``, ``task_start``/``task_end``. A run or task first
seen in a batch is inserted in bulk at its end, with its end state folded in."""

from __future__ import annotations

import json

from ..schema import to_datetime
from .batch import (
    EXEC_COLS,
    EXEC_TYPES,
    TASK_COLS,
    TASK_TYPES,
    Batch,
    RunRow,
    TaskRow,
    at_end,
    integer,
    on,
    seconds,
    text,
)
from .dims import need, retag


@at_end(10)
def flush_new(b: Batch) -> None:
    """Insert the runs and tasks first seen in this batch, in bulk."""
    if b.new_runs:
        for run, row in b.new_runs.items():
            if run in b.last_seen:  # folded in: no UPDATE of its own
                row.last_seen = b.last_seen.pop(run)
        b.be.insert("execution", EXEC_COLS, EXEC_TYPES,
                    [row.values() for row in b.new_runs.values()])
        for run, row in b.new_runs.items():
            b.in_db[run] = row.dataflow_tag
        b.new_runs = {}
    if b.new_tasks:
        b.be.insert("task", TASK_COLS, TASK_TYPES,
                    [row.values() for row in b.new_tasks.values()])
        b.tasks_in_db.update(b.new_tasks)
        b.new_tasks = {}


@on("run_start")
def run_start(b: Batch, ev: dict, ts) -> None:
    be, run = b.be, ev["run"]
    tag = str(ev["dataflow"])
    env = ev.get("environment") or {}
    values = [tag, "running", ev.get("start", ev.get("ts")),
              text(ev.get("host")), text(ev.get("user")), integer(ev.get("pid")),
              text(ev.get("script")), text(ev.get("command")),
              text(ev.get("keras_version")), text(ev.get("backend")),
              json.dumps(env, sort_keys=True, default=str)]
    names = [text(ev.get("name")), ",".join(  # people's names for the run (names.py)
        t for t in ev.get("tags") or () if isinstance(t, str) and "," not in t) or None]
    if run in b.new_runs:  # started twice in one batch: make the first one real
        _flush_runs(b)
    old = b.in_db.get(run)
    if old is None:  # timestamps stay numbers: the bulk insert converts them
        b.new_runs[run] = RunRow(run, *values, run_name=names[0], tags=names[1])
    elif old != tag:
        _flush_runs(b)
        retag(b, run, old, tag)
    if old is not None:
        b.in_db[run] = tag
        values[2] = to_datetime(values[2])
        be.execute("UPDATE execution SET dataflow_tag = ?, status = ?, start_time = ?, "
                   "host = ?, username = ?, pid = ?, script = ?, command = ?, "
                   "keras_version = ?, backend = ?, environment = ?, run_name = ?, tags = ? "
                   "WHERE run_id = ?", values + names + [run])
    if ("dataflow", tag) not in b.present:
        need(b, "dataflow", (tag,), [to_datetime(ev.get("ts"))])
    b.dataflows[run] = tag


def _flush_runs(b: Batch) -> None:
    """Insert what is new so far (before a statement that reads or changes it); the runs'
    last_seen is still set at the end of the batch."""
    seen, b.last_seen = b.last_seen, {}
    flush_new(b)
    b.last_seen = seen


@on("run_end")
def run_end(b: Batch, ev: dict, ts) -> None:
    run = ev["run"]
    new = b.new_runs.get(run)
    if new is not None:
        new.status, new.end_time, new.error = (str(ev["status"]), ev.get("end", ts),
                                               text(ev.get("error")))
    else:
        b.be.execute("UPDATE execution SET status = ?, end_time = ?, error = ? "
                     "WHERE run_id = ?", [str(ev["status"]), to_datetime(ev.get("end", ts)),
                                          text(ev.get("error")), run])


@on("task_start")
def task_start(b: Batch, ev: dict, ts) -> None:
    dataflow = b.dataflows[ev["run"]]
    tr = str(ev["transformation"])
    task = str(ev["task"])
    if task not in b.tasks_in_db and task not in b.new_tasks:  # else: kept as is
        b.new_tasks[task] = TaskRow(task, ev["run"], dataflow, tr, "running",
                                    ev.get("start", ev.get("ts")),
                                    informed_by=text(ev.get("informed_by")))
    need(b, "data_transformation", (dataflow, tr))
    for role in ("inputs", "outputs"):
        for set_tag in ev.get(role) or ():
            set_tag = str(set_tag).lower()
            need(b, "data_set", (dataflow, set_tag))
            need(b, "data_transformation_io", (dataflow, tr, set_tag, role[:-1]))


@on("task_end")
def task_end(b: Batch, ev: dict, ts) -> None:
    be, run = b.be, ev["run"]
    task = b.new_tasks.get(str(ev["task"]))
    if task is not None:
        task.status, task.end_time, task.error = (
            str(ev["status"]), ev.get("end", ts), text(ev.get("error")))
    else:
        be.execute("UPDATE task SET status = ?, end_time = ?, error = ? WHERE task_id = ?",
                   [str(ev["status"]), to_datetime(ev.get("end", ts)),
                    text(ev.get("error")), str(ev["task"])])
    if ev.get("run_status"):
        new = b.new_runs.get(run)
        if new is not None:
            if isinstance(ts, (int, float)) and (new.end_time is None or seconds(
                    new.end_time) < ts):
                new.end_time = ts
        else:
            be.execute("UPDATE execution SET end_time = ? WHERE run_id = ? AND "
                       "(end_time IS NULL OR end_time < ?)",
                       [to_datetime(ts), run, to_datetime(ts)])


@at_end(90)
def touch_runs(b: Batch) -> None:
    """Runs stored before this batch: their ``last_seen`` moves forward (never back)."""
    b.be.update_rows("execution", "run_id", ["last_seen"], ["timestamp"],
                     [[run, ts] for run, ts in b.last_seen.items()],
                     only_if_later="last_seen")
    known = b.cache["runs"]
    for run, tag in b.in_db.items():
        if run in known:
            known[run][1] = tag
