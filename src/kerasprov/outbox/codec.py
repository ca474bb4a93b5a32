"""Events as JSON lines: the journal format and the HTTP wire format.

Standard JSON has no NaN or infinity, and metrics can be either. Non-finite floats are
written as ``{"$float": "nan" | "inf" | "-inf"}`` so that every line is strict JSON (any
reader, any server) and decoding gives back the exact IEEE value.
"""

from __future__ import annotations

import json
import math
from typing import Any

from ..errors import InvalidEvent

FORMAT_VERSION = 1

#: Every event type and the payload keys it must carry (besides run, seq, type, ts).
EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "run_start": ("dataflow",),
    "run_end": ("status",),
    "task_start": ("task", "transformation"),
    "task_end": ("task", "status"),
    "rows": ("task", "set", "rows"),
    "file": ("task", "path", "role"),
    "heartbeat": (),
    # A process of a distributed job that works on run ``of`` (see capture/distributed.py);
    # it needs no run_start: a worker's own stream holds only this event.
    "agent": ("of", "agent"),
}

_SPECIAL = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


def _prepare(value: Any) -> Any:
    if isinstance(value, float):
        if math.isnan(value):
            return {"$float": "nan"}
        if math.isinf(value):
            return {"$float": "inf" if value > 0 else "-inf"}
        return value
    if isinstance(value, dict):
        return {str(k): _prepare(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_prepare(v) for v in value]
    return value


def _restore(obj: dict) -> Any:
    if len(obj) == 1 and "$float" in obj:
        try:
            return _SPECIAL[obj["$float"]]
        except (KeyError, TypeError):
            raise InvalidEvent(f"bad $float value: {obj['$float']!r}") from None
    return obj


def encode(event: dict) -> str:
    """One event as one strict-JSON line (no trailing newline)."""
    return json.dumps(_prepare(event), separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)


def decode(line: str | bytes) -> dict:
    """Parse and validate one event line; raises InvalidEvent with the reason."""
    try:
        obj = json.loads(line, object_hook=_restore)
    except (ValueError, RecursionError) as exc:
        raise InvalidEvent(f"event is not valid JSON: {exc}") from None
    return validate(obj)


def validate(obj: Any) -> dict:
    """Check the envelope and the required keys of one decoded event."""
    if not isinstance(obj, dict):
        raise InvalidEvent(f"an event must be a JSON object, got {type(obj).__name__}")
    for key, kind in (("run", str), ("seq", int), ("type", str)):
        if not isinstance(obj.get(key), kind) or isinstance(obj.get(key), bool):
            raise InvalidEvent(f"event field {key!r} must be {kind.__name__}; got {obj.get(key)!r}")
    if not obj["run"] or len(obj["run"]) > 64:
        raise InvalidEvent(f"event run id must be 1-64 characters; got {obj['run']!r}")
    if obj["seq"] < 0:
        raise InvalidEvent(f"event seq must be >= 0; got {obj['seq']}")
    required = EVENT_TYPES.get(obj["type"])
    if required is None:
        raise InvalidEvent(
            f"unknown event type {obj['type']!r}; known: {', '.join(sorted(EVENT_TYPES))}")
    missing = [k for k in required if k not in obj]
    if missing:
        raise InvalidEvent(f"event {obj['type']!r} lacks {', '.join(missing)}")
    if obj["type"] == "rows" and not isinstance(obj["rows"], list):
        _check_columnar(obj["rows"])
    return obj


def _check_columnar(rows: Any) -> None:
    """'rows' is a list of row objects, or columnar: {"columns": {name: [value, ...]}}
    with every list as long (bulk loads: no per-row objects to build or parse)."""
    columns = rows.get("columns") if isinstance(rows, dict) and len(rows) == 1 else None
    if not isinstance(columns, dict):
        raise InvalidEvent("event 'rows' needs a list in 'rows', or "
                           '{"columns": {name: [value, ...]}}')
    if not all(isinstance(v, list) for v in columns.values()):
        raise InvalidEvent("event 'rows': every column of a columnar payload must be a list")
    if len({len(v) for v in columns.values()}) > 1:
        raise InvalidEvent("event 'rows': the columns of a columnar payload differ in length")
