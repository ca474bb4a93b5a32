"""One root error; subclasses carry what the user needs, including an HTTP status."""

from __future__ import annotations

import threading
import warnings


class KerasProvError(Exception):
    """Root of every error kerasprov raises on purpose."""

    status = 500

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.message = message
        self.details = details


class BadRequest(KerasProvError):
    status = 400


class InvalidArgument(BadRequest):
    """An argument of a read method has the wrong type or is out of its bounds (checked
    against the method's declaration before any SQL runs); names the argument and bound."""

    status = 422


class Unauthorized(KerasProvError):
    status = 401


class NotFound(KerasProvError):
    status = 404


class PayloadTooLarge(KerasProvError):
    status = 413


class InvalidEvent(KerasProvError):
    """An event (from a journal or an HTTP batch) is malformed or of an unknown type."""

    status = 422


class SQLRefused(KerasProvError):
    """User SQL tried to write, to reach files or the network, or is not one SELECT."""

    status = 400


class QueryError(KerasProvError):
    """User SQL is a valid read but failed (syntax error, unknown column, timeout...)."""

    status = 400


class SQLSyntaxError(SQLRefused, QueryError):
    """User SQL does not parse: ``syntax error near "x" (line 1, column 8)``. A refusal
    (nothing ran) and a query error (the text is wrong) at once."""


class PathQueryError(KerasProvError):
    """Unknown data set/attribute, or no path between the chosen data sets."""

    status = 400


class StoreBusy(KerasProvError):
    """The embedded store stayed locked by another process longer than the timeout."""

    status = 503


class StoreUnavailable(KerasProvError):
    status = 503


class MalformedAnswer(StoreUnavailable):
    """A kerasprov server answered something that is not a well-formed store answer."""

    status = 502


class BadStore(StoreUnavailable):
    """The store cannot be used as it is: its path is a file or unreadable, it is no
    kerasprov store, or a newer kerasprov wrote it. The CLI exits with status 2."""

    status = 503
    exit_code = 2


class NoStore(BadStore):
    """A reader was pointed at a store that does not exist. Readers never create a store
    (only capture does), so a mistyped ``--store`` is said instead of answered with an
    empty one."""

    status = 404

    def __init__(self, where: str, why: str = ""):
        super().__init__(f"no kerasprov store at {where}{f' ({why})' if why else ''}; "
                         "give --store or set KERASPROV_STORE", store=where)


class ProvenanceWarning(UserWarning):
    """Capture, storage or delivery had a problem; training goes on."""


_warned: set[str] = set()
_warn_lock = threading.Lock()


def warn_once(kind: str, message: str) -> None:
    with _warn_lock:
        if kind in _warned:
            return
        _warned.add(kind)
    warnings.warn(f"kerasprov: {message}", ProvenanceWarning, stacklevel=2)
