"""Store answers as JSON and back: the one encoding the server and ``HttpStore`` share.

A DataFrame travels as ``{"columns", "rows", "datetime_columns", "truncated"}`` (NaN and
infinities as null); a dict of DataFrames, a PROV document (as PROV-JSON) and a path query
(its SQL, path and result) each have a tagged form, so the client rebuilds the same Python
object the local ``Store`` returns. A peer's answer is data: classes are rebuilt only from
an explicit registry (never by importing a name it sent), and any malformed answer is one
``MalformedAnswer``.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any

import pandas as pd

from ..errors import MalformedAnswer
from .lineage import Lineage
from .pathquery import PathQuery
from .records import records


def frame_body(df: pd.DataFrame) -> dict:
    """The JSON answer for a DataFrame (NaN and infinities become null)."""
    return {"columns": [str(c) for c in df.columns], "rows": records(df),
            "datetime_columns": [str(c) for c in df.columns
                                 if pd.api.types.is_datetime64_any_dtype(df[c])],
            # columns of mixed Python values (a diff's None beside 1) stay so, not NaN/float
            "object_columns": [str(c) for c in df.columns
                               if pd.api.types.is_object_dtype(df[c])],
            "truncated": bool(df.attrs.get("truncated", False))}


def frame(body: dict) -> pd.DataFrame:
    """A DataFrame from ``frame_body``'s answer (checked: columns are names, rows objects)."""
    cols = _list_of(body.get("columns"), str, "columns")
    rows = _list_of(body.get("rows"), dict, "rows")
    df = pd.DataFrame([[r.get(c) for c in cols] for r in rows], columns=cols)
    for c in _list_of(body.get("object_columns"), str, "object_columns"):
        if c in df.columns:
            df[c] = pd.Series([r.get(c) for r in rows], dtype=object)
    for c in _list_of(body.get("datetime_columns"), str, "datetime_columns"):
        if c in df.columns:
            df[c] = pd.to_datetime(df[c])
    df.attrs["truncated"] = body.get("truncated") is True
    return df


def _list_of(value: Any, kind: type, what: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, kind) for v in value):
        raise ValueError(f"{what} must be a list of {kind.__name__}")
    return value


def encode(value: Any) -> dict:
    """One store answer as a tagged JSON-safe dict."""
    if value is None:
        return {"type": "none"}
    if isinstance(value, pd.DataFrame):
        return {"type": "frame", **frame_body(value)}
    if isinstance(value, dict) and value and all(isinstance(v, pd.DataFrame)
                                                 for v in value.values()):
        return {"type": "frames", "frames": {k: frame_body(v) for k, v in value.items()}}
    from prov.model import ProvDocument
    if isinstance(value, ProvDocument):
        return {"type": "prov", "json": value.serialize(format="json")}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {}
        for f in dataclasses.fields(value):
            v = getattr(value, f.name)
            fields[f.name] = encode(v) if isinstance(v, pd.DataFrame) or v is None else v
        return {"type": "dataclass", "class": type(value).__qualname__, "fields": fields}
    return {"type": "json", "value": value}


def decode(body: Any, source: str = "the server") -> Any:
    """The Python answer from ``encode``'s form; anything else (a peer that is broken or
    hostile) raises one ``MalformedAnswer`` naming ``source``."""
    try:
        return _decode(body)
    except MalformedAnswer:
        raise
    except Exception as exc:  # noqa: BLE001 - any shape a peer sends is one clear error
        raise MalformedAnswer(f"{source} sent a malformed answer: {type(exc).__name__}: "
                              f"{str(exc)[:200]}") from None


def _decode(body: Any) -> Any:
    if not isinstance(body, dict):
        raise ValueError("an answer must be a JSON object")
    kind = body.get("type")
    if kind == "none":
        return None
    if kind == "frame":
        return frame(body)
    if kind == "frames":
        frames = body.get("frames")
        if not isinstance(frames, dict):
            raise ValueError("frames must be an object")
        return {str(k): frame(v if isinstance(v, dict) else {"rows": v})
                for k, v in frames.items()}
    if kind == "prov":
        from prov.model import ProvDocument
        if not isinstance(body.get("json"), str):
            raise ValueError("a PROV answer carries its PROV-JSON as text")
        return ProvDocument.deserialize(content=body["json"], format="json")
    if kind == "dataclass":
        return _dataclass(body)
    if kind == "json":
        return body.get("value")
    raise ValueError(f"unknown answer type {kind!r}")


def _dataclasses() -> dict[str, type]:
    """The only classes an answer may be rebuilt as, by name: an explicit registry, never an
    import of a name the peer sent."""
    return {"Lineage": Lineage, "PathQuery": PathQuery}


def _dataclass(body: dict) -> Any:
    classes = _dataclasses()
    cls = classes.get(body.get("class"))  # type: ignore[arg-type]
    if cls is None:
        raise MalformedAnswer(f"refusing to rebuild an answer as {str(body.get('class'))[:80]!r}"
                              f"; answers are one of: {', '.join(classes)}")
    given = body.get("fields")
    if not isinstance(given, dict):
        raise ValueError("a dataclass answer carries its fields as an object")
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = set(given) - names
    if unknown:
        raise ValueError(f"{cls.__name__} has no field {sorted(unknown)[0]!r}")
    fields = {}
    for name, value in given.items():
        if isinstance(value, dict) and "type" in value:
            value = _decode(value)
        fields[name] = _checked(value, hints[name], f"{cls.__name__}.{name}")
    return cls(**fields)


def _checked(value: Any, hint: Any, where: str) -> Any:
    """``value`` if it has the field's plain type (str, int, list of str...), else raise."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        for a in args:
            try:
                return _checked(value, a, where)
            except ValueError:
                continue
        raise ValueError(f"{where} has the wrong type")
    if hint is type(None):
        if value is None:
            return value
    elif origin is list:
        if isinstance(value, list):
            return [_checked(v, args[0], where) for v in value] if args else value
    elif hint is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
    elif isinstance(hint, type):
        if isinstance(value, hint) and not (hint is int and isinstance(value, bool)):
            return value
    else:
        return value
    raise ValueError(f"{where} has the wrong type")
