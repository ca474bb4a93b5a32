"""The SQL console (``/sql``): the schema, and read-only queries through the sandbox
(``Store.schema`` and ``Store.sql``, checked and bounded as on every other entry)."""

from __future__ import annotations

import io
import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ...query.declare import MAX_LIMIT
from ...query.records import records
from .common import JsonBody, as_json, ask, page

router = APIRouter()


def schema_context(request: Request) -> dict:
    return {"title": "SQL", "schema": ask(request, "schema")}


def sql_result(request: Request, query: Any, limit: Any = 1000) -> dict:
    started = time.perf_counter()
    df = ask(request, "sql", query, limit=limit)
    return {"sql": query, "columns": [str(c) for c in df.columns],
            "rows": records(df, seconds=True),
            "truncated": bool(df.attrs.get("truncated")),
            "elapsed_ms": round((time.perf_counter() - started) * 1000, 1)}


@router.get("/sql.json")
def sql_json_get(request: Request, sql: str | None = None, limit: int = 1000):
    if sql is None:
        return as_json(schema_context(request))
    return as_json(sql_result(request, sql, limit))


@router.post("/sql.json")
def sql_json_post(request: Request, body: JsonBody):
    return as_json(sql_result(request, body.get("sql"), body.get("limit", 1000)))


@router.get("/sql.csv")
def sql_csv(request: Request, sql: str, limit: int = MAX_LIMIT):
    df = ask(request, "sql", sql, limit=limit)
    buf = io.StringIO()
    df.to_csv(buf, index=False)
    return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="query.csv"'})


@router.get("/sql", response_class=HTMLResponse)
def sql_page(request: Request, sql: str = ""):
    ctx = schema_context(request)
    ctx["sql"] = sql or "SELECT run_id, dataflow_tag, status, start_time\nFROM runs\n" \
                        "ORDER BY start_time DESC\nLIMIT 20"
    ctx["autorun"] = bool(sql)
    return page(request, "sql.html", ctx)
