"""Turn whatever a script hands us (numpy scalars, backend tensors, objects) into JSON values."""

from __future__ import annotations

import math
from typing import Any

from ..errors import warn_once

MAX_TEXT = 100_000
MAX_ITEMS = 10_000


def jsonable(value: Any, on_repr=None, _depth: int = 0) -> Any:
    """A JSON-safe Python value (None, bool, int, float, str, list, dict) for ``value``.

    Non-finite floats stay floats (the codec writes them safely). Objects with no data
    meaning are stored as their ``repr`` and reported through ``on_repr(value)``.
    """
    if value is None or isinstance(value, (bool, str)):
        return value[:MAX_TEXT] if isinstance(value, str) else value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return short_float(value)
    if _depth > 20:
        return _as_repr(value, on_repr)
    if isinstance(value, bytes):
        return value.decode("utf-8", "backslashreplace")[:MAX_TEXT]
    if isinstance(value, dict):
        return {str(k): jsonable(v, on_repr, _depth + 1)
                for k, v in list(value.items())[:MAX_ITEMS]}
    if isinstance(value, (list, tuple, set, frozenset)):
        seq = list(value)[:MAX_ITEMS]
        return [jsonable(v, on_repr, _depth + 1) for v in seq]
    try:
        import numpy as np
    except ImportError:  # pragma: no cover
        np = None
    if np is not None:
        if isinstance(value, np.generic):
            return jsonable(value.item(), on_repr, _depth + 1)
        if isinstance(value, np.ndarray):
            return _array(value, on_repr, _depth)
    if hasattr(value, "__array__") or type(value).__module__.startswith(("torch", "jax",
                                                                         "tensorflow")):
        try:
            import numpy as np
            return _array(np.asarray(_to_numpy(value)), on_repr, _depth)
        except Exception:
            return _as_repr(value, on_repr)
    if callable(value) and hasattr(value, "__name__"):
        return value.__name__
    cls = type(value).__name__
    if hasattr(value, "get_config") and cls[:1].isupper():
        return cls  # a Keras object (loss, metric, initializer...): its class names it
    return _as_repr(value, on_repr)


def _to_numpy(value):
    try:
        import keras
        return keras.ops.convert_to_numpy(value)
    except Exception:
        return value


def _array(arr, on_repr, depth):
    if arr.size == 1:
        return jsonable(arr.reshape(()).item(), on_repr, depth + 1)
    if arr.size > MAX_ITEMS:
        return f"<array shape={tuple(arr.shape)} dtype={arr.dtype}>"
    return jsonable(arr.tolist(), on_repr, depth + 1)


def _as_repr(value, on_repr):
    if on_repr is not None:
        on_repr(value)
    try:
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__} object>"
    return text[:1000]


_F32_MAX = 3.4028234663852886e38


def short_float(x: float) -> float:
    """A float that is exactly a float32 value, as the shortest decimal of that float32.

    Keras metrics and learning rates are float32 tensors handed over as Python floats, so
    ``0.001`` arrives as ``0.0010000000474974513``. Stored as ``0.001`` it reads as the
    user wrote it and still converts back to the very same float32: nothing is lost. A
    float that is not exactly a float32 value (most float64 values) is kept as it is.
    """
    x = float(x)
    if x == 0.0 or not (-_F32_MAX <= x <= _F32_MAX):  # zero, NaN, infinities, beyond float32
        return x
    import numpy as np
    f32 = np.float32(x)
    if float(f32) != x:
        return x
    return float(str(f32))


def same_float(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return a == b or (math.isnan(a) and math.isnan(b))


def run_status(error: BaseException | None) -> str:
    """The status a run or task ends with: ``finished``, ``interrupted`` (Ctrl+C, or
    ``sys.exit`` while it ran: the script chose to stop) or ``failed``."""
    if error is None:
        return "finished"
    if isinstance(error, (KeyboardInterrupt, SystemExit)):
        return "interrupted"
    return "failed"


def is_array(value) -> bool:
    """An array, tensor or DataFrame (not a scalar), judged without converting it."""
    if isinstance(value, type) or not (hasattr(value, "dtype") or hasattr(value, "dtypes")):
        return False
    try:
        return len(tuple(value.shape)) > 0
    except (AttributeError, TypeError, ValueError):  # no shape, or an unknown rank
        return False


def describe_array(value) -> str:
    shape = tuple(int(d) if d is not None else None for d in value.shape)
    return f"<{type(value).__name__} shape={shape} dtype={getattr(value, 'dtype', 'mixed')}>"


def epoch_row(epoch, ts: float, elapsed: float, logs: dict | None, lr) -> dict:
    """Writer thread: the ``otrainingmodel`` row of one epoch from what its end handed over
    (``Run.epoch_row``), as the event's part that is computed late.

    Float32 metrics are written as the shortest decimal of their float32 (0.001, not
    0.0010000000474974513); the times are kept as they are.
    """
    row = {"epoch": int(epoch), "timestamp": ts, "elapsed_time": elapsed}
    for key, value in (logs or {}).items():
        key = str(key)
        if key in row:  # a metric may not replace a column that kerasprov fills itself
            warn_once(f"reserved:{key}", f"metric {key!r} is not stored: {key!r} is the "
                                         "name of a column kerasprov fills itself")
        elif key != "learning_rate":
            row[key] = short_float(value) if type(value) is float \
                else jsonable(value, repr_warning(key))
    row["learning_rate"] = short_float(lr) if type(lr) is float else lr
    return {"rows": [row]}


def repr_warning(name: str):
    """``jsonable``'s ``on_repr`` for the value named ``name``: one warning per name."""
    def report(value):
        warn_once(f"repr:{name}", f"value of {name!r} is a {type(value).__name__}; "
                                  "it is stored as its repr() text")
    return report
