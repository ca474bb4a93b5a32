"""The client side of a remote store: deliver journals over HTTP, and read over HTTP.

Delivery reads each journal segment from its delivered offset (kept in a sidecar file
``<segment>.sent`` next to it), sends the events in batches, records the new offset after the
store acknowledged them, and moves closed, fully delivered segments to ``done/``. A batch
sent twice is stored once (the store keeps the last sequence number per run), so a crash
between "stored" and "offset recorded" only costs a resend.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from .. import config
from ..errors import (
    BadRequest,
    InvalidEvent,
    KerasProvError,
    NotFound,
    PayloadTooLarge,
    QueryError,
    SQLRefused,
    StoreUnavailable,
    Unauthorized,
)
from ..outbox import codec
from ..outbox.journal import END_MARK, list_segments, run_of

MAX_EVENTS = 2000
MAX_BYTES = 2 * 1024 * 1024
SENT_SUFFIX = ".sent"


# -- journal segments and their delivered offsets ---------------------------------------------
def sent_offset(path: Path) -> int:
    try:
        return int((path.parent / (path.name + SENT_SUFFIX)).read_text().strip() or 0)
    except (FileNotFoundError, ValueError):
        return 0


def mark_sent(path: Path, offset: int) -> None:
    side = path.parent / (path.name + SENT_SUFFIX)
    tmp = side.with_name(f".{side.name}.{os.getpid()}.tmp")
    tmp.write_text(str(offset))
    os.replace(tmp, side)


def read_lines(path: Path, offset: int) -> tuple[list[tuple[bytes, int]], int, bool]:
    """Complete lines after ``offset`` with the offset just past each one.

    Returns (lines, end offset of the last complete line, saw the end marker).
    """
    with open(path, "rb") as fh:
        fh.seek(offset)
        data = fh.read()
    pos, out, ended = offset, [], False
    parts = data.split(b"\n")
    for raw in parts[:-1]:  # the last part has no newline yet: a line being written
        pos += len(raw) + 1
        line = raw.strip()
        if not line:
            continue
        if line == END_MARK.encode():
            ended = True
            continue
        out.append((line, pos))
    return out, pos, ended


def _finish(path: Path) -> None:
    done = path.parent / "done"
    try:
        done.mkdir(exist_ok=True)
        os.replace(path, done / path.name)
    except OSError:
        return  # another deliverer moved it, or read-only: its offset keeps it skipped
    try:
        os.unlink(path.parent / (path.name + SENT_SUFFIX))
    except OSError:
        pass


def deliver_segments(directory: Path, send: Callable[[list[dict]], object],
                     max_events: int = MAX_EVENTS, max_bytes: int = MAX_BYTES) -> int:
    """Send every undelivered journal line in ``directory`` through ``send(events)``.

    ``send`` stores one batch or raises; offsets advance only after it returns. Malformed
    lines are skipped (with one warning). Returns the number of events sent.
    """
    batch: list[dict] = []
    marks: dict[Path, int] = {}
    finished: list[Path] = []
    size = sent = bad = 0

    def flush():
        nonlocal batch, marks, finished, size, sent
        if batch:
            send(batch)
            sent += len(batch)
        for p, off in marks.items():
            mark_sent(p, off)
        for p in finished:
            _finish(p)
        batch, marks, finished, size = [], {}, [], 0

    for name in list_segments(directory):
        path = directory / name
        start = sent_offset(path)
        try:
            lines, end, ended = read_lines(path, start)
        except FileNotFoundError:
            continue
        for line, pos in lines:
            try:
                batch.append(codec.decode(line))
            except InvalidEvent:
                bad += 1
            marks[path] = pos
            size += len(line)
            if len(batch) >= max_events or size >= max_bytes:
                flush()
        if end > start:
            marks[path] = end
        if ended:
            finished.append(path)
    flush()
    if bad:
        from ..errors import warn_once
        warn_once("malformed", f"skipped {bad} malformed journal line(s) in {directory}")
    return sent


# -- HTTP ---------------------------------------------------------------------------------------
_STATUS_ERRORS = {401: Unauthorized, 404: NotFound, 413: PayloadTooLarge, 422: InvalidEvent,
                  503: StoreUnavailable}


def _headers() -> dict[str, str]:
    tok = config.token()
    return {"Authorization": f"Bearer {tok}"} if tok else {}


def _client(url: str, timeout: float = 30.0):
    import httpx
    return httpx.Client(base_url=url, headers=_headers(),
                        timeout=httpx.Timeout(timeout, connect=3.0))


def _raise_for(resp, url: str) -> dict:
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


def _transport(fn, url: str):
    import httpx
    try:
        return fn()
    except httpx.HTTPError as exc:
        raise StoreUnavailable(f"cannot reach the kerasprov server at {url}: "
                               f"{type(exc).__name__}: {exc}") from None


def deliver_outbox(url: str, journal_dir: str | os.PathLike) -> int:
    """Deliver every journal line waiting in ``journal_dir`` to the server at ``url``.

    Called on the outbox writer thread of a training process (never the training thread)
    and by ``kerasprov sync``. Any network or server error raises: the caller warns once,
    the journal keeps the events, and the next delivery resumes from the recorded offset.
    Returns the number of events sent.
    """
    directory = Path(journal_dir)
    if not list_segments(directory):
        return 0
    with _client(url) as http:
        sender = _Sender(http, url, directory)
        return deliver_segments(directory, sender.send)


def send_heartbeat(url: str, runs: list[str], timeout: float = 10.0) -> int:
    """Tell the server at ``url`` that ``runs`` are alive (their training process runs).

    Called on the outbox writer thread; raises on any failure (the caller warns once).
    Returns how many of the runs the server knows.
    """
    with _client(url, timeout) as http:
        resp = _transport(lambda: http.post("/api/heartbeat", json={"runs": list(runs)}),
                          url)
    return int(_raise_for(resp, url).get("known", 0))


class _Sender:
    def __init__(self, http, url: str, directory: Path):
        self.http, self.url, self.directory = http, url, directory

    def post(self, events: list[dict], allow_gaps: bool = False):
        body = codec.encode({"events": events, "allow_gaps": allow_gaps})
        return _transport(lambda: self.http.post(
            "/api/events", content=body.encode(),
            headers={"content-type": "application/json"}), self.url)

    def send(self, events: list[dict]) -> None:
        resp = self.post(events)
        if resp.status_code == 413 and len(events) > 1:
            half = len(events) // 2
            self.send(events[:half])
            self.send(events[half:])
            return
        if resp.status_code == 409:
            body = resp.json()
            self.resend(str(body.get("run")), int(body.get("expected_seq", 0)))
            self.send(events)  # what is now stored is skipped, the rest goes in order
            return
        _raise_for(resp, self.url)

    def resend(self, run: str, expected: int) -> None:
        """The server lacks ``run`` from sequence ``expected``: send it again from there.

        The events may sit in already delivered segments (in done/). If the journal itself
        lacks ``expected`` (a torn or malformed line), the gap is declared so delivery can
        go on instead of stalling forever.
        """
        events: list[dict] = []
        for folder in (self.directory / "done", self.directory):
            for name in list_segments(folder):
                if run_of(name) != run:
                    continue
                try:
                    lines, _, _ = read_lines(folder / name, 0)
                except FileNotFoundError:
                    continue
                for line, _ in lines:
                    try:
                        ev = codec.decode(line)
                    except InvalidEvent:
                        continue
                    if ev["seq"] >= expected:
                        events.append(ev)
        events.sort(key=lambda e: e["seq"])
        if not events:
            return
        gap = events[0]["seq"] != expected
        for i in range(0, len(events), MAX_EVENTS):
            resp = self.post(events[i:i + MAX_EVENTS], allow_gaps=gap)
            if resp.status_code == 409:
                resp = self.post(events[i:i + MAX_EVENTS], allow_gaps=True)
            _raise_for(resp, self.url)


class RemoteStore:
    """The Store read API of a ``kerasprov serve`` over HTTP (same methods, same frames)."""

    def __init__(self, url: str, timeout: float = 60.0):
        self.url = url.rstrip("/")
        self.spec = self.url
        self.timeout = timeout

    def __repr__(self):
        return f"<kerasprov.RemoteStore {self.url}>"

    def _call(self, method: str, path: str, **kwargs) -> dict:
        self._deliver_own()
        with _client(self.url, self.timeout) as http:
            resp = _transport(lambda: http.request(method, path, **kwargs), self.url)
        return _raise_for(resp, self.url)

    def _deliver_own(self) -> None:
        """Read your own writes: this process's events for this server go first."""
        if config.store_spec() != self.url:
            return
        from ..capture import session
        session.flush(5.0)
        try:
            deliver_outbox(self.url, config.journal_dir(self.url))
        except KerasProvError:
            pass  # the query still answers with what the server has

    def health(self) -> dict:
        return self._call("GET", "/api/health")

    def sql(self, query: str, limit: int = 10_000, timeout: float = 30.0) -> pd.DataFrame:
        """Run one read-only query on the server's store; at most ``limit`` rows."""
        body = self._call("POST", "/api/sql", json={"sql": query, "limit": limit,
                                                    "timeout": timeout})
        return _frame(body)

    def runs(self, dataflow: str | None = None, status: str | None = None,
             limit: int | None = None) -> pd.DataFrame:
        params = {k: v for k, v in (("dataflow", dataflow), ("status", status),
                                    ("limit", limit)) if v is not None}
        return _frame(self._call("GET", "/api/runs", params=params))

    def epochs(self, run_id: str) -> pd.DataFrame:
        return _frame(self._call("GET", f"/api/runs/{_seg(run_id)}/epochs"))

    def adaptations(self, run_id: str) -> pd.DataFrame:
        return _frame(self._call("GET", f"/api/runs/{_seg(run_id)}/adaptations"))

    def tests(self, run_id: str) -> pd.DataFrame:
        return _frame(self._call("GET", f"/api/runs/{_seg(run_id)}/tests"))


def _seg(value: str) -> str:
    from urllib.parse import quote as q
    return q(str(value), safe="")


def _frame(body: dict) -> pd.DataFrame:
    """A DataFrame from the API's {"columns", "rows", "datetime_columns"} answer."""
    cols = body.get("columns") or []
    df = pd.DataFrame([[r.get(c) for c in cols] for r in body.get("rows") or []], columns=cols)
    for c in body.get("datetime_columns") or ():
        if c in df.columns:
            df[c] = pd.to_datetime(df[c])
    df.attrs["truncated"] = bool(body.get("truncated"))
    return df


def frame_body(df: pd.DataFrame) -> dict:
    """The JSON answer for a DataFrame (NaN and infinities become null)."""
    from ..cli import records
    cols = [str(c) for c in df.columns]
    return {"columns": cols, "rows": records(df),
            "datetime_columns": [str(c) for c in df.columns
                                 if pd.api.types.is_datetime64_any_dtype(df[c])],
            "truncated": bool(df.attrs.get("truncated", False))}
