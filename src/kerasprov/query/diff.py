"""Why did these runs come out differently? Every difference in their whole provenance.

``diff(store, run_ids)`` compares two or more runs field by field and returns one row per
field whose values are not all equal, grouped and ordered by how likely the group explains a
difference in the outcome (the order is a fixed prior, most upstream cause first):

1. ``transformation``: user transformations upstream of the training (a ``Filter``, a
   ``LoadData``): whether each ran, its input values (``Filter.filter_name``), its output
   values (``Filter.output.channels``) and the files it generated (by sha256);
2. ``data``: fingerprints of the arrays given to ``fit``/``evaluate`` (sha256, shape, dtype,
   samples): same data or not;
3. ``hyperparameter``: ``ds_itrainingmodel``;
4. ``configuration``: ``ds_itrainingconfig``, the optimizer's whole configuration key by key
   (``optimizer.beta_1``), loss, metrics, parameter counts, shuffling, validation;
5. ``architecture``: layers added, removed or changed (``ds_ilayers``, aligned by
   ``difflib`` on class and settings, so a renamed layer is one change, not a shift);
6. ``schedule``: the learning rate per epoch and its adaptations (epoch, rate, technique);
7. ``seed``: ``keras.utils.set_random_seed`` as recorded;
8. ``code``: script, command line, git commit, dirty flag (and dirty files when recorded);
9. ``environment``: Keras, backend and its version, Python, devices, host, OS, the package
   set's hash (and each package whose version differs when versions are recorded);
10. ``files``: files read, by name and sha256;
11. ``outcome``: status, epochs, final/best/test metrics, and per curve the first epoch from
    which the runs stay apart beyond noise.

**Noise.** Two values ``a`` and ``b`` of a metric are apart when
``|a - b| > atol + rtol * max(|a|, |b|)`` (defaults ``rtol=0.05``, ``atol=1e-3``: 5 % of the
value, and a thousandth for values near zero). A curve *diverges* at the first epoch from
which every later common epoch is apart (persistently, so one noisy epoch does not count).
Outcome rows within the tolerance say so in ``note``. The tolerance is a rule of thumb, not a
statistical test: two runs are one sample each.

With N runs the first one is the reference: architecture is aligned to it and divergence is
measured against it. Values are plain JSON values; ``None`` means absent.

Example:
```python
store.diff("20240101-a", "20240101-b")     # a DataFrame: rank, group, field, <runs>, note
```

Long because each group of differences (transformations, data, hyperparameters, layers,
schedule, code, environment, files, outcome) has its own small comparison, kept beside
the fixed order they are reported in; reading the rows is in diff_records.py.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import pandas as pd

from .diff_records import (
    BUILTIN,
    Gathered,
    adaptations_text,
    align_layers,
    check_ids,
    files_of,
    first_row,
    gather,
    loads_dict,
    lr_steps,
    same_auto_names,
    short_sha,
    task_rows,
    user_transformations,
)

GROUPS = ("transformation", "data", "hyperparameter", "configuration", "architecture",
          "schedule", "seed", "code", "environment", "files", "outcome")
RTOL, ATOL = 0.05, 1e-3
#: Columns that identify or time a row: never a difference worth reporting.
_SKIP = {"run_id", "timestamp", "elapsed_time", "time"}
_CODE_KEYS = ("git_commit", "git_dirty", "git_dirty_files", "git_root", "cwd", "script_sha256",
              "git_diff_sha256", "reproduces")
_ENV_SKIP = set(_CODE_KEYS) | {"random_seed", "packages", "rerun"}
_CONFIG_MOVED = {"random_seed": "seed", "backend": None, "keras_version": None}
_LAYER_SKIP = {"layer_index", "config"}


@dataclass
class Difference:
    """One field whose values differ across the runs."""

    group: str
    field: str
    values: list
    note: str = ""


def _plain(v):
    if isinstance(v, float) and not math.isfinite(v):
        return None if math.isnan(v) else str(v)
    if isinstance(v, (dict, list)):
        return json.dumps(v, sort_keys=True, default=str)
    return v


def _key(v):
    v = _plain(v)
    if isinstance(v, float) and v == int(v):
        return ("num", int(v))  # 3 and 3.0 are the same value
    return (type(v).__name__ if not isinstance(v, (int, float)) or isinstance(v, bool)
            else "num", v)


def _varies(values: list) -> bool:
    return len({_key(v) for v in values}) > 1


class _Diff:
    def __init__(self, g: Gathered, rtol: float, atol: float):
        self.g, self.runs, self.rtol, self.atol = g, g.runs, rtol, atol
        self.out: list[Difference] = []

    def add(self, group: str, name: str, values: list, note: str = "") -> None:
        values = [_plain(v) for v in values]
        if _varies(values):
            self.out.append(Difference(group, name, values, note))

    def fields(self, group: str, prefix: str, dicts: list[dict | None], skip=()) -> None:
        """One row per key whose value differs between the runs' dicts."""
        keys: dict[str, None] = {}
        for d in dicts:
            keys.update(dict.fromkeys(k for k in (d or {}) if k not in skip
                                      and k not in _SKIP and not k.endswith("_task_id")))
        for k in keys:
            self.add(group, prefix + k, [(d or {}).get(k) for d in dicts])

    # -- 1. user transformations ---------------------------------------------------------
    def transformations(self) -> None:
        for tr in user_transformations(self.g):
            per_run = [[t["task_id"] for t in r.tasks if t["transformation_tag"] == tr]
                       for r in self.runs]
            self.add("transformation", f"{tr} ran", [len(ts) for ts in per_run],
                     "times the transformation ran in each run")
            io = self.g.io.get(tr, {"input": [], "output": []})
            n = max(len(ts) for ts in per_run)
            for i in range(n):
                label = tr if n == 1 else f"{tr}[{i + 1}]"
                for role, sets in (("input", io["input"]), ("output", io["output"])):
                    dicts = []
                    for run, tasks in zip(self.runs, per_run):
                        merged = None
                        if i < len(tasks):
                            merged = {}
                            for s in sets:
                                for row in task_rows(run, tr, s).get(tasks[i], []):
                                    merged.update(row)
                        dicts.append(merged)
                    prefix = f"{label}." if role == "input" else f"{label}.output."
                    self.fields("transformation", prefix, dicts)
                self.add("transformation", f"{label} generated files",
                         [files_of(r, tasks[i] if i < len(tasks) else None, "generated")
                          for r, tasks in zip(self.runs, per_run)],
                         "name:sha256 of the files it wrote")

    # -- 2. data fingerprints ------------------------------------------------------------
    def data(self) -> None:
        for set_tag, label in (("itrainingdata", "fit"), ("itestingdata", "evaluate")):
            by_role = [{row.get("role"): row for row in r.sets.get(set_tag, [])}
                       for r in self.runs]
            roles: dict[str, None] = {}
            for d in by_role:
                roles.update(dict.fromkeys(k for k in d if k))
            for role in roles:
                rows = [d.get(role) for d in by_role]
                shas = [(row or {}).get("sha256") for row in rows]
                same = not _varies(shas)
                self.add("data", f"{label} {role}.sha256", [short_sha(s) for s in shas],
                         "different data" + ("" if all(shas) else " (or not fingerprinted)"))
                if not same:
                    for col in ("shape", "dtype", "n_samples", "hash_method", "class_name"):
                        self.add("data", f"{label} {role}.{col}",
                                 [(row or {}).get(col) for row in rows])

    # -- 3-4. hyperparameters and configuration ------------------------------------------
    def settings(self) -> None:
        self.fields("hyperparameter", "", [first_row(r, "itrainingmodel") for r in self.runs])
        configs = [first_row(r, "itrainingconfig") for r in self.runs]
        optimizers = []
        for c in configs:
            try:
                optimizers.append(json.loads((c or {}).get("optimizer_config") or "null"))
            except (TypeError, ValueError):
                optimizers.append({"optimizer_config": (c or {}).get("optimizer_config")})
        optimizers = [o if isinstance(o, dict) else {"config": o} for o in optimizers]
        self.fields("configuration", "optimizer.", same_auto_names(optimizers, "name"))
        if all(configs):
            configs = same_auto_names(configs, "model_name", configs[0].get("model_class"))
        self.fields("configuration", "", configs,
                    skip={"optimizer_config", *_CONFIG_MOVED})

    # -- 5. architecture -----------------------------------------------------------------
    def architecture(self) -> None:
        layers = [r.sets.get("ilayers", []) for r in self.runs]
        ref = layers[0]
        maps = [align_layers(ref, other) for other in layers]  # ref index -> other index
        for i, layer in enumerate(ref):
            where = f"layer {i} ({layer.get('name')})"
            matched = [m.get(i) for m in maps]
            self.add("architecture", where, [None if j is None else "present"
                                              for j in matched], "removed in some runs")
            rows = [None if j is None else layers[k][j] for k, j in enumerate(matched)]
            if any(r is None for r in rows):
                continue
            rows = same_auto_names(rows, "name", layer.get("class_name"))
            self.fields("architecture", where + ".", rows, skip=_LAYER_SKIP)
            cfgs = [loads_dict(r.get("config")) for r in rows]
            covered = set().union(*(r.keys() for r in rows))
            self.fields("architecture", where + ".config.", cfgs, skip=covered | {"name"})
        for k, other in enumerate(layers[1:], start=1):
            used = set(maps[k].values())
            for j, layer in enumerate(other):
                if j not in used:
                    values = [None] * len(layers)
                    values[k] = f"{layer.get('class_name')} at {j}"
                    self.add("architecture", f"added layer {layer.get('name')}", values,
                             "a layer the reference run does not have")

    # -- 6. learning-rate schedule -------------------------------------------------------
    def schedule(self) -> None:
        self.add("schedule", "adaptations", [adaptations_text(r) for r in self.runs],
                 "epoch: new rate (technique)")
        self.add("schedule", "learning_rate by epoch", [lr_steps(r) for r in self.runs],
                 "epoch: rate, where it changed")

    # -- 7-9. seed, code, environment ----------------------------------------------------
    def context(self) -> None:
        configs = [first_row(r, "itrainingconfig") or {} for r in self.runs]
        self.add("seed", "random_seed", [c.get("random_seed", r.environment.get("random_seed"))
                                         for c, r in zip(configs, self.runs)])
        self.fields("code", "", [{k: r.execution.get(k) for k in ("script", "command")}
                                 for r in self.runs])
        self.fields("code", "", [{k: r.environment.get(k) for k in _CODE_KEYS
                                  if k in r.environment} for r in self.runs])
        self.fields("environment", "", [{k: r.execution.get(k) for k in
                                         ("keras_version", "backend", "host", "username")}
                                        for r in self.runs])
        self.fields("environment", "", [{k: v for k, v in r.environment.items()
                                         if k not in _ENV_SKIP and k not in
                                         ("keras_version", "backend", "host")}
                                        for r in self.runs])
        packages = [r.environment.get("packages") for r in self.runs]
        if any(isinstance(p, dict) for p in packages):
            self.fields("environment", "package ",
                        [p if isinstance(p, dict) else {} for p in packages])

    # -- 10. input files -------------------------------------------------------------------
    def files(self) -> None:
        tags: dict[str, None] = {}
        for r in self.runs:
            tags.update(dict.fromkeys(t["transformation_tag"] for t in r.tasks))
        for tr in [*tags, None]:
            values = []
            for r in self.runs:
                tasks = [t["task_id"] for t in r.tasks if t["transformation_tag"] == tr]
                values.append(files_of(r, tasks if tr else None, "used"))
            self.add("files", f"read by {tr or 'the run'}", values, "name:sha256")

    # -- 11. outcome -----------------------------------------------------------------------
    def outcome(self) -> None:
        summaries = [r.summary for r in self.runs]
        for col in ("status", "epochs"):
            self.add("outcome", col, [s.get(col) for s in summaries])
        cols: dict[str, None] = {}
        for s in summaries:
            cols.update(dict.fromkeys(c for c in s if c.startswith(("test_", "last_", "best_"))))
        order = sorted(cols, key=lambda c: (not c.startswith("test_"),
                                            not c.startswith("best_"), c))
        noise = []
        for col in order:
            if "elapsed_time" in col:
                continue  # the time an evaluate took: the machine, not the model
            values = [s.get(col) for s in summaries]
            nums = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
            if len(nums) == len(values) and all(not self.apart(a, nums[0]) for a in nums):
                noise.append((col, values))
            else:
                self.add("outcome", col, values)
        self.divergence()
        for col, values in noise:  # after what differs beyond noise
            self.add("outcome", col, values,
                     f"within noise (rtol {self.rtol:g}, atol {self.atol:g})")

    def apart(self, a: float, b: float) -> bool:
        return abs(a - b) > self.atol + self.rtol * max(abs(a), abs(b))

    def divergence(self) -> None:
        curves = [{row.get("epoch"): row for row in r.sets.get("otrainingmodel", [])}
                  for r in self.runs]
        metrics: dict[str, None] = {}
        for c in curves:
            for row in c.values():
                metrics.update(dict.fromkeys(
                    k for k, v in row.items() if isinstance(v, (int, float))
                    and not isinstance(v, bool) and k not in
                    ("epoch", "elapsed_time", "learning_rate", "timestamp")))
        for m in metrics:
            values = [None]
            for c in curves[1:]:
                values.append(self.first_apart(curves[0], c, m))
            if any(v is not None for v in values[1:]):
                self.out.append(Difference(
                    "outcome", f"{m} diverges from epoch", values,
                    f"first epoch from which the curve stays apart from the reference run's "
                    f"(rtol {self.rtol:g}, atol {self.atol:g})"))

    def first_apart(self, ref: dict, other: dict, metric: str) -> int | None:
        epochs = sorted(e for e in set(ref) & set(other) if isinstance(e, int))
        first = None
        for e in epochs:
            a, b = ref[e].get(metric), other[e].get(metric)
            if not all(isinstance(v, (int, float)) and math.isfinite(v) for v in (a, b)):
                apart = (a is None) != (b is None) or (a != b and not (
                    isinstance(a, float) and isinstance(b, float) and math.isnan(a)
                    and math.isnan(b)))
            else:
                apart = self.apart(a, b)
            if apart and first is None:
                first = e
            elif not apart:
                first = None
        return first


# -- the public functions ------------------------------------------------------------------
def differences(store, run_ids, rtol: float = RTOL, atol: float = ATOL) -> list[Difference]:
    """Every difference between the runs, most likely cause first (see the module doc)."""
    ids = check_ids(run_ids)
    d = _Diff(gather(store, ids), rtol, atol)
    d.transformations()
    d.data()
    d.settings()
    d.architecture()
    d.schedule()
    d.context()
    d.files()
    d.outcome()
    rank = {g: i for i, g in enumerate(GROUPS)}
    return sorted(d.out, key=lambda x: rank[x.group])  # stable: order within a group kept


def diff(store, run_ids, rtol: float = RTOL, atol: float = ATOL) -> pd.DataFrame:
    """The differences as a DataFrame: ``rank``, ``group``, ``field``, one column per run,
    ``note``. ``df.attrs["groups"]`` lists the groups in rank order."""
    ids = check_ids(run_ids)
    rows = differences(store, ids, rtol, atol)
    data = [[i + 1, x.group, x.field, *x.values, x.note] for i, x in enumerate(rows)]
    df = pd.DataFrame(data, columns=["rank", "group", "field", *ids, "note"], dtype=object)
    df.attrs["groups"] = list(GROUPS)
    df.attrs["reference"] = ids[0]
    return df




# -- what varies among listed runs (the runs page) -------------------------------------------
@dataclass
class Varying:
    """Columns worth showing for a list of runs: ``columns`` (``filter.filter_name``...),
    ``values`` (run id -> column -> value), and ``first`` (``runs`` view columns to show
    before the others: the test metrics)."""

    columns: list[str]
    values: dict[str, dict]
    first: list[str]


def varying_columns(store, run_ids, runs_columns=()) -> Varying:
    """The user transformations' input values that differ among ``run_ids`` (one column
    ``<transformation>.<attribute>`` each, lower case as in ``filter.filter_name``) and the
    test metrics among ``runs_columns`` (the ``runs`` view's columns), to show first."""
    from ..store.schema import quote, set_table, task_column
    ids = list(dict.fromkeys(str(r) for r in run_ids))
    first = [c for c in runs_columns if str(c).startswith("test_")
             and "elapsed_time" not in str(c)]
    values: dict[str, dict] = {r: {} for r in ids}
    if not ids:
        return Varying([], values, first)
    with store.unit() as be:
        marks = ", ".join("?" for _ in ids)
        tasks = be.fetchall(f"SELECT run_id, task_id, transformation_tag FROM task WHERE run_id "
                            f"IN ({marks}) ORDER BY start_time NULLS LAST, task_id", ids)
        user = [t for t in tasks if t[2] not in BUILTIN]
        io = be.fetchall("SELECT DISTINCT transformation_tag, data_set_tag FROM "
                         "data_transformation_io WHERE role = 'input'")
        tables = be.table_names()
        order: dict[str, None] = {}
        for tr in dict.fromkeys(t[2] for t in user):
            firsts = {}
            for run, task, tag in user:
                if tag == tr:
                    firsts.setdefault(run, task)
            for set_tag in sorted({s for t, s in io if t == tr}):
                table = set_table(set_tag)
                link = task_column(tr)
                if table not in tables or link not in be.table_columns(table):
                    continue
                cols = [c for c in be.table_columns(table)
                        if c != "run_id" and not c.endswith("_task_id")]
                if not cols or not firsts:
                    continue
                sel = ", ".join(quote(c) for c in cols)
                tmarks = ", ".join("?" for _ in firsts)
                # A task with several rows: the last in one order (every column) wins.
                by_all = ", ".join(f"{i} NULLS LAST" for i in range(1, len(cols) + 3))
                for row in be.fetchall(f"SELECT run_id, {quote(link)}, {sel} FROM "
                                       f"{quote(table)} WHERE {quote(link)} IN ({tmarks}) "
                                       f"ORDER BY {by_all}", list(firsts.values())):
                    for c, v in zip(cols, row[2:]):
                        name = f"{tr.lower()}.{c}"
                        order.setdefault(name)
                        values[row[0]][name] = _plain(v)
    columns = [c for c in order if _varies([values[r].get(c) for r in ids])]
    return Varying(columns, values, first)


__all__ = ["ATOL", "GROUPS", "RTOL", "BUILTIN", "Difference", "Varying", "diff", "differences",
           "varying_columns"]
