"""Ingest throughput: data-set rows per second into DuckDB through ``Ingestor.apply``.

    .venv/bin/python benchmarks/ingest.py [--rows 1000000]

Three shapes of events: journal-like (one epoch row per ``rows`` event, as a training writes
them), batched (a run's 100 epochs in one event, as a bulk load sends them) and batched
columnar (the same, as ``{"columns": {name: [values]}}``: no per-row objects).
All go through the same code as a real ingest: decoding is excluded (timed apart).
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time

import duckdb

from kerasprov.outbox import codec
from kerasprov.store.backend import DuckDBBackend
from kerasprov.store.ingest import Ingestor, ensure_schema

METRICS = ("loss", "accuracy", "val_loss", "val_accuracy")


def epoch_row(epoch: int) -> dict:
    x = 1.0 / (epoch + 1)
    return {"epoch": epoch, "timestamp": 1.8e9 + epoch, "elapsed_time": 0.5,
            **{m: x for m in METRICS}, "learning_rate": 1e-3}


def columnar(rows: list[dict]) -> dict:
    return {"columns": {k: [r[k] for r in rows] for k in rows[0]}}


def events(n_runs: int, epochs: int, rows_per_event: int, as_columns: bool = False) -> list[dict]:
    out = []
    for r in range(n_runs):
        run = f"20261127000000-{r:08x}"
        task = f"{run}-trainingmodel-1"
        seq = 0
        out.append({"v": 1, "run": run, "seq": seq, "type": "run_start", "dataflow": "bench",
                    "ts": 1.8e9})
        seq += 1
        out.append({"v": 1, "run": run, "seq": seq, "type": "task_start", "task": task,
                    "transformation": "TrainingModel", "inputs": ["itrainingmodel"],
                    "outputs": ["otrainingmodel"], "ts": 1.8e9})
        for start in range(0, epochs, rows_per_event):
            seq += 1
            rows = [epoch_row(e) for e in range(start, min(epochs, start + rows_per_event))]
            out.append({"v": 1, "run": run, "seq": seq, "type": "rows", "task": task,
                        "transformation": "TrainingModel", "set": "otrainingmodel", "links": {},
                        "rows": columnar(rows) if as_columns else rows, "ts": 1.8e9})
        seq += 1
        out.append({"v": 1, "run": run, "seq": seq, "type": "run_end", "status": "finished",
                    "ts": 1.8e9})
    return out


def measure(label: str, evs: list[dict], n_rows: int, chunk: int) -> None:
    d = tempfile.mkdtemp(prefix="kp-ingest-")
    try:
        con = duckdb.connect(os.path.join(d, "bench.duckdb"))
        be = DuckDBBackend(con)
        ensure_schema(be)
        t0 = time.perf_counter()
        for i in range(0, len(evs), chunk):
            Ingestor(be).apply(evs[i:i + chunk])
        dt = time.perf_counter() - t0
        (stored,) = be.fetchall("SELECT COUNT(*) FROM ds_otrainingmodel")[0]
        be.close()
        assert stored == n_rows, (stored, n_rows)
        print(f"{label:<46} {n_rows:>9,} rows {dt:7.2f} s {n_rows / dt:>11,.0f} rows/s "
              f"({len(evs) / dt:,.0f} events/s)")
    finally:
        shutil.rmtree(d, ignore_errors=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    epochs = 100
    n_runs = args.rows // epochs
    print(f"{os.cpu_count()} CPU cores, load average {os.getloadavg()[0]:.1f}; "
          f"{n_runs:,} runs x {epochs} epochs, {len(epoch_row(0))} columns per row")
    batched = events(n_runs, epochs, epochs)
    # One apply is one transaction with a fixed cost (schema and attribute look-ups, a few
    # ms), so the rate depends on how many rows each apply carries.
    for runs_per_apply in (1_000, 100, 10):
        measure(f"batched (100 rows/event), {runs_per_apply * epochs:,} rows/apply", batched,
                n_runs * epochs, runs_per_apply * 3)
    cols = events(n_runs, epochs, epochs, as_columns=True)
    for runs_per_apply in (1_000, 100):
        measure(f"batched columnar, {runs_per_apply * epochs:,} rows/apply", cols,
                n_runs * epochs, runs_per_apply * 3)
    del cols
    journal = events(n_runs, epochs, 1)
    measure("journal-like (1 row/event), 100,000 rows/apply", journal, n_runs * epochs,
            100_000 * 103 // 100)
    lines = [codec.encode(e) for e in journal[:200_000]]
    t0 = time.perf_counter()
    for line in lines:
        codec.decode(line)
    dt = time.perf_counter() - t0
    print(f"{'decoding journal lines (codec.decode)':<46} {len(lines):>9,} lines {dt:7.2f} s "
          f"{len(lines) / dt:>11,.0f} lines/s")
    print("target: >= 500,000 rows/s into DuckDB")
    reader_unit(epochs=1_000)


def reader_unit(epochs: int, runs: int = 8) -> None:
    """What a reader pays for one finished run's journal (``epochs`` + 4 events) in a
    directory store: replay (read, decode, validate) and ingest, in one unit of work."""
    import shutil
    import statistics
    import tempfile
    from pathlib import Path

    from kerasprov.outbox.journal import END_MARK, segment_name
    from kerasprov.store.embedded import EmbeddedStore, ingest_journals
    root = Path(tempfile.mkdtemp(prefix="kp-reader-"))
    store = EmbeddedStore(root)
    times = []
    try:
        for i in range(runs):
            evs = events(1, epochs, 1)  # one run, one row per epoch event
            rid = f"20261127000000-{i + 1:08x}"  # its own run and task ids
            lines = [codec.encode(e).replace(evs[0]["run"], rid) for e in evs]
            (root / "journals").mkdir(exist_ok=True)
            (root / "journals" / segment_name(rid, 0)).write_text(
                "".join(line + "\n" for line in [*lines, END_MARK]))
            with store.unit(ingest=False) as be:
                t0 = time.perf_counter()
                ingest_journals(be, root / "journals")
                times.append(time.perf_counter() - t0)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    rest = sorted(times[1:])  # the first also creates the tables
    q1, q3 = rest[len(rest) // 4], rest[(3 * len(rest)) // 4]
    print(f"{'a run of ' + format(len(evs), ',') + ' events, read by a reader':<46} "
          f"median {statistics.median(rest) * 1000:6.1f} ms [IQR {q1 * 1000:.1f}-"
          f"{q3 * 1000:.1f}]   (target <= 20 ms)")


if __name__ == "__main__":
    main()
