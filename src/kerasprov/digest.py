"""Content hashes of files and directories: what capture records and what lineage looks a
file up by (one definition, so the same bytes always give the same sha256)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

CHUNK = 1 << 20  # hashlib releases the GIL on buffers this large: the training thread runs on


def file_sha256(path: str | os.PathLike) -> tuple[int, str]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while True:
            block = fh.read(CHUNK)
            if not block:
                break
            size += len(block)
            h.update(block)
    return size, h.hexdigest()


def dir_sha256(path: str | os.PathLike) -> tuple[int, str]:
    root = Path(path)
    entries = []
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            full = Path(dirpath) / name
            if not full.is_file():
                continue  # sockets, broken links...
            entries.append((full.relative_to(root).as_posix(), full))
    h = hashlib.sha256()
    total = 0
    for rel, full in sorted(entries):
        size, digest = file_sha256(full)
        total += size
        h.update(f"{rel}\0{digest}\n".encode("utf-8", "surrogateescape"))
    return total, h.hexdigest()
