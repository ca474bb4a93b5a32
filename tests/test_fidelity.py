"""Issue #15 (fidelity on real scripts) and #11 item 8 (Ctrl+C): the patterns of users' own
Keras scripts, each run for real: autolog before keras (torch and jax, in subprocesses),
the jax architecture file, a subclassed model without get_config, a restored checkpoint
evaluated and linked back to its training, a resumed fit, class/sample weights, Ctrl+C and
sys.exit in a fit, and what the CLI prints."""

import importlib.util
import json
import os
import signal
import subprocess
import sys
import textwrap
import warnings

import keras
import numpy as np
import pytest
from kp_util import sql_json

import kerasprov
from kerasprov.provexport import serialize
from kerasprov.store.views import metric_direction

HAS_JAX = importlib.util.find_spec("jax") is not None

# One script, four ways to start: kerasprov (autolog) before keras, the explicit callback
# before keras, keras before kerasprov, and no kerasprov at all (the reference).
ORDERS_SCRIPT = textwrap.dedent("""
    import json, sys
    order = sys.argv[1]
    if order == "autolog_first":
        import kerasprov
        kerasprov.autolog("orders")
        callbacks = []
    elif order == "callback_first":
        import kerasprov
        callbacks = [kerasprov.ProvenanceCallback("orders")]
    import keras
    import numpy as np
    if order == "keras_first":
        import kerasprov
        kerasprov.autolog("orders")
        callbacks = []
    elif order == "plain":
        callbacks = []
    keras.utils.set_random_seed(7)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(96, 4)).astype("float32"); y = (x[:, :1] > 0).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(keras.optimizers.Adam(0.001), "binary_crossentropy", metrics=["accuracy"])
    h = model.fit(x, y, epochs=3, batch_size=16, verbose=0, callbacks=callbacks)
    print(json.dumps({"loss": h.history["loss"], "accuracy": h.history["accuracy"],
                      "patched": hasattr(keras.Model, "provenance")}))
""")


def _run_script(path, args, store, backend, timeout=300):
    env = {**os.environ, "KERASPROV_STORE": str(store), "KERAS_BACKEND": backend,
           "PYTHONWARNINGS": "error::kerasprov.ProvenanceWarning"}
    out = subprocess.run([sys.executable, str(path), *args], capture_output=True, text=True,
                         timeout=timeout, env=env)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "ProvenanceWarning" not in out.stderr, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def _check_orders(tmp_path, backend, orders):
    script = tmp_path / "orders.py"
    script.write_text(ORDERS_SCRIPT)
    reference = _run_script(script, ["plain"], tmp_path / "plain", backend)
    assert reference["patched"] is False  # no kerasprov: keras is untouched
    for order in orders:
        store = tmp_path / order
        said = _run_script(script, [order], store, backend)
        assert said["patched"] is True
        # Bit-identical training with and without kerasprov.
        assert said["loss"] == reference["loss"] and said["accuracy"] == reference["accuracy"]
        s = kerasprov.open_store(str(store))
        (run,) = s.runs().to_dict("records")
        assert run["status"] == "finished" and run["epochs"] == 3, order
        assert list(s.epochs(run["run_id"])["loss"]) == pytest.approx(said["loss"], rel=1e-6)
        files = s.sql("SELECT kind, size, sha256, path FROM file").to_dict("records")
        (arch,) = [f for f in files if f["kind"] == "architecture"]
        # The architecture file exists, is the one hashed, and is the model's JSON.
        assert arch["size"] and arch["sha256"] and os.path.getsize(arch["path"]) == arch["size"]
        with open(arch["path"], encoding="utf-8") as fh:
            doc = json.load(fh)
        assert doc["class_name"] == "Sequential"
        assert len(doc["config"]["layers"]) == 3  # InputLayer + 2 Dense


def test_autolog_before_keras_and_after_on_torch(tmp_path):
    _check_orders(tmp_path, "torch", ["autolog_first", "callback_first", "keras_first"])


@pytest.mark.skipif(not HAS_JAX, reason="jax is not installed (scripts/setup installs it)")
def test_autolog_before_keras_and_after_on_jax_with_the_architecture_file(tmp_path):
    """On jax the architecture was empty (serialized on the writer thread during fit)."""
    _check_orders(tmp_path, "jax", ["autolog_first", "keras_first"])


# -- a subclassed model without get_config ---------------------------------------------------
class _Residual(keras.Model):
    def __init__(self, units, **kwargs):  # an argument Keras cannot find in a config
        super().__init__(**kwargs)
        self.hidden = keras.layers.Dense(units, activation="relu")
        self.out = keras.layers.Dense(1, activation="sigmoid")

    def call(self, x):
        return self.out(self.hidden(x))


def _xy(n=128, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype("float32")
    return x, (x[:, :1] + 0.5 * x[:, 1:2] > 0.3).astype("float32")


def test_subclassed_model_without_get_config_one_line_and_no_file_row(store_dir):
    x, y = _xy()
    model = _Residual(8)
    model.compile(keras.optimizers.Adam(0.01), "binary_crossentropy", metrics=["accuracy"])
    model.provenance("subclass")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(x, y, epochs=2, verbose=0)
    kerasprov.flush()
    mine = [str(w.message) for w in caught if issubclass(w.category,
                                                        kerasprov.ProvenanceWarning)]
    assert len(mine) == 1 and "\n" not in mine[0], mine
    assert "_Residual" in mine[0] and "get_config" in mine[0] and len(mine[0]) < 200
    assert sql_json(store_dir, "SELECT * FROM file") == []
    (run,) = sql_json(store_dir, "SELECT status, epochs, model, model_class FROM runs")
    assert run == {"status": "finished", "epochs": 2, "model": model.name,
                   "model_class": "_Residual"}


# -- a restored checkpoint, evaluated, joins back to its training ----------------------------
# The documented query (README, "Which training wrote the checkpoint I tested?").
CHECKPOINT_TEST_SQL = """
SELECT u.source_run_id, u.source_epoch, h.learning_rate, t.accuracy AS test_accuracy
FROM used_files u
JOIN tests t ON t.testingmodel_task_id = u.task_id
JOIN ds_itrainingmodel h ON h.run_id = u.source_run_id
WHERE u.kind = 'model'
"""


def test_load_model_then_evaluate_links_back_to_the_run_and_epoch(store_dir, tmp_path):
    x, y = _xy(160)
    best = tmp_path / "best.keras"
    runs = {}
    for lr in (0.05, 0.001):
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                                  keras.layers.Dense(1, activation="sigmoid")])
        model.compile(keras.optimizers.Adam(lr), "binary_crossentropy", metrics=["accuracy"])
        model.provenance("ckpt")
        path = tmp_path / f"best-{lr}.keras"
        h = model.fit(x, y, epochs=4, validation_split=0.25, verbose=0, callbacks=[
            keras.callbacks.ModelCheckpoint(str(path), monitor="val_loss",
                                            save_best_only=True)])
        losses = h.history["val_loss"]
        runs[lr] = (path, min(range(len(losses)), key=lambda e: (losses[e], e)))
    kerasprov.flush()
    trained = {r["learning_rate"]: r["run_id"] for r in sql_json(
        store_dir, "SELECT run_id, learning_rate FROM runs")}
    # The common pattern, in a new model object: restore the best checkpoint and test it.
    best.write_bytes(runs[0.05][0].read_bytes())
    restored = keras.models.load_model(best)
    restored.provenance("ckpt")
    test = restored.evaluate(x, y, verbose=0, return_dict=True)
    kerasprov.flush()
    (used,) = sql_json(store_dir, "SELECT * FROM used_files")
    assert used["path"] == str(best) and used["kind"] == "model"
    assert used["transformation_tag"] == "TestingModel"
    assert used["source_run_id"] == trained[0.05]
    assert used["source_epoch"] == runs[0.05][1]
    import hashlib
    assert used["sha256"] == hashlib.sha256(best.read_bytes()).hexdigest()
    (row,) = sql_json(store_dir, CHECKPOINT_TEST_SQL)
    assert row["learning_rate"] == 0.05 and row["source_epoch"] == runs[0.05][1]
    assert row["test_accuracy"] == pytest.approx(test["accuracy"])


def test_load_weights_after_fit_then_evaluate_uses_the_file(store_dir, tmp_path):
    x, y = _xy(160, seed=1)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(keras.optimizers.SGD(0.1), "binary_crossentropy", metrics=["accuracy"])
    model.provenance("weights")
    path = tmp_path / "best.weights.h5"
    h = model.fit(x, y, epochs=4, validation_split=0.25, verbose=0, callbacks=[
        keras.callbacks.ModelCheckpoint(str(path), monitor="val_accuracy",
                                        save_best_only=True, save_weights_only=True)])
    # Overwritten by a later save: what was loaded is what the test used, by its bytes.
    model.load_weights(path)
    import hashlib
    loaded_sha = hashlib.sha256(path.read_bytes()).hexdigest()
    model.evaluate(x, y, verbose=0)
    model.save_weights(path)
    kerasprov.flush()
    (used,) = sql_json(store_dir, "SELECT * FROM used_files")
    assert used["kind"] == "weights" and used["sha256"] == loaded_sha
    assert used["run_id"] == used["source_run_id"]  # the same run wrote and tested it
    acc = h.history["val_accuracy"]
    assert used["source_epoch"] == max(range(len(acc)), key=lambda e: (acc[e], -e))


# -- a resumed fit -----------------------------------------------------------------------------
def test_resumed_fit_is_linked_to_the_fit_it_continues(store_dir):
    x, y = _xy()
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(keras.optimizers.Adam(0.01), "binary_crossentropy")
    model.provenance("resume")
    model.fit(x, y, epochs=2, verbose=0)
    h = model.fit(x, y, epochs=5, initial_epoch=2, verbose=0)
    kerasprov.flush()
    first, second = sql_json(store_dir, "SELECT run_id, num_epochs, epochs FROM runs "
                                        "ORDER BY start_time")
    assert (first["num_epochs"], first["epochs"]) == (2, 2)
    assert (second["num_epochs"], second["epochs"]) == (3, 3)  # ran 3, not 5
    tasks = {t["run_id"]: t for t in sql_json(
        store_dir, "SELECT run_id, task_id, informed_by FROM task "
                   "WHERE transformation_tag = 'TrainingModel'")}
    assert tasks[second["run_id"]]["informed_by"] == tasks[first["run_id"]]["task_id"]
    (cfg,) = sql_json(store_dir, "SELECT initial_epoch, epochs, continues_run FROM "
                                 f"ds_itrainingconfig WHERE run_id = '{second['run_id']}'")
    assert cfg == {"initial_epoch": 2, "epochs": 5, "continues_run": first["run_id"]}
    epochs = sql_json(store_dir, "SELECT epoch, loss FROM epochs WHERE run_id = "
                                 f"'{second['run_id']}' ORDER BY epoch")
    assert [e["epoch"] for e in epochs] == [2, 3, 4]
    assert [e["loss"] for e in epochs] == pytest.approx(h.history["loss"], rel=1e-6)
    text = serialize(kerasprov.open_store(str(store_dir)).prov(
        run_id=second["run_id"]), "provn")
    assert "wasInformedBy(kerasprov:task/" + tasks[second["run_id"]]["task_id"] in text
    assert tasks[first["run_id"]]["task_id"] in text


# -- class and sample weights -----------------------------------------------------------------
def test_class_and_sample_weights_recorded_and_compared(store_dir):
    x, y = _xy()
    ids = []
    for kwargs in ({"class_weight": {0: 1.0, 1: 4.0}},
                   {"sample_weight": np.where(y[:, 0] > 0, 3.0, 1.0)}, {}):
        model = keras.Sequential([keras.Input((4,)),
                                  keras.layers.Dense(1, activation="sigmoid")])
        model.compile(keras.optimizers.Adam(0.01), "binary_crossentropy")
        model.provenance("weighted")
        model.fit(x, y, epochs=1, verbose=0, **kwargs)
        ids.append(model._kerasprov_state.run.id)
    kerasprov.flush()
    cfg = {r["run_id"]: r for r in sql_json(
        store_dir, "SELECT run_id, class_weight, sample_weight FROM ds_itrainingconfig")}
    assert json.loads(cfg[ids[0]]["class_weight"]) == {"0": 1.0, "1": 4.0}
    assert cfg[ids[1]]["class_weight"] is None and "shape=(128,)" in cfg[ids[1]]["sample_weight"]
    (sw,) = sql_json(store_dir, "SELECT run_id, sha256 FROM ds_itrainingdata "
                                "WHERE role = 'sample_weight'")
    import hashlib
    arr = np.where(y[:, 0] > 0, 3.0, 1.0)
    header = f"{arr.dtype.str}|{arr.shape}\n".encode()
    assert sw["run_id"] == ids[1]
    assert sw["sha256"] == hashlib.sha256(header + arr.tobytes()).hexdigest()
    df = kerasprov.open_store(str(store_dir)).compare(ids)
    rows = {r[0]: r[1:] for r in df.itertuples(index=False)}
    assert rows["class_weight"] == ("config", '{"0": 1.0, "1": 4.0}', None, None)
    assert rows["sample_weight"][0] == "config" and rows["sample_weight"][1] is None
    assert rows["sample_weight"][2].startswith("sha256:" + sw["sha256"][:12])
    assert rows["sample_weight"][3] is None


# -- Ctrl+C and sys.exit -----------------------------------------------------------------------
STOP_SCRIPT = textwrap.dedent("""
    import sys, time
    mode, how = sys.argv[1], sys.argv[2]
    if mode == "kp":
        import kerasprov
        kerasprov.autolog("stopped")
    import keras, numpy as np

    class Progress(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            print(f"epoch {epoch}", flush=True)
            if how == "exit" and epoch == 1:
                sys.exit(3)

        def on_train_batch_end(self, batch, logs=None):
            time.sleep(0.01)  # slow enough for a signal to land mid-fit

    x = np.random.default_rng(0).normal(size=(256, 4)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy")
    model.fit(x, y, epochs=500, batch_size=16, verbose=0, callbacks=[Progress()])
""")


def _stopped(script, mode, how, store):
    """Run the script; for ``sigint`` send SIGINT once two epochs finished."""
    p = subprocess.Popen([sys.executable, str(script), mode, how], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True,
                         env={**os.environ, "KERASPROV_STORE": str(store)})
    done = []
    for line in p.stdout:
        done.append(line.strip())
        if how == "sigint" and line.startswith("epoch 1"):
            p.send_signal(signal.SIGINT)
            break
    out, err = p.communicate(timeout=120)
    done += [line for line in out.splitlines() if line.startswith("epoch")]
    return p.returncode, done, err


@pytest.mark.parametrize("how", ["sigint", "exit"])
def test_ctrl_c_and_sys_exit_keep_the_exit_status_and_mark_the_run_interrupted(tmp_path,
                                                                                 how):
    script = tmp_path / "stop.py"
    script.write_text(STOP_SCRIPT)
    plain_rc, _, _ = _stopped(script, "plain", how, tmp_path / "unused")
    assert plain_rc == (-signal.SIGINT if how == "sigint" else 3)
    rc, done, err = _stopped(script, "kp", how, tmp_path / "store")
    assert rc == plain_rc, err[-2000:]
    assert "ProvenanceWarning" not in err
    s = kerasprov.open_store(str(tmp_path / "store"))
    (run,) = s.runs().to_dict("records")
    assert run["status"] == "interrupted"
    assert run["error"].startswith("KeyboardInterrupt" if how == "sigint" else "SystemExit")
    printed = [int(line.split()[1]) for line in done if line.startswith("epoch")]
    # "epoch k" is printed by a callback inside epoch k's end hooks, before kerasprov's own
    # (which come last): every epoch before the last printed one finished and is kept; the
    # last one, stopped in its end hooks, may or may not have been recorded.
    epochs = s.epochs(run["run_id"])["epoch"].tolist()
    assert epochs[:len(printed) - 1] == printed[:-1] and len(epochs) <= len(printed)
    assert len(printed) >= 2
    tasks = s.sql(f"SELECT status FROM task WHERE run_id = '{run['run_id']}'")
    assert set(tasks["status"]) == {"interrupted"}


# -- what a user reads -------------------------------------------------------------------------
def test_metric_direction():
    for name in ("loss", "val_loss", "fn", "fp", "val_fn", "false_negatives_1", "mae", "mse",
                 "mean_absolute_error", "student_loss", "kl_divergence"):
        assert metric_direction(name) == "min", name
    for name in ("accuracy", "val_accuracy", "auc", "auc_1", "prc", "precision", "recall",
                 "tp", "tn", "sparse_categorical_accuracy", "f1_score", "mean_iou"):
        assert metric_direction(name) == "max", name
    for name in ("my_metric", "gain", "elapsed"):
        assert metric_direction(name) is None, name


@pytest.fixture(scope="module")
def several_runs(tmp_path_factory):
    """A store of several real runs: metrics of both directions and of none, a test."""
    store = tmp_path_factory.mktemp("several") / "store"
    kerasprov.configure(store=store)
    x, y = _xy(128, seed=3)

    class Gain(keras.metrics.Mean):  # a metric whose direction kerasprov cannot know
        def __init__(self):
            super().__init__(name="gain")

        def update_state(self, y_true, y_pred, sample_weight=None):
            return super().update_state(keras.ops.mean(y_pred))

    ids = []
    for name, lr in (("teacher", 0.001), ("student", 0.01)):
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4, activation="relu"),
                                  keras.layers.Dense(1, activation="sigmoid")], name=name)
        model.compile(keras.optimizers.Adam(lr), "binary_crossentropy", metrics=[
            "accuracy", keras.metrics.FalseNegatives(name="fn"),
            keras.metrics.AUC(name="prc", curve="PR"), Gain()])
        model.provenance("readable")
        model.fit(x, y, epochs=3, batch_size=32, validation_split=0.25, verbose=0)
        model.evaluate(x, y, verbose=0)
        ids.append(model._kerasprov_state.run.id)
    kerasprov.flush()
    return store, ids


def _cli(*args):
    out = subprocess.run([sys.executable, "-m", "kerasprov", *args], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_best_follows_the_metric_direction(several_runs):
    store, ids = several_runs
    s = kerasprov.open_store(str(store))
    runs = s.runs().set_index("run_id")
    for rid in ids:
        ep = s.epochs(rid)
        assert runs.at[rid, "best_fn"] == ep["fn"].min()
        assert runs.at[rid, "best_val_fn"] == ep["val_fn"].min()
        assert runs.at[rid, "best_prc"] == ep["prc"].max()
        assert runs.at[rid, "best_loss"] == ep["loss"].min()
        assert runs.at[rid, "min_gain"] == ep["gain"].min()
        assert runs.at[rid, "max_gain"] == ep["gain"].max()
    assert "best_gain" not in runs.columns
    assert {runs.at[r, "model"] for r in ids} == {"teacher", "student"}
    assert set(runs["model_class"]) == {"Sequential"}


def test_float32_values_are_stored_as_their_shortest_repr(several_runs):
    store, ids = several_runs
    rows = sql_json(store, "SELECT learning_rate FROM ds_itrainingmodel ORDER BY 1")
    assert [r["learning_rate"] for r in rows] == [0.001, 0.01]
    rates = sql_json(store, "SELECT DISTINCT learning_rate FROM epochs ORDER BY 1")
    assert [r["learning_rate"] for r in rates] == [0.001, 0.01]
    # Still the same float32: nothing lost.
    assert np.float32(rates[0]["learning_rate"]) == np.float32(0.001)
    (cfg,) = sql_json(store, f"SELECT loss FROM ds_itrainingconfig WHERE run_id = '{ids[0]}'")
    assert cfg["loss"] == "binary_crossentropy"


def test_compare_reads_well(several_runs):
    store, ids = several_runs
    df = kerasprov.open_store(str(store)).compare(ids)
    rows = {r[0]: r[1:] for r in df.itertuples(index=False)}
    assert rows["model"] == ("run", "teacher", "student")
    assert rows["learning_rate"] == ("hyperparameter", 0.001, 0.01)
    assert rows["epochs"] == ("run", 3, 3)
    assert rows["best_fn"][0] == "best" and rows["min_gain"][0] == "min"
    assert all(any(v is not None for v in vals[1:]) for vals in rows.values())
    assert "test_gain" in rows and "class_weight" not in rows
    text = _cli("compare", *ids, "--store", str(store))
    lines = text.splitlines()
    assert lines[0].split() == ["field", "kind", *ids]
    assert any(line.split()[:4] == ["learning_rate", "hyperparameter", "0.001", "0.01"]
               for line in lines)
    assert "0.0010000000474974513" not in text
    assert not {"None", "NaN", "nan"} & {tok for line in lines for tok in line.split()}


def test_show_is_readable(several_runs):
    store, ids = several_runs
    text = _cli("show", ids[0], "--store", str(store))
    lines = text.splitlines()
    for section in ("run", "hyperparameters", "config", "metrics", "layers", "epochs",
                    "tests", "tasks", "files"):
        assert f"== {section} ==" in lines
    files = lines.index("== files ==")
    assert max(len(line) for line in lines[:files]) < 160, max(lines[:files], key=len)
    assert all(line.split()[-1].startswith("/") for line in lines[files + 2:])  # whole paths
    assert not any(line.rstrip() != line for line in lines)  # no padded lines
    assert "learning_rate" in text and "0.0010000000474974513" not in text
    head = lines[:lines.index("== metrics ==")]  # field  value sections
    fields = dict(line.split(None, 1) for line in head if line and not line.startswith("=="))
    assert fields["model"] == "teacher" and fields["loss"] == "binary_crossentropy"
    assert fields["optimizer_config.learning_rate"] == "0.001"
    metrics = lines[lines.index("== metrics ==") + 1:lines.index("== layers ==") - 1]
    assert metrics[0].split() == ["metric", "last", "best", "min", "max", "test"]
    assert not {"None", "NaN", "nan"} & {tok for line in lines for tok in line.split()}


def test_runs_table_has_the_model_and_no_empty_columns(several_runs):
    store, ids = several_runs
    text = _cli("runs", "--store", str(store))
    header = text.splitlines()[0].split()
    assert header[:5] == ["dataflow_tag", "run_id", "label", "status", "start_time"]
    assert "model" in header and "decay" not in header  # Adam has no decay: empty column
    assert "best_fn" not in header and "last_fn" in header
    assert "best_fn" in _cli("runs", "--all", "--store", str(store)).splitlines()[0].split()
    assert "interrupted" in _cli("runs", "--help")


def test_prov_entity_types_have_one_case(several_runs):
    store, ids = several_runs
    text = serialize(
        kerasprov.open_store(str(store)).prov(run_id=ids[0]), "provn")
    types = set()
    for part in text.split("prov:type='dnnprov:")[1:]:
        types.add(part.split("'")[0])
    assert {"iTrainingModel", "iTrainingConfig", "iTrainingData", "iTestingData",
            "oTrainingModel", "oTestingModel", "iLayers"} <= types, types
    assert all(t[:1] in "io" and t[1:2].isupper() for t in types if t[:1] in "io"), types


def test_a_hyperparameter_named_like_a_builtin_must_have_its_type():
    """``batch_size`` is kerasprov's own integer column: a text value under that name would
    make the store refuse the whole hyperparameter row, so provenance() says so at once."""
    from kerasprov.capture.options import ProvenanceConfig
    for bad in ({"batch_size": "auto"}, {"learning_rate": "1e-3"}, {"num_layers": 2.5},
                {"optimizer_name": 3}, {"epoch": True}):
        with pytest.raises(ValueError, match="kerasprov records"):
            ProvenanceConfig("tag", hyperparameters=bad)
    ok = ProvenanceConfig("tag", hyperparameters={"batch_size": 64, "learning_rate": 1,
                                                  "dropout": "high", "momentum": None})
    assert ok.hyperparameters["batch_size"] == 64
