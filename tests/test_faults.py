"""Issue #7 (3): a store that cannot be written, a full disk, a DuckDB file held by another
process. Each: training completes with at most one warning, and after recovery nothing is lost.

Tests run as root, and root ignores file permissions, so faults are made real in ways root
cannot bypass: a read-only bind mount (in a private mount namespace), a regular file where a
directory is expected, and ``RLIMIT_FSIZE`` (a write past the limit fails with EFBIG).
"""

from __future__ import annotations

import resource
import shutil
import signal
import subprocess
import sys
import textwrap

import pytest
from reliability_util import assert_clean, provenance_warnings, read_until, start_training

import kerasprov
from kerasprov.errors import NoStore

EPOCHS = 8
FAULT = ("--flush-timeout", "0.2")


def _finish(proc, timeout=300):
    try:
        return proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def _all_epochs_stored(store, tag, epochs=EPOCHS):
    s = kerasprov.open_store(str(store))
    runs = s.runs(dataflow=tag)
    assert len(runs) == 1, runs
    run = runs.iloc[0]
    assert run["status"] == "finished"
    assert s.epochs(run["run_id"])["epoch"].tolist() == list(range(epochs))
    hp = s.sql(f"SELECT child FROM ds_itrainingmodel WHERE run_id = '{run['run_id']}'")
    assert hp["child"].tolist() == [tag]


# -- read-only store --------------------------------------------------------------------------
def _can_mount() -> bool:
    if not shutil.which("unshare") or not shutil.which("nsenter"):
        return False
    probe = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c",
                            "mount -t tmpfs none /mnt"], capture_output=True, check=False)
    return probe.returncode == 0


_READ_ONLY = ('mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" && exec "$@"')
needs_mount = pytest.mark.skipif(not _can_mount(), reason="needs mount namespaces (CAP_SYS_ADMIN)")


def _read_only_child(store, tag):
    store.mkdir(parents=True, exist_ok=True)
    wrap = ["unshare", "-m", "--propagation", "private", "sh", "-c", _READ_ONLY, str(store)]
    return start_training(store, tag, epochs=EPOCHS, sleep=0.1, extra=FAULT, wrap=wrap)


@needs_mount
def test_read_only_store_then_writable_again_loses_nothing(tmp_path):
    store = tmp_path / "store"
    child = _read_only_child(store, "ro_recovers")
    read_until(child, r"^EPOCH 2$")  # three epochs could not be journaled
    subprocess.run(["nsenter", "-t", str(child.pid), "-m", "mount", "-o", "remount,bind,rw",
                    str(store)], check=True)
    out, err = _finish(child)
    assert child.returncode == 0 and f"TRAINED {EPOCHS}" in out, err
    (warning,) = provenance_warnings(err)
    assert "cannot write the journal" in warning and "training goes on" in warning
    assert_clean(err, allowed_warnings=1)
    _all_epochs_stored(store, "ro_recovers")


@needs_mount
def test_read_only_store_for_the_whole_run_reports_the_loss(tmp_path):
    store = tmp_path / "store"
    out, err = _finish(_read_only_child(store, "ro_forever"))
    assert f"TRAINED {EPOCHS}" in out, err
    warns = provenance_warnings(err)
    assert len(warns) == 2, err  # one while training, one "lost" report at exit
    assert "cannot write the journal" in warns[0] and "lost" in warns[1]
    assert_clean(err, allowed_warnings=2)
    with pytest.raises(NoStore):  # nothing half-written either: no journal, no database
        kerasprov.open_store(str(store)).runs()


def test_store_path_blocked_by_a_file_then_freed_loses_nothing(tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the store's parent directory should be")
    store = blocker / "store"
    child = start_training(store, "blocked", epochs=EPOCHS, sleep=0.1, extra=FAULT)
    read_until(child, r"^EPOCH 1$")
    blocker.unlink()  # the user fixes it while training goes on
    blocker.mkdir()
    out, err = _finish(child)
    assert child.returncode == 0 and f"TRAINED {EPOCHS}" in out, err
    assert_clean(err, allowed_warnings=1)
    assert len(provenance_warnings(err)) == 1
    _all_epochs_stored(store, "blocked")


# -- disk full ----------------------------------------------------------------------------------
def _limit_file_size(limit):
    def preexec():
        # Past the limit, write() fails with EFBIG instead of the process being killed.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
    return preexec


@pytest.mark.parametrize("limit", [600, 5000])
def test_disk_full_then_space_again_loses_nothing(tmp_path, limit):
    """600 bytes: not even the first event fits; 5000: the journal fills up mid-run (the
    writer then goes on in a new segment, as each group is small: the epochs may all be
    journaled before the space comes back)."""
    store = tmp_path / "store"
    child = start_training(store, "diskfull", epochs=EPOCHS, sleep=0.1, extra=FAULT,
                           preexec_fn=_limit_file_size(limit))
    read_until(child, r"^EPOCH 3$" if limit < 1000 else r"^(EPOCH|JOURNALED) 3$")
    resource.prlimit(child.pid, resource.RLIMIT_FSIZE,
                     (resource.RLIM_INFINITY, resource.RLIM_INFINITY))  # space freed
    out, err = _finish(child)
    assert child.returncode == 0 and f"TRAINED {EPOCHS}" in out, err
    assert_clean(err, allowed_warnings=1)
    assert len(provenance_warnings(err)) == 1, err
    _all_epochs_stored(store, "diskfull")


def test_disk_full_for_the_whole_run_keeps_what_fits(tmp_path):
    store = tmp_path / "store"
    child = start_training(store, "alwaysfull", epochs=EPOCHS, sleep=0.05, extra=FAULT,
                           preexec_fn=_limit_file_size(20_000))
    out, err = _finish(child)
    assert child.returncode == 0 and f"TRAINED {EPOCHS}" in out, err
    assert_clean(err, allowed_warnings=2)
    s = kerasprov.open_store(str(store))  # another process, with space, opens it later
    runs = s.runs()
    assert len(runs) <= 1
    if len(runs):
        epochs = s.epochs(runs["run_id"].iloc[0])["epoch"].tolist()
        assert epochs == list(range(len(epochs)))  # a prefix, never a hole
        if len(epochs) < EPOCHS:
            assert any("lost" in w for w in provenance_warnings(err)), err


# -- DuckDB file held by another process --------------------------------------------------------
HOLD = textwrap.dedent("""
    import sys, duckdb
    con = duckdb.connect(sys.argv[1])
    print("HOLDING", flush=True)
    sys.stdin.readline()
""")


def test_duckdb_file_held_then_released_mid_training(tmp_path):
    store = tmp_path / "store"
    kerasprov.open_store(str(store), create=True).runs()  # the database exists
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(store / "provenance.duckdb")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "HOLDING"
        child = start_training(store, "held", epochs=EPOCHS, sleep=0.1)
        read_until(child, r"^JOURNALED 2$")
        with pytest.raises(kerasprov.KerasProvError, match="locked"):
            kerasprov.open_store(str(store), lock_timeout=0.3).runs()
    finally:
        holder.communicate("\n", timeout=30)
    out, err = _finish(child)
    assert child.returncode == 0 and f"TRAINED {EPOCHS}" in out, err
    assert_clean(err)  # no warning at all: the journal simply waited
    # A trainer never opens the database (one writer rule, and a lean training process):
    # its closed journal waits for the next reader, which ingests and retires it.
    assert list((store / "journals").glob("*.jsonl"))
    _all_epochs_stored(store, "held")
    assert not list((store / "journals").glob("*.jsonl"))
