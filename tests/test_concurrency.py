"""Issue #7 (1): four trainings on one embedded store while the CLI, the Python API and the
UI read it in loops: every run completes, every epoch is stored once, no lock error shows."""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import threading
import time

from reliability_util import assert_clean, child_env, start_training

import kerasprov

TRAINERS = 4
EPOCHS = 20


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Loop(threading.Thread):
    """Calls ``fn`` until stopped; keeps every failure and every result."""

    def __init__(self, fn):
        super().__init__(daemon=True)
        self.fn, self.stop, self.errors, self.results = fn, threading.Event(), [], []

    def run(self):
        while not self.stop.is_set():
            try:
                self.results.append(self.fn())
            except Exception as exc:  # noqa: BLE001 - every failure is the finding
                self.errors.append(repr(exc))
            time.sleep(0.05)


def _cli(store):
    out = subprocess.run([sys.executable, "-m", "kerasprov", "sql",
                          "SELECT run_id, status, epochs FROM runs", "--format", "json"],
                         capture_output=True, text=True, timeout=300, env=child_env(store),
                         check=False)
    if out.returncode != 0 or out.stderr.strip():
        raise AssertionError(f"kerasprov sql failed ({out.returncode}): {out.stderr}")
    return json.loads(out.stdout)


def _start_ui(store):
    """A real uvicorn server over the store, when the UI pages exist."""
    if importlib.util.find_spec("kerasprov.server.pages") is None:
        return None, None
    port = _free_port()
    code = ("import uvicorn, sys; from kerasprov.server.app import create_app; "
            "uvicorn.run(create_app(sys.argv[1]), host='127.0.0.1', port=int(sys.argv[2]), "
            "log_level='warning')")
    proc = subprocess.Popen([sys.executable, "-c", code, str(store), str(port)],
                            env=child_env(store), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    import httpx
    url = f"http://127.0.0.1:{port}/.json"
    for _ in range(300):
        try:
            httpx.get(url, timeout=5)
            break
        except httpx.TransportError:
            time.sleep(0.1)
    return proc, url


def test_four_trainings_while_cli_api_and_ui_read(tmp_path):
    store = tmp_path / "store"
    ui, ui_url = _start_ui(store)
    loops = [Loop(lambda: _cli(store)),
             Loop(lambda: kerasprov.open_store(str(store)).runs()
                  [["run_id", "status", "epochs"]].to_dict("records"))]
    if ui_url:
        import httpx

        def poll_ui():
            r = httpx.get(ui_url, timeout=120)
            body = r.json()
            if r.status_code != 200 or body.get("ok") is False:
                raise AssertionError(f"UI answered {r.status_code}: {body}")
            return body
        loops.append(Loop(poll_ui))
    for loop in loops:
        loop.start()
    trainers = [start_training(store, f"conc{i}", epochs=EPOCHS, sleep=0.05)
                for i in range(TRAINERS)]
    outputs = []
    try:
        for proc in trainers:
            outputs.append(proc.communicate(timeout=600))
    finally:
        for proc in trainers:
            if proc.poll() is None:
                proc.kill()
        for loop in loops:
            loop.stop.set()
        for loop in loops:
            loop.join(timeout=300)
        if ui is not None:
            ui.terminate()
            _, ui_err = ui.communicate(timeout=30)
            assert_clean(ui_err)

    for proc, (out, err) in zip(trainers, outputs):
        assert proc.returncode == 0, err
        assert f"TRAINED {EPOCHS}" in out
        assert_clean(err)  # no warning, no traceback, no lock error
    for loop in loops:
        assert not loop.errors, loop.errors[:3]
        assert loop.results, "a reader never got an answer"
    # The readers really overlapped the trainings: some answer saw a run still in progress.
    cli_seen = [r for answer in loops[0].results + loops[1].results for r in answer]
    assert any(r["status"] == "running" for r in cli_seen), "readers never overlapped"

    s = kerasprov.open_store(str(store))
    runs = s.runs()
    assert len(runs) == TRAINERS
    assert set(runs["status"]) == {"finished"}
    counts = s.sql("SELECT run_id, epoch, COUNT(*) AS n FROM ds_otrainingmodel "
                   "GROUP BY run_id, epoch ORDER BY run_id, epoch")
    assert set(counts["n"]) == {1}, "an epoch was stored twice"
    for run_id in runs["run_id"]:
        assert counts[counts["run_id"] == run_id]["epoch"].tolist() == list(range(EPOCHS))
    # Every journal was ingested and retired.
    assert not list((store / "journals").glob("*.jsonl"))
    assert os.path.exists(store / "provenance.duckdb")


def test_queries_in_threads_while_this_process_trains(store_dir):
    """Reader threads and the outbox writer (delivering at each run end) share one DuckDB
    instance in this process: their units must take turns, or DuckDB reports a conflict."""
    from kp_util import data, mlp
    errors, reads, stop = [], [0], threading.Event()

    def read():
        while not stop.is_set():
            try:
                kerasprov.open_store(str(store_dir)).runs()
                reads[0] += 1
            except Exception as exc:  # noqa: BLE001 - every failure is the finding
                errors.append(repr(exc))

    with kerasprov.open_store(str(store_dir), create=True).unit():
        pass  # the store exists before the readers start (a reader creates none)
    readers = [threading.Thread(target=read, daemon=True) for _ in range(2)]
    for t in readers:
        t.start()
    x, y = data(64)
    try:
        for i in range(8):
            model = mlp()
            model.provenance(f"inproc{i}")
            model.fit(x, y, epochs=2, verbose=0)
            model.evaluate(x, y, verbose=0)
    finally:
        kerasprov.flush()
        stop.set()
        for t in readers:
            t.join(timeout=120)
    assert not errors, errors[:3]
    assert reads[0] > 0
    runs = kerasprov.open_store(str(store_dir)).runs()
    assert sorted(runs["epochs"]) == [2] * 8 and set(runs["status"]) == {"finished"}
