"""Issue #4: files a run used and generated, with size, sha256, task and epoch."""

import hashlib
import json
import os
from pathlib import Path

import keras
import pytest
from kp_util import data, mlp
from lineage_util import end_pending, run_script, sha256_of, sql

import kerasprov
from kerasprov.capture import files


@pytest.fixture
def store(store_dir):
    yield store_dir
    end_pending()


def halve_at_2(epoch, lr):
    return lr * 0.5 if epoch == 2 else lr


@pytest.fixture
def checkpointed(store, tmp_path):
    """A fit with a best-val_accuracy ModelCheckpoint, a scheduler, then save/save_weights."""
    x, y = data(200, seed=3)
    model = mlp(lr=0.01)
    model.provenance(dataflow_tag="ckpt", adaptation=True)
    best = tmp_path / "ck" / "best.keras"
    every = tmp_path / "ck" / "epoch{epoch:02d}.weights.h5"
    history = model.fit(x, y, epochs=5, batch_size=16, validation_split=0.3, verbose=0,
                        callbacks=[keras.callbacks.LearningRateScheduler(halve_at_2),
                                   keras.callbacks.ModelCheckpoint(
                                       str(best), monitor="val_accuracy", mode="max",
                                       save_best_only=True),
                                   keras.callbacks.ModelCheckpoint(
                                       str(every), save_weights_only=True)])
    model.save(tmp_path / "final.keras")
    model.save_weights(str(tmp_path / "final.weights.h5"))
    return store, tmp_path, model, history


def test_best_checkpoint_sha256_matches_the_file_on_disk(checkpointed):
    store, tmp_path, _, history = checkpointed
    best = tmp_path / "ck" / "best.keras"
    rows = sql(store, "SELECT path, epoch, size, sha256, role, kind FROM file "
                      f"WHERE path = '{best}' ORDER BY time")
    assert set(rows["role"]) == {"generated"} and set(rows["kind"]) == {"checkpoint"}
    # One row per save: the epochs where val_accuracy improved (strictly).
    val = history.history["val_accuracy"]
    improved = [e for e in range(len(val)) if val[e] > max(val[:e], default=-1)]
    assert rows["epoch"].tolist() == improved
    last = rows.iloc[-1]
    assert last["sha256"] == sha256_of(best)
    assert last["size"] == os.path.getsize(best)
    assert last["epoch"] == max(range(len(val)), key=lambda e: (val[e], -e))


def test_which_epoch_and_learning_rate_produced_the_checkpoint_is_one_join(checkpointed):
    store, tmp_path, _, history = checkpointed
    per_epoch = sql(store, f"""
        SELECT f.epoch, e.learning_rate, e.val_accuracy, f.sha256
        FROM file f JOIN epochs e ON e.run_id = f.run_id AND e.epoch = f.epoch
        WHERE f.path = '{tmp_path / "ck" / "epoch04.weights.h5"}'""")
    assert per_epoch["epoch"].tolist() == [3]
    assert per_epoch["learning_rate"][0] == pytest.approx(0.005)  # halved at epoch 2
    assert per_epoch["val_accuracy"][0] == pytest.approx(history.history["val_accuracy"][3])
    assert per_epoch["sha256"][0] == sha256_of(tmp_path / "ck" / "epoch04.weights.h5")
    n = sql(store, "SELECT COUNT(*) AS n FROM file WHERE kind = 'checkpoint' "
                   "AND path LIKE '%.weights.h5'")["n"][0]
    assert n == 5


def test_model_save_and_save_weights_belong_to_the_training_task(checkpointed):
    store, tmp_path, _, _ = checkpointed
    rows = sql(store, """
        SELECT f.path, f.kind, f.sha256, f.epoch, t.transformation_tag
        FROM file f JOIN task t ON t.task_id = f.task_id
        WHERE f.kind IN ('model', 'weights') ORDER BY f.time""")
    assert rows["path"].tolist() == [str(tmp_path / "final.keras"),
                                     str(tmp_path / "final.weights.h5")]
    assert rows["kind"].tolist() == ["model", "weights"]
    assert set(rows["transformation_tag"]) == {"TrainingModel"}
    assert rows["sha256"].tolist() == [sha256_of(tmp_path / "final.keras"),
                                       sha256_of(tmp_path / "final.weights.h5")]
    assert rows["epoch"].isna().all()


def test_architecture_json_is_written_next_to_the_store(checkpointed):
    store, _, model, _ = checkpointed
    row = sql(store, "SELECT run_id, path, sha256 FROM file WHERE kind = 'architecture'")
    assert len(row) == 1
    path = row["path"][0]
    assert path == str(store / "artifacts" / row["run_id"][0] / "architecture.json")
    written, now = json.loads(Path(path).read_text()), json.loads(model.to_json())
    # The architecture as it was at train begin (the compile config holds the learning
    # rate, which the scheduler changed since).
    assert written["config"] == now["config"] and written["class_name"] == "Sequential"
    assert row["sha256"][0] == sha256_of(path)


def test_files_declared_before_fit_are_used_by_its_training_task(store, tmp_path):
    src = tmp_path / "train.csv"
    src.write_text("a,b\n1,2\n")
    assert kerasprov.use_file(src) == str(src)
    x, y = data(64)
    model = mlp()
    model.provenance(dataflow_tag="declared")
    model.fit(x, y, epochs=1, verbose=0)
    row = sql(store, "SELECT f.role, f.kind, f.sha256, t.transformation_tag FROM file f "
                     f"JOIN task t ON t.task_id = f.task_id WHERE f.path = '{src}'")
    assert row.values.tolist() == [["used", "data", sha256_of(src), "TrainingModel"]]


def _reference_dir_hash(root):
    entries = []
    for dirpath, _, names in os.walk(root):
        for name in names:
            full = os.path.join(dirpath, name)
            entries.append((os.path.relpath(full, root).replace(os.sep, "/"), sha256_of(full)))
    text = "".join(f"{rel}\0{sha}\n" for rel, sha in sorted(entries))
    return hashlib.sha256(text.encode()).hexdigest()


def test_directory_hash_follows_content_and_names(store, tmp_path):
    images = tmp_path / "images"
    (images / "daisy").mkdir(parents=True)
    (images / "tulip").mkdir()
    (images / "daisy" / "1.jpg").write_bytes(b"\x01" * 1000)
    (images / "tulip" / "1.jpg").write_bytes(b"\x02" * 500)
    with kerasprov.transformation("LoadData") as t:
        t.use_file(images)
    row = sql(store, "SELECT size, sha256, role FROM file").iloc[0]
    assert row["sha256"] == _reference_dir_hash(images)
    assert row["size"] == 1500 and row["role"] == "used"
    # Same content elsewhere: same hash. A renamed or changed file: another hash.
    copy = tmp_path / "copy"
    (copy / "daisy").mkdir(parents=True)
    (copy / "tulip").mkdir()
    (copy / "daisy" / "1.jpg").write_bytes(b"\x01" * 1000)
    (copy / "tulip" / "1.jpg").write_bytes(b"\x02" * 500)
    assert files.dir_sha256(copy) == (1500, row["sha256"])
    os.rename(copy / "tulip" / "1.jpg", copy / "tulip" / "2.jpg")
    assert files.dir_sha256(copy)[1] != row["sha256"]
    (images / "daisy" / "1.jpg").write_bytes(b"\x03" * 1000)
    assert files.dir_sha256(images)[1] != row["sha256"]


def test_missing_file_is_recorded_without_hash_and_warns(store, tmp_path):
    def declare_missing():
        with kerasprov.transformation("LoadData") as t:
            t.use_file(tmp_path / "nothing-here.npz")
        kerasprov.flush()  # the writer thread tries to hash it, and warns

    with pytest.warns(kerasprov.ProvenanceWarning, match="could not read"):
        declare_missing()
    row = sql(store, "SELECT path, size, sha256 FROM file").iloc[0]
    assert row["path"].endswith("nothing-here.npz")
    assert row["size"] is None or row["size"] != row["size"]  # NULL
    assert row["sha256"] is None


def test_preprocessing_process_then_training_process_join_by_sha256(store, tmp_path):
    """A Filter writes an .npz in one process; another trains on it; SQL and PROV join them."""
    run_script("""
        import numpy as np
        import kerasprov

        rng = np.random.default_rng(0)
        x = rng.normal(size=(120, 8)).astype("float32")
        y = (x[:, 0] > 0).astype("int64")
        with kerasprov.transformation("Filter", dataflow="flowers",
                                      inputs={"filter_name": "gray-scale"}) as t:
            x = x * 0.5
            np.savez(t.generated_file("filtered.npz"), x=x, y=y)
            t.output(channels=1, n_images=len(x))
    """, tmp_path, store, name="preprocess.py")
    run_script("""
        import keras
        import numpy as np
        import kerasprov

        arrays = np.load(kerasprov.use_file("filtered.npz"))
        x, y = arrays["x"], keras.utils.to_categorical(arrays["y"], 2)
        model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(8, activation="relu"),
                                  keras.layers.Dense(2, activation="softmax")])
        model.provenance(dataflow_tag="flowers")
        model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
        model.fit(x, y, epochs=2, verbose=0)
        print(model.evaluate(x, y, verbose=0, return_dict=True)["accuracy"])
    """, tmp_path, store, name="train.py")
    joined = sql(store, """
        SELECT f.filter_name, g.path, tr.transformation_tag AS consumer, t.accuracy
        FROM file g
        JOIN ds_ifilter f ON f.filter_task_id = g.task_id
        JOIN file u ON u.sha256 = g.sha256 AND u.role = 'used'
        JOIN task tr ON tr.task_id = u.task_id
        JOIN ds_otestingmodel t ON t.trainingmodel_task_id = tr.task_id
        WHERE g.role = 'generated'""")
    assert len(joined) == 1
    row = joined.iloc[0]
    assert row["filter_name"] == "gray-scale" and row["consumer"] == "TrainingModel"
    assert row["path"] == str(tmp_path / "filtered.npz")
    assert 0.0 <= row["accuracy"] <= 1.0
    runs = sql(store, "SELECT COUNT(DISTINCT run_id) AS n FROM execution "
                      "WHERE dataflow_tag = 'flowers'")
    assert runs["n"][0] == 2

    # PROV: the file is one entity, generated by the Filter and used by the training.
    doc = kerasprov.open_store(str(store)).prov(dataflow="flowers")
    sha = sha256_of(tmp_path / "filtered.npz")
    prov = json.loads(doc.serialize(format="json"))
    file_ids = [k for k, v in prov["entity"].items() if str(v.get("kerasprov:sha256", "")) == sha
                or sha in k]
    assert len(file_ids) == 1
    made = [g["prov:activity"] for g in prov["wasGeneratedBy"].values()
            if g["prov:entity"] == file_ids[0]]
    used = [u["prov:activity"] for u in prov["used"].values() if u["prov:entity"] == file_ids[0]]
    assert len(made) == 1 and "filter" in made[0]
    assert len(used) == 1 and "trainingmodel" in used[0]


class _TrueHash(keras.callbacks.Callback):
    """After the ModelCheckpoint: the sha256 of the bytes each epoch's save left."""

    def __init__(self, path):
        super().__init__()
        self.path, self.shas = path, {}

    def on_epoch_end(self, epoch, logs=None):
        self.shas[epoch] = sha256_of(self.path)


def test_a_checkpoint_overwritten_before_it_is_hashed_never_gets_another_versions_hash(
        store, tmp_path, monkeypatch):
    # Hashing is slow (a big file): one path saved every epoch is overwritten while the
    # writer waits for an earlier hash. Every save is recorded; a hash, where there is
    # one, is the hash of that epoch's bytes; a version gone before it was read says so.
    slow, digest = 0.4, files.digest

    def slow_digest(path, *a, **k):
        import time
        time.sleep(slow)
        return digest(path, *a, **k)
    monkeypatch.setattr(files, "digest", slow_digest)
    x, y = data(64)
    model = mlp(lr=0.01)
    model.provenance("overwritten")
    path = tmp_path / "same.keras"
    truth = _TrueHash(path)
    model.fit(x, y, epochs=6, verbose=0,
              callbacks=[keras.callbacks.ModelCheckpoint(str(path)), truth])
    kerasprov.flush(60)
    rows = sql(store, "SELECT epoch, size, sha256, hash_method FROM file "
                      "WHERE kind = 'checkpoint' ORDER BY epoch").to_dict("records")
    assert [r["epoch"] for r in rows] == list(range(6))
    for r in rows:
        if isinstance(r["sha256"], str):
            assert r["sha256"] == truth.shas[r["epoch"]], r
        else:
            assert r["hash_method"] == "changed before it was hashed", r
    assert rows[-1]["sha256"] == sha256_of(path)
    assert not all(isinstance(r["sha256"], str) for r in rows)  # the writer fell behind
