"""Views for people: ``runs``, ``epochs``, ``adaptations``, ``tests``, ``data_dependency``.

Data-set tables gain columns as new metrics and hyperparameters appear, and PostgreSQL
freezes a view's column list at creation, so views are generated from the current columns
and recreated after every schema change (DuckDB and PostgreSQL alike).
"""

from __future__ import annotations

import hashlib

from .schema import quote

VIEWS = ("runs", "epochs", "adaptations", "tests", "data_dependency")
_NOT_METRICS = {"run_id", "epoch", "learning_rate", "elapsed_time", "timestamp"}


def drop_views(be) -> None:
    for name in VIEWS:
        be.execute(f"DROP VIEW IF EXISTS {name}")


def _attrs(be, set_tag):
    return be.fetchall("SELECT column_name, type FROM attribute WHERE data_set_tag = ? ",
                       [set_tag])


def _cols(be, table):
    return be.table_columns(table)


def _fit(name: str) -> str:
    """PostgreSQL cuts identifiers at 63 bytes: keep aliases like best_<60 chars> distinct."""
    if len(name.encode()) <= 63:
        return name
    digest = hashlib.sha1(name.encode()).hexdigest()[:8]
    return name.encode()[:50].decode("utf-8", "ignore") + "_" + digest


def _is_loss(name: str) -> bool:
    n = name.lower()
    return "loss" in n or "error" in n or n.startswith(("mse", "mae", "mape", "msle"))


def create_views(be) -> None:
    drop_views(be)
    be.execute("""CREATE VIEW data_dependency AS
        SELECT COALESCE(o.dataflow_tag, i.dataflow_tag) AS dataflow_tag,
               o.transformation_tag AS previous_transformation,
               i.transformation_tag AS next_transformation,
               COALESCE(o.data_set_tag, i.data_set_tag) AS data_set_tag
        FROM (SELECT * FROM data_transformation_io WHERE role = 'output') o
        FULL OUTER JOIN (SELECT * FROM data_transformation_io WHERE role = 'input') i
          ON o.dataflow_tag = i.dataflow_tag AND o.data_set_tag = i.data_set_tag""")
    tables = be.table_names()
    if "ds_otrainingmodel" in tables:
        cols = _cols(be, "ds_otrainingmodel")
        metrics = [c for c in cols if c not in _NOT_METRICS and not c.endswith("_task_id")]
        ordered = ["run_id"] + [c for c in ("epoch",) if c in cols] + metrics + \
            [c for c in ("learning_rate", "elapsed_time", "timestamp", "trainingmodel_task_id")
             if c in cols]
        sel = ", ".join(f"o.{quote(c)}" for c in ordered)
        be.execute(f"CREATE VIEW epochs AS SELECT e.dataflow_tag, {sel} FROM ds_otrainingmodel o "
                   "JOIN execution e ON e.run_id = o.run_id")
    for view, table in (("adaptations", "ds_oadaptation"), ("tests", "ds_otestingmodel")):
        if table in tables:
            sel = ", ".join(f"x.{quote(c)}" for c in _cols(be, table))
            be.execute(f"CREATE VIEW {view} AS SELECT e.dataflow_tag, {sel} FROM {table} x "
                       "JOIN execution e ON e.run_id = x.run_id")
    be.execute(_runs_sql(be, tables))
    if be.dialect == "postgres":
        from .pgreader import REGRANT_SQL
        be.execute(REGRANT_SQL)


def _runs_sql(be, tables) -> str:
    if be.dialect == "postgres":
        duration = "EXTRACT(EPOCH FROM (e.end_time - e.start_time))"
    else:
        duration = "(epoch(e.end_time) - epoch(e.start_time))"
    out = ["e.dataflow_tag", "e.run_id", "e.status", "e.start_time", "e.end_time",
           f"{duration} AS duration_s", "e.host"]
    taken = {"dataflow_tag", "run_id", "status", "start_time", "end_time", "duration_s", "host",
             "error", "epochs"}
    joins = []

    def alias(name):
        a = _fit(name)
        while a in taken:
            a = _fit("hp_" + a)
        taken.add(a)
        return quote(a)

    if "ds_itrainingmodel" in tables:
        joins.append("LEFT JOIN ds_itrainingmodel h ON h.run_id = e.run_id")
        for col in _cols(be, "ds_itrainingmodel"):
            if col != "run_id" and not col.endswith("_task_id"):
                out.append(f"h.{quote(col)} AS {alias(col)}")
    if "ds_otrainingmodel" in tables:
        numeric = [c for c, t in _attrs(be, "otrainingmodel")
                   if t in ("real", "integer") and c not in _NOT_METRICS]
        best = ", ".join(
            f"{'MIN' if _is_loss(c) else 'MAX'}({quote(c)}) AS {quote(_fit('best_' + c))}"
            for c in numeric)
        be_cols = _cols(be, "ds_otrainingmodel")
        if "epoch" in be_cols:
            joins.append(
                "LEFT JOIN (SELECT run_id, COUNT(*) AS n_epochs, MAX(epoch) AS last_epoch"
                + (", " + best if best else "") + " FROM ds_otrainingmodel GROUP BY run_id) agg "
                "ON agg.run_id = e.run_id")
            joins.append("LEFT JOIN ds_otrainingmodel l ON l.run_id = e.run_id "
                         "AND l.epoch = agg.last_epoch")
            out.append("agg.n_epochs AS epochs")
            for c in numeric:
                out.append(f"l.{quote(c)} AS {alias('last_' + c)}")
            for c in numeric:
                out.append(f"agg.{quote(_fit('best_' + c))} AS {alias('best_' + c)}")
    if "ds_otestingmodel" in tables:
        tcols = [c for c, t in _attrs(be, "otestingmodel") if t in ("real", "integer")]
        if tcols:
            joins.append(
                "LEFT JOIN (SELECT * FROM ds_otestingmodel t1 WHERE t1.testingmodel_task_id = "
                "(SELECT MAX(t2.testingmodel_task_id) FROM ds_otestingmodel t2 "
                "WHERE t2.run_id = t1.run_id)) t ON t.run_id = e.run_id")
            for c in tcols:
                out.append(f"t.{quote(c)} AS {alias('test_' + c)}")
    out.append("e.error")
    return ("CREATE VIEW runs AS SELECT " + ", ".join(out) + " FROM execution e "
            + " ".join(joins))
