"""KerasTuner searches over any store (embedded, PostgreSQL, HTTP): the ``searches`` and
``trials`` views, the runs of a search, and the best trial's checkpoint and history.

Written over the read-only ``store.sql`` every store kind offers, so the CLI, the server
and the Python API give the same answers. The one join a person asks most, "the best
trial's checkpoint and learning-rate history", reads::

    SELECT t.trial_id, t.score, t.checkpoint_path, e.epoch, e.learning_rate, e.val_loss
    FROM trials t JOIN epochs e ON e.run_id = t.best_run_id
    WHERE t.search_id = '<search>' AND t.rank = 1 ORDER BY e.epoch
"""

from __future__ import annotations

import pandas as pd

from ..errors import NotFound


def _lit(value: str) -> str:
    """A SQL string literal (the sandboxed ``sql`` takes no parameters)."""
    return "'" + str(value).replace("\x00", "").replace("'", "''") + "'"


def searches(store) -> pd.DataFrame:
    """One row per search, newest first."""
    return store.sql("SELECT * FROM searches ORDER BY start_time DESC, search_id DESC")


def resolve(store, search: str | None = None) -> str:
    """The search id for ``search``: itself, a unique prefix of one, or (None) the newest."""
    if search is None:
        df = store.sql("SELECT search_id FROM searches ORDER BY start_time DESC LIMIT 1")
        if df.empty:
            raise NotFound("no KerasTuner search in this store", search_id=None)
        return str(df.iloc[0, 0])
    df = store.sql("SELECT search_id FROM searches WHERE search_id LIKE "
                   + _lit(search.replace("%", "").replace("_", "\\_") + "%")
                   + " ESCAPE '\\' ORDER BY search_id")
    ids = [str(v) for v in df["search_id"]] if not df.empty else []
    if search in ids:
        return search
    if len(ids) == 1:
        return ids[0]
    if ids:
        raise NotFound(f"search {search!r} is ambiguous: {', '.join(ids[:5])}",
                       search_id=search)
    raise NotFound(f"no search {search!r} in this store (kerasprov searches lists them)",
                   search_id=search)


def trials(store, search: str | None = None) -> pd.DataFrame:
    """One row per trial of ``search``, best first (rank 1 = best score)."""
    sid = resolve(store, search)
    return store.sql(f"SELECT * FROM trials WHERE search_id = {_lit(sid)} "
                     "ORDER BY rank, trial_id")


def search_runs(store, search: str | None = None) -> pd.DataFrame:
    """The runs of ``search``'s executions (one per fit), with their trial, best first."""
    sid = resolve(store, search)
    return store.sql(
        "SELECT t.trial_id, t.rank AS trial_rank, t.status AS trial_status, r.* FROM runs r "
        "JOIN task k ON k.run_id = r.run_id AND k.transformation_tag = 'TrainingModel' "
        f"JOIN trials t ON t.trial_task_id = k.informed_by WHERE t.search_id = {_lit(sid)} "
        "ORDER BY t.rank, t.trial_id, r.start_time, r.run_id")


def best_trial_history(store, search: str | None = None) -> pd.DataFrame:
    """The best trial's checkpoint and per-epoch history (learning rate, metrics) of the
    execution that wrote the checkpoint: one join of ``trials`` and ``epochs``."""
    sid = resolve(store, search)
    return store.sql(
        "SELECT t.trial_id, t.score, t.checkpoint_path, e.* FROM trials t "
        f"JOIN epochs e ON e.run_id = t.best_run_id WHERE t.search_id = {_lit(sid)} "
        "AND t.rank = 1 AND t.status = 'COMPLETED' ORDER BY e.epoch")


__all__ = ["best_trial_history", "resolve", "search_runs", "searches", "trials"]
