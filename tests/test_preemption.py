"""Issue #23 (2): SIGTERM (how schedulers preempt a job) ends the run as ``terminated``.

A real training stopped by SIGTERM during ``fit`` keeps every epoch it finished, its run
and its Training task are ``terminated`` with the signal as the reason, and the process
ends exactly as it would without kerasprov: killed by SIGTERM (-15 here, 143 in a shell),
or through the script's own handler, installed before ``import kerasprov`` or after it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from click.testing import CliRunner
from reliability_util import child_env, ended, read_until, stop_cmd
from test_server import dir_server  # noqa: F401  (fixture)

import kerasprov
from kerasprov.cli import cli

PAUSE = 0.2


def _baseline_status() -> int:
    """What SIGTERM does to a Python process without kerasprov."""
    res = subprocess.run([sys.executable, "-c",
                          "import os, signal; os.kill(os.getpid(), signal.SIGTERM)"],
                         check=False)
    return res.returncode


def _terminated(store, finished: list[int]) -> None:
    s = kerasprov.open_store(str(store))
    runs = s.runs(status="terminated")
    assert len(runs) == 1 and len(s.runs()) == 1, s.runs()
    run = runs.iloc[0]
    assert "SIGTERM" in run["error"]
    assert s.epochs(run["run_id"])["epoch"].tolist() == finished
    tasks = s.sql("SELECT transformation_tag, status, error, end_time FROM task")
    assert tasks["status"].tolist() == ["terminated"]
    assert tasks["end_time"].notna().all() and "SIGTERM" in tasks["error"][0]
    # The CLI filters on the new status like on any other.
    out = CliRunner().invoke(cli, ["runs", "--store", str(store), "--status", "terminated"])
    assert out.exit_code == 0 and run["run_id"] in out.output, out.output


def test_sigterm_during_fit_ends_the_run_terminated_and_dies_by_the_signal(tmp_path):
    store = tmp_path / "store"
    res = subprocess.run(stop_cmd("term", 30, "end:3", "TERM", PAUSE), env=child_env(store),
                         capture_output=True, text=True, timeout=300, check=False)
    assert res.returncode == _baseline_status() == -signal.SIGTERM, res.stderr
    assert "TRAINED" not in res.stdout and "Traceback" not in res.stderr, res.stderr
    _terminated(store, [0, 1, 2])


def test_sigterm_from_a_scheduler_gives_a_shell_the_status_143(tmp_path):
    """The scheduler's SIGTERM comes from outside, to a child of a shell (a job script)."""
    store = tmp_path / "store"
    script = '"$@"; echo "STATUS $?"'
    child = subprocess.Popen(["sh", "-c", script, "sh",
                              *stop_cmd("sched", 200, "never", "TERM", 2 * PAUSE)],
                             env=child_env(store), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        lines = read_until(child, r"^ENDED 2$", timeout=240)
        pid = int(next(ln.split()[1] for ln in lines if ln.startswith("PID ")))
        os.kill(pid, signal.SIGTERM)
        out, err = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert "STATUS 143" in out, (out, err)
    finished = ended("\n".join(lines) + "\n" + out)
    s = kerasprov.open_store(str(store))
    run = s.runs(status="terminated").iloc[0]
    epochs = s.epochs(run["run_id"])["epoch"].tolist()
    assert epochs[:len(finished)] == finished and len(epochs) <= len(finished) + 1


@pytest.mark.parametrize("installed", ["before", "after"])
def test_the_scripts_own_sigterm_handler_still_runs(tmp_path, installed):
    """Installed before ``import kerasprov`` or after it (and after ``model.provenance``)."""
    store = tmp_path / "store"
    res = subprocess.run(stop_cmd("own", 30, "end:2", "TERM", PAUSE,
                                  ("--user-handler", installed)),
                         env=child_env(store), capture_output=True, text=True, timeout=300,
                         check=False)
    assert "USER HANDLER 15" in res.stdout, res.stderr
    assert res.returncode == 7, res.stderr  # the handler's own sys.exit(7)
    _terminated(store, [0, 1])


def test_sigterm_while_sending_to_a_server_delivers_the_terminated_run(
        tmp_path, dir_server):  # noqa: F811
    from test_server import TOKEN
    env = child_env(dir_server.url, KERASPROV_OUTBOX=str(tmp_path / "outbox"),
                    KERASPROV_TOKEN=TOKEN)
    res = subprocess.run(stop_cmd("remote_term", 30, "batch:3", "TERM", PAUSE), env=env,
                         capture_output=True, text=True, timeout=300, check=False)
    assert res.returncode == -signal.SIGTERM, res.stderr
    # Delivered by the handler itself, before the process died: no sync needed.
    runs = dir_server.sql("SELECT run_id, status, error FROM execution")
    assert [r["status"] for r in runs] == ["terminated"]
    epochs = dir_server.sql("SELECT epoch FROM epochs ORDER BY epoch")
    assert [r["epoch"] for r in epochs] == [0, 1, 2]


# -- the handler's rules, in this process (no training needed) ---------------------------------
@pytest.fixture
def sigterm_restored():
    """This process's SIGTERM handler and kerasprov's handler state, as they were."""
    from kerasprov.capture import preempt
    saved, state = signal.getsignal(signal.SIGTERM), dict(preempt._state)
    preempt._state.update(prev=signal.SIG_DFL, first=None, on_term=None)
    yield
    signal.signal(signal.SIGTERM, saved)
    preempt._state.clear()
    preempt._state.update(state)


def test_an_ignored_sigterm_stays_ignored(sigterm_restored):
    from kerasprov.capture import preempt
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    preempt.guard(lambda signum: pytest.fail("a run was ended"))
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_IGN
    os.kill(os.getpid(), signal.SIGTERM)  # ignored, as without kerasprov


def test_a_handler_that_chains_to_ours_runs_once_without_a_loop(sigterm_restored):
    """A script's handler installed after ours that calls what it replaced (ours): every
    handler runs once, in order, and the one before ours ends the chain."""
    from kerasprov.capture import preempt
    seen = []
    signal.signal(signal.SIGTERM, lambda s, f: seen.append("before"))
    preempt.guard(lambda signum: seen.append(f"runs ended ({signum})"))
    ours = signal.getsignal(signal.SIGTERM)

    def users(signum, frame):
        seen.append("user")
        ours(signum, frame)
    signal.signal(signal.SIGTERM, users)
    preempt.guard(lambda signum: seen.append(f"runs ended ({signum})"))  # the next fit
    assert signal.getsignal(signal.SIGTERM) is ours
    os.kill(os.getpid(), signal.SIGTERM)
    assert seen == ["runs ended (15)", "user", "before"]


def test_no_handler_is_installed_from_another_thread(sigterm_restored):
    import threading

    from kerasprov.capture import preempt
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    t = threading.Thread(target=preempt.guard, args=(lambda signum: None,))
    t.start()
    t.join()
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
