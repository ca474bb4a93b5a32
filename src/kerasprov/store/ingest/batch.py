"""The state of one batch, in one object, and the rows it gathers.

A ``Batch`` lives for one transaction: ``Ingestor.apply`` makes a new one, the event
handlers (``runs.py``, ``rows.py``, ...) fill it, and the steps registered with ``at_end``
write what it gathered. Nothing is reset by hand: the next batch is a new object.

Adding an event kind is one module: a handler ``@on("kind")`` that notes what the event
says in the batch (``batch.gathered[name]`` is a list of the module's own), and, if it
writes a table, a step ``@at_end(order)`` that writes it in bulk; then its import in
``core.py`` (``files.py`` is the example). Its table goes in ``schema.FIXED_DDL`` with a
new entry in ``schema.MIGRATIONS``; a new column of a fixed table (``execution``) goes in
its ``FIXED_DDL`` statement and in ``schema.ADDED_COLUMNS`` for older stores, and for
``execution`` in ``RunRow`` and ``EXEC_TYPES`` (``runs.run_start`` fills it).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any, NamedTuple

from ...errors import InvalidEvent
from .. import views
from ..backend import Backend


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
class RunRow:
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
    run_name: str | None = None
    tags: str | None = None  # comma-separated (a tag has no comma: names.check_tags)

    def values(self) -> list:
        return [getattr(self, c) for c in EXEC_COLS]


@dataclass(slots=True)
class TaskRow:
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
        return [getattr(self, c) for c in TASK_COLS]


EXEC_COLS = [f.name for f in fields(RunRow)]
EXEC_TYPES = ["text", "text", "text", "timestamp", "text", "text", "integer", "text", "text",
              "text", "text", "text", "timestamp", "timestamp", "text", "text", "text"]
TASK_COLS = [f.name for f in fields(TaskRow)]
TASK_TYPES = ["text", "text", "text", "text", "text", "timestamp", "timestamp", "text", "text"]


@dataclass(slots=True)
class Group:
    """Rows of one set from one event, or from a run's consecutive events with the same
    links: ``rows`` is a list of row dicts (``owned`` once it is our own copy, so the
    event's list is never extended) or columnar ``{name: [value, ...]}``."""

    run: str
    links: dict
    n: int
    rows: list | dict
    owned: bool = False


@dataclass
class Batch:
    """What one transaction learns and gathers, from the first event to the commit."""

    be: Backend
    #: What earlier transactions learnt (tables, columns, attributes, dimension rows that
    #: exist); it lasts the unit of work where the backend is the sole writer.
    cache: dict
    strict: bool
    result: IngestResult = field(default_factory=IngestResult)
    #: The dataflow of each run, as stored (or as this batch stores it).
    dataflows: dict[str, str] = field(default_factory=dict)
    #: The dataflow of each run already in the ``execution`` table.
    in_db: dict[str, str] = field(default_factory=dict)
    new_runs: dict[str, RunRow] = field(default_factory=dict)
    new_tasks: dict[str, TaskRow] = field(default_factory=dict)
    #: Dimension rows this batch needs: table -> {key: extra values}.
    pending: dict[str, dict[tuple, list]] = field(default_factory=dict)
    #: A data-set table changed shape: the views are made again before the commit.
    reshaped: bool = False
    #: (set, transformation, task) -> (set tag, links): worked out once per batch.
    links: dict[tuple, tuple[str, dict]] = field(default_factory=dict)
    #: (run, set, task, transformation) of the last rows event, and its group.
    tail: tuple | None = None
    rows_by_set: dict[str, list[Group]] = field(default_factory=lambda: defaultdict(list))
    last_seen: dict[str, float] = field(default_factory=dict)
    #: What the handlers of other event kinds gather (rows to insert), by their own names.
    gathered: dict[str, list] = field(default_factory=lambda: defaultdict(list))

    @property
    def present(self) -> set:
        """Dimension rows known to exist, as ``(table, *key)``."""
        return self.cache.setdefault("present", set())

    @property
    def tasks_in_db(self) -> set:
        return self.cache.setdefault("tasks", set())

    def reshape(self) -> None:
        """A table is about to change shape: the views go now (PostgreSQL cannot retype a
        column a view reads) and are made again before the commit."""
        if not self.reshaped:
            views.drop_views(self.be)
            self.reshaped = True

    def refuse(self, ev: dict, reason: str) -> None:
        """Refuse one event: its batch in strict mode, else the event alone."""
        if self.strict:
            raise InvalidEvent(reason, run=ev.get("run"), seq=ev.get("seq"))
        self.result.refused.append(Refused(ev, reason))

    # -- the schema, as this backend's cache knows it ---------------------------------------
    def tables(self) -> set[str]:
        tables = self.cache.get("tables")
        if tables is None:
            tables = self.cache["tables"] = self.be.base_tables()
        return tables

    def columns(self, table: str) -> list[str]:
        known = self.cache.setdefault("columns", {})
        if table not in known:
            known[table] = self.be.columns_of(table)
        return known[table]

    def attrs(self, set_tag: str) -> dict[str, tuple[str, str]]:
        """A set's attributes stored as columns: name -> (column, type)."""
        known = self.cache.get("attrs")
        if known is None:  # every set's at once: a store has a few hundred attributes
            known = self.cache["attrs"] = defaultdict(dict)
            for tag, name, col, typ in self.be.fetchall(
                    "SELECT data_set_tag, name, column_name, type FROM attribute"):
                known[tag][name] = (col, typ)
        return known[set_tag]


Handler = Callable[[Batch, dict, Any], None]
#: Event kind -> what notes it in the batch (``rows`` is the common case).
HANDLERS: dict[str, Handler] = {}
#: (order, step): what writes a batch's gatherings, in order, before the commit.
STEPS: list[tuple[int, Callable[[Batch], None]]] = []


def on(kind: str) -> Callable[[Handler], Handler]:
    """Register the handler of one event kind."""
    def register(fn: Handler) -> Handler:
        HANDLERS[kind] = fn
        return fn
    return register


def at_end(order: int) -> Callable:
    """Register a step that runs once per batch after every event was noted (lower first:
    runs and tasks 10, dimension rows 20, data sets 30, views 40, files 50, last seen 90)."""
    def register(fn: Callable[[Batch], None]) -> Callable[[Batch], None]:
        STEPS.append((order, fn))
        STEPS.sort(key=lambda s: s[0])
        return fn
    return register


def text(value):
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, default=str) if isinstance(value, (dict, list)) else str(value)


def seconds(value) -> float:
    return value.timestamp() if hasattr(value, "timestamp") else float(value)


def integer(value):
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None
