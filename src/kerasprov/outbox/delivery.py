"""How a training process's outbox reaches its store: a ``Route`` of plain callables.

The outbox and capture sit below the store layer and import nothing above them. The
store-kinds table (``store.kinds.route``) builds a Route for a store spec, and the package
wires it in with ``set_resolver`` at import; capture asks ``route(spec)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Route:
    """Where a process writes journals for one store, and how they get there.

    Attributes:
        journal_dir: the folder of this store's journal segments.
        deliver: sends every waiting line to the store (writer thread); None where the
            store's readers ingest the journals themselves (a directory store).
        deliver_every: seconds between deliveries while runs are open (None: at run end).
        beat: tells the store which runs are alive; None where liveness is read from the
            journals (pid, mtime).
        beat_every: seconds between heartbeats.
    """

    journal_dir: Path
    deliver: Callable[[], int] | None = None
    deliver_every: float | None = None
    beat: Callable[[list[str]], int] | None = None
    beat_every: float = 30.0


_resolver: Callable[[str], Route] | None = None


def set_resolver(resolver: Callable[[str], Route]) -> None:
    """Install the function that turns a store spec into a Route (``store.kinds.route``)."""
    global _resolver
    _resolver = resolver


def route(spec: str) -> Route:
    if _resolver is None:
        raise RuntimeError("kerasprov: no store resolver installed (import kerasprov)")
    return _resolver(spec)
