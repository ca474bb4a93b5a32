"""Query latency on a generated store: 1,000 and 10,000 runs x 100 epochs.

    .venv/bin/python benchmarks/query_latency.py [--runs 1000 10000] [--repeats 5]

The store is generated through the real ``Ingestor`` (batched events, the shape a journal
ingest produces): per run a user ``Filter`` step, hyperparameters, 100 epoch rows, two
learning-rate adaptations and one test. Each query is timed as a user sees it: through
``kerasprov.open_store()`` (open the DuckDB file, check for journals, query, close), median
of ``--repeats``; the time of the SQL alone on an open connection is shown next to it.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import tempfile
import time

import duckdb

import kerasprov
from kerasprov.store.backend import DuckDBBackend
from kerasprov.store.embedded import DB_NAME
from kerasprov.store.ingest import Ingestor, ensure_schema

EPOCHS = 100
OPTIMIZERS = ("Adam", "SGD", "RMSprop")
FILTERS = ("gray", "none", "sobel")


def run_events(i: int, rnd: random.Random) -> list[dict]:
    run = f"20261127{i:06d}-{i:08x}"
    t0 = 1.8e9 + i * 600.0
    evs: list[dict] = []

    def ev(kind, **payload):
        evs.append({"v": 1, "run": run, "seq": len(evs), "type": kind, "ts": t0 + len(evs),
                    **payload})

    def task(tr, n):
        return f"{run}-{tr.lower()}-{n}"

    ev("run_start", dataflow="alexnet", host="bench", user="bench", pid=1, start=t0)
    f = task("Filter", 1)
    ev("task_start", task=f, transformation="Filter", inputs=["ifilter"], outputs=["ofilter"])
    ev("rows", task=f, transformation="Filter", set="ifilter", links={},
       rows=[{"filter_name": rnd.choice(FILTERS), "images": 50_000}])
    ev("rows", task=f, transformation="Filter", set="ofilter", links={},
       rows=[{"images": 50_000, "channels": 1}])
    ev("task_end", task=f, status="finished")
    tr, ad, te = task("TrainingModel", 2), task("Adaptation", 3), task("TestingModel", 4)
    ev("task_start", task=tr, transformation="TrainingModel",
       inputs=["itrainingmodel", "itrainingconfig", "ilayers", "ofilter"],
       outputs=["otrainingmodel"])
    lr = rnd.choice((0.1, 0.01, 0.001, 0.0001))
    ev("rows", task=tr, transformation="TrainingModel", set="itrainingmodel", links={},
       rows=[{"optimizer_name": rnd.choice(OPTIMIZERS), "learning_rate": lr, "decay": None,
              "momentum": 0.9, "num_epochs": EPOCHS, "batch_size": 64, "num_layers": 12}])
    ev("task_start", task=ad, transformation="Adaptation", inputs=["otrainingmodel"],
       outputs=["oadaptation"], informed_by=tr)
    acc = rnd.uniform(0.3, 0.6)
    rows = []
    for e in range(EPOCHS):
        acc = min(0.99, acc + rnd.uniform(0, 0.01))
        rows.append({"epoch": e, "timestamp": t0 + e, "elapsed_time": 1.0, "loss": 1 - acc,
                     "accuracy": acc, "val_loss": 1.05 - acc, "val_accuracy": acc - 0.05,
                     "learning_rate": lr * (0.5 ** (e // 40))})
    ev("rows", task=tr, transformation="TrainingModel", set="otrainingmodel", links={},
       rows=rows)
    ev("rows", task=ad, transformation="Adaptation", set="oadaptation",
       links={"trainingmodel_task_id": tr},
       rows=[{"epoch": e, "previous_learning_rate": lr * 0.5 ** (k - 1),
              "learning_rate": lr * 0.5 ** k, "technique": "LearningRateScheduler",
              "timestamp": t0 + e} for k, e in ((1, 40), (2, 80))])
    ev("task_end", task=ad, status="finished")
    ev("task_end", task=tr, status="finished")
    ev("task_start", task=te, transformation="TestingModel", inputs=["otrainingmodel"],
       outputs=["otestingmodel"], informed_by=tr)
    ev("rows", task=te, transformation="TestingModel", set="otestingmodel",
       links={"trainingmodel_task_id": tr},
       rows=[{"loss": 1 - acc, "accuracy": acc - 0.03, "timestamp": t0 + EPOCHS}])
    ev("task_end", task=te, status="finished")
    ev("run_end", status="finished")
    return evs


def generate(path: str, n_runs: int, start: int = 0, per_apply: int = 1000) -> float:
    """Add runs ``start .. n_runs - 1`` to the store at ``path``; returns seconds taken."""
    rnd = random.Random(start)
    con = duckdb.connect(os.path.join(path, DB_NAME))
    be = DuckDBBackend(con)
    ensure_schema(be)
    t0 = time.perf_counter()
    for lo in range(start, n_runs, per_apply):
        events = [e for i in range(lo, min(n_runs, lo + per_apply)) for e in run_events(i, rnd)]
        Ingestor(be).apply(events)
    con.execute("CHECKPOINT")
    be.close()
    return time.perf_counter() - t0


def timed(fn, repeats: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def queries(store, run_id: str):
    """(label, through the Store API, the same SQL on an open connection or None)."""
    from kerasprov.query import analyses, pathquery
    path_args = ("alexnet", "itrainingmodel", "otestingmodel")
    path_kw = {"project": ["itrainingmodel.optimizer_name", "itrainingmodel.learning_rate",
                           "otestingmodel.accuracy"],
               "select": ["itrainingmodel.optimizer_name = 'Adam'",
                          "itrainingmodel.learning_rate < 0.01",
                          "otestingmodel.accuracy > 0.8"]}

    def path():
        with store.unit() as be:
            return pathquery.path_query(be, *path_args, distinct=True, **path_kw).df

    with store.unit() as be:
        path_sql = pathquery.build(be, *path_args, distinct=True, **path_kw).sql
    return [
        ("runs view, all runs (store.runs())", store.runs, "SELECT * FROM runs"),
        ("runs view, newest 50 (store.runs(limit=50))", lambda: store.runs(limit=50),
         "SELECT * FROM runs ORDER BY start_time DESC LIMIT 50"),
        ("one run's epochs (store.epochs(id))", lambda: store.epochs(run_id),
         f"SELECT * FROM epochs WHERE run_id = '{run_id}' ORDER BY epoch"),
        ("paper Table 1: adaptation(id)", lambda: analyses.adaptation(store, run_id),
         (f"SELECT epoch, learning_rate, technique FROM ds_oadaptation WHERE run_id = "
          f"'{run_id}' ORDER BY epoch")),
        ("paper Table 2: transformation_impact(Filter)",
         lambda: analyses.transformation_impact(store, "Filter", parameter="filter_name"),
         None),
        ("generated path query itrainingmodel->otestingmodel", path, path_sql),
    ]


def report(path: str, n_runs: int, repeats: int) -> None:
    store = kerasprov.open_store(path)
    run_id = store.read("SELECT run_id FROM execution ORDER BY run_id LIMIT 1 OFFSET "
                        f"{n_runs // 2}")["run_id"].iloc[0]
    size = os.path.getsize(os.path.join(path, DB_NAME))
    (n_rows,) = store.read("SELECT COUNT(*) AS n FROM ds_otrainingmodel")["n"]
    print(f"\n== {n_runs:,} runs, {n_rows:,} epoch rows, DuckDB file {size / 2**20:.1f} MiB")
    t_open, _ = timed(lambda: store.read("SELECT 1"), repeats)
    print(f"{'open + trivial query (the fixed cost of a unit)':<52} {t_open * 1e3:8.1f} ms")
    sqls = []
    for label, fn, sql in queries(store, run_id):
        t_api, out = timed(fn, repeats)
        sqls.append([label, t_api, sql, len(out)])
    # The same SQL on one open connection (after the API: DuckDB allows one configuration
    # of a file per process).
    con = duckdb.connect(os.path.join(path, DB_NAME))
    try:
        for item in sqls:
            sql = item[2]
            item[2] = timed(lambda s=sql: con.execute(s).fetchall(), repeats)[0] if sql \
                else None
    finally:
        con.close()
    for label, t_api, t_sql, n in sqls:
        sql_txt = f"{t_sql * 1e3:7.1f} ms SQL only" if t_sql is not None else ""
        print(f"{label:<52} {t_api * 1e3:8.1f} ms  {sql_txt}  ({n:,} rows)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    print(f"{os.cpu_count()} CPU cores, load average {os.getloadavg()[0]:.1f}, "
          f"duckdb {duckdb.__version__}")
    path = tempfile.mkdtemp(prefix="kp-query-")
    done = 0
    try:
        for n in sorted(args.runs):
            secs = generate(path, n, start=done)
            print(f"generated runs {done:,}..{n - 1:,} in {secs:.1f} s "
                  f"({(n - done) * EPOCHS / secs:,.0f} epoch rows/s through the Ingestor)")
            done = n
            report(path, n, args.repeats)
    finally:
        shutil.rmtree(path, ignore_errors=True)
    print("\ntarget: every listed query <= 100 ms on the 1,000,000-row store")


if __name__ == "__main__":
    main()
