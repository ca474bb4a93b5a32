"""Issue #7 (2): a run killed with SIGKILL keeps every finished epoch and is shown as crashed."""

from __future__ import annotations

import os
import random
import shutil
import signal
import socket
import time

import pytest
from reliability_util import journaled, read_until, start_training

import kerasprov
from kerasprov.outbox import codec
from kerasprov.outbox.journal import END_MARK, segment_name


def _one_run(store):
    runs = kerasprov.open_store(str(store)).runs()
    assert len(runs) == 1, runs
    return runs.iloc[0]


@pytest.mark.parametrize("seed", [1, 2])
def test_sigkill_at_a_random_moment_loses_no_finished_epoch(tmp_path, seed):
    rnd = random.Random(seed)
    store = tmp_path / "store"
    child = start_training(store, "killed", epochs=500, sleep=0.01)
    try:
        first = rnd.randint(0, 4)
        seen = read_until(child, rf"^JOURNALED {first}$", timeout=240)
        time.sleep(rnd.uniform(0.0, 0.4))  # somewhere inside an epoch, or between two
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == -signal.SIGKILL
    assert "TRAINED" not in out, "the child finished before the kill: make it longer"
    promised = journaled("\n".join(seen) + "\n" + out)
    assert promised and promised == list(range(len(promised)))

    run = _one_run(store)  # this open ingests the journal the dead process left
    assert run["status"] == "crashed", run.to_dict()
    epochs = kerasprov.open_store(str(store)).epochs(run["run_id"])["epoch"].tolist()
    # Every epoch the child saw journaled is there, once; at most the epoch that was being
    # written at the kill is extra.
    assert epochs == list(range(len(epochs))), f"seed {seed}: {epochs}"
    assert len(promised) <= len(epochs) <= len(promised) + 1, (seed, promised, epochs)
    tasks = kerasprov.open_store(str(store)).sql(
        f"SELECT transformation_tag, status, end_time FROM task WHERE run_id = '{run['run_id']}'")
    assert tasks["status"].tolist() == ["crashed"]
    assert tasks["end_time"].notna().all()
    # The dead run's segment is retired, so later opens do not re-read it.
    assert not list((store / "journals").glob("*.jsonl"))
    assert list((store / "journals" / "done").glob("*.jsonl"))


# -- journals written by hand: torn lines and leases ------------------------------------------
def _events(run_id, n_epochs, host, pid):
    now = time.time()
    task = f"{run_id}-trainingmodel-1"
    evs = [{"type": "run_start", "dataflow": "handmade", "host": host, "pid": pid,
            "start": now},
           {"type": "task_start", "task": task, "transformation": "TrainingModel",
            "inputs": ["itrainingmodel"], "outputs": ["otrainingmodel"], "start": now}]
    for e in range(n_epochs):
        evs.append({"type": "rows", "task": task, "transformation": "TrainingModel",
                    "set": "otrainingmodel", "links": {},
                    "rows": [{"epoch": e, "loss": 1.0 / (e + 1), "timestamp": now + e}]})
    return [{"v": 1, "run": run_id, "seq": i, "ts": now + i, **ev} for i, ev in enumerate(evs)]


def _write_journal(store, run_id, lines, tail=""):
    d = store / "journals"
    d.mkdir(parents=True, exist_ok=True)
    path = d / segment_name(run_id, 0)
    path.write_text("".join(line + "\n" for line in lines) + tail, encoding="utf-8")
    return path


def _dead_pid():
    import subprocess
    import sys
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_a_torn_last_line_is_read_up_to_the_last_complete_event(tmp_path):
    store = tmp_path / "store"
    run_id = "20261127000000-0000torn"
    lines = [codec.encode(ev) for ev in _events(run_id, 5, socket.gethostname(), _dead_pid())]
    torn = lines[-1][: len(lines[-1]) // 2]  # the kill tore the 5th epoch's line in half
    path = _write_journal(store, run_id, lines[:-1], tail=torn)
    with _no_malformed_warning():
        run = _one_run(store)
    epochs = kerasprov.open_store(str(store)).epochs(run_id)
    assert epochs["epoch"].tolist() == [0, 1, 2, 3]
    assert epochs["loss"].tolist() == [1.0, 0.5, 1 / 3, 0.25]
    assert run["status"] == "crashed"
    assert (store / "journals" / "done" / path.name).read_text().endswith(torn)


def test_a_copy_of_a_real_killed_journal_with_a_torn_tail(tmp_path):
    """A real journal (from a killed child) copied with half an extra line appended."""
    store = tmp_path / "store"
    child = start_training(store, "tornreal", epochs=500, sleep=0.01)
    try:
        read_until(child, r"^JOURNALED 2$", timeout=240)
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    (segment,) = (store / "journals").glob("*.jsonl")  # not yet ingested: no one opened it
    copy_store = tmp_path / "copy"
    (copy_store / "journals").mkdir(parents=True)
    data = segment.read_bytes()
    complete = data[: data.rfind(b"\n") + 1]
    last = complete.rstrip(b"\n").rsplit(b"\n", 1)[-1]
    (copy_store / "journals" / segment.name).write_bytes(complete + last[: len(last) // 3])
    n_complete = sum(1 for ln in complete.splitlines() if ln.strip())
    original = _one_run(store)
    copied = _one_run(copy_store)
    assert copied["status"] == "crashed"
    a = kerasprov.open_store(str(store)).epochs(original["run_id"])["epoch"].tolist()
    b = kerasprov.open_store(str(copy_store)).epochs(copied["run_id"])["epoch"].tolist()
    assert a == b and len(a) >= 3
    seq = kerasprov.open_store(str(copy_store)).sql("SELECT last_seq FROM _run_seq")
    assert seq["last_seq"].tolist() == [n_complete - 1]


class _no_malformed_warning:
    """A torn tail is expected after a kill: it must not be reported as malformed."""

    def __enter__(self):
        import warnings
        self._cm = warnings.catch_warnings(record=True)
        self.caught = self._cm.__enter__()
        warnings.simplefilter("always")
        return self

    def __exit__(self, *exc):
        self._cm.__exit__(*exc)
        msgs = [str(w.message) for w in self.caught if "malformed" in str(w.message)]
        assert not msgs, msgs
        return False


def test_a_silent_run_from_another_host_is_crashed_after_its_lease(tmp_path):
    store = tmp_path / "store"
    stale_id, live_id = "20261127000000-00stale0", "20261127000000-00live00"
    stale = _write_journal(store, stale_id,
                           [codec.encode(e) for e in _events(stale_id, 3, "elsewhere", 1)])
    _write_journal(store, live_id, [codec.encode(e) for e in _events(live_id, 2, "elsewhere", 1)])
    old = time.time() - 3600  # no heartbeat for an hour: its lease ran out
    os.utime(stale, (old, old))
    runs = kerasprov.open_store(str(store)).runs().set_index("run_id")
    assert runs.loc[stale_id, "status"] == "crashed"
    assert runs.loc[live_id, "status"] == "running"  # a live run elsewhere is left alone
    assert runs.loc[stale_id, "epochs"] == 3


def test_a_live_local_run_is_not_marked_crashed(tmp_path):
    store = tmp_path / "store"
    run_id = "20261127000000-00alive0"
    _write_journal(store, run_id, [codec.encode(e) for e in
                                   _events(run_id, 2, socket.gethostname(), os.getpid())])
    assert _one_run(store)["status"] == "running"
    # ... and once its process has ended without closing the run, it is crashed.
    store2 = tmp_path / "store2"
    shutil.copytree(store / "journals", store2 / "journals")
    lines = (store2 / "journals" / segment_name(run_id, 0)).read_text().splitlines()
    events = [codec.decode(ln) for ln in lines if ln != END_MARK]
    events[0]["pid"] = _dead_pid()
    _write_journal(store2, run_id, [codec.encode(e) for e in events])
    assert _one_run(store2)["status"] == "crashed"


def test_a_run_with_one_stale_and_one_fresh_segment_is_alive(tmp_path):
    """A writer that gave up a segment (disk full) goes on in a newer one: not a crash."""
    store = tmp_path / "store"
    run_id = "20261127000000-0twosegs"
    events = [codec.encode(e) for e in _events(run_id, 4, "elsewhere", 1)]
    old = _write_journal(store, run_id, events[:3])
    (store / "journals" / segment_name(run_id, 1)).write_text(
        "".join(line + "\n" for line in events[2:]))  # one event written again: harmless
    past = time.time() - 3600
    os.utime(old, (past, past))
    run = _one_run(store)
    assert run["status"] == "running"
    assert run["epochs"] == 4
