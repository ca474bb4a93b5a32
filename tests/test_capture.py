"""Issue #2: the paper's API captures a real fit/evaluate into the embedded store."""

import math

import keras
import numpy as np
import pytest
from kp_util import data, mlp, sql_json

import kerasprov
from kerasprov.errors import NoStore

HYPS = {"OPTIMIZER_NAME": True, "LEARNING_RATE": True, "DECAY": True, "MOMENTUM": True,
        "NUM_EPOCHS": True, "BATCH_SIZE": True, "NUM_LAYERS": True}


def step_decay(epoch, lr):
    return lr * 0.5 if epoch in (2, 4) else lr


@pytest.fixture(scope="module")
def paper_run(tmp_path_factory):
    """The issue's example: provenance(...), a scheduler, validation, then evaluate."""
    store = tmp_path_factory.mktemp("paper") / "store"
    kerasprov.configure(store=store)
    x, y = data(240)
    model = mlp()
    model.provenance(dataflow_tag="alexnet", adaptation=True, hyps=HYPS,
                     hyperparameters={"dropout": 0.4, "activation": "relu"})
    history = model.fit(x, y, epochs=6, batch_size=32, validation_split=0.2, verbose=0,
                        callbacks=[keras.callbacks.LearningRateScheduler(step_decay)])
    test = model.evaluate(x[:64], y[:64], verbose=0, return_dict=True)
    kerasprov.flush()
    return store, model, history, test


def test_epochs_match_history(paper_run):
    store, model, history, _ = paper_run
    rows = sql_json(store, "SELECT epoch, loss, accuracy, val_loss, val_accuracy, "
                           "learning_rate, elapsed_time FROM epochs "
                           "WHERE dataflow_tag = 'alexnet' ORDER BY epoch")
    assert [r["epoch"] for r in rows] == history.epoch
    for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
        assert [r[key] for r in rows] == pytest.approx(history.history[key], rel=1e-6)
    # Keras' scheduler logs the rate of each epoch: ours must agree, epoch by epoch.
    assert [r["learning_rate"] for r in rows] == pytest.approx(
        history.history["learning_rate"], rel=1e-6)
    assert all(r["elapsed_time"] > 0 for r in rows)


def test_hyperparameters_from_the_real_optimizer(paper_run):
    store, model, _, _ = paper_run
    (row,) = sql_json(store, "SELECT * FROM ds_itrainingmodel")
    assert row["optimizer_name"] == "Adam"
    assert row["learning_rate"] == pytest.approx(1e-3)
    assert row["decay"] is None and row["momentum"] is None  # Adam has neither: NULL, not 0
    assert row["num_epochs"] == 6 and row["batch_size"] == 32
    assert row["num_layers"] == len(model.layers)
    assert row["dropout"] == 0.4 and row["activation"] == "relu"
    (cfg,) = sql_json(store, "SELECT * FROM ds_itrainingconfig")
    assert cfg["total_params"] == model.count_params()
    assert cfg["validation_split"] == 0.2 and cfg["backend"] == keras.backend.backend()
    assert cfg["loss"] == "categorical_crossentropy" and "accuracy" in cfg["metrics"]


def test_layers(paper_run):
    store, model, _, _ = paper_run
    rows = sql_json(store, "SELECT name, class_name, activation, units, rate, params "
                           "FROM ds_ilayers ORDER BY layer_index")
    assert [r["name"] for r in rows] == [layer.name for layer in model.layers]
    assert rows[0]["class_name"] == "Dense" and rows[0]["units"] == 16
    assert rows[0]["activation"] == "relu" and rows[1]["rate"] == 0.1
    assert sum(r["params"] for r in rows) == model.count_params()


def test_adaptations_name_the_scheduler(paper_run):
    store, _, history, _ = paper_run
    rows = sql_json(store, "SELECT epoch, previous_learning_rate, learning_rate, technique "
                           "FROM adaptations ORDER BY epoch")
    assert [(r["epoch"], r["technique"]) for r in rows] == [
        (2, "LearningRateScheduler"), (4, "LearningRateScheduler")]
    assert rows[0]["learning_rate"] == pytest.approx(5e-4)
    assert rows[1]["previous_learning_rate"] == pytest.approx(5e-4)


def test_only_user_evaluate_is_a_test(paper_run):
    store, _, _, test = paper_run
    rows = sql_json(store, "SELECT * FROM tests")
    assert len(rows) == 1  # fit's per-epoch validation is not a Testing task
    assert rows[0]["accuracy"] == pytest.approx(test["accuracy"])
    assert rows[0]["loss"] == pytest.approx(test["loss"])
    tasks = sql_json(store, "SELECT transformation_tag, status, informed_by, task_id "
                            "FROM task ORDER BY start_time")
    assert [t["transformation_tag"] for t in tasks] == ["TrainingModel", "Adaptation",
                                                        "TestingModel"]
    assert all(t["status"] == "finished" for t in tasks)
    assert tasks[2]["informed_by"] == tasks[0]["task_id"]


def test_runs_view(paper_run):
    store, _, history, test = paper_run
    (run,) = sql_json(store, "SELECT * FROM runs")
    assert run["dataflow_tag"] == "alexnet" and run["status"] == "finished"
    assert run["epochs"] == 6 and run["end_time"] >= run["start_time"]
    assert run["last_val_accuracy"] == pytest.approx(history.history["val_accuracy"][-1])
    assert run["best_loss"] == pytest.approx(min(history.history["loss"]))
    assert run["best_val_accuracy"] == pytest.approx(max(history.history["val_accuracy"]))
    assert run["test_accuracy"] == pytest.approx(test["accuracy"])
    assert run["learning_rate"] == pytest.approx(1e-3) and run["dropout"] == 0.4
    ex = sql_json(store, "SELECT host, pid, keras_version, backend, environment FROM execution")
    assert ex[0]["backend"] == keras.backend.backend() and ex[0]["pid"] > 0


def test_prospective_dataflow(paper_run):
    store = paper_run[0]
    deps = sql_json(store, "SELECT previous_transformation AS p, next_transformation AS n, "
                           "data_set_tag AS s FROM data_dependency ORDER BY s, p, n")
    assert {"p": "TrainingModel", "n": "TestingModel", "s": "otrainingmodel"} in deps
    assert {"p": "TrainingModel", "n": "Adaptation", "s": "otrainingmodel"} in deps
    assert {"p": None, "n": "TrainingModel", "s": "itrainingmodel"} in deps


def test_sgd_momentum_weight_decay_and_schedule(store_dir):
    x, y = data(96)
    model = mlp(optimizer=keras.optimizers.SGD(0.05, momentum=0.9, weight_decay=1e-4))
    model.provenance("sgd")
    model.fit(x, y, epochs=1, verbose=0)
    sched = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=3, decay_rate=0.5,
                                                        staircase=True)
    model2 = mlp(optimizer=keras.optimizers.SGD(sched))
    model2.provenance("sched", adaptation=True)
    model2.fit(x, y, epochs=3, batch_size=32, verbose=0)
    s = kerasprov.open_store()
    hp = s.sql("SELECT e.dataflow_tag, h.* FROM ds_itrainingmodel h JOIN execution e "
               "USING (run_id) ORDER BY e.dataflow_tag").set_index("dataflow_tag")
    assert hp.loc["sgd", "momentum"] == pytest.approx(0.9)
    assert hp.loc["sgd", "decay"] == pytest.approx(1e-4)
    assert hp.loc["sgd", "batch_size"] == 32  # Keras's default for arrays
    assert hp.loc["sched", "learning_rate"] == pytest.approx(0.1)
    assert hp.loc["sched", "decay"] == pytest.approx(0.5)
    ad = s.sql("SELECT epoch, learning_rate, technique FROM adaptations ORDER BY epoch")
    assert list(ad["technique"]) == ["ExponentialDecay", "ExponentialDecay"]
    assert list(ad["learning_rate"]) == pytest.approx([0.05, 0.025])


class Halve(keras.callbacks.Callback):
    """A user's own learning-rate changer, acting at the end of each epoch."""

    def on_epoch_end(self, epoch, logs=None):
        self.model.optimizer.learning_rate = float(self.model.optimizer.learning_rate) / 2


@pytest.mark.parametrize("order", ["changer_first", "changer_last"])
def test_any_callback_that_changes_the_rate_is_caught(store_dir, order):
    x, y = data(64)
    model = mlp(lr=0.01)
    model.provenance("order", adaptation=True)
    other = keras.callbacks.TerminateOnNaN()
    cbs = [Halve(), other] if order == "changer_first" else [other, Halve()]
    model.fit(x, y, epochs=3, verbose=0, callbacks=cbs)
    s = kerasprov.open_store()
    ad = s.sql("SELECT epoch, previous_learning_rate, learning_rate, technique FROM "
               "adaptations ORDER BY epoch")
    # Changed at the end of epochs 0, 1 and 2: in effect from epochs 1, 2 and 3.
    assert list(ad["epoch"]) == [1, 2, 3] and set(ad["technique"]) == {"Halve"}
    assert list(ad["learning_rate"]) == pytest.approx([0.005, 0.0025, 0.00125])
    ep = s.sql("SELECT epoch, learning_rate FROM epochs ORDER BY epoch")
    assert list(ep["learning_rate"]) == pytest.approx([0.01, 0.005, 0.0025])


def test_reduce_lr_on_plateau(store_dir):
    x, y = data(64)
    model = mlp(lr=0.01)
    model.provenance("plateau", adaptation=True)
    model.fit(x, y, epochs=3, verbose=0, callbacks=[keras.callbacks.ReduceLROnPlateau(
        monitor="loss", factor=0.5, patience=0, min_delta=10.0)])
    ad = kerasprov.open_store().sql("SELECT epoch, technique FROM adaptations ORDER BY epoch")
    # Epoch 0 sets the best loss; the plateau is seen at the end of epochs 1 and 2, and each
    # reduction is in effect from the next epoch.
    assert list(ad["technique"]) == ["ReduceLROnPlateau"] * 2
    assert list(ad["epoch"]) == [2, 3]


def test_functional_and_subclassed_models(store_dir):
    x, y = data(64)
    inp = keras.Input((8,))
    out = keras.layers.Dense(2, activation="softmax")(keras.layers.Dense(4)(inp))
    functional = keras.Model(inp, out)

    class Sub(keras.Model):
        def __init__(self):
            super().__init__()
            self.d1 = keras.layers.Dense(4, activation="relu")
            self.d2 = keras.layers.Dense(2, activation="softmax")

        def call(self, x):
            return self.d2(self.d1(x))

    for tag, model in (("functional", functional), ("subclassed", Sub())):
        model.compile("adam", "categorical_crossentropy", metrics=["accuracy"])
        model.provenance(tag)
        model.fit(x, y, epochs=2, verbose=0)
    runs = kerasprov.open_store().runs().set_index("dataflow_tag")
    assert runs.loc["functional", "epochs"] == 2 and runs.loc["subclassed", "epochs"] == 2
    assert runs.loc["subclassed", "num_layers"] == 2


def test_each_fit_is_a_run_and_evaluate_follows_its_fit(store_dir):
    x, y = data(64)
    model = mlp()
    model.provenance("two")
    model.fit(x, y, epochs=1, verbose=0)
    model.fit(x, y, epochs=2, verbose=0)
    model.evaluate(x, y, verbose=0)
    model.predict(x, verbose=0)
    s = kerasprov.open_store()
    runs = s.runs().sort_values("start_time")
    assert list(runs["epochs"]) == [1, 2]
    assert list(runs["status"]) == ["finished", "finished"]
    tests = s.sql("SELECT run_id FROM tests")
    assert list(tests["run_id"]) == [runs["run_id"].iloc[1]]
    pred = s.sql("SELECT run_id, samples FROM ds_oprediction")
    assert list(pred["samples"]) == [64]


def test_failed_fit_is_recorded_and_the_error_reaches_the_user(store_dir):
    x, y = data(32)
    model = mlp()
    model.provenance("broken")
    with pytest.raises(Exception) as info:
        model.fit(x, np.zeros((32, 5)), epochs=1, verbose=0)
    s = kerasprov.open_store()
    (run,) = s.runs().to_dict("records")
    assert run["status"] == "failed"
    assert type(info.value).__name__ in run["error"]
    # The model still trains normally afterwards, as a new run.
    model.fit(x, y, epochs=1, verbose=0)
    assert sorted(s.runs()["status"]) == ["failed", "finished"]


def test_models_without_provenance_are_not_captured(store_dir):
    x, y = data(32)
    mlp().fit(x, y, epochs=1, verbose=0)
    with pytest.raises(NoStore):  # nothing captured: no store made, and a reader makes none
        kerasprov.open_store()
    assert not store_dir.exists()


def test_explicit_callback(store_dir):
    x, y = data(64)
    model = mlp(lr=0.01)
    model.fit(x, y, epochs=3, verbose=0, callbacks=[
        Halve(), kerasprov.ProvenanceCallback("explicit", adaptation=True,
                                              hyps={"LEARNING_RATE": True},
                                              hyperparameters={"units": 16})])
    s = kerasprov.open_store()
    (run,) = s.runs().to_dict("records")
    assert run["dataflow_tag"] == "explicit" and run["units"] == 16
    assert "optimizer_name" not in s.sql("SELECT * FROM ds_itrainingmodel").dropna(axis=1)
    assert list(s.sql("SELECT technique FROM adaptations")["technique"]) == ["Halve"] * 3


def test_autolog(store_dir):
    x, y = data(64)
    kerasprov.autolog(dataflow_tag="auto")
    try:
        mlp().fit(x, y, epochs=2, verbose=0)
    finally:
        kerasprov.autolog(disable=True)
    mlp().fit(x, y, epochs=1, verbose=0)  # after disable: not captured
    runs = kerasprov.open_store().runs()
    assert list(runs["dataflow_tag"]) == ["auto"] and list(runs["epochs"]) == [2]


def test_nan_metrics_are_ieee_values_not_magic_numbers(store_dir):
    x, y = data(32)
    model = mlp(lr=1e30)
    x = x.copy()
    x[0, 0] = np.nan
    model.provenance("nan")
    h = model.fit(x, y, epochs=2, verbose=0)
    loss = kerasprov.open_store().sql("SELECT loss FROM epochs ORDER BY epoch")["loss"]
    assert math.isnan(h.history["loss"][0]) and math.isnan(loss.iloc[0])


@pytest.mark.parametrize("bad", [{"hyps": {"NOT_A_HYP": True}}, {"dataflow_tag": "bad tag;"},
                                 {"hyperparameters": [1, 2]}])
def test_bad_arguments_are_clear_errors(bad):
    args = {"dataflow_tag": "ok", **bad}
    with pytest.raises(ValueError) as info:
        mlp().provenance(**args)
    assert "Received" in str(info.value) or "known" in str(info.value)
