"""Issue #12: upstream/downstream lineage across runs and processes, one recursive query."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import pytest
from lineage_util import run_script, sha256_of
from pg_util import pg_admin_url, pg_url  # noqa: F401  (fixtures)
from prov.model import ProvDocument

import kerasprov
from kerasprov.errors import BadRequest, NotFound

PREP = """
import numpy as np, kerasprov
raw, clean = "raw.csv", "clean.npz"
with open(raw, "w") as fh:
    fh.write("\\n".join(f"{i},{i % 2}" for i in range(64)))
with kerasprov.transformation("Prep", dataflow="prep", inputs={"scale": 0.5}) as t:
    t.use_file(raw)
    v = np.loadtxt(raw, delimiter=",")
    np.savez(t.generated_file(clean), x=v[:, :1] * 0.5, y=v[:, 1])
"""

TRAIN = """
import numpy as np, keras, kerasprov
d = np.load(kerasprov.use_file("clean.npz"))
x = np.repeat(d["x"], 8, axis=1).astype("float32")
y = keras.utils.to_categorical(d["y"], 2)
model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4, activation="relu"),
                          keras.layers.Dense(2, activation="softmax")])
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="categorical_crossentropy",
              metrics=["accuracy"])
model.provenance(dataflow_tag="train", adaptation=True)
halve = keras.callbacks.LearningRateScheduler(lambda e, lr: lr * 0.5 if e == 1 else lr)
ckpt = keras.callbacks.ModelCheckpoint("best.keras", monitor="loss", mode="min",
                                       save_best_only=True)
model.fit(x, y, epochs=3, batch_size=16, verbose=0, callbacks=[halve, ckpt])
model.save("final.keras")
"""


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    """Two processes: Prep (raw.csv -> clean.npz), then a training on clean.npz."""
    root = tmp_path_factory.mktemp("chain")
    store = root / "store"
    run_script(PREP, root, store, name="prep.py")
    run_script(TRAIN, root, store, name="train.py")
    st = kerasprov.open_store(str(store))
    runs = st.runs()
    ids = dict(zip(runs["dataflow_tag"], runs["run_id"]))
    return {"root": root, "store": store, "st": st, "prep": ids["prep"], "train": ids["train"]}


def _rows(df):
    def norm(v):
        if hasattr(v, "item"):
            v = v.item()
        if isinstance(v, float) and math.isnan(v):
            return None
        return v
    return sorted(tuple(norm(v) for v in row) for row in df.itertuples(index=False))


def test_checkpoint_lineage_reaches_the_raw_file_across_processes(chain):
    st, root = chain["st"], chain["root"]
    lin = st.lineage(str(root / "best.keras"))
    df = lin.df
    assert lin.kind == "path" and lin.direction == "up"
    gen = df[(df["relation"] == "generated") & (df["depth"] == 1)]
    made = gen[gen["path"] == str(root / "best.keras")].iloc[0]
    # Which run, which epoch and which learning rate produced the checkpoint on disk.
    assert made["run_id"] == chain["train"] and made["transformation"] == "TrainingModel"
    assert made["sha256"] == sha256_of(root / "best.keras")
    epochs = st.epochs(chain["train"])
    best = int(epochs.loc[epochs["loss"].idxmin(), "epoch"])
    assert made["epoch"] == best
    lr = epochs.set_index("epoch").loc[best, "learning_rate"]
    assert made["learning_rate"] == pytest.approx(lr)
    # Upstream: the training read clean.npz, which Prep (another process) wrote from raw.csv.
    used = df[df["relation"] == "used"]
    clean = used[used["path"] == str(root / "clean.npz")].iloc[0]
    assert clean["run_id"] == chain["train"] and clean["depth"] == 2
    wrote = df[(df["relation"] == "generated") & (df["transformation"] == "Prep")].iloc[0]
    assert wrote["run_id"] == chain["prep"] and wrote["depth"] == 3
    assert wrote["sha256"] == clean["sha256"] == sha256_of(root / "clean.npz")
    raw = used[used["path"] == str(root / "raw.csv")].iloc[0]
    assert raw["run_id"] == chain["prep"] and raw["depth"] == 4
    assert raw["sha256"] == sha256_of(root / "raw.csv")
    # A file is its content: final.keras is named only when it holds the same bytes.
    same = sha256_of(root / "final.keras") == made["sha256"]
    assert (str(root / "final.keras") in set(gen["path"])) == same
    # One recursive statement, shown, that gives the same rows through the sandbox.
    assert lin.sql.startswith("WITH RECURSIVE") and lin.sql.count("WITH RECURSIVE") == 1
    assert _rows(st.sql(lin.sql)) == _rows(df)


def test_raw_file_downstream_reaches_both_runs_and_the_models(chain):
    st, root = chain["st"], chain["root"]
    lin = st.lineage(str(root / "raw.csv"), "down")
    df = lin.df
    assert set(df["run_id"]) == {chain["prep"], chain["train"]}
    made = set(df.loc[df["relation"] == "generated", "path"])
    assert {str(root / "clean.npz"), str(root / "best.keras"), str(root / "final.keras")} <= made
    assert df["depth"].min() == 1 and df["depth"].is_monotonic_increasing
    nodes = lin.nodes()
    assert nodes[0]["depth"] == 0 and nodes[0]["label"] == "raw.csv"
    assert {"task", "file"} == {n["kind"] for n in nodes}


def test_entity_by_run_sha_prefix_and_content(chain, tmp_path):
    st, root = chain["st"], chain["root"]
    by_run = st.lineage(chain["train"])
    assert by_run.kind == "run" and all(s.startswith("task:") for s in by_run.start)
    # Up from the training run: the Prep run's raw file is reached.
    assert str(root / "raw.csv") in set(by_run.df["path"].dropna())
    sha = sha256_of(root / "clean.npz")
    full = st.lineage(sha, "down")
    short = st.lineage(sha[:10].upper(), "down")
    assert full.kind == short.kind == "sha256" and full.entity == short.entity == sha
    assert _rows(full.df) == _rows(short.df)
    # A copy the store never saw by path is found by its content.
    copy = tmp_path / "copy.npz"
    copy.write_bytes((root / "clean.npz").read_bytes())
    found = st.lineage(str(copy))
    assert found.entity == sha and "found by its content" in found.note


def test_lineage_prov_reads_back(chain):
    st, root = chain["st"], chain["root"]
    doc = st.lineage(str(root / "best.keras")).prov()
    for fmt in ("json", "xml"):
        back = ProvDocument.deserialize(content=doc.serialize(format=fmt), format=fmt)
        assert back == doc
    text = doc.serialize(format="provn")
    sha = sha256_of(root / "raw.csv")
    assert f"kerasprov:file/{sha}" in text and "mls:Model" in text and "mls:Data" in text
    assert "wasDerivedFrom" in text


def test_errors_are_clear(chain, tmp_path):
    st = chain["st"]
    with pytest.raises(NotFound, match="no run, file or sha256 'nowhere.bin'"):
        st.lineage("nowhere.bin")
    with pytest.raises(BadRequest, match="argument direction: Input should be 'up' or 'down'"):
        st.lineage(chain["train"], "sideways")
    with pytest.raises(BadRequest, match="lineage needs"):
        st.lineage("  ")


def test_cycles_end(tmp_path):
    """A task that reads and writes the same bytes makes a cycle; the walk still ends."""
    store = tmp_path / "store"
    code = """
import kerasprov
open("same.txt", "w").write("x")
with kerasprov.transformation("Touch", dataflow="loop") as t:
    t.use_file("same.txt")
    t.generated_file("same.txt")
"""
    run_script(code, tmp_path, store, name="loop.py")
    st = kerasprov.open_store(str(store))
    for direction in ("up", "down"):
        df = st.lineage(str(tmp_path / "same.txt"), direction).df
        assert set(df["relation"]) == {"used", "generated"} and len(df) == 2


def test_cli(chain):
    env = {**os.environ, "KERAS_BACKEND": "torch"}
    base = [sys.executable, "-m", "kerasprov", "lineage", "--store", str(chain["store"])]
    best = str(chain["root"] / "best.keras")

    def run(*args):
        out = subprocess.run(base + list(args), capture_output=True, text=True, timeout=120,
                             env=env, check=False)
        return out
    sql = run(best, "--sql")
    assert sql.returncode == 0 and sql.stdout.startswith("WITH RECURSIVE")
    js = run(best, "--format", "json")
    rows = json.loads(js.stdout)
    assert {r["relation"] for r in rows} == {"generated", "used", "dependency"} or \
        {r["relation"] for r in rows} >= {"generated", "used"}
    table = run(str(chain["root"] / "raw.csv"), "--down")
    assert table.returncode == 0 and "best.keras" in table.stdout
    prov = run(best, "--prov", "json")
    assert ProvDocument.deserialize(content=prov.stdout, format="json")
    bad = run("missing-file")
    assert bad.returncode == 1 and bad.stderr.startswith("Error: no run, file or sha256")


def test_same_lineage_on_postgres(chain, pg_url, tmp_path):  # noqa: F811
    import shutil

    from kerasprov.store.postgres import deliver_journals
    journals = chain["store"] / "journals"
    for seg in [*journals.glob("*.jsonl"), *journals.glob("done/*.jsonl")]:
        shutil.copy(seg, tmp_path / seg.name)
    assert deliver_journals(pg_url, tmp_path) > 0
    pg = kerasprov.open_store(pg_url)
    for entity, direction in ((str(chain["root"] / "best.keras"), "up"),
                              (str(chain["root"] / "raw.csv"), "down"),
                              (chain["train"], "up")):
        here = chain["st"].lineage(entity, direction)
        there = pg.lineage(entity, direction)
        assert there.sql == here.sql
        cols = ["depth", "relation", "src", "dst", "run_id", "path", "sha256", "epoch"]
        assert _rows(there.df[cols].astype(object)) == _rows(here.df[cols].astype(object))
