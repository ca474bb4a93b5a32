"""Issue #7 (4): a corpus of hostile names and values that grows.

Each entry is stored faithfully (read back and compared) or refused with a clear message;
none stops training or damages the schema.
"""

from __future__ import annotations

import math
import time
import warnings

import duckdb
import keras
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kp_util import data, mlp

import kerasprov
from kerasprov.outbox import codec
from kerasprov.store.backend import DuckDBBackend
from kerasprov.store.ingest import Ingestor, ensure_schema
from kerasprov.store.schema import column_name, quote

# -- the corpus ---------------------------------------------------------------------------------
HOSTILE_NAMES = [
    'quo"te', "apo'strophe", "back`tick", "semi; DROP TABLE execution; --",
    '"); DELETE FROM task; --', "select", "order", "group", "from", "where", "table",
    "run_id", "trainingmodel_task_id", "ünïcødé 名前 🎉", "x" * 10_000, "Case", "case", "CASE",
    " spaced name ", "", "new\nline", "nul\x00byte", "tab\tbed", "1starts_with_digit",
    "a.b", "*", "%", "\\",
]


class Opaque:
    def __repr__(self):
        return "<Opaque thing>"


def _torch(values):
    import torch
    return torch.tensor(values)


# name -> (value given, value expected back); expected None means SQL NULL.
HOSTILE_VALUES = {
    "v_nan": (math.nan, math.nan), "v_inf": (math.inf, math.inf),
    "v_ninf": (-math.inf, -math.inf), "v_negzero": (-0.0, -0.0),
    "v_big": (2**70, float(2**70)), "v_int64max": (2**63 - 1, 2**63 - 1),
    "v_np_f32": (np.float32(0.5), 0.5), "v_np_i64": (np.int64(7), 7),
    "v_np_bool": (np.bool_(True), True), "v_np_nan": (np.float64("nan"), math.nan),
    "v_tensor": (None, 1.5), "v_tensor_vec": (None, "[1.0, 2.0]"),
    "v_none": (None, None), "v_bytes": (b"by\xfftes", "by\\xfftes"),
    "v_list": ([1, "a", None], '[1, "a", null]'), "v_dict": ({"k": [1.5]}, '{"k": [1.5]}'),
    "v_bool": (False, False), "v_text": ("'; DROP TABLE ds_itrainingmodel; --",
                                         "'; DROP TABLE ds_itrainingmodel; --"),
    "v_surrogate": ("file\udcff.npz", "file\\udcff.npz"),
    "v_long_text": ("y" * 50_000, "y" * 50_000),
}


def _values():
    out = {name: given for name, (given, _) in HOSTILE_VALUES.items()}
    out["v_tensor"] = _torch(1.5)
    out["v_tensor_vec"] = _torch([1.0, 2.0])
    out["v_object"] = Opaque()
    return out


def _same(got, expected):
    if expected is None:
        return got is None or (isinstance(got, float) and math.isnan(got))
    if isinstance(expected, float) and math.isnan(expected):
        return isinstance(got, float) and math.isnan(got)
    if isinstance(expected, float):
        return got == expected and math.copysign(1, got) == math.copysign(1, expected)
    return got == expected


def _column_of(store, set_tag, name):
    rows = store.read("SELECT column_name FROM attribute WHERE data_set_tag = ? AND name = ?",
                      [set_tag, name])
    assert len(rows) == 1, (set_tag, name)
    return rows["column_name"].iloc[0]


def _value(store, table, column, run_id, extra=""):
    df = store.read(f"SELECT {quote(column)} AS v FROM {quote(table)} WHERE run_id = ? {extra}",
                    [run_id])
    return df["v"].iloc[0]


def _schema_is_sound(store):
    """The fixed tables and views still answer, and a normal run still stores."""
    tables = set(store.read("SELECT table_name FROM information_schema.tables")["table_name"])
    assert {"execution", "task", "attribute", "ds_itrainingmodel", "ds_otrainingmodel",
            "runs", "epochs"} <= tables
    for view in ("runs", "epochs", "adaptations", "tests", "data_dependency"):
        store.sql(f"SELECT * FROM {view}")
    x, y = data(32)
    model = mlp()
    model.provenance("after_hostile", hyperparameters={"plain": 1})
    model.fit(x, y, epochs=2, verbose=0)
    runs = store.runs(dataflow="after_hostile")
    assert runs["status"].tolist() == ["finished"] and runs["epochs"].tolist() == [2]


# -- hyperparameters ----------------------------------------------------------------------------
def test_hostile_hyperparameter_names_and_values(store_dir, recwarn):
    hyper = {name: i for i, name in enumerate(HOSTILE_NAMES)}
    hyper.update(_values())
    x, y = data(32)
    model = mlp()
    model.provenance("hostile_hp", hyperparameters=hyper)
    history = model.fit(x, y, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    s = kerasprov.open_store()
    run_id = s.runs(dataflow="hostile_hp")["run_id"].iloc[0]
    for i, name in enumerate(HOSTILE_NAMES):
        col = _column_of(s, "itrainingmodel", name)
        assert len(col) <= 60
        assert _value(s, "ds_itrainingmodel", col, run_id) == i, name
    for name, (_, expected) in HOSTILE_VALUES.items():
        got = _value(s, "ds_itrainingmodel", _column_of(s, "itrainingmodel", name), run_id)
        assert _same(got, expected), (name, got, expected)
    got = _value(s, "ds_itrainingmodel", "v_object", run_id)
    assert got == "<Opaque thing>"
    warned = [str(w.message) for w in recwarn if w.category is kerasprov.ProvenanceWarning]
    assert len(warned) == 1 and "'v_object'" in warned[0] and "repr() text" in warned[0]
    # Names equal but for case are three attributes and three columns.
    cols = {_column_of(s, "itrainingmodel", n) for n in ("Case", "case", "CASE")}
    assert len(cols) == 3
    _schema_is_sound(s)


# -- metrics --------------------------------------------------------------------------------------
class HostileMetrics(keras.callbacks.Callback):
    """Adds hostile entries to the epoch logs (our Tail reads them after every callback)."""

    def __init__(self, entries):
        super().__init__()
        self.entries = entries

    def on_epoch_end(self, epoch, logs=None):
        logs.update(self.entries(epoch))


def test_hostile_metric_names_and_values(store_dir, recwarn):
    names = [n for n in HOSTILE_NAMES if n not in ("", "x" * 10_000)] + ["Loss", "LOSS"]

    def entries(epoch):
        out = {name: float(epoch + i) for i, name in enumerate(names)}
        out.update(_values())
        out["v_changes_type"] = 1.0 if epoch == 0 else "now text"
        return out

    x, y = data(32)
    model = mlp()
    model.provenance("hostile_metrics")
    history = model.fit(x, y, epochs=2, verbose=0, callbacks=[HostileMetrics(entries)])
    assert len(history.history["loss"]) == 2
    s = kerasprov.open_store()
    run_id = s.runs(dataflow="hostile_metrics")["run_id"].iloc[0]
    for i, name in enumerate(names):
        col = _column_of(s, "otrainingmodel", name)
        assert _value(s, "ds_otrainingmodel", col, run_id, "AND epoch = 1") == 1.0 + i, name
    for name, (_, expected) in HOSTILE_VALUES.items():
        got = _value(s, "ds_otrainingmodel", _column_of(s, "otrainingmodel", name), run_id,
                     "AND epoch = 0")
        assert _same(got, expected), (name, got, expected)
    changed = s.read("SELECT v_changes_type AS v FROM ds_otrainingmodel WHERE run_id = ? "
                     "ORDER BY epoch", [run_id])["v"].tolist()
    assert changed == ["1.0", "now text"]  # the column widened to text; nothing was lost
    # Keras's own loss is untouched by the look-alikes.
    losses = s.epochs(run_id)["loss"].tolist()
    assert losses == pytest.approx(history.history["loss"], rel=1e-6)
    _schema_is_sound(s)


def test_a_metric_named_like_our_columns_is_refused_clearly(store_dir):
    x, y = data(32)
    model = mlp()
    model.provenance("reserved")
    with pytest.warns(kerasprov.ProvenanceWarning) as caught:
        model.fit(x, y, epochs=2, verbose=0,
                  callbacks=[HostileMetrics(lambda e: {"epoch": "oops", "timestamp": "x"})])
    said = sorted(str(w.message) for w in caught if w.category is kerasprov.ProvenanceWarning)
    assert len(said) == 2 and "'epoch' is not stored" in said[0] and "'timestamp'" in said[1]
    s = kerasprov.open_store()
    assert s.sql("SELECT epoch FROM epochs ORDER BY epoch")["epoch"].tolist() == [0, 1]
    types = dict(s.sql("SELECT name, type FROM attribute WHERE data_set_tag = 'otrainingmodel'")
                 .values.tolist())
    assert types["epoch"] == "integer" and types["timestamp"] == "timestamp"


# -- sizes ----------------------------------------------------------------------------------------
class Deep(keras.Model):
    """1,000 layers (Keras cannot build a 1,000-layer Sequential: it recurses too deep)."""

    def __init__(self):
        super().__init__()
        self.blocks = [keras.layers.Dense(4, name=f"d{i}") for i in range(1000)]

    def call(self, x):
        for block in self.blocks:
            x = block(x)
        return x


def test_a_1000_layer_model(store_dir):
    model = Deep()
    model.compile("sgd", "mse")
    model.provenance("deep", hyps={"NUM_LAYERS": True})
    x = np.zeros((8, 4), "float32")
    model.fit(x, x, epochs=1, batch_size=8, verbose=0)
    s = kerasprov.open_store()
    assert s.sql("SELECT num_layers FROM runs")["num_layers"].tolist() == [1000]
    layers = s.sql("SELECT layer_index, name FROM ds_ilayers ORDER BY layer_index",
                   limit=2000)
    assert layers["layer_index"].tolist() == list(range(1000))
    assert layers["name"].tolist() == [f"d{i}" for i in range(1000)]


def test_a_10000_epoch_run(store_dir):
    """Through the same Run/outbox/ingest path as fit (a real 10,000-epoch fit takes minutes
    here); the epoch rows are those FitCapture.epoch_end builds."""
    from kerasprov.capture.session import Run
    from kerasprov.names import TRAINING
    run = Run("tenk")
    task = run.task_start(TRAINING, inputs=["itrainingmodel"], outputs=["otrainingmodel"])
    for epoch in range(10_000):
        run.rows(task, TRAINING, "otrainingmodel", [{
            "epoch": epoch, "timestamp": time.time(), "elapsed_time": 0.001,
            "loss": 1.0 / (epoch + 1), "learning_rate": 0.01}], sync=True)
    run.task_end(task)
    run.end()
    assert kerasprov.flush(120)
    s = kerasprov.open_store()
    stats = s.sql("SELECT COUNT(*) AS n, COUNT(DISTINCT epoch) AS d, MIN(epoch) AS lo, "
                  "MAX(epoch) AS hi, MIN(loss) AS best FROM epochs")
    assert stats.to_dict("records") == [{"n": 10_000, "d": 10_000, "lo": 0, "hi": 9999,
                                         "best": 1.0 / 10_000}]
    assert s.runs()[["status", "epochs"]].values.tolist() == [["finished", 10_000]]


def test_a_long_real_fit(store_dir):
    """A real fit of 1,000 one-step epochs: every epoch stored once."""
    x, y = data(8)
    model = mlp()
    model.provenance("long")
    history = model.fit(x, y, epochs=1000, batch_size=8, verbose=0)
    s = kerasprov.open_store()
    epochs = s.epochs(s.runs()["run_id"].iloc[0])
    assert epochs["epoch"].tolist() == list(range(1000))
    assert epochs["loss"].tolist() == pytest.approx(history.history["loss"], rel=1e-6)


# -- property-based: the event codec --------------------------------------------------------------
json_scalars = (st.none() | st.booleans() | st.integers(min_value=-(2**80), max_value=2**80)
                | st.floats(allow_nan=True, allow_infinity=True) | st.text())
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=30)


def _identical(a, b):
    """Equal, with NaN equal to NaN and -0.0 different from 0.0."""
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a):
            return math.isnan(b)
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_identical(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, list):
        return len(a) == len(b) and all(_identical(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


@settings(max_examples=300, deadline=None)
@given(payload=st.dictionaries(st.text(min_size=1).filter(
    lambda k: k not in ("v", "run", "seq", "type", "ts")), json_values, max_size=6),
    seq=st.integers(min_value=0, max_value=2**53))  # the schema bound (events.MAX_SEQ)
def test_codec_round_trip(payload, seq):
    event = {"v": 1, "run": "r1", "seq": seq, "type": "heartbeat", "ts": 1.5, **payload}
    line = codec.encode(event)
    assert "\n" not in line  # one event, one line
    import json
    json.loads(line)  # strict JSON: no NaN/Infinity tokens
    assert _identical(codec.decode(line), event)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_codec_refuses_garbage_clearly(raw):
    try:
        codec.decode(raw)
    except kerasprov.KerasProvError as exc:
        assert exc.message
    except UnicodeDecodeError:  # pragma: no cover - json.loads decodes bytes itself
        pytest.fail("a decoding error escaped")


# -- property-based: ingest of arbitrary attribute names and values -------------------------------
attr_values = (st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**63 - 1)
               | st.floats(allow_nan=True, allow_infinity=True)
               | st.text(st.characters(blacklist_categories=("Cs",))))
attr_names = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=80)


@pytest.fixture(scope="module")
def memory_backend():
    be = DuckDBBackend(duckdb.connect())
    ensure_schema(be)
    yield be
    be.close()


_counter = iter(range(10**9))


def _expected_cell(value, typ):
    if value is None:
        return None
    if typ == "text":
        from kerasprov.store.schema import convert
        return convert(value, "text")
    if typ == "real":
        return float(value)
    return value


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(row=st.dictionaries(attr_names, attr_values, min_size=1, max_size=6))
def test_ingest_arbitrary_attributes(memory_backend, row):
    be = memory_backend
    n = next(_counter)
    set_tag = f"prop{n}"
    run_id = f"run{n}"
    task = f"{run_id}-t-1"
    Ingestor(be).apply([
        {"v": 1, "run": run_id, "seq": 0, "type": "run_start", "dataflow": "prop", "ts": 1.0},
        {"v": 1, "run": run_id, "seq": 1, "type": "task_start", "task": task,
         "transformation": "T", "ts": 1.0},
        {"v": 1, "run": run_id, "seq": 2, "type": "rows", "task": task, "transformation": "T",
         "set": set_tag, "rows": [row], "ts": 1.0}])
    attrs = {name: (col, typ) for name, col, typ in be.fetchall(
        "SELECT name, column_name, type FROM attribute WHERE data_set_tag = ?", [set_tag])}
    assert set(attrs) == set(row)
    cols = [c for c, _ in attrs.values()]
    assert len(set(cols)) == len(cols)  # unique columns, whatever the names
    assert len({c.lower() for c in cols}) == len(cols)
    (stored,) = be.fetchall(f"SELECT {', '.join(quote(c) for c in cols)} FROM "
                            f"{quote('ds_' + set_tag)}")
    for (name, (col, typ)), got in zip(attrs.items(), stored):
        expected = _expected_cell(row[name], typ)
        if typ == "timestamp":
            continue  # a name like "timestamp" is typed by kerasprov, not by the value
        assert _same(got, expected), (name, col, typ, row[name], got)


@settings(max_examples=200, deadline=None)
@given(names=st.lists(st.text(min_size=0, max_size=120), min_size=1, max_size=20))
def test_column_names_are_unique_and_short(names):
    taken: set[str] = {"run_id", "trainingmodel_task_id"}
    for name in names:
        col = column_name(name, taken)
        assert col not in taken and len(col) <= 60 and "\x00" not in col
        assert col == col.lower() or not col.isascii()
        taken.add(col)


def test_no_warning_escapes_as_an_error():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        codec.decode(codec.encode({"v": 1, "run": "r", "seq": 0, "type": "heartbeat",
                                   "x": [math.nan, -0.0, 2**70]}))


def test_a_number_that_is_no_timestamp_does_not_block_the_store(store_dir):
    """'timestamp' is typed as a time (POSIX seconds); 1e300 seconds is no time at all. It
    used to fail every later ingest of the store; now it is stored as NULL."""
    x, y = data(32)
    model = mlp()
    model.provenance("badtime", hyperparameters={"timestamp": 1e300, "other": 1})
    model.fit(x, y, epochs=1, verbose=0)
    s = kerasprov.open_store()
    runs = s.runs(dataflow="badtime")
    assert runs["status"].tolist() == ["finished"] and runs["other"].tolist() == [1]
    assert s.sql("SELECT timestamp FROM ds_itrainingmodel")["timestamp"].isna().all()
