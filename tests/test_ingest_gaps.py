"""A journal with a gap it cannot close, delivered to ``kerasprov serve``: nothing is lost.

When the server lacks a seq the journal does not hold (a torn line), the client resends the
run with ``allow_gaps`` and the server applies it leniently: an event it refuses one by one
there (a seq far past the run's next, an event of a run that never started) is listed in its
answer (index in the batch, run, seq, reason), and the client keeps exactly that line in
``rejected/<segment>`` with the reason, as replay into a directory store or PostgreSQL does.
Real ``kerasprov serve`` processes (directory store and PostgreSQL), real HTTP, the real CLI.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from pg_util import free_port, pg_admin_url, pg_url  # noqa: F401  (fixtures)
from test_server import AUTH, TOKEN, Server

from kerasprov.outbox import codec
from kerasprov.outbox.journal import END_MARK, segment_name
from kerasprov.outbox.replay import DONE, REJECTED

A = "20261201000000-0000gapa"   # its run_start was delivered before the rest
G = "20261201000000-0000gapg"   # its run_start line is missing: it never started
EPOCHS = 6
TORN_EPOCH = 2


def _run(run: str) -> list[dict]:
    task = f"{run}-trainingmodel-1"
    evs = [{"type": "run_start", "dataflow": "gaps", "host": "h", "pid": 1},
           {"type": "task_start", "task": task, "transformation": "TrainingModel",
            "inputs": ["itrainingmodel"], "outputs": ["otrainingmodel"]}]
    for e in range(EPOCHS):
        evs.append({"type": "rows", "task": task, "transformation": "TrainingModel",
                    "set": "otrainingmodel", "links": {},
                    "rows": [{"epoch": e, "loss": 1.0 / (e + 1), "timestamp": 1.7e9 + e}]})
    evs += [{"type": "task_end", "task": task, "status": "finished"},
            {"type": "run_end", "status": "finished"}]
    return [{"v": 1, "run": run, "seq": i, "ts": 1.7e9 + i, **ev} for i, ev in enumerate(evs)]


def _journal() -> tuple[dict[str, list[str]], dict[str, str]]:
    """The lines of each segment, and each bad line with the words its reason must hold."""
    good = _run(A)
    lines = [codec.encode(e) for e in good]
    torn = lines[2 + TORN_EPOCH][:50]  # the journal lacks this seq: a gap it cannot close
    far = codec.encode(dict(good[4], seq=good[4]["seq"] + 2_000_000))
    # Forged into A's segment: a run that never started, with the seq of a good event of A.
    orphan = codec.encode(dict(good[6], run="never-started"))
    a = list(lines)
    a[2 + TORN_EPOCH] = torn
    a.insert(7, far)
    a.insert(10, orphan)  # A: 0-3, torn 4, 5, 6, far, 7, 8, orphan, 9
    g = [codec.encode(e) for e in _run(G)[1:]]
    bad = {torn: "not valid JSON", far: "far beyond the run's next",
           orphan: "'never-started' arrived before its run_start"}
    bad.update({line: f"{G}' arrived before its run_start" for line in g})
    return {segment_name(A, 0): a, segment_name(G, 0): g}, bad


def _write(directory: Path, segments: dict[str, list[str]], upto: int | None = None) -> None:
    """Write the segments (A's first ``upto`` lines only, open, when given)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, lines in segments.items():
        if upto is not None:
            lines = lines[:upto] if name == segment_name(A, 0) else []
            end = []
        else:
            end = [END_MARK]
        if lines or end:
            (directory / name).write_text("".join(x + "\n" for x in lines + end))


def _cli(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kerasprov", *args], capture_output=True,
                          text=True, timeout=180, env=env)


def _rejected(directory: Path) -> list[tuple[str, str, str]]:
    """(segment, line, reason) of every line in rejected/."""
    out = []
    for f in sorted((directory / REJECTED).glob("*.jsonl")):
        for record in f.read_text().splitlines():
            r = json.loads(record)
            assert r["segment"] == f.name, r
            out.append((f.name, r["line"], r["reason"]))
    return out


def _check_rejected(directory: Path, segments, bad) -> list[tuple[str, str]]:
    kept = _rejected(directory)
    assert sorted((s, line) for s, line, _ in kept) == sorted(
        (s, line) for s, lines in segments.items() for line in lines if line in bad), kept
    for _, line, reason in kept:
        assert bad[line] in reason, (line, reason)
    return sorted((s, line) for s, line, _ in kept)


def _stored(sql) -> dict:
    """What the store holds of the two runs: every good event once, nothing else."""
    rows = sql("SELECT run_id, status FROM execution ORDER BY run_id")
    epochs = sql("SELECT epoch, COUNT(*) AS n FROM ds_otrainingmodel GROUP BY epoch "
                 "ORDER BY epoch")
    seqs = sql("SELECT run_id, last_seq FROM _run_seq ORDER BY run_id")
    tasks = sql("SELECT task_id, status FROM task")
    return {"runs": [(r["run_id"], r["status"]) for r in rows],
            "epochs": [(r["epoch"], r["n"]) for r in epochs],
            "seqs": [(r["run_id"], r["last_seq"]) for r in seqs],
            "tasks": [(r["task_id"], r["status"]) for r in tasks]}


WANT = {"runs": [(A, "finished")],
        "epochs": [(e, 1) for e in range(EPOCHS) if e != TORN_EPOCH],
        "seqs": [(A, EPOCHS + 3)],
        "tasks": [(f"{A}-trainingmodel-1", "finished")]}


@pytest.fixture(params=["duckdb", "postgres"])
def served(request, tmp_path):
    spec = request.getfixturevalue("pg_url") if request.param == "postgres" else \
        str(tmp_path / "served")
    srv = Server(spec, tmp_path).start()
    yield srv
    srv.kill()


def test_lines_refused_after_a_declared_gap_are_kept_aside(served, tmp_path, monkeypatch):
    from kerasprov.store import kinds
    segments, bad = _journal()
    monkeypatch.setenv("KERASPROV_OUTBOX", str(tmp_path / "outbox"))
    outbox = kinds.journal_dir(served.url)
    env = {**os.environ, "KERASPROV_TOKEN": TOKEN, "KERASPROV_STORE": served.url,
           "PYTHONPATH": os.pathsep.join(sys.path)}
    # The trainer's first delivery: A's run_start, while its segment is still open.
    _write(outbox, segments, upto=1)
    out = _cli("sync", env=env)
    assert out.returncode == 0, out.stderr
    assert served.sql(f"SELECT last_seq FROM _run_seq WHERE run_id = '{A}'") == \
        [{"last_seq": 0}]
    # Then the rest: the batch reaches the torn line (409), the run is resent with the gap
    # declared (allow_gaps), and the server refuses the bad events one by one.
    _write(outbox, segments)
    out = _cli("sync", env=env)
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr, out.stderr
    assert _stored(lambda q: served.sql(q)) == WANT
    kept = _check_rejected(outbox, segments, bad)
    status = _cli("status", "--format", "json", env=env)
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)[0]["rejected_lines"] == len(bad)
    # Delivered: the segments are retired, and the next sync has nothing to do or reject.
    assert not list(outbox.glob("*.jsonl")) and len(list((outbox / DONE).glob("*.jsonl"))) == 2
    out = _cli("sync", env=env)
    assert out.returncode == 0, out.stderr
    assert _check_rejected(outbox, segments, bad) == kept
    assert _stored(lambda q: served.sql(q)) == WANT

    # One behaviour for every store kind: the same journal replayed into a directory store.
    local = tmp_path / "local"
    _write(local / "journals", segments)
    out = _cli("sync", "--store", str(local), env={**env, "KERASPROV_STORE": ""})
    assert out.returncode == 0, out.stderr
    assert _check_rejected(local / "journals", segments, bad) == kept
    import kerasprov
    store = kerasprov.open_store(str(local))
    assert _stored(lambda q: store.sql(q).to_dict("records")) == WANT


def test_a_lenient_batch_names_each_refused_event_and_a_strict_one_refuses(tmp_path):
    """The wire: ``refused`` lists (index, run, seq, reason) of the events a batch sent with
    ``allow_gaps`` left out, by their place in the batch; strict, the batch is refused."""
    srv = Server(str(tmp_path / "served"), tmp_path).start()
    try:
        good = _run(A)
        forged = dict(good[3], run="never-started", seq=0)  # the seq of good event 0
        far = dict(good[4], seq=10**12)
        batch = good[:3] + [forged, good[3], far] + good[4:]

        def post(allow_gaps: bool):
            return httpx.post(srv.url + "/api/events", timeout=30,
                              headers={**AUTH, "content-type": "application/json"},
                              content=codec.encode({"events": batch, "allow_gaps": allow_gaps}))

        strict = post(False)
        assert strict.status_code == 422 and "refused" not in strict.json(), strict.text
        assert "arrived before its run_start" in strict.json()["error"]
        assert srv.sql("SELECT COUNT(*) AS n FROM _run_seq") == [{"n": 0}]
        lenient = post(True)
        assert lenient.status_code == 200, lenient.text
        body = lenient.json()
        assert body["last_seq"] == {A: EPOCHS + 3}
        assert [(r["index"], r["run"], r["seq"]) for r in body["refused"]] == \
            [(3, "never-started", 0), (5, A, 10**12)], body
        assert "before its run_start" in body["refused"][0]["reason"]
        assert "far beyond" in body["refused"][1]["reason"]
        again = post(True)  # everything is stored or refused: nothing new, nothing lost
        assert again.json()["last_seq"] == {A: EPOCHS + 3}
        assert [r["index"] for r in again.json()["refused"]] == [3, 5]  # refused again
        strict_ok = httpx.post(srv.url + "/api/events", headers=AUTH, timeout=30,
                               json={"events": good[:2]})
        assert strict_ok.json()["refused"] == []
    finally:
        srv.kill()


def test_the_client_reads_answers_with_and_without_refusals():
    """An older server answers without ``refused``: nothing is refused. An answer naming an
    event that is not the one at its index is not trusted (the line stays in the journal)."""
    from kerasprov.errors import StoreUnavailable
    from kerasprov.store.http import _Sender
    sender = _Sender(None, "http://old", Path("/nonexistent"))
    evs = _run(A)[:3]
    assert sender.refusals(evs, {"ok": True, "received": 3, "last_seq": {A: 2}}) == []
    got = sender.refusals(evs, {"refused": [{"index": 1, "run": A, "seq": 1, "reason": "no"}]})
    assert got == [(evs[1], "no")] and got[0][0] is evs[1]
    with pytest.raises(StoreUnavailable, match="not in the batch sent"):
        sender.refusals(evs, {"refused": [{"index": 1, "run": A, "seq": 2, "reason": "no"}]})
    with pytest.raises(StoreUnavailable):
        sender.refusals(evs, {"refused": [{"index": 7, "run": A, "seq": 1, "reason": "no"}]})


def test_a_delivered_segment_resent_to_a_new_server_keeps_its_refusals(tmp_path,
                                                                      monkeypatch):
    """Segments already in done/ (delivered to a store since lost) are resent when the new
    server lacks the run; a line the server refuses there is kept aside now, since replay
    never reads done/ again, and only once."""
    segments, bad = _journal()
    directory = tmp_path / "outbox"
    name = segment_name(A, 0)
    lines = segments[name]
    (directory / DONE).mkdir(parents=True)
    cut = len(lines) - 1
    (directory / DONE / name).write_text("".join(x + "\n" for x in lines[:cut]))
    later = segment_name(A, 1)
    (directory / later).write_text("".join(x + "\n" for x in lines[cut:] + [END_MARK]))
    srv = Server(str(tmp_path / "served"), tmp_path).start()
    monkeypatch.setenv("KERASPROV_TOKEN", TOKEN)
    try:
        from kerasprov.store import http
        assert http.deliver(srv.url, directory) == 1
        assert _stored(srv.sql) == WANT
        kept = _rejected(directory)
        # far and the forged orphan were in done/ (the torn line was quarantined when the
        # segment was first read, by the lost store's replay: not here)
        want = sorted(line for line in lines[:cut] if line in bad and "not valid" not in
                      bad[line])
        assert sorted(line for _, line, _ in kept) == want, kept
        assert all(s == name for s, _, _ in kept)
        assert http.deliver(srv.url, directory) == 0
        assert len(_rejected(directory)) == len(want)
    finally:
        srv.kill()
