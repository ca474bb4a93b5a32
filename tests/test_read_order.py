"""Reads answer in one order, whatever order the rows lie in on disk.

CI once saw ``kerasprov query ... --format json`` give the Adam and SGD rows swapped on
PostgreSQL: the generated SQL had no ORDER BY, so the order (and, under a limit, which rows
came back) followed the engine's join plan. Here the same three runs (analysis_util) lie in
a DuckDB store and a PostgreSQL database, then every table of each is rewritten in another
order (every third row of the scan, last first: the runs no longer lie in the order they
started, and the rows of one run lie among another's); every read method, the CLI's read
commands and the PROV export must answer byte for byte as before on each engine, and the
same on both engines.
"""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest
from click.testing import CliRunner
from pg_util import free_port, pg_admin_url, pg_url  # noqa: F401  (fixtures)
from test_store_kinds import _answer, _calls, _diff, _norm, built, journals  # noqa: F401

import kerasprov
from kerasprov.cli import cli
from kerasprov.provexport.formats import serialize
from kerasprov.store.embedded import DB_NAME
from kerasprov.store.postgres import deliver_journals

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib.*")

#: Bookkeeping of ingestion, not provenance: left where it lies.
_KEEP = {"_migrations", "_journal", "_run_seq"}


def _extra_calls(runs: dict[str, str]) -> dict[str, tuple[tuple, dict]]:
    gray, none = runs["gray"], runs["none"]
    return {
        # under a limit, WHICH rows come back must not depend on the plan either
        "query": (("alexnet", "itrainingmodel", "otestingmodel"), {"limit": 1}),
        "query_distinct": (("alexnet", ["itrainingmodel", "ifilter"], "otrainingmodel"),
                           {"project": ["ifilter.filter_name",
                                        "itrainingmodel.optimizer_name"],
                            "distinct": True}),
        "query_epochs": (("alexnet", "itrainingmodel", "otrainingmodel"), {}),
        "runs_table": ((), {"per_page": 2}),
        "run_details": ((gray,), {}),
        "comparison": (([gray, none],), {}),
        "run_labels": ((), {}),
        "lineage": ((gray,), {"direction": "down"}),
        "dataflow": (("alexnet",), {}),
        "prov_dataflow": ((), {"dataflow": "alexnet"}),
        "card": ((gray,), {}),
        "schema": ((), {}),
        "dataflows": ((), {}),
    }


def _answers(spec: str, runs: dict[str, str]) -> dict:
    out = {}
    calls = {**_calls(runs), **_extra_calls(runs)}
    tasks = _scan(spec, "SELECT task_id FROM task ORDER BY task_id")
    calls["task_inputs"] = (([t for (t,) in tasks],), {})
    for key, (args, kwargs) in calls.items():
        name = key.split("_")[0] if key.startswith(("query_", "prov_")) else key
        if name == "prov":  # an export: its text, byte for byte
            out[key] = serialize(getattr(kerasprov.open_store(spec), name)(*args, **kwargs),
                                 "json")
        else:
            out[key] = _answer(spec, name, args, kwargs)
    runner = CliRunner()
    gray, none = runs["gray"], runs["none"]
    for args in (["runs"], ["show", gray], ["compare", gray, none], ["diff", gray, none],
                 ["query", "--dataflow", "alexnet", "--source", "itrainingmodel", "--target",
                  "otestingmodel"], ["analyze", "impact"], ["lineage", gray],
                 ["prov", "--dataflow", "alexnet"]):
        res = runner.invoke(cli, [*args, "--format", "json", "--store", spec])
        assert res.exit_code == 0, (args, res.output)
        out["cli " + args[0]] = res.output
    return out


#: The new place of the n-th row of a scan: every third row, last first.
_SHUFFLE = "ORDER BY _n % 3, _n DESC"


def _shuffle_duckdb(store_dir) -> None:
    con = duckdb.connect(str(store_dir / DB_NAME))
    try:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()]
        for t in sorted(set(tables) - _KEEP):
            q = '"' + t.replace('"', '""') + '"'
            con.execute(f"CREATE TEMP TABLE _rows AS SELECT *, row_number() OVER () AS _n "
                        f"FROM {q}")
            cols = ", ".join('"' + c.replace('"', '""') + '"' for c, *_ in con.execute(
                f"DESCRIBE {q}").fetchall())
            con.execute(f"DELETE FROM {q}")
            con.execute(f"INSERT INTO {q} SELECT {cols} FROM _rows {_SHUFFLE}")
            con.execute("DROP TABLE _rows")
    finally:
        con.close()


def _shuffle_postgres(url: str) -> None:
    import psycopg
    with psycopg.connect(url, autocommit=True) as con:
        tables = [r[0] for r in con.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").fetchall()]
        for t in sorted(set(tables) - _KEEP):
            q = '"' + t.replace('"', '""') + '"'
            cols = ", ".join('"' + c.replace('"', '""') + '"' for (c,) in con.execute(
                "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(%s) "
                "AND attnum > 0 AND NOT attisdropped ORDER BY attnum", [q]).fetchall())
            with con.transaction():  # a sequential scan reads the heap in insertion order
                con.execute(f"CREATE TEMP TABLE _rows AS SELECT *, row_number() OVER () AS _n "
                            f"FROM {q}")
                con.execute(f"DELETE FROM {q}")
                con.execute(f"INSERT INTO {q} SELECT {cols} FROM _rows {_SHUFFLE}")
                con.execute("DROP TABLE _rows")


def _scan(spec: str, sql: str) -> list:
    return kerasprov.open_store(spec).read(sql).values.tolist()


def _same(got: dict, want: dict, what: str) -> None:
    for key in want:
        assert got[key] == want[key], (what, key, _diff(got[key], want[key]))


def test_every_read_answers_in_one_order_whatever_the_physical_order(
        built, journals, tmp_path, pg_url):
    runs = built["runs"]
    duck = tmp_path / "duck"
    shutil.copytree(built["store"], duck)
    assert deliver_journals(pg_url, shutil.copytree(journals, tmp_path / "j")) > 0
    ref = {"duckdb": _answers(str(duck), runs), "postgres": _answers(pg_url, runs)}
    scan = "SELECT run_id FROM execution"
    before = {spec: _scan(spec, scan) for spec in (str(duck), pg_url)}

    _shuffle_duckdb(duck)
    _shuffle_postgres(pg_url)
    for spec in (str(duck), pg_url):  # it took: the runs lie in another order
        after = _scan(spec, scan)
        assert sorted(after) == sorted(before[spec]) and after != before[spec]
    got = {"duckdb": _answers(str(duck), runs), "postgres": _answers(pg_url, runs)}
    for engine in ("duckdb", "postgres"):
        _same(got[engine], ref[engine], f"{engine}, rows rewritten in another order")

    # and the same on both engines (PROV: blank-node ids aside, see test_store_kinds)
    for key, want in ref["duckdb"].items():
        if key.startswith("prov") or key == "cli prov":
            continue
        have = ref["postgres"][key]
        if key.startswith("cli "):
            have, want = _norm(json.loads(have)), _norm(json.loads(want))
        assert have == want, (key, _diff(have, want))
