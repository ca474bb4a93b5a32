"""A ``kerasprov serve`` as a store kind: the HTTP transport, journal delivery and heartbeats.

Delivery is journal replay (``outbox.replay``) whose ``send`` POSTs a batch to
``/api/events``: a batch too large for the server is split, a sequence gap (409) makes the
client resend the run from where the server stopped, and an event the server refuses (422)
is isolated by replay and quarantined. The read side over HTTP is ``query.remote``.
"""

from __future__ import annotations

from pathlib import Path

from .. import config
from ..errors import (
    BadRequest,
    InvalidEvent,
    NotFound,
    PayloadTooLarge,
    QueryError,
    SQLRefused,
    StoreUnavailable,
    Unauthorized,
)
from ..outbox import codec
from ..outbox.journal import list_segments, run_of
from ..outbox.replay import MAX_EVENTS, REJECTED, events_of_run, replay

_STATUS_ERRORS = {401: Unauthorized, 404: NotFound, 413: PayloadTooLarge, 422: InvalidEvent,
                  503: StoreUnavailable}


def _headers() -> dict[str, str]:
    tok = config.token()
    return {"Authorization": f"Bearer {tok}"} if tok else {}


def client(url: str, timeout: float = 30.0):
    import httpx
    return httpx.Client(base_url=url, headers=_headers(),
                        timeout=httpx.Timeout(timeout, connect=3.0))


def raise_for(resp, url: str) -> dict:
    try:
        body = resp.json()
    except ValueError:
        body = {}
    if resp.status_code < 400 and isinstance(body, dict):
        return body
    message = body.get("error") if isinstance(body, dict) else None
    message = message or f"HTTP {resp.status_code} from {url}"
    kind = body.get("kind") if isinstance(body, dict) else None
    cls = {"SQLRefused": SQLRefused, "QueryError": QueryError}.get(kind) \
        or _STATUS_ERRORS.get(resp.status_code) \
        or (BadRequest if resp.status_code < 500 else StoreUnavailable)
    extra = {k: v for k, v in body.items() if k not in ("ok", "error", "status")} \
        if isinstance(body, dict) else {}
    raise cls(message, **extra)


def _error_text(resp) -> str:
    """The error message of a refused response (its JSON envelope), or its status."""
    try:
        body = resp.json()
    except ValueError:
        body = None
    return str(body.get("error")) if isinstance(body, dict) and body.get("error") else \
        f"HTTP {resp.status_code}"


def transport(fn, url: str):
    import httpx
    try:
        return fn()
    except httpx.HTTPError as exc:
        raise StoreUnavailable(f"cannot reach the kerasprov server at {url}: "
                               f"{type(exc).__name__}: {exc}") from None



def deliver(url: str, directory: Path) -> int:
    """Deliver every journal line waiting in ``directory`` to the server at ``url``.

    Called on the outbox writer thread of a training process (never the training thread)
    and by ``kerasprov sync``. A network or server error raises: the caller warns once, the
    journal keeps the events, and the next delivery resumes from the recorded offset.
    Returns the number of events sent.
    """
    directory = Path(directory)
    if not list_segments(directory):
        return 0
    with client(url) as http:
        return replay(directory, _Sender(http, url, directory).send).sent


def heartbeat(url: str, runs: list[str], timeout: float = 10.0) -> int:
    """Tell the server at ``url`` that ``runs`` are alive (their training process runs).

    Called on the outbox writer thread; raises on any failure (the caller warns once).
    Returns how many of the runs the server knows.
    """
    with client(url, timeout) as http:
        resp = transport(lambda: http.post("/api/heartbeat", json={"runs": list(runs)}),
                          url)
    return int(raise_for(resp, url).get("known", 0))


class _Sender:
    def __init__(self, http, url: str, directory: Path):
        self.http, self.url, self.directory = http, url, directory
        #: Events (encoded) the server refused alone in this delivery: replay keeps them
        #: in rejected/, and a resend must not offer them again.
        self.refused: set[str] = set()

    def post(self, events: list[dict], allow_gaps: bool = False):
        body = codec.encode({"events": events, "allow_gaps": allow_gaps})
        return transport(lambda: self.http.post(
            "/api/events", content=body.encode(),
            headers={"content-type": "application/json"}), self.url)

    def send(self, events: list[dict], gap: tuple | None = None) -> None:
        resp = self.post(events)
        if resp.status_code == 413 and len(events) > 1:
            half = len(events) // 2
            self.send(events[:half])
            self.send(events[half:])
            return
        if resp.status_code == 413:  # it can never go: kept aside, not a blocked journal
            self.refused.add(codec.encode(events[0]))
            raise InvalidEvent(f"event (run {events[0]['run']!r}, seq {events[0]['seq']}) is "
                               f"larger than the server at {self.url} accepts: "
                               f"{_error_text(resp)}")
        if resp.status_code == 409:
            body = resp.json()
            where = (str(body.get("run")), int(body.get("expected_seq", 0)))
            if where == gap:  # resending did not close the gap: the batch itself is bad
                raise InvalidEvent(f"run {where[0]!r}: the server still lacks seq {where[1]} "
                                   "after a resend", run=where[0])
            self.resend(*where)
            self.send(events, where)  # what is now stored is skipped, the rest goes in order
            return
        if resp.status_code == 422 and len(events) == 1:
            self.refused.add(codec.encode(events[0]))
        raise_for(resp, self.url)

    def resend(self, run: str, expected: int) -> None:
        """The server lacks ``run`` from sequence ``expected``: send it again from there.

        The events may sit in already delivered segments (in done/). If the journal itself
        lacks ``expected`` (a torn or malformed line, or an event the server refused and
        replay kept in rejected/), the gap is declared so delivery can go on instead of
        stalling forever, or of refusing every later event of the run with it.
        """
        events = events_of_run(self.directory, run, expected)
        refused = self.refused | _rejected(self.directory, run)
        if refused:
            events = [e for e in events if codec.encode(e) not in refused]
        if not events:
            return
        gap = events[0]["seq"] != expected
        for i in range(0, len(events), MAX_EVENTS):
            resp = self.post(events[i:i + MAX_EVENTS], allow_gaps=gap)
            if resp.status_code == 409:
                resp = self.post(events[i:i + MAX_EVENTS], allow_gaps=True)
            raise_for(resp, self.url)


def _rejected(directory: Path, run: str) -> set[str]:
    """The events of ``run`` (encoded) that replay kept in ``rejected/``: refused for good,
    offering them again cannot help. (Compared whole, not by seq: a forged line may carry
    the seq of a good event.)"""
    import json
    out: set[str] = set()
    folder = directory / REJECTED
    for name in list_segments(folder):
        if run_of(name) != run:
            continue
        try:
            records = (folder / name).read_text(encoding="utf-8").splitlines()
        except OSError:
            continue
        for record in records:
            try:
                out.add(codec.encode(codec.decode(json.loads(record)["line"])))
            except (InvalidEvent, ValueError, KeyError, TypeError):
                continue  # not a valid event: the journal reader skips it anyway
    return out
