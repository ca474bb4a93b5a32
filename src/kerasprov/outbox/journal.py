"""Journal files: append-only JSON lines, one file per run segment.

A run's events go to ``<run_id>.<segment>.jsonl``. A writer opens a new segment when it
reopens a run (an ``evaluate`` long after ``fit``), and closes a segment with the marker line
``#end``. A segment without ``#end`` belongs to a live process or to one that was killed;
a kill can tear the last line, so readers stop at the last complete line.
"""

from __future__ import annotations

import os
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
