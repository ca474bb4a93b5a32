"""Store size per run: real captured runs, and generated runs at 1,000 and 10,000.

    KERAS_BACKEND=torch .venv/bin/python benchmarks/store_size.py [--real 5] [--epochs 20]

Real runs: a small MLP trained with ``model.provenance(...)`` and evaluated, as a user
would; we print the journal bytes per run (what the outbox writes) and the DuckDB file
(after CHECKPOINT) and its used blocks. Generated runs: the ``query_latency.py`` store
(100 epochs, hyperparameters, a Filter step, adaptations, a test per run).
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "torch")


def _duckdb_size(store: Path, blocks: bool = False):
    import duckdb
    con = duckdb.connect(str(store / "provenance.duckdb"))
    con.execute("CHECKPOINT")
    used = con.execute("SELECT used_blocks FROM pragma_database_size()").fetchone()[0]
    con.close()
    size = (store / "provenance.duckdb").stat().st_size
    return (size, used) if blocks else size


def _journal_bytes(store: Path) -> int:
    return sum(p.stat().st_size for p in (store / "journals").rglob("*.jsonl"))


def real_runs(n: int, epochs: int) -> None:
    import keras
    import numpy as np

    import kerasprov
    store = Path(tempfile.mkdtemp(prefix="kp-size-"))
    try:
        kerasprov.configure(store=store)
        rng = np.random.default_rng(0)
        x = rng.normal(size=(512, 16)).astype("float32")
        y = keras.utils.to_categorical((x[:, 0] > 0).astype(int), 2)
        sizes = []
        for i in range(n + 1):
            model = keras.Sequential([keras.Input((16,)),
                                      keras.layers.Dense(32, activation="relu"),
                                      keras.layers.Dropout(0.1),
                                      keras.layers.Dense(2, activation="softmax")])
            model.compile(optimizer=keras.optimizers.Adam(1e-3),
                          loss="categorical_crossentropy", metrics=["accuracy"])
            model.provenance("size", adaptation=True, hyperparameters={"run": i})
            model.fit(x, y, epochs=epochs, batch_size=64, validation_split=0.2, verbose=0,
                      callbacks=[keras.callbacks.ReduceLROnPlateau(patience=2)])
            model.evaluate(x, y, verbose=0)
            kerasprov.flush()
            kerasprov.open_store(str(store)).runs()  # ingest everything
            sizes.append((_journal_bytes(store), *_duckdb_size(store, blocks=True)))
        # DuckDB stores each table in 256 KiB blocks, so a small store is mostly block
        # granularity: the file of one run is about as large as that of a few.
        (j0, d0, u0), (j1, d1, u1) = sizes[0], sizes[-1]
        print(f"real runs ({epochs} epochs, 4 layers, LR callback, evaluate): journal "
              f"{(j1 - j0) / n / 1024:.1f} KiB/run; DuckDB file {d0 / 2**20:.1f} MiB after 1 "
              f"run, {d1 / 2**20:.1f} MiB after {n + 1} ({u0} -> {u1} used 256 KiB blocks: "
              f"{(u1 - u0) * 256 / n:.0f} KiB/run at block granularity)")
    finally:
        shutil.rmtree(store, ignore_errors=True)


def generated_runs(counts: list[int]) -> None:
    from query_latency import EPOCHS, generate
    path = tempfile.mkdtemp(prefix="kp-size-gen-")
    try:
        done = 0
        for n in sorted(counts):
            generate(path, n, start=done)
            done = n
            size = _duckdb_size(Path(path))
            print(f"generated, {n:,} runs x {EPOCHS} epochs: DuckDB {size / 2**20:.1f} MiB, "
                  f"{size / n / 1024:.2f} KiB/run, {size / (n * EPOCHS):.0f} bytes/epoch row")
    finally:
        shutil.rmtree(path, ignore_errors=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--generated", type=int, nargs="+", default=[1000, 10000])
    args = parser.parse_args(argv)
    real_runs(args.real, args.epochs)
    generated_runs(args.generated)


if __name__ == "__main__":
    main()
