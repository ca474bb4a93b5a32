"""Pages of issue #12: the lineage graph of a file or run, and "what differs" for compare.

``/lineage?entity=<path|run|sha256>&direction=up|down`` draws the lineage subgraph (tasks and
files, data flowing left to right), lists its edges and shows the one recursive SQL query
that found them; ``/lineage.json`` is its JSON twin and ``/lineage/prov?format=...`` its
PROV. ``differences_context`` is what the compare page shows above its tables.

Self-contained (its own template environment) so that it stays out of ``pages.py``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import jinja2
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from ..errors import BadRequest, KerasProvError
from ..query.records import records

router = APIRouter()
_env = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
                          autoescape=True, undefined=jinja2.StrictUndefined)
_W, _H, _GAP_X, _GAP_Y, _MARGIN = 210, 44, 90, 26, 20
_PROV_TYPES = {"provn": "text/provenance-notation", "json": "application/json",
               "xml": "application/xml", "rdf": "text/turtle", "jsonld": "application/ld+json"}


class _NotAvailable(KerasProvError):
    status = 501


def _fmt(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


_env.filters["fmt"] = _fmt


def _store(request: Request):
    store = request.app.state.store
    if not hasattr(store, "unit"):
        raise _NotAvailable("this page reads a store directory or a PostgreSQL URL, not a "
                            f"remote server ({store.spec}); open the UI on that server")
    return store


def _render(request: Request, template: str, ctx: dict) -> HTMLResponse:
    url = request.url
    json_url = url.path.rstrip("/") + ".json" + (f"?{url.query}" if url.query else "")
    return HTMLResponse(_env.get_template(template).render(ctx=ctx, json_url=json_url, **ctx))


# -- lineage -----------------------------------------------------------------------------------
def graph_layout(nodes: list[dict], edges: list[dict], direction: str) -> dict:
    """Columns by depth, data flowing left to right: upstream nodes to the left of the
    entity (``up``), downstream ones to its right (``down``)."""
    depth_max = max((n["depth"] for n in nodes), default=0)
    columns: dict[int, list[dict]] = {}
    for n in nodes:
        col = depth_max - n["depth"] if direction == "up" else n["depth"]
        columns.setdefault(col, []).append(n)
    rows = max((len(c) for c in columns.values()), default=1)
    placed = {}
    for col, members in columns.items():
        offset = (rows - len(members)) * (_H + _GAP_Y) / 2
        for i, n in enumerate(members):
            placed[n["id"]] = {**n, "x": _MARGIN + col * (_W + _GAP_X),
                               "y": _MARGIN + offset + i * (_H + _GAP_Y), "w": _W, "h": _H}
    out_edges, seen = [], set()
    for e in edges:
        a, b = placed.get(e["src"]), placed.get(e["dst"])
        if a is None or b is None or (e["src"], e["dst"]) in seen:
            continue
        seen.add((e["src"], e["dst"]))
        x1, y1 = a["x"] + a["w"], a["y"] + a["h"] / 2
        x2, y2 = b["x"], b["y"] + b["h"] / 2
        if x2 <= x1:  # same column (a run's own tasks): loop below
            x1, y1 = a["x"] + a["w"] / 2, a["y"] + a["h"]
            x2, y2 = b["x"] + b["w"] / 2, b["y"] + b["h"]
            path = f"M{x1:.0f},{y1:.0f} C{x1 + 40:.0f},{y1 + 50:.0f} {x2 + 40:.0f}," \
                   f"{y2 + 50:.0f} {x2:.0f},{y2:.0f}"
        else:
            mx = (x1 + x2) / 2
            path = f"M{x1:.0f},{y1:.0f} C{mx:.0f},{y1:.0f} {mx:.0f},{y2:.0f} {x2:.0f},{y2:.0f}"
        out_edges.append({"src": e["src"], "dst": e["dst"], "relation": e["relation"],
                          "path": path})
    width = max((n["x"] + n["w"] for n in placed.values()), default=0) + _MARGIN
    height = max((n["y"] + n["h"] for n in placed.values()), default=0) + _MARGIN + 50
    return {"nodes": list(placed.values()), "edges": out_edges, "width": width,
            "height": height}


def lineage_context(store, entity: str | None, direction: str = "up") -> dict:
    """The lineage page's data: the subgraph, its rows, the SQL, links to re-centre."""
    from ..query.lineage import lineage
    if not entity:
        raise BadRequest("choose what to trace: /lineage?entity=<file path, run id or sha256>")
    lin = lineage(store, entity, direction or "up")
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
            "graph": graph_layout(nodes, rows, direction)}


@router.get("/lineage.json")
def lineage_json(request: Request, entity: str | None = None, direction: str = "up"):
    return JSONResponse({"ok": True, **lineage_context(_store(request), entity, direction)})


@router.get("/lineage/prov")
def lineage_prov(request: Request, entity: str | None = None, direction: str = "up",
                 format: str = "provn"):
    from ..provexport import check_format, serialize
    from ..query.lineage import lineage
    if format not in _PROV_TYPES:
        raise BadRequest(f"unknown PROV format {format!r}; choose one of "
                         f"{', '.join(_PROV_TYPES)}")
    check_format(format)
    if not entity:
        raise BadRequest("choose what to trace: /lineage/prov?entity=...")
    text = serialize(lineage(_store(request), entity, direction).prov(), format)
    return Response(text, media_type=_PROV_TYPES[format])


@router.get("/lineage", response_class=HTMLResponse)
def lineage_page(request: Request, entity: str | None = None, direction: str = "up"):
    return _render(request, "lineage.html",
                   lineage_context(_store(request), entity, direction))


# -- what differs (the compare page) -----------------------------------------------------------
def differences_context(store, run_ids: list[str]) -> dict:
    """``{"groups": [{"group", "rows": [{"field", "values", "note"}]}]}`` for the compare
    page: every difference, most likely cause first (query/diff.py)."""
    if len(run_ids) < 2:
        return {"groups": [], "reference": None}
    from ..query.diff import differences
    groups: list[dict] = []
    for d in differences(store, run_ids):
        if not groups or groups[-1]["group"] != d.group:
            groups.append({"group": d.group, "rows": []})
        groups[-1]["rows"].append({"field": d.field, "values": [
            json.loads(json.dumps(v, default=str)) for v in d.values], "note": d.note})
    return {"groups": groups, "reference": run_ids[0]}


__all__ = ["differences_context", "graph_layout", "lineage_context", "router"]
