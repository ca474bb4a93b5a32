"""``HttpStore``: the Store API of a ``kerasprov serve``, over HTTP.

Every method of ``protocol.METHODS`` is the local ``Store`` method of the same name and
signature, called on the server through ``POST /api/store/<method>`` and rebuilt from the
shared wire encoding, so a script, the CLI and the UI get the same answers from an
``http://`` store as from a directory or a database.
"""

from __future__ import annotations

import functools
import inspect

from .. import config
from ..errors import KerasProvError
from ..outbox.writer import flush_all
from ..store import http, kinds
from . import wire
from .api import Store
from .protocol import METHODS


class HttpStore:
    """A ``kerasprov serve`` store (the token comes from ``configure`` / ``KERASPROV_TOKEN``)."""

    def __init__(self, url: str, timeout: float = 60.0):
        self.url = url.rstrip("/")
        self.spec = self.url
        self.timeout = timeout

    def __repr__(self):
        return f"<kerasprov.HttpStore {config.shown(self.url)}>"

    @property
    def kind(self) -> kinds.Kind:
        return kinds.kind_of(self.spec)

    def _request(self, method: str, path: str, **kwargs) -> dict:
        self._deliver_own()
        with http.client(self.url, self.timeout) as client:
            resp = http.transport(lambda: client.request(method, path, **kwargs), self.url)
        return http.raise_for(resp, self.url)

    def _deliver_own(self) -> None:
        """Read your own writes: this process's events for this server go first."""
        if config.store_spec() != self.url:
            return
        flush_all(5.0)
        try:
            kinds.deliver(self.url)
        except KerasProvError:
            pass  # the query still answers with what the server has

    def health(self) -> dict:
        return self._request("GET", "/api/health")

    def call(self, name: str, *args, **kwargs):
        """Call the store method ``name`` on the server; its answer, rebuilt."""
        body = self._request("POST", f"/api/store/{name}",
                             json={"args": list(args), "kwargs": kwargs})
        return wire.decode(body["answer"])


def _plain(value):
    """An argument as JSON: tuples, sets and other iterables travel as lists."""
    if isinstance(value, (str, bytes, dict, list)) or not hasattr(value, "__iter__"):
        return value
    return list(value)


def _remote(name: str):
    local = getattr(Store, name)
    signature = inspect.signature(local)

    @functools.wraps(local)
    def method(self, *args, **kwargs):
        bound = signature.bind(self, *args, **kwargs)
        bound.apply_defaults()
        return self.call(name, *[_plain(v) for v in bound.args[1:]],
                         **{k: _plain(v) for k, v in bound.kwargs.items()})

    return method


for _name in METHODS:
    setattr(HttpStore, _name, _remote(_name))
