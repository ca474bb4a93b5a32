"""The JSON API: event ingest from training processes, and the read side of the store.

Ingest goes through one writer thread per app (Datasette's pattern, ``ingest_queue.py``):
requests queue their batches, validated against the event schema here, and the writer
applies what is waiting, many batches per transaction; each batch is still all-or-nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from typing import Any

from fastapi import APIRouter, Request

from ..errors import BadRequest, InvalidEvent, KerasProvError, NotFound, PayloadTooLarge
from ..outbox import codec
from ..outbox import events as event_schema
from ..query.protocol import READS
from ..query.wire import frame_body
from ..store import lease
from .ingest_queue import IngestQueue

router = APIRouter(prefix="/api")
#: Event ingest and heartbeats: only ``kerasprov serve`` includes them; the viewer does not.
ingest_router = APIRouter(prefix="/api")

_setup_lock = threading.Lock()


def _state(app) -> tuple[Any, threading.Lock, IngestQueue]:
    with _setup_lock:
        if not hasattr(app.state, "kp_ingest"):
            store = app.state.store
            # DuckDB: one unit at a time in this process (reads, ingest, journal pickup).
            app.state.kp_unit_lock = threading.Lock() if store.kind.single_writer else \
                contextlib.nullcontext()
            app.state.kp_ingest = IngestQueue(store, app.state.kp_unit_lock)
    return app.state.store, app.state.kp_unit_lock, app.state.kp_ingest


async def read_body(request: Request) -> bytes:
    """The body, refused with 413 past the app's limit even without a Content-Length."""
    limit = getattr(request.app.state, "max_body", 16 * 1024 * 1024)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"request body larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def parse_events(body: bytes) -> tuple[list[dict], bool]:
    """Decode and validate a batch ``{"events": [...]}`` against the event schema
    (outbox/events.py) before it is queued; raises InvalidEvent (422) naming the event and
    its field, e.g. ``event 3: event 'rows': field rows[0].epoch: must be an integer``."""
    try:
        # The hook costs a Python call per object: only bodies with {"$float": ...} need it.
        hook = codec._restore if b'"$float"' in body else None
        obj = json.loads(body, object_hook=hook, parse_int=event_schema.parse_int)
    except (ValueError, RecursionError) as exc:
        raise InvalidEvent(f"the request body is not valid JSON: {exc}") from None
    if event_schema.has_surrogates(body):
        obj = event_schema.normalise(obj)
    if not isinstance(obj, dict) or not isinstance(obj.get("events"), list):
        raise InvalidEvent('the request body must be a JSON object {"events": [...]}')
    events = obj["events"]
    for i, ev in enumerate(events):
        try:
            codec.validate(ev)
        except InvalidEvent as exc:
            raise InvalidEvent(f"event {i}: {exc.message}; the batch was not stored",
                               index=i, **exc.details) from None
    return events, obj.get("allow_gaps") is True


@ingest_router.post("/events")
async def post_events(request: Request) -> dict:
    """Store a batch of events (all or nothing). 409 names the seq to resend from.

    A batch sent with ``"allow_gaps": true`` (a client declaring a gap its journal cannot
    close) is applied leniently: an event the store refuses alone (a seq far past its run's
    next, an event of a run that never started, a set grown too wide) is left out, and
    ``refused`` lists each as ``{"index", "run", "seq", "reason"}`` so the client keeps that
    line aside. Otherwise ``refused`` is empty: such an event refuses the batch (422).
    """
    body = await read_body(request)
    events, allow_gaps = parse_events(body)
    if not events:
        return {"ok": True, "received": 0, "last_seq": {}, "refused": []}
    _, _, ingest = _state(request.app)
    answer = await asyncio.wrap_future(ingest.submit(events, allow_gaps))
    return {"ok": True, "received": len(events), "last_seq": answer.last_seq,
            "refused": answer.refused}


def run_read(request: Request, fn):
    """``fn(store)`` in one unit of work under the app's unit lock (the one ingest takes
    too: every read it runs is bounded, a person's SQL by its checked ``timeout``); an
    expected error carries its ``kind`` for the client."""
    store, lock, _ = _state(request.app)
    try:
        with lock:
            return fn(store)
    except KerasProvError as exc:
        exc.details.setdefault("kind", type(exc).__name__)
        raise


@router.get("/health")
def health(request: Request) -> dict:
    from ..version import __version__
    kind = request.app.state.store.kind
    return {"ok": True, "version": __version__, "store": kind.name, "label": kind.label}


@ingest_router.post("/heartbeat")
async def heartbeat(request: Request) -> dict:
    """A training process is alive: body ``{"runs": [run ids whose segments are open]}``.

    Moves their ``last_seen`` to now; a run not heard of within the lease is crashed.
    """
    from starlette.concurrency import run_in_threadpool
    raw = await read_body(request)
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise BadRequest(f"the request body is not valid JSON: {exc}") from None
    runs = body.get("runs") if isinstance(body, dict) else None
    if not isinstance(runs, list) or not all(isinstance(r, str) and r for r in runs):
        raise BadRequest('the request body must be a JSON object {"runs": ["<run id>", ...]}')
    if len(runs) > 10_000:
        raise BadRequest(f"at most 10000 runs per heartbeat; received {len(runs)}")
    if not runs:
        return {"ok": True, "known": 0}
    known = await run_in_threadpool(run_read, request, lambda s: _touch(s, runs))
    return {"ok": True, "known": known}


def _touch(store, runs: list[str]) -> int:
    with store.unit() as be:
        return lease.touch(be, runs)


def ask(request: Request, method: str, *args, **kwargs):
    """Call the declared read ``method`` with its arguments checked against its declaration
    (422 naming the argument and the bound), under the app's unit lock."""
    spec = READS[method]
    try:
        bound = spec.bind(args, kwargs)
    except KerasProvError as exc:
        exc.details.setdefault("kind", type(exc).__name__)
        raise
    return run_read(request, lambda s: spec.call(s, bound))


# -- the first JSON API, kept for compatibility: each is a declared read method, checked the
# same way (``POST /api/store/<method>`` is the whole API).
@router.get("/runs")
def runs(request: Request, dataflow: str | None = None, status: str | None = None,
         limit: int | None = None) -> dict:
    return {"ok": True, **frame_body(ask(request, "runs", dataflow=dataflow, status=status,
                                         limit=limit))}


@router.get("/runs/{run_id:path}/{part}")
def run_part(request: Request, run_id: str, part: str) -> dict:
    """``epochs``, ``adaptations`` or ``tests`` of one run."""
    if part not in ("epochs", "adaptations", "tests"):
        raise NotFound(f"unknown part {part!r}; use epochs, adaptations or tests")
    return {"ok": True, **frame_body(ask(request, part, run_id))}


@router.post("/sql")
async def sql(request: Request) -> dict:
    """One read-only query through the sandbox (``Store.sql``, same checks and bounds).

    Body: ``{"sql": "SELECT ...", "limit": 10000, "timeout": 30}``.
    """
    from starlette.concurrency import run_in_threadpool
    raw = await read_body(request)
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise BadRequest(f"the request body is not valid JSON: {exc}") from None
    if not isinstance(body, dict) or "sql" not in body:
        raise BadRequest('the request body must be a JSON object {"sql": "SELECT ..."}')
    kwargs = {k: body[k] for k in ("limit", "timeout") if k in body}
    df = await run_in_threadpool(ask, request, "sql", body["sql"], **kwargs)
    return {"ok": True, **frame_body(df)}
