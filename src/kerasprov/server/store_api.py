"""``POST /api/store/<method>``: every Store method over HTTP, for ``HttpStore``.

The method must be one of ``query.protocol.METHODS`` (the read API; nothing that takes
trusted SQL); its arguments come as ``{"args": [...], "kwargs": {...}}`` and its answer goes back
in the shared wire encoding. Errors are the usual JSON envelope with the error's kind.
"""

from __future__ import annotations

import inspect
import json

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from ..errors import BadRequest, NotFound
from ..query import wire
from ..query.api import Store
from ..query.protocol import METHODS
from .api import _read, _read_body

router = APIRouter(prefix="/api/store")


@router.post("/{method}")
async def call(request: Request, method: str) -> dict:
    if method not in METHODS:
        raise NotFound(f"no store method {method!r}; known: {', '.join(METHODS)}")
    raw = await _read_body(request)
    try:
        body = json.loads(raw or b"{}")
    except (ValueError, RecursionError) as exc:
        raise BadRequest(f"the request body is not valid JSON: {exc}") from None
    args = body.get("args", []) if isinstance(body, dict) else None
    kwargs = body.get("kwargs", {}) if isinstance(body, dict) else None
    if not isinstance(args, list) or not isinstance(kwargs, dict):
        raise BadRequest('the request body must be a JSON object {"args": [...], '
                         '"kwargs": {...}}')

    try:  # wrong or missing arguments are the caller's mistake, said before any work
        inspect.signature(getattr(Store, method)).bind(None, *args, **kwargs)
    except TypeError as exc:
        raise BadRequest(f"{method}: {exc}") from None

    def answer(store):
        return getattr(store, method)(*args, **kwargs)

    result = await run_in_threadpool(_read, request, answer)
    return {"ok": True, "answer": wire.encode(result)}
