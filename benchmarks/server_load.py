"""Load on a real ``kerasprov serve``: 8 concurrent clients posting event batches on loopback.

For each store (PostgreSQL, then an embedded DuckDB directory) it starts a server process,
lets 8 client threads send the events of many simulated training runs (run_start,
task_start, one ``rows`` event per epoch, task_end, run_end) in batches, and prints
events/s and the p50/p99 latency of one batch. Afterwards it checks that every epoch of
every run is stored exactly once. Bodies are encoded before the clock starts, so the
figures are the server's, not the client's JSON encoder's.

    .venv/bin/python benchmarks/server_load.py [--clients 8] [--runs 25] [--epochs 500]
        [--batch 1000] [--pg-url postgresql://...] [--only postgres|duckdb]

Without --pg-url a throw-away PostgreSQL cluster is started (Debian's binaries), with the
default durability settings (fsync on).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

from kerasprov.outbox import codec  # noqa: E402


def run_events(run: str, epochs: int) -> list[dict]:
    t = time.time()
    task = f"{run}-trainingmodel-1"
    evs = [{"v": 1, "run": run, "type": "run_start", "ts": t, "dataflow": "bench",
            "host": "bench", "pid": 1},
           {"v": 1, "run": run, "type": "task_start", "ts": t, "task": task,
            "transformation": "TrainingModel", "inputs": ["iTrainingModel"],
            "outputs": ["oTrainingModel"], "start": t},
           {"v": 1, "run": run, "type": "rows", "ts": t, "task": task,
            "transformation": "TrainingModel", "set": "iTrainingModel",
            "rows": [{"optimizer_name": "Adam", "learning_rate": 0.001, "batch_size": 32}]}]
    for e in range(epochs):
        evs.append({"v": 1, "run": run, "type": "rows", "ts": t + e, "task": task,
                    "transformation": "TrainingModel", "set": "oTrainingModel",
                    "rows": [{"epoch": e, "timestamp": t + e, "elapsed_time": 0.01 * e,
                              "loss": 1.0 / (e + 1), "accuracy": e / (e + 1.0),
                              "val_loss": 1.1 / (e + 1), "val_accuracy": e / (e + 2.0),
                              "learning_rate": 0.001}]})
    evs += [{"v": 1, "run": run, "type": "task_end", "ts": t + epochs, "task": task,
             "status": "finished", "end": t + epochs},
            {"v": 1, "run": run, "type": "run_end", "ts": t + epochs, "status": "finished",
             "end": t + epochs}]
    for i, ev in enumerate(evs):
        ev["seq"] = i
    return evs


def bodies_for(client: int, runs: int, epochs: int, batch: int, tag: str) -> list[tuple]:
    out = []
    for r in range(runs):
        evs = run_events(f"{tag}-c{client}-r{r}", epochs)
        for i in range(0, len(evs), batch):
            chunk = evs[i:i + batch]
            out.append((len(chunk), codec.encode({"events": chunk}).encode()))
    return out


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(store: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "KERASPROV_TOKEN": "bench-token"}
    proc = subprocess.Popen([sys.executable, "-m", "kerasprov", "serve", "--store", store,
                             "--port", str(port)], env=env, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/api/health", headers=HEADERS, timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"the server for {store} did not start: {proc.stderr.read().decode()}")


HEADERS = {"Authorization": "Bearer bench-token", "content-type": "application/json"}


def load(url: str, args, tag: str) -> tuple[float, list[float], int]:
    work = [bodies_for(c, args.runs, args.epochs, args.batch, tag) for c in range(args.clients)]
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(bodies):
        with httpx.Client(base_url=url, headers=HEADERS, timeout=120) as http:
            for _, body in bodies:
                t0 = time.perf_counter()
                resp = http.post("/api/events", content=body)
                dt = time.perf_counter() - t0
                with lock:
                    latencies.append(dt)
                    if resp.status_code != 200:
                        errors.append(f"{resp.status_code} {resp.text[:200]}")

    threads = [threading.Thread(target=client, args=(w,)) for w in work]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    if errors:
        raise SystemExit(f"{len(errors)} batch(es) refused, first: {errors[0]}")
    total = sum(n for w in work for n, _ in w)
    return wall, latencies, total


def check(url: str, args, tag: str) -> str:
    q = ("SELECT COUNT(*) AS n, COUNT(DISTINCT run_id || ':' || CAST(epoch AS VARCHAR)) AS d, "
         f"COUNT(DISTINCT run_id) AS r FROM epochs WHERE run_id LIKE '{tag}-%'")
    resp = httpx.post(url + "/api/sql", json={"sql": q}, headers=HEADERS, timeout=120)
    row = resp.json()["rows"][0]
    want = args.clients * args.runs * args.epochs
    ok = row["n"] == want and row["d"] == want and row["r"] == args.clients * args.runs
    return (f"stored {row['n']} epoch rows ({row['d']} distinct) of {row['r']} runs; expected "
            f"{want}: {'nothing lost, nothing doubled' if ok else 'MISMATCH'}"), ok


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--runs", type=int, default=25, help="runs per client")
    p.add_argument("--epochs", type=int, default=500, help="epochs per run")
    p.add_argument("--batch", type=int, default=1000, help="events per POST")
    p.add_argument("--pg-url", default=None)
    p.add_argument("--only", choices=["postgres", "duckdb"], default=None)
    args = p.parse_args()

    pg = None
    stores = []
    tmp = tempfile.mkdtemp(prefix="kp-bench-")
    if args.only != "duckdb":
        url = args.pg_url
        if url is None:
            from pg_util import PgServer, _wait_ready, new_database, pg_bin
            if pg_bin() is None:
                print("PostgreSQL is not installed: skipping it")
            else:
                pg = PgServer().start(fsync=True)
                _wait_ready(pg.url())
                url = new_database(pg.url())
        if url:
            stores.append(("postgres", url))
    if args.only != "postgres":
        stores.append(("duckdb", str(Path(tmp) / "store")))
    failed = False
    try:
        for name, store in stores:
            proc, url = start_server(store)
            try:
                tag = f"b{int(time.time())}"
                wall, lat, total = load(url, args, tag)
                lat.sort()
                p50 = statistics.median(lat) * 1000
                p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000
                msg, ok = check(url, args, tag)
                failed |= not ok
                print(f"{name:8s}: {total} events from {args.clients} clients in {wall:.2f} s "
                      f"= {total / wall:,.0f} events/s; batch of {args.batch}: "
                      f"p50 {p50:.1f} ms, p99 {p99:.1f} ms; {msg}")
            finally:
                proc.terminate()
                proc.wait(10)
    finally:
        if pg is not None:
            pg.stop()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
