"""Journal replay: the one path from journal files to any store.

Every kind of store (the embedded DuckDB file, PostgreSQL, MonetDB, a ``kerasprov serve``
over HTTP) is fed the same way: read each segment from its delivered offset, decode the
complete lines, hand them in batches to the store's ``send(events)``, then record the new
offset, and move closed, fully delivered segments to ``done/``.

- **Offset book**: the byte offset delivered so far of each segment, recorded only after
  ``send`` returned, so a crash between "stored" and "offset recorded" costs a resend, and a
  resend is harmless: every store keeps the last sequence number per run and skips what it
  already has. One interface, two homes: the sender's side (a sidecar file
  ``<segment>.sent``, for an outbox delivering to a remote store), or the receiving
  database itself (``store.ingest.TableBook``, for the journals inside a directory store:
  the offsets then travel with the database file, and journals copied to another store are
  ingested there in full).
- **Quarantine**: a line that does not decode into a valid event (torn by hand, edited,
  written by a newer version, or hostile) is appended with its reason to
  ``rejected/<segment>`` and replay goes on. A batch the store refuses as invalid is split
  until the bad event is found; that event is quarantined and the rest is stored.
- **Read-only journals** (a store on a read-only mount): offsets, quarantine and moves are
  skipped silently; the store skips what it already has.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, Protocol

from ..errors import InvalidEvent, warn_once
from . import codec
from .journal import END_MARK, list_segments, run_of

MAX_EVENTS = 2000
MAX_BYTES = 2 * 1024 * 1024
SENT_SUFFIX = ".sent"
_END = END_MARK.encode()
DONE, REJECTED = "done", "rejected"


# -- the offset book ---------------------------------------------------------------------------
class OffsetBook(Protocol):
    """Bytes of each segment already delivered."""

    def get(self, path: Path) -> int: ...

    def set(self, path: Path, offset: int) -> None: ...

    def forget(self, path: Path) -> None:
        """The segment moved to ``done/``: its offset is no longer needed."""


class SidecarBook:
    """Offsets in ``<segment>.sent`` files beside the segments (the sender's side)."""

    def get(self, path: Path) -> int:
        try:
            return max(0, int((path.parent / (path.name + SENT_SUFFIX)).read_text().strip()
                              or 0))
        except (OSError, ValueError):
            return 0

    def set(self, path: Path, offset: int) -> None:
        side = path.parent / (path.name + SENT_SUFFIX)
        tmp = side.with_name(f".{side.name}.{os.getpid()}.tmp")
        try:
            tmp.write_text(str(offset))
            os.replace(tmp, side)
        except OSError:
            pass  # read-only journals: the store skips what it already has

    def forget(self, path: Path) -> None:
        try:
            os.unlink(path.parent / (path.name + SENT_SUFFIX))
        except OSError:
            pass


def finish(path: Path, book: OffsetBook) -> None:
    """Move a closed, delivered segment to ``done/`` and forget its offset."""
    try:
        (path.parent / DONE).mkdir(exist_ok=True)
        os.replace(path, path.parent / DONE / path.name)
    except OSError:
        return  # another deliverer moved it, or read-only: its offset keeps it skipped
    book.forget(path)


def quarantine(path: Path, line: bytes | str, reason: str) -> None:
    """Keep a line that could not be stored, with why, in ``rejected/`` beside the journal."""
    text = line.decode("utf-8", "replace") if isinstance(line, bytes) else line
    record = json.dumps({"segment": path.name, "reason": reason, "line": text},
                        ensure_ascii=True)
    try:
        (path.parent / REJECTED).mkdir(exist_ok=True)
        with open(path.parent / REJECTED / path.name, "a", encoding="utf-8") as fh:
            fh.write(record + "\n")
    except OSError:
        pass


def rejected_count(directory: Path) -> int:
    """Lines quarantined so far in ``directory`` (for ``kerasprov status``)."""
    total = 0
    for name in list_segments(Path(directory) / REJECTED):
        try:
            with open(Path(directory) / REJECTED / name, "rb") as fh:
                total += sum(1 for _ in fh)
        except OSError:
            continue
    return total


# -- reading -----------------------------------------------------------------------------------
class Line(NamedTuple):
    """One complete journal line and the offset just past it."""

    raw: bytes
    end: int


@dataclass
class Chunk:
    """What a segment holds past an offset: complete lines, where they end, the end mark."""

    lines: list[Line] = field(default_factory=list)
    end: int = 0
    closed: bool = False


def read_lines(path: Path, offset: int) -> Chunk:
    """Complete lines of ``path`` after ``offset``; a torn last line waits for its newline."""
    with open(path, "rb") as fh:
        fh.seek(offset)
        data = fh.read()
    out = Chunk(end=offset)
    pos = offset
    lines = out.lines
    for raw in data.split(b"\n")[:-1]:  # the last part has no newline yet
        pos += len(raw) + 1
        line = raw.strip()
        if not line:
            continue
        if line == _END:
            out.closed = True
            continue
        lines.append(Line(line, pos))
    out.end = pos
    return out


# -- replay ------------------------------------------------------------------------------------
@dataclass
class Replay:
    """What one replay did: events sent, lines quarantined, segments still open."""

    sent: int = 0
    rejected: int = 0
    open_segments: dict[str, Path] = field(default_factory=dict)


def replay(directory: Path, send: Callable[[list[dict]], object],
           book: OffsetBook | None = None, max_events: int = MAX_EVENTS,
           max_bytes: int = MAX_BYTES) -> Replay:
    """Send every undelivered journal line in ``directory`` through ``send(events)``.

    ``send`` stores one batch or raises; offsets advance only after it returns. It may
    return the ``(event, reason)`` pairs it refused one by one (a seq far past the run's
    next, an event of a run that never started): those are quarantined. If it raises
    ``InvalidEvent`` the batch is split until the bad event is found; that one is
    quarantined, the others are stored. Any other exception propagates (the store is
    unreachable: the lines wait for the next replay).
    """
    directory = Path(directory)
    book = book if book is not None else SidecarBook()
    result = Replay()
    batch: list[tuple[dict, Path, bytes]] = []
    marks: dict[Path, int] = {}
    finished: list[Path] = []
    size = 0

    def flush() -> None:
        nonlocal batch, marks, finished, size
        if batch:
            _send_isolating(batch, send, result)
        for p, off in marks.items():
            book.set(p, off)
        for p in finished:
            finish(p, book)
        batch, marks, finished, size = [], {}, [], 0

    for name in list_segments(directory):
        path = directory / name
        start = book.get(path)
        try:
            chunk = read_lines(path, start)
        except OSError:
            continue
        for line in chunk.lines:
            try:
                batch.append((codec.decode(line.raw), path, line.raw))
            except InvalidEvent as exc:
                quarantine(path, line.raw, exc.message)
                result.rejected += 1
            marks[path] = line.end
            size += len(line.raw)
            if len(batch) >= max_events or size >= max_bytes:
                flush()
        if chunk.end > start:
            marks[path] = chunk.end
        if chunk.closed:
            finished.append(path)
        else:
            result.open_segments[name] = path
    flush()
    if result.rejected:
        warn_once("rejected", f"{result.rejected} journal line(s) in {directory} could not be "
                              f"stored; they are kept with the reason in "
                              f"{directory / REJECTED}")
    return result


def _send_isolating(batch: list[tuple[dict, Path, bytes]], send, result: Replay) -> None:
    try:
        refused = send([ev for ev, _, _ in batch]) or ()
        where = {id(ev): (path, raw) for ev, path, raw in batch} if refused else {}
        for ev, reason in refused:  # events the store judged bad one by one
            path, raw = where[id(ev)]
            quarantine(path, raw, reason)
            result.rejected += 1
        result.sent += len(batch) - len(refused)
    except InvalidEvent as exc:
        if exc.details.get("expected_seq") is not None:
            raise  # a sequence gap, not a bad event: the caller's business
        if len(batch) == 1:
            ev, path, raw = batch[0]
            quarantine(path, raw, exc.message)
            result.rejected += 1
            return
        half = len(batch) // 2
        _send_isolating(batch[:half], send, result)
        _send_isolating(batch[half:], send, result)


class RunLine(NamedTuple):
    """A valid journal event of a run, where its line is, and whether replay is past it."""

    event: dict
    path: Path  # the segment as replay names it (beside rejected/), done/ ones too
    raw: bytes
    passed: bool  # in done/ or before the segment's delivered offset: replay won't reread it


def lines_of_run(directory: Path, run: str, from_seq: int,
                 book: OffsetBook | None = None) -> list[RunLine]:
    """Every valid event of ``run`` with ``seq >= from_seq`` in its open and done segments,
    with where each line is (to resend what a store reports missing)."""
    directory = Path(directory)
    book = book if book is not None else SidecarBook()
    out: list[RunLine] = []
    for folder in (directory / DONE, directory):
        for name in list_segments(folder):
            if run_of(name) != run:
                continue
            done = folder != directory
            offset = 0 if done else book.get(folder / name)
            try:
                chunk = read_lines(folder / name, 0)
            except OSError:
                continue
            for line in chunk.lines:
                try:
                    ev = codec.decode(line.raw)
                except InvalidEvent:
                    continue
                if ev["seq"] >= from_seq:  # forged events of other runs too: judged
                    out.append(RunLine(ev, directory / name, line.raw,
                                       done or line.end <= offset))
    return out
