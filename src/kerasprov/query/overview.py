"""What the web UI's listing pages show, read with parameters in one unit of work each:
the runs table (filters, sort, paging), the dataflows, one dataflow's structure, and the
schema of the SQL console. ``Store`` declares each as a read method (query/surface.py)."""

from __future__ import annotations

import math
from typing import Any

from ..errors import BadRequest, NotFound
from ..store.schema import quote
from ..store.views import NOT_A_SEARCH
from .diff import varying_columns
from .labels import run_labels
from .records import records

STATUSES = ["running", "finished", "failed", "interrupted", "crashed"]
_OPS = ("<=", ">=", "!=", "<>", "=", "<", ">")


def run_columns(names: list[str]) -> tuple[list[str], list[str]]:
    """The ``runs`` view's hyperparameter columns and metric columns, in view order."""
    stop = next((i for i, c in enumerate(names) if c in ("epochs", "error")), len(names))
    hp_cols = names[names.index("host") + 1:stop] if "host" in names else []
    metric_cols = [c for c in names[stop:] if c not in ("epochs", "error")]
    return hp_cols, metric_cols


def _is_numeric(sql_type: str) -> bool:
    t = sql_type.upper()
    return any(k in t for k in ("INT", "DOUBLE", "FLOAT", "DECIMAL", "NUMERIC", "REAL"))


def _condition(col: str, text: str, sql_type: str) -> tuple[str, Any]:
    """A filter on a column: ``0.01``, ``>0.01``, ``!=adam`` (numbers compare as numbers)."""
    op = next((o for o in _OPS if text.startswith(o)), "=")
    value = text[len(op):].strip() if text.startswith(op) else text
    op = "<>" if op == "!=" else op
    if _is_numeric(sql_type):
        try:
            number = float(value)
        except ValueError:
            raise BadRequest(f"filter on {col!r} needs a number; received {value!r}") from None
        if not math.isfinite(number):
            raise BadRequest(f"filter on {col!r} needs a finite number; received {value!r}")
        return f"{quote(col)} {op} ?", number
    return f"CAST({quote(col)} AS VARCHAR) {op} ?", value


def runs_table(store, dataflow: str | None, status: str | None, filters: dict[str, str],
               sort: str, desc: bool | None, page: int, per_page: int) -> dict:
    """One page of the runs table: rows, total, columns (hyperparameters, varying user
    transformation inputs, metrics), the dataflows and statuses to filter by."""
    with store.unit() as be:
        cols = be.relation_columns("runs")
        types = dict(cols)
        hp_cols, metric_cols = run_columns([c for c, _ in cols])
        where, args = [NOT_A_SEARCH], []  # a search's own run: on the Searches page
        if dataflow:
            where.append("dataflow_tag = ?")
            args.append(dataflow)
        if status:
            where.append("status = ?")
            args.append(status)
        used = {}
        for col, value in filters.items():
            if not value.strip():
                continue
            if col not in types:
                raise BadRequest(f"unknown column {col!r} in filter hp.{col}; columns: "
                                 + ", ".join(hp_cols), field="filters")
            used[col] = value
            cond, arg = _condition(col, value.strip(), types[col])
            where.append(cond)
            args.append(arg)
        if sort not in types:
            raise BadRequest(f"cannot sort by unknown column {sort!r}", field="sort")
        desc = sort == "start_time" if desc is None else desc
        sql_where = " WHERE " + " AND ".join(where)
        total = int(be.fetchall(f"SELECT COUNT(*) FROM runs{sql_where}", args)[0][0])
        order = f"{quote(sort)} {'DESC' if desc else 'ASC'} NULLS LAST, run_id DESC"
        rows = records(be.read_df(f"SELECT * FROM runs{sql_where} ORDER BY {order} "
                                  "LIMIT ? OFFSET ?", [*args, per_page, (page - 1) * per_page]),
                       seconds=True)
        dataflows = [r[0] for r in be.fetchall("SELECT tag FROM dataflow ORDER BY tag")]
        names = run_labels(be, [r["run_id"] for r in rows])  # each row says its run's name
    for r in rows:
        r["label"] = names.get(r["run_id"])
    varying = varying_columns(store, [r["run_id"] for r in rows], metric_cols)
    for r in rows:
        r.update({c: varying.values[r["run_id"]].get(c) for c in varying.columns})
    return {"rows": rows, "total": total, "page": page, "per_page": per_page,
            "pages": max(1, math.ceil(total / per_page)), "sort": sort, "desc": desc,
            "dataflow": dataflow or "", "status": status or "", "filters": used,
            "hyperparameters": hp_cols, "metrics": metric_cols,
            "columns": ["run_id", "dataflow_tag", "status", "start_time", "duration_s",
                        *varying.columns, *varying.first, *hp_cols,
                        *(["epochs"] if "epochs" in types else []),
                        *[c for c in metric_cols if c not in varying.first]],
            "varying": varying.columns, "dataflows": dataflows, "statuses": STATUSES}


def dataflows(be) -> list[dict]:
    """Every dataflow and its number of runs."""
    return records(be.read_df(
        "SELECT d.tag, COUNT(e.run_id) AS runs FROM dataflow d LEFT JOIN execution e "
        "ON e.dataflow_tag = d.tag GROUP BY d.tag ORDER BY d.tag"), seconds=True)


def dataflow(be, tag: str) -> dict:
    """One dataflow's structure: data sets with their attributes, transformations, the
    dependencies between them, and its number of runs."""
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
    n_runs = be.fetchall("SELECT COUNT(*) FROM execution WHERE dataflow_tag = ?", [tag])[0][0]
    return {"dataflow": tag, "sets": sets, "attributes": attrs,
            "transformations": transformations, "runs": int(n_runs),
            "dependencies": [{"transformation": t, "data_set": s, "role": r} for t, s, r in io]}


def schema(be) -> list[dict]:
    """The store's tables and views with their columns and portable types (the SQL
    console's side panel)."""
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
        rel["columns"].append({"name": col, "type": portable_type(typ)})
    return list(relations.values())


_TYPES = (("timestamp", "timestamp"), ("date", "date"), ("bool", "boolean"),
          ("int", "integer"), ("double", "number"), ("float", "number"), ("real", "number"),
          ("numeric", "number"), ("decimal", "number"), ("char", "text"), ("text", "text"),
          ("json", "json"))


def portable_type(sql_type: str) -> str:
    """A column type by what it holds (``text``, ``integer``, ``number``, ``timestamp``...),
    the same on every store kind (DuckDB says VARCHAR where PostgreSQL says text)."""
    t = str(sql_type).lower()
    return next((name for key, name in _TYPES if key in t), t)


__all__ = ["STATUSES", "dataflow", "dataflows", "run_columns", "runs_table", "schema"]
