"""The Python API over a store: ``kerasprov.open_store()`` and the ``Store`` it returns.

Every read method is declared once, on ``Store`` in surface.py (see declare.py); the
``HttpStore`` of a ``kerasprov serve`` (remote.py) is derived from those declarations.
"""

from __future__ import annotations

from .. import config
from ..errors import StoreBusy
from ..outbox.writer import flush_all
from ..store import kinds
from ..store.schema import quote
from .protocol import StoreAPI
from .reads import RUN_SECTIONS, check_run, run_sandboxed, run_sections
from .remote import HttpStore
from .surface import Store


def open_store(spec: str | None = None, lock_timeout: float = 60.0,
               create: bool = False) -> StoreAPI:
    """Open the store at ``spec`` (default: ``KERASPROV_STORE``, then ``./kerasprov``).

    Reading never creates a store: where none is (a mistyped path, the wrong folder, a
    database without kerasprov's tables) it raises ``NoStore``. Capture creates stores.

    Args:
        spec: a store directory, a ``postgresql://`` or ``monetdb://`` URL (MonetDB needs
            ``pip install "kerasprov[monetdb]"``) or a ``http(s)://`` server URL.
        lock_timeout: seconds to wait for the embedded DuckDB file while another process
            holds it.
        create: make the store where there is none (a server that receives events).

    Returns:
        An object with the ``StoreAPI`` methods: ``Store`` for a database kerasprov opens
        itself, ``HttpStore`` for a ``kerasprov serve``; both give the same answers.
    """
    spec = config.store_spec(spec)
    kind = kinds.kind_of(spec)
    if not kind.sql:
        return HttpStore(spec)
    if not create:
        flush_all(5.0)  # this process's own captured runs first: their journals make a store
    return Store(kind.open(spec, lock_timeout, create), spec)


__all__ = ["open_store", "Store", "StoreBusy", "quote", "HttpStore", "RUN_SECTIONS",
           "check_run", "run_sandboxed", "run_sections"]
