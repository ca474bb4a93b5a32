"""Issue #10: one Store protocol, the same answers from every kind of store.

The same captured events (three real runs, see analysis_util) are put into an embedded
DuckDB store, a real PostgreSQL database and a real ``kerasprov serve`` process; every
method of the Store protocol and every read command of the CLI must answer the same on the
three. (Before, ``show`` and ``compare`` on an ``http://`` store ended in a traceback.)
"""

from __future__ import annotations

import json
import math
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from analysis_util import build
from click.testing import CliRunner
from pg_util import free_port, pg_admin_url, pg_url  # noqa: F401  (fixtures)
from test_server import TOKEN, Server

import kerasprov
from kerasprov.cli import cli
from kerasprov.query.protocol import METHODS, StoreAPI
from kerasprov.query.records import records
from kerasprov.store import http, kinds
from kerasprov.store.postgres import deliver_journals

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib.*")


@pytest.fixture(scope="module")
def built():
    return build()


@pytest.fixture(scope="module")
def journals(built, tmp_path_factory):
    """Every journal segment of the built store, as a training process left them."""
    kerasprov.open_store(str(built["store"])).runs()  # ingested: segments are in done/
    out = tmp_path_factory.mktemp("journals")
    src = Path(built["store"]) / "journals"
    for folder in (src, src / "done"):
        for seg in folder.glob("*.jsonl"):
            shutil.copy(seg, out / seg.name)
    assert len(list(out.glob("*.jsonl"))) >= 3
    return out


def _copy(journals: Path, dest: Path) -> Path:
    dest.mkdir(parents=True)
    for seg in journals.glob("*.jsonl"):
        shutil.copy(seg, dest / seg.name)
    return dest


@pytest.fixture(params=["embedded", "postgres", "http"])
def store(request, built, journals, tmp_path, monkeypatch):
    """The same events in a store of each kind."""
    if request.param == "embedded":
        yield str(built["store"])
        return
    if request.param == "postgres":
        url = request.getfixturevalue("pg_url")
        assert deliver_journals(url, _copy(journals, tmp_path / "j")) > 0
        yield url
        return
    srv = Server(str(tmp_path / "served"), tmp_path, max_body=8_000_000).start()
    monkeypatch.setenv("KERASPROV_TOKEN", TOKEN)
    try:
        assert http.deliver(srv.url, _copy(journals, tmp_path / "j")) > 0
        yield srv.url
    finally:
        srv.kill()


def _norm(value):
    """An answer as comparable plain data (floats to 6 significant digits: PostgreSQL rounds
    timestamps to the microsecond where DuckDB truncates, so durations differ by 1 µs)."""
    if isinstance(value, pd.DataFrame):
        return {"columns": [str(c) for c in value.columns],
                "rows": _norm(records(value, seconds=True))}
    if isinstance(value, dict):  # durations: PostgreSQL rounds the microsecond, DuckDB cuts it
        return {str(k): round(v, 4) if k == "duration_s" and isinstance(v, float) else _norm(v)
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_norm(v) for v in value]
    if isinstance(value, float):
        return None if not math.isfinite(value) else float(f"{value:.6g}")
    return value


def _calls(runs: dict[str, str]) -> dict[str, tuple[tuple, dict]]:
    gray, none = runs["gray"], runs["none"]
    return {
        "sql": (("SELECT run_id, epoch, loss FROM epochs ORDER BY run_id, epoch",), {}),
        "runs": ((), {"dataflow": "alexnet"}),
        "epochs": ((gray,), {}),
        "adaptations": ((gray,), {}),
        "tests": ((gray,), {}),
        "run": ((gray,), {}),
        "check_run": ((gray,), {}),
        "compare": (([gray, none],), {}),
        "query": (("alexnet", "itrainingmodel", "otestingmodel"), {}),
        "prov": ((gray,), {}),
        "adaptation": ((gray,), {}),
        "transformation_impact": (("Filter",), {}),
        "convergence": ((gray,), {}),
        "diff": ((gray, none), {}),
        "lineage": ((gray,), {"direction": "up"}),
        "dataflow_versions": (("alexnet",), {}),
        "searches": ((), {}),
        "trials": (("no-such-search",), {}),  # an error: the same one on every kind
        "resolve_run": ((gray[:-2],), {}),
        "run_labels": (([gray, none],), {}),
        "attestation": ((gray,), {}),
        "facts": ((gray,), {}),
        "statement": ((gray,), {}),
        "proof_status": ((gray,), {}),
    }


def _answer(store_spec: str, name: str, args, kwargs):
    try:
        value = getattr(kerasprov.open_store(store_spec), name)(*args, **kwargs)
    except kerasprov.KerasProvError as exc:  # expected mistakes answer alike too
        return {"error": type(exc).__name__, "message": exc.message.replace(store_spec, "S")}
    if name == "query":
        return {"sql": value.sql, "path": value.path, "df": _norm(value.df)}
    if name == "prov":
        return _prov(json.loads(value.serialize(format="json")))
    if name == "lineage":
        return {"sql": value.sql, "df": _norm(value.df), "nodes": value.nodes()}
    return _norm(value)


def _prov(doc: dict) -> dict:
    """A PROV-JSON document with its blank-node ids (numbered in row order) taken out."""
    out = {}
    for rtype, recs in doc.items():
        if not isinstance(recs, dict):
            out[rtype] = recs
            continue
        named = {k: v for k, v in recs.items() if not k.startswith("_:")}
        blank = sorted(json.dumps(v, sort_keys=True) for k, v in recs.items()
                       if k.startswith("_:"))
        out[rtype] = {"named": named, "blank": blank}
    return out


@pytest.fixture(scope="module")
def expected(built):
    """The embedded store's answers, the reference."""
    spec = str(built["store"])
    return {name: _answer(spec, name, *call) for name, call in _calls(built["runs"]).items()}


def test_every_store_method_answers_the_same_on_every_kind(store, built, expected):
    opened = kerasprov.open_store(store)
    assert isinstance(opened, StoreAPI)
    calls = _calls(built["runs"])
    assert set(calls) <= set(METHODS)  # every declared method: test_read_surface.py
    for name, (args, kwargs) in calls.items():
        got = _answer(store, name, args, kwargs)
        assert got == expected[name], (name, kinds.kind_of(store).name, _diff(got, expected[name]))


def test_every_cli_read_command_answers_the_same_on_every_kind(store, built):
    gray, none = built["runs"]["gray"], built["runs"]["none"]
    commands = [
        ["runs", "--format", "json"],
        ["show", gray, "--format", "json"],
        ["compare", gray, none, "--format", "json"],
        ["sql", "SELECT run_id, epoch FROM epochs ORDER BY run_id, epoch", "--format", "json"],
        ["query", "--dataflow", "alexnet", "--source", "itrainingmodel", "--target",
         "otestingmodel", "--format", "json"],
        ["analyze", "adaptation", gray, "--format", "json"],
        ["analyze", "impact", "--format", "json"],
        ["analyze", "convergence", gray, "--format", "json"],
        ["prov", gray, "--format", "json"],
        ["diff", gray, none, "--format", "json"],
        ["lineage", gray, "--format", "json"],
    ]
    runner = CliRunner()
    for args in commands:
        got = runner.invoke(cli, [*args, "--store", store])
        ref = runner.invoke(cli, [*args, "--store", str(built["store"])])
        assert got.exit_code == 0, (args, got.output, got.exception)
        assert ref.exit_code == 0, (args, ref.output)
        if args[0] == "prov":
            assert _prov(json.loads(got.output)) == _prov(json.loads(ref.output)), args
            continue
        assert _norm(json.loads(got.output)) == _norm(json.loads(ref.output)), \
            (args, _diff(_norm(json.loads(got.output)), _norm(json.loads(ref.output))))


def test_the_protocol_is_the_store_api():
    """The protocol, the local Store and the HTTP store have the same methods, with the
    same parameters (HttpStore's are Store's, by construction)."""
    import inspect

    from kerasprov.query.api import Store
    from kerasprov.query.remote import HttpStore
    for name in METHODS:
        local = list(inspect.signature(getattr(Store, name)).parameters)
        assert list(inspect.signature(getattr(HttpStore, name)).parameters) == local, name
    assert isinstance(HttpStore("http://127.0.0.1:1"), StoreAPI)


def test_unknown_store_kinds_and_missing_runs_are_one_line(tmp_path, built):
    runner = CliRunner()
    out = runner.invoke(cli, ["runs", "--store", "ftp://example.org/store"])
    assert out.exit_code == 1 and out.output.startswith("Error: unknown kind of store")
    out = runner.invoke(cli, ["show", "nope", "--store", str(built["store"])])
    assert out.exit_code == 1 and "no run 'nope'" in out.output
    assert "Traceback" not in out.output


def test_the_kinds_table_answers_every_question():
    assert kinds.kind_of("/some/dir").name == "embedded"
    assert kinds.kind_of("postgres://u@h/d").name == kinds.kind_of("postgresql://u@h/d").name
    assert kinds.kind_of("HTTPS://h:1").name == "http"
    for kind in kinds.KINDS:
        assert kind.sql == (kind.open is not None)
        assert kind.trainer_delivers == (kind.name != "embedded")
    assert os.fspath(kinds.journal_dir("/x/store")) == "/x/store/journals"


def _diff(got, want) -> list:
    """Where two answers differ (for the assertion message)."""
    if isinstance(got, dict) and isinstance(want, dict):
        return [(k, *d) for k in sorted(set(got) | set(want), key=str)
                for d in [_diff(got.get(k), want.get(k))] if d]
    if isinstance(got, list) and isinstance(want, list) and len(got) == len(want):
        return [(i, *d) for i, (g, w) in enumerate(zip(got, want)) for d in [_diff(g, w)] if d]
    return [] if got == want else [(got, want)]
