"""Journal files: append-only JSON lines, one file per run segment.

A run's events go to ``<run_id>.<segment>.jsonl``. A writer opens a new segment when it
reopens a run (an ``evaluate`` long after ``fit``), and closes a segment with the marker line
``#end``. A segment without ``#end`` belongs to a live process or to one that was killed;
a kill can tear the last line, so readers stop at the last complete line.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

END_MARK = "#end"
SUFFIX = ".jsonl"


def segment_name(run_id: str, segment: int) -> str:
    return f"{run_id}.{segment:05d}{SUFFIX}"


def run_of(name: str) -> str:
    return name.rsplit(".", 2)[0]


def list_segments(directory: Path) -> list[str]:
    try:
        names = os.listdir(directory)
    except FileNotFoundError:
        return []
    return sorted(n for n in names if n.endswith(SUFFIX))


_SURROGATE = re.compile("[\ud800-\udfff]")


def utf8(line: str) -> str:
    """A lone surrogate (from surrogateescape) is written as the text ``\\udcff``."""
    if line.isascii():
        return line
    return _SURROGATE.sub(lambda m: f"\\\\u{ord(m.group()):04x}", line)


def sync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot fsync a directory: the file's own fsync still holds
    finally:
        os.close(fd)
