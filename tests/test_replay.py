"""Issues #10 and #11: one journal replay for every store kind, and a bad line never blocks it.

A journal holds good events and hostile ones of several classes (not valid JSON, a well-formed
event of the wrong shape, a retyping value, an absurd sequence number, an event of a run that
never started). Replayed into a directory store, into PostgreSQL and into a live
``kerasprov serve``, every good event is stored once, the run ends ``finished`` with all its
epochs, each bad line is kept in ``rejected/`` with its reason (once, however often the store
is read), and ``kerasprov status`` counts them.
"""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from pg_util import free_port, pg_admin_url, pg_url  # noqa: F401  (fixtures)
from test_server import TOKEN, Server

import kerasprov
from kerasprov.cli import cli
from kerasprov.outbox import codec
from kerasprov.outbox.journal import END_MARK, segment_name
from kerasprov.outbox.replay import REJECTED, rejected_count
from kerasprov.store import http, kinds
from kerasprov.store.postgres import deliver_journals

EPOCHS = 6
NOW = time.time()


def _good(run_id: str) -> list[dict]:
    now = time.time()
    task = f"{run_id}-trainingmodel-1"
    evs = [{"type": "run_start", "dataflow": "replayed", "host": "elsewhere", "pid": 1,
            "start": now},
           {"type": "task_start", "task": task, "transformation": "TrainingModel",
            "inputs": ["itrainingmodel"], "outputs": ["otrainingmodel"], "start": now}]
    for e in range(EPOCHS):
        evs.append({"type": "rows", "task": task, "transformation": "TrainingModel",
                    "set": "otrainingmodel", "links": {},
                    "rows": [{"epoch": e, "loss": 1.0 / (e + 1), "timestamp": now + e}]})
    evs += [{"type": "task_end", "task": task, "status": "finished", "end": now + EPOCHS},
            {"type": "run_end", "status": "finished", "end": now + EPOCHS}]
    return [{"v": 1, "run": run_id, "seq": i, "ts": now + i, **ev} for i, ev in enumerate(evs)]


def _hostile(run_id: str) -> list[tuple[str, str]]:
    """(line, what it is): lines a tool, an editor or an attacker could leave in a journal."""
    task = f"{run_id}-trainingmodel-1"
    base = {"v": 1, "run": run_id, "ts": NOW}
    rows = {"type": "rows", "task": task, "transformation": "TrainingModel",
            "set": "otrainingmodel"}
    return [
        ('{"v": 1, "run": "' + run_id + '", "seq": 3, "type": "rows", "task"', "not JSON"),
        (json.dumps({**base, **rows, "seq": 4, "links": [1, 2],
                     "rows": [{"epoch": 99}]}), "links of the wrong shape"),
        (json.dumps({**base, **rows, "seq": 5, "rows": [{"epoch": "zero", "loss": 1.0}]}),
         "a retyping value"),
        (json.dumps({**base, **rows, "seq": 10**12, "rows": [{"epoch": 98}]}),
         "an absurd sequence number"),
        (json.dumps({**base, "run": "never-started", "seq": 1, **rows,
                     "rows": [{"epoch": 97}]}), "a run that never started"),
        (json.dumps({**base, "seq": 6, "type": "no_such_event"}), "an unknown event type"),
        ("[1, 2, 3]", "not an object"),
    ]


def _journal(directory: Path, run_id: str) -> int:
    """A closed segment: good events with hostile lines between them; returns # hostile."""
    good = [codec.encode(e) for e in _good(run_id)]
    bad = [line for line, _ in _hostile(run_id)]
    lines = []
    for i, line in enumerate(good):
        lines.append(line)
        if i < len(bad):
            lines.append(bad[i])
    directory.mkdir(parents=True, exist_ok=True)
    (directory / segment_name(run_id, 0)).write_text(
        "".join(line + "\n" for line in [*lines, END_MARK]), encoding="utf-8")
    return len(bad)


def _check(spec: str, run_id: str) -> None:
    store = kerasprov.open_store(spec)
    runs = store.runs(dataflow="replayed")
    assert runs["run_id"].tolist() == [run_id]
    assert runs["status"].iloc[0] == "finished" and runs["epochs"].iloc[0] == EPOCHS
    assert store.epochs(run_id)["epoch"].tolist() == list(range(EPOCHS))
    types = store.sql("SELECT data_type FROM information_schema.columns WHERE "
                      "table_name = 'ds_otrainingmodel' AND column_name = 'epoch'")
    assert types["data_type"].iloc[0].upper() in ("BIGINT", "INTEGER")


def _rejected(directory: Path) -> list[dict]:
    out = []
    for f in sorted((directory / REJECTED).glob("*.jsonl")):
        out += [json.loads(line) for line in f.read_text().splitlines()]
    return out


@pytest.fixture(params=["embedded", "postgres", "http"])
def kind(request):
    return request.param


def test_a_hostile_journal_is_replayed_and_its_bad_lines_kept(kind, tmp_path, request,
                                                             monkeypatch):
    run_id = "20261130000000-0replay0"
    if kind == "embedded":
        spec = str(tmp_path / "store")
        directory = kinds.journal_dir(spec)
        n_bad = _journal(directory, run_id)
        _check(spec, run_id)      # a reader ingests
        _check(spec, run_id)      # and the next one finds nothing new to reject
    elif kind == "postgres":
        spec = request.getfixturevalue("pg_url")
        directory = tmp_path / "outbox"
        n_bad = _journal(directory, run_id)
        assert deliver_journals(spec, directory) > 0
        assert deliver_journals(spec, directory) == 0  # offsets kept: nothing twice
        _check(spec, run_id)
    else:
        srv = Server(str(tmp_path / "served"), tmp_path).start()
        monkeypatch.setenv("KERASPROV_TOKEN", TOKEN)
        try:
            directory = tmp_path / "outbox"
            n_bad = _journal(directory, run_id)
            assert http.deliver(srv.url, directory) > 0
            spec = srv.url
            _check(spec, run_id)
        finally:
            srv.kill()
    kept = _rejected(directory)
    assert len(kept) == n_bad == rejected_count(directory), kept
    assert all(k["reason"] and k["segment"] == segment_name(run_id, 0) for k in kept)
    hostile = {line for line, _ in _hostile(run_id)}
    assert {k["line"] for k in kept} == hostile
    # the segment itself is retired once delivered; only rejected/ remains
    assert not list(directory.glob("*.jsonl"))
    if kind == "embedded":
        out = CliRunner().invoke(cli, ["status", "--store", spec, "--format", "json"])
        assert out.exit_code == 0, out.output
        assert json.loads(out.output)[0]["rejected_lines"] == n_bad


def test_a_row_the_database_cannot_hold_is_kept_aside_not_a_blocked_journal(pg_url, tmp_path):  # noqa: F811, E501
    """A valid event that PostgreSQL refuses for its size (an attribute name too long for
    the index of ``attribute``) is quarantined with the database's reason; the rest of the
    journal is stored, and the next delivery has nothing left to do."""
    run_id = "20261130000000-0bigrow0"
    good = _good(run_id)
    task = f"{run_id}-trainingmodel-1"
    big = {"v": 1, "run": run_id, "seq": len(good), "ts": NOW, "type": "rows", "task": task,
           "transformation": "TrainingModel", "set": "itrainingmodel", "links": {},
           "rows": [{"note_" + secrets.token_hex(3000): "x"}]}
    end = good.pop()  # run_end after the big row
    end["seq"] = len(good) + 1
    directory = tmp_path / "outbox"
    directory.mkdir()
    lines = [codec.encode(e) for e in [*good, big, end]]
    (directory / segment_name(run_id, 0)).write_text(
        "".join(line + "\n" for line in [*lines, END_MARK]), encoding="utf-8")
    assert deliver_journals(pg_url, directory) > 0
    kept = _rejected(directory)
    assert len(kept) == 1 and '"note_' in kept[0]["line"], kept
    assert "index row size" in kept[0]["reason"] or "ProgramLimitExceeded" in kept[0]["reason"]
    _check(pg_url, run_id)
    assert deliver_journals(pg_url, directory) == 0
