"""The input values of tasks (a Filter's ``filter_name``, a training's learning rate), read
in one unit of work: what the lineage graph writes on its task nodes."""

from __future__ import annotations

from typing import Any

from ..store.schema import quote, set_table, task_column
from .records import records

#: Columns of input data sets that are bookkeeping, not values a person chose.
_NOT_VALUES = {"run_id", "dataflow_tag", "timestamp", "elapsed_time"}


def task_inputs(store, task_ids: list[str], per_task: int = 4) -> dict[str, dict[str, Any]]:
    """``{task_id: {attribute: value}}``: up to ``per_task`` non-null values of each task's
    input data sets, in attribute order. A set with several rows for one task (layers, the
    arrays given to ``fit``) is a list rather than a choice, and is left out."""
    if not task_ids:
        return {}
    out: dict[str, dict[str, Any]] = {t: {} for t in task_ids}
    marks = ", ".join("?" for _ in task_ids)
    with store.unit() as be:
        tasks = be.fetchall("SELECT task_id, dataflow_tag, transformation_tag FROM task "
                            f"WHERE task_id IN ({marks})", list(task_ids))
        tables = be.table_names()
        names = {(s, c): n for s, n, c in be.fetchall(
            "SELECT data_set_tag, name, column_name FROM attribute")}
        by_tr: dict[tuple[str, str], list[str]] = {}
        for task_id, dataflow, tr in tasks:
            by_tr.setdefault((dataflow, tr), []).append(task_id)
        for (dataflow, tr), ids in by_tr.items():
            link = task_column(tr)
            sets = [r[0] for r in be.fetchall(
                "SELECT data_set_tag FROM data_transformation_io WHERE dataflow_tag = ? AND "
                "transformation_tag = ? AND role = 'input' ORDER BY data_set_tag",
                [dataflow, tr])]
            # the transformation's own input set first (ifilter for Filter, itrainingmodel
            # for TrainingModel: its hyperparameters), then the others
            sets.sort(key=lambda st: st.lower() != "i" + tr.lower())
            for set_tag in sets:
                table = set_table(set_tag)
                if table not in tables or link not in be.table_columns(table):
                    continue
                id_marks = ", ".join("?" for _ in ids)
                rows = records(be.read_df(f"SELECT * FROM {quote(table)} WHERE "
                                          f"{quote(link)} IN ({id_marks})", list(ids)))
                count: dict[str, int] = {}
                for row in rows:
                    count[row[link]] = count.get(row[link], 0) + 1
                for row in rows:
                    if count[row[link]] > 1:  # layers, x and y: a list, not a chosen value
                        continue
                    values = out[row[link]]
                    for col, v in row.items():
                        if (v is None or col in _NOT_VALUES or col.endswith("_task_id")
                                or len(values) >= per_task or len(str(v)) > 40):
                            continue
                        values.setdefault(names.get((set_tag, col), col), v)
    return out
