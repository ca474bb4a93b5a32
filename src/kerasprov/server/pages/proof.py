"""A run's proof (issue #22): ``/runs/<id>/card`` (its Hugging Face model card, Markdown)
and ``/runs/<id>/attestation`` (its signed DSSE envelope, JSON); the run page shows the
signature's verdict and its reruns' from ``Store.proof_status``."""

from __future__ import annotations

import json
import re

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ...errors import NotFound
from .common import ask

router = APIRouter()


def _name(run_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", run_id)[:100] or "run"


@router.get("/runs/{run_id:path}/card")
def run_card(request: Request, run_id: str):
    text = ask(request, "card", run_id)
    return Response(text, media_type="text/markdown; charset=utf-8", headers={
        "Content-Disposition": f'inline; filename="{_name(run_id)}.README.md"'})


@router.get("/runs/{run_id:path}/attestation")
def run_attestation(request: Request, run_id: str):
    att = ask(request, "attestation", run_id)
    if att is None:
        raise NotFound(f"run {run_id!r} has no signed attestation", run_id=run_id)
    return Response(json.dumps(att["envelope"], indent=2), media_type="application/json",
                    headers={"Content-Disposition":
                             f'attachment; filename="{_name(run_id)}.intoto.json"'})
