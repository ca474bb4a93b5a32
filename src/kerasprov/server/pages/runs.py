"""The runs page (``/``): every run, filtered, sorted and paged by SQL over ``runs``."""

from __future__ import annotations

import math
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ...errors import BadRequest
from ...query.diff import varying_columns
from ...query.labels import run_labels
from ...store.schema import quote
from ...store.views import NOT_A_SEARCH
from .common import app_store, as_json, now_utc, page, parse_ts, read, run_columns

router = APIRouter()
MAX_PER_PAGE = 500
_OPS = ("<=", ">=", "!=", "<>", "=", "<", ">")


def _is_numeric(sql_type: str) -> bool:
    t = sql_type.upper()
    return any(k in t for k in ("INT", "DOUBLE", "FLOAT", "DECIMAL", "NUMERIC", "REAL"))


def runs_context(store, params: dict[str, str]) -> dict:
    """The runs page: filters, sort and paging are done by SQL over the ``runs`` view."""
    try:
        page = max(1, int(params.get("page") or 1))
        per_page = min(MAX_PER_PAGE, max(1, int(params.get("per_page") or 50)))
    except ValueError:
        raise BadRequest("page and per_page must be whole numbers; received: "
                         f"page={params.get('page')!r}, per_page={params.get('per_page')!r}")
    with store.unit() as be:
        cols = be.relation_columns("runs")
        names = [c for c, _ in cols]
        types = dict(cols)
        hp_cols, metric_cols = run_columns(names)
        where, args = [NOT_A_SEARCH], []  # a search's own run: on the Searches page
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
        rows = read(be, f"SELECT * FROM runs{sql_where} ORDER BY {order} "
                     f"LIMIT {per_page} OFFSET {(page - 1) * per_page}", args)
        dataflows = [r[0] for r in be.fetchall("SELECT tag FROM dataflow ORDER BY tag")]
        labels = run_labels(be, [r["run_id"] for r in rows])
    for r in rows:
        r["label"] = labels.get(r["run_id"])
    varying = varying_columns(store, [r["run_id"] for r in rows], metric_cols)
    for r in rows:
        r.update({c: varying.values[r["run_id"]].get(c) for c in varying.columns})
    now = now_utc()
    for r in rows:
        if r.get("status") == "running" and r.get("duration_s") is None:
            start = parse_ts(r.get("start_time"))
            r["duration_s"] = (now - start).total_seconds() if start else None
    return {"title": "Runs", "rows": rows, "total": int(total), "page": page,
            "per_page": per_page, "pages": max(1, math.ceil(total / per_page)),
            "sort": sort, "desc": desc, "dataflow": params.get("dataflow") or "",
            "status": params.get("status") or "", "filters": filters,
            "hyperparameters": hp_cols, "metrics": metric_cols,
            "columns": ["run_id", "dataflow_tag", "status", "start_time", "duration_s",
                        *varying.columns, *varying.first, *hp_cols,
                        *(["epochs"] if "epochs" in types else []),
                        *[c for c in metric_cols if c not in varying.first]],
            "varying": varying.columns,
            "dataflows": dataflows,
            "statuses": ["running", "finished", "failed", "interrupted", "terminated",
                         "crashed"]}


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


def _chart_choices(ctx: dict) -> dict:
    """What the runs page's charts offer: a metric's curves (train and validation share
    one chart), and a hyperparameter (or varying input) against a final metric."""
    metrics = ctx["metrics"]
    curve = [m[5:] for m in metrics if m.startswith("last_") and not m.startswith("last_val_")]
    curve.sort(key=lambda m: m != "loss")  # the one metric every run has, first
    best = next((m for m in ("best_val_accuracy", "best_val_loss", "test_accuracy")
                 if m in metrics), metrics[0] if metrics else "")
    return {"curve_metrics": curve or ["loss"], "scatter_x": [*ctx["varying"],
                                                             *ctx["hyperparameters"]],
            "scatter_y": best,
            "scatter_x_default": "learning_rate" if "learning_rate" in ctx["hyperparameters"]
            else next(iter([*ctx["varying"], *ctx["hyperparameters"]]), "")}


@router.get("/.json")
def runsas_json(request: Request):
    return as_json(runs_context(app_store(request), dict(request.query_params)))


@router.get("/", response_class=HTMLResponse)
def runs_page(request: Request):
    ctx = runs_context(app_store(request), dict(request.query_params))
    ctx["query"] = dict(request.query_params)
    ctx.update(_chart_choices(ctx))
    return page(request, "runs.html", ctx)
