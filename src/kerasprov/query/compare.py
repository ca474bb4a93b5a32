"""``Store.compare``: runs side by side, one row per field and one column per run."""

from __future__ import annotations

import math

import pandas as pd

from .reads import total_order

_RUN_FIELDS = ("dataflow_tag", "status", "model", "model_class", "epochs", "duration_s")
# Fit settings shown when any run has them: they change what the metrics mean.
_CONFIG_FIELDS = ("class_weight", "initial_epoch", "continues_run")
_METRIC_KINDS = (("last_", "final"), ("best_", "best"), ("min_", "min"), ("max_", "max"),
                 ("test_", "test"))


def compare_rows(be, ids: list[str]) -> pd.DataFrame:
    """The comparison of runs ``ids`` (all known to exist) in one unit of work on ``be``;
    see ``Store.compare`` for the rows."""
    marks = ", ".join("?" for _ in ids)
    tables = be.table_names()

    def frame(table: str, where: str = "") -> pd.DataFrame:
        if table != "runs" and table not in tables:  # runs: a view, always there
            return pd.DataFrame({"run_id": []})
        # A run with several rows (a fit run twice) shows the same one on every engine.
        df = be.read_df(f"SELECT * FROM {table} WHERE run_id IN ({marks}){where}"
                        + total_order(be, table, "run_id"), ids)
        return df.drop_duplicates("run_id").set_index("run_id")

    summary = frame("runs")
    hyps = frame("ds_itrainingmodel")
    config = frame("ds_itrainingconfig")
    weights = frame("ds_itrainingdata", " AND role = 'sample_weight'")

    def column(df: pd.DataFrame, col: str) -> list:
        if col not in df.columns:
            return [None] * len(ids)
        return [_plain(df.at[r, col]) if r in df.index else None for r in ids]

    from .labels import run_labels, transformation_inputs
    labels = run_labels(be, ids)
    rows = [("label", "run", [labels.get(r) for r in ids])]
    for field in _RUN_FIELDS:
        values = column(summary, field)
        if field in summary.columns and (field not in ("model", "model_class")
                                         or _any(values)):
            rows.append((field, "run", values))
    inputs = transformation_inputs(be, ids)
    keys = list(dict.fromkeys(k for r in ids for k in inputs[r]))
    for tr, name in keys:  # what the person chose per run (a Filter's value): always shown
        rows.append((f"{tr}.{name}", "transformation", [inputs[r].get((tr, name))
                                                         for r in ids]))
    for col in hyps.columns:
        if col.endswith("_task_id"):
            continue
        values = column(hyps, col)
        if len({_same_key(v) for v in values}) > 1:
            rows.append((col, "hyperparameter", values))
    for col in _CONFIG_FIELDS:
        values = column(config, col)
        if col == "initial_epoch":
            values = [v or None for v in values]  # 0 is the default: say nothing
        if _any(values):
            rows.append((col, "config", values))
    sample = [_fingerprint(sha, shape) for sha, shape in
              zip(column(weights, "sha256"), column(weights, "shape"))]
    if _any(sample):
        rows.append(("sample_weight", "config", sample))
    for prefix, kind in _METRIC_KINDS:
        for col in summary.columns:
            if col.startswith(prefix):
                values = column(summary, col)
                if _any(values):  # a metric no run has says nothing
                    rows.append((col, kind, values))
    data = [[field, kind, *_tidy(field, kind, values)] for field, kind, values in rows]
    return pd.DataFrame(data, columns=["field", "kind", *ids], dtype=object)


def _tidy(field: str, kind: str, values: list) -> list:
    """Counts as integers (pandas widens an integer column with a missing value to float),
    durations to the millisecond."""
    present = [v for v in values if v is not None]
    if field == "duration_s" or field.endswith("elapsed_time"):
        return [round(v, 3) if isinstance(v, float) else v for v in values]
    if kind in ("run", "hyperparameter", "config") and present and all(
            isinstance(v, float) and v.is_integer() for v in present):
        return [int(v) if v is not None else None for v in values]
    return values


def _fingerprint(sha: str | None, shape: str | None) -> str | None:
    if not sha:
        return None
    return f"sha256:{sha[:12]}" + (f" shape {shape}" if shape else "")


def _any(values: list) -> bool:
    return any(v is not None for v in values)


def _plain(v):
    """numpy scalars and NaN as plain Python values (None for missing)."""
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    if v is pd.NaT:
        return None
    return v


def _same_key(v):
    v = _plain(v)
    return ("none",) if v is None else (type(v).__name__ == "str", v)
