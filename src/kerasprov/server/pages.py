"""The web UI: HTML pages, each with a JSON twin built from the same context dict.

``/`` runs, ``/runs/<id>`` one run (live while it trains), ``/dataflows/<tag>`` the
provenance graph that writes SQL, ``/sql`` the read-only console, ``/compare`` overlaid runs.
Append ``.json`` to any page for its data. Every request is one short unit of work on the
store (``Store.unit``), so trainings can write to the embedded store between requests.

Everything a user's script produced (hyperparameter names, layer names, paths...) is data:
templates autoescape, the graph SVG is drawn by a template from a layout dict, and charts
receive names through JSON and show them as text.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
import time
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import APIRouter, Body, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response

from ..errors import BadRequest, KerasProvError, NotFound
from ..names import ADAPTATION, TESTING, TRAINING
from ..query.records import records
from ..store.schema import quote, set_table, task_column

router = APIRouter()

HERE = Path(__file__).parent
STATIC = HERE / "static"
_STATIC_NAME = re.compile(r"^[A-Za-z0-9_-]+\.(js|css|svg|png)$")
_env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                          autoescape=True, undefined=jinja2.StrictUndefined)

BUILTIN_TRANSFORMATIONS = (TRAINING, ADAPTATION, TESTING)
PROV_FORMATS = {"provn": ("text/provenance-notation", "provn"),
                "json": ("application/json", "json"),
                "xml": ("application/xml", "xml"),
                "rdf": ("text/turtle", "ttl"),
                "jsonld": ("application/ld+json", "jsonld")}
_RUN_FIXED = ("dataflow_tag", "run_id", "status", "start_time", "end_time", "duration_s", "host")
_EPOCH_NOT_METRIC = {"dataflow_tag", "run_id", "epoch", "learning_rate", "elapsed_time",
                     "timestamp"}
_OPS = ("<=", ">=", "!=", "<>", "=", "<", ">")
MAX_PER_PAGE = 500
JsonBody = Annotated[dict, Body()]


class NotAvailable(KerasProvError):
    """A feature whose module is not installed in this version (yet)."""

    status = 501


# -- small helpers -------------------------------------------------------------------------
def _records(df) -> list[dict]:
    return records(df, seconds=True)


def _read(store, be, sql: str, params=()) -> list[dict]:
    return _records(store._read(be, sql, list(params)))


def _columns(store, be, relation: str) -> list[tuple[str, str]]:
    """(name, SQL type) of a table or view, in order."""
    if be.dialect == "duckdb":
        cur = be.con.execute(f"DESCRIBE SELECT * FROM {quote(relation)}")
        return [(r[0], str(r[1])) for r in cur.fetchall()]
    df = store._read(be, f"SELECT * FROM {quote(relation)} LIMIT 0")
    return [(str(c), str(t)) for c, t in zip(df.columns, df.dtypes)]


def _is_numeric(sql_type: str) -> bool:
    t = sql_type.upper()
    return any(k in t for k in ("INT", "DOUBLE", "FLOAT", "DECIMAL", "NUMERIC", "REAL"))


def _store(request: Request):
    store = request.app.state.store
    if not hasattr(store, "unit"):
        raise NotAvailable("the web UI reads a store directory or a PostgreSQL URL, "
                           f"not a remote server ({store.spec}); open the UI on that server")
    return store


def _page(request: Request, template: str, ctx: dict) -> HTMLResponse:
    """Render a page; its data also goes into the page as JSON for the page's script."""
    url = request.url
    json_url = (url.path.rstrip("/") or "/") + ".json" + (f"?{url.query}" if url.query else "")
    return HTMLResponse(_env.get_template(template).render(ctx=ctx, json_url=json_url, **ctx))


def _fmt(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


def _dur(v: Any) -> str:
    if not isinstance(v, (int, float)) or isinstance(v, bool):
        return "—"
    if v < 60:
        return f"{v:.1f} s"
    m, s = divmod(int(v), 60)
    return f"{m // 60}h {m % 60:02d}m" if m >= 60 else f"{m}m {s:02d}s"


def _qs(query: dict, **changes: Any) -> str:
    """This page's query string with some parameters changed (sort links, pager)."""
    from urllib.parse import urlencode
    merged = {**{k: v for k, v in query.items() if v != ""}, **changes}
    return "?" + urlencode({k: v for k, v in merged.items() if v is not None})


_env.filters.update(fmt=_fmt, dur=_dur,
                    pretty=lambda v: json.dumps(v, indent=2, ensure_ascii=False, default=str))
_env.globals["qs"] = _qs


def _json(ctx: dict) -> JSONResponse:
    return JSONResponse({"ok": True, **ctx})


def _now_utc() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _parse_ts(v: Any) -> dt.datetime | None:
    if not v:
        return None
    try:
        return dt.datetime.fromisoformat(str(v))
    except ValueError:
        return None


# -- runs -----------------------------------------------------------------------------------
def runs_context(store, params: dict[str, str]) -> dict:
    """The runs page: filters, sort and paging are done by SQL over the ``runs`` view."""
    try:
        page = max(1, int(params.get("page") or 1))
        per_page = min(MAX_PER_PAGE, max(1, int(params.get("per_page") or 50)))
    except ValueError:
        raise BadRequest("page and per_page must be whole numbers; received: "
                         f"page={params.get('page')!r}, per_page={params.get('per_page')!r}")
    with store.unit() as be:
        cols = _columns(store, be, "runs")
        names = [c for c, _ in cols]
        types = dict(cols)
        stop = next((i for i, c in enumerate(names) if c in ("epochs", "error")), len(names))
        hp_cols = [c for c in names[names.index("host") + 1:stop]]
        metric_cols = [c for c in names[stop:] if c not in ("epochs", "error")]
        where, args = [], []
        for key in ("dataflow", "status"):
            if params.get(key):
                where.append(f"{'dataflow_tag' if key == 'dataflow' else 'status'} = ?")
                args.append(params[key])
        filters = {}
        for key, value in params.items():
            if not key.startswith("hp.") or not value.strip():
                continue
            col = key[3:]
            if col not in types:
                raise BadRequest(f"unknown column {col!r} in filter {key!r}; columns: "
                                 + ", ".join(hp_cols))
            filters[col] = value
            cond, arg = _condition(col, value.strip(), types[col])
            where.append(cond)
            args.append(arg)
        sort = params.get("sort") or "start_time"
        if sort not in types:
            raise BadRequest(f"cannot sort by unknown column {sort!r}")
        desc = params.get("desc", "1" if sort == "start_time" else "0") not in ("0", "", "false")
        sql_where = " WHERE " + " AND ".join(where) if where else ""
        total = be.fetchall(f"SELECT COUNT(*) FROM runs{sql_where}", args)[0][0]
        order = f"{quote(sort)} {'DESC' if desc else 'ASC'} NULLS LAST, run_id DESC"
        rows = _read(store, be, f"SELECT * FROM runs{sql_where} ORDER BY {order} "
                     f"LIMIT {per_page} OFFSET {(page - 1) * per_page}", args)
        dataflows = [r[0] for r in be.fetchall("SELECT tag FROM dataflow ORDER BY tag")]
    now = _now_utc()
    for r in rows:
        if r.get("status") == "running" and r.get("duration_s") is None:
            start = _parse_ts(r.get("start_time"))
            r["duration_s"] = (now - start).total_seconds() if start else None
    return {"title": "Runs", "rows": rows, "total": int(total), "page": page,
            "per_page": per_page, "pages": max(1, math.ceil(total / per_page)),
            "sort": sort, "desc": desc, "dataflow": params.get("dataflow") or "",
            "status": params.get("status") or "", "filters": filters,
            "hyperparameters": hp_cols, "metrics": metric_cols,
            "columns": ["run_id", "dataflow_tag", "status", "start_time", "duration_s",
                        *hp_cols, *(["epochs"] if "epochs" in types else []), *metric_cols],
            "dataflows": dataflows,
            "statuses": ["running", "finished", "failed", "interrupted", "crashed"]}


def _condition(col: str, text: str, sql_type: str) -> tuple[str, Any]:
    """``hp.<col>=value`` filter: ``0.01``, ``>0.01``, ``!=adam`` (numbers compare as numbers)."""
    op = next((o for o in _OPS if text.startswith(o)), "=")
    value = text[len(op):].strip() if text.startswith(op) else text
    op = "<>" if op == "!=" else op
    if _is_numeric(sql_type):
        try:
            return f"{quote(col)} {op} ?", float(value)
        except ValueError:
            raise BadRequest(f"filter on {col!r} needs a number; received {value!r}") from None
    return f"CAST({quote(col)} AS VARCHAR) {op} ?", value


@router.get("/.json")
def runs_json(request: Request):
    return _json(runs_context(_store(request), dict(request.query_params)))


@router.get("/", response_class=HTMLResponse)
def runs_page(request: Request):
    ctx = runs_context(_store(request), dict(request.query_params))
    ctx["query"] = dict(request.query_params)
    return _page(request, "runs.html", ctx)


# -- one run --------------------------------------------------------------------------------
def _split_metrics(columns: list[str]) -> list[dict]:
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


def run_context(store, run_id: str) -> dict:
    """Everything about one run, read in one unit of work."""
    with store.unit() as be:
        store._check_run(be, run_id)
        tables = be.table_names()
        run = _read(store, be, "SELECT * FROM runs WHERE run_id = ?", [run_id])[0]
        execution = _read(store, be, "SELECT * FROM execution WHERE run_id = ?", [run_id])[0]
        names = {}
        for set_tag, name, col in be.fetchall(
                "SELECT data_set_tag, name, column_name FROM attribute"):
            names[(set_tag, col)] = name

        def set_rows(set_tag, where="run_id = ?", args=(run_id,), order=""):
            table = set_table(set_tag)
            if table not in tables:
                return []
            rows = _read(store, be, f"SELECT * FROM {quote(table)} WHERE {where}{order}", args)
            return [{names.get((set_tag, k), k): v for k, v in r.items()
                     if k != "run_id" and not k.endswith("_task_id")} for r in rows]

        hyper = set_rows("itrainingmodel")
        config = set_rows("itrainingconfig")
        layers = set_rows("ilayers", order=" ORDER BY layer_index" if "layer_index" in
                          be.table_columns("ds_ilayers") else "")
        epochs = _read(store, be, "SELECT * FROM epochs WHERE run_id = ? ORDER BY epoch",
                       [run_id])
        epoch_cols = [c for c, _ in _columns(store, be, "epochs")]
        adaptations = _read(store, be, "SELECT * FROM adaptations WHERE run_id = ? "
                            "ORDER BY epoch", [run_id])
        tests = _read(store, be, 'SELECT * FROM tests WHERE run_id = ? ORDER BY "timestamp"',
                      [run_id])
        tasks = _read(store, be, "SELECT * FROM task WHERE run_id = ? ORDER BY start_time",
                      [run_id])
        files = _read(store, be, "SELECT * FROM file WHERE run_id = ? ORDER BY time", [run_id])
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
    metric_charts = _split_metrics(epoch_cols)
    execution.pop("environment", None)
    return {"title": f"Run {run_id}", "run_id": run_id, "run": run, "execution": execution,
            "hyperparameters": hyper[0] if hyper else {}, "config": config[0] if config else {},
            "layers": layers, "epochs": epochs, "charts": metric_charts,
            "adaptations": adaptations, "tests": tests, "tasks": tasks, "files": files,
            "transformations": transformations, "environment": environment,
            "prov_formats": list(PROV_FORMATS)}


@router.get("/runs/{run_id}.json")
def run_json(request: Request, run_id: str):
    return _json(run_context(_store(request), run_id))


@router.get("/runs/{run_id}/prov")
def run_prov(request: Request, run_id: str, format: str = "provn"):
    if format not in PROV_FORMATS:
        raise BadRequest(f"unknown PROV format {format!r}; one of: {', '.join(PROV_FORMATS)}")
    store = _store(request)
    if not hasattr(store, "prov"):
        raise NotAvailable("PROV export is not available in this version "
                           "(kerasprov.provexport is not installed)")
    from ..provexport import serialize
    text = serialize(store.prov(run_id), format)
    media, ext = PROV_FORMATS[format]
    return Response(text, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="{_safe_filename(run_id)}.{ext}"'})


def _safe_filename(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)[:100] or "run"


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run_page(request: Request, run_id: str):
    return _page(request, "run.html", run_context(_store(request), run_id))


# -- dataflow graph -------------------------------------------------------------------------
def layout(sets: list[str], io: list[tuple[str, str, str]]) -> dict:
    """A layered left-to-right drawing: data sets are nodes, transformations are edges.

    A transformation with no input set starts at a small "start" node; one with no output
    ends at an "end" node, so every transformation is drawn as at least one edge.
    """
    ins: dict[str, list[str]] = {}
    outs: dict[str, list[str]] = {}
    for tr, set_tag, role in io:
        (ins if role == "input" else outs).setdefault(tr, []).append(set_tag)
    nodes = list(dict.fromkeys(sets))
    edges = []
    for tr in dict.fromkeys(list(ins) + list(outs)):
        srcs = ins.get(tr) or [f"start:{tr}"]
        dsts = outs.get(tr) or [f"end:{tr}"]
        for s in srcs:
            for d in dsts:
                edges.append((s, d, tr))
    for s, d, _ in edges:
        for n in (s, d):
            if n not in nodes:
                nodes.append(n)
    succ: dict[str, list[str]] = {n: [] for n in nodes}
    for s, d, _ in edges:
        succ[s].append(d)
    # Longest-path layering over the DAG part (a back edge in a cycle is ignored).
    layer = {n: 0 for n in nodes}
    state: dict[str, int] = {}
    order: list[str] = []

    def visit(n):
        state[n] = 1
        for m in succ[n]:
            if state.get(m) is None:
                visit(m)
        state[n] = 2
        order.append(n)

    for n in nodes:
        if n not in state:
            visit(n)
    pos_in_order = {n: i for i, n in enumerate(reversed(order))}
    for n in reversed(order):
        for m in succ[n]:
            if pos_in_order[m] > pos_in_order[n]:
                layer[m] = max(layer[m], layer[n] + 1)
    # Pull each source next to its first consumer, so a long edge does not cross a column.
    has_pred = {d for s, d, _ in edges}
    for n in nodes:
        if n not in has_pred and succ[n]:
            layer[n] = max(0, min(layer[m] for m in succ[n]) - 1)
    columns: dict[int, list[str]] = {}
    for n in nodes:
        columns.setdefault(layer[n], []).append(n)
    y_of: dict[str, float] = {}
    w, h, gap_x, gap_y, margin = 150, 40, 120, 36, 24
    for li in sorted(columns):
        col = columns[li]
        if li > 0:  # order by the mean position of predecessors (fewer crossings)
            preds = {n: [y_of[s] for s, d, _ in edges if d == n and s in y_of] for n in col}
            col.sort(key=lambda n: (sum(preds[n]) / len(preds[n])) if preds[n] else 1e9)
        for i, n in enumerate(col):
            y_of[n] = i
    height_rows = max(len(c) for c in columns.values()) if columns else 1
    out_nodes = []
    for n in nodes:
        li, i = layer[n], y_of[n]
        n_in_col = len(columns[li])
        offset = (height_rows - n_in_col) * (h + gap_y) / 2
        virtual = n.startswith(("start:", "end:"))
        out_nodes.append({"id": n, "label": "" if virtual else n, "virtual": virtual,
                          "x": margin + li * (w + gap_x), "y": margin + offset + i * (h + gap_y),
                          "w": 16 if virtual else w, "h": 16 if virtual else h})
    by_id = {n["id"]: n for n in out_nodes}
    out_edges = []
    fan_in: dict[tuple[str, str], int] = {}
    for _, d, tr in edges:
        fan_in[(tr, d)] = fan_in.get((tr, d), 0) + 1
    labelled: set[tuple[str, str]] = set()
    for s, d, tr in edges:
        a, b = by_id[s], by_id[d]
        x1, y1 = a["x"] + a["w"], a["y"] + a["h"] / 2
        x2, y2 = b["x"], b["y"] + b["h"] / 2
        if x2 <= x1:  # same layer or backwards: loop around below
            x2, y2 = b["x"] + b["w"] / 2, b["y"] + b["h"]
            path = f"M{x1:.0f},{y1:.0f} C{x1 + 60:.0f},{y1 + 80:.0f} {x2:.0f},{y2 + 80:.0f} " \
                   f"{x2:.0f},{y2:.0f}"
        else:
            mx = (x1 + x2) / 2
            path = f"M{x1:.0f},{y1:.0f} C{mx:.0f},{y1:.0f} {mx:.0f},{y2:.0f} {x2:.0f},{y2:.0f}"
        # Several inputs of one transformation converge on its output: one label, by the
        # arrowheads, instead of one per edge.
        if fan_in[(tr, d)] > 1:
            lx, ly = x2 - gap_x / 2, y2 - 12
            label = "" if (tr, d) in labelled else tr
            labelled.add((tr, d))
        else:
            lx, ly, label = (x1 + x2) / 2, (y1 + y2) / 2 - 6, tr
        out_edges.append({"source": s, "target": d, "transformation": tr, "path": path,
                          "label": label, "lx": lx, "ly": ly})
    width = max((n["x"] + n["w"] for n in out_nodes), default=0) + margin
    height = max((n["y"] + n["h"] for n in out_nodes), default=0) + margin + 40
    return {"nodes": out_nodes, "edges": out_edges, "width": width, "height": height}


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


@router.get("/dataflows/{tag}.json")
def dataflow_json(request: Request, tag: str):
    return _json(dataflow_context(_store(request), tag))


@router.get("/dataflows/{tag}.svg")
def dataflow_svg(request: Request, tag: str):
    ctx = dataflow_context(_store(request), tag)
    svg = _env.get_template("graph.svg").render(graph=ctx["graph"], standalone=True)
    return Response(svg, media_type="image/svg+xml")


@router.post("/dataflows/{tag}/query")
def dataflow_query(request: Request, tag: str, body: JsonBody):
    """The SQL the path-query generator writes for the user's choice of data sets."""
    store = _store(request)
    if not hasattr(store, "query"):
        raise NotAvailable("the path-query generator (kerasprov.query.pathquery) is not "
                           "available in this version")
    args = {"dataflow": tag, "source": body.get("source"),
            "target": body.get("target") or body.get("source"),
            "project": list(body.get("project") or []), "select": list(body.get("select") or []),
            "distinct": bool(body.get("distinct"))}
    for key in ("source", "target"):
        if not isinstance(args[key], str) or not args[key]:
            raise BadRequest(f"choose a {key} data set; received {key}={args[key]!r}")
    # Only the SQL: the page runs it (perhaps edited) through the sandbox, like the console.
    result = store.query(**args, execute=False)
    return _json({"sql": result.sql, "path": list(getattr(result, "path", [])), **args})


@router.get("/dataflows/{tag}", response_class=HTMLResponse)
def dataflow_page(request: Request, tag: str):
    return _page(request, "dataflow.html", dataflow_context(_store(request), tag))


@router.get("/dataflows.json")
def dataflows_json(request: Request):
    return _json(dataflows_context(_store(request)))


def dataflows_context(store) -> dict:
    with store.unit() as be:
        rows = _read(store, be, "SELECT d.tag, COUNT(e.run_id) AS runs FROM dataflow d LEFT JOIN "
                     "execution e ON e.dataflow_tag = d.tag GROUP BY d.tag ORDER BY d.tag")
    return {"title": "Dataflows", "dataflows": rows}


@router.get("/dataflows", response_class=HTMLResponse)
def dataflows_page(request: Request):
    return _page(request, "dataflows.html", dataflows_context(_store(request)))


# -- SQL console ------------------------------------------------------------------------------
def schema_context(store) -> dict:
    with store.unit() as be:
        rows = be.fetchall(
            "SELECT c.table_name, t.table_type, c.column_name, c.data_type "
            "FROM information_schema.columns c JOIN information_schema.tables t "
            "ON t.table_name = c.table_name AND t.table_schema = c.table_schema "
            "WHERE c.table_schema NOT IN ('information_schema', 'pg_catalog') "
            "AND c.table_name NOT LIKE '\\_%' ESCAPE '\\' "
            "ORDER BY t.table_type DESC, c.table_name, c.ordinal_position")
    relations: dict[str, dict] = {}
    for table, kind, col, typ in rows:
        rel = relations.setdefault(table, {"name": table,
                                           "kind": "view" if "VIEW" in kind else "table",
                                           "columns": []})
        rel["columns"].append({"name": col, "type": typ})
    return {"title": "SQL", "schema": list(relations.values())}


def sql_result(store, query: Any, limit: Any = 1000) -> dict:
    try:
        limit = max(1, min(100_000, int(limit)))
    except (TypeError, ValueError):
        raise BadRequest(f"limit must be a whole number; received limit={limit!r}") from None
    started = time.perf_counter()
    df = store.sql(query, limit=limit)
    return {"sql": query, "columns": [str(c) for c in df.columns], "rows": _records(df),
            "truncated": bool(df.attrs.get("truncated")),
            "elapsed_ms": round((time.perf_counter() - started) * 1000, 1)}


@router.get("/sql.json")
def sql_json_get(request: Request, sql: str | None = None, limit: int = 1000):
    store = _store(request)
    if sql is None:
        return _json(schema_context(store))
    return _json(sql_result(store, sql, limit))


@router.post("/sql.json")
def sql_json_post(request: Request, body: JsonBody):
    return _json(sql_result(_store(request), body.get("sql"), body.get("limit", 1000)))


@router.get("/sql.csv")
def sql_csv(request: Request, sql: str, limit: int = 100_000):
    df = _store(request).sql(sql, limit=max(1, min(100_000, limit)))
    buf = io.StringIO()
    df.to_csv(buf, index=False)
    return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="query.csv"'})


@router.get("/sql", response_class=HTMLResponse)
def sql_page(request: Request, sql: str = ""):
    ctx = schema_context(_store(request))
    ctx["sql"] = sql or "SELECT run_id, dataflow_tag, status, start_time\nFROM runs\n" \
                        "ORDER BY start_time DESC\nLIMIT 20"
    ctx["autorun"] = bool(sql)
    return _page(request, "sql.html", ctx)


# -- compare ------------------------------------------------------------------------------------
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
            store._check_run(be, rid)
        marks = ", ".join("?" for _ in run_ids)
        runs = {r["run_id"]: r for r in _read(
            store, be, f"SELECT * FROM runs WHERE run_id IN ({marks})", run_ids)}
        names = [c for c, _ in _columns(store, be, "runs")]
        epochs = _read(store, be, f"SELECT * FROM epochs WHERE run_id IN ({marks}) "
                       "ORDER BY run_id, epoch", run_ids)
        epoch_cols = [c for c, _ in _columns(store, be, "epochs")]
    stop = next((i for i, c in enumerate(names) if c in ("epochs", "error")), len(names))
    hp_cols = names[names.index("host") + 1:stop]
    metric_cols = [c for c in names[stop:] if c not in ("epochs", "error")]
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
    charts = _split_metrics(epoch_cols)
    if "learning_rate" in epoch_cols:
        charts.append({"metric": "learning_rate",
                       "series": [{"name": "learning rate", "column": "learning_rate"}]})
    return {"title": "Compare runs", "run_ids": run_ids,
            "runs": [{k: r.get(k) for k in ("run_id", "dataflow_tag", "status")}
                     for r in ordered],
            "hyperparameters": table(hp_cols), "metrics": table(["epochs", *metric_cols]),
            "charts": charts, "series": series}


@router.get("/compare.json")
def compare_json(request: Request):
    return _json(compare_context(_store(request), _run_ids(request)))


@router.get("/compare", response_class=HTMLResponse)
def compare_page(request: Request):
    return _page(request, "compare.html", compare_context(_store(request), _run_ids(request)))


# -- static files -----------------------------------------------------------------------------
def plotly_js() -> Path:
    """plotly.js as bundled in the installed ``plotly`` package (no CDN, works offline)."""
    import plotly
    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise NotAvailable(f"plotly.js is missing from the installed plotly package ({path})")
    return path


@router.get("/static/{name}")
def static(name: str):
    """Only plain file names from our own static folder (no paths, no traversal)."""
    if name == "plotly.min.js":
        return FileResponse(plotly_js(), media_type="text/javascript",
                            headers={"Cache-Control": "public, max-age=86400"})
    # The name pattern comes first: it rejects separators, dots and NUL before any path use.
    if not _STATIC_NAME.match(name):
        raise NotFound(f"no static file {name!r}")
    path = (STATIC / name).resolve()
    if path.parent != STATIC.resolve() or not path.is_file():
        raise NotFound(f"no static file {name!r}")
    return FileResponse(path, headers={"Cache-Control": "no-cache"})
