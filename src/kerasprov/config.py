"""Where provenance goes: the store spec and the local outbox (journal) directory.

Resolution order for the store: ``kerasprov.configure(store=...)``, then the environment
variable ``KERASPROV_STORE``, then ``./kerasprov`` in the working directory. A store is a
directory (embedded DuckDB + journals), an ``http(s)://`` URL (a ``kerasprov serve``), a
``postgresql://`` or a ``monetdb://`` URL.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

DEFAULT_STORE = "kerasprov"
_settings: dict[str, object] = {"store": None, "token": None, "outbox": None, "attest": None}


def configure(store: str | os.PathLike | None = None, *, token: str | None = None,
              outbox: str | os.PathLike | None = None, attest: bool | None = None) -> None:
    """Set where this process sends provenance.

    Args:
        store: a directory, an ``http(s)://`` server URL, a ``postgresql://`` or a
            ``monetdb://`` URL.
        token: bearer token for a server that requires one (else ``KERASPROV_TOKEN``).
        outbox: where journals wait for delivery to a remote store
            (else ``KERASPROV_OUTBOX``, else ``~/.kerasprov/outbox``).
        attest: sign each run's provenance at its end (else ``KERASPROV_ATTEST=1``).
    """
    if store is not None:
        _settings["store"] = os.fspath(store)
    if token is not None:
        _settings["token"] = token
    if outbox is not None:
        _settings["outbox"] = os.fspath(outbox)
    if attest is not None:
        _settings["attest"] = bool(attest)


def attesting() -> bool:
    """Whether runs are signed at their end: ``configure(attest=)``, else
    ``KERASPROV_ATTEST`` (``1``, ``true``, ``yes``)."""
    if _settings["attest"] is not None:
        return bool(_settings["attest"])
    return os.environ.get("KERASPROV_ATTEST", "").strip().lower() in ("1", "true", "yes", "on")


_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_PASSWORD = re.compile(r"(://[^:/@]+):[^@]*@")


def is_remote(spec: str) -> bool:
    """A URL names a remote store, anything else a local directory. Which kind of store a URL
    names (and whether kerasprov knows it) is ``kerasprov.store.kinds``' business."""
    return bool(_URL.match(str(spec)))


def shown(spec: str | os.PathLike) -> str:
    """A store spec for messages and logs: a URL without its password."""
    return _PASSWORD.sub(r"\1:***@", os.fspath(spec))


def store_spec(spec: str | os.PathLike | None = None) -> str:
    """The store this process uses, as an absolute directory path or a URL."""
    value = spec if spec is not None else (_settings["store"] or os.environ.get("KERASPROV_STORE")
                                          or DEFAULT_STORE)
    value = os.fspath(value)
    if is_remote(value):
        return value.rstrip("/")
    return str(Path(value).expanduser().resolve())


def token() -> str | None:
    return _settings["token"] or os.environ.get("KERASPROV_TOKEN") or None


def outbox_base() -> Path:
    """Where journals for remote stores wait: ``configure(outbox=)``, ``KERASPROV_OUTBOX``,
    else ``~/.kerasprov/outbox`` (one folder per store inside, see ``store.kinds``)."""
    base = _settings["outbox"] or os.environ.get("KERASPROV_OUTBOX") or "~/.kerasprov/outbox"
    return Path(os.fspath(base)).expanduser().resolve()


#: The longest a read may run (and so hold the store's unit lock that ingest needs), seconds.
DEFAULT_MAX_QUERY_SECONDS = 300.0


def max_query_seconds() -> float:
    """The largest ``timeout`` a read accepts: ``KERASPROV_MAX_QUERY_SECONDS`` (a server's
    operator sets it), else 300. A value that is not a positive finite number is ignored."""
    try:
        value = float(os.environ.get("KERASPROV_MAX_QUERY_SECONDS") or DEFAULT_MAX_QUERY_SECONDS)
    except ValueError:
        return DEFAULT_MAX_QUERY_SECONDS
    return value if 0 < value < float("inf") else DEFAULT_MAX_QUERY_SECONDS
