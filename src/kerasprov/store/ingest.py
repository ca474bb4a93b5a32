"""Apply events to a store: the one place that turns events into rows.

Backend-agnostic (DuckDB, PostgreSQL): one call is one transaction. Delivery is idempotent:
``_run_seq`` keeps the last sequence number stored per run, and events at or below it are
skipped, so a journal replayed or an HTTP batch sent twice is stored once.

Events arrive validated (outbox/events.py). What only the store can judge is judged here:
a ``seq`` far beyond the run's next, an event of a run that never started, a set that
would grow past ``MAX_SET_ATTRIBUTES`` columns. In strict mode (an HTTP batch) such an event
refuses its batch; otherwise (journals) it is refused alone, reported in
``IngestResult.refused``, and the rest is stored. kerasprov's own attributes
(``BUILTIN_TYPES``) keep their column types: no event widens them.

A file over 400 lines: the ingest is one pipeline (sequence check, events, dimension rows,
data-set rows) whose parts share the batch's state; split, they would pass it around.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from dataclasses import dataclass, field, fields
from itertools import chain, repeat
from typing import Any, NamedTuple

from ..errors import BadStore, InvalidEvent
from . import views
from .backend import Backend, to_datetime
from .schema import (
    BUILTIN_SETS,
    BUILTIN_TYPES,
    INT64,
    MIGRATIONS,
    column_name,
    convert,
    fixed_ddl,
    infer_type,
    quote,
    set_table,
    task_column,
    widen,
)

TERMINAL = ("finished", "failed", "interrupted", "crashed")
REAL_MAX = 2**1023  # integers up to this convert to a double
#: A journal event whose seq is this far beyond its run's next is refused, not taken as a
#: gap: taken, it would make the store skip every later event of the run as "seen".
MAX_SEQ_JUMP = 1_000_000
#: Attributes (columns) of one data set. PostgreSQL allows 1,600 columns and 8 KB rows.
MAX_SET_ATTRIBUTES = 1_000


class _TooWide(Exception):
    """A set would pass MAX_SET_ATTRIBUTES: the batch is applied again, event by event."""


class Refused(NamedTuple):
    """An event that was not stored, and why."""

    event: dict
    reason: str


@dataclass
class IngestResult:
    stored: int = 0
    skipped: int = 0
    runs: set = field(default_factory=set)
    #: The last sequence number stored of each run of the batch (after it).
    last_seq: dict = field(default_factory=dict)
    #: Runs of the batch marked crashed when it began (``lease.revive`` looks at these).
    crashed: list = field(default_factory=list)
    #: Events refused one by one (journal mode): the caller may quarantine them.
    refused: list[Refused] = field(default_factory=list)


@dataclass(slots=True)
class _RunRow:
    """An ``execution`` row first seen in this batch; its end state is folded in."""

    run_id: str
    dataflow_tag: str
    status: str
    start_time: Any  # POSIX seconds until the bulk insert converts them
    host: str | None
    username: str | None
    pid: int | None
    script: str | None
    command: str | None
    keras_version: str | None
    backend: str | None
    environment: str
    end_time: Any = None
    last_seen: Any = None
    error: str | None = None

    def values(self) -> list:
        return [getattr(self, c) for c in _EXEC_COLS]


@dataclass(slots=True)
class _TaskRow:
    """A ``task`` row first seen in this batch."""

    task_id: str
    run_id: str
    dataflow_tag: str
    transformation_tag: str
    status: str
    start_time: Any
    end_time: Any = None
    error: str | None = None
    informed_by: str | None = None

    def values(self) -> list:
        return [getattr(self, c) for c in _TASK_COLS]


class _FileRow(NamedTuple):
    """A ``file`` row, in table order."""

    run_id: str
    task_id: str | None
    path: str | None
    role: str | None
    size: int | None
    sha256: str | None
    epoch: int | None
    time: Any
    kind: str | None


@dataclass(slots=True)
class _Group:
    """Rows of one set from one event, or from a run's consecutive events with the same
    links: ``rows`` is a list of row dicts (``owned`` once it is our own copy, so the
    event's list is never extended) or columnar ``{name: [value, ...]}``."""

    run: str
    links: dict
    n: int
    rows: list | dict
    owned: bool = False


def check_schema(be: Backend, where: str = "the store") -> bool:
    """Whether the schema is complete; raises BadStore for a store of a newer kerasprov.

    Reads only (a read-only store is checked with it, nothing is created).
    """
    tables = be.table_names()
    if "_migrations" not in tables or "execution" not in tables:
        return False
    done = {r[0] for r in be.fetchall("SELECT version FROM _migrations")}
    newest = max(v for v, _ in MIGRATIONS)
    if done and max(done) > newest:
        raise BadStore(f"{where} has schema version {max(done)}, newer than this kerasprov "
                       f"knows ({newest}): upgrade kerasprov to read it",
                       schema_version=max(done))
    return all(v in done for v, _ in MIGRATIONS)


def ensure_schema(be: Backend, where: str = "the store") -> None:
    """Create the fixed tables and record migrations (idempotent, cheap when done)."""
    if check_schema(be, where):
        return
    for stmt in fixed_ddl(be.dialect):
        be.execute(stmt)
    done = {r[0] for r in be.fetchall("SELECT version FROM _migrations")}
    for version, name in MIGRATIONS:
        if version not in done:
            be.execute("INSERT INTO _migrations VALUES (?, ?, ?)",
                       [version, name, to_datetime(time.time())])
    tables = be.table_names()
    for set_tag, (links, attrs) in BUILTIN_SETS.items():
        table = set_table(set_tag)
        if table in tables:
            continue
        cols = ["run_id"] + links
        defs = [f"{quote(c)} {be.sql_type('text')}" for c in cols]
        for name, typ in attrs:
            be.execute("INSERT INTO attribute VALUES (?, ?, ?, ?)", [set_tag, name, name, typ])
            defs.append(f"{quote(name)} {be.sql_type(typ)}")
        be.execute(f"CREATE TABLE {quote(table)} ({', '.join(defs)})")
    views.create_views(be)


_EXEC_COLS = [f.name for f in fields(_RunRow)]
_EXEC_TYPES = ["text", "text", "text", "timestamp", "text", "text", "integer", "text", "text",
               "text", "text", "text", "timestamp", "timestamp", "text"]
_TASK_COLS = [f.name for f in fields(_TaskRow)]
_TASK_TYPES = ["text", "text", "text", "text", "text", "timestamp", "timestamp", "text", "text"]
_AGENT_COLS = ["run_id", "agent_id", "role", "job", "rank", "world_size", "local_rank", "host",
               "pid", "devices", "distribution", "activity", "source", "time"]
_AGENT_TYPES = ["text"] * 4 + ["integer"] * 3 + ["text", "integer"] + ["text"] * 4 + [
    "timestamp"]
_FILE_TYPES = ["text", "text", "text", "text", "integer", "text", "integer", "timestamp", "text"]
# Python types kerasprov's own attributes take, by column type (a bool is no epoch).
_FIXED_KINDS = {"integer": {int}, "real": {int, float}, "timestamp": {int, float}}
# Python types whose values a column of this lattice type stores as they are.
_NATIVE = {"real": {float}, "integer": {int}, "text": {str}, "boolean": {bool}}
#: Dimension tables: key columns, other columns, and the lattice types of both.
_DIMS = {
    "dataflow": (["tag"], ["created_at"], ["text", "timestamp"]),
    "data_transformation": (["dataflow_tag", "tag"], [], ["text"] * 2),
    "data_set": (["dataflow_tag", "tag"], [], ["text"] * 2),
    "data_transformation_io": (["dataflow_tag", "transformation_tag", "data_set_tag", "role"],
                               [], ["text"] * 4),
}


class Ingestor:
    """Turns events into rows. Statements are few per batch, not per event: new runs and
    tasks are inserted in bulk at the end of a batch, with their end state folded in."""

    def __init__(self, be: Backend):
        self.be = be
        self._cache: dict = {}
        self._present: set = set()
        self._pending: dict[str, dict[tuple, list]] = {}
        self._reshaped = False
        self._links: dict[tuple, tuple[str, dict]] = {}
        self._new_runs: dict[str, _RunRow] = {}
        self._new_tasks: dict[str, _TaskRow] = {}
        self._in_db: dict[str, str] = {}
        self._tasks_in_db: set[str] = set()
        self._strict = False
        self._result = IngestResult()
        self._seen: dict[str, set] = {}  # per set: its attributes, with this batch's
        self._check_width = False
        self._tail = None  # (run, set, task, transformation) of the last row group, the group

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
        """
        if not events and before_commit is None:
            return IngestResult()
        try:
            result = self._apply(events, strict, before_commit, check_width=False)
        except _TooWide:  # rare (hostile): again, now judging each event's width
            result = self._apply(events, strict, before_commit, check_width=True)
        return result

    def _apply(self, events, strict, before_commit, check_width) -> IngestResult:
        be = self.be
        self._strict, self._check_width = strict, check_width
        self._result = result = IngestResult()
        # What earlier transactions learnt (tables, columns, attributes, dimension rows that
        # exist) holds while no one else can write; else it is looked up once per transaction.
        self._cache = cache = be.ingest_cache()
        if not be.sole_writer:
            cache.clear()
        self._present = cache.setdefault("present", set())
        self._pending, self._reshaped, self._links = {}, False, {}
        self._seen = {}
        be.begin()
        try:
            fresh, dataflows = self._filter_seen(events, strict, result)
            if fresh:
                self._store(fresh, dataflows)
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
        return result

    def _refuse(self, ev: dict, reason: str) -> None:
        """Refuse one event: its batch in strict mode, else the event alone."""
        if self._strict:
            raise InvalidEvent(reason, run=ev.get("run"), seq=ev.get("seq"))
        self._result.refused.append(Refused(ev, reason))

    # -- sequence bookkeeping -------------------------------------------------------------
    def _filter_seen(self, events, strict, result):
        """The events not stored yet, in order, and the dataflow of each known run."""
        runs = {e["run"] for e in events}
        known = self._known_runs(runs, {str(e["task"]) for e in events
                                        if e["type"] == "task_start"},
                                 {str(e["dataflow"]) for e in events
                                  if e["type"] == "run_start" and "\x00" not in str(
                                      e.get("dataflow"))})
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
                    self._refuse(ev, f"run {run!r}: seq {seq} is far beyond the run's next "
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
                self._refuse(ev, f"event {ev['type']!r} for run {run!r} arrived before its "
                                 "run_start")
                continue
            new_last[run] = seq
            fresh.append(ev)
        if starts_again:
            self._check_reuse(starts_again, result)
        self.be.update_rows("_run_seq", "run_id", ["last_seq"], ["integer"],
                            [[run, seq] for run, seq in new_last.items() if run in last])
        self.be.insert("_run_seq", ["run_id", "last_seq"], ["text", "integer"],
                       [[run, seq] for run, seq in new_last.items() if run not in last])
        for run, seq in new_last.items():
            known[run][0] = seq
        result.last_seq = {r: known[r][0] for r in runs if known[r][0] is not None}
        result.crashed = sorted(r for r in runs if known[r][2] == "crashed")
        result.stored = len(fresh)
        result.runs = set(new_last)
        return fresh, dataflows

    def _check_reuse(self, starts: list[dict], result: IngestResult) -> None:
        """A run_start at or below its run's stored sequence number is a resend, skipped;
        but one from another process (host or pid not those stored) is a second stream
        under a reused run id (a job id given twice): its events would all be skipped as
        already stored, so it is refused with the reason (kept in ``rejected/``), not
        skipped in silence."""
        stored = {r[0]: (r[1], r[2]) for r in self.be.select_in(
            "execution", ["run_id", "host", "pid"], "run_id", sorted({e["run"] for e in starts}))}
        for ev in starts:
            host, pid = stored.get(ev["run"], (None, None))
            new_host, new_pid = ev.get("host"), ev.get("pid")
            if (host is not None and new_host is not None and str(new_host) != host) or (
                    pid is not None and new_pid is not None and _int(new_pid) != pid):
                result.skipped -= 1
                self._refuse(ev, f"run {ev['run']!r} is already stored from pid {pid} on "
                                 f"{host}; this run_start comes from pid {new_pid} on "
                                 f"{new_host}: a second stream under the same run id (a job "
                                 "id used twice?), whose events would be taken for ones "
                                 "already stored; give each launch its own job id")

    def _known_runs(self, runs: set[str], tasks: set[str],
                    dataflows: set[str] = frozenset()) -> dict[str, list]:
        """Each run's ``[last stored seq, dataflow]`` (None where absent), and the tasks of
        ``tasks`` that exist added to the cache's ``tasks``.

        One look-up at the start of a batch for what the cache does not know yet: these,
        and with the first batch of a unit of work the store's tables and attributes and the
        dimension rows of ``dataflows`` (those the batch's runs start in). On DuckDB the
        cache lasts the unit of work, so a reader that ingests a live run batch after batch
        looks nothing up again.
        """
        cache, be = self._cache, self.be
        known = cache.setdefault("runs", {})
        tasks_in_db = cache.setdefault("tasks", set())
        dims_of = cache.setdefault("dims_of", set())
        ask_runs = sorted(r for r in runs if r not in known)
        ask_tasks = sorted(t for t in tasks if t not in tasks_in_db)
        ask_dims = sorted((table, tag) for tag in dataflows for table in _DIMS
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
                    keys = _DIMS[table][0]
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
                    self._present.add((kind, *(a, b, c, d)[:len(_DIMS[kind][0])]))
            dims_of.update(ask_dims)
            ask_dims = []
        return known

    # -- the events -------------------------------------------------------------------------
    def _store(self, events, dataflows):
        be = self.be
        self._in_db = dict(dataflows)
        self._new_runs, self._new_tasks = {}, {}
        self._tasks_in_db = self._cache["tasks"]  # filled by _known_runs
        rows_by_set: dict[str, list] = defaultdict(list)
        self._tail = None
        files, agents = [], []
        last_seen: dict[str, float] = {}
        collect = self._collect_rows
        for ev in events:
            run, kind = ev["run"], ev["type"]
            ts = ev.get("ts")
            if isinstance(ts, (int, float)) and ts > last_seen.get(run, 0.0):
                last_seen[run] = float(ts)
            if kind == "rows":  # almost every event: tested first
                collect(ev, rows_by_set)
            elif kind == "run_start":
                dataflows[run] = self._run_start(ev)
            elif kind == "agent":  # may come from a stream that is not a run (a worker)
                agents.append(_agent_row(ev, ts))
                continue
            elif kind == "run_end":
                new = self._new_runs.get(run)
                if new is not None:
                    new.status, new.end_time, new.error = (str(ev["status"]), ev.get("end", ts),
                                                           _text(ev.get("error")))
                else:
                    be.execute("UPDATE execution SET status = ?, end_time = ?, error = ? "
                               "WHERE run_id = ?",
                               [str(ev["status"]), to_datetime(ev.get("end", ts)),
                                _text(ev.get("error")), run])
            elif kind == "task_start":
                self._task_start(ev, dataflows[run])
            elif kind == "task_end":
                task = self._new_tasks.get(str(ev["task"]))
                if task is not None:
                    task.status, task.end_time, task.error = (
                        str(ev["status"]), ev.get("end", ts), _text(ev.get("error")))
                else:
                    be.execute("UPDATE task SET status = ?, end_time = ?, error = ? "
                               "WHERE task_id = ?",
                               [str(ev["status"]), to_datetime(ev.get("end", ts)),
                                _text(ev.get("error")), str(ev["task"])])
                if ev.get("run_status"):
                    new = self._new_runs.get(run)
                    if new is not None:
                        if isinstance(ts, (int, float)) and (new.end_time is None or _seconds(
                                new.end_time) < ts):
                            new.end_time = ts
                    else:
                        be.execute("UPDATE execution SET end_time = ? WHERE run_id = ? AND "
                                   "(end_time IS NULL OR end_time < ?)",
                                   [to_datetime(ts), run, to_datetime(ts)])
            elif kind == "file":
                files.append(_FileRow(run, _text(ev["task"]), _text(ev["path"]),
                                      _text(ev["role"]), _int(ev.get("size")),
                                      _text(ev.get("sha256")), _int(ev.get("epoch")),
                                      ev.get("time", ts), _text(ev.get("kind"))))
        for run, ts in list(last_seen.items()):
            new = self._new_runs.get(run)
            if new is not None:
                new.last_seen = ts
                del last_seen[run]
        self._flush_new()
        self._flush_dims()
        for set_tag, rows in rows_by_set.items():
            self._insert_set(set_tag, rows)
        if self._reshaped:  # once per batch, and only when a table changed
            views.create_views(be)
        if files:
            be.insert("file", list(_FileRow._fields), _FILE_TYPES, files)
        if agents:
            be.insert("agent", _AGENT_COLS, _AGENT_TYPES, agents)
        be.update_rows("execution", "run_id", ["last_seen"], ["timestamp"],
                       [[run, ts] for run, ts in last_seen.items()], only_if_later="last_seen")
        known = self._cache["runs"]
        for run, tag in self._in_db.items():
            if run in known:
                known[run][1] = tag

    def _flush_new(self) -> None:
        """Insert the runs and tasks first seen in this batch, in bulk."""
        if self._new_runs:
            self.be.insert("execution", _EXEC_COLS, _EXEC_TYPES,
                           [row.values() for row in self._new_runs.values()])
            for run, row in self._new_runs.items():
                self._in_db[run] = row.dataflow_tag
            self._new_runs = {}
        if self._new_tasks:
            self.be.insert("task", _TASK_COLS, _TASK_TYPES,
                           [row.values() for row in self._new_tasks.values()])
            self._tasks_in_db.update(self._new_tasks)
            self._new_tasks = {}

    def _run_start(self, ev):
        be, run = self.be, ev["run"]
        tag = str(ev["dataflow"])
        env = ev.get("environment") or {}
        values = [tag, "running", ev.get("start", ev.get("ts")),
                  _text(ev.get("host")), _text(ev.get("user")), _int(ev.get("pid")),
                  _text(ev.get("script")), _text(ev.get("command")),
                  _text(ev.get("keras_version")), _text(ev.get("backend")),
                  json.dumps(env, sort_keys=True, default=str)]
        if run in self._new_runs:  # started twice in one batch: make the first one real
            self._flush_new()
        old = self._in_db.get(run)
        if old is None:  # timestamps stay numbers: the bulk insert converts them
            self._new_runs[run] = _RunRow(run, *values)
        elif old != tag:
            self._flush_new()
            self._retag(run, old, tag)
        if old is not None:
            self._in_db[run] = tag
            values[2] = to_datetime(values[2])
            be.execute("UPDATE execution SET dataflow_tag = ?, status = ?, start_time = ?, "
                       "host = ?, username = ?, pid = ?, script = ?, command = ?, "
                       "keras_version = ?, backend = ?, environment = ? WHERE run_id = ?",
                       values + [run])
        if ("dataflow", tag) not in self._present:
            self._need("dataflow", (tag,), [to_datetime(ev.get("ts"))])
        return tag

    def _retag(self, run, old, new):
        """A run that began with user transformations joins the dataflow of its fit."""
        be = self.be
        self._flush_dims()  # what this batch added so far is read below
        self._present.clear()  # rows are deleted below
        self._cache.pop("dims_of", None)
        self._insert_missing("dataflow", ["tag"], [new], extra=[to_datetime(time.time())],
                             extra_cols=["created_at"])
        moved = [r[0] for r in be.fetchall(
            "SELECT DISTINCT transformation_tag FROM task WHERE run_id = ?", [run])]
        be.execute("UPDATE task SET dataflow_tag = ? WHERE run_id = ?", [new, run])
        for tr in moved:
            self._insert_missing("data_transformation", ["dataflow_tag", "tag"], [new, tr])
            for set_tag, role in be.fetchall(
                    "SELECT data_set_tag, role FROM data_transformation_io WHERE "
                    "dataflow_tag = ? AND transformation_tag = ?", [old, tr]):
                self._insert_missing("data_set", ["dataflow_tag", "tag"], [new, set_tag])
                self._insert_missing(
                    "data_transformation_io",
                    ["dataflow_tag", "transformation_tag", "data_set_tag", "role"],
                    [new, tr, set_tag, role])
            if not be.fetchall("SELECT 1 FROM task WHERE dataflow_tag = ? AND "
                               "transformation_tag = ?", [old, tr]):
                for table, col in (("data_transformation_io", "transformation_tag"),
                                   ("data_transformation", "tag")):
                    be.execute(f"DELETE FROM {table} WHERE dataflow_tag = ? AND {col} = ?",
                               [old, tr])
        be.execute("UPDATE execution SET dataflow_tag = ? WHERE run_id = ?", [new, run])
        if not be.fetchall("SELECT 1 FROM execution WHERE dataflow_tag = ?", [old]):
            for table, col in (("data_set", "dataflow_tag"), ("data_transformation_io",
                                                               "dataflow_tag"),
                               ("data_transformation", "dataflow_tag"), ("dataflow", "tag")):
                be.execute(f"DELETE FROM {table} WHERE {col} = ?", [old])

    def _task_start(self, ev, dataflow):
        tr = str(ev["transformation"])
        task = str(ev["task"])
        if task not in self._tasks_in_db and task not in self._new_tasks:  # else: kept as is
            self._new_tasks[task] = _TaskRow(task, ev["run"], dataflow, tr, "running",
                                             ev.get("start", ev.get("ts")),
                                             informed_by=_text(ev.get("informed_by")))
        self._need("data_transformation", (dataflow, tr))
        for role in ("inputs", "outputs"):
            for set_tag in ev.get(role) or ():
                set_tag = str(set_tag).lower()
                self._need("data_set", (dataflow, set_tag))
                self._need("data_transformation_io", (dataflow, tr, set_tag, role[:-1]))

    def _need(self, table: str, key: tuple, extra: list | None = None) -> None:
        """This dimension row must exist by the end of the batch (looked up in bulk)."""
        if (table, *key) not in self._present:
            self._pending.setdefault(table, {}).setdefault(key, extra or [])

    def _flush_dims(self) -> None:
        """Insert the dimension rows this batch needs and the store lacks: one look-up and
        one insert per table, not per row."""
        pending, self._pending = self._pending, {}
        for table, rows in list(pending.items()):
            if any("\x00" in v for key in rows for v in key):
                # PostgreSQL drops NUL characters from text: let the database compare.
                keys, extra_cols, _ = _DIMS[table]
                for key, extra in rows.items():
                    self._insert_missing(table, keys, list(key), extra, extra_cols)
                del pending[table]
        if not pending:
            return
        dims_of = self._cache.setdefault("dims_of", set())
        ask = {table: rows for table, rows in pending.items()
               if any((table, key[0]) not in dims_of for key in rows)}
        if ask:  # dataflows whose rows were not looked up with the batch's first look-up
            self._present.update(self._dims_present(ask))
            dims_of.update((table, key[0]) for table, rows in ask.items() for key in rows)
        for table, rows in pending.items():
            keys, extra_cols, types = _DIMS[table]
            self.be.insert(table, keys + extra_cols, types,
                           [list(key) + extra for key, extra in rows.items()
                            if (table, *key) not in self._present])
            self._present.update((table, *key) for key in rows)

    def _dims_present(self, pending: dict[str, dict[tuple, list]]) -> set[tuple]:
        """``(table, *key)`` of the existing rows of the dimension tables in ``pending``,
        for the dataflows it names: one look-up for all the tables."""
        be = self.be
        text = be.sql_type("text")
        parts: list[tuple[str, list]] = []
        for table, rows in pending.items():
            keys = _DIMS[table][0]
            cols = ", ".join([quote(k) for k in keys] +
                             [f"CAST(NULL AS {text})"] * (4 - len(keys)))
            tags = sorted({k[0] for k in rows})
            for i in range(0, len(tags), 250):
                in_tags, params = be.in_list(tags[i:i + 250])
                parts.append((f"SELECT '{table}', {cols} FROM {quote(table)} "
                              f"WHERE {quote(keys[0])} IN {in_tags}", params))
        found = set()
        for i in range(0, len(parts), 4):  # statements of bounded size
            chunk = parts[i:i + 4]
            for row in be.fetchall(" UNION ALL ".join(sql for sql, _ in chunk),
                                   [v for _, params in chunk for v in params]):
                found.add((row[0], *row[1:1 + len(_DIMS[row[0]][0])]))
        return found

    def _insert_missing(self, table, keys, values, extra=(), extra_cols=()):
        key = (table, *values)
        if key in self._present:
            return
        self._present.add(key)
        cond = " AND ".join(f"{quote(k)} = ?" for k in keys)
        if self.be.fetchall(f"SELECT 1 FROM {table} WHERE {cond}", values):
            return
        cols = ", ".join(quote(c) for c in list(keys) + list(extra_cols))
        marks = ", ".join("?" for _ in list(keys) + list(extra_cols))
        self.be.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})",
                        list(values) + list(extra))

    # -- data-set rows ------------------------------------------------------------------------
    def _collect_rows(self, ev, rows_by_set):
        # A training sends one row per event: the set's links are worked out once per
        # (set, transformation, task), and a run's consecutive rows become one group.
        tail, rows = self._tail, ev["rows"]
        if tail is not None and type(rows) is list and len(rows) == 1 and \
                type(rows[0]) is dict and tail[0] == (ev["run"], ev["set"], ev["task"],
                                                      ev.get("transformation")) \
                and not ev.get("links") and not self._check_width:
            group = tail[1]  # the same run, set and task as the last rows event: its row
            group.rows.append(rows[0])  # joins the group (the common case, made cheap)
            group.n += 1
            return
        self._tail = None
        given, tr, task, set_name = ev.get("links"), ev.get("transformation"), ev["task"], ev["set"]
        key = (set_name, tr, task) if not given and type(set_name) is str and \
            type(task) is str and (tr is None or type(tr) is str) else None
        known = self._links.get(key) if key is not None else None
        if known is None:
            set_tag = str(set_name).lower()
            links = {task_column(str(tr or "task")): str(task)}
            for col, linked in (given or {}).items():
                links[str(col)] = _text(linked)
            known = (set_tag, links)
            if key is not None:
                self._links[key] = known
        set_tag, links = known
        rows, run = ev["rows"], ev["run"]
        if isinstance(rows, dict):  # columnar: {"columns": {name: [value, ...]}}
            columns = _columnar(rows, set_tag)
            n = len(next(iter(columns.values()))) if columns else 0
            if n and (not self._check_width or self._admit(ev, set_tag, columns.keys())):
                rows_by_set[set_tag].append(_Group(run, links, n, columns))
            return
        if not (len(rows) == 1 and type(rows[0]) is dict or set(map(type, rows)) <= {dict}):
            raise InvalidEvent(f"rows of set {set_tag!r} must be JSON objects")
        if not rows or self._check_width and not self._admit(
                ev, set_tag, rows[0].keys() if len(rows) == 1 else set().union(*rows)):
            return
        groups = rows_by_set[set_tag]
        last = groups[-1] if groups else None
        if last is not None and last.links is links and last.run == run and \
                isinstance(last.rows, list):
            if not last.owned:  # a list of our own: the event's list is left as it was
                last.rows, last.owned = list(last.rows), True
            last.rows.extend(rows)
            last.n += len(rows)
            if key is not None:
                self._tail = ((run, set_name, task, tr), last)
        else:
            groups.append(_Group(run, links, len(rows), rows))

    def _admit(self, ev: dict, set_tag: str, names) -> bool:
        """Whether the set may take this event's attributes (at most MAX_SET_ATTRIBUTES
        columns per set); else the event is refused."""
        seen = self._seen.get(set_tag)
        if seen is None:  # the set's attributes, and those this batch adds to it
            seen = self._seen[set_tag] = set(self._attrs(set_tag))
        new = names - seen
        if not new:
            return True
        if len(seen) + len(new) > MAX_SET_ATTRIBUTES:
            self._refuse(ev, f"set {set_tag!r} would have more than {MAX_SET_ATTRIBUTES} "
                             f"attributes ({len(seen)} already, {len(new)} new in this event)")
            return False
        seen.update(new)
        return True

    # -- the schema, as this backend's cache knows it -----------------------------------------
    def _tables(self) -> set[str]:
        tables = self._cache.get("tables")
        if tables is None:
            tables = self._cache["tables"] = self.be.base_tables()
        return tables

    def _columns(self, table: str) -> list[str]:
        known = self._cache.setdefault("columns", {})
        if table not in known:
            known[table] = self.be.columns_of(table)
        return known[table]

    def _attrs(self, set_tag: str) -> dict[str, tuple[str, str]]:
        known = self._cache.get("attrs")
        if known is None:  # every set's at once: a store has a few hundred attributes
            known = self._cache["attrs"] = defaultdict(dict)
            for tag, name, col, typ in self.be.fetchall(
                    "SELECT data_set_tag, name, column_name, type FROM attribute"):
                known[tag][name] = (col, typ)
        return known[set_tag]

    def _insert_set(self, set_tag, groups):
        """Insert one set's rows, given as ``_Group``s (one per event or run of events)."""
        be = self.be
        table = set_table(set_tag)
        attrs = self._attrs(set_tag)
        tables = self._tables()
        ddl = []
        if table in tables:
            existing = list(self._columns(table))
        else:
            ddl.append(f"CREATE TABLE {quote(table)} (run_id {be.sql_type('text')})")
            existing = ["run_id"]
        taken = set(existing)
        link_cols = []
        for group in groups:
            for col in group.links:
                if col not in taken and col not in link_cols:
                    link_cols.append(col)
        for col in link_cols:
            ddl.append(f"ALTER TABLE {quote(table)} ADD COLUMN {quote(col)} {be.sql_type('text')}")
            taken.add(col)
        # Type every attribute over the whole batch before touching the table, a column at a
        # time (a million cells a second: the per-cell work is in C where it can be).
        order, values_of = _gather(groups)
        # A name the database stores differently (PostgreSQL drops NUL characters) is the
        # attribute it is stored as: "a\x00" and "a" are one attribute there.
        order = _fold_alike(set_tag, order, values_of, be.stored_text)
        if len(attrs) + sum(1 for n in order if n not in attrs) > MAX_SET_ATTRIBUTES:
            if self._strict:
                raise InvalidEvent(f"set {set_tag!r} would have more than "
                                   f"{MAX_SET_ATTRIBUTES} attributes")
            raise _TooWide(set_tag)  # apply() tries again, refusing the events too wide
        kinds_of: dict[str, set] = {}
        new_types: dict[str, str | None] = {}
        for name in order:
            fixed = BUILTIN_TYPES.get(name)  # exact: "Epoch" is a user attribute of its own
            start = attrs[name][1] if name in attrs else fixed
            kinds = set(map(type, values_of[name]))
            kinds.discard(type(None))
            kinds_of[name] = kinds
            new_types[name] = typ = _column_type(start, kinds, values_of[name])
            if fixed is not None and (typ != start or not kinds <= _FIXED_KINDS.get(start,
                                                                                     kinds)):
                # The schema (outbox/events.py) refuses these before; this holds for events
                # given straight to apply().
                raise InvalidEvent(f"set {set_tag!r}: {name!r} is an attribute kerasprov "
                                   f"types itself ({start}); values of another type are "
                                   "refused", field=name)
        changed_types, new_attrs, new_cols = [], [], []
        for name in order:
            typ = new_types[name] or "real"
            if name in attrs:
                col, old = attrs[name]
                if typ != old:
                    changed_types.append((name, col, typ))
                    attrs[name] = (col, typ)
            else:
                col = column_name(name, taken)
                taken.add(col)
                attrs[name] = (col, typ)
                new_attrs.append([set_tag, name, col, typ])
                new_cols.append(col)
                ddl.append(f"ALTER TABLE {quote(table)} ADD COLUMN {quote(col)} "
                           f"{be.sql_type(typ)}")
        be.insert("attribute", ["data_set_tag", "name", "column_name", "type"], ["text"] * 4,
                  new_attrs)
        if ddl or changed_types:
            if not self._reshaped:  # PostgreSQL cannot retype a column a view reads
                views.drop_views(be)
                self._reshaped = True
            for stmt in ddl:
                be.execute(stmt)
            for name, col, typ in changed_types:
                be.alter_type(table, col, typ)
                be.execute("UPDATE attribute SET type = ? WHERE data_set_tag = ? AND name = ?",
                           [typ, set_tag, name])
            tables.add(table)
            self._cache.setdefault("columns", {})[table] = existing + link_cols + new_cols
        all_links = [c for c in be_cols_order(existing, link_cols) if c != "run_id"]
        names = list(order)
        columns = ["run_id"] + all_links + [attrs[n][0] for n in names]
        types = ["text"] * (1 + len(all_links)) + [attrs[n][1] for n in names]
        cols = [list(chain.from_iterable(repeat(g.run, g.n) for g in groups))]
        cols += [list(chain.from_iterable(repeat(g.links.get(c), g.n) for g in groups))
                 for c in all_links]
        for n in names:
            typ = attrs[n][1]
            if typ == "timestamp":
                cols.append(_datetimes(values_of[n], kinds_of[n]))
            elif kinds_of[n] <= _NATIVE.get(typ, set()):
                cols.append(values_of[n])
            else:
                cols.append([convert(v, typ) for v in values_of[n]])
        be.insert_columns(table, columns, types, cols)


def _columnar(rows: dict, set_tag: str) -> dict[str, list]:
    """The columns of a columnar ``rows`` payload, checked: names to equally long lists."""
    columns = rows.get("columns")
    if set(rows) != {"columns"} or not isinstance(columns, dict):
        raise InvalidEvent(f"rows of set {set_tag!r}: a columnar payload is "
                           '{"columns": {name: [value, ...]}}')
    if not all(isinstance(k, str) and isinstance(v, list) for k, v in columns.items()):
        raise InvalidEvent(f"rows of set {set_tag!r}: every column needs a name and a list")
    if len(set(map(len, columns.values()))) > 1:
        raise InvalidEvent(f"rows of set {set_tag!r}: columns differ in length")
    return columns


def _gather(groups) -> tuple[list[str], dict[str, list]]:
    """Attribute names in first-seen order, and each one's values over all rows of
    ``groups`` in order (None where a row lacks it), a column at a time."""
    segments: list = []  # runs of row dicts (one list), or columnar dicts with their length
    for group in groups:
        if isinstance(group.rows, dict):
            segments.append((group.n, group.rows))
        elif segments and segments[-1][0] is None:
            segments[-1][1].extend(group.rows)
        else:
            segments.append((None, list(group.rows)))
    order: dict[str, None] = {}
    for n, seg in segments:
        order.update(dict.fromkeys(chain.from_iterable(seg) if n is None else seg))
    values_of = {}
    for name in order:
        parts = [list(map(dict.get, seg, repeat(name))) if n is None else
                 seg.get(name) or [None] * n for n, seg in segments]
        values_of[name] = parts[0] if len(parts) == 1 else list(chain.from_iterable(parts))
    return list(order), values_of


def _fold_alike(set_tag: str, order: list[str], values_of: dict[str, list],
                stored) -> list[str]:
    """Names that ``stored`` maps alike become the one name it stores, their values merged
    (a row gives a value under one of them); a row with values under two is refused:
    keeping either would lose the other."""
    if all(stored(name) == name for name in order):
        return order
    folded: dict[str, str] = {}  # stored name -> the first name that stores as it
    values = {}
    for name in order:
        key = stored(name)
        if key not in folded:
            folded[key], values[key] = name, values_of[name]
            continue
        merged = values[key] = list(values[key])  # (never the event's own list)
        for i, v in enumerate(values_of[name]):
            if v is not None:
                if merged[i] is not None:
                    raise InvalidEvent(f"set {set_tag!r}: attribute names {folded[key]!r} and "
                                       f"{name!r} are one name in this store (it cannot hold "
                                       "NUL characters); a row with both is refused",
                                       field=name)
                merged[i] = v
    values_of.clear()
    values_of.update(values)
    return list(folded)


def _datetimes(values: list, kinds: set) -> list:
    """POSIX seconds as naive UTC datetimes, converted in C (numpy) when all are numbers;
    a number outside the years 1-9999 (or NaN, inf) is stored as NULL."""
    if not kinds <= {int, float} or not values:
        return values
    import numpy as np
    seconds = np.array(values, dtype="float64")
    ok = (seconds > -6.2e10) & (seconds < 2.5e11)  # NaN compares False
    us = np.round(np.where(ok, seconds, 0.0) * 1e6).astype("int64").astype("datetime64[us]")
    return np.where(ok, us, np.datetime64("NaT"))


def _column_type(start: str | None, kinds: set, values: list) -> str | None:
    """The lattice type of a column that starts as ``start`` and receives ``values``."""
    if start == "timestamp":
        kinds = kinds - {int, float}  # numbers are POSIX seconds (a bool is no time)
        if not kinds:
            return start
    if kinds <= {float}:
        found = "real" if kinds else None
    elif kinds == {int}:
        ints = values if None not in values else [v for v in values if v is not None]
        lo, hi = min(ints), max(ints)
        found = "integer" if INT64[0] <= lo and hi <= INT64[1] else _wide_int(lo, hi)
    elif kinds == {int, float}:
        ints = [v for v in values if type(v) is int]
        found = widen("real", _wide_int(min(ints), max(ints)))
    elif kinds in ({bool}, {str}):
        found = "boolean" if kinds == {bool} else "text"
    else:  # mixed or nested values: one at a time
        found = None
        for v in values:
            if start == "timestamp" and type(v) in (int, float):
                continue
            found = widen(found, infer_type(v))
    return widen(start, found)


def _wide_int(lo: int, hi: int) -> str:
    """Integers beyond 64 bits are stored as doubles, or as text beyond a double's range
    (only from Python callers: decoding reads such literals as text already)."""
    return "real" if -REAL_MAX <= lo and hi <= REAL_MAX else "text"


def be_cols_order(existing, link_cols):
    """Task-id link columns present in the table, in table order."""
    cols = [c for c in existing if c.endswith("_task_id") or c == "run_id"]
    return cols + [c for c in link_cols if c not in cols]


def _agent_row(ev: dict, ts) -> list:
    return [_text(ev["of"]), _text(ev["agent"]), _text(ev.get("role")), _text(ev.get("job")),
            _int(ev.get("rank")), _int(ev.get("world_size")), _int(ev.get("local_rank")),
            _text(ev.get("host")), _int(ev.get("pid")), _text(ev.get("devices")),
            _text(ev.get("distribution")), _text(ev.get("activity")), _text(ev.get("source")),
            ev.get("time", ts)]


def _text(value):
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, default=str) if isinstance(value, (dict, list)) else str(value)


def _seconds(value) -> float:
    return value.timestamp() if hasattr(value, "timestamp") else float(value)


def _int(value):
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


#: Errors by which an event that passed validation still cannot be stored: the event is at
#: fault, not the database (which raises its own errors: those mean "try again later").
EVENT_FAULTS = (TypeError, ValueError, KeyError, AttributeError, IndexError, OverflowError)


def local_sender(be, on_stored=None, book: TableBook | None = None):
    """``send(events)`` for journal replay into the database behind ``be``.

    An event that breaks the ingest is reported as ``InvalidEvent`` so that replay
    quarantines that event alone and stores the rest. ``on_stored(result)`` runs after each
    stored batch (e.g. to revive the runs it touched). With ``book`` (the store's own
    ``TableBook``), the journal offsets noted so far are written in each batch's
    transaction: no transaction of their own.
    """
    ing = Ingestor(be)
    faults = EVENT_FAULTS + be.data_faults()

    def send(events: list[dict]) -> list[tuple[dict, str]]:
        try:
            result = ing.apply(events, before_commit=book.save if book else None)
        except faults as exc:
            if book is not None:
                book.rolled_back()
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
            raise InvalidEvent(f"the store could not take this event: "
                               f"{type(exc).__name__}: {first}") from None
        except BaseException:
            if book is not None:
                book.rolled_back()
            raise
        if book is not None:
            book.committed()
        if on_stored is not None:
            on_stored(result)
        return [(r.event, r.reason) for r in result.refused]

    return send


class TableBook:
    """Journal offsets kept in the store's own ``_journal`` table (``outbox.replay``'s
    offset book for the journals inside a directory store).

    ``set`` and ``forget`` only note the change; ``save`` writes what is noted inside the
    caller's transaction (``local_sender`` does it in each batch's, ``close`` in one of its
    own at the end). A segment read to its end mark in one replay is noted and forgotten
    before anything is written: a reader that ingests a finished run writes no offset at
    all. Offsets that did not reach the table cost a resend, which the store skips.
    """

    def __init__(self, be):
        self.be = be
        self.offsets = dict(be.fetchall("SELECT name, byte_offset FROM _journal"))
        self._stored = set(self.offsets)  # names with a row in the table
        self._noted: dict[str, int | None] = {}  # name -> offset; None: delete its row
        self._saving: dict[str, int | None] = {}  # written in a transaction not yet done

    def get(self, path) -> int:
        return int(self.offsets.get(path.name, 0))

    def set(self, path, offset: int) -> None:
        self.offsets[path.name] = offset
        self._noted[path.name] = offset

    def forget(self, path) -> None:
        self.offsets.pop(path.name, None)
        self._noted[path.name] = None

    def save(self) -> None:
        """Write the noted offsets, inside the caller's transaction."""
        noted = {**self._saving, **self._noted}
        self._saving, self._noted = noted, {}
        gone = [n for n, off in noted.items() if off is None and n in self._stored]
        update = [[n, off] for n, off in noted.items() if off is not None and n in self._stored]
        insert = [[n, off] for n, off in noted.items()
                  if off is not None and n not in self._stored]
        for i in range(0, len(gone), 250):
            in_names, params = self.be.in_list(gone[i:i + 250])
            self.be.execute(f"DELETE FROM _journal WHERE name IN {in_names}", params)
        self.be.update_rows("_journal", "name", ["byte_offset"], ["integer"], update)
        self.be.insert("_journal", ["name", "byte_offset"], ["text", "integer"], insert)

    def committed(self) -> None:
        """The transaction that saved the noted offsets committed."""
        for name, off in self._saving.items():
            if off is None:
                self._stored.discard(name)
            else:
                self._stored.add(name)
        self._saving = {}

    def rolled_back(self) -> None:
        """It rolled back (or never began): what it held is noted again."""
        self._noted = {**self._saving, **self._noted}
        self._saving = {}

    def close(self) -> None:
        """Write what is still noted, in one transaction of its own."""
        self.rolled_back()
        if all(off is None and name not in self._stored for name, off in self._noted.items()):
            self._noted = {}  # noted and forgotten in this replay: nothing to write
            return
        self.be.begin()
        try:
            self.save()
            self.be.commit()
        except BaseException:
            try:
                self.be.rollback()
            finally:
                self.rolled_back()
            raise
        self.committed()

