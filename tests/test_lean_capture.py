"""Issue #14: a lean, quiet training process; learning-rate changes keep their technique.

Behaviour, not speed: what a training process imports, that the writer is not woken per
event yet journals on its own, that file hashes are right at every chunk boundary, and
that noting learning-rate changes as they happen names the right callback in every order.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time

import keras
import numpy as np
import pytest
from kp_util import data, mlp

import kerasprov

HEAVY = ("duckdb", "pandas", "pyarrow")


def _child(code: str, tmp_path) -> dict:
    env = {**os.environ, "KERASPROV_STORE": str(tmp_path / "store")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=300, env=env)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_kerasprov_loads_no_store_library(tmp_path):
    # Keras itself may import pandas (and pyarrow): this process does not import Keras.
    got = _child("import json, sys, kerasprov\n"
                 "kerasprov.configure, kerasprov.flush, kerasprov.transformation\n"
                 f"print(json.dumps(sorted(m for m in {HEAVY!r} + ('keras',) "
                 "if m in sys.modules)))", tmp_path)
    assert got == []


def test_the_explicit_callback_can_be_imported_before_keras(tmp_path):
    got = _child("import json, sys, kerasprov\n"
                 "from kerasprov import ProvenanceCallback\n"
                 "import keras\n"
                 "print(json.dumps([ProvenanceCallback.__name__, "
                 "hasattr(keras.Model, 'provenance')]))", tmp_path)
    assert got == ["ProvenanceCallback", True]


def test_open_store_is_still_there_on_first_use():
    assert kerasprov.open_store.__module__ == "kerasprov.query.api"
    assert kerasprov.Store.__name__ == "Store"
    assert {"open_store", "Store"} <= set(dir(kerasprov))


def test_a_captured_fit_adds_no_store_library_to_the_training_process(tmp_path):
    code = f"""
import json, os, sys, time
os.environ.setdefault("KERAS_BACKEND", "torch")
import kerasprov, keras, numpy as np
heavy = lambda: {{m for m in {HEAVY!r} if m in sys.modules}}
x = np.random.default_rng(0).normal(size=(64, 8)).astype("float32")
y = keras.utils.to_categorical((x[:, 0] > 0).astype(int), 2)
def model():
    m = keras.Sequential([keras.Input((8,)), keras.layers.Dense(2, activation="softmax")])
    m.compile("adam", "categorical_crossentropy")
    return m
model().fit(x, y, epochs=1, verbose=0)   # what Keras itself imports
before = heavy()
m = model()
m.provenance("lean", adaptation=True)
m.fit(x, y, epochs=2, verbose=0)
assert kerasprov.flush(30)
time.sleep(0.5)  # anything the writer does after the run's end
print(json.dumps({{"added": sorted(heavy() - before), "after": sorted(heavy())}}))
"""
    got = _child(code, tmp_path)
    assert got["added"] == [] and "duckdb" not in got["after"], got


# -- the writer is not woken per event ------------------------------------------------------
def _event(run, seq, type_="rows"):
    ev = {"v": 1, "run": run, "seq": seq, "type": type_, "ts": time.time()}
    if type_ == "run_start":
        ev["dataflow"] = "x"
    else:
        ev.update(task="t", set="otrainingmodel", rows=[{"epoch": seq}])
    return ev


def _lines(directory, run):
    return [ln for p in sorted(directory.glob(f"{run}.*.jsonl"))
            for ln in p.read_text().splitlines()]


def _until(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


def test_an_epoch_row_wakes_the_writer_and_a_batch_row_waits_for_its_clock(tmp_path):
    from kerasprov.outbox.writer import Outbox

    box = Outbox(tmp_path / "j")
    try:
        box.put(_event("r1", 0, "run_start"))  # a run's start wakes the writer at once
        assert _until(lambda: len(_lines(tmp_path / "j", "r1")) == 1)
        box.put(_event("r1", 1))  # a per-batch row: no wake-up, taken on the clock
        assert not box._wake.is_set()
        box.put(_event("r1", 2), sync=True)  # an epoch's row: written with it, at once
        assert _until(lambda: len(_lines(tmp_path / "j", "r1")) == 3)
        assert [json.loads(ln)["seq"] for ln in _lines(tmp_path / "j", "r1")] == [0, 1, 2]
        box.put(_event("r1", 3))
        assert _until(lambda: len(_lines(tmp_path / "j", "r1")) == 4)  # the clock's tick
    finally:
        box.close()
    assert _lines(tmp_path / "j", "r1")[-1].startswith("#")  # the end mark, at close


def test_a_built_event_wakes_the_writer_and_a_failing_builder_loses_only_its_event(
        tmp_path, recwarn):
    # put_built: the training thread queues a tuple; the writer makes the event from it.
    from kerasprov.outbox.writer import Outbox

    def build(run, seq):
        return _event(run, seq)

    def broken(run, seq):
        raise ValueError("no event here")

    box = Outbox(tmp_path / "j")
    try:
        box.put(_event("r1", 0, "run_start"))
        assert _until(lambda: len(_lines(tmp_path / "j", "r1")) == 1)
        box.put_built((broken, "r1", 1))
        box.put_built((build, "r1", 2))
        assert _until(lambda: len(_lines(tmp_path / "j", "r1")) == 2)
        box.put(_event("r1", 3))
        box.put_built((build, "r1", 4), follows=True)  # rides the wake that comes next
        box.put(_event("r1", 5), sync=True)
        assert _until(lambda: len(_lines(tmp_path / "j", "r1")) == 5)
        assert [json.loads(ln)["seq"] for ln in _lines(tmp_path / "j", "r1")] == [0, 2, 3, 4, 5]
    finally:
        box.close()
    said = [str(w.message) for w in recwarn if "no event here" in str(w.message)]
    assert len(said) == 1 and "could not build a provenance event" in said[0]


def test_an_idle_writer_sleeps_and_the_next_run_wakes_it(tmp_path):
    from kerasprov.outbox.writer import Outbox

    box = Outbox(tmp_path / "j")
    try:
        box.put(_event("r1", 0, "run_start"), sync=True, close=True)
        assert box.flush(10)
        assert _until(lambda: box._asleep)  # no open segment: no clock, only a wake-up
        box.put(_event("r2", 0, "run_start"), sync=True)
        assert _until(lambda: len(_lines(tmp_path / "j", "r2")) == 1)
    finally:
        box.close()


def test_flush_waits_for_every_event_put_before_it(tmp_path):
    from kerasprov.outbox.writer import Outbox

    box = Outbox(tmp_path / "j")
    try:
        for i in range(500):
            box.put(_event("r1", i, "run_start" if i == 0 else "rows"))
        assert box.flush(10)
        assert len(_lines(tmp_path / "j", "r1")) == 500
    finally:
        box.close()


# -- file hashes ----------------------------------------------------------------------------
@pytest.mark.parametrize("size_of", [lambda c: 0, lambda c: 1, lambda c: 2047,
                                     lambda c: c - 1, lambda c: c, lambda c: c + 1,
                                     lambda c: 3 * c + 5])
def test_file_hash_is_the_sha256_of_the_bytes_at_every_chunk_boundary(tmp_path, size_of):
    from kerasprov import digest
    from kerasprov.capture import files

    size = size_of(digest.CHUNK)
    payload = np.random.default_rng(size).integers(0, 256, size, dtype=np.uint8).tobytes()
    path = tmp_path / "f.bin"
    path.write_bytes(payload)
    assert digest.file_sha256(path) == (size, hashlib.sha256(payload).hexdigest())
    assert files.digest(path) == {"size": size, "sha256": hashlib.sha256(payload).hexdigest(),
                                  "hash_method": "full"}


# -- learning-rate changes keep their technique -----------------------------------------------
class HalveAtEnd(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        self.model.optimizer.learning_rate = float(self.model.optimizer.learning_rate) / 2


class ThirdByAssign(keras.callbacks.Callback):
    """Changes the variable directly, not through the optimizer's setter."""

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == 1:
            lr = self.model.optimizer.learning_rate
            lr.assign(float(lr) / 3)


def _adaptations(store=None):
    s = kerasprov.open_store(store)
    ad = s.sql("SELECT epoch, previous_learning_rate AS prev, learning_rate AS lr, technique "
               "FROM adaptations ORDER BY epoch, learning_rate DESC")
    ep = s.sql("SELECT epoch, learning_rate FROM epochs ORDER BY epoch")
    return ad.to_dict("records"), list(ep["learning_rate"])


def test_a_change_after_a_model_checkpoint_is_named_and_the_checkpoints_recorded(store_dir,
                                                                                 tmp_path):
    x, y = data(64)
    model = mlp(lr=0.01)
    model.provenance("after_ckpt", adaptation=True)
    ckpt = tmp_path / "m.keras"
    model.fit(x, y, epochs=3, verbose=0,
              callbacks=[keras.callbacks.ModelCheckpoint(str(ckpt)), HalveAtEnd()])
    ad, lrs = _adaptations()
    assert [(a["epoch"], a["technique"]) for a in ad] == [(1, "HalveAtEnd"), (2, "HalveAtEnd"),
                                                          (3, "HalveAtEnd")]
    assert lrs == pytest.approx([0.01, 0.005, 0.0025])
    files = kerasprov.open_store().sql("SELECT path, kind, sha256 FROM file "
                                       "WHERE kind = 'checkpoint'")
    assert len(files) == 3 and set(files["path"]) == {str(ckpt)}
    assert hashlib.sha256(ckpt.read_bytes()).hexdigest() in set(files["sha256"])


def test_two_changers_in_one_epoch_end_each_get_a_row_in_order(store_dir):
    x, y = data(64)
    model = mlp(lr=0.01)
    model.provenance("two_at_end", adaptation=True)
    plateau = keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=0,
                                                min_delta=10.0)
    model.fit(x, y, epochs=3, verbose=0, callbacks=[HalveAtEnd(), plateau])
    ad, lrs = _adaptations()
    # End of epoch 0: Halve only (the plateau sets its best); ends of 1 and 2: Halve, then
    # the plateau halves again. Each row starts where the previous one ended.
    assert [(a["epoch"], a["technique"]) for a in ad] == [
        (1, "HalveAtEnd"), (2, "HalveAtEnd"), (2, "ReduceLROnPlateau"),
        (3, "HalveAtEnd"), (3, "ReduceLROnPlateau")]
    for before, after in zip(ad, ad[1:]):
        assert after["prev"] == pytest.approx(before["lr"])
    assert [a["lr"] for a in ad] == pytest.approx([0.005, 0.0025, 0.00125, 0.000625,
                                                   0.0003125])
    assert lrs == pytest.approx([0.01, 0.005, 0.00125])


def test_a_scheduler_and_a_plateau_and_a_direct_assign(store_dir):
    x, y = data(64)
    model = mlp(lr=0.01)
    model.provenance("sched_plateau", adaptation=True)

    def schedule(epoch, lr):
        return lr * 0.1 if epoch == 2 else lr

    plateau = keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=0,
                                                min_delta=10.0)
    # The plateau comes first in the list but acts at epoch ends; the scheduler acts at
    # epoch begins; ThirdByAssign uses variable.assign at the beginning of epoch 1.
    model.fit(x, y, epochs=4, verbose=0,
              callbacks=[plateau, keras.callbacks.LearningRateScheduler(schedule),
                         ThirdByAssign()])
    ad, lrs = _adaptations()
    assert [(a["epoch"], a["technique"]) for a in ad] == [
        (1, "ThirdByAssign"), (2, "ReduceLROnPlateau"), (2, "LearningRateScheduler"),
        (3, "ReduceLROnPlateau"), (4, "ReduceLROnPlateau")]
    lr1 = 0.01 / 3
    assert lrs == pytest.approx([0.01, lr1, lr1 / 2 * 0.1, lr1 / 4 * 0.1])


def test_a_lambda_callback_is_named_by_its_class(store_dir):
    x, y = data(64)
    model = mlp(lr=0.01)
    model.provenance("lambda", adaptation=True)

    def halve(epoch, logs):
        model.optimizer.learning_rate = float(model.optimizer.learning_rate) / 2

    model.fit(x, y, epochs=2, verbose=0,
              callbacks=[keras.callbacks.LambdaCallback(on_epoch_end=halve)])
    ad, _ = _adaptations()
    assert [(a["epoch"], a["technique"]) for a in ad] == [(1, "LambdaCallback"),
                                                          (2, "LambdaCallback")]


@pytest.mark.parametrize("beside", [True, False], ids=["beside-callbacks", "plain-fit"])
def test_an_optimizer_schedule_is_named_with_or_without_other_callbacks(store_dir, beside):
    # In a plain fit (no callback of the user's) the Tail does the head's epoch work, and
    # the head's epoch hooks do nothing: the same rows, and each epoch's time.
    x, y = data(96)
    sched = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=3, decay_rate=0.5,
                                                        staircase=True)
    model = mlp(optimizer=keras.optimizers.SGD(sched))
    model.provenance("sched_cb", adaptation=True)
    others = [keras.callbacks.TerminateOnNaN(), keras.callbacks.History()] if beside else None
    model.fit(x, y, epochs=3, batch_size=32, verbose=0, callbacks=others)
    ad, lrs = _adaptations()
    assert [(a["epoch"], a["technique"]) for a in ad] == [(1, "ExponentialDecay"),
                                                          (2, "ExponentialDecay")]
    assert lrs == pytest.approx([0.1, 0.05, 0.025])
    times = kerasprov.open_store().sql("SELECT elapsed_time FROM epochs")["elapsed_time"]
    assert len(times) == 3 and all(0 < t < 60 for t in times)


class SlowBegin(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        time.sleep(0.2)


class CountingHead(kerasprov.ProvenanceCallback):
    ends = 0

    def on_epoch_end(self, epoch, logs=None):
        CountingHead.ends += 1
        super().on_epoch_end(epoch, logs)


def test_one_explicit_callback_in_a_plain_fit_then_beside_others(store_dir):
    # The head's hooks do nothing in a plain fit; in the next fit, with a callback of the
    # user's, they are the head's again: the epoch's time starts before that callback's.
    x, y = data(64)
    model = mlp(lr=0.01)
    head = kerasprov.ProvenanceCallback("reused", adaptation=True)
    model.fit(x, y, epochs=2, verbose=0, callbacks=[head])
    model.fit(x, y, epochs=2, verbose=0, callbacks=[head, SlowBegin(), HalveAtEnd()])
    kerasprov.flush()
    rows = kerasprov.open_store().sql(
        "SELECT epoch, elapsed_time, learning_rate FROM epochs "
        "ORDER BY timestamp").to_dict("records")
    assert len(rows) == 4
    assert all(r["elapsed_time"] < 0.2 for r in rows[:2])
    assert all(0.2 <= r["elapsed_time"] < 5 for r in rows[2:])
    assert [r["learning_rate"] for r in rows[2:]] == pytest.approx([0.01, 0.005])
    # A subclass's own epoch hook runs in a plain fit.
    sub = mlp(lr=0.01)
    sub.fit(x, y, epochs=3, verbose=0, callbacks=[CountingHead("sub")])
    assert CountingHead.ends == 3


def test_the_watch_leaves_the_optimizer_as_it_found_it(store_dir):
    x, y = data(64)
    model = mlp(lr=0.01)
    model.provenance("clean", adaptation=True)
    model.fit(x, y, epochs=1, verbose=0, callbacks=[HalveAtEnd()])
    var = model.optimizer._learning_rate
    assert "assign" not in vars(var) and "_kerasprov_watch" not in vars(var)
    # Models without provenance set their rate as before, and nothing is recorded for them.
    other = mlp(lr=0.02)
    other.fit(x, y, epochs=2, verbose=0, callbacks=[HalveAtEnd()])
    assert float(other.optimizer.learning_rate) == pytest.approx(0.005)
    ad, _ = _adaptations()
    assert len(ad) == 1


def test_history_and_weights_are_bit_identical_with_capture(store_dir, tmp_path):
    x, y = data(128)

    def train(capture):
        keras.utils.set_random_seed(7)
        model = mlp(lr=0.01)
        if capture:
            model.provenance("same", adaptation=True)
        cbs = [keras.callbacks.LearningRateScheduler(lambda e, lr: lr * 0.5 if e == 1 else lr),
               keras.callbacks.ReduceLROnPlateau(monitor="loss", patience=0, min_delta=10.0),
               keras.callbacks.ModelCheckpoint(str(tmp_path / f"c{capture}.keras"))]
        hist = model.fit(x, y, epochs=3, batch_size=32, verbose=0, callbacks=cbs)
        return hist.history, [w.copy() for w in model.get_weights()]

    h0, w0 = train(False)
    h1, w1 = train(True)
    assert h0 == h1
    assert all(np.array_equal(a, b) for a, b in zip(w0, w1))
