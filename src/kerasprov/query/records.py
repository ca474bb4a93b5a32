"""DataFrames as JSON-safe records: the one conversion the CLI, the pages and the API share."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any


def json_value(v: Any, seconds: bool = False) -> Any:
    """A cell as a JSON value: NaN and infinities become null, times ISO 8601 text.

    Args:
        v: the cell.
        seconds: times to the second with a space separator (for people), else full ISO.
    """
    if v is None:
        return None
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if seconds and isinstance(v, dt.datetime):
        return v.isoformat(sep=" ", timespec="seconds")
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if hasattr(v, "item"):  # numpy scalars
        try:
            return json_value(v.item(), seconds)
        except (ValueError, AttributeError):
            pass
    if isinstance(v, (bool, int, str)):
        return v
    return str(v)


def records(df, seconds: bool = False) -> list[dict]:
    """A DataFrame as a list of JSON-safe dicts, one per row."""
    cols = [str(c) for c in df.columns]
    return [{c: json_value(v, seconds) for c, v in zip(cols, row)}
            for row in df.itertuples(index=False, name=None)]
