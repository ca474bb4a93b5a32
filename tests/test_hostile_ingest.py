"""Issue #11 (4-7): ingest holds against hostile events, bad batches and broken stores.

One test per class of attack, several inputs each (the issue's and our own), on DuckDB and
on a real PostgreSQL where the class applies:

- retyping kerasprov's own columns (``epoch`` = "zero", ...), and user attributes widening
  only their own column;
- bad shapes for every field of every event type (refused with the field's path);
- huge, NaN, text and out-of-range times; 400-digit integers; lone surrogates;
- thousands of columns; absurd ``seq``; events of runs that never started;
- a bad batch among concurrent good ones (real HTTP, real app): only it fails;
- journals holding forged lines: the store stays readable and keeps the good lines;
- read-only, file-as-store, unreadable and newer-schema stores: one line, exit status 2.
"""

from __future__ import annotations

import concurrent.futures
import json
import math
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pg_util import free_port, pg_admin_url, pg_url, unit  # noqa: F401  (fixtures)

from kerasprov.errors import BadStore, InvalidEvent
from kerasprov.outbox import codec, events
from kerasprov.outbox.events import MAX_ATTRIBUTES
from kerasprov.outbox.journal import END_MARK, segment_name
from kerasprov.store.backend import DuckDBBackend
from kerasprov.store.ingest import MAX_SEQ_JUMP, MAX_SET_COLUMNS, Ingestor, ensure_schema

TOKEN = "hostile-t0ken"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
FIXED = {n: k for n, k in events.BUILTIN_TYPES.items() if k != "text"}


# -- helpers ----------------------------------------------------------------------------------
def _run(run, epochs=3, set_tag="otrainingmodel", end=True, extra=None):
    """A complete, valid run: start, training task, one rows event per epoch, end."""
    task = f"{run}-trainingmodel-1"
    evs = [{"type": "run_start", "dataflow": "hostile", "host": "h", "pid": 1},
           {"type": "task_start", "task": task, "transformation": "TrainingModel",
            "inputs": ["itrainingmodel"], "outputs": [set_tag]}]
    for e in range(epochs):
        evs.append({"type": "rows", "task": task, "transformation": "TrainingModel",
                    "set": set_tag, "links": {},
                    "rows": [{"epoch": e, "loss": 1.0 / (e + 1), "timestamp": 1.7e9 + e,
                              **(extra or {})}]})
    if end:
        evs += [{"type": "task_end", "task": task, "status": "finished"},
                {"type": "run_end", "status": "finished"}]
    return [{"v": 1, "run": run, "seq": i, "ts": 1.7e9 + i, **ev} for i, ev in enumerate(evs)]


def _rows_event(run, seq, rows, set_tag="otrainingmodel", **kw):
    return {"v": 1, "run": run, "seq": seq, "type": "rows", "ts": 1.7e9,
            "task": f"{run}-trainingmodel-1", "transformation": "TrainingModel",
            "set": set_tag, "rows": rows, **kw}


def _types(be):
    return dict(((s, n), t) for s, n, t in be.fetchall(
        "SELECT data_set_tag, name, type FROM attribute"))


def _refused(event, field):
    """``event`` is refused by the schema, naming ``field`` (or a part of it)."""
    with pytest.raises(InvalidEvent) as caught:
        codec.validate(event)
    got = caught.value.details.get("field")
    assert got == field or got.startswith((field + "[", field + ".")), \
        (caught.value.message, field)
    assert got in caught.value.message, caught.value.message
    return caught.value.message


# -- 4: kerasprov's own columns keep their types ------------------------------------------------
BAD_FOR = {
    "integer": ["zero", "1", 1.5, True, [1], {"a": 1}, 2**64, -(2**63) - 1, math.nan],
    "real": ["0.01", True, [0.1], {"lr": 0.1}, "nan"],
    "timestamp": ["yesterday", "2024-01-01T00:00:00", True, [1.7e9], {"t": 1}],
}


def test_builtin_columns_cannot_be_retyped(unit):
    with unit() as be:
        ing = Ingestor(be)
        ing.apply(_run("r0"))
        before = _types(be)
        seq = 100
        for name, kind in FIXED.items():
            for set_tag in ("otrainingmodel", "itrainingmodel", "oadaptation", "myset"):
                for bad in BAD_FOR[kind]:
                    row = {"epoch": 1, name: bad} if name != "epoch" else {name: bad}
                    for rows in ([row], {"columns": {k: [v] for k, v in row.items()}}):
                        ev = _rows_event("r0", seq, rows, set_tag=set_tag)
                        path = f"rows[0].{name}" if isinstance(rows, list) else \
                            f"rows.columns.{name}[0]"
                        _refused(ev, path)
                        # Ingest refuses it too when called without validation.
                        with pytest.raises(InvalidEvent, match=name):
                            ing.apply([ev])
        assert _types(be) == before
        assert before[("otrainingmodel", "epoch")] == "integer"
        # Valid values of every kind keep the types (ints in a real column stay real).
        ing.apply([_rows_event("r0", 200, [{"epoch": 5, "learning_rate": 1, "decay": None,
                                            "momentum": math.nan, "timestamp": 1e300}])])
        after = _types(be)
        assert {k: after[k] for k in before} == before
        assert after[("otrainingmodel", "decay")] == after[("otrainingmodel", "momentum")] \
            == "real"
        # The epochs still sort as numbers, and the runs view reads the last one.
        epochs = [r[0] for r in be.fetchall(
            "SELECT epoch FROM ds_otrainingmodel WHERE run_id = 'r0' ORDER BY epoch")]
        assert epochs == [0, 1, 2, 5]
        assert be.fetchall("SELECT epochs FROM runs WHERE run_id = 'r0'") == [(4,)]


def test_a_user_attribute_widens_only_its_own_column(unit):
    with unit() as be:
        ing = Ingestor(be)
        ing.apply(_run("u1", extra={"m": 1, "k": 2}))
        before = _types(be)
        assert before[("otrainingmodel", "m")] == "integer"
        steps = [(1.5, "real"), ("now text", "text"), (7, "text")]
        for i, (value, typ) in enumerate(steps):
            ing.apply([_rows_event("u1", 10 + i, [{"epoch": 10 + i, "m": value}])])
            after = _types(be)
            assert after.pop(("otrainingmodel", "m")) == typ
            assert after == {k: v for k, v in before.items() if k != ("otrainingmodel", "m")}
        # Names that differ from ours only by case are user attributes with their own
        # columns: "Epoch" never takes (or retypes) the column "epoch".
        ing.apply([_rows_event("u1", 20, [{"Epoch": "zero", "TIMESTAMP": "x",
                                           "Learning_Rate": [1]}], set_tag="fresh")])
        cols = dict(be.fetchall("SELECT name, column_name FROM attribute "
                                "WHERE data_set_tag = 'fresh'"))
        assert cols == {"Epoch": "epoch_attr", "TIMESTAMP": "timestamp_attr",
                        "Learning_Rate": "learning_rate_attr"}
        assert _types(be)[("otrainingmodel", "epoch")] == "integer"


# -- 6: bad shapes, every field --------------------------------------------------------------
def _ok():
    run = "20261127000000-0badf00d"
    task = f"{run}-trainingmodel-1"
    env = {"v": 1, "run": run, "seq": 3, "ts": 1.7e9}
    return {
        "run_start": {**env, "type": "run_start", "dataflow": "df", "start": 1.7e9,
                      "host": "h", "user": "u", "pid": 12, "script": "/s.py",
                      "command": "python s.py", "keras_version": "3", "backend": "torch",
                      "environment": {"os": "linux"}},
        "run_end": {**env, "type": "run_end", "status": "finished", "error": None,
                    "end": 1.7e9},
        "task_start": {**env, "type": "task_start", "task": task,
                       "transformation": "TrainingModel", "inputs": ["itrainingmodel"],
                       "outputs": ["otrainingmodel"], "informed_by": None, "start": 1.7e9},
        "task_end": {**env, "type": "task_end", "task": task, "status": "failed",
                     "error": "boom", "end": 1.7e9, "run_status": False},
        "rows": {**env, "type": "rows", "task": task, "transformation": "TrainingModel",
                 "set": "otrainingmodel", "links": {"trainingmodel_task_id": task},
                 "rows": [{"epoch": 1, "loss": 0.5}]},
        "file": {**env, "type": "file", "task": task, "path": "/m.keras", "role": "generated",
                 "kind": "model", "size": 10, "sha256": "a" * 64, "epoch": 1, "time": 1.7e9},
        "heartbeat": {**env, "type": "heartbeat"},
    }


# (event type, field, bad values): each must be refused naming the field.
BAD_FIELDS = [
    ("heartbeat", "run", ["", "x" * 65, "a/b", "../etc", "r\nx", 5, None, ["r"], "rün"]),
    ("heartbeat", "seq", [-1, 2**53 + 1, 1.0, "1", True, None, 10**400]),
    ("heartbeat", "v", [2, 0, "1", 1.0, True]),
    ("heartbeat", "ts", [math.nan, math.inf, -math.inf, "now", 1e20, -1, True, [1.7e9],
                         7_258_118_401]),
    ("run_start", "dataflow", ["", "1abc", "a b", "a" * 42, "ds;drop", 3, None]),
    ("run_start", "start", [math.nan, "2024", 1e12, -5]),
    ("run_start", "pid", [-1, 2**40, "12", 1.5]),
    ("run_start", "host", [5, "h" * 1001, ["h"]]),
    ("run_start", "environment", [[1, 2], "linux", 5]),
    ("run_end", "status", ["", "FINISHED", "done!", "x" * 33, 0, None]),
    ("run_end", "error", [5, ["e"], "e" * 100_001]),
    ("run_end", "end", [math.nan, "later", 1e15]),
    ("task_start", "task", ["", "t" * 201, "a b", 7, None]),
    ("task_start", "transformation", ["", "Train-Model", "9x", None, {"t": 1}]),
    ("task_start", "inputs", [5, "itrainingmodel", {"a": 1}, [5], ["a b"], ["x"] * 1001]),
    ("task_start", "outputs", [5, [None], ["ds.x"]]),
    ("task_start", "informed_by", [5, "a b", ["t"]]),
    ("task_end", "run_status", ["yes", 1, [True]]),
    ("task_end", "status", ["", 5]),
    ("rows", "set", ["", "a-b", "x" * 61, "1set", 5, None]),
    ("rows", "transformation", ["a b", 5]),
    ("rows", "links", [[1, 2], "t", 5, {"epoch": "t"}, {"trainingmodel_task_id": 5},
                       {"trainingmodel_task_id": ["t"]},
                       {f"t{i}_task_id": "t" for i in range(17)}]),
    ("rows", "rows", ["rows", 5, None, {"cols": {"a": [1]}}, {"columns": {"a": [1]}, "x": 1}]),
    ("rows", "rows[0]", [[1], [[1]], ["r"], [None]]),
    ("rows", "rows.columns", [{"columns": [1]}, {"columns": {"a": [1], "b": [1, 2]}}]),
    ("file", "path", [None, 5, "p" * 100_001]),
    ("file", "role", ["deleted", "", None, 1]),
    ("file", "size", [-1, 2**63, "10", 1.5]),
    ("file", "sha256", ["abc", "A" * 64, 5, "g" * 64]),
    ("file", "epoch", [-1, "1", 1.5]),
    ("file", "time", [math.nan, "t", -1]),
]


@pytest.mark.parametrize("kind,field,bad", BAD_FIELDS, ids=[f"{k}.{f}" for k, f, _ in BAD_FIELDS])
def test_bad_shapes_are_refused_with_the_field_path(kind, field, bad):
    good = _ok()[kind]
    codec.validate(good)  # the reference event is valid
    for value in bad:
        ev = dict(good)
        if field.startswith("rows") and field != "rows":
            ev["rows"] = value
        else:
            ev[field] = value
        message = _refused(ev, field.split(".")[0] if field == "rows.columns" and
                           isinstance(value.get("columns"), list) else field)
        assert len(message) < 400, message  # one readable line, not a dump


def test_missing_and_unknown_are_named():
    for kind, good in _ok().items():
        for key in codec.EVENT_TYPES[kind] + ("run", "seq"):
            ev = {k: v for k, v in good.items() if k != key}
            with pytest.raises(InvalidEvent, match=f"lacks {key}"):
                codec.validate(ev)
    for bad in ("explode", "", 5, None, "Run_Start"):
        with pytest.raises(InvalidEvent, match="type"):
            codec.validate({"v": 1, "run": "r", "seq": 0, "type": bad})
    for line in ("[1, 2]", '"event"', "5", "null", "{", '{"run": "r"}'):
        with pytest.raises(InvalidEvent):
            codec.decode(line)


def test_extra_fields_and_nan_metrics_are_kept():
    ev = _ok()["rows"]
    ev["rows"] = [{"epoch": 1, "loss": math.nan, "acc": math.inf, "n": -math.inf,
                   "nested": {"k": [math.nan, 1]}}]
    ev["from_a_newer_client"] = {"anything": [1, 2]}
    back = codec.decode(codec.encode(ev))
    assert back["from_a_newer_client"] == {"anything": [1, 2]}
    assert math.isnan(back["rows"][0]["loss"]) and back["rows"][0]["acc"] == math.inf


# -- 6: numbers and text that cannot be stored as given ---------------------------------------
def test_huge_integers_are_text_or_refused(unit):
    big = "1" * 400
    huge = "9" * 5000  # beyond Python's int-from-text limit: no crash either
    for digits in (big, huge, "-" + big):
        # In seq, ts, epoch: refused as text, naming the field.
        for field, line in (
                ("seq", f'{{"v":1,"run":"r","seq":{digits},"type":"heartbeat"}}'),
                ("ts", f'{{"v":1,"run":"r","seq":1,"type":"heartbeat","ts":{digits}}}'),
                ("rows[0].epoch", f'{{"v":1,"run":"r","seq":1,"type":"rows","task":"t",'
                                  f'"set":"s","rows":[{{"epoch":{digits}}}]}}')):
            with pytest.raises(InvalidEvent) as caught:
                codec.decode(line)
            assert caught.value.details["field"] == field
            assert "digits" in caught.value.message or "..." in caught.value.message
    # As a user attribute: kept, as its decimal text, in a column of its own.
    evs = _run("h1", epochs=1)
    line = codec.encode(_rows_event("h1", len(evs), [{"epoch": 1, "seed": 0, "ok": 2}]))
    line = line.replace('"seed":0', f'"seed":{big}').replace('"ok":2', f'"ok":{2**70}')
    with unit() as be:
        Ingestor(be).apply(evs + [codec.decode(line)])
        got = be.fetchall("SELECT seed, ok FROM ds_otrainingmodel WHERE epoch = 1")
        types = _types(be)
    assert got == [(big, float(2**70))]
    assert types[("otrainingmodel", "seed")] == "text" and \
        types[("otrainingmodel", "ok")] == "real"
    assert types[("otrainingmodel", "epoch")] == "integer"


def test_lone_surrogates_are_stored_as_text_escapes(unit, tmp_path):
    """The journal writer writes a lone surrogate as the text \\udcff; an HTTP body or a
    journal line holding one as a JSON escape, or raw, is stored the same way."""
    from kerasprov.server.api import parse_events
    evs = _run("s1", epochs=0, end=False)
    row = {"epoch": 0, "path": "file\udcff.npz", "na\udc80me": 1, "pair": "😀"}
    ev = _rows_event("s1", 2, [row])
    as_escapes = json.dumps(ev).replace("\\ud83d\\ude00", "\\ud83d\\ude00")  # ASCII JSON
    raw = codec.encode(ev)  # ensure_ascii=False: the lone surrogates stay raw in the str
    (from_http,), _ = parse_events(json.dumps({"events": [ev]}).encode())
    decoded = [codec.decode(as_escapes), codec.decode(raw), codec.decode(as_escapes.encode()),
               from_http]
    for d in decoded:
        assert d["rows"][0] == {"epoch": 0, "path": "file\\udcff.npz", "na\\udc80me": 1,
                                "pair": "😀"}
    with unit() as be:
        Ingestor(be).apply(evs + [decoded[0]])
        col = be.fetchall("SELECT column_name FROM attribute WHERE name = ?",
                          ["na\\udc80me"])[0][0]
        got = be.fetchall(f'SELECT path, "{col}", pair FROM ds_otrainingmodel')
    assert got == [("file\\udcff.npz", 1, "😀")]
    # The run id, set and tags cannot hold one at all: refused, naming the field.
    for field, value in (("run", "r\udcff"), ("set", "s\udcff"), ("task", "t\udcff")):
        with pytest.raises(InvalidEvent, match=field):
            codec.decode(codec.encode({**ev, field: value}))


# -- 6: width ---------------------------------------------------------------------------------
def test_thousands_of_columns_are_refused_quickly(unit):
    for n in (MAX_ATTRIBUTES + 1, 50_000):
        row = {f"c{i}": float(i) for i in range(n)}
        for rows in ([row], [{"a": 1}] + [{f"d{i}": 1} for i in range(n)],
                     {"columns": {k: [v] for k, v in row.items()}}):
            t0 = time.perf_counter()
            with pytest.raises(InvalidEvent, match=f"at most {MAX_ATTRIBUTES}"):
                codec.validate(_rows_event("w", 1, rows))
            assert time.perf_counter() - t0 < 2.0
    for name in ("n" * 10_001,):
        with pytest.raises(InvalidEvent, match="longer than"):
            codec.validate(_rows_event("w", 1, [{name: 1}]))
    with unit() as be:
        ing = Ingestor(be)
        base = _run("w1", epochs=0, end=False)
        t0 = time.perf_counter()
        first = _rows_event("w1", 2, [{f"a{i}": float(i) for i in range(600)}], set_tag="wide")
        ing.apply(base + [codec.validate(first)])
        spent = time.perf_counter() - t0
        # Past the set's columns, attributes are rows of extra_value: nothing is refused for
        # its width, in a journal or in a strict (HTTP) batch.
        more = _rows_event("w1", 3, [{f"b{i}": 1 for i in range(600)}], set_tag="wide")
        fine = _rows_event("w1", 4, [{"a1": 5.0}], set_tag="wide")
        result = ing.apply([more, fine])
        assert result.refused == []
        ing.apply([{**more, "seq": 5}], strict=True)
        n_attrs = be.fetchall("SELECT COUNT(*) FROM attribute WHERE data_set_tag = 'wide'")
        stored = be.fetchall('SELECT COUNT(*) FROM ds_wide')
        extra = be.fetchall("SELECT COUNT(DISTINCT name), COUNT(*) FROM extra_value "
                            "WHERE data_set_tag = 'wide'")
        b599 = be.fetchall("SELECT row_no, value FROM extra_value WHERE name = 'b599' "
                           "ORDER BY row_no")
    assert n_attrs == [(MAX_SET_COLUMNS,)] and stored == [(4,)]
    assert extra == [(600 - MAX_SET_COLUMNS + 600, 600 - MAX_SET_COLUMNS + 600 * 2)]
    assert b599 == [(1, 1.0), (3, 1.0)]
    assert spent < 30, spent  # the 63 s of the issue came from 5,000 columns


# -- 5: journals that hold forged lines ---------------------------------------------------------
def _journal(store: Path, run: str, lines: list[str], ended=True):
    d = store / "journals"
    d.mkdir(parents=True, exist_ok=True)
    (d / segment_name(run, 0)).write_text("\n".join(lines + ([END_MARK] if ended else []))
                                          + "\n")


def _cli(*args, cwd=None, prefix=()):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.run([*prefix, sys.executable, "-m", "kerasprov", *args],
                          capture_output=True, text=True, timeout=120, env=env, cwd=cwd)


def test_forged_journal_lines_never_block_the_store(tmp_path):
    import kerasprov
    store = tmp_path / "store"
    good = _run("20261127000000-00000001", epochs=10)
    lines = [codec.encode(e) for e in good]
    run = good[0]["run"]
    forged = [
        dict(good[4], links=[1, 2]), dict(good[4], links={"epoch": "x"}),
        dict(good[4], inputs=5), dict(good[4], ts=math.nan), dict(good[4], ts="now"),
        dict(good[4], rows=[{"epoch": "zero"}]), dict(good[4], rows=[{"epoch": 2**70}]),
        dict(good[4], set="../../x"),
        # well formed, but a seq far beyond the run's next: refused, not taken as a gap
        dict(good[4], seq=good[4]["seq"] + MAX_SEQ_JUMP + 2),
        dict(good[4], seq=2**53), dict(good[4], seq=10**12),
    ]
    lines = lines[:5] + [codec.encode(f) for f in forged] + ["{not json", "[1,2]"] + lines[5:]
    _journal(store, run, lines)
    # events of a run that never started, and of one whose run_start was forged away
    orphan = _run("20261127000000-00000002", epochs=2)[1:]
    _journal(store, orphan[0]["run"], [codec.encode(e) for e in orphan])
    other = _run("20261127000000-00000003", epochs=2)
    _journal(store, other[0]["run"], [codec.encode(e) for e in other])
    s = kerasprov.open_store(store)
    runs = s.runs()
    assert sorted(runs["run_id"]) == [run, other[0]["run"]]
    mine = runs.set_index("run_id").loc[run]
    assert mine["status"] == "finished" and mine["epochs"] == 10
    assert s.epochs(run)["epoch"].tolist() == list(range(10))
    assert s.sql("SELECT type FROM attribute WHERE data_set_tag = 'otrainingmodel' AND "
                 "name = 'epoch'")["type"].tolist() == ["integer"]
    # The CLI reads it, again and again.
    for _ in range(2):
        out = _cli("runs", "--store", str(store), "--format", "json")
        assert out.returncode == 0, out.stderr
        assert len(json.loads(out.stdout)) == 2


# -- 6: a bad batch fails alone, under concurrency, over real HTTP ---------------------------------
class App:
    """The real app (create_app, as ``kerasprov serve`` builds it) on a real uvicorn socket."""

    def __init__(self, store: str):
        import uvicorn

        from kerasprov.server.app import create_app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(create_app(store, token=TOKEN, ingest=True),
                                                    host="127.0.0.1", port=self.port,
                                                    log_level="error"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> App:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline and self.thread.is_alive()
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(30)

    def post(self, evs):
        return httpx.post(self.url + "/api/events", content=codec.encode({"events": evs}),
                          headers={**AUTH, "content-type": "application/json"}, timeout=120)


def _bad_batches(i, wide_ok):
    """Batches that must fail, each for another reason, with the status it must get."""
    def ok(k):
        return _run(f"bad{i:04d}{k}", epochs=1)

    out = [
        ([dict(ok(0)[0], ts=math.nan)] + ok(0)[1:], 422),  # refused before queueing
        (ok(1)[:2] + [dict(ok(1)[2], rows=[{"epoch": "zero"}])], 422),
        (ok(2)[:2] + [dict(ok(2)[2], links=[1, 2])], 422),
        ([dict(e, seq=e["seq"] + 5) for e in ok(3)], 409),  # a gap: refused by the store
        ([dict(e, seq=n) for n, e in enumerate(ok(4)[1:])], 422),  # no run_start: the store
    ]
    if wide_ok:  # the set "wide" holds 1000 attributes already: 1 more is stored all the same
        run = f"bad{i:04d}5"
        out.append((ok(5)[:2] + [_rows_event(run, 2, [{"one_too_many": 1}], set_tag="wide")],
                    200))
    return out


def _storm(app, rounds, extra_bad=()):
    """Rounds of 6 valid batches sent at once beside the bad ones; returns valid run ids."""
    valid = []
    pool = concurrent.futures.ThreadPoolExecutor(16)
    try:
        for r in range(rounds):
            good = [_run(f"good{r:02d}{k}", epochs=3) for k in range(6)]
            bad = _bad_batches(r, wide_ok=True) + [(b(r), s) for b, s in extra_bad]
            jobs = [(evs, 200) for evs in good] + bad
            order = sorted(range(len(jobs)), key=lambda j: (j * 7919 + r) % len(jobs))
            futs = {pool.submit(app.post, jobs[j][0]): jobs[j][1] for j in order}
            for fut, want in futs.items():
                resp = fut.result()
                assert resp.status_code == want, (want, resp.text[:300])
                if want != 200:
                    assert resp.json()["ok"] is False
            valid += [g[0]["run"] for g in good]
    finally:
        pool.shutdown()
    return valid


def _prepare_wide(app):
    base = _run("widebase", epochs=0, end=False)
    row = {f"w{i}": 1 for i in range(1000)}
    assert app.post(base + [_rows_event("widebase", 2, [row], set_tag="wide")]).status_code \
        == 200


def test_a_bad_batch_fails_alone_duckdb(tmp_path):
    store = str(tmp_path / "store")
    with App(store) as app:
        _prepare_wide(app)
        valid = _storm(app, rounds=4)
        rows = httpx.post(app.url + "/api/sql", headers=AUTH, timeout=60, json={
            "sql": "SELECT run_id, status, epochs FROM runs WHERE run_id LIKE 'good%'"}).json()
    got = {r["run_id"]: (r["status"], r["epochs"]) for r in rows["rows"]}
    assert got == {run: ("finished", 3) for run in valid}


def test_a_bad_batch_fails_alone_postgres(pg_url):  # noqa: F811
    import secrets

    def too_big(r):  # passes the schema; PostgreSQL refuses the name (too long for its index)
        run = f"big{r:04d}"
        row = {secrets.token_hex(3000): 1}
        return _run(run, epochs=0, end=False) + [_rows_event(run, 2, [row], set_tag="big")]

    with App(pg_url) as app:
        _prepare_wide(app)
        valid = _storm(app, rounds=2, extra_bad=[(too_big, 422)])
        rows = httpx.post(app.url + "/api/sql", headers=AUTH, timeout=60, json={
            "sql": "SELECT run_id, status, epochs FROM runs WHERE run_id LIKE 'good%'"}).json()
    got = {r["run_id"]: (r["status"], r["epochs"]) for r in rows["rows"]}
    assert got == {run: ("finished", 3) for run in valid}


def test_http_refusals_name_the_field(tmp_path):
    with App(str(tmp_path / "store")) as app:
        ok = _run("f1", epochs=1)
        cases = [
            (3, dict(ok[3], ts="now"), "ts"), (2, dict(ok[2], rows=[{"epoch": "zero"}]),
                                               "rows[0].epoch"),
            (2, dict(ok[2], links=[1, 2]), "links"), (1, dict(ok[1], inputs=5), "inputs"),
            (0, dict(ok[0], start=1e20), "start"), (4, dict(ok[4], seq=2**60), "seq"),
        ]
        for i, bad, field in cases:
            evs = list(ok)
            evs[i] = bad
            resp = app.post(evs)
            assert resp.status_code == 422, resp.text
            body = resp.json()
            assert body["field"] == field and body["index"] == i, body
            assert f"event {i}:" in body["error"] and field in body["error"]
        body = '{"events": [' + codec.encode(ok[0]).replace('"pid":1', '"pid":' + "7" * 400) \
            + "]}"
        resp = httpx.post(app.url + "/api/events", content=body, timeout=30,
                          headers={**AUTH, "content-type": "application/json"})
        assert resp.status_code == 422 and resp.json()["field"] == "pid", resp.text
        assert app.post(ok).status_code == 200


# -- 5: ingest never raises on a validated event (hypothesis over the schema) ---------------------
_names = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,8}", fullmatch=True)
_text = st.text(max_size=20) | st.sampled_from(["a\udcffb", "x\x00y", "😀", "", "'\";--"])
_user_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | _text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
    max_leaves=6)
_fixed_values = {
    "integer": st.none() | st.integers(-(2**63), 2**63 - 1),
    "real": st.none() | st.floats() | st.integers(-(2**60), 2**60),
    "timestamp": st.none() | st.floats() | st.integers(-(2**60), 2**60),
    "text": _user_values,
}
_attr = (st.text(max_size=12) | st.sampled_from(["Epoch", "run_id", "x_task_id", "", " ",
                                                 "a.b", "timestamp_attr", "select"])
         ).filter(lambda n: n not in events.BUILTIN_TYPES)


@st.composite
def _row(draw):
    row = draw(st.dictionaries(_attr, _user_values, max_size=5))
    for name in draw(st.lists(st.sampled_from(sorted(events.BUILTIN_TYPES)), max_size=3)):
        row[name] = draw(_fixed_values[events.BUILTIN_TYPES[name]])
    return row


_seconds = st.none() | st.floats(0, 7_258_118_400)


@st.composite
def _event(draw, run, seq, tasks):
    kind = draw(st.sampled_from(["run_start", "run_end", "task_start", "task_end", "rows",
                                 "rows", "rows", "file", "heartbeat"]))
    ev = {"v": 1, "run": run, "seq": seq, "type": kind, "ts": draw(st.floats(0, 4e9))}
    task = draw(st.sampled_from(tasks))
    if kind == "run_start":
        ev.update(dataflow=draw(_names), start=draw(_seconds), host=draw(st.none() | _text),
                  pid=draw(st.none() | st.integers(0, 2**32)),
                  environment=draw(st.none() | st.dictionaries(_text, _user_values,
                                                               max_size=2)))
    elif kind in ("run_end", "task_end"):
        ev.update(status=draw(st.sampled_from(["finished", "failed", "crashed", "weird_x"])),
                  error=draw(st.none() | _text), end=draw(_seconds))
        if kind == "task_end":
            ev.update(task=task, run_status=draw(st.none() | st.booleans()))
    elif kind == "task_start":
        ev.update(task=task, transformation=draw(_names),
                  inputs=draw(st.lists(_names, max_size=3)),
                  outputs=draw(st.none() | st.lists(_names, max_size=3)),
                  informed_by=draw(st.none() | st.sampled_from(tasks)))
    elif kind == "rows":
        rows = draw(st.lists(_row(), max_size=4))
        if draw(st.booleans()) and rows:
            names = list(dict.fromkeys(n for r in rows for n in r))
            rows = {"columns": {n: [r.get(n) for r in rows] for n in names}}
        ev.update(task=task, set=draw(st.sampled_from(["otrainingmodel", "itrainingmodel",
                                                       "oadaptation", "Mine", "s2"])),
                  transformation=draw(st.none() | _names), rows=rows,
                  links=draw(st.none() | st.dictionaries(
                      st.sampled_from(["trainingmodel_task_id", "x_task_id"]),
                      st.none() | st.sampled_from(tasks), max_size=2)))
    elif kind == "file":
        ev.update(task=draw(st.none() | st.just(task)), path=draw(_text),
                  role=draw(st.sampled_from(["used", "generated"])),
                  size=draw(st.none() | st.integers(0, 2**63 - 1)),
                  sha256=draw(st.none() | st.just("0" * 64)),
                  epoch=draw(st.none() | st.integers(0, 2**63 - 1)), time=draw(_seconds))
    return ev


@st.composite
def _batch(draw):
    n = next(_counter)
    runs = [f"fz{n}a", f"fz{n}b"]
    tasks = [f"{runs[0]}-t-1", f"{runs[0]}-t-2", f"{runs[1]}-t-1"]
    out, seqs = [], {r: 0 for r in runs}
    for _ in range(draw(st.integers(1, 12))):
        run = draw(st.sampled_from(runs))
        if seqs[run] == 0 and draw(st.integers(0, 9)) > 0:  # else: a run that never started
            ev = {"v": 1, "run": run, "seq": 0, "type": "run_start", "ts": 1.0,
                  "dataflow": draw(_names)}
        else:
            ev = draw(_event(run, seqs[run], tasks))
        seqs[run] += draw(st.sampled_from([1, 1, 1, 2]))
        out.append(ev)
    return out


_counter = iter(range(10**9))


@pytest.fixture(scope="module")
def memory_backend():
    be = DuckDBBackend(duckdb.connect())
    ensure_schema(be)
    yield be
    be.close()


def _fuzz(be, batch):
    # As every real path does: JSON text, decoded (lone surrogates become text escapes).
    decoded = [codec.decode(codec.encode(e)) for e in batch]
    half = len(decoded) // 2
    ing = Ingestor(be)
    result = ing.apply(decoded[:half])
    result2 = ing.apply(decoded[half:])
    for r in result.refused + result2.refused:
        assert "run_start" in r.reason or "attributes" in r.reason, r.reason
    be.fetchall("SELECT * FROM runs")
    be.fetchall("SELECT * FROM epochs")


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(batch=_batch())
def test_ingest_never_raises_on_a_valid_event_duckdb(memory_backend, batch):
    _fuzz(memory_backend, batch)


@pytest.fixture(scope="module")
def pg_backend(pg_admin_url):  # noqa: F811
    from pg_util import new_database

    from kerasprov.store.postgres import PostgresStore
    with PostgresStore(new_database(pg_admin_url)).unit(ingest=False) as be:
        yield be


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(batch=_batch())
def test_ingest_never_raises_on_a_valid_event_postgres(pg_backend, batch):
    _fuzz(pg_backend, batch)


# -- 7: read-only and broken stores --------------------------------------------------------------
def _store_with_a_run(path: Path) -> str:
    import kerasprov
    evs = _run("20261127000000-0000ro01", epochs=4)
    _journal(path, evs[0]["run"], [codec.encode(e) for e in evs])
    assert kerasprov.open_store(path).runs()["epochs"].tolist() == [4]
    return evs[0]["run"]


def _read_only(path: Path):
    """A command prefix that runs a command with ``path`` read-only: a read-only bind mount
    in a private mount namespace as root (root ignores file modes), or modes otherwise."""
    if os.geteuid() != 0:
        for p in [path, *path.rglob("*")]:
            p.chmod(p.stat().st_mode & ~0o222)
        return (), None
    if not shutil.which("unshare"):
        pytest.skip("needs unshare(1) to mount the store read-only as root")
    probe = subprocess.run(["unshare", "-m", "sh", "-c", f"mount --bind {path} {path} && "
                            f"mount -o remount,bind,ro {path} && ! touch {path}/x"],
                           capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot make a read-only mount here: {probe.stderr.decode()[:200]}")
    script = f"mount --bind {path} {path} && mount -o remount,bind,ro {path} && exec \"$@\""
    return ("unshare", "-m", "sh", "-c", script, "sh"), None


def test_a_read_only_store_is_read(tmp_path):
    store = tmp_path / "ro"
    run = _store_with_a_run(store)
    waiting = _run("20261127000000-0000ro02", epochs=1)
    _journal(store, waiting[0]["run"], [codec.encode(e) for e in waiting])
    before = sorted(p.name for p in store.rglob("*"))
    prefix, _ = _read_only(store)
    for args in (("runs", "--store", str(store), "--format", "json"),
                 ("sql", "SELECT epoch FROM epochs ORDER BY epoch", "--store", str(store),
                  "--format", "json")):
        out = _cli(*args, prefix=prefix)
        assert out.returncode == 0, out.stderr
        assert "Traceback" not in out.stderr
        notes = [line for line in out.stderr.splitlines() if line.strip()]
        assert len(notes) == 1 and "read-only" in notes[0] and notes[0].startswith("Note:"), \
            out.stderr
        data = json.loads(out.stdout)
        if args[0] == "runs":  # the stored run answers; the waiting journal is not ingested
            assert [r["run_id"] for r in data] == [run] and data[0]["epochs"] == 4
        else:
            assert [r["epoch"] for r in data] == [0, 1, 2, 3]
    # Writing to it is refused in one line (exit 2), not with a traceback.
    out = _cli("sync", "--store", str(store), prefix=prefix)
    assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr
    assert out.stderr.strip().splitlines()[-1].startswith("Error: the store") and \
        "read-only" in out.stderr
    assert sorted(p.name for p in store.rglob("*")) == before


def test_broken_stores_give_one_line_and_exit_2(tmp_path):
    a_file = tmp_path / "afile"
    a_file.write_text("not a store")
    garbage = tmp_path / "garbage"
    garbage.mkdir()
    (garbage / "provenance.duckdb").write_bytes(os.urandom(8192))
    db_dir = tmp_path / "dbdir"
    (db_dir / "provenance.duckdb").mkdir(parents=True)
    newer = tmp_path / "newer"
    _store_with_a_run(newer)
    con = duckdb.connect(str(newer / "provenance.duckdb"))
    con.execute("INSERT INTO _migrations VALUES (999, 'from the future', now())")
    con.close()
    under_a_file = a_file / "sub"
    cases = [(a_file, "is a file"), (garbage, "cannot open the store"),
             (db_dir, "cannot be read"), (newer, "schema version 999"),
             (under_a_file, "no kerasprov store at")]  # readers never create one
    for path, said in cases:
        for args in (("runs",), ("sql", "SELECT 1"), ("sync",)):
            out = _cli(*args, "--store", str(path))
            assert out.returncode == 2, (path, args, out.stdout, out.stderr)
            lines = out.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("Error:") and said in lines[0], \
                (args, out.stderr)
    import kerasprov
    with pytest.raises(BadStore, match="schema version 999"):
        kerasprov.open_store(newer).runs()


def test_a_newer_schema_on_postgres_is_refused(pg_url):  # noqa: F811
    import psycopg

    import kerasprov
    from kerasprov.store.postgres import PostgresStore
    with PostgresStore(pg_url).unit(ingest=False) as be:
        assert be.fetchall("SELECT COUNT(*) FROM execution") == [(0,)]
    with psycopg.connect(pg_url, autocommit=True) as con:
        con.execute("INSERT INTO _migrations VALUES (7, 'future', now())")
    with pytest.raises(BadStore, match="schema version 7"):
        kerasprov.open_store(pg_url).runs()
    out = _cli("runs", "--store", pg_url)
    assert out.returncode == 2 and out.stderr.count("\n") == 1, out.stderr


def test_names_postgresql_stores_alike_are_one_attribute(pg_url):  # noqa: F811
    """PostgreSQL text cannot hold NUL: "a\\x00" and "a" are stored as one name there. In a
    later unit of work they must be that one attribute, not a duplicate key that makes the
    whole batch fail (found by the fuzzing test below)."""
    from kerasprov.store.postgres import PostgresStore
    store = PostgresStore(pg_url)
    try:
        batches = [_run("nul1", extra={"\x00": 1.0, "b": 3.0}),
                   _run("nul2", extra={"\x00": 2.0}), _run("nul3", extra={"b\x00": 4.0})]
        for batch in batches:
            with store.unit(ingest=False) as be:
                result = Ingestor(be).apply([codec.decode(codec.encode(e)) for e in batch])
                assert result.stored == len(batch) and not result.refused
        with store.unit(ingest=False) as be:
            names = sorted(r[0] for r in be.fetchall(
                "SELECT name FROM attribute WHERE data_set_tag = 'otrainingmodel'"))
            assert names.count("") == 1 and names.count("b") == 1, names
    finally:
        store.close()


def test_names_postgresql_stores_alike_in_one_batch(unit):
    """"b" and "b\x00" in one batch: where the store keeps them apart (DuckDB) they are two
    attributes; where it stores them alike (PostgreSQL drops NUL) they are one column that
    takes the value of each row. A row with values under both is refused (keeping one would
    lose the other): alone from a journal, as the batch's named event over HTTP."""
    rows = [{"epoch": 0, "b": 1.0}, {"epoch": 1, "b\x00": 2.0}, {"epoch": 2, "b\x00": None}]
    batch = _run("alike", epochs=0, end=False) + [_rows_event("alike", 2, rows)]
    with unit() as be:
        result = Ingestor(be).apply([codec.decode(codec.encode(e)) for e in batch])
        assert result.stored == 3 and not result.refused
        got = be.fetchall("SELECT name, column_name FROM attribute "
                          "WHERE data_set_tag = 'otrainingmodel' AND name LIKE 'b%'")
        if be.dialect == "postgres":
            assert got == [("b", "b")], got
            values = be.fetchall("SELECT epoch, b FROM ds_otrainingmodel ORDER BY epoch")
            assert values == [(0, 1.0), (1, 2.0), (2, None)], values
        else:
            assert sorted(n for n, _ in got) == ["b", "b\x00"], got
        both = [_rows_event("alike", 3, [{"epoch": 3, "c": 1.0, "c\x00": 2.0}])]
        if be.dialect == "postgres":
            with pytest.raises(InvalidEvent, match="one name in this store"):
                Ingestor(be).apply(both)
            assert be.fetchall("SELECT last_seq FROM _run_seq") == [(2,)]  # nothing stored
        else:
            assert Ingestor(be).apply(both).stored == 1


def test_http_names_the_event_the_database_cannot_hold(pg_url):  # noqa: F811
    """Over HTTP, an event that passes the schema but that PostgreSQL cannot hold (a row
    name too long for its index; two names it stores alike in one row)
    refuses its batch with 422 naming the event (index, run, seq) and the reason, and
    nothing of the batch is stored; the same batch without it is stored."""
    import secrets
    cases = [
        ({secrets.token_hex(3000): 1.0}, "index row size"),
        ({"c": 1.0, "c\x00": 2.0}, "one name in this store"),
    ]
    with App(pg_url) as app:
        for k, (row, reason) in enumerate(cases):
            run = f"named{k}"
            good = _run(run, epochs=4)
            bad = _rows_event(run, 4, [row], set_tag=f"big{k}")
            evs = good[:4] + [bad] + [dict(e, seq=e["seq"] + 1) for e in good[4:]]
            resp = app.post(evs)
            assert resp.status_code == 422, resp.text[:500]
            body = resp.json()
            assert body["ok"] is False and (body["index"], body["run"], body["seq"]) == \
                (4, run, 4), body
            assert f"event 4 (run '{run}', seq 4)" in body["error"], body["error"]
            assert reason in body["error"] and "batch was not stored" in body["error"]
            assert app.post(good).status_code == 200
        got = httpx.post(app.url + "/api/sql", headers=AUTH, timeout=60, json={
            "sql": "SELECT run_id, status, epochs FROM runs ORDER BY run_id"}).json()["rows"]
        assert [(r["run_id"], r["status"], r["epochs"]) for r in got] == \
            [(f"named{k}", "finished", 4) for k in range(len(cases))]
