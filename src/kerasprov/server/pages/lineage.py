"""The lineage page (issue #12): ``/lineage?entity=<path|run|sha256>&direction=up|down``
draws the lineage subgraph (tasks and files, data flowing left to right), lists its edges
and shows the one recursive SQL query that found them; ``/lineage.json`` is its JSON twin
and ``/lineage/prov?format=...`` its PROV."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ...errors import BadRequest
from ...provexport import serialize
from ...query.records import records
from .common import as_json, ask, page, whole_epochs
from .run import PROV_FORMATS

router = APIRouter()


def lineage_context(request: Request, entity: str | None, direction: str = "up") -> dict:
    """The lineage page's data: the subgraph (laid out in the browser by dagre), its rows,
    the SQL, links to re-centre."""
    if not entity:
        raise BadRequest("choose what to trace: /lineage?entity=<file path, run id or sha256>")
    lin = ask(request, "lineage", entity, direction or "up")  # by what the store recorded
    rows = whole_epochs(records(lin.df, seconds=True))
    nodes = lin.nodes()
    runs = {r.get("run_id") for r in rows}
    tasks = {}   # task id -> (transformation, run id), as the edges recorded them
    epochs = {}  # file node -> the epoch a generating task wrote it at
    for r in rows:
        for task, tr in (("src_task", "src_transformation"),
                         ("dst_task", "dst_transformation")):
            if r.get(task):
                tasks.setdefault(r[task], (r.get(tr), r.get("run_id")))
        if r.get("relation") == "generated" and r.get("epoch") is not None:
            epochs.setdefault(r["dst"], r["epoch"])
    inputs = ask(request, "task_inputs", [n["id"][5:] for n in nodes if n["kind"] == "task"])
    labels = ask(request, "run_labels", sorted(r for r in runs if r)) if runs else {}
    for n in nodes:
        key = n["id"].split(":", 1)[1]
        n["title"] = n["id"]
        if n["kind"] == "task":
            tr, run = tasks.get(key, (None, None))
            run = run or ""
            # the transformation once, the run id once (the query's label repeats the run)
            n["label"] = tr or n["label"].split(" (", 1)[0]
            # the run once, by the name people read (its id in the tooltip)
            n["sub"], n["href"] = labels.get(run) or run, \
                f"/runs/{quote(run, safe='')}" if run else ""
            n["title"] = f"{n['id']} (run {run})" if run else n["id"]
            n["values"] = [[k, _short(v)] for k, v in inputs.get(key, {}).items()]
        else:
            sha = None if key.startswith("path:") else key
            n["epoch"] = epochs.get(n["id"])
            n["sub"] = " · ".join(x for x in (
                f"epoch {n['epoch']}" if n["epoch"] is not None else "",
                f"sha256 {sha[:12]}" if sha else "not hashed") if x)
            n["href"] = "/lineage?" + urlencode({"entity": sha or key[5:],
                                                 "direction": direction})
            n["values"] = []
    edges = list({(r["src"], r["dst"]): {"src": r["src"], "dst": r["dst"],
                                         "relation": r.get("relation")}
                  for r in rows if r.get("src") and r.get("dst")}.values())
    table = [{k: (v[:12] if k == "sha256" and isinstance(v, str) else v)
              for k, v in r.items() if k in ("depth", "relation", "run_id", "transformation",
                                             "data_set", "path", "sha256", "epoch",
                                             "learning_rate")} for r in rows]
    # nearest first; a file's versions in epoch order
    table.sort(key=lambda r: (r.get("depth") or 0, str(r.get("relation")),
                              str(r.get("path") or ""), r.get("epoch") is not None,
                              r.get("epoch") or 0))
    return {"title": f"Lineage of {lin.entity}", "entity": lin.entity, "kind": lin.kind,
            "direction": direction, "note": lin.note, "sql": lin.sql, "rows": table,
            "runs": [{"run_id": r, "label": labels.get(r) or r} for r in sorted(
                r for r in runs if r)], "nodes": nodes, "edges": edges}


def _short(v) -> str:
    text = f"{v:.6g}" if isinstance(v, float) else str(v)
    return text if len(text) <= 24 else text[:23] + "…"


@router.get("/lineage.json")
def lineage_json(request: Request, entity: str | None = None, direction: str = "up"):
    return as_json(lineage_context(request, entity, direction))


@router.get("/lineage/prov")
def lineage_prov(request: Request, entity: str | None = None, direction: str = "up",
                 format: str = "provn"):
    if format not in PROV_FORMATS:
        raise BadRequest(f"unknown PROV format {format!r}; choose one of "
                         f"{', '.join(PROV_FORMATS)}")
    if not entity:
        raise BadRequest("choose what to trace: /lineage/prov?entity=...")
    text = serialize(ask(request, "lineage", entity, direction).prov(), format)
    return Response(text, media_type=PROV_FORMATS[format][0])


@router.get("/lineage", response_class=HTMLResponse)
def lineage_page(request: Request, entity: str | None = None, direction: str = "up"):
    return page(request, "lineage.html",
                lineage_context(request, entity, direction))
