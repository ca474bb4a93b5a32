"""Issue #4: user transformations join the run's graph (context manager and decorator)."""

import json
import platform
import socket
import subprocess
import textwrap

import pandas as pd
import pytest
from kp_util import data, mlp
from lineage_util import end_pending, run_script, sql

import kerasprov


@pytest.fixture
def store(store_dir):
    yield store_dir
    end_pending()


def test_filter_block_links_into_training_and_test(store):
    x, y = data(160)
    with kerasprov.transformation("Filter", inputs={"filter_name": "gray-scale"}) as t:
        x = x * 0.5
        t.output(channels=1, n_images=len(x))
    model = mlp()
    model.provenance(dataflow_tag="flowers")
    model.fit(x, y, epochs=2, batch_size=32, verbose=0)
    acc = model.evaluate(x, y, verbose=0, return_dict=True)["accuracy"]

    ifilter = sql(store, "SELECT * FROM ds_ifilter")
    ofilter = sql(store, "SELECT * FROM ds_ofilter")
    assert ifilter["filter_name"].tolist() == ["gray-scale"]
    assert ofilter[["channels", "n_images"]].values.tolist() == [[1, 160]]
    types = dict(sql(store, "SELECT name, type FROM attribute WHERE data_set_tag = 'ofilter'")
                 .values.tolist())
    assert types["channels"] == "integer" and types["n_images"] == "integer"
    # The Filter task is a task of the same run, in the fit's dataflow.
    tasks = sql(store, "SELECT transformation_tag, status, dataflow_tag FROM task "
                       "ORDER BY start_time")
    assert tasks.values.tolist()[:2] == [["Filter", "finished", "flowers"],
                                         ["TrainingModel", "finished", "flowers"]]
    deps = sql(store, "SELECT previous_transformation, next_transformation FROM "
                      "data_dependency WHERE data_set_tag = 'ofilter'")
    assert deps.values.tolist() == [["Filter", "TrainingModel"]]
    # filter -> training -> test accuracy, in one SQL statement.
    joined = sql(store, """
        SELECT f.filter_name, o.channels, t.accuracy
        FROM ds_ifilter f
        JOIN ds_ofilter o ON o.filter_task_id = f.filter_task_id
        JOIN task k ON k.task_id = f.filter_task_id
        JOIN task tr ON tr.run_id = k.run_id AND tr.transformation_tag = 'TrainingModel'
        JOIN ds_otestingmodel t ON t.trainingmodel_task_id = tr.task_id""")
    assert joined["filter_name"].tolist() == ["gray-scale"]
    assert joined["accuracy"].iloc[0] == pytest.approx(acc)


def test_decorator_records_arguments_and_dict_result(store):
    @kerasprov.transformation("LoadData", dataflow="loader")
    def load(n, scale=2.0, *, name="toy"):
        return {"n_rows": n, "mean": float(n * scale)}

    assert load(5, name="tiny") == {"n_rows": 5, "mean": 10.0}
    assert load(3) == {"n_rows": 3, "mean": 6.0}
    inputs = sql(store, "SELECT n, scale, name FROM ds_iloaddata ORDER BY n DESC")
    assert inputs.values.tolist() == [[5, 2.0, "tiny"], [3, 2.0, "toy"]]
    outputs = sql(store, "SELECT n_rows, mean FROM ds_oloaddata ORDER BY n_rows DESC")
    assert outputs.values.tolist() == [[5, 10.0], [3, 6.0]]
    assert sql(store, "SELECT COUNT(*) AS n FROM task WHERE transformation_tag = 'LoadData' "
                      "AND status = 'finished' AND dataflow_tag = 'loader'")["n"][0] == 2


def test_decorator_chosen_inputs_and_named_tuple_outputs(store):
    @kerasprov.transformation("Split", inputs=["ratio"], outputs=("n_train", "n_test"))
    def split(rows, ratio=0.75):
        k = int(len(rows) * ratio)
        return k, len(rows) - k

    assert split(list(range(8))) == (6, 2)
    assert sql(store, "SELECT * FROM ds_isplit").columns.tolist() == [
        "run_id", "split_task_id", "ratio"]
    assert sql(store, "SELECT n_train, n_test FROM ds_osplit").values.tolist() == [[6, 2]]


def test_array_values_are_fingerprinted_and_join_the_training_data(store):
    x, y = data(120)
    with kerasprov.transformation("Filter", inputs={"filter_name": "scale", "raw": x}) as t:
        x = (x * 3).astype("float32")
        t.output(images=x)
    model = mlp()
    model.provenance(dataflow_tag="fp")
    model.fit(x, y, epochs=1, verbose=0)
    row = sql(store, "SELECT images, images_sha256 FROM ds_ofilter").iloc[0]
    assert row["images"] == "<ndarray shape=(120, 8) dtype=float32>"
    # The filter's output is exactly what TrainingModel trained on: one join by content.
    joined = sql(store, "SELECT d.role FROM ds_ofilter o JOIN ds_itrainingdata d "
                        "ON d.sha256 = o.images_sha256")
    assert joined["role"].tolist() == ["x"]
    assert sql(store, "SELECT raw_sha256 FROM ds_ifilter")["raw_sha256"][0] != \
        row["images_sha256"]


def test_failure_inside_the_block_is_recorded_and_reraised(store):
    with pytest.raises(ZeroDivisionError, match="division by zero"), \
            kerasprov.transformation("Filter", inputs={"filter_name": "broken"}) as t:
        t.output(n_images=3)
        _ = 1 / 0
    task = sql(store, "SELECT status, error FROM task WHERE transformation_tag = 'Filter'")
    assert task["status"][0] == "failed"
    assert "ZeroDivisionError: division by zero" in task["error"][0]
    assert sql(store, "SELECT n_images FROM ds_ofilter")["n_images"].tolist() == [3]


def test_decorated_function_failure_is_recorded_and_reraised(store):
    @kerasprov.transformation("Parse")
    def parse(text):
        return {"value": int(text)}

    with pytest.raises(ValueError, match="invalid literal"):
        parse("x1")
    task = sql(store, "SELECT status, error FROM task WHERE transformation_tag = 'Parse'")
    assert task["status"][0] == "failed" and "ValueError" in task["error"][0]


def test_bad_input_gets_clear_errors(store):
    with pytest.raises(ValueError, match="tag must start with a letter"):
        kerasprov.transformation("1 filter")
    with pytest.raises(ValueError, match="inputs must be a dict"), \
            kerasprov.transformation("Filter", inputs=["gray"]):
        pass
    with pytest.raises(ValueError, match="dataflow must start with a letter"):
        kerasprov.transformation("Filter", dataflow="bad tag")
    t = kerasprov.transformation("Filter")
    with pytest.raises(RuntimeError, match="outside its block"):
        t.output(a=1)
    with pytest.raises(TypeError, match="needs a tag"):
        @kerasprov.transformation
        def load():
            return {}
    with pytest.raises(TypeError, match="path must be a str"):
        kerasprov.use_file(42)


def test_script_without_a_model_records_its_transformations(store, tmp_path):
    run_script("""
        import numpy as np
        import kerasprov

        with kerasprov.transformation("LoadData", inputs={"source": "toy"}) as t:
            x = np.arange(12.0).reshape(4, 3)
            np.save(t.generated_file("x.npy"), x)
            t.output(n_rows=len(x))
    """, tmp_path, store, name="prepare_data.py")
    run = sql(store, "SELECT run_id, dataflow_tag, status, script FROM execution")
    assert run[["dataflow_tag", "status"]].values.tolist() == [["prepare_data", "finished"]]
    assert run["script"][0].endswith("prepare_data.py")
    assert sql(store, "SELECT status FROM task")["status"].tolist() == ["finished"]
    assert sql(store, "SELECT n_rows FROM ds_oloaddata")["n_rows"].tolist() == [4]
    f = sql(store, "SELECT path, role, size, sha256 FROM file").iloc[0]
    assert f["path"] == str(tmp_path / "x.npy") and f["role"] == "generated"
    import hashlib
    assert f["sha256"] == hashlib.sha256((tmp_path / "x.npy").read_bytes()).hexdigest()
    env = json.loads(sql(store, "SELECT environment FROM execution")["environment"][0])
    assert env["python"] and env["keras_version"] and env["packages_sha256"]


def test_environment_names_repository_seed_devices_and_command(store, tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    script = repo / "train.py"
    script.write_text(textwrap.dedent("""
        import keras
        import numpy as np
        import kerasprov

        keras.utils.set_random_seed(123)
        x = np.ones((32, 4), "float32")
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
        model.provenance(dataflow_tag="envcheck")
        model.compile(optimizer="sgd", loss="mse")
        model.fit(x, x[:, :1], epochs=1, verbose=0)
    """))

    def git(*args):
        return subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c",
                               "user.email=t@example.org", *args], check=True,
                              capture_output=True, text=True).stdout.strip()
    git("init", "-q")
    git("add", "train.py")
    git("commit", "-q", "-m", "train")
    head = git("rev-parse", "HEAD")
    run_script(None, repo, store, name="train.py", args=["--lr", "0.1", "two words"])
    with script.open("a") as fh:
        fh.write("# edited\n")
    run_script(None, repo, store, name="train.py")
    rows = sql(store, "SELECT command, environment, host FROM execution ORDER BY start_time")
    first, second = (json.loads(e) for e in rows["environment"])
    assert rows["command"][0].endswith("train.py --lr 0.1 'two words'")
    assert first["git_commit"] == head and first["git_dirty"] is False
    assert second["git_commit"] == head and second["git_dirty"] is True
    assert first["git_root"] == str(repo.resolve())
    assert first["backend"] == "torch" and first["backend_version"].startswith("2.")
    assert first["devices"] and first["python"] == platform.python_version()
    assert first["host"] == rows["host"][0] == socket.gethostname()
    assert first["packages_sha256"] == second["packages_sha256"]
    assert first["random_seed"] == 123
    seeds = sql(store, "SELECT random_seed FROM ds_itrainingconfig")["random_seed"].tolist()
    assert seeds == [123, 123]


def test_nested_transformation_is_informed_by_the_outer_one(store):
    with kerasprov.transformation("Prepare") as outer:
        with kerasprov.transformation("Normalize", inputs={"method": "z"}) as inner:
            inner.output(mean=0.0)
        outer.output(steps=1)
    rows = sql(store, "SELECT task_id, transformation_tag, informed_by FROM task")
    by_tag = {r.transformation_tag: r for r in rows.itertuples()}
    assert by_tag["Normalize"].informed_by == by_tag["Prepare"].task_id
    assert pd.isna(by_tag["Prepare"].informed_by)
