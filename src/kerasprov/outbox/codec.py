"""Events as JSON lines: the journal format and the HTTP wire format.

Standard JSON has no NaN or infinity, and metrics can be either. Non-finite floats are
written as ``{"$float": "nan" | "inf" | "-inf"}`` so that every line is strict JSON (any
reader, any server) and decoding gives back the exact IEEE value.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from pydantic_core import from_json

from ..errors import InvalidEvent
from . import events
from .events import FORMAT_VERSION  # noqa: F401 - re-exported

#: Every event type and the payload keys it must carry (besides run, seq, type, ts); the
#: full schema, every field typed and bounded, is in events.py.
EVENT_TYPES: dict[str, tuple[str, ...]] = {name: events.required(name) for name in events.MODELS}

_SPECIAL = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}
_LONG_INT = re.compile(rb"[0-9]{%d}" % events.HUGE_DIGITS)
_DIGITS = b"0123456789"


def _needs_hooks(line: bytes) -> bool:
    """Whether a line may hold a non-finite float or an integer literal too long for a
    double (a match inside a string only costs the slower decoding, with the same result).
    Counting digits first (in C) spares most lines the regular expression."""
    if b"$float" in line:
        return True
    return len(line) - len(line.translate(None, _DIGITS)) >= events.HUGE_DIGITS and \
        _LONG_INT.search(line) is not None


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
    try:  # almost every event: no NaN or infinity anywhere, so no walk over it first
        return json.dumps(event, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except ValueError:
        pass
    return json.dumps(_prepare(event), separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)


def decode(line: str | bytes) -> dict:
    """Parse and validate one event line; raises InvalidEvent naming the bad field.

    Lone surrogates become text escapes and integers beyond a double's range stay text
    (see events.py), so a journal line and the same event sent over HTTP are stored alike.
    """
    surrogates = events.has_surrogates(line)
    raw = line if isinstance(line, bytes) else line.encode("utf-8", "surrogatepass")
    try:
        obj = None
        if not (surrogates or _needs_hooks(raw)):
            # A line with no "$float", no long integer and no \u escape: pydantic-core's
            # parser (Rust, three times json's speed) reads it exactly as json.loads does;
            # what it refuses (e.g. nesting past its limit) json.loads judges below.
            try:
                obj = from_json(line)
            except ValueError:
                pass
        if obj is None:
            obj = json.loads(line, object_hook=_restore, parse_int=events.parse_int)
    except (ValueError, RecursionError) as exc:
        raise InvalidEvent(f"event is not valid JSON: {exc}") from None
    if surrogates:
        obj = events.normalise(obj)
    return events.validate(obj)


def validate(obj: Any) -> dict:
    """Check one decoded event against the schema (events.py); returns it unchanged."""
    return events.validate(obj)
