"""Width never loses epochs (issue 20, item 3).

A set keeps ``MAX_SET_COLUMNS`` attributes as columns; the rest are rows of the long table
``extra_value``, which the views (``epochs.extra_metrics``, ``runs.last_extra_metrics``,
``tests.extra_metrics``) and the PROV export show. A run with 1,100 metrics keeps all of
them, and a later run with a name never seen before keeps every epoch: on DuckDB and on a
real PostgreSQL, through the ingest and through a real training.
"""

from __future__ import annotations

import json
import math

import pytest
from pg_util import pg_admin_url, pg_url, store_unit, unit  # noqa: F401  (fixtures)

from kerasprov.outbox import codec
from kerasprov.provexport.build import document
from kerasprov.store.ingest import MAX_SET_COLUMNS, Ingestor

N_METRICS = 1_100
EPOCHS = 3


def _run(run, metrics_of_epoch, epochs=EPOCHS, dataflow="wide", test_row=None, hyper=None):
    """A complete run whose epoch ``e`` logs ``metrics_of_epoch(e)``; validated events."""
    task = f"{run}-trainingmodel-1"
    evs = [{"type": "run_start", "dataflow": dataflow, "host": "h", "pid": 1},
           {"type": "task_start", "task": task, "transformation": "TrainingModel",
            "inputs": ["itrainingmodel"], "outputs": ["otrainingmodel"]}]
    if hyper is not None:
        evs.append({"type": "rows", "task": task, "transformation": "TrainingModel",
                    "set": "itrainingmodel", "links": {}, "rows": [hyper]})
    for e in range(epochs):
        evs.append({"type": "rows", "task": task, "transformation": "TrainingModel",
                    "set": "otrainingmodel", "links": {},
                    "rows": [{"epoch": e, "timestamp": 1.7e9 + e, **metrics_of_epoch(e)}]})
    evs.append({"type": "task_end", "task": task, "status": "finished"})
    if test_row is not None:
        test = f"{run}-testingmodel-1"
        evs += [{"type": "task_start", "task": test, "transformation": "TestingModel",
                 "inputs": ["otrainingmodel"], "outputs": ["otestingmodel"]},
                {"type": "rows", "task": test, "transformation": "TestingModel",
                 "set": "otestingmodel", "links": {"trainingmodel_task_id": task},
                 "rows": [test_row]},
                {"type": "task_end", "task": test, "status": "finished"}]
    evs.append({"type": "run_end", "status": "finished"})
    return [codec.validate({"v": 1, "run": run, "seq": i, "ts": 1.7e9 + i, **ev})
            for i, ev in enumerate(evs)]


def _many(e):
    return {f"m{i:04d}": i + e / 10 for i in range(N_METRICS)}


def _metric(be, run, name, epoch):
    """A metric's value at one epoch, wherever the store keeps it (column or long row)."""
    col = be.fetchall("SELECT column_name FROM attribute WHERE data_set_tag = "
                      "'otrainingmodel' AND name = ?", [name])
    if col:
        return be.fetchall(f'SELECT "{col[0][0]}" FROM ds_otrainingmodel WHERE run_id = ? '
                           "AND epoch = ?", [run, epoch])[0][0]
    return be.fetchall("SELECT value FROM extra_value WHERE run_id = ? AND name = ? AND "
                       "epoch = ? AND data_set_tag = 'otrainingmodel'", [run, name, epoch])[0][0]


def test_a_run_with_1100_metrics_then_a_new_name_keeps_every_epoch(unit):  # noqa: F811
    with unit() as be:
        ing = Ingestor(be)
        first = ing.apply(_run("wide1", _many, test_row={"timestamp": 1.7e9, **{
            f"t{i}": float(i) for i in range(MAX_SET_COLUMNS + 5)}}, hyper={
            f"hp{i}": f"v{i}" for i in range(MAX_SET_COLUMNS + 10)}))
        # A later run with one name never seen before, sent as an HTTP batch is (strict).
        second = ing.apply(_run("wide2", lambda e: {"m0001": 1.0, "brand_new": 2.0 + e}),
                           strict=True)
        assert first.refused == [] and second.refused == []
        n = {r: be.fetchall("SELECT COUNT(*) FROM epochs WHERE run_id = ?", [r])[0][0]
             for r in ("wide1", "wide2")}
        assert n == {"wide1": EPOCHS, "wide2": EPOCHS}
        runs = {r[0]: r[1:] for r in be.fetchall(
            "SELECT run_id, status, epochs FROM runs ORDER BY run_id")}
        assert runs == {"wide1": ("finished", EPOCHS), "wide2": ("finished", EPOCHS)}
        # Every metric of every epoch is queryable with SQL, column or long row.
        n_cols = be.fetchall("SELECT COUNT(*) FROM attribute WHERE data_set_tag = "
                             "'otrainingmodel' AND name LIKE 'm%'")[0][0]
        n_long = be.fetchall("SELECT COUNT(DISTINCT name), COUNT(*) FROM extra_value WHERE "
                             "run_id = 'wide1' AND data_set_tag = 'otrainingmodel'")[0]
        assert n_cols + n_long[0] == N_METRICS and n_long[1] == n_long[0] * EPOCHS
        for name in ("m0000", "m0500", "m1099"):
            for e in range(EPOCHS):
                assert _metric(be, "wide1", name, e) == pytest.approx(int(name[1:]) + e / 10)
        assert [_metric(be, "wide2", "brand_new", e) for e in range(EPOCHS)] == [2.0, 3.0, 4.0]
        # The views show them: one JSON object per epoch, and the last epoch's in runs.
        extra = dict(be.fetchall("SELECT epoch, extra_metrics FROM epochs "
                                 "WHERE run_id = 'wide1'"))
        assert json.loads(extra[2])["m1099"] == pytest.approx(1099.2)
        last = {r[0]: r[1:] for r in be.fetchall(
            "SELECT run_id, last_extra_metrics, extra_hyperparameters, test_extra_metrics "
            "FROM runs")}
        assert json.loads(last["wide2"][0]) == {"brand_new": 4.0}
        assert json.loads(last["wide1"][0])["m1099"] == pytest.approx(1099.2)
        assert json.loads(last["wide1"][1])[f"hp{MAX_SET_COLUMNS + 9}"] == \
            f"v{MAX_SET_COLUMNS + 9}"
        assert json.loads(last["wide1"][2])[f"t{MAX_SET_COLUMNS + 4}"] == MAX_SET_COLUMNS + 4
        assert last["wide2"][1:] == (None, None)
        tests = be.fetchall("SELECT extra_metrics FROM tests WHERE run_id = 'wide1'")
        assert json.loads(tests[0][0])[f"t{MAX_SET_COLUMNS + 4}"] == MAX_SET_COLUMNS + 4
        # The PROV export carries every metric on its epoch's entity.
        doc = document(be, run_id="wide1")
    text = doc.get_provn()
    for name in ("m0000", "m1099"):
        assert f"dnnprov:{name}=" in text
    epoch2 = [r for r in doc.get_records() if "data/wide1/otrainingmodel/2" in str(r.identifier)]
    attrs = {str(k): v for k, v in epoch2[0].attributes}
    assert attrs["dnnprov:m1099"] == pytest.approx(1099.2)


def test_values_of_every_kind_keep_their_meaning_in_the_long_table(unit):  # noqa: F811
    """Past the columns, numbers stay numbers (NaN, infinities and booleans included) and
    the rest is text; a wide row of long texts (PostgreSQL's 8 KB row) is stored whole."""
    filler = {f"f{i:03d}": "x" * 3000 for i in range(MAX_SET_COLUMNS)}
    odd = {"nan": math.nan, "inf": math.inf, "flag": True, "word": "adam",
           "big": 2**80, "nested": {"a": [1, 2]}}
    with unit() as be:
        result = Ingestor(be).apply(_run("kinds", lambda e: {**filler, **odd}, epochs=1))
        assert result.refused == []
        got = {r[0]: r[1:] for r in be.fetchall(
            "SELECT name, value, text_value FROM extra_value WHERE run_id = 'kinds'")}
        width = be.fetchall("SELECT COUNT(*) FROM epochs WHERE run_id = 'kinds'")[0][0]
    assert math.isnan(got["nan"][0]) and got["inf"][0] == math.inf
    assert got["flag"] == (1.0, None) and got["word"] == (None, "adam")
    assert got["big"] == (None, str(2**80)) and json.loads(got["nested"][1]) == {"a": [1, 2]}
    assert width == 1


def test_a_real_training_with_1100_logged_metrics(store_dir):
    """A real Keras fit whose callback logs 1,100 values per epoch, then a run with a new
    name: both keep every epoch, on a DuckDB directory store."""
    import keras
    import numpy as np

    import kerasprov

    class Many(keras.callbacks.Callback):
        def __init__(self, names):
            super().__init__()
            self.names = names

        def on_epoch_end(self, epoch, logs=None):
            if logs is not None:
                logs.update({n: float(epoch + i) for i, n in enumerate(self.names)})

    x = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    for names in ([f"per_class_{i}" for i in range(N_METRICS)], ["one_more_metric"]):
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        model.provenance(dataflow_tag="wide_fit")
        model.compile(optimizer="sgd", loss="mse")
        model.fit(x, y, epochs=2, batch_size=8, verbose=0, callbacks=[Many(names)])
    kerasprov.flush()
    s = kerasprov.open_store(str(store_dir))
    epochs = s.sql("SELECT run_id, COUNT(*) AS n FROM epochs GROUP BY run_id")
    assert sorted(epochs["n"]) == [2, 2], epochs
    names = s.sql("SELECT COUNT(DISTINCT name) AS n FROM extra_value")["n"][0]
    cols = s.sql("SELECT COUNT(*) AS n FROM attribute WHERE data_set_tag = 'otrainingmodel' "
                 "AND (name LIKE 'per_class_%' OR name = 'one_more_metric')")["n"][0]
    assert names + cols == N_METRICS + 1
    # Which run's journal goes in first decides which names get the last columns: the new
    # name is a column or a long row, and reads the same either way.
    for name in ("one_more_metric", "per_class_0", "per_class_1099"):
        got = s.sql(f"SELECT o.epoch, e.value FROM extra_value e JOIN epochs o ON o.run_id = "
                    f"e.run_id AND o.epoch = e.epoch WHERE e.name = '{name}' ORDER BY 1")
        if got.empty:
            col = s.sql(f"SELECT column_name FROM attribute WHERE name = '{name}'")
            got = s.sql(f'SELECT epoch, "{col["column_name"][0]}" AS value FROM epochs '
                        f'WHERE "{col["column_name"][0]}" IS NOT NULL ORDER BY 1')
        first = int(name.rsplit("_", 1)[1]) if name != "one_more_metric" else 0
        assert list(got["value"]) == [first + 0.0, first + 1.0], (name, got)
