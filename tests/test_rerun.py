"""Issue #22: ``kerasprov rerun`` says whether a run reproduces.

A seeded script (torch CPU, one thread) trained in a real subprocess, then rerun from its
recorded argv, working directory and variables into the same DuckDB store: identical; a
changed data file stops it at the preflight; a learning rate changed from epoch 2 on (by a
variable nobody records) diverges at epoch 2; interactive runs and tuner trials are refused.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest
from proof_util import cli, env_for, make_project, only_run, train

import kerasprov


@pytest.fixture
def trained(tmp_path):
    store, folder = tmp_path / "store", make_project(tmp_path / "project")
    env = env_for(store, tmp_path / "k.pem")
    train(folder, env)
    return store, folder, env, only_run(store)


def test_seeded_script_reruns_identical_and_is_linked(trained):
    _rerun_identical(trained)


def _rerun_identical(trained):
    store, folder, env, rid = trained
    out = cli("rerun", rid, "--store", store, env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "preflight: script, git, data files, packages, backend and Python as recorded" \
        in out.stdout
    assert "identical: every metric of 4 epoch(s) and the test is bit-equal" in out.stdout
    s = kerasprov.open_store(str(store))
    runs = s.runs()
    assert len(runs) == 2
    new = next(r for r in runs["run_id"] if r != rid)
    assert f"new run {new} reproduces {rid}" in out.stdout
    assert f"note: the rerun wrote {folder / 'model.keras'} again" in out.stdout
    shown = cli("show", new, "--store", store, env=env).stdout
    assert f"reproduces  {rid}" in shown or f"reproduces: {rid}" in shown \
        or rid in shown.split("== hyperparameters")[0]
    diff = s.diff(rid, new)
    row = diff[diff["field"] == "reproduces"]
    assert list(row["group"]) == ["code"] and list(row[new]) == [rid]
    prov = s.prov(new).serialize(format="json")
    assert "kerasprov:Reproduction" in prov and "wasInformedBy" in prov
    # the rerun is signed as well (KERASPROV_ATTEST was recorded and set again)
    assert cli("verify", new, "--store", store, env=env).returncode == 0
    return store, env, rid, new


def test_run_page_shows_signature_card_and_rerun_verdict(trained, page, monkeypatch):
    from ui_util import Server
    store, env, rid, new = _rerun_identical(trained)
    keyid = kerasprov.open_store(str(store)).attestation(new)["keyid"]
    monkeypatch.setenv("KERASPROV_SIGNING_KEY", env["KERASPROV_SIGNING_KEY"])
    srv = Server(store)
    try:
        page.goto(f"{srv.url}/runs/{new}")
        assert page.inner_text("#proof-summary") == f"Signed by {keyid} · verified", \
            page.inner_text("#proof")
        assert page.inner_text("#reproduces").startswith(f"Rerun of {rid}: identical")
        page.goto(f"{srv.url}/runs/{rid}")
        assert page.inner_text(".reproduction").startswith(f"Rerun {new}: identical")
        # the rerun wrote model.keras again: the original's signed file is not on disk
        assert "FAILED (1 problem(s))" in page.inner_text("#proof-summary")
        assert "model.keras: sha256 is" in page.inner_text("#proof-problems")
        card = page.request.get(f"{srv.url}/runs/{rid}/card")
        assert card.ok and card.text().startswith("---\nlibrary_name: keras")
        att = page.request.get(srv.url + page.get_attribute("#attestation-link", "href"))
        assert att.ok and att.json()["payloadType"] == "application/vnd.in-toto+json"
        # an edit in the store shows on the page, recomputed on view
        with kerasprov.open_store(str(store)).unit() as be:
            be.execute("UPDATE ds_otrainingmodel SET loss = 1 WHERE run_id = ? AND epoch = 0",
                       [new])
        page.goto(f"{srv.url}/runs/{new}")
        assert "FAILED (1 problem(s))" in page.inner_text("#proof-summary")
        assert "epoch 0: loss in the store (1)" in page.inner_text("#proof-problems")
    finally:
        srv.stop()


def test_changed_data_file_is_named_by_the_preflight(trained):
    store, folder, env, rid = trained
    data = np.load(folder / "data.npy")
    data[0, 0] += 1.0
    np.save(folder / "data.npy", data)
    out = cli("rerun", rid, "--store", store, env=env)
    assert out.returncode == 1, out.stdout + out.stderr
    assert f"changed [data] file {folder / 'data.npy'} changed (sha256" in out.stdout
    assert "not a reproduction: 1 input(s) changed" in out.stdout
    assert len(kerasprov.open_store(str(store)).runs()) == 1  # nothing was run
    (folder / "train.py").write_text((folder / "train.py").read_text() + "\n# edited\n")
    out = cli("rerun", rid, "--store", store, env=env)
    assert f"changed [code] script {folder / 'train.py'} changed" in out.stdout


def test_changed_learning_rate_diverges_at_its_epoch(trained):
    store, folder, env, rid = trained
    out = cli("rerun", rid, "--store", store, env={**env, "LR_LATE": "0.9"})
    assert out.returncode == 1, out.stdout + out.stderr
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("diverged"))
    assert line.startswith("diverged at epoch 2: "), line
    s = kerasprov.open_store(str(store))
    new = next(r for r in s.runs()["run_id"] if r != rid)
    metric = line.split(": ", 1)[1].split(" ")[0]
    a, b = s.epochs(rid), s.epochs(new)
    assert (a[metric].iloc[:2] == b[metric].iloc[:2]).all()  # the same until epoch 2
    then, now = float(a[metric].iloc[2]), float(b[metric].iloc[2])
    assert f"{then!r} in run {rid}, {now!r} in run {new}" in line
    tol = cli("rerun", rid, "--store", store, "--rtol", "10", env={**env, "LR_LATE": "0.9"})
    assert tol.returncode == 0 and "within tolerance (rtol=10.0" in tol.stdout


def test_interactive_run_is_refused(tmp_path):
    store, folder = tmp_path / "store", make_project(tmp_path / "p")
    env = env_for(store, tmp_path / "k.pem")
    code = (folder / "train.py").read_text()
    done = subprocess.run([sys.executable, "-c", code], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    out = cli("rerun", only_run(store), "--store", store, env=env)
    assert out.returncode == 2
    assert "came from a notebook or an interactive session" in out.stderr
    assert "Traceback" not in out.stderr


TUNER = textwrap.dedent('''
    import kerasprov
    import numpy as np, keras, keras_tuner as kt
    keras.utils.set_random_seed(1)
    x = np.random.default_rng(0).normal(size=(32, 4)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    def build(hp):
        m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(hp.Int("u", 2, 4)),
                              keras.layers.Dense(1, activation="sigmoid")])
        m.compile("sgd", "binary_crossentropy")
        return m
    kerasprov.autolog(dataflow_tag="ktproof")
    t = kt.RandomSearch(build, objective="val_loss", max_trials=1, directory="kt", seed=1)
    t.search(x, y, epochs=1, validation_split=0.25, verbose=0)
''')


def test_tuner_trial_is_refused(tmp_path):
    pytest.importorskip("keras_tuner")
    store = tmp_path / "store"
    env = env_for(store, tmp_path / "k.pem")
    (tmp_path / "search.py").write_text(TUNER)
    done = subprocess.run([sys.executable, "search.py"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    s = kerasprov.open_store(str(store))
    trial = s.runs()["run_id"].iloc[0]  # the execution of the one trial
    search = str(s.searches()["search_id"].iloc[0])
    out = cli("rerun", trial, "--store", store, env=env)
    assert out.returncode == 2 and "is a KerasTuner trial" in out.stderr, out.stderr
    out = cli("rerun", search, "--store", store, env=env)
    assert out.returncode == 2 and "is a KerasTuner search" in out.stderr, out.stderr
