"""Compare runs (``/compare?runs=A,B``): hyperparameters and metrics side by side, every
difference, and their curves overlaid (``Store.comparison``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ...errors import BadRequest
from .common import as_json, ask, page

router = APIRouter()


def _run_ids(request: Request) -> list[str]:
    ids = []
    for value in request.query_params.getlist("runs"):
        ids.extend(v.strip() for v in value.split(",") if v.strip())
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise BadRequest("choose runs to compare: /compare?runs=RUN_A,RUN_B")
    return ids  # how many at most: the declaration of ``comparison`` says (422 past it)


def compare_context(request: Request) -> dict:
    return {"title": "Compare runs", **ask(request, "comparison", _run_ids(request))}


@router.get("/compare.json")
def compare_json(request: Request):
    return as_json(compare_context(request))


@router.get("/compare", response_class=HTMLResponse)
def compare_page(request: Request):
    return page(request, "compare.html", compare_context(request))
