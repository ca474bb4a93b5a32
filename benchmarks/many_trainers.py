"""Many trainers, one server: 100 simulated trainers deliver into ``kerasprov serve`` over
PostgreSQL, and the server is killed (SIGKILL) once in the middle and started again.

Each trainer is a thread that behaves like a training process's outbox, with the real
code: it appends its run's events (run_start, task_start, hyperparameters, one ``rows``
event per epoch, task_end, run_end) to real journal segments in its own outbox directory,
and after every epoch delivers what waits with ``kerasprov.store.http.deliver`` (journal replay
over HTTP: the function a training process's writer thread calls). A delivery that fails (the server
is down) leaves the events in the journal for the next one, as in a real trainer.

Figures: events/s over the whole load (server down time included), and the delivery
latency of each event: from its write to the journal to the end of the first delivery
call that succeeded after it (p50/p99/max). Then the store is checked: every run, task and
epoch row exactly once, every run's last sequence number stored.

    .venv/bin/python benchmarks/many_trainers.py [--trainers 100] [--epochs 30]
        [--epoch-s 0.05] [--kill-at 0.5] [--pg-url postgresql://...]

Without --pg-url a throw-away PostgreSQL cluster is started (Debian's binaries; fsync off,
as in tests/pg_util.py).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

from kerasprov.errors import KerasProvError  # noqa: E402
from kerasprov.outbox import codec  # noqa: E402
from kerasprov.outbox.journal import END_MARK, segment_name  # noqa: E402
from kerasprov.store.http import deliver as deliver_outbox  # noqa: E402

RETRY_S = 1.0


@dataclass
class Trainer:
    """One simulated training process: its run, journal directory and delivery record."""

    run: str
    directory: Path
    epochs: int
    seq: int = 0
    waiting: list[float] = field(default_factory=list)  # write times not yet delivered
    latencies: list[float] = field(default_factory=list)
    failures: int = 0
    events: int = 0
    retry_at: float = 0.0  # after a failed delivery, as a real outbox, wait before the next

    def write(self, fh, type_: str, **payload) -> None:
        event = {"v": 1, "run": self.run, "seq": self.seq, "type": type_, "ts": time.time()}
        event.update(payload)
        self.seq += 1
        fh.write(codec.encode(event) + "\n")
        fh.flush()
        self.waiting.append(time.monotonic())
        self.events += 1

    def deliver(self, url: str) -> bool:
        started = time.monotonic()
        try:
            deliver_outbox(url, self.directory)
        except KerasProvError:  # the server is down: the journal keeps the events
            self.failures += 1
            self.retry_at = time.monotonic() + RETRY_S
            return False
        done = time.monotonic()
        sent = [t for t in self.waiting if t <= started]
        self.latencies += [done - t for t in sent]
        self.waiting = [t for t in self.waiting if t > started]
        return True

    def train(self, url: str, epoch_s: float, start: threading.Event) -> None:
        start.wait()
        task = f"{self.run}-trainingmodel-1"
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / segment_name(self.run, 0), "a", encoding="utf-8") as fh:
            t0 = time.time()
            self.write(fh, "run_start", dataflow="many", host="sim", pid=os.getpid(),
                       start=t0)
            self.write(fh, "task_start", task=task, transformation="TrainingModel",
                       inputs=["itrainingmodel"], outputs=["otrainingmodel"], start=t0)
            self.write(fh, "rows", task=task, transformation="TrainingModel",
                       set="itrainingmodel", rows=[{"optimizer_name": "Adam",
                                                    "learning_rate": 0.001, "batch_size": 32}])
            for epoch in range(self.epochs):
                time.sleep(epoch_s)  # the epoch's training
                self.write(fh, "rows", task=task, transformation="TrainingModel",
                           set="otrainingmodel", rows=[{
                               "epoch": epoch, "timestamp": time.time(), "elapsed_time": epoch_s,
                               "loss": 1.0 / (epoch + 1), "accuracy": epoch / (epoch + 1.0),
                               "learning_rate": 0.001}])
                if time.monotonic() >= self.retry_at:
                    self.deliver(url)
            self.write(fh, "task_end", task=task, status="finished", end=time.time())
            self.write(fh, "run_end", status="finished", end=time.time())
            fh.write(END_MARK + "\n")
        deadline = time.monotonic() + 120  # the rest, once the server answers again
        while time.monotonic() < deadline:
            if time.monotonic() >= self.retry_at and self.deliver(url) and not self.waiting:
                break
            time.sleep(0.1)


class Server:
    """``kerasprov serve`` on a fixed port, killed with SIGKILL and started again."""

    def __init__(self, store: str, port: int, log: Path):
        self.store, self.port, self.log = store, port, log
        self.url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> float:
        t0 = time.monotonic()
        env = {k: v for k, v in os.environ.items() if k != "KERASPROV_TOKEN"}
        env["PYTHONPATH"] = str(ROOT / "src")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kerasprov", "serve", "--store", self.store, "--port",
             str(self.port)], env=env, stdout=subprocess.DEVNULL,
            stderr=open(self.log, "ab"))  # noqa: SIM115 (the child owns it)
        while time.monotonic() - t0 < 60:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited: " + self.log.read_text()[-2000:])
            try:
                if httpx.get(self.url + "/api/health", timeout=1).is_success:
                    return time.monotonic() - t0
            except httpx.HTTPError:
                time.sleep(0.05)
        raise RuntimeError("server did not start: " + self.log.read_text()[-2000:])

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def check_exactly_once(pg_url: str, trainers: list[Trainer]) -> dict:
    """Every run, task and epoch row stored once; every run's last seq stored."""
    import psycopg
    runs = [t.run for t in trainers]
    with psycopg.connect(pg_url) as con:
        n_exec, n_finished = con.execute(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE status = 'finished') FROM execution "
            "WHERE run_id = ANY(%s)", [runs]).fetchone()
        n_tasks = con.execute("SELECT COUNT(*) FROM task WHERE run_id = ANY(%s)",
                              [runs]).fetchone()[0]
        rows, distinct = con.execute(
            "SELECT COUNT(*), COUNT(DISTINCT (run_id, epoch)) FROM ds_otrainingmodel "
            "WHERE run_id = ANY(%s)", [runs]).fetchone()
        hyper = con.execute("SELECT COUNT(*) FROM ds_itrainingmodel WHERE run_id = ANY(%s)",
                            [runs]).fetchone()[0]
        seqs = dict(con.execute("SELECT run_id, last_seq FROM _run_seq WHERE run_id = ANY(%s)",
                                [runs]).fetchall())
    want_rows = sum(t.epochs for t in trainers)
    return {"runs": n_exec, "finished": n_finished, "tasks": n_tasks, "epoch_rows": rows,
            "distinct_epoch_rows": distinct, "hyperparameter_rows": hyper,
            "ok": (n_exec == n_finished == n_tasks == hyper == len(trainers)
                   and rows == distinct == want_rows
                   and all(seqs.get(t.run) == t.seq - 1 for t in trainers))}


def bench(pg_url: str, trainers: int = 100, epochs: int = 30, epoch_s: float = 0.05,
          kill_at: float | None = 0.5, down_s: float = 1.0, workdir: Path | None = None,
          port: int | None = None) -> dict:
    """Run the load; returns the figures and the exactly-once check."""
    from pg_util import free_port
    work = Path(workdir or tempfile.mkdtemp(prefix="kp-many-"))
    server = Server(pg_url, port or free_port(), work / "serve.log")
    server.start()
    tag = time.strftime("%H%M%S")
    sims = [Trainer(f"many-{tag}-{i:03d}", work / "outbox" / f"t{i:03d}", epochs)
            for i in range(trainers)]
    go = threading.Event()
    threads = [threading.Thread(target=t.train, args=(server.url, epoch_s, go), daemon=True)
               for t in sims]
    for th in threads:
        th.start()
    t0 = time.monotonic()
    go.set()
    restart_s = None
    killed_at = None
    if kill_at is not None:  # when that share of all events is written: mid-load
        total = trainers * (epochs + 5)
        while sum(t.events for t in sims) < kill_at * total and any(
                th.is_alive() for th in threads):
            time.sleep(0.01)
        killed_at = time.monotonic() - t0
        server.kill()
        time.sleep(down_s)
        restart_s = server.start()
    for th in threads:
        th.join(300)
    wall = time.monotonic() - t0
    server.kill()
    latencies = [x for t in sims for x in t.latencies]
    events = sum(t.events for t in sims)
    return {"trainers": trainers, "epochs": epochs, "events": events, "wall_s": wall,
            "events_per_s": events / wall, "p50_s": percentile(latencies, 50),
            "p99_s": percentile(latencies, 99), "max_s": max(latencies, default=float("nan")),
            "delivered": len(latencies), "failed_deliveries": sum(t.failures for t in sims),
            "killed_at_s": killed_at, "restart_s": restart_s,
            "check": check_exactly_once(pg_url, sims)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--trainers", type=int, default=100)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--epoch-s", type=float, default=0.05)
    ap.add_argument("--kill-at", type=float, default=0.5,
                    help="Share of all events written when the server is killed "
                         "(negative: never).")
    ap.add_argument("--pg-url", default=os.environ.get("KERASPROV_TEST_PG_URL"))
    args = ap.parse_args(argv)
    from pg_util import PgServer, new_database
    cluster = None
    admin = args.pg_url
    if admin is None:
        cluster = PgServer().start()
        admin = cluster.url()
        time.sleep(0.5)
    try:
        url = new_database(admin)
        r = bench(url, args.trainers, args.epochs, args.epoch_s,
                  args.kill_at if args.kill_at >= 0 else None)
    finally:
        if cluster is not None:
            cluster.stop()
    print(f"{r['trainers']} trainers x {r['epochs']} epochs: {r['events']} events in "
          f"{r['wall_s']:.1f} s = {r['events_per_s']:.0f} events/s")
    print(f"delivery latency: p50 {r['p50_s'] * 1000:.0f} ms, p99 {r['p99_s'] * 1000:.0f} ms, "
          f"max {r['max_s'] * 1000:.0f} ms over {r['delivered']} events")
    if r["killed_at_s"] is not None:
        print(f"server killed at {r['killed_at_s']:.1f} s, back after "
              f"{r['restart_s']:.1f} s start-up; {r['failed_deliveries']} deliveries failed "
              "and were retried")
    c = r["check"]
    print(f"stored: {c['runs']} runs ({c['finished']} finished), {c['tasks']} tasks, "
          f"{c['epoch_rows']} epoch rows ({c['distinct_epoch_rows']} distinct) -> "
          + ("every event exactly once" if c["ok"] else "MISMATCH"))
    return 0 if c["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
