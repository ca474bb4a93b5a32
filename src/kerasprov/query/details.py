"""What the run page and the compare page show, read with parameters in one unit of work:
``Store`` declares each as a read method (query/surface.py); the pages only render them."""

from __future__ import annotations

import json

from ..names import is_built_in
from ..store.schema import quote, set_table, task_column
from .diff import differences
from .labels import run_labels
from .overview import run_columns
from .reads import check_run, run_sections, total_order
from .records import records

_EPOCH_NOT_METRIC = {"dataflow_tag", "run_id", "epoch", "learning_rate", "elapsed_time",
                     "timestamp", "extra_metrics"}  # (a JSON object of the long attributes)


def _rows(be, sql: str, params=()) -> list[dict]:
    return records(be.read_df(sql, list(params)), seconds=True)


def metric_charts(columns: list[str]) -> list[dict]:
    """One chart per metric: ``loss`` with ``val_loss``, ``accuracy`` with ``val_accuracy``."""
    cols = [c for c in columns if c not in _EPOCH_NOT_METRIC and not c.endswith("_task_id")]
    charts, seen = [], set()
    for c in cols:
        base = c[4:] if c.startswith("val_") and c[4:] in cols else c
        if base in seen:
            continue
        seen.add(base)
        series = [{"name": "train" if not base.startswith("val_") else "validation",
                   "column": base}]
        if "val_" + base in cols:
            series.append({"name": "validation", "column": "val_" + base})
        charts.append({"metric": base, "series": series})
    return charts


def run_details(be, run_id: str, spec: str) -> dict:
    """Everything the run page shows about one run (JSON-safe)."""
    check_run(be, run_id, spec)
    tables = be.table_names()
    sections = {name: records(df, seconds=True) for name, df in run_sections(
        be, run_id, ("run", "execution", "epochs", "adaptations", "tests", "tasks",
                     "files")).items()}
    run, execution = sections["run"][0], sections["execution"][0]
    run["label"] = run_labels(be, [run_id]).get(run_id)  # the page's title
    names = {(s, col): name for s, name, col in be.fetchall(
        "SELECT data_set_tag, name, column_name FROM attribute")}

    def set_rows(set_tag, where="run_id = ?", args=(run_id,), keys=()):
        table = set_table(set_tag)
        if table not in tables:
            return []
        rows = _rows(be, f"SELECT * FROM {quote(table)} WHERE {where}"
                     + total_order(be, table, *keys), args)
        return [{names.get((set_tag, k), k): v for k, v in r.items()
                 if k != "run_id" and not k.endswith("_task_id")} for r in rows]

    hyper = set_rows("itrainingmodel")
    data = {"fit": set_rows("itrainingdata"), "evaluate": set_rows("itestingdata")}
    config = set_rows("itrainingconfig")
    layers = set_rows("ilayers", keys=("layer_index",) if "ds_ilayers" in tables and
                      "layer_index" in be.table_columns("ds_ilayers") else ())
    epoch_cols = [c for c, _ in be.relation_columns("epochs")]
    io = be.fetchall("SELECT transformation_tag, data_set_tag, role FROM data_transformation_io "
                     "WHERE dataflow_tag = ? ORDER BY role, data_set_tag",
                     [execution["dataflow_tag"]])
    transformations = []
    for task in sections["tasks"]:
        tr = task["transformation_tag"]
        if is_built_in(tr):
            continue
        sets = []
        for t, set_tag, role in io:
            if t != tr:
                continue
            link, table = task_column(tr), set_table(set_tag)
            if table in tables and link in be.table_columns(table):
                rows = set_rows(set_tag, f"{quote(link)} = ?", [task["task_id"]])
            else:
                rows = set_rows(set_tag)
            sets.append({"set": set_tag, "role": role, "rows": rows})
        transformations.append({"task": task, "sets": sets})
    raw_env = execution.pop("environment", None)
    try:
        environment = json.loads(raw_env or "{}")
    except ValueError:
        environment = {"raw": raw_env}
    epochs = [{k: v for k, v in ep.items() if k not in ("dataflow_tag", "run_id")}
              for ep in sections["epochs"]]
    return {"run_id": run_id, "run": run, "execution": execution,
            "hyperparameters": hyper[0] if hyper else {}, "config": config[0] if config else {},
            "layers": layers, "epochs": epochs, "charts": metric_charts(epoch_cols),
            "adaptations": sections["adaptations"], "tests": sections["tests"],
            "tasks": sections["tasks"], "files": sections["files"],
            "transformations": transformations, "environment": environment, "data": data}


def comparison(store, run_ids: list[str]) -> dict:
    """What the compare page shows: hyperparameters and metrics side by side (``differs``
    marks a row whose values differ), every difference most likely cause first, and each
    run's curves per epoch."""
    with store.unit() as be:
        for rid in run_ids:
            check_run(be, rid, store.spec)
        marks = ", ".join("?" for _ in run_ids)
        runs = {r["run_id"]: r for r in _rows(
            be, f"SELECT * FROM runs WHERE run_id IN ({marks})", run_ids)}
        names = [c for c, _ in be.relation_columns("runs")]
        epochs = _rows(be, f"SELECT * FROM epochs WHERE run_id IN ({marks})"
                       + total_order(be, "epochs", "run_id", "epoch"), run_ids)
        epoch_cols = [c for c, _ in be.relation_columns("epochs")]
        names_of = run_labels(be, run_ids)  # headers and legends say the runs' names
    for rid, r in runs.items():
        r["label"] = names_of.get(rid)
    hp_cols, metric_cols = run_columns(names)
    ordered = [runs[r] for r in run_ids]

    def table(cols):
        out = []
        for c in cols:
            values = [r.get(c) for r in ordered]
            if all(v is None for v in values):
                continue
            out.append({"name": c, "values": values,
                        "differs": len({json.dumps(v) for v in values}) > 1})
        return out

    series: dict[str, dict[str, list]] = {rid: {} for rid in run_ids}
    for ep in epochs:
        s = series[ep["run_id"]]
        for c in epoch_cols:
            if c not in ("dataflow_tag", "run_id"):
                s.setdefault(c, []).append(ep.get(c))
    charts = metric_charts(epoch_cols)
    if "learning_rate" in epoch_cols:
        charts.append({"metric": "learning_rate",
                       "series": [{"name": "learning rate", "column": "learning_rate"}]})
    groups: list[dict] = []
    for d in (differences(store, run_ids) if len(run_ids) > 1 else []):
        if not groups or groups[-1]["group"] != d.group:
            groups.append({"group": d.group, "rows": []})
        groups[-1]["rows"].append({"field": d.field, "values": [
            json.loads(json.dumps(v, default=str)) for v in d.values], "note": d.note})
    return {"run_ids": run_ids,
            "differences": {"groups": groups,
                            "reference": run_ids[0] if len(run_ids) > 1 else None},
            "runs": [{k: r.get(k) for k in ("run_id", "dataflow_tag", "status", "label")
                      if k in r} for r in ordered],
            "hyperparameters": table(hp_cols), "metrics": table(["epochs", *metric_cols]),
            "charts": charts, "series": series}


__all__ = ["comparison", "metric_charts", "run_details"]
