"""KerasTuner search pages (issue #13): ``/searches`` and ``/searches/<id>``, each with its
JSON twin.

A search page holds the trials table (best first), a parallel-coordinates view of the
hyperparameters against the objective, the objective over the trials (with the best so
far), and each trial's curves on click, fetched from ``/searches/<id>/trials/<trial>.json``.
The data comes from the ``searches`` and ``trials`` views through ``query/searches.py``
(the read-only ``sql`` every store kind has). The parallel coordinates are drawn in SVG by
``static/charts.js`` (plotly's WebGL parcoords needs eval, which the pages' CSP forbids);
the other charts by the plotly.js bundled in the installed plotly package (served as
``/static/plotly.min.js``), never from a CDN, and no script is inline.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ...errors import NotFound
from ...query import searches as q
from ...query.records import records
from ...store.views import TRIAL_COLS
from .common import app_store, as_json, page

router = APIRouter()

_TRIAL_FIXED = set(TRIAL_COLS)  # the columns of ``trials`` that are not hyperparameters
_EPOCH_NOT_METRIC = {"dataflow_tag", "run_id", "epoch", "elapsed_time", "timestamp",
                     "trainingmodel_task_id"}


def _records(df) -> list[dict]:
    return records(df, seconds=True)


# -- the list ---------------------------------------------------------------------------------
def searches_context(store) -> dict:
    return {"title": "Searches", "searches": _records(q.searches(store))}


@router.get("/searches.json")
def searchesas_json(request: Request):
    return as_json(searches_context(app_store(request)))


@router.get("/searches", response_class=HTMLResponse)
def searches_page(request: Request):
    return page(request, "searches.html", searches_context(app_store(request)))


# -- one search -------------------------------------------------------------------------------
def _space(store, search: dict) -> list[dict]:
    """The search space rows, in the order they were found."""
    task = str(search["search_task_id"]).replace("'", "''")
    try:
        df = store.sql(f"SELECT * FROM ds_isearchspace WHERE search_task_id = '{task}'")
    except Exception:  # a store without any search space yet
        return []
    rows = _records(df)
    for r in rows:
        for key in ("choices", "default", "conditions"):
            if isinstance(r.get(key), str):
                try:
                    r[key] = json.loads(r[key])
                except ValueError:
                    pass
    return [{k: v for k, v in r.items() if k not in ("run_id", "search_task_id")}
            for r in rows]


def search_context(store, search_id: str) -> dict:
    sid = q.resolve(store, search_id)
    found = _records(store.sql(f"SELECT * FROM searches WHERE search_id = {q._lit(sid)}"))
    if not found:
        raise NotFound(f"no search {search_id!r}", search_id=search_id)
    search = found[0]
    trials = _records(q.trials(store, sid))
    space = _space(store, search)
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
    return {"title": f"Search {sid}", "search": search, "space": space, "trials": trials,
            "hyperparameters": hyperparameters,
            "maximize": str(search.get("direction")) == "max"}


def trial_context(store, search_id: str, trial_id: str) -> dict:
    """One trial's executions: each run's per-epoch metrics (the curves on click)."""
    sid = q.resolve(store, search_id)
    rows = _records(store.sql(f"SELECT trial_id, run_ids, status, score FROM trials WHERE "
                              f"search_id = {q._lit(sid)} AND trial_id = {q._lit(trial_id)}"))
    if not rows:
        raise NotFound(f"no trial {trial_id!r} in search {sid!r}", search_id=sid,
                       trial_id=trial_id)
    run_ids = [r for r in str(rows[0].get("run_ids") or "").split(",") if r]
    epochs = []
    if run_ids:
        ids = ", ".join(q._lit(r) for r in run_ids)
        epochs = _records(store.sql(f"SELECT * FROM epochs WHERE run_id IN ({ids}) "
                                    "ORDER BY run_id, epoch"))
    metrics = []
    for e in epochs:
        for k, v in e.items():
            if k not in _EPOCH_NOT_METRIC and k not in metrics and isinstance(v, (int, float)):
                metrics.append(k)
    return {"search_id": sid, "trial": rows[0], "run_ids": run_ids, "metrics": metrics,
            "epochs": epochs}


@router.get("/searches/{search_id:path}/trials/{trial_id}.json")
def trialas_json(request: Request, search_id: str, trial_id: str):
    return as_json(trial_context(app_store(request), search_id, trial_id))


@router.get("/searches/{search_id}.json")
def searchas_json(request: Request, search_id: str):
    return as_json(search_context(app_store(request), search_id))


@router.get("/searches/{search_id}", response_class=HTMLResponse)
def search_page(request: Request, search_id: str):
    return page(request, "search.html", search_context(app_store(request), search_id))


__all__ = ["router", "search_context", "searches_context", "trial_context"]
