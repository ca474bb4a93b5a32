"""Issue #7 (5): metrics every N batches into ds_obatch, only when asked for."""

from __future__ import annotations

import keras
import pytest
from keras.src.utils.python_utils import is_default
from kp_util import data, mlp

import kerasprov
from kerasprov.capture.batch import BatchCapture

BATCH_HOOKS = ("on_batch_begin", "on_batch_end", "on_train_batch_begin", "on_train_batch_end")


@pytest.fixture
def callback_lists(monkeypatch):
    """Every CallbackList Keras builds during the test (the real one, observed)."""
    built = []
    init = keras.callbacks.CallbackList.__init__

    def spy(self, *args, **kwargs):
        init(self, *args, **kwargs)
        built.append(self)
    monkeypatch.setattr(keras.callbacks.CallbackList, "__init__", spy)
    return built


def _overriders(callback_list):
    return [type(cb).__name__ for cb in callback_list.callbacks
            if any(not is_default(getattr(cb, hook)) for hook in BATCH_HOOKS)]


def test_off_by_default_no_batch_hook_is_overridden(store_dir, callback_lists):
    x, y = data(64)
    model = mlp()
    model.provenance("nobatch", adaptation=True)
    model.fit(x, y, epochs=2, batch_size=16, verbose=0,
              callbacks=[keras.callbacks.ReduceLROnPlateau(monitor="loss", patience=1)])
    (fit_list,) = callback_lists
    assert any(type(cb).__name__ == "Tail" for cb in fit_list.callbacks)  # capture was on
    assert _overriders(fit_list) == []
    assert fit_list._async_train  # Keras keeps dispatching batch hooks asynchronously
    tables = kerasprov.open_store().sql(
        "SELECT table_name FROM information_schema.tables")["table_name"].tolist()
    assert "ds_obatch" not in tables


class BatchLogs(keras.callbacks.Callback):
    """What Keras itself reports after each batch, to compare with what was stored."""

    def __init__(self):
        super().__init__()
        self.logs = {}

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        self.logs[(self.epoch, batch)] = dict(logs)


def test_every_n_batches_into_ds_obatch(store_dir, callback_lists):
    x, y = data(64)
    model = mlp()
    model.provenance("withbatch", batch_every=3)
    reference = BatchLogs()
    model.fit(x, y, epochs=3, batch_size=8, verbose=0, callbacks=[reference])  # 8 batches
    s = kerasprov.open_store()
    run_id = s.runs()["run_id"].iloc[0]
    rows = s.sql(f"SELECT * FROM ds_obatch WHERE run_id = '{run_id}' ORDER BY epoch, batch")
    assert list(zip(rows["epoch"], rows["batch"])) == [(e, b) for e in range(3)
                                                       for b in (0, 3, 6)]
    for r in rows.to_dict("records"):
        expected = reference.logs[(r["epoch"], r["batch"])]
        assert r["loss"] == pytest.approx(expected["loss"], rel=1e-6)
        assert r["accuracy"] == pytest.approx(expected["accuracy"], rel=1e-6)
    assert rows["timestamp"].is_monotonic_increasing
    assert rows["trainingmodel_task_id"].notna().all()
    assert set(s.sql("SELECT data_set_tag FROM data_dependency WHERE "
                     "previous_transformation = 'TrainingModel'")["data_set_tag"]) >= {"obatch"}
    (fit_list,) = callback_lists
    assert "BatchCapture" in _overriders(fit_list)


def test_batch_capture_keeps_async_dispatch(store_dir, callback_lists):
    x, y = data(64)
    model = mlp()
    model.provenance("asyncbatch", batch_every=1)
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    (fit_list,) = callback_lists
    assert _overriders(fit_list) == ["BatchCapture"]
    assert fit_list._async_train  # our hook is async-safe: it only appends to a list
    n = kerasprov.open_store().sql("SELECT COUNT(*) AS n FROM ds_obatch")["n"].iloc[0]
    assert n == 2 * 4


def test_explicit_callback_form(store_dir):
    x, y = data(64)
    model = mlp()
    model.fit(x, y, epochs=2, batch_size=16, verbose=0,
              callbacks=[kerasprov.ProvenanceCallback("cbbatch", batch_every=2)])
    rows = kerasprov.open_store().sql("SELECT epoch, batch FROM ds_obatch ORDER BY 1, 2")
    assert list(zip(rows["epoch"], rows["batch"])) == [(0, 0), (0, 2), (1, 0), (1, 2)]


@pytest.mark.parametrize("bad", [-1, 1.5, "3", True])
def test_bad_batch_every_is_refused_clearly(bad):
    model = mlp(compile=False)
    with pytest.raises(ValueError, match=r"batch_every must be a positive int.*Received: "):
        model.provenance("bad", batch_every=bad)


def test_hook_only_appends():
    cap = BatchCapture(capture=None, every=2)
    for b in range(5):
        cap.on_train_batch_end(b, {"loss": 1.0})
    assert [item[1] for item in cap.buffer] == [0, 2, 4]
