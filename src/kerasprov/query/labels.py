"""People's names for runs: what a person types to mean a run, and what they read for it.

A run is referred to by its full id, a unique prefix of it, its ``run_name``, its label or
``latest`` (the newest training run); ``resolve_run`` turns any of these into the id, and
says which runs a reference could mean when it means several. A run's *label* is its
``run_name`` when it has one, else its dataflow and what varies between the dataflow's runs
(``alexnet · filter_name=gray-scale``): the inputs of user transformations first (what the
person chose to vary), then hyperparameters.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable

from .. import config
from ..errors import BadRequest, NotFound
from ..names import BUILT_IN, LATEST, RUN_STATUSES
from ..store.schema import quote, set_table, task_column
from ..store.views import NOT_A_SEARCH
from .reads import total_order

#: Transformations kerasprov runs itself; the others are the user's.
_BUILTIN = tuple(sorted(BUILT_IN))
SEP = " · "
INPUT, HYPERPARAMETER = "input", "hyperparameter"
#: Varying facts a label shows at most, and characters of a value.
MAX_FACTS, MAX_VALUE = 3, 24


def resolve_run(be, ref: str, spec: str) -> str:
    """The id of the run ``ref`` names: a full id, a unique prefix, a ``run_name``, a
    label or ``latest``.

    Raises:
        BadRequest: ``ref`` is empty, or could mean several runs (they are listed).
        NotFound: no run answers to ``ref`` (similar ids and names are suggested).
    """
    ref = str(ref if ref is not None else "").strip()
    if not ref:
        raise BadRequest("missing run: give a run id, a unique prefix of one, a run name "
                         f"or {LATEST!r}")
    if be.fetchall("SELECT 1 FROM execution WHERE run_id = ?", [ref]):
        return ref
    if ref.lower() == LATEST:
        row = be.fetchall(f"SELECT run_id FROM runs WHERE {NOT_A_SEARCH} "
                          "ORDER BY start_time DESC, run_id DESC LIMIT 1")
        if not row:
            raise NotFound(f"no runs in {config.shown(spec)} yet, so no {LATEST!r}",
                           run_id=ref)
        return row[0][0]
    named = [r[0] for r in be.fetchall(
        "SELECT run_id FROM execution WHERE run_name = ? ORDER BY start_time, run_id", [ref])]
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        raise _ambiguous(be, ref, named, f"run name {ref!r} is shared by")
    prefixed = [r[0] for r in be.fetchall(
        "SELECT run_id FROM execution WHERE substr(run_id, 1, ?) = ? "
        "ORDER BY start_time, run_id", [len(ref), ref])]
    if len(prefixed) == 1:
        return prefixed[0]
    if len(prefixed) > 1:
        raise _ambiguous(be, ref, prefixed, f"run prefix {ref!r} matches")
    flow = ref.split(SEP, 1)[0].strip()
    labelled = [rid for rid, label in run_labels(be, dataflows=[flow]).items()
                if label == ref]
    if len(labelled) == 1:
        return labelled[0]
    if len(labelled) > 1:
        raise _ambiguous(be, ref, labelled, f"label {ref!r} is shared by")
    raise NotFound(f"no run {ref!r} in {config.shown(spec)}{_similar(be, ref)} (a run is "
                   f"named by its id, a unique prefix of it, its name, or {LATEST!r})",
                   run_id=ref)


def check_dataflow(be, tag: str, spec: str) -> None:
    """Raise ``NotFound`` listing the known dataflows unless ``tag`` is one."""
    known = [r[0] for r in be.fetchall("SELECT tag FROM dataflow ORDER BY tag")]
    if tag not in known:
        near = difflib.get_close_matches(str(tag), known, n=1)
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        raise NotFound(f"no dataflow {tag!r} in {config.shown(spec)}{hint}; known: "
                       f"{', '.join(known) or '(none yet)'}", dataflow=str(tag))


def check_status(status: str) -> None:
    """Raise ``BadRequest`` listing the statuses unless ``status`` is one."""
    if status not in RUN_STATUSES:
        raise BadRequest(f"unknown status {status!r}; a run's status is one of "
                         f"{', '.join(RUN_STATUSES)}", status=str(status))


def resolve_runs(be, refs: Iterable[str], spec: str) -> list[str]:
    """``resolve_run`` for each of ``refs``, in order."""
    return [resolve_run(be, ref, spec) for ref in refs]


def _ambiguous(be, ref: str, run_ids: list[str], what: str) -> BadRequest:
    labels = run_labels(be, run_ids)
    shown = [f"{rid} ({labels.get(rid, '?')})" for rid in run_ids[:10]]
    more = f" and {len(run_ids) - 10} more" if len(run_ids) > 10 else ""
    return BadRequest(f"{what} {len(run_ids)} runs: {', '.join(shown)}{more}; give more "
                      "of the id", candidates=", ".join(run_ids[:10]))


def _similar(be, ref: str) -> str:
    rows = be.fetchall("SELECT run_id, run_name FROM execution ORDER BY start_time NULLS LAST, "
                       "run_id")
    pool = [r[0] for r in rows] + [r[1] for r in rows if r[1]]
    near = difflib.get_close_matches(ref, pool, n=5, cutoff=0.6)
    near += [r[0] for r in rows if r[0][:8] == ref[:8] and r[0] not in near][:5 - len(near)]
    return f"; similar: {', '.join(near)}" if near else ""


# -- labels ----------------------------------------------------------------------------------
def run_labels(be, run_ids: Iterable[str] | None = None,
               dataflows: Iterable[str] | None = None) -> dict[str, str]:
    """Run id -> label, for ``run_ids`` (or every run of ``dataflows``, or every run).

    What varies is judged over all the training runs of each dataflow, so a run has the
    same label in every list it appears in. Runs with the same label (the same settings)
    get ``#1``, ``#2``... in the order they started.
    """
    execs = be.fetchall("SELECT run_id, dataflow_tag, run_name FROM execution "
                        "ORDER BY start_time NULLS LAST, run_id")
    wanted = set(run_ids) if run_ids is not None else None
    flows = set(dataflows) if dataflows is not None else None
    if wanted is not None:
        flows = {f for r, f, _ in execs if r in wanted} | (flows or set())
    execs = [e for e in execs if flows is None or e[1] in flows]
    if not execs:
        return {}
    training = {r[0] for r in be.fetchall(f"SELECT run_id FROM runs WHERE {NOT_A_SEARCH}")}
    facts = run_facts(be, [e[0] for e in execs])
    by_flow: dict[str, list[str]] = {}
    for rid, flow, _ in execs:
        by_flow.setdefault(flow or "", []).append(rid)
    labels: dict[str, str] = {}
    for flow, ids in by_flow.items():
        peers = [r for r in ids if r in training] or ids
        keys = _varying(facts, peers)
        auto: dict[str, str] = {}
        for rid in ids:
            shown = [f"{name}={_value(facts[rid].get((kind, name)))}" for kind, name in keys
                     if (kind, name) in facts[rid] or kind == INPUT]
            auto[rid] = flow + (SEP + ", ".join(shown) if shown else "")
        counts: dict[str, int] = {}
        for rid in ids:
            counts[auto[rid]] = counts.get(auto[rid], 0) + 1
        seen: dict[str, int] = {}
        for rid in ids:
            if counts[auto[rid]] > 1 and rid in training:
                seen[auto[rid]] = seen.get(auto[rid], 0) + 1
                auto[rid] += f" #{seen[auto[rid]]}"
            labels[rid] = auto[rid]
    names = {rid: name for rid, _, name in execs if name}
    out = {rid: names.get(rid, label) for rid, label in labels.items()}
    return {rid: out[rid] for rid in out if wanted is None or rid in wanted}


def _varying(facts: dict[str, dict], peers: list[str]) -> list[tuple[str, str]]:
    """The facts whose values differ between ``peers``: transformation inputs (a run
    without the transformation counts as a value), then hyperparameters (only where two
    runs recorded different values), at most ``MAX_FACTS``."""
    keys: list[tuple[str, str]] = []
    for rid in peers:
        keys += [k for k in facts[rid] if k not in keys]
    out = []
    for key in sorted(keys, key=lambda k: k[0] != INPUT):  # stable: inputs first
        values = [facts[r].get(key) for r in peers]
        if key[0] != INPUT:
            values = [v for v in values if v is not None]
        if len({_same(v) for v in values}) > 1:
            out.append(key)
    return out[:MAX_FACTS]


def _same(v):
    return round(v, 12) if isinstance(v, float) and math.isfinite(v) else repr(v)


def _value(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        text = f"{v:.4g}"
    else:
        text = str(v)
    return text if len(text) <= MAX_VALUE else text[:MAX_VALUE - 1] + "…"


def run_facts(be, run_ids: list[str]) -> dict[str, dict]:
    """Run id -> {(kind, name): value}: each user transformation input (kind ``INPUT``)
    and each hyperparameter (kind ``HYPERPARAMETER``)."""
    facts: dict[str, dict] = {rid: {} for rid in run_ids}
    for rid, inputs in transformation_inputs(be, run_ids).items():
        for (_tr, name), value in inputs.items():
            facts[rid].setdefault((INPUT, name), value)
    if run_ids and "ds_itrainingmodel" in be.table_names():
        names = _attribute_names(be, "itrainingmodel")
        for row in _rows_where_in(be, "ds_itrainingmodel", "run_id", run_ids):
            rid = row.pop("run_id")
            for col, value in row.items():
                if not col.endswith("_task_id") and _present(value):
                    facts[rid][(HYPERPARAMETER, names.get(col, col))] = _plain(value)
    return facts


#: Values bound in one ``IN (...)`` at most (a store may hold many thousand runs).
_CHUNK = 500


def _rows_where_in(be, table: str, column: str, values: list, where: str = "",
                   args: tuple = (), keys: tuple = ()) -> list[dict]:
    """Rows of ``table`` whose ``column`` is one of ``values``, a few hundred at a time,
    by ``keys`` then every column (the first or last row of a run wins: the same one on
    every engine)."""
    order = total_order(be, table, *keys)
    rows: list[dict] = []
    for i in range(0, len(values), _CHUNK):
        part = list(values[i:i + _CHUNK])
        marks = ", ".join("?" for _ in part)
        df = be.read_df(f"SELECT * FROM {quote(table)} WHERE {quote(column)} IN ({marks})"
                        + where + order, [*part, *args])
        rows += df.to_dict("records")
    return rows


def transformation_inputs(be, run_ids: list[str], role: str = "input"
                          ) -> dict[str, dict[tuple[str, str], object]]:
    """Run id -> {(transformation, attribute): value} for the inputs (or, with ``role``
    ``"output"``, the outputs) of the user transformations of each run (the Filter's
    ``filter_name``...), the first row of each set."""
    out: dict[str, dict] = {rid: {} for rid in run_ids}
    if not run_ids:
        return out
    builtin = ", ".join("?" for _ in _BUILTIN)
    tasks = _rows_where_in(be, "task", "run_id", run_ids, f" AND transformation_tag NOT IN "
                           f"({builtin})", _BUILTIN, ("start_time", "task_id"))
    io = be.fetchall("SELECT dataflow_tag, transformation_tag, data_set_tag FROM "
                     "data_transformation_io WHERE role = ? ORDER BY data_set_tag", [role])
    sets: dict[tuple[str, str], list[str]] = {}
    for flow, tr, set_tag in io:
        sets.setdefault((flow, tr), []).append(set_tag)
    # One read per (transformation, set), not per task: labels are asked for many runs.
    wanted: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for t in tasks:
        for set_tag in sets.get((t["dataflow_tag"], t["transformation_tag"]), []):
            wanted.setdefault((t["transformation_tag"], set_tag), []).append(
                (t["run_id"], t["task_id"]))
    tables = be.table_names()
    for (tr, set_tag), items in wanted.items():
        table = set_table(set_tag)
        if table not in tables:
            continue
        names = _attribute_names(be, set_tag)
        link = task_column(tr)
        by_task = link in be.table_columns(table)
        keys = [task if by_task else rid for rid, task in items]
        run_of = {task if by_task else rid: rid for rid, task in items}
        for row in _rows_where_in(be, table, link if by_task else "run_id",
                                  list(dict.fromkeys(keys))):
            rid = run_of.get(row.get(link) if by_task else row.get("run_id"))
            if rid is None:
                continue
            for col, value in row.items():
                if col != "run_id" and not col.endswith("_task_id"):
                    out[rid].setdefault((tr, names.get(col, col)),
                                        _plain(value) if _present(value) else None)
    return out


def with_labels(be, df, inputs: bool = True):
    """``df`` (rows with a ``run_id``) with each run's ``label`` after ``run_id`` and, with
    ``inputs``, one column per user transformation input (``Filter.filter_name``) after
    the label: what a person needs to tell runs apart."""
    if "run_id" not in df.columns:
        return df
    df = df.copy()
    ids = [str(r) for r in df["run_id"].tolist()]
    labels = run_labels(be, ids) if ids else {}
    at = list(df.columns).index("run_id") + 1
    df.insert(at, "label", [labels.get(r) for r in ids])
    if inputs and ids:
        given = transformation_inputs(be, list(dict.fromkeys(ids)))
        keys: list[tuple[str, str]] = []
        for values in given.values():
            keys += [k for k in values if k not in keys]
        for n, (tr, name) in enumerate(keys, start=1):
            col = f"{tr}.{name}"
            if col not in df.columns:
                df.insert(at + n, col, [given.get(r, {}).get((tr, name)) for r in ids])
    return df


def transformation_rows(be, run_id: str):
    """The values one run's user transformations took (``input``) and gave (``output``):
    rows of transformation, role, attribute, value, in the order the tasks ran."""
    import pandas as pd
    rows = [[tr, role, name, value] for role in ("input", "output")
            for (tr, name), value in transformation_inputs(be, [run_id], role)[run_id].items()]
    rows.sort(key=lambda r: r[1] != "input")
    return pd.DataFrame(rows, columns=["transformation", "role", "attribute", "value"],
                        dtype=object)


def _attribute_names(be, set_tag: str) -> dict[str, str]:
    return {col: name for name, col in be.fetchall(
        "SELECT name, column_name FROM attribute WHERE data_set_tag = ?", [set_tag])}


def _present(value) -> bool:
    if value is None:
        return False
    try:
        return not (isinstance(value, float) and math.isnan(value))
    except TypeError:
        return True


def _plain(value):
    """numpy scalars as Python values (they compare and print as people expect)."""
    item = getattr(value, "item", None)
    return item() if callable(item) else value


__all__ = ["LATEST", "resolve_run", "resolve_runs", "run_facts", "run_labels",
           "transformation_inputs", "transformation_rows", "with_labels"]
