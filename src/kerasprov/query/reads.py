"""The few reads every other query module builds on, in one leaf module (it imports no
other module of query/ but the sandbox): does a run exist, one run's sections, and a
person's SQL run through the sandbox with the backend's guards."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from .. import config
from ..errors import NotFound
from . import sandbox

#: ``Store.run``'s sections: name -> (relation, what its rows are read by); each is read for
#: one run, in a total order (``total_order``).
RUN_SECTIONS = {
    "run": ("runs", ()),
    "hyperparameters": ("ds_itrainingmodel", ()),
    "config": ("ds_itrainingconfig", ()),
    "layers": ("ds_ilayers", ()),
    "epochs": ("epochs", ("epoch",)),
    "adaptations": ("adaptations", ("epoch", '"timestamp"')),
    "tests": ("tests", ('"timestamp"',)),
    "tasks": ("task", ("start_time", "task_id")),
    "files": ("file", ("time", "path")),
    "execution": ("execution", ()),
}


def one_run(be, relation: str, run_id: str, *keys: str) -> pd.DataFrame:
    """The rows of ``relation`` about one run, by ``keys`` then every column."""
    return be.read_df(f"SELECT * FROM {relation} WHERE run_id = ?"
                      + total_order(be, relation, *keys), [run_id])


def total_order(be, relation: str, *keys: str) -> str:
    """`` ORDER BY`` for ``SELECT * FROM relation``: ``keys`` first (what a person reads the
    rows by), then every column by position, so rows that tie on the keys still come in
    one order on every engine and after any rewrite of the table (without it the order is
    the engine's scan or join order). NULLS LAST spelt out: engines differ by default."""
    n = len(be.table_columns(relation))
    return " ORDER BY " + ", ".join([f"{k} NULLS LAST" for k in keys]
                                    + [f"{i} NULLS LAST" for i in range(1, n + 1)])


def run_sections(be, run_id: str, only: Iterable[str] | None = None) -> dict[str, pd.DataFrame]:
    """The sections of one run (all, or ``only`` those named), read in one unit of work."""
    return {name: one_run(be, relation, run_id, *keys)
            for name, (relation, keys) in RUN_SECTIONS.items() if only is None or name in only}


def check_run(be, run_id: str, spec: str) -> None:
    """Raise ``NotFound`` unless ``run_id`` is in the store behind ``be``."""
    if not be.fetchall("SELECT 1 FROM execution WHERE run_id = ?", [run_id]):
        near = [r[0] for r in be.fetchall(
            "SELECT run_id FROM execution WHERE run_id LIKE ? ORDER BY run_id LIMIT 5",
            [str(run_id)[:8] + "%"])]
        hint = f"; similar: {', '.join(near)}" if near else ""
        raise NotFound(f"no run {run_id!r} in {config.shown(spec)}{hint}", run_id=run_id)


def run_sandboxed(be, query: str, limit: int, timeout: float,
                  max_bytes: int = sandbox.DEFAULT_MAX_BYTES) -> pd.DataFrame:
    """Check a person's query with the sandbox, then run it with the backend's guards.

    At most ``limit`` rows and about ``max_bytes`` bytes; stopped after ``timeout`` seconds
    (see ``Backend.read_only_df``). A person's bounds were checked where the call came in
    (``declare.py``); a default chosen inside kerasprov (lineage, path queries) still never
    runs past the server's maximum (``config.max_query_seconds``), so no read holds the
    store longer than that.
    """
    query = sandbox.check_sql(query, be.dialect, engine=be)
    timeout = min(float(timeout), config.max_query_seconds())
    return be.read_only_df(query, int(limit), timeout, int(max_bytes))


__all__ = ["RUN_SECTIONS", "check_run", "one_run", "run_sandboxed", "run_sections",
           "total_order"]
