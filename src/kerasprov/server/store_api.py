"""``POST /api/store/<method>``: every declared read method over HTTP (the JSON API, and
what ``HttpStore`` calls).

The method must be one of ``READS`` (the declarations on ``Store``, query/surface.py);
its arguments come as ``{"args": [...], "kwargs": {...}}`` and are checked against the
declaration (types and bounds: 422 naming the argument and the bound) before any SQL runs;
its answer goes back in the shared wire encoding. Errors are the usual JSON envelope with
the error's kind.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from ..errors import BadRequest, KerasProvError, NotFound
from ..query import wire
from ..query.protocol import READS
from .api import read_body, run_read

router = APIRouter(prefix="/api/store")


async def arguments(request: Request) -> tuple[list, dict]:
    """The call's ``args`` and ``kwargs`` from its JSON body."""
    raw = await read_body(request)
    try:
        body = json.loads(raw or b"{}")
    except (ValueError, RecursionError) as exc:
        raise BadRequest(f"the request body is not valid JSON: {exc}") from None
    args = body.get("args", []) if isinstance(body, dict) else None
    kwargs = body.get("kwargs", {}) if isinstance(body, dict) else None
    if not isinstance(args, list) or not isinstance(kwargs, dict):
        raise BadRequest('the request body must be a JSON object {"args": [...], '
                         '"kwargs": {...}}')
    return args, kwargs


@router.post("/{method}")
async def call(request: Request, method: str) -> dict:
    spec = READS.get(method)
    if spec is None:
        raise NotFound(f"no store method {method!r}; known: {', '.join(READS)}")
    args, kwargs = await arguments(request)
    try:
        bound = spec.bind(args, kwargs)
    except KerasProvError as exc:
        exc.details.setdefault("kind", type(exc).__name__)
        raise
    result = await run_in_threadpool(run_read, request, lambda s: spec.call(s, bound))
    return {"ok": True, "answer": wire.encode(result)}
