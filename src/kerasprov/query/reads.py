"""The few reads every other query module builds on, in one leaf module (it imports no
other module of query/ but the sandbox): does a run exist, one run's sections, and a
person's SQL run through the sandbox with the backend's guards."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from .. import config
from ..errors import NotFound
from . import sandbox

#: ``Store.run``'s sections: name -> SQL over one run (its id is the one parameter).
RUN_SECTIONS = {
    "run": "SELECT * FROM runs WHERE run_id = ?",
    "hyperparameters": "SELECT * FROM ds_itrainingmodel WHERE run_id = ?",
    "config": "SELECT * FROM ds_itrainingconfig WHERE run_id = ?",
    "layers": "SELECT * FROM ds_ilayers WHERE run_id = ?",
    "epochs": "SELECT * FROM epochs WHERE run_id = ? ORDER BY epoch",
    "adaptations": "SELECT * FROM adaptations WHERE run_id = ? ORDER BY epoch",
    "tests": 'SELECT * FROM tests WHERE run_id = ? ORDER BY "timestamp"',
    "tasks": "SELECT * FROM task WHERE run_id = ? ORDER BY start_time",
    "files": "SELECT * FROM file WHERE run_id = ? ORDER BY time",
    "execution": "SELECT * FROM execution WHERE run_id = ?",
}


def run_sections(be, run_id: str, only: Iterable[str] | None = None) -> dict[str, pd.DataFrame]:
    """The sections of one run (all, or ``only`` those named), read in one unit of work."""
    return {name: be.read_df(sql, [run_id]) for name, sql in RUN_SECTIONS.items()
            if only is None or name in only}


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


__all__ = ["RUN_SECTIONS", "check_run", "run_sandboxed", "run_sections"]
