"""The dataflow pages: the list of dataflows, and one dataflow's provenance graph that
writes path-query SQL for the data sets a person picks."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ...errors import BadRequest, NotFound
from ..graph import layout
from .common import JsonBody, app_store, as_json, page, read, render

router = APIRouter()


def dataflow_context(store, tag: str) -> dict:
    with store.unit() as be:
        if not be.fetchall("SELECT 1 FROM dataflow WHERE tag = ?", [tag]):
            known = [r[0] for r in be.fetchall("SELECT tag FROM dataflow ORDER BY tag LIMIT 20")]
            raise NotFound(f"no dataflow {tag!r}; known: {', '.join(known) or '(none yet)'}",
                           dataflow=tag)
        sets = [r[0] for r in be.fetchall(
            "SELECT tag FROM data_set WHERE dataflow_tag = ? ORDER BY tag", [tag])]
        io = [tuple(r) for r in be.fetchall(
            "SELECT transformation_tag, data_set_tag, role FROM data_transformation_io "
            "WHERE dataflow_tag = ? ORDER BY transformation_tag, role, data_set_tag", [tag])]
        attrs: dict[str, list[dict]] = {s: [] for s in sets}
        if sets:
            marks = ", ".join("?" for _ in sets)
            for set_tag, name, col, typ in be.fetchall(
                    "SELECT data_set_tag, name, column_name, type FROM attribute WHERE "
                    f"data_set_tag IN ({marks}) ORDER BY data_set_tag, name", sets):
                attrs[set_tag].append({"name": name, "column": col, "type": typ})
        transformations = [r[0] for r in be.fetchall(
            "SELECT tag FROM data_transformation WHERE dataflow_tag = ? ORDER BY tag", [tag])]
        n_runs = be.fetchall("SELECT COUNT(*) FROM execution WHERE dataflow_tag = ?",
                             [tag])[0][0]
    return {"title": f"Dataflow {tag}", "dataflow": tag, "sets": sets, "attributes": attrs,
            "transformations": transformations, "runs": int(n_runs),
            "dependencies": [{"transformation": t, "data_set": s, "role": r} for t, s, r in io],
            "graph": layout(sets, io)}


@router.get("/dataflows/{tag:path}.json")
def dataflowas_json(request: Request, tag: str):
    return as_json(dataflow_context(app_store(request), tag))


@router.get("/dataflows/{tag:path}.svg")
def dataflow_svg(request: Request, tag: str):
    ctx = dataflow_context(app_store(request), tag)
    svg = render("graph.svg", graph=ctx["graph"], standalone=True)
    return Response(svg, media_type="image/svg+xml")


@router.post("/dataflows/{tag:path}/query")
def dataflow_query(request: Request, tag: str, body: JsonBody):
    """The SQL the path-query generator writes for the user's choice of data sets."""
    store = app_store(request)

    def sets(key: str) -> list[str]:
        value = body.get(key)
        value = [value] if isinstance(value, str) else list(value or [])
        if not all(isinstance(v, str) and v for v in value):
            raise BadRequest(f"{key} must be data set names; received {key}={value!r}")
        return value

    args = {"dataflow": tag, "source": sets("source"),
            "target": sets("target") or sets("source"), "include": sets("include"),
            "exclude": sets("exclude"), "mapping": str(body.get("mapping") or "physical"),
            "project": list(body.get("project") or []), "select": list(body.get("select") or []),
            "distinct": bool(body.get("distinct"))}
    if not args["source"]:
        raise BadRequest("choose at least one source data set")
    # Only the SQL: the page runs it (perhaps edited) through the sandbox, like the console.
    result = store.query(**args, execute=False)
    return as_json({"sql": result.sql, "path": list(getattr(result, "path", [])), **args})


@router.get("/dataflows/{tag:path}", response_class=HTMLResponse)
def dataflow_page(request: Request, tag: str):
    return page(request, "dataflow.html", dataflow_context(app_store(request), tag))


@router.get("/dataflows.json")
def dataflowsas_json(request: Request):
    return as_json(dataflows_context(app_store(request)))


def dataflows_context(store) -> dict:
    with store.unit() as be:
        rows = read(be, "SELECT d.tag, COUNT(e.run_id) AS runs FROM dataflow d LEFT JOIN "
                     "execution e ON e.dataflow_tag = d.tag GROUP BY d.tag ORDER BY d.tag")
    return {"title": "Dataflows", "dataflows": rows}


@router.get("/dataflows", response_class=HTMLResponse)
def dataflows_page(request: Request):
    return page(request, "dataflows.html", dataflows_context(app_store(request)))
