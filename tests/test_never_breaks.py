"""Issue #2: capture never breaks training; each failure is one clear warning."""

import os
import subprocess
import sys
import textwrap

import pytest

TRAIN = textwrap.dedent("""
    import os, sys
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras, numpy as np, kerasprov

    class Opaque:
        pass

    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32"); y = (x[:, :1] > 0).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    extra = {"object": Opaque()} if "object" in sys.argv else {}
    model.provenance("robust", hyperparameters=extra)
    if "hook-bug" in sys.argv:
        from kerasprov.capture import session
        def broken(self, *args):
            raise RuntimeError("injected bug")
        session.Run.epoch_row = broken  # what every epoch's end calls
    h = model.fit(x, y, epochs=3, verbose=0)
    print("TRAINED", len(h.history["loss"]), flush=True)
""")


def train(tmp_path, store, *flags):
    script = tmp_path / "train.py"
    script.write_text(TRAIN)
    env = {**os.environ, "KERASPROV_STORE": str(store), "PYTHONWARNINGS": "default"}
    return subprocess.run([sys.executable, str(script), *flags], capture_output=True, text=True,
                          timeout=180, env=env)


def warnings_in(stderr):
    return [ln for ln in stderr.splitlines() if "ProvenanceWarning" in ln]


def test_unwritable_store_directory(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    res = train(tmp_path, blocker / "store")  # mkdir fails, even for root
    assert res.returncode == 0 and "TRAINED 3" in res.stdout
    warns = warnings_in(res.stderr)
    assert len(warns) == 2, res.stderr  # one while training, one "lost" report at exit
    assert "cannot write the journal" in warns[0] and "training goes on" in warns[0]
    assert "lost" in warns[1]
    assert "Traceback" not in res.stderr


def test_arbitrary_object_hyperparameter_is_stored_as_text(tmp_path):
    store = tmp_path / "store"
    res = train(tmp_path, store, "object")
    assert res.returncode == 0 and "TRAINED 3" in res.stdout
    warns = warnings_in(res.stderr)
    assert len(warns) == 1 and "'object'" in warns[0] and "repr" in warns[0]
    import kerasprov
    value = kerasprov.open_store(str(store)).sql("SELECT object FROM runs")["object"].iloc[0]
    assert value.startswith("<__main__.Opaque object at")


def test_a_bug_in_capture_does_not_stop_training(tmp_path):
    store = tmp_path / "store"
    res = train(tmp_path, store, "hook-bug")
    assert res.returncode == 0 and "TRAINED 3" in res.stdout
    warns = warnings_in(res.stderr)
    assert len(warns) == 1 and "injected bug" in warns[0]
    import kerasprov
    (run,) = kerasprov.open_store(str(store)).runs().to_dict("records")
    assert run["status"] == "finished"  # everything but the broken part was captured


HOLD = textwrap.dedent("""
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1])
    print("HOLDING", flush=True)
    sys.stdin.readline()
""")


def test_store_locked_by_another_process_for_the_whole_training(tmp_path):
    import kerasprov
    store = tmp_path / "store"
    kerasprov.open_store(str(store), create=True).runs()  # create the database file
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(store / "provenance.duckdb")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "HOLDING"
        res = train(tmp_path, store)
        assert res.returncode == 0 and "TRAINED 3" in res.stdout
        assert warnings_in(res.stderr) == [], res.stderr  # the journal keeps it; no alarm
        with pytest.raises(kerasprov.KerasProvError) as info:
            kerasprov.open_store(str(store), lock_timeout=0.5).runs()
        assert "locked" in str(info.value)
    finally:
        holder.communicate("\n", timeout=30)
    runs = kerasprov.open_store(str(store)).runs()  # the next unit of work ingests the journal
    assert list(runs["epochs"]) == [3] and list(runs["status"]) == ["finished"]
