"""The event schema: one pydantic-validated type per event, every field typed and bounded.

Events come from journals (which anyone who can write the store directory can forge) and
from HTTP batches, so every one is checked here before it reaches ingest:

- the envelope: ``run`` a short id, ``seq`` an integer 0..2**53, ``ts`` (and ``start``,
  ``end``, ``time``) POSIX seconds between 1970 and 2200, finite;
- names: dataflow and transformation tags follow the tag rule (names.py), data-set tags
  become table names (letters, digits, ``_``), link columns are ``<transformation>_task_id``;
- rows: a list of row objects or ``{"columns": {name: [value, ...]}}``, at most
  ``MAX_ROWS`` rows and ``MAX_ATTRIBUTES`` distinct attributes per event (names at most
  ``MAX_NAME`` characters). A value may be any JSON value: metrics may be NaN or infinite
  (that is data), except in the attributes kerasprov types itself (``BUILTIN_TYPES``:
  ``epoch`` is an integer, ``learning_rate`` a number...), which no event may retype.

What is kept rather than refused, so a journal line and the same event sent over HTTP
are stored alike (``codec.decode`` and the server apply both):

- a lone surrogate (a file name decoded with ``surrogateescape``) cannot be stored as
  UTF-8: it becomes the text ``\\udcff`` (``normalise``), as the journal writer writes it;
- an integer literal too large for a double (309 digits or more) is read as its decimal
  text (``parse_int``): a user attribute keeps it, in a text column of its own; a field that
  must be a number (``seq``, ``ts``, ``epoch``...) refuses it as text.

Extra top-level fields are allowed and ignored by ingest (newer clients may send more).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    Tag,
    TypeAdapter,
    ValidationError,
    with_config,
)
from typing_extensions import Required, TypedDict

from ..errors import InvalidEvent
from ..names import MAX_RUN_NAME, MAX_TAGS

FORMAT_VERSION = 1

#: Attributes kerasprov itself writes, with fixed types: no event may widen their columns.
BUILTIN_TYPES = {
    "timestamp": "timestamp", "epoch": "integer", "elapsed_time": "real",
    "learning_rate": "real", "previous_learning_rate": "real", "decay": "real",
    "momentum": "real", "num_epochs": "integer", "batch_size": "integer",
    "num_layers": "integer", "optimizer_name": "text", "technique": "text",
}

#: Distinct attributes per event (a set keeps some as columns, the rest as rows of its long
#: table: a run may log thousands of metrics).
MAX_ATTRIBUTES = 10_000
MAX_ROWS = 1_000_000  # rows per event
MAX_NAME = 10_000  # characters of an attribute name (it is mapped to a 60-character column)
MAX_TEXT = 100_000  # characters of a free-text field (command, error, path...)
MAX_SHORT = 1_000  # characters of a short field (host, user, versions, kind)
MAX_SEQ = 2**53  # the largest integer every JSON reader keeps exactly
TIME_MIN, TIME_MAX = 0.0, 7_258_118_400.0  # 1970-01-01 .. 2200-01-01 UTC
INT64 = (-(2**63), 2**63 - 1)

# -- field types ----------------------------------------------------------------------------
RunId = Annotated[StrictStr, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:@+-]{0,63}$")]
TaskId = Annotated[StrictStr, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:@+-]{0,199}$")]
# The tag rule of names.py (tags become parts of table names).
Tag_ = Annotated[StrictStr, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,40}$")]
SetTag = Annotated[StrictStr, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,59}$")]
LinkColumn = Annotated[StrictStr, Field(pattern=r"^[a-z][a-z0-9_]{0,50}_task_id$")]
Status = Annotated[StrictStr, Field(pattern=r"^[a-z][a-z_]{0,31}$")]
Short = Annotated[StrictStr, Field(max_length=MAX_SHORT)]
Text = Annotated[StrictStr, Field(max_length=MAX_TEXT)]
# A run's name or tag for people (names.check_run_name/check_tags): one printable line.
RunName = Annotated[StrictStr, Field(min_length=1, max_length=MAX_RUN_NAME,
                                     pattern=r"^[^\x00-\x1f\x7f]+$")]
# (A strict float accepts an int, never a bool or a string.)
Seconds = Annotated[float, Field(ge=TIME_MIN, le=TIME_MAX, allow_inf_nan=False)]
Seq = Annotated[StrictInt, Field(ge=0, le=MAX_SEQ)]
Int64 = Annotated[StrictInt, Field(ge=INT64[0], le=INT64[1])]
Count = Annotated[StrictInt, Field(ge=0, le=INT64[1])]
# Real columns take any number a double holds (NaN and infinities are data); a timestamp
# attribute is POSIX seconds, and one outside the years 1..9999 is stored as NULL.
_CELL = {"integer": Int64, "real": float, "timestamp": float, "text": Any}


def _fixed(kind: str, as_list: bool):
    typ = _CELL[kind] if kind == "text" else _CELL[kind] | None
    return list[typ] if as_list else typ


_STRICT = ConfigDict(strict=True)

# A row object: kerasprov's own attributes typed, any other attribute any JSON value.
Row = TypedDict("Row", {name: _fixed(kind, False) for name, kind in BUILTIN_TYPES.items()},
                total=False, extra_items=Any)
ColumnsDict = TypedDict("ColumnsDict", {name: _fixed(kind, True)
                                        for name, kind in BUILTIN_TYPES.items()},
                        total=False, extra_items=list[Any])


def _same_length(columns: dict) -> dict:
    lengths = set(map(len, columns.values()))
    if len(lengths) > 1:
        raise ValueError("the columns of a columnar payload differ in length")
    if lengths and max(lengths) > MAX_ROWS:
        raise ValueError(f"at most {MAX_ROWS} rows per event")
    _check_names(columns)
    return columns


@with_config(_STRICT)
class Columnar(TypedDict):
    """``{"columns": {name: [value, ...]}}``: every list as long (bulk loads)."""

    columns: Annotated[ColumnsDict, Field(max_length=MAX_ATTRIBUTES),
                       AfterValidator(_same_length)]


def _rows_kind(value: Any) -> str | None:
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict) and set(value) == {"columns"}:
        return "columns"
    return None


def _row_names(rows: list) -> list:
    if rows:
        _check_names(rows[0].keys() if len(rows) == 1 else set().union(*rows))
    return rows


RowList = Annotated[list[Row], Field(max_length=MAX_ROWS), AfterValidator(_row_names)]
RowsPayload = Annotated[
    Annotated[RowList, Tag("list")] | Annotated[Columnar, Tag("columns")],
    Discriminator(_rows_kind, custom_error_type="rows_shape",
                  custom_error_message='needs a list in \'rows\', or {"columns": '
                                       '{name: [value, ...]}}')]


def _check_names(names) -> None:
    if len(names) > MAX_ATTRIBUTES:
        raise ValueError(f"at most {MAX_ATTRIBUTES} attributes per event; got {len(names)}")
    if names and max(map(len, names)) > MAX_NAME:
        raise ValueError(f"an attribute name is longer than {MAX_NAME} characters")


# -- the events -----------------------------------------------------------------------------
# TypedDicts that pydantic validates (the same constraints as BaseModels, half the cost: no
# model object is built, and a journal holds millions of lines). Every event may carry
# fields of a newer format (extra_items): ingest ignores them.
@with_config(_STRICT)
class Event(TypedDict, total=False, extra_items=Any):
    """The envelope every event carries."""

    v: Annotated[StrictInt, Field(ge=FORMAT_VERSION, le=FORMAT_VERSION)] | None
    run: Required[RunId]
    seq: Required[Seq]
    type: Required[str]
    ts: Seconds | None


class RunStart(Event, total=False, extra_items=Any):
    type: Required[Literal["run_start"]]
    dataflow: Required[Tag_]
    start: Seconds | None
    host: Short | None
    user: Short | None
    pid: Annotated[StrictInt, Field(ge=0, le=2**32)] | None
    script: Text | None
    command: Text | None
    keras_version: Short | None
    backend: Short | None
    environment: dict[str, Any] | None
    name: RunName | None
    tags: Annotated[list[RunName], Field(max_length=MAX_TAGS)] | None


class RunEnd(Event, total=False, extra_items=Any):
    type: Required[Literal["run_end"]]
    status: Required[Status]
    error: Text | None
    end: Seconds | None


class TaskStart(Event, total=False, extra_items=Any):
    type: Required[Literal["task_start"]]
    task: Required[TaskId]
    transformation: Required[Tag_]
    inputs: Annotated[list[SetTag], Field(max_length=MAX_SHORT)] | None
    outputs: Annotated[list[SetTag], Field(max_length=MAX_SHORT)] | None
    informed_by: TaskId | None
    start: Seconds | None


class TaskEnd(Event, total=False, extra_items=Any):
    type: Required[Literal["task_end"]]
    task: Required[TaskId]
    status: Required[Status]
    error: Text | None
    end: Seconds | None
    run_status: StrictBool | None


class Rows(Event, total=False, extra_items=Any):
    type: Required[Literal["rows"]]
    task: Required[TaskId]
    set: Required[SetTag]
    transformation: Tag_ | None
    links: Annotated[dict[LinkColumn, TaskId | None], Field(max_length=16)] | None
    rows: Required[RowsPayload]


class File(Event, total=False, extra_items=Any):
    type: Required[Literal["file"]]
    task: Required[TaskId | None]
    path: Required[Text]
    role: Required[Literal["used", "generated"]]
    kind: Short | None
    size: Count | None
    sha256: Annotated[StrictStr, Field(pattern=r"^[0-9a-f]{64}$")] | None
    hash_method: Short | None
    epoch: Count | None
    time: Seconds | None


class Heartbeat(Event, total=False, extra_items=Any):
    type: Required[Literal["heartbeat"]]


class Agent(Event, total=False, extra_items=Any):
    """A process of a distributed job working on run ``of`` (capture/distributed.py); its
    stream holds only this event, no run_start."""

    type: Required[Literal["agent"]]
    of: Required[RunId]
    agent: Required[Short]
    role: Short | None
    job: Short | None
    rank: Count | None
    world_size: Count | None
    local_rank: Count | None
    host: Short | None
    pid: Count | None
    devices: Any
    distribution: Any
    activity: RunId | None
    source: Short | None
    time: Seconds | None


class Attestation(Event, total=False, extra_items=Any):
    """A DSSE envelope of the run signed by the training process at its end (proof/)."""

    type: Required[Literal["attestation"]]
    envelope: Required[Annotated[dict[str, Any], Field(max_length=16)]]
    keyid: Short | None
    public_key: Text | None
    facts_sha256: Annotated[StrictStr, Field(pattern=r"^[0-9a-f]{64}$")] | None
    subjects: Count | None


MODELS: dict[str, type] = {"run_start": RunStart, "run_end": RunEnd, "task_start": TaskStart,
                           "task_end": TaskEnd, "rows": Rows, "file": File,
                           "heartbeat": Heartbeat, "agent": Agent,
                           "attestation": Attestation}
_ADAPTERS = {name: TypeAdapter(model) for name, model in MODELS.items()}
# The adapters' core validators, called directly (a journal holds millions of lines).
_VALIDATE = {name: adapter.validator.validate_python for name, adapter in _ADAPTERS.items()}


def required(kind: str) -> tuple[str, ...]:
    """The fields an event of type ``kind`` must carry, besides run, seq and type."""
    schema = _ADAPTERS[kind].json_schema()
    return tuple(k for k in schema.get("required", ()) if k not in ("run", "seq", "type"))


# -- validation -----------------------------------------------------------------------------
def validate(obj: Any) -> dict:
    """Check one decoded event against its model; returns it (unchanged) or raises
    InvalidEvent naming the field, e.g. ``rows[0].epoch: must be an integer``."""
    if not isinstance(obj, dict):
        raise InvalidEvent(f"an event must be a JSON object, got {type(obj).__name__}")
    kind = obj.get("type")
    check = _VALIDATE.get(kind) if isinstance(kind, str) else None
    if check is None:
        if not isinstance(kind, str):
            raise InvalidEvent(f"event field 'type' must be a string; got {_short(kind)}",
                               field="type")
        raise InvalidEvent(f"unknown event type {kind!r}; known: {', '.join(sorted(MODELS))}",
                           field="type")
    try:
        check(obj)
    except ValidationError as exc:
        raise _refusal(kind, exc) from None
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:  # pragma: no cover
        raise InvalidEvent(f"event {kind!r} is malformed: {exc}") from None
    return obj


def _refusal(kind: str, exc: ValidationError) -> InvalidEvent:
    errors = exc.errors(include_url=False)
    missing = [_path(e["loc"]) for e in errors if e["type"] == "missing" and len(e["loc"]) == 1]
    if missing:
        return InvalidEvent(f"event {kind!r} lacks {', '.join(missing)}", field=missing[0])
    first = errors[0]
    loc, reason = first["loc"], _reason(first)
    if "[key]" in loc:  # the key of an object is wrong, not its value
        at = loc.index("[key]")
        loc, reason = loc[:at - 1], f"key {_short(loc[at - 1])} {reason}"
    path = _path(loc)
    more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
    return InvalidEvent(f"event {kind!r}: field {path}: {reason}{more}", field=path)


# Union member tags pydantic puts in an error's location: not part of the field's path.
_UNION_TAGS = {"list", "columns"}


def _path(loc: tuple) -> str:
    out = ""
    for i, part in enumerate(loc):
        if isinstance(part, int):
            out += f"[{part}]"
        elif i == 1 and loc[0] == "rows" and part in _UNION_TAGS:
            continue
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", part or ""):
            out += ("." if out else "") + part
        else:
            out += f"[{_short(part)}]"
    return out or "(event)"


_TIME_FIELDS = ("ts", "start", "end", "time")
_REASONS = {
    "int_type": "must be an integer", "float_type": "must be a number",
    "string_type": "must be a string", "bool_type": "must be true or false",
    "list_type": "must be a list", "dict_type": "must be an object",
    "model_type": "must be an object", "literal_error": None, "missing": "is missing",
    "string_pattern_mismatch": "is not a valid name here",
    "finite_number": "must be a finite number", "extra_forbidden": "is not allowed here",
    "string_unicode": "must be text without lone surrogates (decode JSON with codec.decode)",
}


def _reason(err: dict) -> str:
    typ, msg = err["type"], err["msg"]
    if typ == "value_error":
        return msg.removeprefix("Value error, ")
    if typ in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        lo_hi = {"greater_than_equal": ">=", "less_than_equal": "<=", "greater_than": ">",
                 "less_than": "<"}[typ]
        bound = next(iter((err.get("ctx") or {}).values()), "?")
        if err["loc"] and err["loc"][-1] in _TIME_FIELDS:
            return f"must be POSIX seconds between 1970 and 2200; got {_short(err['input'])}"
        return f"must be {lo_hi} {bound}; got {_short(err['input'])}"
    if typ in ("too_long", "too_short"):
        return msg.replace("Dictionary", "object").replace("List", "list")
    base = _REASONS.get(typ) or msg
    return f"{base}; got {_short(err.get('input'))}"


def _short(value: Any) -> str:
    text = repr(value) if not isinstance(value, int) or abs(value) < 10**30 else \
        f"an integer of {len(str(abs(value)))} digits"
    return text if len(text) <= 60 else text[:57] + "..."


# -- normalisation ----------------------------------------------------------------------------
_SURROGATE = re.compile("[\ud800-\udfff]")
#: Integer literals of this many digits or more are kept as text (see the module docstring).
HUGE_DIGITS = 309


def parse_int(literal: str) -> int | str:
    """``json.loads``'s ``parse_int``: an integer a double cannot hold stays its text (no
    400-digit or 5,000-digit integer reaches a column, nor Python's int-from-text limit)."""
    return int(literal) if len(literal.lstrip("-")) < HUGE_DIGITS else literal


def has_surrogates(text: str | bytes) -> bool:
    """Cheap test on a JSON text: may its decoded value hold a lone surrogate?"""
    if isinstance(text, bytes):
        return b"\\u" in text
    return "\\u" in text or (not text.isascii() and _SURROGATE.search(text) is not None)


def _escape(text: str) -> str:
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def normalise(value: Any, _depth: int = 0) -> Any:
    """A copy of a decoded JSON value with every lone surrogate (in keys and values) written
    as the text ``\\udcff``, as the journal writer writes it."""
    if isinstance(value, str):
        return _escape(value) if not value.isascii() else value
    if _depth > 200:
        return value
    if isinstance(value, dict):
        return {normalise(k, _depth + 1): normalise(v, _depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v, _depth + 1) for v in value]
    return value
