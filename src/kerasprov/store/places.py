"""Where the journals of runs bound for a store wait: a leaf that every kind of store may
import (``kinds`` sits above the kinds' modules and imports them; they never import it)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .. import config


def journal_dir(spec: str | os.PathLike | None = None) -> Path:
    """Where the journals of runs that go to ``spec`` are written.

    A directory store keeps them inside (its readers ingest them); for a remote store they
    wait in the local outbox (``configure(outbox=)``, ``KERASPROV_OUTBOX``, else
    ``~/.kerasprov/outbox``), one folder per store.
    """
    spec = config.store_spec(spec)
    if not config.is_remote(spec):
        return Path(spec) / "journals"
    digest = hashlib.sha256(spec.encode()).hexdigest()[:12]
    return config.outbox_base() / digest
