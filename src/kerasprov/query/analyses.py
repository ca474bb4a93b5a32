"""The paper's analyses as named, documented queries over a Store.

- ``adaptation``: when the learning rate changed, to what, and what changed it (Table 1).
- ``transformation_impact``: a user transformation's parameter (e.g. an image filter)
  against the test metric and the number of epochs, one row per run (Table 2).
- ``convergence``: per epoch, a training metric, its validation twin and the gap between
  them (the paper's discussion of train/validation discrepancy).

Each one is a single SQL statement written here (identifiers quoted, values passed as
parameters) and returns a pandas DataFrame.
"""

from __future__ import annotations

import pandas as pd

from ..errors import BadRequest, NotFound
from ..names import is_built_in
from ..store.schema import quote, set_table, task_column
from .reads import check_run


def _columns(be, set_tag: str) -> list[str]:
    table = set_table(set_tag)
    return be.table_columns(table) if table in be.table_names() else []


def _attribute(be, set_tag: str, name: str, what: str) -> str:
    """The column of attribute ``name`` (its name or its column name) in ``set_tag``."""
    cols = _columns(be, set_tag)
    rows = be.fetchall("SELECT name, column_name FROM attribute WHERE data_set_tag = ? "
                       "ORDER BY name", [set_tag])
    for attr, col in rows:
        if attr == name and col in cols:
            return col
    if name in cols and name != "run_id" and not name.endswith("_task_id"):
        return name
    for attr, col in rows:
        if attr.lower() == str(name).lower() and col in cols:
            return col
    known = [a for a, c in rows if c in cols]
    raise BadRequest(f"unknown {what} {name!r} in {set_tag}; it has: "
                     f"{', '.join(known) or '(none)'}", attribute=name)


def adaptation(store, run_id: str) -> pd.DataFrame:
    """Learning-rate adaptations of one run (paper Table 1).

    Returns:
        One row per change: ``epoch`` (the first epoch trained with the new rate, 0-based as
        in Keras), ``learning_rate`` (the new rate) and ``technique`` (the callback or
        schedule that made the change, e.g. ``ReduceLROnPlateau``). No row if the rate never
        changed or the run was captured without ``adaptation=True``.

    Example:
    ```python
    kerasprov.open_store().adaptation("20240101120000-1a2b3c4d")
    ```
    """
    with store.unit() as be:
        check_run(be, run_id, store.spec)
        return be.read_df("SELECT epoch, learning_rate, technique FROM ds_oadaptation "
                               'WHERE run_id = ? ORDER BY epoch, "timestamp"', [run_id])


def transformation_impact(store, transformation: str = "Filter", parameter: str | None = None,
                          metric: str = "accuracy", dataflow: str | None = None
                          ) -> pd.DataFrame:
    """A user transformation's input parameter against the test metric, per run (Table 2).

    Args:
        transformation: the transformation tag, e.g. ``"Filter"`` (case-insensitive).
        parameter: the attribute of the transformation's input set to show, e.g.
            ``"filter_name"``; ``None`` shows every attribute of its input set(s).
        metric: the test metric (``ds_otestingmodel``), e.g. ``"accuracy"``; the last
            ``evaluate`` of each run counts.
        dataflow: only runs of this dataflow.

    Returns:
        One row per execution of the transformation: ``run_id``, ``dataflow_tag``, the
        parameter column(s), the metric (named as asked) and ``epochs`` (epochs trained in
        that run). Runs without a test have a null metric.
    """
    with store.unit() as be:
        where, params = ["LOWER(transformation_tag) = LOWER(?)"], [transformation]
        if dataflow:
            where.append("dataflow_tag = ?")
            params.append(dataflow)
        found = be.fetchall("SELECT DISTINCT transformation_tag FROM data_transformation_io "
                            "WHERE " + " AND ".join(where) + " ORDER BY 1", params)
        if not found:
            known = sorted({r[0] for r in be.fetchall(
                "SELECT transformation_tag FROM data_transformation_io"
                + (" WHERE dataflow_tag = ?" if dataflow else ""),
                [dataflow] if dataflow else [])
                if not is_built_in(r[0])})
            scope = f" in dataflow {dataflow!r}" if dataflow else ""
            raise NotFound(f"no transformation {transformation!r}{scope}; user "
                           f"transformations: {', '.join(known) or '(none)'}")
        tag = found[0][0]
        inputs = sorted({r[0] for r in be.fetchall(
            "SELECT data_set_tag FROM data_transformation_io WHERE transformation_tag = ? "
            "AND role = 'input'" + (" AND dataflow_tag = ?" if dataflow else ""),
            [tag] + ([dataflow] if dataflow else []))} & {t[3:] for t in be.table_names()
                                                          if t.startswith("ds_")})
        if not inputs:
            raise NotFound(f"transformation {tag!r} has no recorded input rows")
        link = task_column(tag)
        selected, joins = [], []
        for i, set_tag in enumerate(inputs):
            cols = _columns(be, set_tag)
            alias = f"i{i}"
            on = f"{alias}.{quote(link)} = k.task_id" if link in cols else \
                f"{alias}.run_id = k.run_id"
            joins.append(f"LEFT JOIN {set_table(set_tag)} {alias} ON {on}")
            if parameter is None:
                names = [c for c in cols if c != "run_id" and not c.endswith("_task_id")]
            elif len(inputs) == 1:
                names = [_attribute(be, set_tag, parameter, "parameter")]
            else:
                names = [c for c in cols if c == _safe_attr(be, set_tag, parameter)]
            selected += [f"{alias}.{quote(c)}" for c in names]
        if not selected:
            raise BadRequest(f"no parameter {parameter!r} in the inputs of {tag}: "
                             f"{', '.join(inputs)}")
        tcol = _attribute(be, "otestingmodel", metric, "test metric")
        order_col = '"timestamp"' if "timestamp" in _columns(be, "otestingmodel") else "run_id"
        sql = (
            "SELECT e.run_id, e.dataflow_tag, " + ", ".join(selected)
            + f", t.{quote(tcol)} AS {quote(metric)}, COALESCE(n.epochs, 0) AS epochs "
            "FROM task k JOIN execution e ON e.run_id = k.run_id " + " ".join(joins)
            + f" LEFT JOIN (SELECT t1.run_id, t1.{quote(tcol)} FROM ds_otestingmodel t1 "
            f"WHERE t1.{order_col} = (SELECT MAX(t2.{order_col}) FROM ds_otestingmodel t2 "
            "WHERE t2.run_id = t1.run_id)) t ON t.run_id = e.run_id "
            "LEFT JOIN (SELECT run_id, COUNT(*) AS epochs FROM ds_otrainingmodel "
            "GROUP BY run_id) n ON n.run_id = e.run_id "
            "WHERE k.transformation_tag = ?" + (" AND e.dataflow_tag = ?" if dataflow else "")
            + " ORDER BY e.start_time NULLS LAST, e.run_id, k.start_time NULLS LAST, k.task_id, "
            # then every column: a task with several input rows gives them in one order
            + ", ".join(f"{i} NULLS LAST" for i in range(3, len(selected) + 5)))
        return be.read_df(sql, [tag] + ([dataflow] if dataflow else []))


def _safe_attr(be, set_tag, name):
    try:
        return _attribute(be, set_tag, name, "parameter")
    except BadRequest:
        return None


def convergence(store, run_id: str, metric: str = "accuracy") -> pd.DataFrame:
    """Training vs validation metric per epoch, and the gap between them.

    Args:
        run_id: the run.
        metric: a training metric with a validation twin, e.g. ``"accuracy"`` or ``"loss"``.

    Returns:
        ``epoch``, ``<metric>``, ``val_<metric>`` and ``gap`` (training minus validation:
        for accuracy a large positive gap means over-fitting; for a loss, a large negative
        one).
    """
    with store.unit() as be:
        check_run(be, run_id, store.spec)
        try:
            train = _attribute(be, "otrainingmodel", metric, "metric")
            val = _attribute(be, "otrainingmodel", "val_" + metric, "metric")
        except BadRequest:
            names = [r[0] for r in be.fetchall(
                "SELECT name FROM attribute WHERE data_set_tag = 'otrainingmodel' ORDER BY name")]
            pairs = [n for n in names if "val_" + n in names]
            raise BadRequest(f"no metric {metric!r} with a validation twin "
                             f"'val_{metric}'; metrics that have one: "
                             f"{', '.join(pairs) or '(none: fit without validation data)'}",
                             metric=metric) from None
        t, v = quote(train), quote(val)
        return be.read_df(
            f"SELECT epoch, {t} AS {quote(metric)}, {v} AS {quote('val_' + metric)}, "
                f"{t} - {v} AS gap FROM ds_otrainingmodel WHERE run_id = ? ORDER BY epoch",
            [run_id])


__all__ = ["adaptation", "convergence", "transformation_impact"]
