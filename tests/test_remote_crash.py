"""Issue #6/#7: runs on remote stores (a server, PostgreSQL) have a lease kept by heartbeats.

A training process killed with SIGKILL while it sends to a ``kerasprov serve`` or straight
to PostgreSQL becomes ``crashed`` once its lease runs out, with every epoch it delivered; a
live run that is only slow (long epochs, nothing to send) is kept alive by its heartbeats.
The lease is short here (``KERASPROV_LEASE_S``) so the tests take seconds, not minutes.
"""

from __future__ import annotations

import signal
import time
import warnings

import httpx
import pytest
from pg_util import pg_admin_url, pg_url  # noqa: F401  (fixtures)
from test_server import AUTH, TOKEN, Server, _trainer, _wait_for

from kerasprov.store.lease import CRASH_MESSAGE

LEASE = 4.0
SLOW_PAUSE = 2.5 * LEASE  # an epoch with no event for longer than the lease


@pytest.fixture
def lease(monkeypatch):
    """A short lease for this process, the servers and the trainers it starts."""
    monkeypatch.setenv("KERASPROV_LEASE_S", str(LEASE))
    monkeypatch.setenv("KERASPROV_TOKEN", TOKEN)


def _status(rows_of, tag: str) -> dict | None:
    rows = rows_of("SELECT e.run_id, e.status, e.error, EXTRACT(EPOCH FROM e.last_seen) AS seen, "
                   "EXTRACT(EPOCH FROM e.end_time) AS ended, r.epochs FROM execution e "
                   f"JOIN runs r ON r.run_id = e.run_id WHERE e.dataflow_tag = '{tag}'")
    return rows[0] if rows else None


def _epochs(rows_of, tag: str) -> list[int]:
    return [r["epoch"] for r in rows_of(
        f"SELECT epoch FROM epochs WHERE dataflow_tag = '{tag}' ORDER BY epoch")]


def _kill_one_and_keep_one_alive(rows_of, url: str, tmp_path) -> None:
    """A slow trainer and a fast one to the same store; the fast one is killed."""
    slow = _trainer(url, tmp_path / "outbox-slow", 3, SLOW_PAUSE, "slow")
    fast = _trainer(url, tmp_path / "outbox-fast", 1000, 0.1, "killed")
    seen_slow: list[dict] = []
    try:
        _wait_for(lambda: len(_epochs(rows_of, "killed")) >= 3, timeout=180,
                  what="the killed trainer to deliver 3 epochs")
        delivered = _epochs(rows_of, "killed")
        fast.send_signal(signal.SIGKILL)
        fast.wait(30)
        killed_at = time.time()

        def crashed():
            st = _status(rows_of, "slow")
            if st is not None:
                seen_slow.append(st)
            return _status(rows_of, "killed")["status"] == "crashed"

        _wait_for(crashed, timeout=60, what="the killed run to be marked crashed")
        # Not before the lease ran out: it was alive (heartbeats) until the kill.
        assert time.time() - killed_at >= LEASE - 1.5
        run = _status(rows_of, "killed")
        assert run["error"] == CRASH_MESSAGE
        assert run["ended"] == pytest.approx(run["seen"])  # end_time = last seen alive
        epochs = _epochs(rows_of, "killed")
        assert epochs == list(range(len(epochs))) and len(epochs) >= len(delivered)
        assert epochs[:len(delivered)] == delivered
        tasks = rows_of("SELECT t.status, t.error, EXTRACT(EPOCH FROM t.end_time) AS ended "
                        "FROM task t JOIN execution e ON e.run_id = t.run_id "
                        "WHERE e.dataflow_tag = 'killed'")
        assert [t["status"] for t in tasks] == ["crashed"]
        assert tasks[0]["ended"] == pytest.approx(run["seen"])

        while slow.poll() is None:  # the slow run lives on through pauses past the lease
            st = _status(rows_of, "slow")
            if st is not None:
                seen_slow.append(st)
            time.sleep(0.3)
        out, err = slow.communicate()
        assert slow.returncode == 0, err
        assert "ProvenanceWarning" not in err, err  # every delivery and heartbeat got through
    finally:
        for p in (slow, fast):
            if p.poll() is None:
                p.kill()
                p.communicate()
    assert seen_slow and "crashed" not in {s["status"] for s in seen_slow}, seen_slow
    # The test means something: its epochs were further apart than the lease, and between
    # two epochs only heartbeats moved last_seen, by more than the lease.
    stamps = [r["t"] for r in rows_of("SELECT EXTRACT(EPOCH FROM \"timestamp\") AS t FROM epochs "
                                      "WHERE dataflow_tag = 'slow' ORDER BY epoch")]
    assert len(stamps) == 3 and min(b - a for a, b in zip(stamps, stamps[1:])) > LEASE + 1
    by_epochs: dict[int, list[float]] = {}
    for s in seen_slow:
        by_epochs.setdefault(s["epochs"], []).append(s["seen"])
    assert max(max(v) - min(v) for v in by_epochs.values()) > LEASE
    final = _status(rows_of, "slow")
    assert final["status"] == "finished" and final["epochs"] == 3


def test_server_over_postgres_crashes_a_killed_run_and_keeps_a_slow_one(lease, pg_url,  # noqa: F811
                                                                        tmp_path):
    srv = Server(pg_url, tmp_path).start()
    try:
        _kill_one_and_keep_one_alive(srv.sql, srv.url, tmp_path)
    finally:
        srv.kill()


def test_direct_postgres_crashes_a_killed_run_and_keeps_a_slow_one(lease, pg_url,  # noqa: F811
                                                                   tmp_path, monkeypatch):
    import kerasprov
    monkeypatch.setenv("KERASPROV_OUTBOX", str(tmp_path / "reader-outbox"))
    store = kerasprov.open_store(pg_url, create=True)  # before any trainer

    def rows_of(query):
        df = store.sql(query)
        return [{k: (None if v != v else v) for k, v in r.items()}
                for r in df.astype(object).to_dict("records")]

    _kill_one_and_keep_one_alive(rows_of, pg_url, tmp_path)


# -- the server's side of the lease, event by event -------------------------------------------
def _events(run, start, n_epochs=0, first=False, end=None):
    task = f"{run}-trainingmodel-1"
    evs = []
    if first:
        evs += [{"type": "run_start", "dataflow": "beats"},
                {"type": "task_start", "task": task, "transformation": "TrainingModel"}]
    evs += [{"type": "rows", "task": task, "set": "oTrainingModel",
             "transformation": "TrainingModel", "rows": [{"epoch": start + e, "loss": 0.5}]}
            for e in range(n_epochs)]
    if end:
        evs.append({"type": "run_end", "status": end})
    return evs


def _post(srv, run, seq, evs, ts):
    for i, ev in enumerate(evs):
        ev.update(v=1, run=run, seq=seq + i, ts=ts)
    resp = httpx.post(srv.url + "/api/events", json={"events": evs}, headers=AUTH, timeout=30)
    assert resp.status_code == 200, resp.text
    return seq + len(evs)


def test_server_lease_heartbeat_revive_and_old_events(lease, tmp_path):
    """A directory-backed server: its writer thread expires leases; heartbeats and fresh
    events bring a run back; events with old timestamps do not."""
    srv = Server(str(tmp_path / "store"), tmp_path).start()
    try:
        def run():
            (row,) = srv.sql("SELECT e.status, e.error, CAST(e.last_seen AS TEXT) AS seen, "
                             "CAST(e.end_time AS TEXT) AS ended, t.status AS task, "
                             "CAST(t.end_time AS TEXT) AS task_end FROM execution e "
                             "JOIN task t ON t.run_id = e.run_id")
            return row

        seq = _post(srv, "r1", 0, _events("r1", 0, 2, first=True), time.time())
        assert run()["status"] == "running"
        beat = srv.url + "/api/heartbeat"
        assert httpx.post(beat, json={"runs": ["r1"]}, timeout=30).status_code == 401
        for bad in ({"runs": "r1"}, {"runs": [1]}, [1]):
            resp = httpx.post(beat, json=bad, headers=AUTH, timeout=30)
            assert resp.status_code == 400 and "runs" in resp.json()["error"], resp.text
        _wait_for(lambda: run()["status"] == "crashed", timeout=30, what="the lease to expire")
        r = run()
        assert r["error"] == CRASH_MESSAGE and r["ended"] == r["seen"]
        assert r["task"] == "crashed" and r["task_end"] == r["seen"]

        # A heartbeat: the run was only slow.
        resp = httpx.post(beat, json={"runs": ["r1", "not-here"]}, headers=AUTH, timeout=30)
        assert resp.status_code == 200 and resp.json()["known"] == 1, resp.text
        r = run()
        assert (r["status"], r["error"], r["ended"], r["task"], r["task_end"]) == \
            ("running", None, None, "running", None)

        _wait_for(lambda: run()["status"] == "crashed", timeout=30, what="the lease again")
        before = run()
        # Late events stamped long ago (a `kerasprov sync` of a dead run's journal): stored,
        # but last_seen does not go back and the run stays crashed.
        seq = _post(srv, "r1", seq, _events("r1", 2, 1), 1.7e9)
        assert run() == before
        assert srv.sql("SELECT COUNT(*) AS n FROM epochs")[0]["n"] == 3
        # Fresh events: running again; then its run_end sets the final status for good.
        seq = _post(srv, "r1", seq, _events("r1", 3, 1), time.time())
        assert run()["status"] == "running" and run()["task"] == "running"
        _post(srv, "r1", seq, _events("r1", 4, 0, end="finished"), time.time())
        time.sleep(LEASE + 2)  # past the lease: a finished run is never expired
        assert run()["status"] == "finished"
    finally:
        srv.kill()


def test_a_failing_heartbeat_warns_once_and_never_reaches_training(tmp_path):
    from kerasprov.errors import ProvenanceWarning, _warned
    from kerasprov.outbox.writer import Outbox

    calls = []

    def beat(runs):
        calls.append(runs)
        raise ConnectionError("store unreachable")

    _warned.discard("io")
    box = Outbox(tmp_path / "journals", beat=beat, beat_every=0.05)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for i in range(5):
            box.put({"v": 1, "run": "rb", "seq": i, "type": "run_start" if i == 0 else "rows",
                     "ts": time.time(), "dataflow": "x"})
            time.sleep(0.1)
        assert box.flush(10)
        time.sleep(0.5)  # idle: heartbeats go on (and fail) while the segment is open
        box.close()
    assert len(calls) >= 2 and all(c == ["rb"] for c in calls)
    msgs = [str(w.message) for w in caught if issubclass(w.category, ProvenanceWarning)]
    assert len(msgs) == 1 and "store unreachable" in msgs[0], msgs
    lines = (tmp_path / "journals").glob("rb.*.jsonl")
    assert sum(len(p.read_text().splitlines()) for p in lines) == 6  # 5 events + end mark


def test_only_remote_stores_get_a_heartbeat(tmp_path):
    """Local runs keep the journal-based detection (pid, mtime): no hook for a directory,
    and no delivery either (the store's readers ingest the journals in its directory)."""
    from kerasprov.outbox.delivery import route
    local = route(str(tmp_path / "store"))
    assert local.beat is None and local.deliver is None
    assert local.journal_dir == tmp_path / "store" / "journals"
    for url in ("http://127.0.0.1:1", "postgresql://u@127.0.0.1:1/d", "monetdb://u@h:1/d"):
        remote = route(url)
        assert callable(remote.beat) and callable(remote.deliver), url
