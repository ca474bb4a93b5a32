"""Issue #4: the paper's AlexNet demonstration, at a tiny size; its tables come from SQL."""

import importlib.util
import os
import subprocess
import sys

import numpy as np
import pytest
from lineage_util import end_pending, sha256_of, sql

import kerasprov
from kerasprov import demo


@pytest.fixture
def store(store_dir):
    yield store_dir
    end_pending()


def test_synthetic_flowers_are_deterministic_and_isoluminant():
    x, y = demo.synthetic_flowers(6, size=32, seed=7)
    again, y2 = demo.synthetic_flowers(6, size=32, seed=7)
    assert x.shape == (102, 32, 32, 3) and x.dtype == np.float32
    assert np.array_equal(x, again) and np.array_equal(y, y2)
    assert sorted(np.bincount(y)) == [6] * 17
    assert not np.array_equal(x, demo.synthetic_flowers(6, size=32, seed=8)[0])
    # Classes that share a shape have the same gray level and different colours.
    gray = demo.to_grayscale(x)
    specs = demo.class_specs()
    same_shape = [c for c, (shape, _) in enumerate(specs) if shape == 0]
    gray_means = [gray[y == c].mean() for c in same_shape]
    colour_means = np.array([x[y == c].mean(axis=(0, 1, 2)) for c in same_shape])
    assert max(gray_means) - min(gray_means) < 0.01
    assert np.ptp(colour_means, axis=0).max() > 0.05


def test_demo_prints_both_tables_from_the_store(store, tmp_path):
    lines = []
    cfg = demo.DemoConfig(epochs=2, image_size=32, train_per_class=3, val_per_class=1,
                          test_per_class=1, decay_every=1, out_dir=str(tmp_path / "models"))
    result = demo.run_demo(cfg, store=str(store), echo=lines.append)
    text = "\n".join(lines)
    none_run, gray_run = result.run_ids

    # Table 1: the step decay halved the rate at epoch 1, as the store says.
    assert result.table1[["epoch", "technique"]].values.tolist() == [
        [1, "LearningRateScheduler"]]
    assert result.table1["learning_rate"][0] == pytest.approx(0.0005)
    stored = sql(store, f"SELECT epoch, learning_rate FROM adaptations WHERE run_id = "
                        f"'{none_run}'")
    assert stored.values.tolist() == [[1, pytest.approx(0.0005)]]

    # Table 2: one row per filter, accuracy and epochs as the tests/epochs views say.
    assert result.table2["filter"].tolist() == ["none", "gray-scale"]
    tests = sql(store, "SELECT run_id, accuracy FROM tests")
    acc = dict(tests.values.tolist())
    assert result.table2["accuracy"].tolist() == pytest.approx([acc[none_run], acc[gray_run]])
    assert result.table2["epochs"].tolist() == [2, 2]
    plain = demo.table2_sql(kerasprov.open_store(str(store)), result.run_ids)
    assert plain.values.tolist() == result.table2.values.tolist()
    assert "Table 1" in text and "Table 2" in text and "gray-scale" in text
    assert "kerasprov ui" in text

    # The Filter changed the channels; LoadData and Filter precede TrainingModel.
    channels = sql(store, "SELECT o.channels FROM ds_ofilter o JOIN ds_ifilter i "
                          "ON i.filter_task_id = o.filter_task_id ORDER BY i.filter_name DESC")
    assert channels["channels"].tolist() == [3, 1]
    deps = sql(store, "SELECT previous_transformation FROM data_dependency WHERE "
                      "dataflow_tag = 'alexnet' AND next_transformation = 'TrainingModel' "
                      "AND previous_transformation IS NOT NULL ORDER BY 1")
    assert deps["previous_transformation"].tolist() == ["Filter", "LoadData"]

    # The best checkpoint of each run is on disk with the recorded sha256.
    assert len(result.checkpoints) == 2
    for row in result.checkpoints.itertuples():
        assert os.path.exists(row.path)
        assert sha256_of(row.path).startswith(row.sha256_prefix)
    models = sql(store, "SELECT path, sha256 FROM file WHERE kind = 'model'")
    assert len(models) == 2
    for row in models.itertuples():
        assert sha256_of(row.path) == row.sha256


def test_demo_command_is_documented_and_rejects_bad_options(tmp_path):
    env = {**os.environ, "KERAS_BACKEND": "torch"}
    out = subprocess.run([sys.executable, "-m", "kerasprov", "demo", "--help"], env=env,
                         capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0
    assert "--data-dir" in out.stdout and "--full" in out.stdout and "--epochs" in out.stdout
    bad = subprocess.run([sys.executable, "-m", "kerasprov", "demo", "--epochs", "0",
                          "--store", str(tmp_path / "s")], env=env, capture_output=True,
                         text=True, timeout=120, check=False)
    assert bad.returncode != 0 and "--epochs" in bad.stderr
    (tmp_path / "empty").mkdir()
    empty = subprocess.run([sys.executable, "-m", "kerasprov", "demo", "--data-dir",
                            str(tmp_path / "empty"), "--store", str(tmp_path / "s")],
                           env=env, capture_output=True, text=True, timeout=300, check=False)
    assert empty.returncode == 1
    assert empty.stderr.startswith("Error: ") and "Traceback" not in empty.stderr


@pytest.mark.skipif(not all(importlib.util.find_spec(m) for m in ("grain", "PIL")),
                    reason="--data-dir needs grain and Pillow (scripts/setup installs them)")
def test_demo_on_a_directory_of_real_image_files(store, tmp_path):
    """--data-dir: PNG files in one folder per class, read by image_dataset_from_directory."""
    from PIL import Image
    rng = np.random.default_rng(0)
    root = tmp_path / "flowers"
    for c in range(4):
        (root / f"class{c}").mkdir(parents=True)
        for i in range(6):
            img = (rng.random((20, 24, 3)) * 120).astype("uint8")
            img[..., c % 3] += 120  # each class has its own dominant colour
            Image.fromarray(img).save(root / f"class{c}" / f"img{i}.png")
    cfg = demo.DemoConfig(epochs=2, image_size=16, decay_every=1, data_dir=str(root),
                          out_dir=str(tmp_path / "models"))
    result = demo.run_demo(cfg, store=str(store), echo=lambda line: None)
    assert result.table2["filter"].tolist() == ["none", "gray-scale"]
    assert result.table2["epochs"].tolist() == [2, 2]
    # The image directory is a used file of LoadData, identified by its content hash.
    used = sql(store, "SELECT f.path, f.sha256, t.transformation_tag FROM file f JOIN task t "
                      "ON t.task_id = f.task_id WHERE f.role = 'used'")
    mine = used[used["path"] == str(root)]
    assert set(mine["transformation_tag"]) == {"LoadData"} and len(mine) == 2
    assert mine["sha256"].nunique() == 1 and len(mine["sha256"].iloc[0]) == 64
    classes = sql(store, "SELECT DISTINCT n_classes FROM ds_oloaddata")
    assert classes["n_classes"].tolist() == [4]
