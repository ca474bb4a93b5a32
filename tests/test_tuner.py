"""KerasTuner searches, captured from an unchanged script.

One script runs three seeded searches (RandomSearch with 2 executions per trial and a trial
that raises inside ``fit``, Hyperband with ``model.provenance`` inside ``build_model``, and
a RandomSearch whose callbacks hold a ``ProvenanceCallback`` that KerasTuner deep-copies),
once without kerasprov and once with it, in two processes. The searches must be the same
(trials, statuses, hyperparameters, best hyperparameters), and the store must hold every
search, trial, execution, score and hyperparameter, linked Search -> Trial -> run in the
task table and in PROV.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("keras_tuner")

from click.testing import CliRunner  # noqa: E402
from pg_util import pg_admin_url, pg_url  # noqa: E402, F401 (fixtures)

import kerasprov  # noqa: E402
from kerasprov.cli import cli  # noqa: E402
from kerasprov.query import searches as q  # noqa: E402

SRC = str(Path(__file__).resolve().parents[1] / "src")

SCRIPT = textwrap.dedent('''
    import json, os, sys
    WITH = os.environ.get("WITH_KERASPROV") == "1"
    if WITH:
        import kerasprov
    import numpy as np
    import keras
    import keras_tuner as kt

    keras.utils.set_random_seed(7)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(96, 4)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5], [1.5]], dtype="float32")).astype("float32")

    def exploding_loss(y_true, y_pred):
        raise ValueError("boom: this trial's loss is broken")

    def build(hp):
        units = hp.Int("units", 4, 16, step=4)
        act = hp.Choice("act", ["relu", "tanh"])
        lr = hp.Float("lr", 1e-3, 1e-1, sampling="log")
        broken = hp.Boolean("broken", default=False)
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(units, activation=act),
                                  keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.Adam(lr),
                      loss=exploding_loss if broken else "mse")
        return model

    def build_hb(hp):
        model = keras.Sequential([keras.Input((4,)),
                                  keras.layers.Dense(hp.Choice("width", [2, 8]), "relu"),
                                  keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.SGD(hp.Float("lr", 1e-3, 1e-1,
                                                               sampling="log")), loss="mse")
        if WITH:
            model.provenance("ktband")
        return model

    def summary(tuner):
        trials = [{"id": t.trial_id, "status": t.status, "values": t.hyperparameters.values}
                  for t in sorted(tuner.oracle.trials.values(), key=lambda t: t.trial_id)]
        best = tuner.get_best_hyperparameters()[0].values
        return {"trials": trials, "best": best}

    out = {}
    root = sys.argv[1]
    if WITH:
        kerasprov.autolog(dataflow_tag="ktsearch")
    rs = kt.RandomSearch(build, objective="val_loss", max_trials=6, executions_per_trial=2,
                         seed=11, directory=root, project_name="rs", overwrite=True,
                         max_consecutive_failed_trials=6)
    rs.search(x, y, epochs=2, validation_split=0.25, verbose=0)
    out["random"] = summary(rs)

    if WITH:
        kerasprov.autolog(disable=True)
    hb = kt.Hyperband(build_hb, objective="val_loss", max_epochs=3, factor=3, seed=5,
                      directory=root, project_name="hb", overwrite=True)
    hb.search(x, y, validation_split=0.25, verbose=0)
    out["hyperband"] = summary(hb)

    callbacks = [kerasprov.ProvenanceCallback("ktcallback")] if WITH else []
    cb = kt.RandomSearch(build, objective="val_loss", max_trials=2, seed=3, directory=root,
                         project_name="cb", overwrite=True)
    cb.search(x, y, epochs=1, validation_split=0.25, verbose=0, callbacks=callbacks)
    out["callback"] = summary(cb)
    print("RESULT " + json.dumps(out, sort_keys=True, default=str))
''')


def _run(tmp_path: Path, with_kp: bool) -> dict:
    script = tmp_path / "search_script.py"
    script.write_text(SCRIPT)
    env = dict(os.environ, PYTHONPATH=SRC, KERAS_BACKEND="torch",
               KERASPROV_STORE=str(tmp_path / "store"), WITH_KERASPROV="1" if with_kp else "0",
               PYTHONHASHSEED="0")
    root = tmp_path / ("with" if with_kp else "without")
    proc = subprocess.run([sys.executable, str(script), str(root)], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")][-1]
    return json.loads(line[len("RESULT "):])


@pytest.fixture(scope="module")
def searched(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("tuner")
    without = _run(tmp, with_kp=False)
    with_kp = _run(tmp, with_kp=True)
    return tmp, without, with_kp


def test_search_is_unchanged_by_capture(searched):
    _, without, with_kp = searched
    assert with_kp == without  # same trials, statuses, values and best values, all three
    statuses = [t["status"] for t in without["random"]["trials"]]
    assert "FAILED" in statuses and "COMPLETED" in statuses, statuses


def _search_of(store, tuner: str, dataflow: str):
    df = q.searches(store)
    row = df[(df.tuner == tuner) & (df.dataflow_tag == dataflow)]
    assert len(row) == 1, df[["search_id", "tuner", "dataflow_tag"]]
    return row.iloc[0]


def test_every_trial_execution_and_score_is_stored(searched):
    tmp, _, with_kp = searched
    store = kerasprov.open_store(str(tmp / "store"))
    search = _search_of(store, "RandomSearch", "ktsearch")
    assert search.objective == "val_loss" and search.direction == "min"
    assert search.max_trials == 6 and search.executions_per_trial == 2
    assert search.status == "finished"
    space = store.sql("SELECT name, type, min_value, max_value, step, sampling, choices "
                      "FROM ds_isearchspace s JOIN searches x ON x.search_task_id = "
                      f"s.search_task_id WHERE x.search_id = '{search.search_id}' ORDER BY name")
    by_name = {r.name: r for r in space.itertuples()}
    assert set(by_name) == {"units", "act", "lr", "broken"}
    assert (by_name["units"].type, by_name["units"].min_value, by_name["units"].max_value,
            by_name["units"].step) == ("Int", 4, 16, 4)
    assert by_name["lr"].sampling == "log" and json.loads(by_name["act"].choices) == [
        "relu", "tanh"]

    trials = q.trials(store, search.search_id)
    expected = {t["id"]: t for t in with_kp["random"]["trials"]}
    assert sorted(trials.trial_id) == sorted(expected)
    for row in trials.itertuples():
        want = expected[row.trial_id]
        assert row.status == want["status"]
        assert (row.units, row.act, bool(row.broken)) == (
            want["values"]["units"], want["values"]["act"], want["values"]["broken"])
        assert row.lr == pytest.approx(want["values"]["lr"])
        assert row.executions == (2 if row.status == "COMPLETED" else 1)  # fails at once
        runs = row.run_ids.split(",")
        assert len(runs) == row.executions
        if row.status == "FAILED":
            assert "boom" in row.error and row.score != row.score  # NaN: no score
            failed = store.sql(f"SELECT status, error FROM execution WHERE run_id = '{runs[0]}'")
            assert failed.status[0] == "failed" and "boom" in failed.error[0]
        else:
            assert row.score > 0 and row.best_epoch in (0, 1)
            assert row.checkpoint_path.endswith("checkpoint.weights.h5")
            assert row.best_run_id in runs
            epochs = store.sql("SELECT COUNT(*) AS n FROM epochs WHERE run_id IN ("
                               + ", ".join(f"'{r}'" for r in runs) + ")")
            assert epochs.n[0] == 4  # 2 executions x 2 epochs, each a full run
    types = dict(store.sql("SELECT name, type FROM attribute WHERE data_set_tag = 'itrial'")
                 .itertuples(index=False))
    assert (types["units"], types["lr"], types["act"], types["broken"]) == (
        "integer", "real", "text", "boolean")
    best = trials[trials["rank"] == 1].iloc[0]
    assert best.status == "COMPLETED" and best.score == trials[
        trials.status == "COMPLETED"].score.min()
    want = with_kp["random"]["best"]  # what KerasTuner itself says is best
    assert (best.units, best.act, bool(best.broken)) == (want["units"], want["act"],
                                                         want["broken"])
    assert best.lr == pytest.approx(want["lr"])
    assert search.best_trial_id == best.trial_id


def test_best_trials_checkpoint_and_lr_history_is_one_join(searched):
    tmp, _, _ = searched
    store = kerasprov.open_store(str(tmp / "store"))
    sid = _search_of(store, "RandomSearch", "ktsearch").search_id
    df = store.sql("SELECT t.trial_id, t.checkpoint_path, e.epoch, e.learning_rate "
                   "FROM trials t JOIN epochs e ON e.run_id = t.best_run_id "
                   f"WHERE t.search_id = '{sid}' AND t.rank = 1 ORDER BY e.epoch")
    assert list(df.epoch) == [0, 1]
    best_lr = q.trials(store, sid).query("rank == 1").lr.iloc[0]
    assert list(df.learning_rate) == pytest.approx([best_lr, best_lr], rel=1e-5)
    assert df.checkpoint_path.nunique() == 1
    assert q.best_trial_history(store, sid).epoch.tolist() == [0, 1]


def test_hyperband_and_deepcopied_callback_searches(searched):
    tmp, _, with_kp = searched
    store = kerasprov.open_store(str(tmp / "store"))
    hb = _search_of(store, "Hyperband", "ktband")  # named by model.provenance in build
    trials = q.trials(store, hb.search_id)
    assert len(trials) == len(with_kp["hyperband"]["trials"])
    assert {"width", "lr", "tuner/epochs", "tuner/initial_epoch"} <= set(trials.columns)
    assert (trials.executions == 1).all()
    cb = _search_of(store, "RandomSearch", "ktcallback")
    trials = q.trials(store, cb.search_id)
    assert len(trials) == 2 and (trials.executions == 1).all()


def _executions(summary: dict) -> int:
    """Runs of a 2-executions search: a failing trial stops at its first execution."""
    return sum(2 if t["status"] == "COMPLETED" else 1 for t in summary["trials"])


def test_links_in_dataflow_and_prov(searched):
    tmp, _, with_kp = searched
    store = kerasprov.open_store(str(tmp / "store"))
    sid = _search_of(store, "RandomSearch", "ktsearch").search_id
    links = store.sql(
        "SELECT s.transformation_tag AS s, t.transformation_tag AS t, r.transformation_tag "
        "AS r, r.run_id FROM task r JOIN task t ON t.task_id = r.informed_by JOIN task s ON "
        f"s.task_id = t.informed_by WHERE s.run_id = '{sid}' AND s.transformation_tag = 'Search'")
    assert set(zip(links.s, links.t, links.r)) == {("Search", "Trial", "TrainingModel")}
    assert links.run_id.nunique() == _executions(with_kp["random"])
    deps = store.sql("SELECT previous_transformation, next_transformation, data_set_tag "
                     "FROM data_dependency WHERE dataflow_tag = 'ktsearch'")
    assert ("Search", "Trial", "itrial") in set(deps.itertuples(index=False, name=None))
    doc = store.prov(dataflow="ktsearch")
    text = doc.get_provn()
    trial = q.trials(store, sid).iloc[0]
    run = trial.run_ids.split(",")[0]
    assert (f"wasInformedBy(kerasprov:task/{trial.trial_task_id}, "
            f"kerasprov:task/{sid}-search-1)") in text
    assert (f"wasInformedBy(kerasprov:task/{run}-trainingmodel-1, "
            f"kerasprov:task/{trial.trial_task_id})") in text
    assert "kerasprov:Trial" in text and "kerasprov:Search" in text


def test_cli_trials_and_runs_of_a_search(searched):
    tmp, _, with_kp = searched
    store = str(tmp / "store")
    runner = CliRunner()
    sid = _search_of(kerasprov.open_store(store), "RandomSearch", "ktsearch").search_id
    res = runner.invoke(cli, ["trials", sid, "--store", store, "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert len(rows) == 6 and rows[0]["rank"] == 1
    res = runner.invoke(cli, ["runs", "--search", sid, "--store", store, "--format", "json"])
    assert res.exit_code == 0, res.output
    runs = json.loads(res.output)
    assert len(runs) == _executions(with_kp["random"])
    assert {r["trial_id"] for r in runs} == {r["trial_id"] for r in rows}
    res = runner.invoke(cli, ["trials", "no-such-search", "--store", store])
    assert res.exit_code == 1 and "no search 'no-such-search'" in res.output


PARALLEL = textwrap.dedent('''
    import json, os, sys
    import kerasprov
    kerasprov.autolog(dataflow_tag="ktpar")
    import numpy as np
    import keras
    import keras_tuner as kt

    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
    y = x.sum(axis=1, keepdims=True)

    def build(hp):
        model = keras.Sequential([keras.Input((4,)),
                                  keras.layers.Dense(hp.Int("units", 2, 8, step=2), "relu"),
                                  keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.Adam(hp.Float("lr", 1e-3, 1e-1,
                                                               sampling="log")), loss="mse")
        return model

    tuner = kt.RandomSearch(build, objective="val_loss", max_trials=4, seed=2,
                            directory=sys.argv[1], project_name="par")
    tuner.search(x, y, epochs=1, validation_split=0.25, verbose=0)
    if os.environ["KERASTUNER_TUNER_ID"] == "chief":
        print("TRIALS " + json.dumps({t.trial_id: t.status for t in tuner.oracle.trials.values()}))
''')


def test_parallel_search_chief_and_two_workers(tmp_path):
    """Oracle-based parallel tuning over gRPC: the chief records the Search and every Trial,
    each worker its executions; all in one search, each trial linked to its worker's run."""
    pytest.importorskip("grpc")
    from pg_util import free_port
    script = tmp_path / "par.py"
    script.write_text(PARALLEL)
    port = str(free_port())
    procs = {}
    for tuner_id in ("chief", "tuner0", "tuner1"):
        env = dict(os.environ, PYTHONPATH=SRC, KERAS_BACKEND="torch",
                   KERASPROV_STORE=str(tmp_path / "store"), KERASTUNER_TUNER_ID=tuner_id,
                   KERASTUNER_ORACLE_IP="127.0.0.1", KERASTUNER_ORACLE_PORT=port)
        procs[tuner_id] = subprocess.Popen([sys.executable, str(script), str(tmp_path / "w")],
                                           env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                                           stderr=subprocess.PIPE, text=True)
    outs = {k: p.communicate(timeout=400) for k, p in procs.items()}
    for k, p in procs.items():
        assert p.returncode == 0, (k, outs[k][1][-3000:])
    kt_trials = json.loads(outs["chief"][0].split("TRIALS ")[1].splitlines()[0])
    store = kerasprov.open_store(str(tmp_path / "store"))
    searches = q.searches(store)
    assert len(searches) == 1 and searches.tuner[0] == "RandomSearch"
    trials = q.trials(store)
    assert dict(zip(trials.trial_id, trials.status)) == kt_trials
    assert set(trials.tuner_id) == {"tuner0", "tuner1"}  # both workers' trials, one search
    assert (trials.executions == 1).all()
    runs = store.sql("SELECT r.run_id, x.pid FROM task r JOIN execution x ON x.run_id = "
                     "r.run_id WHERE r.transformation_tag = 'TrainingModel'")
    by_run = dict(zip(runs.run_id, runs.pid))
    pids = {t.tuner_id: set() for t in trials.itertuples()}
    for t in trials.itertuples():
        pids[t.tuner_id].add(by_run[t.run_ids])
    assert pids == {"tuner0": {procs["tuner0"].pid}, "tuner1": {procs["tuner1"].pid}}


def test_same_answers_on_postgres(searched, pg_url, tmp_path):  # noqa: F811
    """The views answer the same over PostgreSQL: the search's journals delivered there."""
    import shutil

    from kerasprov.store.postgres import deliver_journals
    tmp, _, _ = searched
    copy = tmp_path / "journals"
    copy.mkdir()
    for seg in (tmp / "store" / "journals" / "done").glob("*.jsonl"):
        shutil.copy(seg, copy / seg.name)
    assert deliver_journals(pg_url, copy) > 0
    duck, pg = kerasprov.open_store(str(tmp / "store")), kerasprov.open_store(pg_url)
    cols = ["search_id", "trial_id", "status", "score", "best_epoch", "rank", "executions",
            "run_ids", "best_run_id", "checkpoint_path", "units", "act", "lr", "broken"]
    sid = _search_of(duck, "RandomSearch", "ktsearch").search_id
    a = q.trials(duck, sid)[cols].reset_index(drop=True)
    b = q.trials(pg, sid)[cols].reset_index(drop=True)
    assert a.astype(str).equals(b.astype(str)), (a, b)
    assert len(q.searches(pg)) == len(q.searches(duck)) == 3
    assert q.best_trial_history(pg, sid).epoch.tolist() == [0, 1]


def test_run_lists_show_training_runs_and_searches_list_the_searches(searched):
    """A search's own run (Search and Trial tasks, no epochs) is not a training run: the CLI
    `runs`, `/api/runs` and the UI's runs page (and its JSON twin) leave it out, `searches`
    lists it, `runs --search` lists its executions, and `show` still opens it."""
    from starlette.testclient import TestClient

    from kerasprov.server.app import create_app
    tmp, _, with_kp = searched
    store = str(tmp / "store")
    kp = kerasprov.open_store(store)
    search_runs = set(q.searches(kp)["run_id"])
    assert len(search_runs) == 3
    everything = set(kp.sql("SELECT run_id FROM runs")["run_id"])  # SQL keeps every run
    assert search_runs <= everything
    listed = kp.runs()
    assert set(listed["run_id"]) == everything - search_runs
    trained = set(kp.sql("SELECT run_id FROM task WHERE transformation_tag = "
                         "'TrainingModel'")["run_id"])
    assert set(listed["run_id"]) == trained  # (a failing trial's run may have no epoch)
    runner = CliRunner()
    res = runner.invoke(cli, ["runs", "--store", store, "--format", "json"])
    assert res.exit_code == 0, res.output
    assert {r["run_id"] for r in json.loads(res.output)} == everything - search_runs
    res = runner.invoke(cli, ["searches", "--store", store, "--format", "json"])
    assert {r["run_id"] for r in json.loads(res.output)} == search_runs
    sid = _search_of(kp, "RandomSearch", "ktsearch").search_id
    res = runner.invoke(cli, ["runs", "--search", sid, "--store", store, "--format", "json"])
    assert len(json.loads(res.output)) == _executions(with_kp["random"])
    res = runner.invoke(cli, ["show", next(iter(search_runs)), "--store", store])
    assert res.exit_code == 0, res.output
    app = TestClient(create_app(store), base_url="http://127.0.0.1:8765")
    api = app.get("/api/runs").json()
    assert {r["run_id"] for r in api["rows"]} == everything - search_runs
    twin = app.get("/.json", params={"per_page": 500}).json()
    assert twin["total"] == len(everything - search_runs)
    assert {r["run_id"] for r in twin["rows"]} == everything - search_runs
    html = app.get("/", params={"per_page": 500}, headers={"accept": "text/html"}).text
    assert not any(run in html for run in search_runs)
