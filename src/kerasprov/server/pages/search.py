"""KerasTuner search pages (issue #13): ``/searches`` and ``/searches/<id>``, each with its
JSON twin.

A search page holds the trials table (best first), a parallel-coordinates view of the
hyperparameters against the objective, the objective over the trials (with the best so
far), and each trial's curves on click, fetched from ``/searches/<id>/trials/<trial>.json``.
The data comes from the declared reads ``searches``, ``search`` and ``trial`` (see
query/searches.py). The parallel coordinates are drawn in SVG by ``static/charts.js``
(plotly's WebGL parcoords needs eval, which the pages' CSP forbids); the other charts by the
plotly.js bundled in the installed plotly package (served as ``/static/plotly.min.js``),
never from a CDN, and no script is inline.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ...query.records import records
from .common import as_json, ask, page

router = APIRouter()


def searches_context(request: Request) -> dict:
    return {"title": "Searches", "searches": records(ask(request, "searches"), seconds=True)}


@router.get("/searches.json")
def searches_json(request: Request):
    return as_json(searches_context(request))


@router.get("/searches", response_class=HTMLResponse)
def searches_page(request: Request):
    return page(request, "searches.html", searches_context(request))


def search_context(request: Request, search_id: str) -> dict:
    ctx = ask(request, "search", search_id)
    return {"title": f"Search {ctx['search']['search_id']}", **ctx}


def trial_context(request: Request, search_id: str, trial_id: str) -> dict:
    return ask(request, "trial", search_id, trial_id)


@router.get("/searches/{search_id:path}/trials/{trial_id}.json")
def trial_json(request: Request, search_id: str, trial_id: str):
    return as_json(trial_context(request, search_id, trial_id))


@router.get("/searches/{search_id}.json")
def search_json(request: Request, search_id: str):
    return as_json(search_context(request, search_id))


@router.get("/searches/{search_id}", response_class=HTMLResponse)
def search_page(request: Request, search_id: str):
    return page(request, "search.html", search_context(request, search_id))


__all__ = ["router", "search_context", "searches_context", "trial_context"]
