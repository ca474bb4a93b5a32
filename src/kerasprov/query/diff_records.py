"""Everything ``diff`` compares, read for a few runs in one unit of work.

Reads with the public shape of the store only (tables, ``ds_*`` sets, the ``runs`` view),
with the run ids as parameters, in one unit of work on a local store (an ``http://`` store
runs the whole diff on its server).
"""

from __future__ import annotations

import difflib
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field

from ..errors import BadRequest, NotFound
from ..names import BUILT_IN
from ..store.schema import quote, set_table, task_column
from .reads import total_order
from .records import json_value

#: Transformations kerasprov itself runs; every other one is the user's.
BUILTIN = BUILT_IN  # names.py holds the one definition
#: Sets whose rows describe the fit itself (read by name, not as user transformations).
FIT_SETS = ("itrainingmodel", "itrainingconfig", "ilayers", "itrainingdata", "itestingdata",
            "otrainingmodel", "oadaptation", "otestingmodel")


def literal(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


@dataclass
class RunRecords:
    """One run's provenance as plain dicts (JSON-safe values)."""

    run_id: str
    execution: dict
    summary: dict
    environment: dict
    tasks: list[dict] = field(default_factory=list)
    files: list[dict] = field(default_factory=list)
    sets: dict[str, list[dict]] = field(default_factory=dict)  # set tag -> rows


@dataclass
class Gathered:
    runs: list[RunRecords]
    io: dict[str, dict[str, list[str]]]  # transformation -> {"input": [...], "output": [...]}


class _Reader:
    """SQL rows as dicts, in one unit of work on a store (an ``http://`` store runs the
    whole diff on its server: ``HttpStore.diff``)."""

    def __init__(self, be):
        self.be = be

    def rows(self, sql: str, params=()) -> list[dict]:
        df = self.be.read_df(sql, list(params))
        cols = [str(c) for c in df.columns]
        return [{c: json_value(v) for c, v in zip(cols, row)}
                for row in df.itertuples(index=False, name=None)]

    def tables(self) -> set[str]:
        return set(self.be.table_names())


def gather(store, run_ids: list[str]) -> Gathered:
    """Read what ``diff`` needs about ``run_ids`` (each must exist)."""
    with store.unit() as be:
        return _gather(_Reader(be), run_ids)


def _gather(rd: _Reader, run_ids: list[str]) -> Gathered:
    marks = ", ".join("?" for _ in run_ids)  # the run ids are parameters, never spliced
    execs = {r["run_id"]: r for r in rd.rows(
        f"SELECT * FROM execution WHERE run_id IN ({marks})", run_ids)}
    missing = [r for r in run_ids if r not in execs]
    if missing:
        raise NotFound(f"no run {missing[0]!r} in the store", run_id=missing[0])
    summary = {r["run_id"]: r for r in rd.rows(f"SELECT * FROM runs WHERE run_id IN ({marks})",
                                                      run_ids)}
    runs = {}
    for rid in run_ids:
        try:
            env = json.loads(execs[rid].get("environment") or "{}")
        except (TypeError, ValueError):
            env = {}
        runs[rid] = RunRecords(rid, execs[rid], summary.get(rid, {}),
                               env if isinstance(env, dict) else {})
    for t in rd.rows(f"SELECT * FROM task WHERE run_id IN ({marks}) "
                     "ORDER BY start_time NULLS LAST, task_id", run_ids):
        runs[t["run_id"]].tasks.append(t)
    for f in rd.rows(f"SELECT * FROM file WHERE run_id IN ({marks})"
                     + total_order(rd.be, "file", "time", "path"), run_ids):
        runs[f["run_id"]].files.append(f)
    flows = sorted({r.execution.get("dataflow_tag") or "" for r in runs.values()})
    io: dict[str, dict[str, list[str]]] = defaultdict(lambda: {"input": [], "output": []})
    for r in rd.rows("SELECT DISTINCT transformation_tag, data_set_tag, role FROM "
                     "data_transformation_io WHERE dataflow_tag IN ("
                     + ", ".join("?" for _ in flows) + ") ORDER BY 1, 2, 3", flows):
        if r["role"] in ("input", "output"):
            io[r["transformation_tag"]][r["role"]].append(r["data_set_tag"])
    tables = rd.tables()
    wanted = set(FIT_SETS)
    for tr, roles in io.items():
        if tr not in BUILTIN:
            wanted.update(roles["input"] + roles["output"])
    for set_tag in sorted(wanted):
        table = set_table(set_tag)
        if table not in tables:
            continue
        # Rows that tie on _ORDER (a user set's rows) keep one order on every engine.
        rows = rd.rows(f"SELECT * FROM {quote(table)} WHERE run_id IN ({marks})"
                       + total_order(rd.be, table), run_ids)
        keys = [k for k in _ORDER if rows and k in rows[0]]
        rows.sort(key=lambda r: [(r[k] is None, r[k] if r[k] is not None else 0)
                                 for k in keys])
        for row in rows:
            runs[row["run_id"]].sets.setdefault(set_tag, []).append(row)
    return Gathered([runs[r] for r in run_ids], dict(io))


#: Row order inside a set (the columns that exist), so runs compare row by row.
_ORDER = ("epoch", "layer_index", "timestamp")


def user_transformations(g: Gathered) -> list[str]:
    """User transformation tags, in the order the first run that has them ran them."""
    seen: dict[str, None] = {}
    for run in g.runs:
        for t in run.tasks:
            if t["transformation_tag"] not in BUILTIN:
                seen.setdefault(t["transformation_tag"])
    return list(seen)


def task_rows(run: RunRecords, transformation: str, set_tag: str) -> dict[str, list[dict]]:
    """Rows of ``set_tag`` written or read by each task of ``transformation`` in ``run``."""
    link = task_column(transformation)
    out: dict[str, list[dict]] = defaultdict(list)
    tasks = [t["task_id"] for t in run.tasks if t["transformation_tag"] == transformation]
    for row in run.sets.get(set_tag, ()):
        owner = row.get(link)
        if owner in tasks:
            out[owner].append(row)
        elif owner is None and len(tasks) == 1:
            out[tasks[0]].append(row)
    return out


def check_ids(run_ids) -> list[str]:
    ids = list(dict.fromkeys(str(r) for r in run_ids))
    if len(ids) < 2:
        raise BadRequest(f"diff needs at least two different runs; received {ids}")
    return ids


# -- helpers of the comparisons (diff.py) -------------------------------------------
def first_row(run: RunRecords, set_tag: str) -> dict | None:
    rows = run.sets.get(set_tag)
    return rows[0] if rows else None


def short_sha(sha):
    return sha[:16] if isinstance(sha, str) else sha


def loads_dict(text) -> dict:
    try:
        value = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def files_of(run: RunRecords, tasks, role: str) -> str | None:
    """``name:sha256`` of the run's files of ``role`` (of ``tasks``; None: run-level)."""
    if isinstance(tasks, str):
        tasks = [tasks]
    found = sorted({f"{base_name(f.get('path'))}:{short_sha(f.get('sha256'))}" for f in run.files
                    if f.get("role") == role and (f.get("task_id") in tasks if tasks else
                                                  f.get("task_id") is None and tasks is None)})
    return "; ".join(found) or None


def base_name(path) -> str:
    return str(path or "").replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


def snake_case(name: str) -> str:
    """Keras's snake case of a class name (its auto-naming rule): MaxPooling2D ->
    max_pooling2d."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def same_auto_names(rows: list[dict], key: str, class_name: str | None = None) -> list[dict]:
    """Keras names unnamed objects ``dense``, ``dense_1``, ``dense_2`` ... in the order a
    process creates them: such names differ between runs without any difference in the
    model. When every value is the same auto name but for its counter (and that name is the
    class's, when known), the rows get one value, so no difference is reported."""
    names = [(r or {}).get(key) for r in rows]
    if not all(isinstance(n, str) for n in names):
        return rows
    bases = {re.sub(r"_\d+$", "", n) for n in names}
    if len(bases) != 1 or (class_name and bases != {snake_case(str(class_name))}):
        return rows
    base = bases.pop()
    return [{**r, key: base} for r in rows]


def layer_signature(layer: dict) -> tuple:
    cfg = loads_dict(layer.get("config"))
    cfg.pop("name", None)
    return (layer.get("class_name"), json.dumps(cfg, sort_keys=True, default=str))


def align_layers(ref: list[dict], other: list[dict]) -> dict[int, int]:
    """Reference layer index -> the other run's layer index (changed layers pair up)."""
    sm = difflib.SequenceMatcher(a=[layer_signature(x) for x in ref],
                                 b=[layer_signature(x) for x in other], autojunk=False)
    out = {}
    for op, a0, a1, b0, b1 in sm.get_opcodes():
        if op in ("equal", "replace"):
            for k in range(min(a1 - a0, b1 - b0)):
                if op == "equal" or ref[a0 + k].get("class_name") == \
                        other[b0 + k].get("class_name"):
                    out[a0 + k] = b0 + k
    return out


def adaptations_text(run: RunRecords) -> str | None:
    rows = run.sets.get("oadaptation", [])
    return "; ".join(f"{r.get('epoch')}: {num_text(r.get('learning_rate'))} ({r.get('technique')})"
                     for r in rows) or None


def lr_steps(run: RunRecords) -> str | None:
    steps, last = [], object()
    for row in run.sets.get("otrainingmodel", []):
        lr = row.get("learning_rate")
        if lr != last:
            steps.append(f"{row.get('epoch')}: {num_text(lr)}")
            last = lr
    return ", ".join(steps) or None


def num_text(v):
    return f"{v:.6g}" if isinstance(v, float) else v


__all__ = ["BUILTIN", "Gathered", "RunRecords", "adaptations_text", "align_layers", "check_ids",
           "files_of", "first_row", "gather", "loads_dict", "lr_steps", "same_auto_names",
           "short_sha", "task_rows", "user_transformations"]
