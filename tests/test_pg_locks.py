"""A long read never stalls ingest or other readers on PostgreSQL (issue 20, items 4 and 6).

Ingest's schema changes (a new metric's ``ALTER TABLE``, the views made again) wait at most
``lock_timeout`` for a table that a long read holds; the batch is rolled back and tried
again later, so readers never queue behind a waiting ``ALTER``, and every event is stored
once the read ends. A person's query runs under ``work_mem`` and ``temp_file_limit``.
"""

from __future__ import annotations

import threading
import time

import psycopg
import pytest
from pg_util import pg_admin_url, pg_url  # noqa: F401  (fixtures)

import kerasprov
from kerasprov.errors import QueryError, StoreBusy
from kerasprov.outbox import codec
from kerasprov.outbox.journal import END_MARK, segment_name
from kerasprov.store.postgres import deliver_journals

EPOCHS = 4
#: A read of ds_otrainingmodel that runs until its timeout cancels it.
LONG_READ = ("SELECT COUNT(*) AS n FROM (SELECT generate_series(1, 100000000000) + o.epoch "
             "AS g FROM ds_otrainingmodel o) s WHERE g > 0")


def _events(run: str, names: list[str], dataflow: str = "locks") -> list[dict]:
    task = f"{run}-trainingmodel-1"
    evs = [{"type": "run_start", "dataflow": dataflow, "host": "h", "pid": 1},
           {"type": "task_start", "task": task, "transformation": "TrainingModel",
            "inputs": ["itrainingmodel"], "outputs": ["otrainingmodel"]}]
    for e in range(EPOCHS):
        evs.append({"type": "rows", "task": task, "transformation": "TrainingModel",
                    "set": "otrainingmodel", "links": {},
                    "rows": [{"epoch": e, "timestamp": 1.7e9 + e,
                              **{n: float(e) for n in names}}]})
    evs += [{"type": "task_end", "task": task, "status": "finished"},
            {"type": "run_end", "status": "finished"}]
    return [{"v": 1, "run": run, "seq": i, "ts": 1.7e9 + i, **ev} for i, ev in enumerate(evs)]


def _journal(directory, run: str, events: list[dict]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / segment_name(run, 0)).write_text(
        "".join(codec.encode(e) + "\n" for e in events) + END_MARK + "\n", encoding="utf-8")


def _long_read_holds_its_lock(url: str) -> bool:
    with psycopg.connect(url, autocommit=True) as con:
        return bool(con.execute(
            "SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE c.relname = 'ds_otrainingmodel' AND l.granted AND l.pid <> "
            "pg_backend_pid()").fetchall())


def test_a_long_read_stalls_neither_ingest_nor_other_readers(pg_url, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("KERASPROV_OUTBOX", str(tmp_path / "outbox"))  # readers ingest nothing
    first = tmp_path / "first"
    _journal(first, "lock-1", _events("lock-1", ["loss"]))
    assert deliver_journals(pg_url, first) > 0
    store = kerasprov.open_store(pg_url)

    long_read: dict = {}

    def read_long():
        t0 = time.monotonic()
        try:
            store.sql(LONG_READ, timeout=45)
            long_read["outcome"] = "answered"
        except QueryError as exc:
            long_read["outcome"] = exc.message
        long_read["ended"] = time.monotonic()
        long_read["took"] = long_read["ended"] - t0

    reader = threading.Thread(target=read_long, daemon=True)
    reader.start()
    deadline = time.monotonic() + 30
    while not _long_read_holds_its_lock(pg_url):
        assert time.monotonic() < deadline and reader.is_alive(), long_read
        time.sleep(0.1)

    # Ingest of runs that add new metric names (each one an ALTER TABLE on the table the
    # long read holds), delivered as a training process does: again until it goes in.
    names = [f"new_metric_{k}" for k in range(3)]
    second = tmp_path / "second"
    for k, name in enumerate(names):
        _journal(second, f"lock-{k + 2}", _events(f"lock-{k + 2}", ["loss", name]))
    busy: list[str] = []
    delivered = threading.Event()

    def ingest():
        while not delivered.is_set():
            try:
                deliver_journals(pg_url, second)
                delivered.set()
            except StoreBusy as exc:
                busy.append(exc.message)
                time.sleep(0.5)

    writer = threading.Thread(target=ingest, daemon=True)
    writer.start()
    time.sleep(1.0)  # the writer is trying its ALTER TABLE now

    # Other readers answer promptly all the while, before the long read ends.
    answered = []
    for _ in range(3):
        for read in (lambda: store.runs(), lambda: store.epochs("lock-1"),
                     lambda: store.sql("SELECT run_id, epoch, loss FROM epochs")):
            t0 = time.monotonic()
            df = read()
            answered.append((time.monotonic() - t0, time.monotonic(), len(df)))
        time.sleep(1.0)
    assert reader.is_alive(), long_read  # all of it happened beside the long read
    assert max(took for took, _, _ in answered) < 5, answered
    assert busy, "ingest should have found the table locked and waited"
    assert not delivered.is_set()

    reader.join(60)
    assert "longer than 45 s" in long_read["outcome"], long_read
    writer.join(60)
    assert delivered.is_set()
    assert all(end < long_read["ended"] for _, end, _ in answered)

    # Every event is stored, once.
    with psycopg.connect(pg_url, autocommit=True) as con:
        got = con.execute("SELECT run_id, COUNT(*), COUNT(DISTINCT epoch) FROM "
                          "ds_otrainingmodel GROUP BY run_id ORDER BY run_id").fetchall()
        seqs = dict(con.execute("SELECT run_id, last_seq FROM _run_seq").fetchall())
        status = dict(con.execute("SELECT run_id, status FROM execution").fetchall())
        cols = {r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'epochs'").fetchall()}
    runs = [f"lock-{k}" for k in range(1, len(names) + 2)]
    assert got == [(r, EPOCHS, EPOCHS) for r in runs]
    assert seqs == {r: EPOCHS + 3 for r in runs}
    assert status == {r: "finished" for r in runs}
    assert set(names) <= cols


def test_sandboxed_sql_runs_under_memory_and_temp_bounds(pg_url, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("KERASPROV_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.setenv("KERASPROV_SQL_WORK_MEM", "64kB")
    monkeypatch.setenv("KERASPROV_SQL_TEMP_LIMIT", "1MB")
    first = tmp_path / "first"
    _journal(first, "mem-1", _events("mem-1", ["loss"]))
    deliver_journals(pg_url, first)
    store = kerasprov.open_store(pg_url)
    # A sort that spills far past 1 MB of temporary files: one clear error.
    with pytest.raises(QueryError) as caught:
        store.sql("SELECT g FROM generate_series(1, 3000000) g ORDER BY g DESC", limit=1)
    msg = caught.value.message
    assert "temp_file_limit" in msg and "KERASPROV_SQL_TEMP_LIMIT" in msg and "\n" not in msg
    # The bounds hold for the query only: a small one answers, and the session is unchanged.
    assert list(store.sql("SELECT COUNT(*) AS n FROM epochs")["n"]) == [EPOCHS]
    monkeypatch.setenv("KERASPROV_SQL_TEMP_LIMIT", "1GB")
    assert len(store.sql("SELECT g FROM generate_series(1, 300000) g ORDER BY g DESC",
                         limit=5)) == 5
