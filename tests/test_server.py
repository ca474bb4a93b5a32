"""A real ``kerasprov serve`` process and real training processes talking to it on loopback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import httpx
import pytest
from pg_util import free_port, pg_admin_url, pg_url  # noqa: F401  (fixtures)

TOKEN = "t0ken-for-tests"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
TESTS = Path(__file__).parent

TRAIN = textwrap.dedent("""
    import os, sys, time, keras, kerasprov, kp_util
    epochs, pause, hold = int(sys.argv[1]), float(sys.argv[2]), sys.argv[4]

    def on_epoch_end(epoch, logs):
        time.sleep(pause)
        # Past epoch 2, wait (at most 2 min) until the test has restarted the server.
        give_up = time.time() + 120
        while epoch == 2 and hold and not os.path.exists(hold) and time.time() < give_up:
            time.sleep(0.05)

    x, y = kp_util.data(n=100)
    m = kp_util.mlp()
    m.provenance(dataflow_tag=sys.argv[3])
    m.fit(x, y, epochs=epochs, batch_size=50, verbose=0,
          callbacks=[keras.callbacks.LambdaCallback(on_epoch_end=on_epoch_end)])
    print(kerasprov.flush())
""")


class Server:
    """``kerasprov serve`` in a subprocess; ``kill`` and ``start`` again on the same port."""

    def __init__(self, store: str, tmp: Path, max_body: int = 1_000_000):
        self.store = store
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token_file = tmp / "token"
        self.token_file.write_text(TOKEN + "\n")
        self.max_body = max_body
        self.log = tmp / f"serve-{self.port}.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> Server:
        env = {k: v for k, v in os.environ.items() if k != "KERASPROV_TOKEN"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kerasprov", "serve", "--store", self.store, "--port",
             str(self.port), "--token-file", str(self.token_file), "--max-body",
             str(self.max_body)], env=env, stdout=subprocess.DEVNULL,
            stderr=open(self.log, "ab"))  # noqa: SIM115 (the child owns it)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text()
            try:
                if httpx.get(self.url + "/api/health", headers=AUTH, timeout=1).is_success:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise AssertionError("server did not start: " + self.log.read_text())

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def sql(self, query: str) -> list[dict]:
        resp = httpx.post(self.url + "/api/sql", json={"sql": query}, headers=AUTH,
                          timeout=30)
        assert resp.status_code == 200, resp.text
        return resp.json()["rows"]


@pytest.fixture
def pg_server(pg_url, tmp_path):  # noqa: F811
    srv = Server(pg_url, tmp_path).start()
    yield srv
    srv.kill()


@pytest.fixture
def dir_server(tmp_path):
    srv = Server(str(tmp_path / "store"), tmp_path, max_body=4096).start()
    yield srv
    srv.kill()


def _pythonpath() -> str:
    """tests/ for kp_util, then the caller's path (a worktree's own src/ comes first)."""
    return os.pathsep.join(p for p in (str(TESTS), os.environ.get("PYTHONPATH")) if p)


def _trainer(url, outbox, epochs, pause, tag, hold="", token=TOKEN):
    env = {**os.environ, "KERASPROV_STORE": url, "KERASPROV_OUTBOX": str(outbox),
           "KERASPROV_TOKEN": token, "KERAS_BACKEND": "torch", "PYTHONPATH": _pythonpath()}
    return subprocess.Popen([sys.executable, "-c", TRAIN, str(epochs), str(pause), tag, hold],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _wait_for(cond, timeout=120.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_trainings_and_sync_survive_a_server_restart(pg_server, tmp_path):
    """Two trainings and a `kerasprov sync` into one PostgreSQL-backed server, which is
    killed and restarted mid-run: afterwards every epoch of every run is stored once."""
    url = pg_server.url
    outbox = tmp_path / "outbox"
    hold = tmp_path / "server-restarted"
    a = _trainer(url, outbox, 10, 0.2, "alpha", hold=str(hold))
    b = _trainer(url, outbox, 10, 0.2, "beta", hold=str(hold))
    # Periodic delivery: the first epochs reach the server while both trainings run.
    _wait_for(lambda: pg_server.sql("SELECT COUNT(DISTINCT run_id) AS n FROM epochs")[0]["n"]
              == 2, what="both runs to show epochs while training")
    pg_server.kill()
    # This run trains entirely while the server is down; only `kerasprov sync` sends it.
    c_outbox = tmp_path / "outbox_c"
    c = _trainer(url, c_outbox, 3, 0.0, "gamma")
    out, err = c.communicate(timeout=300)
    assert c.returncode == 0, err
    assert "could not deliver provenance" in err  # one warning, training went on
    assert a.poll() is None and b.poll() is None
    pg_server.start()
    hold.touch()
    for p in (a, b):
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    env = {**os.environ, "KERASPROV_OUTBOX": str(c_outbox), "KERASPROV_TOKEN": TOKEN}
    sync = subprocess.run([sys.executable, "-m", "kerasprov", "sync", "--store", url], env=env,
                          capture_output=True, text=True, timeout=120)
    assert sync.returncode == 0, sync.stderr
    assert "delivered" in sync.stdout and not sync.stdout.startswith("delivered 0 ")
    rows = pg_server.sql("SELECT dataflow_tag AS tag, COUNT(*) AS n, COUNT(DISTINCT epoch) AS d, "
                         "MIN(epoch) AS lo, MAX(epoch) AS hi FROM epochs "
                         "GROUP BY dataflow_tag ORDER BY dataflow_tag")
    assert rows == [{"tag": "alpha", "n": 10, "d": 10, "lo": 0, "hi": 9},
                    {"tag": "beta", "n": 10, "d": 10, "lo": 0, "hi": 9},
                    {"tag": "gamma", "n": 3, "d": 3, "lo": 0, "hi": 2}]
    status = pg_server.sql("SELECT dataflow_tag, status FROM execution ORDER BY 1")
    assert [r["status"] for r in status] == ["finished"] * 3
    # Nothing is left waiting: every segment was delivered and moved to done/.
    assert not list(outbox.glob("*/*.jsonl")) and not list(c_outbox.glob("*/*.jsonl"))


def _fingerprint(srv: Server) -> list[dict]:
    return srv.sql("SELECT (SELECT COUNT(*) FROM execution) AS runs, "
                   "(SELECT COUNT(*) FROM task) AS tasks, "
                   "(SELECT COALESCE(SUM(last_seq), 0) FROM _run_seq) AS seqs, "
                   "(SELECT COUNT(*) FROM ds_otrainingmodel) AS epochs")


def _batch(run, start, n_epochs=0, first=True):
    task = f"{run}-trainingmodel-1"
    evs = []
    if first:
        evs = [{"run": run, "type": "run_start", "ts": 1.7e9, "dataflow": "api"},
               {"run": run, "type": "task_start", "ts": 1.7e9, "task": task,
                "transformation": "TrainingModel"}]
    for e in range(n_epochs):
        evs.append({"run": run, "type": "rows", "ts": 1.7e9, "task": task, "set": "oTrainingModel",
                    "transformation": "TrainingModel",
                    "rows": [{"epoch": e, "loss": {"$float": "nan"} if e == 0 else 0.5}]})
    for i, ev in enumerate(evs):
        ev["seq"] = start + i
        ev["v"] = 1
    return evs


def test_refusals_are_clear_and_change_nothing(dir_server):
    srv = dir_server
    ok = httpx.post(srv.url + "/api/events", json={"events": _batch("r1", 0, 2)},
                    headers=AUTH, timeout=30)
    assert ok.status_code == 200, ok.text
    assert ok.json()["last_seq"] == {"r1": 3}
    before = _fingerprint(srv)
    assert before == [{"runs": 1, "tasks": 1, "seqs": 3, "epochs": 2}]
    new = json.dumps({"events": _batch("r2", 0, 1)})
    cases = [
        ("no token", {}, new, 401, "token"),
        ("wrong token", {"Authorization": "Bearer nope"}, new, 401, "token"),
        ("oversized", AUTH, json.dumps({"events": _batch("r2", 0, 60)}), 413, "larger"),
        ("malformed JSON", AUTH, '{"events": [', 422, "not valid JSON"),
        ("not a batch", AUTH, '[1, 2]', 422, '{"events"'),
        ("unknown type", AUTH, json.dumps({"events": _batch("r2", 0) + [
            {"v": 1, "run": "r2", "seq": 2, "type": "explode", "ts": 1}]}), 422,
         "unknown event type 'explode'"),
        ("missing key", AUTH, json.dumps({"events": [{"v": 1, "run": "r2", "seq": 0,
                                                       "type": "rows"}]}), 422, "lacks"),
    ]
    for what, headers, body, status, message in cases:
        resp = httpx.post(srv.url + "/api/events", content=body, timeout=30,
                          headers={**headers, "content-type": "application/json"})
        assert resp.status_code == status, (what, resp.text)
        payload = resp.json()
        assert payload["ok"] is False and payload["status"] == status, what
        assert message in payload["error"], (what, payload["error"])
        assert _fingerprint(srv) == before, what
    # A gap in the sequence: 409 names the seq to resend from, nothing stored.
    gap = httpx.post(srv.url + "/api/events", json={"events": _batch("r1", 6, 1, first=False)},
                     headers=AUTH, timeout=30)
    assert gap.status_code == 409 and gap.json()["expected_seq"] == 4, gap.text
    assert _fingerprint(srv) == before
    # SQL that tries to write is refused by the sandbox, and the store is unchanged.
    for query in ("DELETE FROM execution", "DROP TABLE task",
                  "SELECT 1; UPDATE execution SET status = 'x'"):
        resp = httpx.post(srv.url + "/api/sql", json={"sql": query}, headers=AUTH, timeout=30)
        assert resp.status_code == 400, resp.text
        assert resp.json()["kind"] == "SQLRefused"
        assert _fingerprint(srv) == before
    no_token = httpx.post(srv.url + "/api/sql", json={"sql": "SELECT 1"}, timeout=30)
    assert no_token.status_code == 401
    # A duplicate batch is stored once.
    again = httpx.post(srv.url + "/api/events", json={"events": _batch("r1", 0, 2)},
                       headers=AUTH, timeout=30)
    assert again.status_code == 200 and _fingerprint(srv) == before


def test_remote_store_reads_and_the_store_is_not_held(dir_server, tmp_path, monkeypatch):
    srv = dir_server
    resp = httpx.post(srv.url + "/api/events", json={"events": _batch("r9", 0, 3)},
                      headers=AUTH, timeout=30)
    assert resp.status_code == 200, resp.text
    from kerasprov.errors import NotFound, SQLRefused, Unauthorized
    from kerasprov.query.remote import HttpStore
    monkeypatch.setenv("KERASPROV_TOKEN", TOKEN)
    remote = HttpStore(srv.url)
    runs = remote.runs()
    assert runs["run_id"].tolist() == ["r9"] and runs["epochs"].iloc[0] == 3
    epochs = remote.epochs("r9")
    assert epochs["epoch"].tolist() == [0, 1, 2]
    assert epochs["loss"].isna().tolist() == [True, False, False]  # NaN travels as null
    assert str(remote.runs()["start_time"].dtype).startswith("datetime64")
    df = remote.sql("SELECT epoch FROM epochs ORDER BY epoch", limit=2)
    assert df["epoch"].tolist() == [0, 1] and df.attrs["truncated"]
    with pytest.raises(NotFound, match="no run"):
        remote.epochs("nope")
    with pytest.raises(SQLRefused):
        remote.sql("DELETE FROM execution")
    monkeypatch.setenv("KERASPROV_TOKEN", "wrong")
    with pytest.raises(Unauthorized):
        remote.runs()
    # One-writer rule: between requests the server does not hold the DuckDB file, so
    # another process can open the store directly (it would fail with a lock error).
    out = subprocess.run([sys.executable, "-m", "kerasprov", "sql",
                          "SELECT COUNT(*) AS n FROM ds_otrainingmodel", "--store",
                          srv.store, "--format", "json"], capture_output=True, text=True,
                         timeout=60, env={**os.environ, "KERASPROV_TOKEN": ""})
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [{"n": 3}]


WIDE_TRAIN = textwrap.dedent("""
    import secrets, sys, kerasprov, kp_util
    x, y = kp_util.data(n=100)
    m = kp_util.mlp()
    # A valid event PostgreSQL cannot hold: a hyperparameter name too long for the index of
    # ``attribute`` (width alone no longer refuses a row: past 250 columns, extra_value).
    m.provenance(dataflow_tag="wide", hyperparameters={"note_" + secrets.token_hex(3000): 1})
    m.fit(x, y, epochs=4, batch_size=50, verbose=0)
    m.evaluate(x, y, verbose=0)
    print(kerasprov.flush())
""")


def test_an_event_the_database_cannot_hold_is_kept_aside_and_the_rest_delivered(pg_server,
                                                                                tmp_path):
    """A training whose hyperparameters make a row PostgreSQL cannot hold, delivering to a
    ``kerasprov serve`` over PostgreSQL: the server refuses that event alone (422 naming
    it), the trainer keeps it in rejected/ with the reason, and every other event of the
    run is stored (the events after it too: the gap it leaves is declared, not resent)."""
    outbox = tmp_path / "outbox"
    env = {**os.environ, "KERASPROV_STORE": pg_server.url, "KERASPROV_OUTBOX": str(outbox),
           "KERASPROV_TOKEN": TOKEN, "KERAS_BACKEND": "torch", "PYTHONPATH": _pythonpath()}
    out = subprocess.run([sys.executable, "-c", WIDE_TRAIN], env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "could not be stored" in out.stderr and "Traceback" not in out.stderr, out.stderr
    rejected = [json.loads(line) for f in outbox.rglob("rejected/*.jsonl")
                for line in f.read_text().splitlines()]
    assert len(rejected) == 1, rejected
    bad = json.loads(rejected[0]["line"])
    assert bad["set"] == "itrainingmodel" and any(k.startswith("note_") for k in bad["rows"][0])
    assert "index row size" in rejected[0]["reason"] or \
        "ProgramLimitExceeded" in rejected[0]["reason"], rejected[0]["reason"]
    assert f"seq {bad['seq']}" in rejected[0]["reason"], rejected[0]["reason"]
    # Every other journal line is stored: the run's last seq, and each kind of event.
    journal = [json.loads(line) for f in outbox.rglob("done/*.jsonl")
               for line in f.read_text().splitlines() if line.startswith("{")]
    assert journal and not list(outbox.glob("*/*.jsonl")), "undelivered segments remain"
    run = bad["run"]
    seqs = sorted(e["seq"] for e in journal if e["run"] == run)
    assert seqs == list(range(len(seqs))) and 0 < bad["seq"] < seqs[-1]
    last = pg_server.sql(f"SELECT last_seq FROM _run_seq WHERE run_id = '{run}'")
    assert last == [{"last_seq": seqs[-1]}]
    got = pg_server.sql(
        "SELECT status, (SELECT COUNT(*) FROM epochs) AS epochs, "
        "(SELECT COUNT(*) FROM tests) AS tests, "
        "(SELECT COUNT(*) FROM task WHERE status = 'finished') AS tasks, "
        "(SELECT COUNT(*) FROM ds_ilayers) AS layers, "
        "(SELECT COUNT(*) FROM ds_itrainingconfig) AS configs FROM execution")
    assert got == [{"status": "finished", "epochs": 4, "tests": 1,
                    "tasks": len({e["task"] for e in journal if e["type"] == "task_end"}),
                    "layers": 3, "configs": 1}], got
    assert pg_server.sql("SELECT COUNT(*) AS n FROM ds_itrainingmodel") == [{"n": 0}]


def test_an_event_over_the_servers_body_limit_is_kept_aside(dir_server, tmp_path,
                                                            monkeypatch):
    """One journal event larger than the server's --max-body (4096 bytes here) can never be
    delivered: it is kept in rejected/ with the reason, and the rest of the journal (the
    events after it too) is delivered, instead of every delivery stopping at it."""
    from kerasprov.outbox import codec
    from kerasprov.outbox.journal import END_MARK, segment_name
    from kerasprov.store import http
    monkeypatch.setenv("KERASPROV_TOKEN", TOKEN)
    events = _batch("r7", 0, 4)  # seqs 0..5: start, task, four epochs
    events[3]["rows"][0]["note"] = "x" * 10_000
    directory = tmp_path / "outbox"
    directory.mkdir()
    (directory / segment_name("r7", 0)).write_text(
        "".join(codec.encode(e) + "\n" for e in events) + END_MARK + "\n")
    assert http.deliver(dir_server.url, directory) == 5
    kept = [json.loads(line) for f in directory.glob("rejected/*.jsonl")
            for line in f.read_text().splitlines()]
    assert len(kept) == 1 and json.loads(kept[0]["line"])["seq"] == 3, kept
    assert "larger than the server" in kept[0]["reason"] and "4096" in kept[0]["reason"]
    assert _fingerprint(dir_server) == [{"runs": 1, "tasks": 1, "seqs": 5, "epochs": 3}]
    assert http.deliver(dir_server.url, directory) == 0
