"""Issue #23 (1): every epoch that finished is on disk at once, whatever kills the training.

Each case is one real training process (``reliability_util`` as a child) that is stopped
with SIGKILL at a chosen point: from one of its own callbacks (at the end of the first
epoch, mid-run, right after an epoch, mid-batch, in the middle of writing a checkpoint) or
from this process. Its epochs last ``PAUSE`` seconds, far more than the few milliseconds
the writer needs, and far less than the writer's old 0.5 s clock (which lost them all).
Then a later reader (DuckDB) or ``kerasprov sync`` (a live ``kerasprov serve``) finds
every epoch that had ended, once, in a ``crashed`` run.

Also issue #20 (2): a data-only script (no fit) records the files it used and generated,
and its run ends ``finished``, however the interpreter shuts down.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time

import pytest
from reliability_util import child_env, ended, read_until, stop_cmd
from test_server import dir_server  # noqa: F401  (fixture)

import kerasprov

PAUSE = 0.25


def _epochs(store) -> tuple[dict, list[int]]:
    s = kerasprov.open_store(str(store))
    runs = s.runs()
    assert len(runs) == 1, runs
    run = runs.iloc[0].to_dict()
    return run, s.epochs(run["run_id"])["epoch"].tolist()


def _run_child(cmd, store, timeout=300) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, env=child_env(store), capture_output=True, text=True,
                          timeout=timeout, check=False)


# Where the child kills itself -> the epochs that must be stored (all that ended before).
KILL_POINTS = {
    "end:0": [[]],  # the first epoch: no epoch, but the run and its start are there
    "end:4": [[0, 1, 2, 3]],  # mid-run, in a callback before epoch 4's row
    "batch:2": [[0, 1]],  # in the middle of an epoch
    # Right after epoch 2's row was handed over (microseconds before): it may be lost.
    "begin:3": [[0, 1], [0, 1, 2]],
    "save:2": [[0, 1]],  # in the middle of writing epoch 2's checkpoint
}


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_sigkill_from_a_callback_keeps_every_finished_epoch(tmp_path, point):
    store, ckpt = tmp_path / "store", tmp_path / "ckpt"
    ckpt.mkdir()
    extra = ("--checkpoint", str(ckpt)) if point.startswith("save") else ()
    res = _run_child(stop_cmd("killed", 30, point, "KILL", PAUSE, extra), store)
    assert res.returncode == -signal.SIGKILL, res.stderr
    assert f"STOPPING {point}" in res.stdout and "TRAINED" not in res.stdout
    run, epochs = _epochs(store)  # this open ingests the journal the dead process left
    assert epochs in KILL_POINTS[point], (point, epochs)
    assert run["status"] == "crashed"
    if point.startswith("save"):
        files = kerasprov.open_store(str(store)).sql(
            "SELECT epoch, sha256 FROM file WHERE kind = 'checkpoint' ORDER BY epoch")
        # Every checkpoint written before the kill, with its hash; not the torn one.
        assert files["epoch"].tolist() == epochs
        assert files["sha256"].str.len().tolist() == [64] * len(epochs)


def _killed_with_checkpoints(tmp_path, tag: str, point: str, *more: str):
    """A child with ModelCheckpoint into ``ckpt/`` that SIGKILLs itself at ``point``."""
    store, ckpt = tmp_path / "store", tmp_path / "ckpt"
    ckpt.mkdir()
    res = _run_child(stop_cmd(tag, 30, point, "KILL", PAUSE, ("--checkpoint", str(ckpt), *more)),
                     store)
    assert res.returncode == -signal.SIGKILL, res.stderr
    return store, ckpt, res


def _checkpoints(store):
    return kerasprov.open_store(str(store)).sql(
        "SELECT epoch, sha256 FROM file WHERE kind = 'checkpoint' ORDER BY epoch, sha256")


def test_a_checkpoint_saved_inside_an_epoch_is_on_disk_at_once(tmp_path):
    """A save every N batches wakes the writer itself (one saved at an epoch's end goes
    with that epoch's row): killed ``PAUSE`` s after a mid-epoch save and before the next,
    the run still has that version, with the sha256 of the bytes on disk."""
    import hashlib

    store, ckpt, _ = _killed_with_checkpoints(tmp_path, "midsave", "batchsave:2")
    run, epochs = _epochs(store)
    assert epochs == [0, 1] and run["status"] == "crashed"
    files = _checkpoints(store)
    on_disk = hashlib.sha256((ckpt / "ckpt-batch.keras").read_bytes()).hexdigest()
    # Two saves per epoch (after batches 1 and 3); epoch 2 had saved once, after batch 1.
    assert files["epoch"].tolist().count(2) == 1, files
    assert files[files["epoch"] == 2]["sha256"].tolist() == [on_disk]


def test_an_epochs_row_is_on_disk_before_its_checkpoint_is_hashed(tmp_path):
    """A big checkpoint takes long to hash (here 3 s each): the writer writes and fsyncs
    the epoch's row before it reads the file saved at that epoch's end, so a kill while
    the file is hashed keeps the epoch (before, the row waited for the hash)."""
    store, ckpt, res = _killed_with_checkpoints(tmp_path, "slowhash", "end:1",
                                                "--slow-hash", "3")
    assert "STOPPING end:1" in res.stdout
    run, epochs = _epochs(store)
    assert epochs == [0] and run["status"] == "crashed"
    assert (ckpt / "ckpt-01.keras").exists()  # epoch 0's file: saved, still being hashed


def test_a_checkpoint_saved_before_a_slow_callback_is_kept_if_the_process_dies_in_it(
        tmp_path):
    """A checkpoint saved at an epoch's end waits for the epoch's row, but not for longer
    than the writer's clock: killed in a slow callback after the save (2.5 s), the run
    keeps that checkpoint with its hash, and not the epoch, which never ended."""
    import hashlib

    store, ckpt, _ = _killed_with_checkpoints(tmp_path, "hang", "aftersave:1")
    run, epochs = _epochs(store)
    assert epochs == [0] and run["status"] == "crashed"
    files = _checkpoints(store)
    assert files["epoch"].tolist() == [0, 1]
    on_disk = hashlib.sha256((ckpt / "ckpt-02.keras").read_bytes()).hexdigest()
    assert files["sha256"].tolist()[1] == on_disk


def test_sigkill_from_another_process_keeps_every_finished_epoch(tmp_path):
    store = tmp_path / "store"
    child = subprocess.Popen(stop_cmd("outside", 200, "never", "KILL", 2 * PAUSE),
                             env=child_env(store), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        seen = read_until(child, r"^ENDED 2$", timeout=240)
        time.sleep(PAUSE / 2)  # epoch 2 ended, epoch 3 is in its first moments
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == -signal.SIGKILL
    finished = ended("\n".join(seen) + "\n" + out)
    run, epochs = _epochs(store)
    assert run["status"] == "crashed"
    # Every epoch whose end the child announced is there; at most the one ending at the
    # very moment of the kill is extra.
    assert epochs[:len(finished)] == finished == [0, 1, 2]
    assert epochs == list(range(len(epochs))) and len(epochs) <= len(finished) + 1


@pytest.mark.parametrize("how", ["callback", "outside"])
def test_sigkill_while_sending_to_a_server_delivers_every_finished_epoch_later(
        tmp_path, dir_server, monkeypatch, how):  # noqa: F811
    from test_server import TOKEN
    outbox = tmp_path / "outbox"
    env = child_env(dir_server.url, KERASPROV_OUTBOX=str(outbox), KERASPROV_TOKEN=TOKEN)
    point = "end:3" if how == "callback" else "never"
    child = subprocess.Popen(stop_cmd("remote", 200, point, "KILL", 2 * PAUSE), env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        if how == "outside":
            read_until(child, r"^ENDED 2$", timeout=240)
            time.sleep(PAUSE / 2)
            child.send_signal(signal.SIGKILL)
        child.communicate(timeout=240)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == -signal.SIGKILL
    # The server saw what the trainer delivered while it lived (every 2 s: maybe nothing
    # yet); the journal on the trainer's disk holds the rest until a later process sends it.
    monkeypatch.setenv("KERASPROV_OUTBOX", str(outbox))
    monkeypatch.setenv("KERASPROV_TOKEN", TOKEN)
    sync = subprocess.run([sys.executable, "-m", "kerasprov", "sync", "--store",
                           dir_server.url], env={**env}, capture_output=True, text=True,
                          timeout=120, check=False)
    assert sync.returncode == 0, sync.stderr
    rows = dir_server.sql("SELECT epoch FROM epochs WHERE dataflow_tag = 'remote' "
                          "ORDER BY epoch")
    epochs = [r["epoch"] for r in rows]
    if how == "callback":
        assert epochs == [0, 1, 2]
    else:
        assert epochs[:3] == [0, 1, 2] and epochs == list(range(len(epochs)))
    runs = dir_server.sql("SELECT COUNT(*) AS n FROM execution WHERE dataflow_tag = 'remote'")
    assert runs[0]["n"] == 1


# -- issue #20 (2): a data-only script -------------------------------------------------------
DATA_ONLY = textwrap.dedent("""
    import sys, threading, time
    import numpy as np
    import kerasprov

    np.save("source.npy", np.arange(10))
    src = kerasprov.use_file("source.npy")   # declared before any transformation
    with kerasprov.transformation("Prep", inputs={"factor": 2}) as t:
        np.save(t.generated_file("prepared.npy"), np.load(src) * 2)
        t.output(n=10)
    if sys.argv[1] == "thread-and-exit":  # another thread still runs as the script exits
        threading.Thread(target=time.sleep, args=(1.0,)).start()
        sys.exit(0)
""")


@pytest.mark.parametrize("ending", ["falls-off-the-end", "thread-and-exit"])
def test_a_data_only_script_records_its_files_and_ends_its_run(tmp_path, ending):
    import hashlib

    import numpy as np

    store = tmp_path / "store"
    res = subprocess.run([sys.executable, "-c", DATA_ONLY, ending], cwd=tmp_path,
                         env=child_env(store), capture_output=True, text=True, timeout=120,
                         check=False)
    assert res.returncode == 0, res.stderr
    assert "could not close run" not in res.stderr and "Traceback" not in res.stderr, res.stderr
    s = kerasprov.open_store(str(store))
    runs = s.runs()
    assert runs["status"].tolist() == ["finished"]
    files = s.sql("SELECT path, role, sha256 FROM file ORDER BY role").to_dict("records")
    expect = {p: hashlib.sha256((tmp_path / p).read_bytes()).hexdigest()
              for p in ("source.npy", "prepared.npy")}
    assert [(f["role"], f["path"], f["sha256"]) for f in files] == [
        ("generated", str(tmp_path / "prepared.npy"), expect["prepared.npy"]),
        ("used", str(tmp_path / "source.npy"), expect["source.npy"])]
    assert np.load(tmp_path / "prepared.npy").tolist() == list(range(0, 20, 2))
