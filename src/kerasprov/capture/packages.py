"""The installed packages, ``{name: version}``, as ``importlib.metadata`` gives them, cheaply.

``importlib.metadata`` parses every distribution's whole metadata file with the ``email``
package, twice (once for ``Name``, once for ``version``): about 0.4 ms a package, 50 ms for
a hundred, paid by the writer thread once per training process. This module finds the same
distributions the same way (every ``sys.path`` entry in order, its ``*.dist-info`` and
``*.egg-info`` children grouped as ``importlib.metadata``'s ``Lookup`` groups them) and
reads ``Name`` and ``Version`` from the header block of each ``METADATA`` (or ``PKG-INFO``)
file itself. Anything it does not read exactly as the ``email`` parser would (a folded
``Name`` or ``Version``, a repeated or missing one, a malformed header line, a non-ASCII
value, an egg, a zip file on ``sys.path``, a meta-path finder other than ``PathFinder``)
is left to ``importlib.metadata`` for that distribution or that entry, so the mapping is
the one ``importlib.metadata`` gives (``tests/test_packages.py`` compares them).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

# The email parser's header line (email.feedparser.headerRE), without the "From " and
# continuation forms, which this module leaves to importlib.metadata.
_HEADER = re.compile(r"[\041-\071\073-\176]+")
_SUFFIXES = (".dist-info", ".egg-info")
_WANTED = ("name", "version")
_MAX_LINES = 64  # Name and Version further down: left to importlib.metadata
_UNREADABLE = (FileNotFoundError, IsADirectoryError, KeyError, NotADirectoryError,
               PermissionError)  # what PathDistribution.read_text treats as "no such file"


def installed() -> dict[str, str | None]:
    """``{lowercased Name: Version}`` of every distribution on ``sys.path``; where one name
    is found twice, the later one wins (as a dict built from
    ``importlib.metadata.distributions()`` keeps it)."""
    from importlib import machinery
    versions: dict[str, str | None] = {}
    others = [f for f in sys.meta_path
              if getattr(f, "find_distributions", None) is not None
              and f is not machinery.PathFinder]
    if others:  # another finder may add distributions: ask importlib.metadata for all
        from importlib import metadata
        _add(versions, _slow(metadata.distributions()))
        return versions
    for entry in list(sys.path):
        _add(versions, _entry(entry))
    return versions


def _add(versions: dict, found) -> None:
    for name, version in found:
        if name:
            versions[name.lower()] = version


def _slow(dists) -> Iterator[tuple[str | None, str | None]]:
    """What kerasprov asked importlib.metadata before (the reference this module follows)."""
    for d in dists:
        name = d.metadata["Name"]
        if name:
            yield name, d.version


def _normalize(name: str) -> str:
    """importlib.metadata's ``Prepared.normalize``."""
    return re.sub(r"[-_.]+", "-", name).lower().replace("-", "_")


def _entry(entry: str) -> Iterator[tuple[str | None, str | None]]:
    from importlib import metadata
    if not isinstance(entry, str) or os.path.basename(entry).lower().endswith(".egg"):
        yield from _slow(metadata.distributions(path=[entry]))
        return
    try:
        children = os.listdir(entry or ".")
    except Exception:  # a zip file (or nothing at all): importlib.metadata looks inside
        yield from _slow(metadata.distributions(path=[entry]))
        return
    groups: dict[str, list[str]] = {}
    for child in children:
        low = child.lower()
        if low.endswith(_SUFFIXES):
            groups.setdefault(_normalize(low.rpartition(".")[0].partition("-")[0]),
                              []).append(child)
    for names in groups.values():
        for child in names:
            yield _distribution(os.path.join(entry, child))


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except _UNREADABLE:
        return None


def _distribution(path: str) -> tuple[str | None, str | None]:
    text = _read(os.path.join(path, "METADATA")) or _read(os.path.join(path, "PKG-INFO"))
    found = _name_version(text) if text else None
    if found is not None:
        return found
    from importlib import metadata
    d = metadata.PathDistribution(Path(path))
    name = d.metadata["Name"]
    return (name, d.version) if name else (None, None)


def _name_version(text: str) -> tuple[str, str] | None:
    """The first ``Name`` and ``Version`` headers of a metadata file (what
    ``email.message_from_string(text)["Name"]`` gives), or None where the ``email``
    parser's reading could differ from this simple one (they are usually lines 2 and 3)."""
    found: dict[str, str] = {}
    last = None
    for line in text.split("\n", _MAX_LINES)[:_MAX_LINES]:
        if line[:1] in (" ", "\t"):  # a folded header line
            if last is None or last in _WANTED:
                return None  # folded Name or Version: the email parser unfolds it
            continue
        if len(found) == 2:
            break  # both found, and neither is folded
        if not line:
            return None  # the headers end without one of them
        key, colon, value = line.partition(":")
        if not colon or not _HEADER.fullmatch(key):
            return None  # the email parser ends the headers here, with a defect
        last = key.lower()
        if last in _WANTED and last not in found:
            found[last] = value.lstrip(" \t")
    else:
        return None
    name, version = found["name"], found["version"]
    return (name, version) if (name + version).isascii() else None
