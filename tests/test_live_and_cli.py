"""Issue #2: another process queries while a training writes; the CLI; the public API."""

import json
import os
import queue
import subprocess
import sys
import textwrap
import threading
import time

from kp_util import sql_json

import kerasprov

CHILD = textwrap.dedent("""
    import os, sys, time
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import kerasprov  # before keras: the import hook patches keras when it arrives
    import keras, numpy as np

    class Announce(keras.callbacks.Callback):
        # on_epoch_begin(n) runs after every on_epoch_end hook of epoch n-1, ours included;
        # then the training waits until the test has looked (at most 5 min: never hangs).
        def on_epoch_begin(self, epoch, logs=None):
            if epoch:
                print("ENDED", epoch - 1, flush=True)
                go, give_up = os.path.join(sys.argv[1], f"go-{epoch - 1}"), time.time() + 300
                while not os.path.exists(go) and time.time() < give_up:
                    time.sleep(0.02)

    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32"); y = (x[:, :1] > 0).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    model.provenance("live")
    model.fit(x, y, epochs=int(sys.argv[2]), verbose=0, callbacks=[Announce()])
    print("DONE", flush=True)
""")
#: How long a step may take on a loaded machine before the test fails: generous, since the
#: test waits on conditions (a line on disk, a row in the store), never on the clock.
DEADLINE_S = 60.0


def _journal_has_epoch(directory, epoch: int) -> bool:
    """Whether a journal segment (open or done) holds the training row of ``epoch``."""
    for path in [*directory.glob("*.jsonl"), *directory.glob("done/*.jsonl")]:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for line in text.split("\n")[:-1]:  # complete lines only, as a reader takes them
            if '"otrainingmodel"' not in line:
                continue
            try:
                ev = json.loads(line)
            except ValueError:
                continue  # a line being written
            if any(row.get("epoch") == epoch for row in ev.get("rows") or []
                   if isinstance(row, dict)):
                return True
    return False


def test_query_while_training_sees_each_finished_epoch(store_dir, tmp_path):
    """While a training runs in another process, each epoch it finishes reaches its journal
    on its own (no flush by the user), and a `kerasprov sql` started after that sees it
    at once, with the run still `running`.

    The training waits at each epoch boundary until the test has looked, so the checks do
    not race it on a loaded machine: every wait is for a condition, with a generous
    deadline, and a reader that missed an epoch that is on disk fails at once.
    """
    from kerasprov.store.kinds import journal_dir
    journals = journal_dir(str(store_dir))
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    child = subprocess.Popen([sys.executable, str(script), str(tmp_path), "5"],
                             stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "KERASPROV_STORE": str(store_dir)})
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in child.stdout] + [lines.put(None)],
                     daemon=True).start()
    seen_while_running, on_disk_after = [], []
    try:
        while True:
            line = lines.get(timeout=DEADLINE_S * 5)  # the training itself (keras import)
            if line is None or line.startswith("DONE"):
                break
            if not line.startswith("ENDED"):
                continue
            epoch = int(line.split()[1])
            ended = time.monotonic()
            while not _journal_has_epoch(journals, epoch):
                assert time.monotonic() - ended < DEADLINE_S, \
                    f"epoch {epoch} not in the journal {DEADLINE_S} s after it ended"
                time.sleep(0.02)
            on_disk_after.append(round(time.monotonic() - ended, 3))
            # A fresh process, as a user would: what is on disk, it sees on its first query.
            rows = sql_json(store_dir, "SELECT e.epoch, r.status FROM epochs e JOIN runs r "
                                       "USING (run_id) WHERE e.dataflow_tag = 'live'")
            assert epoch in {r["epoch"] for r in rows}, (epoch, rows)
            seen_while_running.append((epoch, {r["status"] for r in rows}))
            (tmp_path / f"go-{epoch}").touch()
    finally:
        for k in range(5):  # never leave the training waiting
            (tmp_path / f"go-{k}").touch()
        child.wait(DEADLINE_S)
    assert child.returncode == 0
    assert [e for e, _ in seen_while_running] == [0, 1, 2, 3], seen_while_running
    assert all(s == {"running"} for _, s in seen_while_running), seen_while_running
    print("epoch row on disk after its end (s):", on_disk_after)
    rows = sql_json(store_dir, "SELECT status, epochs FROM runs")
    assert rows == [{"status": "finished", "epochs": 5}]


def _cli(*args, store=None):
    env = dict(os.environ)
    if store is not None:
        env["KERASPROV_STORE"] = str(store)
    return subprocess.run([sys.executable, "-m", "kerasprov", *args], capture_output=True,
                          text=True, timeout=120, env=env)


def test_cli_formats_and_errors(store_dir):
    from kp_util import data, mlp
    x, y = data(64)
    model = mlp()
    model.provenance("cli")
    model.fit(x, y, epochs=2, verbose=0)
    kerasprov.flush()
    out = _cli("runs", "--dataflow", "cli", "--format", "json", store=store_dir)
    runs = json.loads(out.stdout)
    assert [r["epochs"] for r in runs] == [2] and runs[0]["status"] == "finished"
    csv = _cli("sql", "SELECT epoch, loss FROM epochs ORDER BY epoch", "--format", "csv",
               store=store_dir).stdout.splitlines()
    assert csv[0] == "epoch,loss" and len(csv) == 3
    table = _cli("runs", store=store_dir).stdout
    assert "cli" in table and "finished" in table
    for bad, words in (("DELETE FROM execution", "read-only"),
                       ("SELECT * FROM read_csv('/etc/passwd')", "not allowed"),
                       ("SELECT 1; DROP TABLE execution", "one SQL statement"),
                       ("SELECT nope FROM runs", "nope")):
        res = _cli("sql", bad, store=store_dir)
        assert res.returncode == 1, bad
        assert res.stderr.startswith("Error: ") and words in res.stderr, res.stderr
        assert "Traceback" not in res.stderr
    assert sql_json(store_dir, "SELECT count(*) AS n FROM execution") == [{"n": 1}]


def test_cli_does_not_import_keras():
    code = ("import sys, kerasprov.cli, kerasprov; "
            "print('keras' in sys.modules, 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.split() == ["False", "False"], out.stderr


def test_public_api_is_frozen():
    assert kerasprov.__all__ == sorted([
        "KerasProvError", "ProvenanceCallback", "ProvenanceWarning", "Store", "__version__",
        "autolog", "configure", "distributed", "flush", "generated_file", "open_store",
        "transformation", "use_file"])
    for name in kerasprov.__all__:
        assert getattr(kerasprov, name) is not None
