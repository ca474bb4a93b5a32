"""The DfAnalyzer / DNNProv-Df schema: fixed tables, typed data-set tables, and views.

Data-set tables (``ds_<set>``) grow a column per new attribute. Attribute names come from
user scripts, so they are mapped to safe column names (lowercase, at most 60 characters,
unique in their table) recorded in ``attribute``, and always quoted in SQL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re

from ..outbox.events import BUILTIN_TYPES as _EVENT_BUILTIN_TYPES

# Value types, narrowest first: a column widens along this order, never narrows.
LATTICE = ("boolean", "integer", "real", "text")
SQL_TYPES = {
    "duckdb": {"boolean": "BOOLEAN", "integer": "BIGINT", "real": "DOUBLE", "text": "VARCHAR",
               "timestamp": "TIMESTAMP"},
    "postgres": {"boolean": "BOOLEAN", "integer": "BIGINT", "real": "DOUBLE PRECISION",
                 "text": "TEXT", "timestamp": "TIMESTAMP"},
    "monetdb": {"boolean": "BOOLEAN", "integer": "BIGINT", "real": "DOUBLE", "text": "TEXT",
                "timestamp": "TIMESTAMP"},
}
INT64 = (-(2**63), 2**63 - 1)

#: Attributes kerasprov itself writes, with fixed types that no event widens (and so a NULL
#: first value types right). Defined with the event schema, which refuses other values.
BUILTIN_TYPES = _EVENT_BUILTIN_TYPES


#: Data sets that exist in every store (so the views answer on an empty store):
#: set tag -> (task-id link columns, [(attribute, type)]).
BUILTIN_SETS = {
    "itrainingmodel": (["trainingmodel_task_id"], []),
    "itrainingconfig": (["trainingmodel_task_id"], []),
    "ilayers": (["trainingmodel_task_id"], [("name", "text"), ("class_name", "text")]),
    "otrainingmodel": (["trainingmodel_task_id"], [
        ("epoch", "integer"), ("timestamp", "timestamp"), ("elapsed_time", "real"),
        ("learning_rate", "real")]),
    "oadaptation": (["adaptation_task_id", "trainingmodel_task_id"], [
        ("epoch", "integer"), ("previous_learning_rate", "real"), ("learning_rate", "real"),
        ("technique", "text"), ("timestamp", "timestamp")]),
    "otestingmodel": (["testingmodel_task_id", "trainingmodel_task_id"], [
        ("timestamp", "timestamp")]),
}

FIXED_DDL = [
    """CREATE TABLE IF NOT EXISTS _migrations (version INTEGER PRIMARY KEY, name {text},
        applied_at {timestamp})""",
    "CREATE TABLE IF NOT EXISTS dataflow (tag {text} PRIMARY KEY, created_at {timestamp})",
    """CREATE TABLE IF NOT EXISTS data_transformation (dataflow_tag {text}, tag {text},
        PRIMARY KEY (dataflow_tag, tag))""",
    """CREATE TABLE IF NOT EXISTS data_set (dataflow_tag {text}, tag {text},
        PRIMARY KEY (dataflow_tag, tag))""",
    """CREATE TABLE IF NOT EXISTS data_transformation_io (dataflow_tag {text},
        transformation_tag {text}, data_set_tag {text}, role {text},
        PRIMARY KEY (dataflow_tag, transformation_tag, data_set_tag, role))""",
    """CREATE TABLE IF NOT EXISTS attribute (data_set_tag {text}, name {text},
        column_name {text}, type {text}, PRIMARY KEY (data_set_tag, name))""",
    """CREATE TABLE IF NOT EXISTS execution (run_id {text} PRIMARY KEY, dataflow_tag {text},
        status {text}, start_time {timestamp}, end_time {timestamp}, last_seen {timestamp},
        host {text}, username {text}, pid {integer}, script {text}, command {text},
        keras_version {text}, backend {text}, environment {text}, error {text},
        run_name {text}, tags {text})""",
    """CREATE TABLE IF NOT EXISTS task (task_id {text} PRIMARY KEY, run_id {text},
        dataflow_tag {text}, transformation_tag {text}, status {text},
        start_time {timestamp}, end_time {timestamp}, error {text}, informed_by {text})""",
    """CREATE TABLE IF NOT EXISTS file (run_id {text}, task_id {text}, path {text},
        role {text}, size {integer}, sha256 {text}, epoch {integer}, time {timestamp},
        kind {text}, hash_method {text})""",
    """CREATE TABLE IF NOT EXISTS agent (run_id {text}, agent_id {text}, role {text},
        job {text}, rank {integer}, world_size {integer}, local_rank {integer}, host {text},
        pid {integer}, devices {text}, distribution {text}, activity {text}, source {text},
        time {timestamp})""",
    # The signed statements of a run (proof/, store/attestations.py): the newest counts.
    """CREATE TABLE IF NOT EXISTS attestation (run_id {text}, seq {integer}, keyid {text},
        public_key {text}, facts_sha256 {text}, envelope {text}, time {timestamp})""",
    "CREATE TABLE IF NOT EXISTS _run_seq (run_id {text} PRIMARY KEY, last_seq {integer})",
    "CREATE TABLE IF NOT EXISTS _journal (name {text} PRIMARY KEY, byte_offset {integer})",
    # Attributes beyond a set's column budget, one row per value (store/ingest/extra.py).
    """CREATE TABLE IF NOT EXISTS extra_value (run_id {text}, data_set_tag {text},
        task_id {text}, epoch {integer}, row_no {integer}, name {text}, value {real},
        text_value {text})""",
]

MIGRATIONS = [(1, "initial schema"), (2, "agent: the processes of a distributed run"),
              (3, "extra_value: attributes beyond a set's columns, as rows"),
              (4, "file.hash_method: how a file was hashed, or why it was not"),
              (5, "execution: run_name and tags (people's names for runs)"),
              (6, "attestation: runs signed by their training process")]
#: Columns a migration adds to a fixed table (a new table is one more FIXED_DDL entry):
#: version -> [(table, column, lattice type)]. A fresh store has them from FIXED_DDL, an
#: older one gets them from ``ingest.ddl.ensure_schema``.
ADDED_COLUMNS: dict[int, list[tuple[str, str, str]]] = {
    4: [("file", "hash_method", "text")],
    5: [("execution", "run_name", "text"), ("execution", "tags", "text")],
}


def fixed_ddl(dialect: str) -> list[str]:
    types = SQL_TYPES[dialect]
    return [stmt.format(**types) for stmt in FIXED_DDL]


def quote(name: str) -> str:
    """A SQL identifier, always quoted, safe for any string."""
    return '"' + name.replace("\x00", "").replace('"', '""') + '"'




def set_table(set_tag: str) -> str:
    return "ds_" + set_tag.lower()


def task_column(transformation: str) -> str:
    return transformation.lower() + "_task_id"


def column_name(name: str, taken: set[str]) -> str:
    """A unique, readable column name for an attribute name (case-insensitively unique)."""
    base = re.sub(r"\s+", "_", name.strip().lower().replace("\x00", "")) or "_"
    if base.endswith("_task_id") or base == "run_id":
        base += "_attr"  # those names are reserved for the columns that link rows to tasks
    elif base in BUILTIN_TYPES and name != base:
        base += "_attr"  # "Epoch" is a user attribute: the column "epoch" stays kerasprov's
    if len(base) > 60:
        base = base[:48] + "_" + hashlib.sha1(name.encode("utf-8", "replace")).hexdigest()[:10]
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base[:56]}_{n}"
        n += 1
    return candidate


def infer_type(value: object) -> str | None:
    """Lattice type of a JSON value; None for NULL (no information)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        if INT64[0] <= value <= INT64[1]:
            return "integer"
        return "real" if -(2**1023) <= value <= 2**1023 else "text"
    if isinstance(value, float):
        return "real"
    return "text"


def widen(a: str | None, b: str | None) -> str | None:
    if a is None:
        return b
    if b is None or a == b:
        return a
    if a == "timestamp" or b == "timestamp":
        return "text"
    return LATTICE[max(LATTICE.index(a), LATTICE.index(b))]


def convert(value: object, typ: str) -> object:
    """A JSON value as the Python value for a column of lattice type ``typ``."""
    if value is None:
        return None
    if typ == "text":
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return repr(value) if not isinstance(value, float) or math.isfinite(value) else \
                str(value)
        import json
        return json.dumps(value, sort_keys=True, default=str)
    if typ == "real":
        return float(value)
    if typ == "integer":
        return int(value)
    if typ == "boolean":
        return bool(value)
    return value


def to_datetime(value: object) -> dt.datetime | None:
    """Event timestamps are POSIX seconds; tables hold naive UTC timestamps."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromtimestamp(float(value), dt.timezone.utc).replace(tzinfo=None)
