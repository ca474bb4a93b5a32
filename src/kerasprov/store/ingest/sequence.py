"""Sequence bookkeeping: which events of a batch are new, and what the store knows of
their runs (one look-up at the start of a batch)."""

from __future__ import annotations

from collections import defaultdict

from ...errors import InvalidEvent
from ..schema import quote
from .batch import Batch, IngestResult, integer
from .dims import DIMS

#: A journal event whose seq is this far beyond its run's next is refused, not taken as a
#: gap: taken, it would make the store skip every later event of the run as "seen".
MAX_SEQ_JUMP = 1_000_000


def filter_seen(b: Batch, events: list[dict]) -> list[dict]:
    """The events not stored yet, in order; ``b.dataflows`` gets the dataflow of each
    known run."""
    strict, result = b.strict, b.result
    runs = {e["run"] for e in events}
    tasks = {str(e["task"]) for e in events if e["type"] == "task_start"}
    flows = {str(e["dataflow"]) for e in events
             if e["type"] == "run_start" and "\x00" not in str(e.get("dataflow"))}
    known = known_runs(b, runs, tasks, flows)
    last = {r: known[r][0] for r in runs if known[r][0] is not None}
    dataflows = {r: known[r][1] for r in runs if known[r][1] is not None}
    started = set(dataflows)
    fresh, new_last, starts_again = [], {}, []
    for ev in events:
        run, seq = ev["run"], ev["seq"]
        cur = new_last.get(run, last.get(run, -1))
        if seq <= cur:
            if ev["type"] == "run_start" and run not in new_last:
                starts_again.append(ev)  # a resend, or another process reusing the id
            result.skipped += 1
            continue
        if seq != cur + 1:
            if seq > cur + 1 + MAX_SEQ_JUMP:  # not a gap to resend: a bad event
                b.refuse(ev, f"run {run!r}: seq {seq} is far beyond the run's next "
                                 f"({cur + 1}); refused rather than taken as a gap")
                continue
            if strict:  # nothing of this batch is stored: resend from the store's next
                stored_next = last.get(run, -1) + 1
                raise InvalidEvent(f"run {run!r}: expected seq {cur + 1}, got {seq}; "
                                   f"resend from {stored_next}", expected_seq=stored_next,
                                   run=run)
        if ev["type"] == "run_start":
            started.add(run)
        elif run not in started and ev["type"] != "agent":  # a worker's stream: no run
            b.refuse(ev, f"event {ev['type']!r} for run {run!r} arrived before its "
                             "run_start")
            continue
        new_last[run] = seq
        fresh.append(ev)
    if starts_again:
        check_reuse(b, starts_again, result)
    b.be.update_rows("_run_seq", "run_id", ["last_seq"], ["integer"],
                        [[run, seq] for run, seq in new_last.items() if run in last])
    b.be.insert("_run_seq", ["run_id", "last_seq"], ["text", "integer"],
                   [[run, seq] for run, seq in new_last.items() if run not in last])
    for run, seq in new_last.items():
        known[run][0] = seq
    result.last_seq = {r: known[r][0] for r in runs if known[r][0] is not None}
    result.crashed = sorted(r for r in runs if known[r][2] == "crashed")
    result.stored = len(fresh)
    result.runs = set(new_last)
    b.dataflows = dataflows
    return fresh

def check_reuse(b: Batch, starts: list[dict], result: IngestResult) -> None:
    """A run_start at or below its run's stored sequence number is a resend, skipped;
    but one from another process (host or pid not those stored) is a second stream
    under a reused run id (a job id given twice): its events would all be skipped as
    already stored, so it is refused with the reason (kept in ``rejected/``), not
    skipped in silence."""
    stored = {r[0]: (r[1], r[2]) for r in b.be.select_in(
        "execution", ["run_id", "host", "pid"], "run_id", sorted({e["run"] for e in starts}))}
    for ev in starts:
        host, pid = stored.get(ev["run"], (None, None))
        new_host, new_pid = ev.get("host"), ev.get("pid")
        if (host is not None and new_host is not None and str(new_host) != host) or (
                pid is not None and new_pid is not None and integer(new_pid) != pid):
            result.skipped -= 1
            b.refuse(ev, f"run {ev['run']!r} is already stored from pid {pid} on "
                             f"{host}; this run_start comes from pid {new_pid} on "
                             f"{new_host}: a second stream under the same run id (a job "
                             "id used twice?), whose events would be taken for ones "
                             "already stored; give each launch its own job id")

def known_runs(b: Batch, runs: set[str], tasks: set[str],
               dataflows: set[str] = frozenset()) -> dict[str, list]:
    """Each run's ``[last stored seq, dataflow]`` (None where absent), and the tasks of
    ``tasks`` that exist added to the cache's ``tasks``.

    One look-up at the start of a batch for what the cache does not know yet: these,
    and with the first batch of a unit of work the store's tables and attributes and the
    dimension rows of ``dataflows`` (those the batch's runs start in). On DuckDB the
    cache lasts the unit of work, so a reader that ingests a live run batch after batch
    looks nothing up again.
    """
    cache, be, present = b.cache, b.be, b.present
    known = cache.setdefault("runs", {})
    tasks_in_db = cache.setdefault("tasks", set())
    dims_of = cache.setdefault("dims_of", set())
    ask_runs = sorted(r for r in runs if r not in known)
    ask_tasks = sorted(t for t in tasks if t not in tasks_in_db)
    ask_dims = sorted((table, tag) for tag in dataflows for table in DIMS
                      if (table, tag) not in dims_of)
    for r in ask_runs:
        known[r] = [None, None, None]  # last seq, dataflow, status when looked up
    text = be.sql_type("text")
    null = f"CAST(NULL AS {text})"
    tables_sql = be.base_tables_sql() if "tables" not in cache else None
    first = True
    while first or ask_runs or ask_tasks:
        parts, params = [], []
        part_runs, ask_runs = ask_runs[:250], ask_runs[250:]
        part_tasks, ask_tasks = ask_tasks[:250], ask_tasks[250:]
        if part_runs:
            in_runs, p = be.in_list(part_runs)
            parts.append(f"SELECT 'r' AS k, run_id AS a, CAST(last_seq AS {text}) AS b, "
                         f"{null} AS c, {null} AS d FROM _run_seq WHERE run_id IN {in_runs}")
            parts.append(f"SELECT 'e', run_id, dataflow_tag, status, {null} FROM execution "
                         f"WHERE run_id IN {in_runs}")
            params += p + p
        if part_tasks:
            in_tasks, p = be.in_list(part_tasks)
            parts.append(f"SELECT 't', task_id, {null}, {null}, {null} FROM task "
                         f"WHERE task_id IN {in_tasks}")
            params += p
        if first and "attrs" not in cache:
            parts.append("SELECT 'a', data_set_tag, name, column_name, type FROM attribute")
        if first and tables_sql:
            parts.append(f"SELECT 'b', name, {null}, {null}, {null} FROM ({tables_sql}) tb")
        if first:
            for table, tag in ask_dims:
                keys = DIMS[table][0]
                cols = ", ".join([quote(k) for k in keys] + [null] * (4 - len(keys)))
                parts.append(f"SELECT '{table}', {cols} FROM {quote(table)} "
                             f"WHERE {quote(keys[0])} = ?")
                params.append(tag)
        first = False
        if not parts:
            break
        rows = be.fetchall(" UNION ALL ".join(parts), params)
        if "attrs" not in cache:
            cache["attrs"] = defaultdict(dict)
        if tables_sql:
            cache["tables"], tables_sql = set(), None
        for kind, a, b, c, d in rows:
            if kind == "r":
                known[a][0] = int(b)
            elif kind == "e":
                known[a][1], known[a][2] = b, c
            elif kind == "t":
                tasks_in_db.add(a)
            elif kind == "a":
                cache["attrs"][a][b] = (c, d)
            elif kind == "b":
                cache["tables"].add(a)
            else:  # a dimension row
                present.add((kind, *(a, b, c, d)[:len(DIMS[kind][0])]))
        dims_of.update(ask_dims)
        ask_dims = []
    return known
