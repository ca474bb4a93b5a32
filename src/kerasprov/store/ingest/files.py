"""``file`` events (a file used or generated) and ``agent`` events (the processes of a
distributed run): rows gathered per batch, inserted in bulk."""

from __future__ import annotations

from typing import Any, NamedTuple

from .batch import Batch, at_end, integer, on, text


class FileRow(NamedTuple):
    """A ``file`` row, in table order."""

    run_id: str
    task_id: str | None
    path: str | None
    role: str | None
    size: int | None
    sha256: str | None
    epoch: int | None
    time: Any
    kind: str | None
    hash_method: str | None  # how it was hashed, or why it has no sha256 (capture/files.py)


FILE_TYPES = ["text", "text", "text", "text", "integer", "text", "integer", "timestamp", "text",
              "text"]
AGENT_COLS = ["run_id", "agent_id", "role", "job", "rank", "world_size", "local_rank", "host",
              "pid", "devices", "distribution", "activity", "source", "time"]
AGENT_TYPES = ["text"] * 4 + ["integer"] * 3 + ["text", "integer"] + ["text"] * 4 + [
    "timestamp"]


@on("file")
def file_event(b: Batch, ev: dict, ts) -> None:
    b.gathered["file"].append(FileRow(
        ev["run"], text(ev["task"]), text(ev["path"]), text(ev["role"]),
        integer(ev.get("size")), text(ev.get("sha256")), integer(ev.get("epoch")),
        ev.get("time", ts), text(ev.get("kind")), text(ev.get("hash_method"))))


@on("agent")  # may come from a stream that is not a run (a worker)
def agent_event(b: Batch, ev: dict, ts) -> None:
    b.gathered["agent"].append([
        text(ev["of"]), text(ev["agent"]), text(ev.get("role")), text(ev.get("job")),
        integer(ev.get("rank")), integer(ev.get("world_size")), integer(ev.get("local_rank")),
        text(ev.get("host")), integer(ev.get("pid")), text(ev.get("devices")),
        text(ev.get("distribution")), text(ev.get("activity")), text(ev.get("source")),
        ev.get("time", ts)])


@at_end(50)
def insert_files(b: Batch) -> None:
    if b.gathered.get("file"):
        b.be.insert("file", list(FileRow._fields), FILE_TYPES, b.gathered["file"])
    if b.gathered.get("agent"):
        b.be.insert("agent", AGENT_COLS, AGENT_TYPES, b.gathered["agent"])
