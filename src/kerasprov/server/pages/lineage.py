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
from ..graph import lineage_layout
from .common import app_store, as_json, page
from .run import PROV_FORMATS

router = APIRouter()


def lineage_context(store, entity: str | None, direction: str = "up") -> dict:
    """The lineage page's data: the subgraph, its rows, the SQL, links to re-centre."""
    if not entity:
        raise BadRequest("choose what to trace: /lineage?entity=<file path, run id or sha256>")
    lin = store.lineage(entity, direction or "up")
    rows = records(lin.df, seconds=True)
    nodes = lin.nodes()
    runs = {r.get("run_id") for r in rows}
    for n in nodes:
        key = n["id"].split(":", 1)[1]
        if n["kind"] == "task":
            run = next((r.get("run_id") for r in rows if key in (r.get("src_task"),
                                                                  r.get("dst_task"))), None)
            n["sub"], n["href"] = run or "", f"/runs/{quote(run, safe='')}" if run else ""
        else:
            sha = None if key.startswith("path:") else key
            n["sub"] = f"sha256 {sha[:12]}" if sha else "not hashed"
            n["href"] = "/lineage?" + urlencode({"entity": sha or key[5:],
                                                 "direction": direction})
    table = [{k: (v[:12] if k == "sha256" and isinstance(v, str) else v)
              for k, v in r.items() if k in ("depth", "relation", "run_id", "transformation",
                                             "data_set", "path", "sha256", "epoch",
                                             "learning_rate")} for r in rows]
    return {"title": f"Lineage of {lin.entity}", "entity": lin.entity, "kind": lin.kind,
            "direction": direction, "note": lin.note, "sql": lin.sql, "rows": table,
            "runs": sorted(r for r in runs if r), "nodes": nodes,
            "graph": lineage_layout(nodes, rows, direction)}


@router.get("/lineage.json")
def lineage_json(request: Request, entity: str | None = None, direction: str = "up"):
    return as_json(lineage_context(app_store(request), entity, direction))


@router.get("/lineage/prov")
def lineage_prov(request: Request, entity: str | None = None, direction: str = "up",
                 format: str = "provn"):
    if format not in PROV_FORMATS:
        raise BadRequest(f"unknown PROV format {format!r}; choose one of "
                         f"{', '.join(PROV_FORMATS)}")
    if not entity:
        raise BadRequest("choose what to trace: /lineage/prov?entity=...")
    text = serialize(app_store(request).lineage(entity, direction).prov(), format)
    return Response(text, media_type=PROV_FORMATS[format][0])


@router.get("/lineage", response_class=HTMLResponse)
def lineage_page(request: Request, entity: str | None = None, direction: str = "up"):
    return page(request, "lineage.html",
                lineage_context(app_store(request), entity, direction))
