"""Delivery of journal lines to a store, by the kind of store: one dispatch for the
trainer's writer thread and for ``kerasprov sync``."""

from __future__ import annotations

from pathlib import Path


def deliver(spec: str, directory: Path, wait: float = 0.0) -> int:
    """Send every journal line in ``directory`` not yet stored to ``spec``; events sent.

    Args:
        spec: the store (directory, http(s)://, postgresql:// or monetdb:// URL).
        directory: the outbox holding the journals.
        wait: seconds to wait for an embedded store that another process holds
            (0: give up at once and leave the lines for the next reader).
    """
    if spec.startswith(("http://", "https://")):
        from ..server.client import deliver_outbox
        return deliver_outbox(spec, directory)
    if spec.startswith(("postgresql://", "postgres://")):
        from ..store.postgres import deliver_journals
        return deliver_journals(spec, directory)
    if spec.startswith("monetdb://"):
        from ..store.monetdb import deliver_journals as deliver_monetdb
        return deliver_monetdb(spec, directory)
    from ..store.embedded import deliver_journals as deliver_embedded
    return deliver_embedded(spec, directory, wait=wait)
