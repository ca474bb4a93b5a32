"""One run (``/runs/<id>``): hyperparameters, layers, live charts per epoch, adaptations,
tests, tasks, files, user transformations and their data, and the PROV export."""

from __future__ import annotations

import json
import re

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ...errors import BadRequest
from ...names import ADAPTATION, TESTING, TRAINING
from ...provexport import serialize
from ...query.api import check_run, run_sections
from ...query.labels import run_labels
from ...query.records import records
from ...store.schema import quote, set_table, task_column
from .common import (
    app_store,
    as_json,
    column_names,
    page,
    read,
    short_sha,
    split_metrics,
    whole_epochs,
)

router = APIRouter()
BUILTIN_TRANSFORMATIONS = (TRAINING, ADAPTATION, TESTING)
PROV_FORMATS = {"provn": ("text/provenance-notation", "provn"),
                "json": ("application/json", "json"),
                "xml": ("application/xml", "xml"),
                "rdf": ("text/turtle", "ttl"),
                "jsonld": ("application/ld+json", "jsonld")}


def run_context(store, run_id: str) -> dict:
    """Everything about one run, read in one unit of work."""
    with store.unit() as be:
        check_run(be, run_id, store.spec)
        tables = be.table_names()
        sections = {name: records(df, seconds=True) for name, df in run_sections(
            be, run_id, ("run", "execution", "epochs", "adaptations", "tests", "tasks",
                         "files")).items()}
        run, execution = sections["run"][0], sections["execution"][0]
        run["label"] = run_labels(be, [run_id]).get(run_id)  # the page's title
        names = {}
        for set_tag, name, col in be.fetchall(
                "SELECT data_set_tag, name, column_name FROM attribute"):
            names[(set_tag, col)] = name

        def set_rows(set_tag, where="run_id = ?", args=(run_id,), order=""):
            table = set_table(set_tag)
            if table not in tables:
                return []
            rows = read(be, f"SELECT * FROM {quote(table)} WHERE {where}{order}", args)
            return [{names.get((set_tag, k), k): v for k, v in r.items()
                     if k != "run_id" and not k.endswith("_task_id")} for r in rows]

        hyper = set_rows("itrainingmodel")
        data = {"fit": set_rows("itrainingdata"), "evaluate": set_rows("itestingdata")}
        config = set_rows("itrainingconfig")
        layers = set_rows("ilayers", order=" ORDER BY layer_index" if "layer_index" in
                          be.table_columns("ds_ilayers") else "")
        epoch_cols = column_names(be, "epochs")
        epochs, adaptations, tests, tasks, files = (
            sections[k] for k in ("epochs", "adaptations", "tests", "tasks", "files"))
        io = be.fetchall("SELECT transformation_tag, data_set_tag, role FROM "
                         "data_transformation_io WHERE dataflow_tag = ? ORDER BY role, "
                         "data_set_tag", [execution["dataflow_tag"]])
        transformations = []
        for task in tasks:
            tr = task["transformation_tag"]
            if tr in BUILTIN_TRANSFORMATIONS:
                continue
            sets = []
            for t, set_tag, role in io:
                if t != tr:
                    continue
                link = task_column(tr)
                table = set_table(set_tag)
                if table in tables and link in be.table_columns(table):
                    rows = set_rows(set_tag, f"{quote(link)} = ?", [task["task_id"]])
                else:
                    rows = set_rows(set_tag)
                sets.append({"set": set_tag, "role": role, "rows": rows})
            transformations.append({"task": task, "sets": sets})
    try:
        environment = json.loads(execution.get("environment") or "{}")
    except ValueError:
        environment = {"raw": execution.get("environment")}
    for ep in epochs:
        ep.pop("dataflow_tag", None)
        ep.pop("run_id", None)
    metric_charts = split_metrics(epoch_cols)
    execution.pop("environment", None)
    for rows in (epochs, adaptations, tests, files):
        whole_epochs(rows)
    files = sorted(files, key=lambda f: (str(f.get("kind") or ""), f.get("epoch") is None,
                                         f.get("epoch") or 0, str(f.get("path") or "")))
    return {"title": f"Run {run_id}", "run_id": run_id, "run": run, "execution": execution,
            "hyperparameters": hyper[0] if hyper else {}, "config": config[0] if config else {},
            "layers": layers, "epochs": epochs, "charts": metric_charts,
            "adaptations": adaptations, "tests": tests, "tasks": tasks, "files": files,
            "transformations": transformations, "environment": environment, "data": data,
            "summary": decisive(run, transformations, data, tests),
            "proof": store.proof_status(run_id),
            "prov_formats": list(PROV_FORMATS)}


def decisive(run: dict, transformations: list[dict], data: dict, tests: list[dict]) -> dict:
    """What decides a run, for the top of its page: the inputs of its own transformations
    (a Filter's value), the data it was fit and evaluated on (fingerprints), its test
    metrics and its best validation metrics."""
    inputs = []
    for t in transformations:
        for s in t["sets"]:
            for row in s["rows"]:
                values = {k: v for k, v in row.items() if v is not None}
                if values:
                    inputs.append({"transformation": t["task"]["transformation_tag"],
                                   "role": s["role"], "values": values})
    fingerprints = []
    for call, rows in data.items():
        for row in rows:
            fingerprints.append({"call": call, "role": row.get("role"),
                                 "shape": row.get("shape"), "dtype": row.get("dtype"),
                                 "sha256": short_sha(row.get("sha256"))})
    skip = ("timestamp", "elapsed_time")
    test = {k: v for k, v in (tests[-1] if tests else {}).items()
            if k not in skip and not k.endswith("_task_id")
            and k not in ("dataflow_tag", "run_id") and v is not None}
    best = {k: v for k, v in run.items() if k.startswith("best_val_") and v is not None}
    return {"inputs": inputs, "data": fingerprints, "test": test, "best": best}


@router.get("/runs/{run_id:path}.json")
def runas_json(request: Request, run_id: str):
    return as_json(run_context(app_store(request), run_id))


@router.get("/runs/{run_id:path}/prov")
def run_prov(request: Request, run_id: str, format: str = "provn"):
    if format not in PROV_FORMATS:
        raise BadRequest(f"unknown PROV format {format!r}; one of: {', '.join(PROV_FORMATS)}")
    text = serialize(app_store(request).prov(run_id), format)
    media, ext = PROV_FORMATS[format]
    return Response(text, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="{_safe_filename(run_id)}.{ext}"'})


def _safe_filename(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)[:100] or "run"


@router.get("/runs/{run_id:path}", response_class=HTMLResponse)
def run_page(request: Request, run_id: str):
    return page(request, "run.html", run_context(app_store(request), run_id))
