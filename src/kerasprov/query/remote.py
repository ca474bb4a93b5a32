"""``HttpStore``: the Store API of a ``kerasprov serve``, over HTTP.

Its read methods are derived from the declarations on ``Store`` (surface.py): the same name,
signature, docs and argument checks, called on the server through
``POST /api/store/<method>`` and rebuilt from the shared wire encoding, so a script, the CLI
and the UI get the same answers from an ``http://`` store as from a directory or a database.
Everything the server answers is untrusted: a malformed answer is one ``MalformedAnswer``.
"""

from __future__ import annotations

import functools

from .. import config
from ..errors import KerasProvError, MalformedAnswer
from ..outbox.writer import flush_all
from ..store import http, kinds
from . import wire
from .declare import READS, ReadMethod
from .surface import Store


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
        """Call the declared read method ``name`` on the server; its answer, rebuilt."""
        spec = READS.get(name)
        if spec is None:
            raise KerasProvError(f"no read method {name!r}; known: {', '.join(READS)}")
        bound = spec.bind(args, kwargs)  # the server checks again; this says it sooner
        body = self._request("POST", f"/api/store/{name}", json={
            "args": [_plain(v) for v in bound.args[1:]],
            "kwargs": {k: _plain(v) for k, v in bound.kwargs.items()}})
        if "answer" not in body or not isinstance(body["answer"], dict):
            raise MalformedAnswer(f"the server at {config.shown(self.url)} answered {name} "
                                  "without an answer")
        return wire.decode(body["answer"], source=config.shown(self.url))


def _plain(value):
    """An argument as JSON: tuples, sets and other iterables travel as lists."""
    if isinstance(value, (str, bytes, dict, list)) or not hasattr(value, "__iter__"):
        return value
    return list(value)


def _remote(spec: ReadMethod):
    @functools.wraps(spec.fn)
    def method(self, *args, **kwargs):
        return self.call(spec.name, *args, **kwargs)

    return method


for _name, _spec in READS.items():
    setattr(HttpStore, _name, _remote(_spec))

__all__ = ["HttpStore", "Store"]
