"""Store kinds: the one table from a store spec to what the rest of kerasprov needs of it.

A store spec is a directory (the embedded DuckDB store) or a URL whose scheme names the
kind. Every question "which kind of store is this?" is asked here, nowhere else: how to
open it, how a training process delivers its journal to it, whether it takes heartbeats,
whether one unit of work at a time is allowed. Drivers (duckdb, psycopg, pymonetdb, httpx)
are imported only when a kind is used, so ``import kerasprov`` stays light.

Capture and the outbox sit below this module: they receive a ``Route`` (plain callables)
through ``outbox.delivery.set_resolver``, which ``kerasprov/__init__.py`` wires to
``route`` here.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .. import config
from ..errors import BadRequest
from ..outbox.delivery import Route
from .places import journal_dir


@dataclass(frozen=True)
class Kind:
    """What kerasprov knows of one kind of store.

    Attributes:
        name: ``embedded``, ``postgres``, ``monetdb`` or ``http``.
        label: for people (``DuckDB``, ``PostgreSQL`` ...).
        schemes: URL schemes that name it (none for a directory).
        sql: kerasprov opens the database itself (else it talks to a server's HTTP API).
        single_writer: units of work on one store take turns within a process.
        open: ``open(spec, lock_timeout, create)`` -> the backend store (``unit()`` yields
            a Backend; ``create`` False: a reader, which gets ``NoStore`` where there is no
            store yet); None where ``sql`` is False.
        deliver: ``deliver(spec, journal_dir, wait)`` -> events stored (``kerasprov sync``).
        trainer_delivers: a training process delivers its journal itself; else the store's
            readers ingest the journals (the embedded store: they sit in its directory).
        heartbeat: ``heartbeat(spec, run_ids)`` -> runs known; None where liveness is read
            from the journals themselves (pid and mtime).
    """

    name: str
    label: str
    schemes: tuple[str, ...]
    sql: bool
    single_writer: bool
    open: Callable[[str, float, bool], object] | None
    deliver: Callable[[str, Path, float], int]
    trainer_delivers: bool
    heartbeat: Callable[[str, list[str]], int] | None


# -- the kinds, each importing its driver only when used ---------------------------------------
def _open_embedded(spec, lock_timeout, create=True):
    from .embedded import EmbeddedStore
    return EmbeddedStore(spec, lock_timeout=lock_timeout, create=create)


def _deliver_embedded(spec, directory, wait):
    from .embedded import deliver_journals
    return deliver_journals(spec, directory, wait=wait)


def _open_postgres(spec, lock_timeout, create=True):
    from .postgres import PostgresStore
    return PostgresStore(spec, create=create)


def _deliver_postgres(spec, directory, wait):
    from .postgres import deliver_journals
    return deliver_journals(spec, directory)


def _beat_postgres(spec, runs):
    from .postgres import heartbeat
    return heartbeat(spec, runs)


def _open_monetdb(spec, lock_timeout, create=True):
    from .monetdb import MonetDBStore
    return MonetDBStore(spec, create=create)


def _deliver_monetdb(spec, directory, wait):
    from .monetdb import deliver_journals
    return deliver_journals(spec, directory)


def _beat_monetdb(spec, runs):
    from .monetdb import heartbeat
    return heartbeat(spec, runs)


def _deliver_http(spec, directory, wait):
    from .http import deliver
    return deliver(spec, directory)


def _beat_http(spec, runs):
    from .http import heartbeat
    return heartbeat(spec, runs)


EMBEDDED = Kind("embedded", "DuckDB", (), sql=True, single_writer=True, open=_open_embedded,
                deliver=_deliver_embedded, trainer_delivers=False, heartbeat=None)
KINDS = (
    EMBEDDED,
    Kind("postgres", "PostgreSQL", ("postgresql", "postgres"), sql=True, single_writer=False,
         open=_open_postgres, deliver=_deliver_postgres, trainer_delivers=True,
         heartbeat=_beat_postgres),
    # One unit at a time suits MonetDB's optimistic concurrency (concurrent writers abort).
    Kind("monetdb", "MonetDB", ("monetdb",), sql=True, single_writer=True,
         open=_open_monetdb, deliver=_deliver_monetdb, trainer_delivers=True,
         heartbeat=_beat_monetdb),
    Kind("http", "kerasprov server", ("http", "https"), sql=False, single_writer=False,
         open=None, deliver=_deliver_http, trainer_delivers=True, heartbeat=_beat_http),
)
_BY_SCHEME = {scheme: kind for kind in KINDS for scheme in kind.schemes}


def kind_of(spec: str | os.PathLike | None = None) -> Kind:
    """The kind of the store ``spec`` (default: the configured store).

    Raises:
        BadRequest: a URL whose scheme names no kind of store.
    """
    spec = config.store_spec(spec)
    if not config.is_remote(spec):
        return EMBEDDED
    scheme = urlsplit(spec).scheme.lower()
    kind = _BY_SCHEME.get(scheme)
    if kind is None:
        known = ", ".join(f"{s}://" for s in _BY_SCHEME)
        raise BadRequest(f"unknown kind of store {config.shown(spec)!r}: a store is a "
                         f"directory or a URL starting with {known}")
    return kind


def deliver(spec: str | os.PathLike | None = None, wait: float = 60.0) -> int:
    """Deliver (or, for a directory store, ingest) every waiting journal line; events stored."""
    spec = config.store_spec(spec)
    return kind_of(spec).deliver(spec, journal_dir(spec), wait)


def route(spec: str) -> Route:
    """How a training process's outbox reaches ``spec`` (see ``outbox.delivery``)."""
    from .lease import beat_every
    kind = kind_of(spec)
    directory = journal_dir(spec)
    send = (lambda: kind.deliver(spec, directory, 0.0)) if kind.trainer_delivers else None
    beat = (lambda runs: kind.heartbeat(spec, runs)) if kind.heartbeat else None
    return Route(journal_dir=directory, deliver=send,
                 deliver_every=2.0 if kind.trainer_delivers else None,
                 beat=beat, beat_every=beat_every())
