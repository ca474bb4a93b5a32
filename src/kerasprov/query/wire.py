"""Store answers as JSON and back: the one encoding the server and ``HttpStore`` share.

A DataFrame travels as ``{"columns", "rows", "datetime_columns", "truncated"}`` (NaN and
infinities as null); a dict of DataFrames, a PROV document (as PROV-JSON) and a path query
(its SQL, path and result) each have a tagged form, so the client rebuilds the same Python
object the local ``Store`` returns.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

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
    """A DataFrame from ``frame_body``'s answer."""
    cols = body.get("columns") or []
    df = pd.DataFrame([[r.get(c) for c in cols] for r in body.get("rows") or []], columns=cols)
    for c in body.get("object_columns") or ():
        if c in df.columns:
            df[c] = pd.Series([r.get(c) for r in body.get("rows") or []], dtype=object)
    for c in body.get("datetime_columns") or ():
        if c in df.columns:
            df[c] = pd.to_datetime(df[c])
    df.attrs["truncated"] = bool(body.get("truncated"))
    return df


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
        return {"type": "dataclass", "class": type(value).__qualname__,
                "module": type(value).__module__, "fields": fields}
    return {"type": "json", "value": value}


def decode(body: dict) -> Any:
    """The Python answer from ``encode``'s form."""
    kind = body.get("type")
    if kind == "none":
        return None
    if kind == "frame":
        return frame(body)
    if kind == "frames":
        return {k: frame(v) for k, v in body["frames"].items()}
    if kind == "prov":
        from prov.model import ProvDocument
        return ProvDocument.deserialize(content=body["json"], format="json")
    if kind == "dataclass":
        cls = _dataclass(body["module"], body["class"])
        fields = {k: decode(v) if isinstance(v, dict) and "type" in v else v
                  for k, v in body["fields"].items()}
        return cls(**fields)
    if kind == "json":
        return body.get("value")
    raise ValueError(f"unknown answer type {kind!r}")


def _dataclass(module: str, qualname: str):
    """Only kerasprov's own dataclasses are rebuilt (never an arbitrary import)."""
    import importlib
    if not module.startswith("kerasprov."):
        raise ValueError(f"refusing to rebuild {module}.{qualname}")
    cls = importlib.import_module(module)
    for part in qualname.split("."):
        cls = getattr(cls, part)
    if not dataclasses.is_dataclass(cls):
        raise ValueError(f"{module}.{qualname} is not a dataclass")
    return cls
