"""The PostgreSQL store behaves like the DuckDB one: the same tests run against both."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import kp_util
import pytest
from pg_util import pg_admin_url, pg_url  # noqa: F401  (fixtures)

import kerasprov
from kerasprov.errors import QueryError, SQLRefused
from kerasprov.store.ingest import Ingestor
from kerasprov.store.schema import MIGRATIONS


@pytest.fixture(params=["duckdb", "postgres"])
def spec(request, tmp_path, monkeypatch):
    """A fresh store of each kind, configured for this process (outbox in tmp_path)."""
    if request.param == "postgres":
        value = request.getfixturevalue("pg_url")
    else:
        value = str(tmp_path / "store")
    monkeypatch.setenv("KERASPROV_STORE", value)
    monkeypatch.setenv("KERASPROV_OUTBOX", str(tmp_path / "outbox"))
    kerasprov.configure(store=value, outbox=tmp_path / "outbox")
    yield value
    kerasprov.flush()


def _train(epochs=3, metric_name=None):
    import keras
    x, y = kp_util.data(n=120)
    model = kp_util.mlp()
    model.provenance(dataflow_tag="pgdemo", adaptation=True,
                     hyperparameters={"dropout": 0.1})
    sched = keras.callbacks.LearningRateScheduler(lambda e, lr: lr * 0.5 if e == 1 else lr)
    hist = model.fit(x, y, epochs=epochs, batch_size=32, validation_split=0.25, verbose=0,
                     callbacks=[sched])
    model.evaluate(x, y, verbose=0)
    return hist


def _events(run, rows_by_step):
    """Hand-made events of one run: run_start, a training task, then one rows event per step."""
    task = f"{run}-trainingmodel-1"
    evs = [{"v": 1, "run": run, "type": "run_start", "ts": 1.7e9, "dataflow": "grow"},
           {"v": 1, "run": run, "type": "task_start", "ts": 1.7e9, "task": task,
            "transformation": "TrainingModel", "outputs": ["oTrainingModel"]}]
    for rows in rows_by_step:
        evs.append({"v": 1, "run": run, "type": "rows", "ts": 1.7e9, "task": task,
                    "transformation": "TrainingModel", "set": "oTrainingModel", "rows": rows})
    for i, ev in enumerate(evs):
        ev["seq"] = i
    return evs


def test_captured_training_reads_the_same(spec):
    hist = _train()
    store = kerasprov.open_store(spec)
    epochs = store.sql("SELECT epoch, loss, val_accuracy, learning_rate FROM epochs "
                       "WHERE dataflow_tag = 'pgdemo' ORDER BY epoch")
    assert list(epochs["epoch"]) == [0, 1, 2]
    assert epochs["loss"].tolist() == pytest.approx(hist.history["loss"], rel=1e-6)
    assert epochs["learning_rate"].tolist() == pytest.approx([1e-3, 5e-4, 5e-4], rel=1e-5)
    runs = store.runs(dataflow="pgdemo")
    assert len(runs) == 1 and runs["epochs"].iloc[0] == 3
    assert runs["dropout"].iloc[0] == pytest.approx(0.1)
    assert float(runs["duration_s"].iloc[0] or 0) >= 0
    run_id = runs["run_id"].iloc[0]
    assert len(store.epochs(run_id)) == 3
    ad = store.adaptations(run_id)
    assert ad["epoch"].tolist() == [1]
    assert ad["learning_rate"].iloc[0] == pytest.approx(5e-4, rel=1e-5)
    assert len(store.tests(run_id)) == 1
    deps = store.sql("SELECT previous_transformation, next_transformation FROM "
                     "data_dependency WHERE dataflow_tag = 'pgdemo'")
    assert ("TrainingModel", "Adaptation") in set(deps.itertuples(index=False, name=None))


def test_sandbox_refuses_writes_and_caps(spec):
    store = kerasprov.open_store(spec, create=True)  # an empty store, made on purpose
    with pytest.raises(SQLRefused):
        store.sql("DELETE FROM execution")
    with pytest.raises(SQLRefused):
        store.sql("SELECT 1; DROP TABLE execution")
    with pytest.raises(QueryError):
        store.sql("SELECT no_such_column FROM execution")
    df = store.sql("SELECT * FROM (VALUES (1), (2), (3), (4)) AS t(a)", limit=2)
    assert len(df) == 2 and df.attrs["truncated"] is True
    assert "execution" in set(store.sql("SELECT 'execution' AS t")["t"])


def test_postgres_engine_layer_alone_refuses_writes_and_stops_slow_queries(pg_url):  # noqa: F811
    """Without the text checks, the READ ONLY transaction and the timeout still hold."""
    from kerasprov.store.postgres import PostgresStore
    st = PostgresStore(pg_url)
    with st.unit() as be:
        be.execute("CREATE SEQUENCE kp_probe")
        with pytest.raises(SQLRefused, match="read-only"):
            be.read_only_df("SELECT nextval('kp_probe')", 10, 5)
        with pytest.raises(QueryError, match="longer than"):
            be.read_only_df("SELECT pg_sleep(3)", 10, 0.2)
        with pytest.raises(QueryError):
            be.read_only_df("CREATE TABLE kp_evil (a int)", 10, 5)
        assert "kp_evil" not in be.table_names()
        df = be.read_only_df("SELECT generate_series(1, 100) AS n", 7, 5)
        assert df["n"].tolist() == list(range(1, 8)) and df.attrs["truncated"]
        assert be.fetchall("SELECT nextval('kp_probe')") == [(1,)]
    st.close()


def _unit(spec):
    if spec.startswith("postgresql://"):
        from kerasprov.store.postgres import PostgresStore
        return PostgresStore(spec).unit()
    from kerasprov.store.embedded import EmbeddedStore
    return EmbeddedStore(spec).unit()


def test_schema_grows_and_widens(spec):
    with _unit(spec) as be:
        ing = Ingestor(be)
        ing.apply(_events("r1", [[{"epoch": 0, "f1": 1, "flag": True, "note": 3}]]))
        evs = _events("r1", [[{"epoch": 0, "f1": 1, "flag": True, "note": 3}],
                             [{"epoch": 1, "f1": 0.5, "flag": 2, "note": "x?%"}],
                             [{"epoch": 2, "f1": None, "flag": 1.5, "brand_new": "yes"}]])
        res = ing.apply(evs)
        assert res.stored == 2 and res.skipped == 3
        types = dict(be.fetchall("SELECT name, type FROM attribute WHERE data_set_tag = ?",
                                 ["otrainingmodel"]))
    assert types["f1"] == "real" and types["flag"] == "real" and types["note"] == "text"
    assert types["brand_new"] == "text"
    store = kerasprov.open_store(spec)
    df = store.sql("SELECT epoch, f1, flag, note, brand_new FROM epochs WHERE run_id = 'r1' "
                   "ORDER BY epoch")
    assert df["f1"].tolist()[:2] == [1.0, 0.5]
    assert df["flag"].tolist() == [1.0, 2.0, 1.5]
    assert df["note"].tolist()[:2] == ["3", "x?%"]
    assert df["brand_new"].tolist()[2] == "yes"


def test_idempotent_redelivery(pg_url, tmp_path, monkeypatch):  # noqa: F811
    """Delivering the same journals again (offsets lost) stores nothing twice."""
    from kerasprov.store.postgres import deliver_journals
    outbox = tmp_path / "outbox"
    env = {**os.environ, "KERASPROV_STORE": pg_url, "KERASPROV_OUTBOX": str(outbox),
           "KERAS_BACKEND": "torch", "PYTHONPATH": str(Path(__file__).parent)}
    script = textwrap.dedent("""
        import kerasprov, kp_util
        x, y = kp_util.data(n=100)
        m = kp_util.mlp()
        m.provenance(dataflow_tag="sub")
        m.fit(x, y, epochs=4, batch_size=32, verbose=0)
    """)
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    import psycopg
    count = "SELECT COUNT(*), COUNT(DISTINCT epoch) FROM ds_otrainingmodel"
    with psycopg.connect(pg_url) as con:  # delivered by the process itself, before it exited
        assert con.execute(count).fetchone() == (4, 4)
        status = con.execute("SELECT status FROM execution").fetchall()
    assert status == [("finished",)]
    (journals,) = list(outbox.iterdir())
    done = sorted((journals / "done").glob("*.jsonl"))
    assert done and not list(journals.glob("*.jsonl"))
    for seg in done:  # as if the offsets were lost: everything is sent again
        seg.rename(journals / seg.name)
    assert deliver_journals(pg_url, journals) > 0
    with psycopg.connect(pg_url) as con:
        assert con.execute(count).fetchone() == (4, 4)
        assert con.execute("SELECT COUNT(*) FROM execution").fetchone() == (1,)
        assert con.execute("SELECT version, name FROM _migrations ORDER BY version") \
            .fetchall() == [tuple(m) for m in MIGRATIONS]
    assert not list(journals.glob("*.jsonl"))


def test_concurrent_ingesters_growing_the_schema(pg_url):  # noqa: F811
    """Four writers at once, each adding a column: the advisory lock serialises them."""
    from kerasprov.store.postgres import PostgresStore
    errors = []

    def writer(i):
        st = PostgresStore(pg_url)
        try:
            for k in range(3):
                with st.unit() as be:
                    Ingestor(be).apply(_events(f"w{i}-{k}", [[{"epoch": 0, f"m{i}": i + 0.5}],
                                                           [{"epoch": 1, f"m{i}": "t"}]]))
        except Exception as exc:  # the assertion below shows it
            errors.append(exc)
        finally:
            st.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    store = kerasprov.open_store(pg_url)
    df = store.sql("SELECT COUNT(*) AS n, COUNT(DISTINCT run_id) AS r FROM epochs")
    assert (df["n"].iloc[0], df["r"].iloc[0]) == (24, 12)
    cols = set(store.sql("SELECT * FROM epochs LIMIT 1").columns)
    assert {"m0", "m1", "m2", "m3"} <= cols


def test_placeholder_translation_keeps_literals():
    from kerasprov.store.postgres import pg_sql
    assert pg_sql("SELECT ? , '?%' , \"a?\" FROM t WHERE x LIKE 'a%' AND y = ?") == \
        "SELECT %s , '?%%' , \"a?\" FROM t WHERE x LIKE 'a%%' AND y = %s"
