"""The dataflow pages: the list of dataflows, and one dataflow's provenance graph that
writes path-query SQL for the data sets a person picks."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ...errors import BadRequest
from ..graph import layout
from .common import JsonBody, as_json, ask, page, render

router = APIRouter()


def dataflow_context(request: Request, tag: str) -> dict:
    """``Store.dataflow`` and the graph drawn from it."""
    ctx = ask(request, "dataflow", tag)
    io = [(d["transformation"], d["data_set"], d["role"]) for d in ctx["dependencies"]]
    return {"title": f"Dataflow {tag}", **ctx, "graph": layout(ctx["sets"], io)}


@router.get("/dataflows/{tag:path}.json")
def dataflow_json(request: Request, tag: str):
    return as_json(dataflow_context(request, tag))


@router.get("/dataflows/{tag:path}.svg")
def dataflow_svg(request: Request, tag: str):
    ctx = dataflow_context(request, tag)
    svg = render("graph.svg", graph=ctx["graph"], standalone=True)
    return Response(svg, media_type="image/svg+xml")


@router.post("/dataflows/{tag:path}/query")
def dataflow_query(request: Request, tag: str, body: JsonBody):
    """The SQL the path-query generator writes for the user's choice of data sets."""
    def sets(key: str):
        value = body.get(key)
        return [value] if isinstance(value, str) else (value or [])

    args = {"dataflow": tag, "source": sets("source"),
            "target": sets("target") or sets("source"), "include": sets("include"),
            "exclude": sets("exclude"), "mapping": body.get("mapping") or "physical",
            "project": body.get("project") or [], "select": body.get("select") or [],
            "distinct": body.get("distinct") or False}
    if not args["source"]:
        raise BadRequest("choose at least one source data set")
    # Only the SQL: the page runs it (perhaps edited) through the sandbox, like the console.
    result = ask(request, "query", **args, execute=False)
    return as_json({"sql": result.sql, "path": list(result.path), **args})


@router.get("/dataflows/{tag:path}", response_class=HTMLResponse)
def dataflow_page(request: Request, tag: str):
    return page(request, "dataflow.html", dataflow_context(request, tag))


def dataflows_context(request: Request) -> dict:
    return {"title": "Dataflows", "dataflows": ask(request, "dataflows")}


@router.get("/dataflows.json")
def dataflows_json(request: Request):
    return as_json(dataflows_context(request))


@router.get("/dataflows", response_class=HTMLResponse)
def dataflows_page(request: Request):
    return page(request, "dataflows.html", dataflows_context(request))
