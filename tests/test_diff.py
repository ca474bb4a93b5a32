"""Issue #12: ``store.diff`` names what differs between runs, most likely cause first."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import keras
import pytest
from kp_util import data
from lineage_util import end_pending
from pg_util import pg_admin_url, pg_url  # noqa: F401  (fixtures)

import kerasprov
from kerasprov import demo
from kerasprov.errors import BadRequest, NotFound
from kerasprov.query.diff import _Diff


@pytest.fixture
def store(store_dir):
    yield store_dir
    end_pending()


def _model(first="hidden", units=16):
    return keras.Sequential([
        keras.Input((8,)),
        keras.layers.Dense(units, activation="relu", name=first),
        keras.layers.Dropout(0.1),
        keras.layers.Dense(2, activation="softmax", name="out"),
    ])


def _train(model, x, y, lr=1e-3, epochs=3, dataflow="mlp", seed=7):
    model.compile(optimizer=keras.optimizers.Adam(lr), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    model.provenance(dataflow_tag=dataflow, hyperparameters={"dropout": 0.1})
    model.fit(x, y, epochs=epochs, batch_size=32, validation_split=0.25, verbose=0,
              shuffle=False)
    model.evaluate(x, y, verbose=0)
    return model._kerasprov_state.run.id


def _explaining(df):
    """The (group, field) rows that are causes, not outcome."""
    return [(g, f) for g, f in zip(df["group"], df["field"]) if g != "outcome"]


def test_demo_filter_is_named_first(store, tmp_path):
    cfg = demo.DemoConfig(epochs=2, image_size=32, train_per_class=3, val_per_class=1,
                          test_per_class=1, decay_every=1, out_dir=str(tmp_path / "models"))
    result = demo.run_demo(cfg, store=str(store), echo=lambda line: None)
    none_run, gray_run = result.run_ids
    df = kerasprov.open_store(str(store)).diff(none_run, gray_run)
    first = df.iloc[0]
    assert (first["group"], first["field"]) == ("transformation", "Filter.filter_name")
    assert (first[none_run], first[gray_run]) == ("none", "gray-scale")
    assert df["rank"].tolist() == list(range(1, len(df) + 1))
    fields = df["field"].tolist()
    assert "Filter.output.channels" in fields
    # The filtered images are other data: the fingerprints of fit's x differ, y does not.
    assert "fit x.sha256" in fields and "fit y.sha256" not in fields
    groups = df["group"].tolist()
    assert groups == sorted(groups, key=df.attrs["groups"].index)  # grouped, in rank order
    # Both runs share the hyperparameters, the schedule, the code and the environment.
    assert not {"hyperparameter", "schedule", "code", "environment", "seed"} & set(groups)


def test_runs_that_differ_only_in_a_layer_name(store):
    x, y = data(160, seed=1)
    runs = []
    for name in ("hidden", "hidden_layer"):
        keras.utils.set_random_seed(3)
        runs.append(_train(_model(first=name), x, y))
    df = kerasprov.open_store(str(store)).diff(*runs)
    # Dropout/optimizer/model auto names (dropout vs dropout_1) are not differences.
    assert _explaining(df) == [("architecture", "layer 0 (hidden).name")]
    row = df.iloc[0]
    assert (row[runs[0]], row[runs[1]]) == ("hidden", "hidden_layer")
    # Same seed, same data, same computation: the curves do not part.
    assert not any("diverges" in f for f in df["field"])


def test_three_runs_report_what_varies_and_where_curves_part(store):
    x, y = data(160, seed=2)
    runs = []
    for lr in (1e-3, 1e-3, 0.3):
        keras.utils.set_random_seed(5)
        runs.append(_train(_model(), x, y, lr=lr, epochs=4))
    df = kerasprov.open_store(str(store)).diff(*runs)
    assert list(df.columns) == ["rank", "group", "field", *runs, "note"]
    lr = df[df["field"] == "learning_rate"].iloc[0]
    assert lr["group"] == "hyperparameter"
    assert [lr[r] for r in runs] == [pytest.approx(1e-3), pytest.approx(1e-3),
                                     pytest.approx(0.3)]
    assert df.iloc[0]["field"] == "learning_rate"  # the first cause listed
    opt = df[df["field"] == "optimizer.learning_rate"]
    assert len(opt) == 1 and opt.iloc[0]["group"] == "configuration"
    # Runs 1 and 2 are the same computation; run 3 parts from the reference at some epoch.
    loss = df[df["field"] == "loss diverges from epoch"].iloc[0]
    assert loss[runs[0]] is None and loss[runs[1]] is None
    assert loss[runs[2]] in range(4)
    assert "rtol" in loss["note"]


def test_noise_rule_is_persistent_divergence():
    d = _Diff.__new__(_Diff)
    d.rtol, d.atol = 0.05, 1e-3
    ref = {e: {"loss": v} for e, v in enumerate([1.0, 0.8, 0.6, 0.5, 0.4])}
    same = {e: {"loss": v * 1.02} for e, v in enumerate([1.0, 0.8, 0.6, 0.5, 0.4])}
    assert d.first_apart(ref, same, "loss") is None  # 2 % apart: noise
    blip = {e: {"loss": v} for e, v in enumerate([1.0, 0.9, 0.6, 0.5, 0.4])}
    assert d.first_apart(ref, blip, "loss") is None  # apart once, then back: noise
    parts = {e: {"loss": v} for e, v in enumerate([1.0, 0.9, 0.6, 0.7, 0.8])}
    assert d.first_apart(ref, parts, "loss") == 3  # epoch 1 came back; 3 onwards stays apart
    near_zero = {e: {"loss": v} for e, v in enumerate([0.0, 0.0005])}
    assert d.first_apart({0: {"loss": 0.0}, 1: {"loss": 0.0}}, near_zero, "loss") is None


def _event(run, seq, type_, **payload):
    return {"v": 1, "run": run, "seq": seq, "type": type_, "ts": time.time(), **payload}


def _hand_run(run, env, hyps, metrics):
    """The events of one tiny run, as a training process would send them."""
    task = f"{run}-trainingmodel-1"
    return [
        _event(run, 0, "run_start", dataflow="hand", host="h", user="u", pid=1,
               script="/x/train.py", command="train.py", keras_version="3.0",
               backend="torch", start=time.time(), environment=env),
        _event(run, 1, "task_start", task=task, transformation="TrainingModel",
               inputs=["itrainingmodel"], outputs=["otrainingmodel"], start=time.time()),
        _event(run, 2, "rows", task=task, transformation="TrainingModel",
               set="itrainingmodel", rows=[hyps], links={}),
        _event(run, 3, "rows", task=task, transformation="TrainingModel",
               set="otrainingmodel", links={},
               rows=[{"epoch": e, "loss": v} for e, v in enumerate(metrics)]),
        _event(run, 4, "task_end", task=task, status="finished", end=time.time()),
        _event(run, 5, "run_end", status="finished", end=time.time()),
    ]


def test_environment_code_and_packages_are_named(tmp_path):
    from kerasprov.store.ingest import Ingestor
    env = {"backend_version": "2.1", "python": "3.11.7", "git_commit": "aaa",
           "git_dirty": False, "packages": {"numpy": "2.0.0", "pandas": "2.2.0"}}
    other = {**env, "packages": {"numpy": "2.1.0", "pandas": "2.2.0"}, "git_commit": "bbb"}
    st = kerasprov.open_store(str(tmp_path / "s"), create=True)
    with st.unit() as be:
        Ingestor(be).apply(_hand_run("r1", env, {"lr": 0.1}, [1.0, 0.5])
                           + _hand_run("r2", other, {"lr": 0.1}, [1.0, 0.5]))
    df = st.diff("r1", "r2")
    assert _explaining(df) == [("code", "git_commit"), ("environment", "package numpy")]
    assert df.iloc[1][["r1", "r2"]].tolist() == ["2.0.0", "2.1.0"]
    with pytest.raises(BadRequest, match="at least two"):
        st.diff("r1", "r1")
    with pytest.raises(NotFound, match="nope"):
        st.diff("r1", "nope")


def test_cli_diff_formats(tmp_path):
    from kerasprov.store.ingest import Ingestor
    st = kerasprov.open_store(str(tmp_path / "s"), create=True)
    with st.unit() as be:
        Ingestor(be).apply(_hand_run("a", {}, {"lr": 0.1, "opt": "sgd"}, [1.0, 0.9])
                           + _hand_run("b", {}, {"lr": 0.2, "opt": "sgd"}, [1.0, 0.2]))
    env = {**os.environ, "KERAS_BACKEND": "torch"}
    out = subprocess.run([sys.executable, "-m", "kerasprov", "diff", "a", "b", "--store",
                          str(tmp_path / "s"), "--format", "json"], capture_output=True,
                         text=True, timeout=120, env=env, check=False)
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert rows[0] == {"rank": 1, "group": "hyperparameter", "field": "lr", "a": 0.1,
                       "b": 0.2, "note": ""}
    diverge = [r for r in rows if r["field"] == "loss diverges from epoch"]
    assert diverge == [{"rank": diverge[0]["rank"], "group": "outcome",
                        "field": "loss diverges from epoch", "a": None, "b": 1,
                        "note": diverge[0]["note"]}]
    bad = subprocess.run([sys.executable, "-m", "kerasprov", "diff", "a", "--store",
                          str(tmp_path / "s")], capture_output=True, text=True, timeout=120,
                         env=env, check=False)
    assert bad.returncode == 1 and bad.stderr.startswith("Error: ")
    assert "Traceback" not in bad.stderr


def _two_hand_runs():
    env = {"python": "3.11.7", "packages": {"numpy": "2.0.0"}}
    return (_hand_run("h1", env, {"lr": 0.1, "optimizer": "sgd"}, [1.0, 0.8, 0.6])
            + _hand_run("h2", env, {"lr": 0.3, "optimizer": "sgd"}, [1.0, 0.5, 0.2]))


def test_same_diff_on_postgres_and_through_a_server(tmp_path, pg_url):  # noqa: F811
    import ui_util

    from kerasprov.store.ingest import Ingestor
    local = kerasprov.open_store(str(tmp_path / "s"), create=True)
    pg = kerasprov.open_store(pg_url, create=True)
    for st in (local, pg):
        with st.unit() as be:
            Ingestor(be).apply(_two_hand_runs())
    expected = local.diff("h1", "h2")
    assert expected["field"].tolist()[:1] == ["lr"]
    assert "loss diverges from epoch" in expected["field"].tolist()
    cols = ["group", "field", "h1", "h2"]
    assert pg.diff("h1", "h2")[cols].values.tolist() == expected[cols].values.tolist()
    server = ui_util.Server(tmp_path / "s")
    try:  # an http:// store runs the diff on its server (HttpStore.diff)
        remote = kerasprov.open_store(server.url).diff("h1", "h2")
    finally:
        server.stop()
    assert remote[cols].values.tolist() == expected[cols].values.tolist()
