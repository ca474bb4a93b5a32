"""Issue #19: one read surface, declared once, typed and bounded once, the same on every entry.

The same captured events go into an embedded DuckDB store, a real PostgreSQL database and a
live ``kerasprov serve``. For every declared read method (``READS``; a new one is covered
without editing this file) the good call answers the same on the three, and every wrong
argument built from the method's annotations (a wrong type, each bound crossed by one) is
refused the same way: ``InvalidArgument`` (HTTP 422) naming the argument and the bound, on
the local Store, through ``HttpStore``, and on ``POST /api/store/<method>`` itself.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
import time
import typing
from pathlib import Path

import annotated_types as at
import httpx
import pandas as pd
import pytest
from analysis_util import build
from pg_util import free_port, new_database, pg_admin_url  # noqa: F401  (fixtures)
from test_server import AUTH, TOKEN, Server
from test_store_kinds import _diff, _norm, _prov

import kerasprov
from kerasprov.errors import InvalidArgument, KerasProvError
from kerasprov.query.declare import READS
from kerasprov.store import http
from kerasprov.store.postgres import deliver_journals

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib.*")


# -- the stores ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def built():
    return build()


@pytest.fixture(scope="module")
def stores(built, pg_admin_url, tmp_path_factory):  # noqa: F811
    """``{kind: spec}``: the same journals in DuckDB, PostgreSQL and a live server."""
    kerasprov.open_store(str(built["store"])).runs()  # ingested: segments are in done/
    tmp = tmp_path_factory.mktemp("surface")
    src = Path(built["store"]) / "journals"

    def journals(dest: Path) -> Path:
        dest.mkdir()
        for folder in (src, src / "done"):
            for seg in folder.glob("*.jsonl"):
                shutil.copy(seg, dest / seg.name)
        return dest

    pg = new_database(pg_admin_url)
    assert deliver_journals(pg, journals(tmp / "pg")) > 0
    srv = Server(str(tmp / "served"), tmp, max_body=8_000_000).start()
    os.environ["KERASPROV_TOKEN"] = TOKEN
    try:
        assert http.deliver(srv.url, journals(tmp / "http")) > 0
        yield {"embedded": str(built["store"]), "postgres": pg, "http": srv.url}
    finally:
        os.environ.pop("KERASPROV_TOKEN", None)
        srv.kill()


# -- good values, from what each parameter is (its bound type's title) and its name -------------
def _field(hint):
    """``(base type, [FieldInfo and other metadata])`` of an annotation (Optional unwrapped)."""
    if typing.get_origin(hint) is typing.Union:
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(inner) > 1:
            return hint, []
        hint = inner[0]
    if typing.get_origin(hint) is typing.Annotated:
        base, *meta = typing.get_args(hint)
        return base, meta
    return hint, []


def _title(hint) -> str | None:
    return next((m.title for m in _field(hint)[1] if getattr(m, "title", None)), None)


_BY_NAME = {"dataflow": "alexnet", "tag": "alexnet", "source": "itrainingmodel",
            "target": "otestingmodel", "transformation": "Filter", "metric": "accuracy",
            "query": "SELECT run_id, epoch, loss FROM epochs ORDER BY run_id, epoch"}


def _good(name: str, hint, runs: dict):
    title = _title(hint)
    if title in ("run id", "entity"):
        return runs["gray"]
    if title == "run ids":
        return [runs["gray"], runs["none"]]
    if title == "names":
        return ["no-such-" + name]
    return _BY_NAME.get(name, "no-such-" + name)  # an unknown name: the same error everywhere


def good_call(spec, runs) -> tuple[list, dict]:
    """A call with every required argument (and every run id) set to a real value."""
    args, kwargs = [], {}
    for p in spec.parameters():
        hint = spec.hints[p.name]
        if p.kind is p.VAR_POSITIONAL:
            args = [runs["gray"], runs["none"]]
        elif p.default is p.empty or _title(hint) == "run id":
            kwargs[p.name] = _good(p.name, hint, runs)
    return args, kwargs


# -- wrong values, from the bounds of each annotation ---------------------------------------------
def bad_values(hint, good) -> list[tuple[object, str]]:
    """``(value, text the refusal must contain)``: a wrong type and each bound crossed."""
    base, meta = _field(hint)
    if typing.get_origin(base) is typing.Literal:
        return [("sideways", "sideways"), (7, "7")]
    if typing.get_origin(base) is typing.Union:  # one name or a list of names
        return [(17, "17"), ({"a": 1}, "should be")]
    cons = [c for m in meta for c in (getattr(m, "metadata", None) or [m])]
    out: list[tuple[object, str]] = []
    origin = typing.get_origin(base) or base
    if origin is str:
        out += [(7, "valid string"), (["x"], "valid string")]
    elif origin is bool:
        out += [(1, "valid boolean"), ("yes", "valid boolean")]
    elif origin is int:
        out += [("7", "valid integer"), (1.5, "valid integer"), (True, "valid integer")]
    elif origin is float:
        out += [("1", "valid number"), (True, "valid number"), (float("inf"), "finite")]
        if any(callable(getattr(m, "func", None)) for m in meta):  # the server's maximum
            out += [(1e9, "at most")]
    elif origin is list:
        out += [(17, "valid list"), ("ab", "valid list"), ([7], "valid string")]
    elif origin is dict:
        out += [(17, "valid dictionary"), ({"k": 7}, "valid string")]
    for c in cons:
        if isinstance(c, at.Ge):
            out.append((c.ge - 1, str(c.ge)))
        elif isinstance(c, at.Gt):
            out.append((c.gt, str(c.gt)))
        elif isinstance(c, at.Le):
            over = c.le + 1 if origin is int else c.le * 10
            out.append((over, str(int(c.le)) if float(c.le).is_integer() else str(c.le)))
        elif isinstance(c, at.MaxLen):
            item = good[0] if isinstance(good, list) and good else "x"
            value = "x" * (c.max_length + 1) if origin is str else \
                {f"k{i}": "v" for i in range(c.max_length + 1)} if origin is dict else \
                [item] * (c.max_length + 1)
            out.append((value, str(c.max_length)))
        elif isinstance(c, at.MinLen) and c.min_length > 0:
            out.append(("" if origin is str else [], str(c.min_length)))
    return out


def bad_calls(runs):
    """Every (method, args, kwargs, argument, expected text) of the table, from READS."""
    for name, spec in READS.items():
        args, kwargs = good_call(spec, runs)
        for p in spec.parameters():
            hint = spec.hints[p.name]
            good = kwargs.get(p.name, args if p.kind is p.VAR_POSITIONAL else None)
            for value, text in bad_values(hint, good):
                if p.kind is p.VAR_POSITIONAL:
                    yield name, [runs["gray"], value], {}, p.name, text
                else:
                    yield name, args, {**kwargs, p.name: value}, p.name, text


# -- answers ------------------------------------------------------------------------------------
def _plain(value):
    """An answer as comparable plain data."""
    if isinstance(value, pd.DataFrame) or value is None or isinstance(value, (str, int, float)):
        return _norm(value)
    if type(value).__name__ == "ProvDocument":
        return _prov(json.loads(value.serialize(format="json")))
    if dataclasses.is_dataclass(value):
        out = {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if hasattr(value, "nodes"):
            out["nodes"] = value.nodes()
        return out
    if isinstance(value, dict):
        return _norm({k: _plain(v) if isinstance(v, pd.DataFrame) else v
                      for k, v in value.items()})
    return _norm(value)


def _answer(spec: str, name: str, args, kwargs):
    try:
        value = getattr(kerasprov.open_store(spec), name)(*args, **kwargs)
    except KerasProvError as exc:  # expected mistakes answer alike too
        # the store a message names is the server's own on http: only where it is differs
        return {"error": type(exc).__name__,
                "message": re.sub(r" in \S+", " in S", exc.message.replace(spec, "S"))}
    return _plain(value)


def test_every_read_method_answers_the_same_on_every_kind(stores, built):
    runs = built["runs"]
    for name, spec in READS.items():
        args, kwargs = good_call(spec, runs)
        want = _answer(stores["embedded"], name, args, kwargs)
        failed = isinstance(want, dict) and set(want) == {"error", "message"}
        assert not failed or want["error"] == "NotFound", (name, want)  # e.g. no search here
        for kind in ("postgres", "http"):
            got = _answer(stores[kind], name, args, kwargs)
            assert got == want, (name, kind, _diff(got, want)[:5])


def test_every_wrong_argument_is_refused_the_same_way_everywhere(stores, built):
    table = list(bad_calls(built["runs"]))
    assert len(table) > 5 * len(READS)
    opened = {kind: kerasprov.open_store(spec) for kind, spec in stores.items()}
    with httpx.Client(base_url=stores["http"], headers=AUTH, timeout=30) as client:
        for name, args, kwargs, field, text in table:
            messages = set()
            for kind, store in opened.items():
                with pytest.raises(InvalidArgument) as caught:
                    getattr(store, name)(*args, **kwargs)
                err = caught.value
                assert err.status == 422 and err.details["field"] == field, (name, kind, err)
                assert field in err.message and text in err.message, (name, kind, err.message)
                messages.add(err.message)
            # The server refuses it itself, before any SQL (not only HttpStore's own check).
            raw = json.dumps({"args": args, "kwargs": kwargs})  # inf as Infinity, as Python sends
            resp = client.post(f"/api/store/{name}", content=raw.encode(),
                               headers={"content-type": "application/json"})
            body = resp.json()
            assert resp.status_code == 422, (name, field, resp.text)
            assert body["field"] == field and body["kind"] == "InvalidArgument", body
            messages.add(body["error"])
            assert len(messages) == 1, (name, field, messages)


def test_a_read_method_must_declare_its_bounds():
    from kerasprov.query.declare import read_method

    with pytest.raises(TypeError, match="max_length"):
        @read_method
        def loose(self, name: str) -> None: ...
    with pytest.raises(TypeError, match="annotation"):
        @read_method
        def untyped(self, name) -> None: ...
    assert "loose" not in READS and "untyped" not in READS


def test_the_old_entries_check_the_same_bounds(stores):
    """``/api/sql``, ``/api/runs`` and ``/sql.json`` call the same declared methods: a
    timeout past the maximum, an infinite one or a negative limit is a 422, not a clamp."""
    with httpx.Client(base_url=stores["http"], headers=AUTH, timeout=30) as c:
        for body, field in (({"sql": "SELECT 1", "timeout": 1e9}, "timeout"),
                            ({"sql": "SELECT 1", "timeout": "inf"}, "timeout"),
                            ({"sql": "SELECT 1", "limit": -7}, "limit"),
                            ({"sql": 7}, "query")):
            resp = c.post("/api/sql", json=body)
            assert resp.status_code == 422 and resp.json()["field"] == field, resp.text
        resp = c.post("/api/store/sql", content=b'{"args": ["SELECT 1"], '
                      b'"kwargs": {"timeout": Infinity}}',
                      headers={"content-type": "application/json"})
        assert resp.status_code == 422 and "finite" in resp.json()["error"], resp.text
        resp = c.get("/api/runs", params={"limit": -7})
        assert resp.status_code == 422 and resp.json()["field"] == "limit"
        resp = c.get("/sql.json", params={"sql": "SELECT 1", "limit": 10**6})
        assert resp.status_code == 422 and "100000" in resp.json()["error"]
        assert c.post("/api/store/nope", json={}).status_code == 404
        assert c.get("/api/health").status_code == 200  # the connection and server live on


# -- a request never opens a file by the name it carries ------------------------------------------
def _ui(store: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kerasprov", "ui", "--store", store,
                             "--port", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/api/health", timeout=1).is_success:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("kerasprov ui did not start")


def test_lineage_of_a_server_file_answers_at_once_like_a_missing_one(stores, built, tmp_path):
    # A file whose content the store recorded, under a name it never recorded: on a server
    # its name is not opened, so it answers exactly as a path that does not exist.
    raw = next(Path(built["store"]).parent.glob("raw-gray.bin"))
    copy = tmp_path / "copy.bin"
    copy.write_bytes(raw.read_bytes())
    assert kerasprov.open_store(stores["embedded"]).lineage(str(copy)).kind == "path"
    ui, ui_url = _ui(stores["postgres"])
    try:
        for url, headers in ((ui_url, {}), (stores["http"], AUTH)):
            with httpx.Client(base_url=url, headers=headers, timeout=10) as c:
                answers = {}
                for entity in ("/dev/urandom", "/dev/zero", str(copy), str(tmp_path / "no")):
                    started = time.monotonic()
                    resp = c.get("/lineage.json", params={"entity": entity})
                    assert time.monotonic() - started < 5, (url, entity)
                    body = resp.json()
                    answers[entity] = (resp.status_code,
                                       body["error"].replace(entity, "E"))
                assert set(answers.values()) == {(404, "no run, file or sha256 'E' in "
                                                  "the store")}, answers
                assert c.get("/api/health").status_code == 200
    finally:
        ui.kill()
        ui.wait(10)
