"""A ``kerasprov serve`` as a store kind: the HTTP transport, journal delivery and heartbeats.

Delivery is journal replay (``outbox.replay``) whose ``send`` POSTs a batch to
``/api/events``: a batch too large for the server is split, a sequence gap (409) makes the
client resend the run from where the server stopped, and an event the server refuses (422)
is isolated by replay and quarantined. A resend that declares a gap the journal cannot close
(``allow_gaps``) is stored leniently; the server names each event it refused there (its
index in the batch), and ``send`` returns those for replay to quarantine, like every other
store's sender. The read side over HTTP is ``query.remote``.
"""

from __future__ import annotations

from pathlib import Path

from .. import config
from ..errors import (
    BadRequest,
    InvalidArgument,
    InvalidEvent,
    MalformedAnswer,
    NotFound,
    PathQueryError,
    PayloadTooLarge,
    QueryError,
    SQLRefused,
    StoreBusy,
    StoreUnavailable,
    Unauthorized,
)
from ..outbox import codec
from ..outbox.journal import list_segments, run_of
from ..outbox.replay import (
    MAX_EVENTS,
    REJECTED,
    RunLine,
    lines_of_run,
    quarantine,
    replay,
)

_STATUS_ERRORS = {401: Unauthorized, 404: NotFound, 413: PayloadTooLarge, 422: InvalidEvent,
                  503: StoreUnavailable}


def _headers() -> dict[str, str]:
    tok = config.token()
    return {"Authorization": f"Bearer {tok}"} if tok else {}


def client(url: str, timeout: float = 30.0):
    import httpx
    return httpx.Client(base_url=url, headers=_headers(),
                        timeout=httpx.Timeout(timeout, connect=3.0))


#: The errors a server's envelope may name by ``kind`` (an explicit list: a peer's name is
#: looked up here, never imported).
_KINDS = {cls.__name__: cls for cls in (
    BadRequest, InvalidArgument, NotFound, PathQueryError, QueryError, SQLRefused, StoreBusy,
    StoreUnavailable, Unauthorized)}


def raise_for(resp, url: str) -> dict:
    """The JSON body of a successful answer, else the server's error raised as the
    kerasprov error it names (its message and scalar details kept)."""
    try:
        body = resp.json()
    except ValueError:
        body = None
    if resp.status_code < 400:
        if isinstance(body, dict):
            return body
        raise MalformedAnswer(f"the server at {config.shown(url)} answered HTTP "
                              f"{resp.status_code} without a JSON object")
    body = body if isinstance(body, dict) else {}
    message = body.get("error")
    message = str(message)[:2000] if message else f"HTTP {resp.status_code} from {url}"
    cls = _KINDS.get(body.get("kind")) if isinstance(body.get("kind"), str) else None
    cls = cls or _STATUS_ERRORS.get(resp.status_code) \
        or (BadRequest if resp.status_code < 500 else StoreUnavailable)
    extra = {str(k): v for k, v in body.items()
             if k not in ("ok", "error", "status", "message") and isinstance(k, str)
             and isinstance(v, (str, int, float, bool, type(None)))}
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
    """``send`` for ``outbox.replay``: returns the events of the batch that the server
    refused one by one (``(event, reason)``, the very objects of the batch) for replay to
    keep in ``rejected/``."""

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

    def send(self, events: list[dict], gap: tuple | None = None) -> list[tuple[dict, str]]:
        if not events:
            return []
        resp = self.post(events)
        if resp.status_code == 413 and len(events) > 1:
            half = len(events) // 2
            return self.send(events[:half]) + self.send(events[half:])
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
            refused = self.resend(*where, events)
            taken = {id(ev) for ev, _ in refused}
            # What is now stored is skipped, the rest goes in order; what the server refused
            # during the resend is not offered again (strict, it would refuse the batch).
            return refused + self.send([e for e in events if id(e) not in taken], where)
        if resp.status_code == 422 and len(events) == 1:
            self.refused.add(codec.encode(events[0]))
        return self.refusals(events, raise_for(resp, self.url))

    def refusals(self, events: list[dict], body: dict) -> list[tuple[dict, str]]:
        """The events of ``events`` that the answer ``body`` lists as refused one by one
        (``(event, reason)``; a server before this field lists none)."""
        return [(events[i], reason) for i, reason in self.refused_at(events, body)]

    def refused_at(self, events: list[dict], body: dict) -> list[tuple[int, str]]:
        """``(index in events, reason)`` of each event the answer ``body`` lists as refused:
        by index, not seq (a forged line may carry the run and seq of a good event)."""
        out = []
        for r in body.get("refused") or ():
            i = r.get("index") if isinstance(r, dict) else None
            ev = events[i] if isinstance(i, int) and 0 <= i < len(events) else None
            if ev is None or (ev["run"], ev["seq"]) != (r.get("run"), r.get("seq")):
                # Taken as stored, the line would be lost: the journal keeps it instead.
                raise StoreUnavailable(f"the server at {self.url} refused an event that is "
                                       f"not in the batch sent: {r!r}")
            self.refused.add(codec.encode(ev))
            out.append((i, str(r.get("reason") or "refused by the server")))
        return out

    def resend(self, run: str, expected: int, batch: list[dict]) -> list[tuple[dict, str]]:
        """The server lacks ``run`` from sequence ``expected``: send it again from there.

        The events may sit in already delivered segments (in done/), or, forged, in another
        run's segment (``batch`` holds them). If the journal itself lacks ``expected`` (a
        torn or malformed line, or an event the server refused and replay kept in
        rejected/), the gap is declared so delivery can go on instead of stalling forever,
        or of refusing every later event of the run with it. The server then refuses bad
        events one by one and names them; returned are those of ``batch`` (replay keeps
        them aside); those replay is past are kept aside here; the others wait for replay.
        """
        # The server names the seq after what it took of this very batch before the gap,
        # but the batch was rolled back: resent from ``expected``, with the gap declared,
        # those events would be skipped as stored. So: from the batch's first of the run.
        expected = min([expected] + [e["seq"] for e in batch if e["run"] == run])
        skip = self.refused | _rejected(self.directory, run)
        lines = [ln for ln in lines_of_run(self.directory, run, expected)
                 if codec.encode(ln.event) not in skip]
        have = {codec.encode(ln.event) for ln in lines}
        lines += [RunLine(ev, Path(), b"", False) for ev in batch  # forged into another segment
                  if ev["run"] == run and ev["seq"] >= expected
                  and codec.encode(ev) not in have]
        if not lines:
            return []
        lines.sort(key=lambda ln: ln.event["seq"])
        gap = lines[0].event["seq"] != expected
        mine: dict[str, list[dict]] = {}  # the batch's events by their encoding
        for ev in batch:
            mine.setdefault(codec.encode(ev), []).append(ev)
        out: list[tuple[dict, str]] = []
        for i in range(0, len(lines), MAX_EVENTS):
            part = lines[i:i + MAX_EVENTS]
            events = [ln.event for ln in part]
            resp = self.post(events, allow_gaps=gap)
            if resp.status_code == 409:
                resp = self.post(events, allow_gaps=True)
            for j, reason in self.refused_at(events, raise_for(resp, self.url)):
                ln = part[j]
                same = mine.get(codec.encode(ln.event))
                if not ln.passed and same:  # this line is in the batch replay is sending
                    out.append((same.pop(), reason))
                elif ln.passed:  # replay will not read it again: kept aside now
                    quarantine(ln.path, ln.raw, reason)
        return out


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
