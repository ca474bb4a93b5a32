"""Tables for people (the CLI's ``--format table``): cells as a person reads them.

- Missing values (None, NaN, NaT) are blank, not ``None``/``NaN`` side by side.
- A float prints as its shortest repr (``0.001``; capture stores float32 metrics as the
  shortest decimal of the float32, see ``capture/values.short_float``), or to 12 digits
  when the repr is float64 arithmetic noise (``0.27900899999999995``); a column of whole
  floats (integers that pandas widened because of a missing value) prints as integers;
  times and durations print to the millisecond.
- Text longer than a column should be (JSON configurations) is cut with ``…``, paths
  never; the JSON and CSV formats always carry every byte.
- ``show`` is laid out by ``show_sections``: one-row sections as ``field  value`` lines
  (JSON objects spread into ``name.key`` lines), per-row sections without the columns that
  only link rows (run and task ids), and the run's metrics as one small table.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import pandas as pd

MAX_CELL = 80
_TIMELIKE = ("duration_s", "elapsed_time", "test_elapsed_time")
_LINKS = ("run_id", "dataflow_tag")


def _missing(v: Any) -> bool:
    if v is None or v is pd.NaT:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    try:
        return bool(pd.isna(v)) if not isinstance(v, (str, bytes, list, dict)) else False
    except (TypeError, ValueError):
        return False


def _plain(v: Any) -> Any:
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        try:
            return v.item()
        except (ValueError, AttributeError):
            return v
    return v


def cell(v: Any, col: str = "", whole: bool = False, width: int = MAX_CELL) -> str:
    """One value as text for a person.

    Args:
        v: the value.
        col: its column name (durations print to the millisecond).
        whole: the column holds only whole numbers: print floats as integers.
        width: longest text printed; longer text is cut with ``…``.
    """
    if _missing(v):
        return ""
    v = _plain(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        if whole:
            return str(int(v))
        if col in _TIMELIKE or col.endswith("_s"):
            return f"{v:.3f}"
        return _shortest(v)
    if isinstance(v, pd.Timestamp):
        v = v.to_pydatetime()
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ", timespec="milliseconds" if v.microsecond else "seconds")
    if isinstance(v, (list, dict)):
        v = json.dumps(v, ensure_ascii=False)
    text = str(v).replace("\n", " ")
    if col.endswith("path"):
        return text  # cut, a path is useless: it is the one thing to copy whole
    return text if len(text) <= width else text[:width - 1] + "…"


def _shortest(v: float) -> str:
    """repr, unless it shows float64 arithmetic noise (15+ significant digits, as in
    ``0.27900899999999995``, a difference of two float32 metrics): then 12 digits."""
    text = repr(v)
    mantissa = text.split("e")[0].replace("-", "").replace(".", "").lstrip("0")
    return f"{v:.12g}" if len(mantissa) >= 15 else text


def _whole_columns(df: pd.DataFrame) -> set[str]:
    """Columns of whole numbers only, some as floats (pandas widens an integer column
    with a missing value to float): they print as integers."""
    out = set()
    for col in df.columns:
        values = [_plain(v) for v in df[col].tolist() if not _missing(v)]
        if any(isinstance(v, float) for v in values) and all(
                isinstance(v, (int, float)) and not isinstance(v, bool)
                and float(v).is_integer() for v in values):
            out.add(str(col))
    return out


def text_frame(df: pd.DataFrame, drop_empty: bool = False, width: int = MAX_CELL) -> pd.DataFrame:
    """``df`` with every cell as display text (columns missing in every row dropped when
    ``drop_empty``)."""
    if drop_empty and len(df):
        df = df[[c for c in df.columns if not all(_missing(v) for v in df[c].tolist())]]
    whole = _whole_columns(df)
    data = {str(c): [cell(v, str(c), str(c) in whole, width) for v in df[c].tolist()]
            for c in df.columns}
    return pd.DataFrame(data, columns=[str(c) for c in df.columns])


def table_text(df: pd.DataFrame, drop_empty: bool = False) -> str:
    """A DataFrame as an aligned text table (``(no rows)`` when empty)."""
    if df.empty:
        return "(no rows)" if len(df.columns) else "(nothing)"
    text = text_frame(df, drop_empty)
    return _aligned(list(text.columns), text.values.tolist())


def _aligned(header: list[str], rows: list[list[str]]) -> str:
    """Columns two spaces apart; numbers right-aligned, text left-aligned."""
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]
    numeric = [all(_looks_numeric(r[i]) for r in rows) for i in range(len(header))]

    def line(values):
        parts = [v.rjust(w) if num else v.ljust(w)
                 for v, w, num in zip(values, widths, numeric)]
        return "  ".join(parts).rstrip()
    return "\n".join([line(header), *(line(r) for r in rows)])


def _looks_numeric(text: str) -> bool:
    if text == "":
        return True
    try:
        float(text)
        return True
    except ValueError:
        return False


def runs_for_table(df: pd.DataFrame) -> pd.DataFrame:
    """``kerasprov runs`` as a table: the columns that fit a screen. ``end_time`` (start
    and duration say it), ``run_name`` (the label says it), ``host`` and user
    transformation inputs (``Filter.filter_name``) when every run has the same one, and
    the summary columns ``best_``/``min_``/``max_`` are left out (``--all`` keeps them)."""
    drop = [c for c in df.columns if str(c).startswith(("best_", "min_", "max_"))]
    drop += [c for c in ("end_time", "run_name") if c in df.columns]  # the label says it
    if len(df) > 1:  # a user transformation's input that every listed run shares
        drop += [c for c in df.columns if "." in str(c)
                 and df[c].astype(str).nunique(dropna=False) <= 1]
    if "host" in df.columns and df["host"].nunique(dropna=False) <= 1:
        drop.append("host")
    return df.drop(columns=drop)


# -- kerasprov show ---------------------------------------------------------------------------
def fields_text(pairs: list[tuple[str, Any]], width: int = 100) -> str:
    """``field  value`` lines; missing values left out, JSON objects spread one level."""
    rows = []
    for name, value in pairs:
        if _missing(value):
            continue
        obj = _json_object(value)
        if obj is not None:
            for key, inner in obj.items():
                if not _missing(inner):
                    rows.append([f"{name}.{key}", cell(inner, str(key), width=width)])
            continue
        rows.append([name, cell(value, name, width=width)])
    if not rows:
        return "(nothing)"
    pad = max(len(r[0]) for r in rows)
    return "\n".join(f"{k.ljust(pad)}  {v}" for k, v in rows)


def _json_object(value: Any) -> dict | None:
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        try:
            obj = json.loads(value)
        except ValueError:
            return None
        return obj if isinstance(obj, dict) else None
    return None


def _first_row(df: pd.DataFrame, skip=()) -> list[tuple[str, Any]]:
    if df.empty:
        return []
    row = df.iloc[0]
    return [(str(c), row[c]) for c in df.columns
            if str(c) not in skip and not str(c).endswith("_task_id")]


def _short_task(task: Any, run_id: str) -> Any:
    """``<run id>-trainingmodel-1`` as ``trainingmodel-1`` inside its own run's listing."""
    if isinstance(task, str) and task.startswith(run_id + "-"):
        return task[len(run_id) + 1:]
    return task


def metrics_table(run: pd.DataFrame) -> pd.DataFrame:
    """The run's metrics: one row per metric with its last, best (or min and max, for a
    metric of unknown direction) and test value."""
    if run.empty:
        return pd.DataFrame()
    row = run.iloc[0]
    kinds = ("last", "best", "min", "max", "test")
    found: dict[str, dict[str, Any]] = {}
    for col in run.columns:
        col = str(col)
        for kind in kinds:
            if col.startswith(kind + "_") and not _missing(row[col]):
                found.setdefault(col[len(kind) + 1:], {})[kind] = row[col]
    used = [k for k in kinds if any(k in v for v in found.values())]
    data = [[name, *[vals.get(k) for k in used]] for name, vals in found.items()]
    return pd.DataFrame(data, columns=["metric", *used], dtype=object)


def title_of(sections: dict[str, pd.DataFrame]) -> str:
    """``kerasprov show``'s first line: ``run <id> · <label> (<status>)``."""
    run = sections.get("run", pd.DataFrame())
    if run.empty:
        return "run"
    row = run.iloc[0]
    label = row.get("label")
    status = row.get("status")
    return (f"run {row['run_id']}" + (f" · {label}" if not _missing(label) else "")
            + (f" ({status})" if not _missing(status) else ""))


def show_sections(sections: dict[str, pd.DataFrame]) -> list[tuple[str, str]]:
    """``kerasprov show``: (title, text) per section, as a person reads a run."""
    run = sections.get("run", pd.DataFrame())
    run_id = str(run.iloc[0]["run_id"]) if not run.empty else ""
    out = []
    summary = [p for p in _first_row(run) if not p[0].startswith(
        ("last_", "best_", "min_", "max_", "test_"))]
    hyp_cols = set(sections.get("hyperparameters", pd.DataFrame()).columns)
    summary = [p for p in summary if p[0] not in hyp_cols or p[0] in ("run_id",)]
    execution = _first_row(sections.get("execution", pd.DataFrame()),
                           skip=("run_id", "dataflow_tag", "status", "start_time", "end_time",
                                 "host", "error", "last_seen", "run_name", "tags"))
    summary += [(("environment" if k == "environment" else k), v) for k, v in execution]
    reproduces = _reproduces(sections.get("execution", pd.DataFrame()))
    if reproduces:  # a `kerasprov rerun` of that run (proof/rerun.py)
        summary.insert(1, ("reproduces", reproduces))
    out.append(("run", fields_text(summary)))
    trans = sections.get("transformations")
    if trans is not None and not trans.empty:
        out.append(("transformations", table_text(trans)))
    out.append(("hyperparameters", fields_text(
        _first_row(sections.get("hyperparameters", pd.DataFrame()), skip=("run_id",)))))
    out.append(("config", fields_text(
        _first_row(sections.get("config", pd.DataFrame()), skip=("run_id",)))))
    out.append(("metrics", table_text(metrics_table(run))))
    layers = sections.get("layers", pd.DataFrame())
    if "layer_index" in layers.columns:
        layers = layers[["layer_index", *[c for c in layers.columns if c != "layer_index"]]]
    out.append(("layers", table_text(_drop(layers, ("config",)), drop_empty=True)))
    for name in ("epochs", "adaptations", "tests"):
        df = _drop(sections.get(name, pd.DataFrame()), ("timestamp",))
        out.append((name, table_text(df, drop_empty=True)))
    tasks = sections.get("tasks", pd.DataFrame()).copy()
    if not tasks.empty:
        for col in ("task_id", "informed_by"):
            if col in tasks.columns:
                tasks[col] = [_short_task(t, run_id) for t in tasks[col]]
    out.append(("tasks", table_text(_drop(tasks, ()), drop_empty=True)))
    files = sections.get("files", pd.DataFrame()).copy()
    if not files.empty:
        if "sha256" in files.columns:
            files["sha256"] = [s[:12] if isinstance(s, str) else s for s in files["sha256"]]
        if "task_id" in files.columns:
            files["task_id"] = [_short_task(t, run_id) for t in files["task_id"]]
        order = [c for c in ("role", "kind", "epoch", "size", "sha256", "hash_method",
                             "task_id", "time", "path") if c in files.columns]
        files = files[order + [c for c in files.columns if c not in order]]
    out.append(("files", table_text(_drop(files, ()), drop_empty=True)))
    return out


def _reproduces(execution: pd.DataFrame) -> str | None:
    if execution.empty or "environment" not in execution.columns:
        return None
    try:
        env = json.loads(execution.iloc[0]["environment"] or "{}")
    except (TypeError, ValueError):
        return None
    return env.get("reproduces") if isinstance(env, dict) else None


def _drop(df: pd.DataFrame, extra: tuple[str, ...]) -> pd.DataFrame:
    """Without the columns that only link rows (ids of the run shown, task ids)."""
    if df.empty:
        return df
    keep = [c for c in df.columns if str(c) not in _LINKS and str(c) not in extra
            and not str(c).endswith("_task_id")]
    return df[keep]
