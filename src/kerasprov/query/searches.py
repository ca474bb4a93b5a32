"""KerasTuner searches: the ``searches`` and ``trials`` views, the runs of a search, the best
trial's checkpoint and history, and what the search pages show.

The ``*_of(be, ...)`` functions read inside one unit of work with parameters (never a
spliced literal); ``Store`` declares them as read methods (``searches``, ``trials``,
``search_runs``, ``search``, ``trial``), so every store kind, the server and the CLI give
the same answers. The one join a person asks most, "the best trial's checkpoint and
learning-rate history", reads::

    SELECT t.trial_id, t.score, t.checkpoint_path, e.epoch, e.learning_rate, e.val_loss
    FROM trials t JOIN epochs e ON e.run_id = t.best_run_id
    WHERE t.search_id = ? AND t.rank = 1 ORDER BY e.epoch
"""

from __future__ import annotations

import json

import pandas as pd

from ..errors import NotFound
from ..store.schema import quote
from ..store.views import TRIAL_COLS
from .reads import total_order
from .records import records

_TRIAL_FIXED = set(TRIAL_COLS)  # the columns of ``trials`` that are not hyperparameters
_EPOCH_NOT_METRIC = {"dataflow_tag", "run_id", "epoch", "elapsed_time", "timestamp",
                     "trainingmodel_task_id"}


def searches_of(be) -> pd.DataFrame:
    """One row per search, newest first."""
    return be.read_df("SELECT * FROM searches ORDER BY start_time DESC NULLS LAST, "
                      "search_id DESC")


def resolve(be, search: str | None = None) -> str:
    """The search id for ``search``: itself, a unique prefix of one, or (None) the newest."""
    if search is None:
        rows = be.fetchall("SELECT search_id FROM searches ORDER BY start_time DESC NULLS LAST, "
                           "search_id DESC LIMIT 1")
        if not rows:
            raise NotFound("no KerasTuner search in this store", search_id=None)
        return str(rows[0][0])
    prefix = search.replace("\\", "").replace("%", "").replace("_", "\\_") + "%"
    ids = [str(r[0]) for r in be.fetchall(
        "SELECT search_id FROM searches WHERE search_id LIKE ? ESCAPE '\\' ORDER BY search_id",
        [prefix])]
    if search in ids:
        return search
    if len(ids) == 1:
        return ids[0]
    if ids:
        raise NotFound(f"search {search!r} is ambiguous: {', '.join(ids[:5])}",
                       search_id=search)
    raise NotFound(f"no search {search!r} in this store (kerasprov searches lists them)",
                   search_id=search)


def trials_of(be, search: str | None = None) -> pd.DataFrame:
    """One row per trial of ``search``, best first (rank 1 = best score)."""
    sid = resolve(be, search)
    return be.read_df("SELECT * FROM trials WHERE search_id = ?"
                      + total_order(be, "trials", "rank", "trial_id"), [sid])


def search_runs_of(be, search: str | None = None) -> pd.DataFrame:
    """The runs of ``search``'s executions (one per fit), with their trial, best first."""
    return be.read_df(
        "SELECT t.trial_id, t.rank AS trial_rank, t.status AS trial_status, r.* FROM runs r "
        "JOIN task k ON k.run_id = r.run_id AND k.transformation_tag = 'TrainingModel' "
        "JOIN trials t ON t.trial_task_id = k.informed_by WHERE t.search_id = ? "
        "ORDER BY t.rank, t.trial_id NULLS LAST, r.start_time NULLS LAST, r.run_id",
        [resolve(be, search)])


def best_trial_history_of(be, search: str | None = None) -> pd.DataFrame:
    """The best trial's checkpoint and per-epoch history (learning rate, metrics) of the
    execution that wrote the checkpoint: one join of ``trials`` and ``epochs``."""
    return be.read_df(
        "SELECT t.trial_id, t.score, t.checkpoint_path, e.* FROM trials t "
        "JOIN epochs e ON e.run_id = t.best_run_id WHERE t.search_id = ? "
        "AND t.rank = 1 AND t.status = 'COMPLETED' "
        # best trials that tie on score come one after the other
        "ORDER BY t.trial_id NULLS LAST, e.epoch, e.run_id", [resolve(be, search)])


def _space(be, task_id) -> list[dict]:
    """The search space rows, by name (the store does not keep the order they were found
    in, and the scan order differs between engines)."""
    if "ds_isearchspace" not in be.table_names():  # a store without any search space yet
        return []
    rows = records(be.read_df("SELECT * FROM ds_isearchspace WHERE search_task_id = ?"
                              + total_order(be, "ds_isearchspace", _name_col(be)), [task_id]),
                   seconds=True)
    for r in rows:
        for key in ("choices", "default", "conditions"):
            if isinstance(r.get(key), str):
                try:
                    r[key] = json.loads(r[key])
                except ValueError:
                    pass
    return [{k: v for k, v in r.items() if k not in ("run_id", "search_task_id")}
            for r in rows]


def _name_col(be) -> str:
    """The column of the space's ``name`` attribute (its first column if it has none)."""
    found = be.fetchall("SELECT column_name FROM attribute WHERE data_set_tag = 'isearchspace' "
                        "AND name = 'name'")
    return quote(found[0][0]) if found else "1"


def search_of(be, search_id: str) -> dict:
    """A search page's data: the search, its space, its trials (best first) and the
    hyperparameter columns with their names in the space."""
    sid = resolve(be, search_id)
    found = records(be.read_df("SELECT * FROM searches WHERE search_id = ?", [sid]),
                    seconds=True)
    if not found:
        raise NotFound(f"no search {search_id!r}", search_id=search_id)
    search = found[0]
    trials = records(trials_of(be, sid), seconds=True)
    space = _space(be, search["search_task_id"])
    named = [s["name"] for s in space]
    hp_cols = [c for c in (trials[0].keys() if trials else []) if c not in _TRIAL_FIXED]
    # Space names map to view columns (lowercased, maybe prefixed): match them up in order.
    hyperparameters = []
    for col in hp_cols:
        name = next((n for n in named if n.lower() == col or f"hp_{n.lower()}" == col), col)
        hyperparameters.append({"column": col, "name": name})
    for t in trials:
        t["run_ids"] = [r for r in str(t.get("run_ids") or "").split(",") if r]
        # KerasTuner's message is a whole traceback: its last line names the error
        lines = [ln for ln in str(t.get("error") or "").splitlines() if ln.strip()]
        t["error_line"] = lines[-1].strip() if lines else None
    return {"search": search, "space": space, "trials": trials,
            "hyperparameters": hyperparameters,
            "maximize": str(search.get("direction")) == "max"}


def trial_of(be, search_id: str, trial_id: str) -> dict:
    """One trial's executions: each run's per-epoch metrics (the curves on click)."""
    sid = resolve(be, search_id)
    rows = records(be.read_df("SELECT trial_id, run_ids, status, score FROM trials WHERE "
                              "search_id = ? AND trial_id = ?", [sid, trial_id]), seconds=True)
    if not rows:
        raise NotFound(f"no trial {trial_id!r} in search {sid!r}", search_id=sid,
                       trial_id=trial_id)
    run_ids = [r for r in str(rows[0].get("run_ids") or "").split(",") if r]
    epochs = []
    if run_ids:
        marks = ", ".join("?" for _ in run_ids)
        epochs = records(be.read_df(f"SELECT * FROM epochs WHERE run_id IN ({marks})"
                                    + total_order(be, "epochs", "run_id", "epoch"), run_ids),
                         seconds=True)
    metrics = []
    for e in epochs:
        for k, v in e.items():
            if k not in _EPOCH_NOT_METRIC and k not in metrics and isinstance(v, (int, float)):
                metrics.append(k)
    return {"search_id": sid, "trial": rows[0], "run_ids": run_ids, "metrics": metrics,
            "epochs": epochs}


# -- the same over any store (a script's or the CLI's): each is one Store read method ---------
def searches(store) -> pd.DataFrame:
    return store.searches()


def trials(store, search: str | None = None) -> pd.DataFrame:
    return store.trials(search)


def search_runs(store, search: str | None = None) -> pd.DataFrame:
    return store.search_runs(search)


def best_trial_history(store, search: str | None = None) -> pd.DataFrame:
    return store.trials(search, best_history=True)


__all__ = ["best_trial_history", "best_trial_history_of", "resolve", "search_of",
           "search_runs", "search_runs_of", "searches", "searches_of", "trial_of", "trials",
           "trials_of"]
