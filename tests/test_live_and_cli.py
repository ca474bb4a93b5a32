"""Issue #2: another process queries while a training writes; the CLI; the public API."""

import json
import os
import subprocess
import sys
import textwrap
import time

from kp_util import sql_json

import kerasprov

CHILD = textwrap.dedent("""
    import os, sys, time
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import kerasprov  # before keras: the import hook patches keras when it arrives
    import keras, numpy as np

    class Announce(keras.callbacks.Callback):
        # on_epoch_begin(n) runs after every on_epoch_end hook of epoch n-1, ours included
        def on_epoch_begin(self, epoch, logs=None):
            if epoch:
                print("ENDED", epoch - 1, time.time(), flush=True)
            time.sleep(float(sys.argv[1]))

    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32"); y = (x[:, :1] > 0).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    model.provenance("live")
    model.fit(x, y, epochs=int(sys.argv[2]), verbose=0, callbacks=[Announce()])
    print("DONE", flush=True)
""")


def test_query_while_training_sees_each_finished_epoch_within_2s(store_dir, tmp_path):
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    # 3 s per epoch: time for a reader process on a loaded machine to ask twice (2 s) and
    # then read the status while the run is still going.
    child = subprocess.Popen([sys.executable, str(script), "3", "5"], stdout=subprocess.PIPE,
                             text=True, env={**os.environ, "KERASPROV_STORE": str(store_dir)})
    seen_while_running = []
    try:
        for line in child.stdout:
            if not line.startswith("ENDED"):
                continue
            epoch = int(line.split()[1])
            deadline = time.time() + 2.0
            while True:  # a fresh `kerasprov sql` process each time, as a user would
                rows = sql_json(store_dir, "SELECT epoch FROM epochs WHERE dataflow_tag='live'")
                if epoch in {r["epoch"] for r in rows}:
                    break
                assert time.time() < deadline, f"epoch {epoch} not visible within 2 s"
            status = sql_json(store_dir, "SELECT status FROM runs")[0]["status"]
            seen_while_running.append((epoch, status))
    finally:
        child.wait(60)
    assert child.returncode == 0
    assert [e for e, _ in seen_while_running] == [0, 1, 2, 3]
    assert all(s == "running" for _, s in seen_while_running), seen_while_running
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
