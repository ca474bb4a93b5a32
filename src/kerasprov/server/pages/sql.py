"""The SQL console (``/sql``): the schema, and read-only queries through the sandbox."""

from __future__ import annotations

import io
import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ...errors import BadRequest
from ...query.records import records
from .common import JsonBody, app_store, as_json, page

router = APIRouter()


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
    return {"sql": query, "columns": [str(c) for c in df.columns],
            "rows": records(df, seconds=True),
            "truncated": bool(df.attrs.get("truncated")),
            "elapsed_ms": round((time.perf_counter() - started) * 1000, 1)}


@router.get("/sql.json")
def sql_json_get(request: Request, sql: str | None = None, limit: int = 1000):
    store = app_store(request)
    if sql is None:
        return as_json(schema_context(store))
    return as_json(sql_result(store, sql, limit))


@router.post("/sql.json")
def sql_json_post(request: Request, body: JsonBody):
    return as_json(sql_result(app_store(request), body.get("sql"), body.get("limit", 1000)))


@router.get("/sql.csv")
def sql_csv(request: Request, sql: str, limit: int = 100_000):
    df = app_store(request).sql(sql, limit=max(1, min(100_000, limit)))
    buf = io.StringIO()
    df.to_csv(buf, index=False)
    return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="query.csv"'})


@router.get("/sql", response_class=HTMLResponse)
def sql_page(request: Request, sql: str = ""):
    ctx = schema_context(app_store(request))
    ctx["sql"] = sql or "SELECT run_id, dataflow_tag, status, start_time\nFROM runs\n" \
                        "ORDER BY start_time DESC\nLIMIT 20"
    ctx["autorun"] = bool(sql)
    return page(request, "sql.html", ctx)
