"""Bulk ingest: the columnar ``rows`` payload, and the schema cache kept per connection.

The columnar form must store exactly what the row-object form stores; the cache must never
describe a schema the database no longer has (after a rollback, or after another writer
changed it between two of our transactions on PostgreSQL).
"""

from __future__ import annotations

import math

import pytest
from pg_util import pg_admin_url, pg_url, store_unit, unit  # noqa: F401  (fixtures)

from kerasprov.errors import InvalidEvent
from kerasprov.outbox import codec
from kerasprov.store.ingest import Ingestor

ROWS = [{"epoch": 0, "loss": 1, "note": "a", "flag": True, "timestamp": 1.7e9},
        {"epoch": 1, "loss": 0.5, "note": None, "flag": False, "timestamp": 1.7e9 + 1},
        {"epoch": 2, "loss": math.nan, "note": 7, "flag": None, "timestamp": None}]


def _columnar(rows):
    return {"columns": {k: [r.get(k) for r in rows] for k in rows[0]}}


def _run(run, payloads, links=None, set_tag="oTrainingModel"):
    task = f"{run}-trainingmodel-1"
    evs = [{"v": 1, "run": run, "type": "run_start", "ts": 1.7e9, "dataflow": "bulk"},
           {"v": 1, "run": run, "type": "task_start", "ts": 1.7e9, "task": task,
            "transformation": "TrainingModel", "outputs": [set_tag]}]
    for rows in payloads:
        evs.append({"v": 1, "run": run, "type": "rows", "ts": 1.7e9, "task": task,
                    "transformation": "TrainingModel", "set": set_tag, "rows": rows,
                    "links": links or {}})
    for i, ev in enumerate(evs):
        ev["seq"] = i
    return evs


def _table(be, run):
    cols = ["epoch", "loss", "note", "flag", "timestamp", "filter_task_id"]
    sel = ", ".join(f'"{c}"' for c in cols)
    return be.fetchall(f"SELECT {sel} FROM ds_otrainingmodel WHERE run_id = ? ORDER BY epoch",
                       [run])


def test_columnar_rows_store_what_row_objects_store(unit):
    with unit() as be:
        ing = Ingestor(be)
        ing.apply(_run("objects", [ROWS[:1], ROWS[1:]], links={"filter_task_id": "f1"}))
        ing.apply(_run("columns", [_columnar(ROWS[:1]), _columnar(ROWS[1:])],
                       links={"filter_task_id": "f1"}))
        # both forms in one batch, one set: rows keep their event order
        ing.apply(_run("mixed", [ROWS[:1], _columnar(ROWS[1:2]), ROWS[2:]],
                       links={"filter_task_id": "f1"}))
        objects, columns, mixed = (_table(be, r) for r in ("objects", "columns", "mixed"))
        types = dict(be.fetchall("SELECT name, type FROM attribute WHERE data_set_tag = ?",
                                 ["otrainingmodel"]))
    assert len(objects) == 3 and objects[0][:3] == (0, 1.0, "a")
    assert objects[2][2] == "7" and objects[2][4] is None  # widened to text; NULL time
    assert math.isnan(objects[2][1])

    def same(a, b):  # NaN != NaN: compare their text
        return [tuple(map(repr, r)) for r in a] == [tuple(map(repr, r)) for r in b]

    assert same(objects, columns) and same(objects, mixed)
    assert types["loss"] == "real" and types["note"] == "text" and types["flag"] == "boolean"


def test_columnar_payload_is_checked():
    base = {"v": 1, "run": "r", "seq": 0, "type": "rows", "task": "t", "set": "s"}
    ok = codec.decode(codec.encode({**base, "rows": {"columns": {"a": [1, math.nan]}}}))
    assert math.isnan(ok["rows"]["columns"]["a"][1])
    for bad, why in (({"columns": {"a": [1], "b": [1, 2]}}, "differ in length"),
                     ({"columns": {"a": 1}}, "must be a list"),
                     ({"columns": {"a": [1]}, "extra": 1}, "needs a list"),
                     ({"cols": {"a": [1]}}, "needs a list"),
                     ("rows", "needs a list")):
        with pytest.raises(InvalidEvent, match=why):
            codec.validate({**base, "rows": bad})


def test_rolled_back_schema_change_is_forgotten(unit):
    """A batch that created a set and a column, then failed: the next batch, on the same
    connection, must create them again (with the types of its own values)."""
    with unit() as be:
        ing = Ingestor(be)
        ing.apply(_run("r1", [[{"epoch": 0, "loss": 1.0}]]))
        bad = _run("r2", [[{"epoch": 0, "loss": 1.0, "extra": 3}]]) + \
            _run("r3", [_columnar([{"n": 1}])], set_tag="fresh")

        def fail():  # after the rows went in: as a failed write of journal offsets would
            raise OSError("disk full")

        with pytest.raises(OSError, match="disk full"):
            ing.apply(bad, before_commit=fail)
        ing.apply(_run("r2", [[{"epoch": 0, "loss": 1.0, "extra": "text now"}]]) +
                  _run("r3", [_columnar([{"n": 1.5}])], set_tag="fresh"))
        types = dict(be.fetchall("SELECT data_set_tag || '.' || name, type FROM attribute"))
        assert be.fetchall('SELECT "extra" FROM ds_otrainingmodel WHERE run_id = ?',
                           ["r2"]) == [("text now",)]
        assert be.fetchall('SELECT n FROM ds_fresh') == [(1.5,)]
        # the views were recreated with the new column
        assert be.fetchall('SELECT "extra" FROM epochs WHERE run_id = ?', ["r2"]) == \
            [("text now",)]
    assert types["otrainingmodel.extra"] == "text" and types["fresh.n"] == "real"


def test_postgres_schema_changed_by_another_writer_between_transactions(pg_url):  # noqa: F811
    """Two connections take turns; each must see what the other did to the schema."""
    with store_unit("postgres", None, pg_url) as a, store_unit("postgres", None, pg_url) as b:
        ing_a, ing_b = Ingestor(a), Ingestor(b)
        ing_a.apply(_run("a1", [[{"epoch": 0, "m": 1}]]))
        ing_b.apply(_run("b1", [[{"epoch": 0, "m": "text"}, {"epoch": 1, "k": True}]]))
        ing_a.apply(_run("a2", [[{"epoch": 0, "m": 2, "k": False}]]))
        rows = a.fetchall('SELECT run_id, m, k FROM ds_otrainingmodel ORDER BY run_id, epoch')
        types = dict(a.fetchall("SELECT name, type FROM attribute WHERE data_set_tag = ?",
                                ["otrainingmodel"]))
    assert types["m"] == "text" and types["k"] == "boolean"
    assert rows == [("a1", "1", None), ("a2", "2", False), ("b1", "text", None),
                    ("b1", None, True)]
