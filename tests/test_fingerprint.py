"""Issue #4: fingerprints of the data given to fit and evaluate."""

import hashlib

import keras
import numpy as np
import pytest
from kp_util import data, mlp
from lineage_util import end_pending, sql

from kerasprov.capture import files


@pytest.fixture
def store(store_dir):
    yield store_dir
    end_pending()


def _fit(tag, x, y, **kwargs):
    model = mlp()
    model.provenance(dataflow_tag=tag)
    model.fit(x, y, epochs=1, batch_size=32, verbose=0, **kwargs)
    return model


def _prints(store, tag):
    return sql(store, "SELECT d.role, d.class_name, d.shape, d.dtype, d.n_samples, d.sha256, "
                      "d.hash_method FROM ds_itrainingdata d JOIN execution e "
                      f"ON e.run_id = d.run_id WHERE e.dataflow_tag = '{tag}' ORDER BY d.role")


def test_same_data_same_fingerprint_across_runs_different_data_differs(store):
    x, y = data(150, seed=1)
    _fit("first", x, y, validation_data=(x[:30], y[:30]))
    _fit("second", x.copy(), y.copy(), validation_data=(x[:30].copy(), y[:30].copy()))
    x2 = x.copy()
    x2[77, 3] += 1e-3  # one value changed
    _fit("third", x2, y)
    first, second, third = (_prints(store, t) for t in ("first", "second", "third"))
    assert first["role"].tolist() == ["val_x", "val_y", "x", "y"]
    assert first.values.tolist() == second.values.tolist()
    x_row = first.set_index("role").loc["x"]
    assert (x_row["shape"], x_row["dtype"], x_row["n_samples"]) == ("[150, 8]", "float32", 150)
    assert x_row["hash_method"] == "full"
    assert len(x_row["sha256"]) == 64
    third = third.set_index("role")
    assert third.loc["x", "sha256"] != x_row["sha256"]
    assert third.loc["y", "sha256"] == first.set_index("role").loc["y", "sha256"]
    # The data dependency: TrainingModel lists the data set as an input.
    deps = sql(store, "SELECT DISTINCT next_transformation FROM data_dependency "
                      "WHERE data_set_tag = 'itrainingdata'")
    assert deps["next_transformation"].tolist() == ["TrainingModel"]


def test_evaluate_data_is_an_input_of_testing(store):
    x, y = data(100, seed=2)
    model = _fit("evaluated", x, y)
    model.evaluate(x[:40], y[:40], verbose=0)
    rows = sql(store, "SELECT t.role, t.sha256, t.trainingmodel_task_id IS NOT NULL AS linked "
                      "FROM ds_itestingdata t ORDER BY t.role")
    assert rows["role"].tolist() == ["x", "y"]
    assert rows["linked"].all()
    assert rows["sha256"][0] == files.array_fingerprint(x[:40])["sha256"]
    assert rows["sha256"][0] != _prints(store, "evaluated").set_index("role").loc["x", "sha256"]


def test_hash_rule_layout_dtype_and_shape(store):
    a = np.arange(24, dtype="float32").reshape(4, 6)
    fortran = np.asfortranarray(a)
    assert files.array_fingerprint(fortran) == files.array_fingerprint(a)
    expected = hashlib.sha256(b"<f4|(4, 6)\n" + a.tobytes()).hexdigest()
    assert files.array_fingerprint(a)["sha256"] == expected
    assert files.array_fingerprint(a.astype("float64"))["sha256"] != expected
    assert files.array_fingerprint(a.reshape(6, 4))["sha256"] != expected
    strings = np.array(["a", "b", None], dtype=object)
    fp = files.array_fingerprint(strings)
    assert fp["hash_method"] == "repr"
    assert fp["sha256"] == files.array_fingerprint(strings.copy())["sha256"]


def test_large_arrays_are_sampled_deterministically(store):
    big = np.zeros((1100, 128, 128), dtype="float32")  # 72 MB > 64 MB
    big[:, 0, 0] = np.arange(1100)
    fp = files.array_fingerprint(big)
    assert fp["hash_method"] == "sampled" and fp["nbytes"] == big.nbytes
    assert files.array_fingerprint(big.copy())["sha256"] == fp["sha256"]
    changed = big.copy()
    changed[-1, 5, 5] = 1.0  # the last row is always sampled
    assert files.array_fingerprint(changed)["sha256"] != fp["sha256"]


class Batches(keras.utils.PyDataset):
    def __init__(self, x, y, batch=32):
        super().__init__()
        self.x, self.y, self.batch = x, y, batch

    def __len__(self):
        return int(np.ceil(len(self.x) / self.batch))

    def __getitem__(self, i):
        s = slice(i * self.batch, (i + 1) * self.batch)
        return self.x[s], self.y[s]


def test_pydataset_and_generator_record_class_and_length(store):
    x, y = data(96)
    _fit("pyds", Batches(x, y), None)

    def gen():
        while True:
            for i in range(0, 96, 32):
                yield x[i:i + 32], y[i:i + 32]

    _fit("gen", gen(), None, steps_per_epoch=3, shuffle=False)
    pyds = sql(store, "SELECT d.role, d.class_name, d.length, d.sha256 FROM ds_itrainingdata d "
                      "JOIN execution e ON e.run_id = d.run_id WHERE e.dataflow_tag = 'pyds'")
    assert pyds[["role", "class_name", "length"]].values.tolist() == [["x", "Batches", 3]]
    assert pyds["sha256"].isna().all()
    g = sql(store, "SELECT d.class_name, d.length FROM ds_itrainingdata d "
                   "JOIN execution e ON e.run_id = d.run_id WHERE e.dataflow_tag = 'gen'")
    assert g["class_name"].tolist() == ["generator"]
    assert g["length"].isna().all()


def test_multi_input_dict_gets_one_row_per_input(store):
    x, y = data(64)
    inputs = {"left": keras.Input((4,), name="left"), "right": keras.Input((4,), name="right")}
    merged = keras.layers.Concatenate()([inputs["left"], inputs["right"]])
    model = keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(merged))
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    model.provenance(dataflow_tag="multi")
    model.fit({"left": x[:, :4], "right": x[:, 4:]}, y, epochs=1, verbose=0)
    rows = sql(store, "SELECT role, shape FROM ds_itrainingdata ORDER BY role")
    assert rows.values.tolist() == [["x.left", "[64, 4]"], ["x.right", "[64, 4]"],
                                    ["y", "[64, 2]"]]
