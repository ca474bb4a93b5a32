"""The fast paths of ingest (issue #14) give the same stored result as the slow ones.

- ``codec.decode`` reads most lines with pydantic-core's parser: the same values as
  ``json.loads`` with kerasprov's hooks, for any event (hypothesis);
- the ingest remembers runs, tasks and attributes for a DuckDB unit of work: batches of a
  live run, resends and reused names across batches in one unit store exactly what
  separate units store; on PostgreSQL (other writers) nothing is remembered across
  transactions: two connections taking turns on one run stay right;
- journal offsets are written inside the batch's transaction (and not at all for a journal
  read to its end): a live journal read in several units is stored exactly once;
- ``Backend.update_rows`` in one ``UPDATE ... FROM`` on DuckDB sets what the statement-per-
  row fallback sets, ``only_if_later`` included;
- the server's ingest queue, holding its unit open while batches come, answers every
  concurrent sender with its own runs' last sequence numbers.
"""

from __future__ import annotations

import concurrent.futures
import json
import math
import threading

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pg_util import pg_admin_url, pg_url  # noqa: F401  (fixtures)

from kerasprov.outbox import codec, events
from kerasprov.outbox.journal import END_MARK, segment_name
from kerasprov.store.backend import Backend, DuckDBBackend
from kerasprov.store.ingest import Ingestor, ensure_schema


def _slow_decode(line: str) -> dict:
    """The decoding before the fast path: json.loads with every hook, always."""
    obj = json.loads(line, object_hook=codec._restore, parse_int=events.parse_int)
    if events.has_surrogates(line):
        obj = events.normalise(obj)
    return events.validate(obj)


def _same(a, b) -> bool:
    """Equal, NaN equal to NaN, and of the same types all the way down."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


_values = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=True, allow_infinity=True)
    | st.integers(min_value=-(10**40), max_value=10**40) | st.text(max_size=20)
    | st.sampled_from(["$float", "\\u0041", "9" * 320, "\udcff", "é", "\\"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                               max_size=4),
    max_leaves=12)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(row=st.dictionaries(st.text(min_size=1, max_size=12).filter(
    lambda k: k not in events.BUILTIN_TYPES), _values, max_size=6), epoch=st.integers(0, 10**6),
    huge=st.booleans())
def test_decode_fast_path_equals_the_hooked_decode(row, epoch, huge):
    ev = {"v": 1, "run": "r1", "seq": 3, "type": "rows", "task": "r1-t", "set": "s",
          "ts": 1.8e9, "rows": [{"epoch": epoch, **row}]}
    line = codec.encode(ev)
    if huge:  # an integer literal too long for a double, as a hostile line may hold
        line = line.replace(f'"epoch":{epoch}', f'"epoch":{epoch},"big":{"7" * 330}', 1)
    for form in (line, line.encode("utf-8", "surrogatepass")):  # as text, as journal bytes
        try:
            want = _slow_decode(form)
        except Exception as exc:  # noqa: BLE001 - both must refuse alike
            with pytest.raises(type(exc)):
                codec.decode(form)
            continue
        assert _same(codec.decode(form), want)


def test_decode_refuses_and_restores_like_before():
    deep = '{"v":1,"run":"r","seq":0,"type":"run_start","dataflow":"d","environment":' \
           + '{"a":' * 300 + "1" + "}" * 300 + "}"
    assert _same(codec.decode(deep), _slow_decode(deep))  # past pydantic-core's nesting limit
    for bad in (b"\xff", b"{}x", b"[1]", b"null", b'{"type":"rows"'):
        with pytest.raises(Exception) as err:
            codec.decode(bad)
        assert type(err.value).__name__ == "InvalidEvent"
    line = codec.encode({"v": 1, "run": "r", "seq": 0, "type": "rows", "task": "t", "set": "s",
                         "rows": [{"loss": math.nan, "x": -math.inf}]})
    row = codec.decode(line)["rows"][0]
    assert math.isnan(row["loss"]) and row["x"] == -math.inf


# -- the unit-of-work cache ---------------------------------------------------------------------
def _run(run: str, epochs: range, start: bool, end: bool, first_seq: int,
         task: str | None = None) -> list[dict]:
    task = task or f"{run}-train"
    out = []
    if start:
        out += [{"run": run, "type": "run_start", "dataflow": "df", "ts": 1.8e9},
                {"run": run, "type": "task_start", "task": task, "transformation": "Train",
                 "outputs": ["otrain"], "ts": 1.8e9}]
    out += [{"run": run, "type": "rows", "task": task, "transformation": "Train",
             "set": "otrain", "rows": [{"epoch": e, "loss": 1.0 / (e + 1)}], "ts": 1.8e9 + e}
            for e in epochs]
    if end:
        out.append({"run": run, "type": "run_end", "status": "finished", "ts": 1.9e9})
    for i, ev in enumerate(out):
        ev["seq"] = first_seq + i
    return out


def _state(be) -> dict:
    return {
        "epochs": be.fetchall("SELECT run_id, COUNT(*), COUNT(DISTINCT epoch) FROM ds_otrain "
                              "GROUP BY run_id ORDER BY run_id"),
        "runs": be.fetchall("SELECT run_id, status, dataflow_tag FROM execution ORDER BY 1"),
        "tasks": be.fetchall("SELECT task_id, run_id, status FROM task ORDER BY 1"),
        "seq": be.fetchall("SELECT run_id, last_seq FROM _run_seq ORDER BY 1"),
        "attrs": be.fetchall("SELECT data_set_tag, name, type FROM attribute WHERE "
                             "data_set_tag = 'otrain' ORDER BY 2"),
    }


def _batches() -> list[list[dict]]:
    a1 = _run("a", range(0, 5), True, False, 0)
    a2 = _run("a", range(5, 10), False, False, 7)
    a3 = _run("a", range(10, 12), False, True, 12)
    # b reuses a's task id (a forged stream): the task keeps its first run
    b = _run("b", range(0, 3), True, True, 0, task="a-train")
    retyped = _run("c", range(0, 2), True, True, 0)
    retyped[2]["rows"][0]["loss"] = "diverged"  # the column widens to text in a later batch
    return [a1, a2, a1, a2[:2], a3, b, retyped, a3]  # resends in between


def test_a_unit_remembers_what_separate_units_would_look_up(tmp_path):
    one = DuckDBBackend(duckdb.connect(str(tmp_path / "one.duckdb")))
    ensure_schema(one)
    results = [Ingestor(one).apply(json.loads(json.dumps(b))) for b in _batches()]
    fresh_state = None
    for i, batch in enumerate(_batches()):  # a new connection (no cache) for every batch
        be = DuckDBBackend(duckdb.connect(str(tmp_path / "many.duckdb")))
        ensure_schema(be)
        res = Ingestor(be).apply(batch)
        assert (res.stored, res.skipped, res.last_seq) == (
            results[i].stored, results[i].skipped, results[i].last_seq)
        fresh_state = _state(be)
        be.close()
    assert _state(one) == fresh_state
    assert fresh_state["epochs"] == [("a", 12, 12), ("b", 3, 3), ("c", 2, 2)]
    assert ("a-train", "a", "running") in fresh_state["tasks"]
    assert ("otrain", "loss", "text") in fresh_state["attrs"]
    assert [r.skipped for r in results] == [0, 0, 7, 2, 0, 0, 0, 3]
    one.close()


def test_postgres_writers_taking_turns_stay_right(pg_url):  # noqa: F811
    from kerasprov.store.postgres import PostgresStore
    store = PostgresStore(pg_url)
    batches = _batches()
    with store.unit(ingest=False) as x, store.unit(ingest=False) as y:
        for i, batch in enumerate(batches):  # two connections, alternating, one cache each
            Ingestor(x if i % 2 else y).apply(batch)
        state = _state(x)
    assert state["epochs"] == [("a", 12, 12), ("b", 3, 3), ("c", 2, 2)]
    assert state["seq"] == [("a", 14), ("b", 5), ("c", 4)]
    assert ("a-train", "a", "running") in state["tasks"]


# -- journal offsets -------------------------------------------------------------------------
def test_a_live_journal_read_in_several_units_is_stored_once(tmp_path):
    from kerasprov.store.embedded import EmbeddedStore
    store = EmbeddedStore(tmp_path / "store")
    journals = tmp_path / "store" / "journals"
    journals.mkdir(parents=True)
    seg = journals / segment_name("live", 0)
    evs = _run("live", range(30), True, True, 0)
    for e in evs:
        e["v"] = 1
    lines = [codec.encode(e) + "\n" for e in evs]
    seg.touch()
    written = 0
    for cut in (10, 11, 25, len(lines)):
        with open(seg, "a") as fh:
            fh.write("".join(lines[written:cut]))
            fh.write(lines[cut][:7] if cut < len(lines) else END_MARK + "\n")  # torn line
        written = cut
        with store.unit() as be:
            offsets = dict(be.fetchall("SELECT name, byte_offset FROM _journal"))
            n = be.fetchall("SELECT COUNT(*) FROM ds_otrain")[0][0]
        if cut < len(lines):
            assert offsets == {seg.name: len("".join(lines[:cut]).encode())}
            assert n == max(0, cut - 2)
            with open(seg, "rb+") as fh:  # the torn tail is completed by the next write
                fh.truncate(len("".join(lines[:cut]).encode()))
    assert offsets == {} and n == 30  # read to its end mark: moved to done/, offset gone
    assert (journals / "done" / seg.name).exists()


def test_offsets_of_a_rolled_back_transaction_are_written_later(tmp_path):
    from kerasprov.store.ingest import TableBook
    be = DuckDBBackend(duckdb.connect(str(tmp_path / "b.duckdb")))
    ensure_schema(be)
    seg = tmp_path / "x.jsonl"
    book = TableBook(be)
    book.set(seg, 100)
    be.begin()
    book.save()
    be.rollback()
    book.rolled_back()
    book.set(seg, 200)
    book.close()
    assert be.fetchall("SELECT name, byte_offset FROM _journal") == [("x.jsonl", 200)]
    book = TableBook(be)
    assert book.get(seg) == 200
    book.forget(seg)
    book.close()
    assert be.fetchall("SELECT COUNT(*) FROM _journal") == [(0,)]
    be.close()


# -- bulk updates ------------------------------------------------------------------------------
def test_bulk_update_sets_what_one_statement_per_row_sets():
    def table(be):
        be.execute("CREATE TABLE t (k VARCHAR PRIMARY KEY, n BIGINT, \"at\" TIMESTAMP)")
        be.insert("t", ["k", "n", "at"], ["text", "integer", "timestamp"],
                  [["a", 1, 100.0], ["b", 2, None], ["c", 3, 300.0], ["d'q", 4, 50.0]])
    rows = [["a", 10, 50.0], ["b", 20, 60.0], ["c", 30, 400.0], ["d'q", 40, 60.0],
            ["zz", 5, 1.0]]
    bulk, loop = DuckDBBackend(duckdb.connect()), DuckDBBackend(duckdb.connect())
    for be in (bulk, loop):
        table(be)
    bulk.update_rows("t", "k", ["n", "at"], ["integer", "timestamp"], rows,
                     only_if_later="at")
    Backend.update_rows(loop, "t", "k", ["n", "at"], ["integer", "timestamp"], rows,
                        only_if_later="at")
    got = bulk.fetchall("SELECT * FROM t ORDER BY k")
    assert got == loop.fetchall("SELECT * FROM t ORDER BY k")
    assert [r[1] for r in got] == [1, 20, 30, 40]  # a: 50 is not later than 100
    bulk.update_rows("t", "k", ["n"], ["integer"], [["a", 7], ["b", 8]])
    assert bulk.fetchall("SELECT n FROM t WHERE k IN ('a', 'b') ORDER BY k") == [(7,), (8,)]


# -- the server's ingest queue ------------------------------------------------------------------
def test_the_ingest_queue_answers_each_sender_with_its_runs(tmp_path):
    import kerasprov
    from kerasprov.server.ingest_queue import IngestQueue
    store = kerasprov.open_store(str(tmp_path / "store"), create=True)
    lock = threading.Lock()
    q = IngestQueue(store, lock)

    def sender(k: int) -> list[dict]:
        answers = []
        run = f"s{k}"
        evs = _run(run, range(40), True, True, 0)
        for i in range(0, len(evs), 5):  # small batches, one at a time, as a client sends
            answer = q.submit(evs[i:i + 5], allow_gaps=False).result(timeout=120)
            assert answer.refused == []  # strict: a refusal would have refused the batch
            answers.append(answer.last_seq)
        return answers

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(sender, range(8)))
    q.close()
    assert not q.thread.is_alive()
    for k, mine in enumerate(answers):
        assert [a[f"s{k}"] for a in mine] == [min(i + 4, 42) for i in range(0, 43, 5)]
        assert all(set(a) == {f"s{k}"} for a in mine)
    with lock, store.unit() as be:
        assert be.fetchall("SELECT COUNT(*), COUNT(DISTINCT run_id) FROM ds_otrain") == \
            [(320, 8)]
        assert be.fetchall("SELECT DISTINCT status FROM execution") == [("finished",)]


def test_a_gap_inside_a_strict_batch_names_the_stored_next_seq():
    from kerasprov.errors import InvalidEvent
    be = DuckDBBackend(duckdb.connect())
    ensure_schema(be)
    evs = _run("g", range(6), True, True, 0)
    Ingestor(be).apply(evs[:4], strict=True)  # seq 0..3 stored
    with pytest.raises(InvalidEvent) as err:  # 4 and 5 precede the gap, but roll back
        Ingestor(be).apply([evs[4], evs[5], evs[7]], strict=True)
    assert err.value.details["expected_seq"] == 4
    assert be.fetchall("SELECT last_seq FROM _run_seq") == [(3,)]
    assert Ingestor(be).apply(evs[4:], strict=True).last_seq == {"g": 8}


def test_a_run_id_reused_by_another_process_is_refused_not_skipped():
    from kerasprov.errors import InvalidEvent
    be = DuckDBBackend(duckdb.connect())
    ensure_schema(be)

    def stream(pid: int) -> list[dict]:
        evs = _run("job-1", range(3), True, True, 0)
        evs[0].update(host="node-a", pid=pid)
        return evs

    first = stream(101)
    assert Ingestor(be).apply(first).stored == len(first)
    again = Ingestor(be).apply(json.loads(json.dumps(first)))  # a resend: skipped, quietly
    assert (again.stored, again.skipped, again.refused) == (0, len(first), [])
    other = Ingestor(be).apply(stream(202))  # a restarted job under the same run id
    assert [r.event["seq"] for r in other.refused] == [0]
    assert "pid 101" in other.refused[0].reason and "pid 202" in other.refused[0].reason
    assert other.skipped == len(first) - 1
    with pytest.raises(InvalidEvent, match="second stream under the same run id"):
        Ingestor(be).apply(stream(202), strict=True)
    assert be.fetchall("SELECT pid FROM execution") == [(101,)]
