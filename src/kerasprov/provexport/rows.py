"""What a PROV document is built from: the store rows of a run (or of every run of a
dataflow), read in one unit of work, in an order that does not depend on the backend."""

from __future__ import annotations

import math

from ..errors import BadRequest, NotFound
from ..store.schema import quote, set_table
from . import proof_prov
from .extra_values import attach_extra

_ORDER_HINTS = ("epoch", "layer_index", "timestamp")


class Rows:
    """Everything the document needs, read in one unit of work."""

    def __init__(self, be, run_id: str | None, dataflow: str | None):
        if (run_id is None) == (dataflow is None):
            raise BadRequest("export either one run (run_id) or one dataflow (dataflow)")
        if run_id is not None:
            cond, arg = "run_id = ?", run_id
        else:
            cond, arg = "dataflow_tag = ?", dataflow
        self.runs = self._dicts(be, "execution", "x", f"WHERE x.{cond} "
                                "ORDER BY x.start_time NULLS LAST, x.run_id", [arg])
        if not self.runs:
            what = f"run {run_id!r}" if run_id is not None else f"dataflow {dataflow!r}"
            raise NotFound(f"no {what} in the store", run_id=run_id, dataflow=dataflow)
        flows = sorted({r["dataflow_tag"] for r in self.runs})
        marks = ", ".join("?" for _ in flows)
        self.io = be.fetchall("SELECT dataflow_tag, transformation_tag, data_set_tag, role "
                              f"FROM data_transformation_io WHERE dataflow_tag IN ({marks}) "
                              "ORDER BY 1, 2, 3, 4", flows)
        self.tasks = self._dicts(be, "task", "x", f"WHERE x.{cond} "
                                 "ORDER BY x.start_time NULLS LAST, x.task_id", [arg])
        # Rows of other tables belong to the run(s) through execution.
        join = f"JOIN execution e ON e.run_id = x.run_id WHERE e.{cond}"
        self.files = self._dicts(be, "file", "x", f"{join} ORDER BY x.time NULLS LAST, x.path, "
                                 + _every_column(be, "file"), [arg])
        tables = be.table_names()
        self.sets: dict[str, list[dict]] = {}
        for set_tag in sorted({r[2] for r in self.io}):
            table = set_table(set_tag)
            if table not in tables:
                continue
            cols = be.table_columns(table)
            # Row ids are positions in this order, so it must not depend on the backend (nor
            # on its text collation): sorted here, natural keys first, then task ids, then
            # every column (rows that tie on the keys, e.g. two tests at one timestamp).
            hints = [c for c in _ORDER_HINTS if c in cols]
            keys = ["run_id", *hints] + [c for c in cols if c.endswith("_task_id")]
            keys += [c for c in cols if c not in keys]
            rows = self._dicts(be, table, "x", join, [arg], cols)
            rows.sort(key=lambda r: [_sort_key(r[c]) for c in keys])
            self.sets[set_tag] = rows
        attach_extra(be, self.sets, join, [arg])
        self.workers = self._dicts(be, "agent", "x", f"{join} ORDER BY x.rank NULLS LAST, "
                                   "x.agent_id, x.run_id, " + _every_column(be, "agent"),
                                   [arg]) if "agent" in tables else []
        self.attestations = proof_prov.attestations(be, tables, join, arg)

    @staticmethod
    def _dicts(be, table: str, alias: str, rest: str, params, cols=None) -> list[dict]:
        """Rows as dicts, on any backend (explicit column lists, no driver metadata)."""
        cols = cols or be.table_columns(table)
        sel = ", ".join(f"{alias}.{quote(c)}" for c in cols)
        return [dict(zip(cols, row)) for row in be.fetchall(
            f"SELECT {sel} FROM {quote(table)} {alias} {rest}", list(params))]


def _every_column(be, table: str) -> str:
    """Every column of ``_dicts``' select list, by position: ties broken the same on every
    engine."""
    return ", ".join(f"{i} NULLS LAST" for i in range(1, len(be.table_columns(table)) + 1))


def _sort_key(value) -> tuple:
    """A total order over mixed values: None first, then by type name, then by value."""
    if value is None:
        return (0, "", 0)
    if isinstance(value, float) and math.isnan(value):
        return (1, "nan", 0)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (2, "number", value)
    return (3, type(value).__name__, value)
