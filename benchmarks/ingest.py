"""Ingest throughput into DuckDB, and what a reader pays for one run's journal.

    .venv/bin/python benchmarks/ingest.py [--rows 1000000] [--quick]

Shapes of events: batched (a run's 100 epochs in one ``rows`` event, as a bulk load or a
``kerasprov serve`` client sends them), batched columnar (the same as
``{"columns": {name: [value, ...]}}``) and journal-like (one epoch row per event, as a
training writes them). Paths:

- ``Ingestor.apply``, one transaction per batch: the fixed cost of a transaction shows at
  small batches;
- batches of 1,000 rows from concurrent senders through the ingest queue of
  ``kerasprov serve`` (``server.ingest_queue.IngestQueue``, in process, no HTTP): waiting batches of
  many runs are grouped into one transaction and the store stays open while they come;
- a reader (``EmbeddedStore.unit``) replaying the journals of many finished runs (read,
  decode, validate, ingest), and one run's journal of 1,003 events.

Decoding is timed apart for the ``apply`` rows. Medians with the interquartile range where
a figure is repeated; the load average is printed with each figure.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

import duckdb

from kerasprov.outbox import codec
from kerasprov.store.backend import DuckDBBackend
from kerasprov.store.embedded import DB_NAME
from kerasprov.store.ingest import Ingestor, ensure_schema

METRICS = ("loss", "accuracy", "val_loss", "val_accuracy")


def epoch_row(epoch: int) -> dict:
    x = 1.0 / (epoch + 1)
    return {"epoch": epoch, "timestamp": 1.8e9 + epoch, "elapsed_time": 0.5,
            **{m: x for m in METRICS}, "learning_rate": 1e-3}


def columnar(rows: list[dict]) -> dict:
    return {"columns": {k: [r[k] for r in rows] for k in rows[0]}}


def run_events(r: int, epochs: int, rows_per_event: int, as_columns: bool = False,
               prefix: str = "20261127000000") -> list[dict]:
    """One finished run's events: run_start, task_start, its rows, run_end."""
    run = f"{prefix}-{r:08x}"
    task = f"{run}-trainingmodel-1"
    out = [{"v": 1, "run": run, "seq": 0, "type": "run_start", "dataflow": "bench",
            "ts": 1.8e9},
           {"v": 1, "run": run, "seq": 1, "type": "task_start", "task": task,
            "transformation": "TrainingModel", "inputs": ["itrainingmodel"],
            "outputs": ["otrainingmodel"], "ts": 1.8e9}]
    for start in range(0, epochs, rows_per_event):
        rows = [epoch_row(e) for e in range(start, min(epochs, start + rows_per_event))]
        out.append({"v": 1, "run": run, "seq": len(out), "type": "rows", "task": task,
                    "transformation": "TrainingModel", "set": "otrainingmodel", "links": {},
                    "rows": columnar(rows) if as_columns else rows, "ts": 1.8e9})
    out.append({"v": 1, "run": run, "seq": len(out), "type": "run_end", "status": "finished",
                "ts": 1.8e9})
    return out


def batches(n_runs: int, epochs: int, rows_per_event: int, runs_per_batch: int,
            as_columns: bool = False, prefix: str = "20261127000000") -> list[list[dict]]:
    """Whole runs, ``runs_per_batch`` to a batch."""
    out = []
    for first in range(0, n_runs, runs_per_batch):
        out.append([e for r in range(first, min(n_runs, first + runs_per_batch))
                    for e in run_events(r, epochs, rows_per_event, as_columns, prefix)])
    return out


def load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def stored_rows(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT COUNT(*) FROM ds_otrainingmodel").fetchone()[0]
    finally:
        con.close()


def line(label: str, n_rows: int, dt: float, extra: str = "") -> None:
    print(f"{label:<58} {n_rows:>9,} rows {dt:7.2f} s {n_rows / dt:>10,.0f} rows/s  "
          f"{extra}({load()})", flush=True)


def measure_apply(label: str, groups: list[list[dict]], n_rows: int) -> None:
    d = tempfile.mkdtemp(prefix="kp-ingest-")
    try:
        db = Path(d) / "bench.duckdb"
        con = duckdb.connect(str(db))
        be = DuckDBBackend(con)
        ensure_schema(be)
        t0 = time.perf_counter()
        for batch in groups:
            Ingestor(be).apply(batch)
        dt = time.perf_counter() - t0
        be.close()
        assert stored_rows(db) == n_rows
        line(label, n_rows, dt, f"({len(groups) / dt:,.0f} transactions/s) ")
    finally:
        shutil.rmtree(d, ignore_errors=True)


def measure_queue(groups: list[list[dict]], n_rows: int, senders: int) -> None:
    """Batches sent by ``senders`` threads, each waiting for its answer before sending the
    next (as an HTTP client does), through the server's ingest queue."""
    from kerasprov.query.api import open_store
    from kerasprov.server.ingest_queue import IngestQueue
    d = tempfile.mkdtemp(prefix="kp-queue-")
    try:
        store = open_store(d)
        unit_lock = threading.Lock()
        q = IngestQueue(store, unit_lock)
        todo = list(groups)
        lock = threading.Lock()

        def sender() -> None:
            while True:
                with lock:
                    if not todo:
                        return
                    batch = todo.pop()
                q.submit(batch, allow_gaps=False).result(timeout=600)

        t0 = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(senders) as pool:
            for f in [pool.submit(sender) for _ in range(senders)]:
                f.result()
        dt = time.perf_counter() - t0
        q.close()
        with unit_lock:  # the queue has closed its unit of work: the file can be read
            assert stored_rows(Path(d) / DB_NAME) == n_rows
        line(f"1,000-row batches, {senders} senders, ingest queue (grouped)", n_rows, dt)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def write_journals(root: Path, runs: list[list[dict]]) -> None:
    from kerasprov.outbox.journal import END_MARK, segment_name
    (root / "journals").mkdir(parents=True, exist_ok=True)
    for evs in runs:
        (root / "journals" / segment_name(evs[0]["run"], 0)).write_text(
            "".join(codec.encode(e) + "\n" for e in evs) + END_MARK + "\n")


def measure_reader(n_runs: int, epochs: int) -> None:
    """A reader ingesting the journals of ``n_runs`` finished runs in one unit."""
    from kerasprov.store.embedded import EmbeddedStore, ingest_journals
    root = Path(tempfile.mkdtemp(prefix="kp-reader-"))
    try:
        write_journals(root, [run_events(r, epochs, 1) for r in range(n_runs)])
        store = EmbeddedStore(root)
        with store.unit(ingest=False) as be:
            t0 = time.perf_counter()
            ingest_journals(be, root / "journals")
            dt = time.perf_counter() - t0
        assert stored_rows(root / DB_NAME) == n_runs * epochs
        line(f"journals of {n_runs} runs x {epochs} epochs, read by a reader", n_runs * epochs,
             dt, "(decoding included) ")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def reader_unit(epochs: int, runs: int = 9) -> None:
    """What a reader pays for one finished run's journal (``epochs`` + 4 events) in a
    directory store: replay (read, decode, validate) and ingest, in one unit of work
    opened before (opening and closing the DuckDB file is the query's fixed cost, see
    query_latency.py)."""
    from kerasprov.store.embedded import EmbeddedStore, ingest_journals
    root = Path(tempfile.mkdtemp(prefix="kp-reader-"))
    store = EmbeddedStore(root)
    times = []
    try:
        for i in range(runs):
            write_journals(root, [run_events(i + 1, epochs, 1)])
            with store.unit(ingest=False) as be:
                t0 = time.perf_counter()
                ingest_journals(be, root / "journals")
                times.append(time.perf_counter() - t0)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    rest = sorted(times[1:])  # the first also creates the tables
    q1, q3 = rest[len(rest) // 4], rest[(3 * len(rest)) // 4]
    print(f"{'a run of ' + format(epochs + 4, ',') + ' events, read by a reader':<58} "
          f"median {statistics.median(rest) * 1000:6.1f} ms [IQR {q1 * 1000:.1f}-"
          f"{q3 * 1000:.1f}] over {len(rest)} runs   (target <= 20 ms) ({load()})", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="200,000 rows")
    args = parser.parse_args(argv)
    rows = 200_000 if args.quick else args.rows
    epochs = 100
    n_runs = rows // epochs
    print(f"{os.cpu_count()} CPU cores, {load()}; {n_runs:,} runs x {epochs} epochs, "
          f"{len(epoch_row(0))} attributes per row")
    for runs_per_batch in (1_000, 100, 10):
        measure_apply(f"batched (100 rows/event), {runs_per_batch * epochs:,} rows/apply",
                      batches(n_runs, epochs, epochs, runs_per_batch), n_runs * epochs)
    for runs_per_batch in (1_000, 100):
        measure_apply(f"batched columnar, {runs_per_batch * epochs:,} rows/apply",
                      batches(n_runs, epochs, epochs, runs_per_batch, as_columns=True),
                      n_runs * epochs)
    measure_apply("journal-like (1 row/event), 100,000 rows/apply",
                  batches(n_runs, epochs, 1, 1_000), n_runs * epochs)
    small = batches(n_runs, epochs, epochs, 10)
    for senders in (1, 8, 32):
        measure_queue(small, n_runs * epochs, senders)
    del small
    measure_reader(min(n_runs, 200), 1_000)
    lines = [codec.encode(e).encode() for r in range(200) for e in run_events(r, 1_000, 1)]
    t0 = time.perf_counter()
    for raw in lines:
        codec.decode(raw)
    dt = time.perf_counter() - t0
    print(f"{'decoding journal lines (codec.decode, validating)':<58} {len(lines):>9,} lines "
          f"{dt:7.2f} s {len(lines) / dt:>10,.0f} lines/s  ({load()})")
    reader_unit(epochs=1_000)
    print("targets (issue #14): >= 300,000 rows/s at 1,000-row batches; a run's journal of "
          "~1,000 events in <= 20 ms")


if __name__ == "__main__":
    main()
