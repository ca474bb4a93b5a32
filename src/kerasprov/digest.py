"""Content hashes of files and directories: what capture records and what lineage looks a
file up by (one definition, so the same bytes always give the same sha256)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

CHUNK = 1 << 20  # hashlib releases the GIL on buffers this large: the training thread runs on


def file_sha256(path: str | os.PathLike) -> tuple[int, str]:
    """Size and sha256 of a file, read in 1 MiB chunks into one reused buffer.

    Reading (unbuffered ``readinto``) and hashing (``hashlib`` for buffers over 2 KiB)
    both release the GIL, so hashing a large checkpoint on the writer thread does not hold
    up the training thread.
    """
    h = hashlib.sha256()
    size = 0
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    with open(path, "rb", buffering=0) as fh:
        while True:
            n = fh.readinto(buf)
            if not n:
                break
            size += n
            h.update(view[:n])
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
