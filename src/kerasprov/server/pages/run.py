"""One run (``/runs/<id>``): hyperparameters, layers, live charts per epoch, adaptations,
tests, tasks, files, user transformations and their data, and the PROV export."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ...errors import BadRequest
from ...provexport import serialize
from .common import as_json, ask, page, short_sha, whole_epochs

router = APIRouter()
PROV_FORMATS = {"provn": ("text/provenance-notation", "provn"),
                "json": ("application/json", "json"),
                "xml": ("application/xml", "xml"),
                "rdf": ("text/turtle", "ttl"),
                "jsonld": ("application/ld+json", "jsonld")}


def run_context(request: Request, run_id: str) -> dict:
    """Everything about one run (``Store.run_details``), what decides it, and the PROV
    formats offered."""
    ctx = ask(request, "run_details", run_id)
    for key in ("epochs", "adaptations", "tests", "files"):
        whole_epochs(ctx[key])
    ctx["files"] = sorted(ctx["files"], key=lambda f: (
        str(f.get("kind") or ""), f.get("epoch") is None, f.get("epoch") or 0,
        str(f.get("path") or "")))
    return {"title": f"Run {run_id}", **ctx,
            "summary": decisive(ctx["run"], ctx["transformations"], ctx["data"], ctx["tests"]),
            "proof": ask(request, "proof_status", run_id),
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
    return as_json(run_context(request, run_id))


@router.get("/runs/{run_id:path}/prov")
def run_prov(request: Request, run_id: str, format: str = "provn"):
    if format not in PROV_FORMATS:
        raise BadRequest(f"unknown PROV format {format!r}; one of: {', '.join(PROV_FORMATS)}")
    text = serialize(ask(request, "prov", run_id), format)
    media, ext = PROV_FORMATS[format]
    return Response(text, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="{_safe_filename(run_id)}.{ext}"'})


def _safe_filename(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)[:100] or "run"


@router.get("/runs/{run_id:path}", response_class=HTMLResponse)
def run_page(request: Request, run_id: str):
    return page(request, "run.html", run_context(request, run_id))
