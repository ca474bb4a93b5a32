"""Dataflow versions: a new version whenever the prospective structure grows.

DfAnalyzer identifies a dataflow by tag *and* version: a run that adds a transformation or an
attribute no earlier run of the dataflow had executes a new version of it, and queries can
be restricted to one version. Here the structure of a run is what it recorded:

- the transformations its tasks executed (``task.transformation_tag``), and
- for every data set of the dataflow, the attributes the run gave at least one value to
  (non-null in ``ds_<set>``).

Runs are taken in start order (then run id). Version 1 is the first run's structure; a run
whose structure has an element that no earlier run had starts the next version; every other
run executes the latest version at its start. ``added`` names what each version brought
(``transformation Filter``, ``attribute otrainingmodel.val_auc``).

**Derived, not stored.** The versions are computed from the recorded runs on each call
rather than kept in a table written at ingest: no schema change and no second writer, the
same answer on DuckDB and PostgreSQL, and always consistent with the data (a store rebuilt
from journals has the same versions). The cost is one grouped query per data set table of
the dataflow.

Example:
```python
versions(be, "alexnet")          # [DataflowVersion(version=1, ...), ...]
runs_of_version(be, "alexnet", 2)
```
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import PathQueryError
from ..store.schema import quote, set_table


@dataclass
class DataflowVersion:
    """One version: its number, the run that introduced it, when, what it added, its runs."""

    version: int
    first_run: str
    start_time: object
    added: list[str]
    runs: list[str] = field(default_factory=list)


def _structures(be, dataflow: str) -> list[tuple[str, object, set[str]]]:
    runs = be.fetchall("SELECT run_id, start_time FROM execution WHERE dataflow_tag = ? "
                       "ORDER BY start_time NULLS LAST, run_id", [dataflow])
    elements: dict[str, set[str]] = {r[0]: set() for r in runs}
    for run, tr in be.fetchall("SELECT DISTINCT run_id, transformation_tag FROM task "
                               "WHERE dataflow_tag = ?", [dataflow]):
        if run in elements:
            elements[run].add(f"transformation {tr}")
    sets = [r[0] for r in be.fetchall(
        "SELECT tag FROM data_set WHERE dataflow_tag = ? ORDER BY tag", [dataflow])]
    tables = be.table_names()
    names = {}
    for set_tag, name, col in be.fetchall("SELECT data_set_tag, name, column_name "
                                          "FROM attribute"):
        names[(set_tag, col)] = name
    for set_tag in sets:
        table = set_table(set_tag)
        if table not in tables:
            continue
        cols = [c for c in be.table_columns(table)
                if c != "run_id" and not c.endswith("_task_id")]
        if not cols:
            continue
        counts = ", ".join(f"COUNT(x.{quote(c)})" for c in cols)
        for row in be.fetchall(
                f"SELECT x.run_id, {counts} FROM {quote(table)} x JOIN execution e "
                "ON e.run_id = x.run_id WHERE e.dataflow_tag = ? GROUP BY x.run_id",
                [dataflow]):
            run = row[0]
            if run in elements:
                elements[run].update(f"attribute {set_tag}.{names.get((set_tag, c), c)}"
                                     for c, n in zip(cols, row[1:]) if n)
    return [(run, start, elements[run]) for run, start in runs]


def versions(be, dataflow: str) -> list[DataflowVersion]:
    """The versions of ``dataflow``, oldest first (see the module doc)."""
    if not be.fetchall("SELECT 1 FROM dataflow WHERE tag = ?", [dataflow]):
        flows = [r[0] for r in be.fetchall("SELECT tag FROM dataflow ORDER BY tag")]
        raise PathQueryError(f"unknown dataflow {dataflow!r}; the store has: "
                             f"{', '.join(flows) or '(none)'}", dataflow=dataflow)
    out: list[DataflowVersion] = []
    known: set[str] = set()
    for run, start, elements in _structures(be, dataflow):
        new = elements - known
        if new or not out:
            out.append(DataflowVersion(len(out) + 1, run, start, sorted(new)))
            known |= new
        out[-1].runs.append(run)
    return out


def runs_of_version(be, dataflow: str, version: int) -> list[str]:
    """The runs that executed ``version`` of ``dataflow``."""
    found = versions(be, dataflow)
    try:
        number = int(version)
    except (TypeError, ValueError):
        number = -1
    for v in found:
        if v.version == number:
            return v.runs
    raise PathQueryError(f"dataflow {dataflow!r} has versions 1 to {len(found)}; "
                         f"got {version!r}", dataflow=dataflow)


__all__ = ["DataflowVersion", "runs_of_version", "versions"]
