"""Content hashes of files and directories: what capture records and what lineage looks a
file up by (one definition, so the same bytes always give the same sha256).

Only regular files are read. Anything else (a FIFO, a character or block device, a socket,
a symlink to one of those) is never opened: opening a FIFO blocks until a writer comes, and
``/dev/zero`` never ends. Every hash is bounded too (``deadline``, ``max_bytes``): a file on
a stalled network mount, or one that grows while it is read, gives up with a reason instead
of holding the thread that hashes it.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from pathlib import Path

CHUNK = 1 << 20  # hashlib releases the GIL on buffers this large: the training thread runs on

_KINDS = ((stat.S_ISFIFO, "fifo"), (stat.S_ISCHR, "character device"),
          (stat.S_ISBLK, "block device"), (stat.S_ISSOCK, "socket"),
          (stat.S_ISDIR, "directory"))


class NotHashed(OSError):
    """A path whose content is not hashed; ``reason`` says why in a few words (it is what
    the ``file`` row's ``hash_method`` holds)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def file_kind(mode: int) -> str:
    """``"regular"`` or what else a stat mode says the path is (``"fifo"``...)."""
    if stat.S_ISREG(mode):
        return "regular"
    for test, name in _KINDS:
        if test(mode):
            return name
    return "special file"


def _open_regular(path: str | os.PathLike) -> int:
    """A descriptor of ``path`` if it is a regular file; NotHashed (never a blocking open)
    for anything else. The stat before the open keeps devices with side effects on open
    (a tape rewinds) unopened; O_NONBLOCK and the fstat after it cover a path swapped for a
    FIFO in between."""
    kind = file_kind(os.stat(path).st_mode)
    if kind != "regular":
        raise NotHashed(f"not a regular file: {kind}")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
    kind = file_kind(os.fstat(fd).st_mode)
    if kind != "regular":
        os.close(fd)
        raise NotHashed(f"not a regular file: {kind}")
    return fd


def _check(size: int, deadline: float | None, max_bytes: int | None) -> None:
    if max_bytes is not None and size > max_bytes:
        raise NotHashed(f"over the hash size limit ({max_bytes} bytes)")
    if deadline is not None and time.monotonic() > deadline:
        raise NotHashed("hashing took longer than the hash time limit")


def file_sha256(path: str | os.PathLike, deadline: float | None = None,
                max_bytes: int | None = None) -> tuple[int, str]:
    """Size and sha256 of a regular file, read in 1 MiB chunks into one reused buffer.

    Reading (unbuffered ``readinto``) and hashing (``hashlib`` for buffers over 2 KiB)
    both release the GIL, so hashing a large checkpoint on the writer thread does not hold
    up the training thread. Raises NotHashed (an OSError) for a path that is not a regular
    file, once ``time.monotonic()`` passes ``deadline``, or past ``max_bytes``.
    """
    h = hashlib.sha256()
    size = 0
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    with open(_open_regular(path), "rb", buffering=0) as fh:
        while True:
            n = fh.readinto(buf)
            if not n:
                break
            size += n
            _check(size, deadline, max_bytes)
            h.update(view[:n])
    return size, h.hexdigest()


def dir_sha256(path: str | os.PathLike, deadline: float | None = None,
               max_bytes: int | None = None) -> tuple[int, str]:
    """Size and hash of the regular files below ``path`` (see capture/files.py); the
    bounds hold for the whole tree. Symlinked directories are not followed (no loops)."""
    root = Path(path)
    entries = []
    for dirpath, _dirs, names in os.walk(root):
        _check(0, deadline, None)
        for name in names:
            full = Path(dirpath) / name
            try:
                if not stat.S_ISREG(full.stat().st_mode):
                    continue  # FIFOs, devices, sockets, broken links...
            except OSError:
                continue
            entries.append((full.relative_to(root).as_posix(), full))
    h = hashlib.sha256()
    total = 0
    for rel, full in sorted(entries):
        try:
            size, digest = file_sha256(full, deadline, max_bytes)
        except NotHashed as exc:
            if exc.reason.startswith("not a regular file"):
                continue  # swapped for a FIFO since the walk: as if it were never there
            raise
        total += size
        _check(total, deadline, max_bytes)
        h.update(f"{rel}\0{digest}\n".encode("utf-8", "surrogateescape"))
    return total, h.hexdigest()
