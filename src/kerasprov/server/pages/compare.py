"""Compare runs (``/compare?runs=A,B``): hyperparameters and metrics side by side, and
their curves overlaid."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ...errors import BadRequest
from ...query.api import check_run
from ...query.diff import differences
from ...query.labels import run_labels
from .common import app_store, as_json, column_names, page, read, run_columns, split_metrics

router = APIRouter()


def _run_ids(request: Request) -> list[str]:
    ids = []
    for value in request.query_params.getlist("runs"):
        ids.extend(v.strip() for v in value.split(",") if v.strip())
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise BadRequest("choose runs to compare: /compare?runs=RUN_A,RUN_B")
    if len(ids) > 50:
        raise BadRequest(f"compare at most 50 runs at once; received {len(ids)}")
    return ids


def compare_context(store, run_ids: list[str]) -> dict:
    with store.unit() as be:
        for rid in run_ids:
            check_run(be, rid, store.spec)
        marks = ", ".join("?" for _ in run_ids)
        runs = {r["run_id"]: r for r in read(
            be, f"SELECT * FROM runs WHERE run_id IN ({marks})", run_ids)}
        names = column_names(be, "runs")
        epochs = read(be, f"SELECT * FROM epochs WHERE run_id IN ({marks}) "
                       "ORDER BY run_id, epoch", run_ids)
        epoch_cols = column_names(be, "epochs")
        labels = run_labels(be, run_ids)  # headers and legends say the runs' names
    for rid, r in runs.items():
        r["label"] = labels.get(rid)
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
    charts = split_metrics(epoch_cols)
    if "learning_rate" in epoch_cols:
        charts.append({"metric": "learning_rate",
                       "series": [{"name": "learning rate", "column": "learning_rate"}]})
    return {"title": "Compare runs", "run_ids": run_ids,
            "differences": differences_context(store, run_ids),
            "runs": [{k: r.get(k) for k in ("run_id", "dataflow_tag", "status", "label")
                      if k in r} for r in ordered],
            "hyperparameters": table(hp_cols), "metrics": table(["epochs", *metric_cols]),
            "charts": charts, "series": series}


@router.get("/compare.json")
def compareas_json(request: Request):
    return as_json(compare_context(app_store(request), _run_ids(request)))


@router.get("/compare", response_class=HTMLResponse)
def compare_page(request: Request):
    return page(request, "compare.html", compare_context(app_store(request), _run_ids(request)))


def differences_context(store, run_ids: list[str]) -> dict:
    """``{"groups": [{"group", "rows": [{"field", "values", "note"}]}]}`` for the compare
    page: every difference, most likely cause first (query/diff.py)."""
    if len(run_ids) < 2:
        return {"groups": [], "reference": None}
    groups: list[dict] = []
    for d in differences(store, run_ids):
        if not groups or groups[-1]["group"] != d.group:
            groups.append({"group": d.group, "rows": []})
        groups[-1]["rows"].append({"field": d.field, "values": [
            json.loads(json.dumps(v, default=str)) for v in d.values], "note": d.note})
    return {"groups": groups, "reference": run_ids[0]}
