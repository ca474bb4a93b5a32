"""MonetDB: the dialect is tested offline; the live suite needs KERASPROV_TEST_MONETDB_URL.

No MonetDB server can be installed on the project's machines, so the live tests run only
where one is reachable, e.g. KERASPROV_TEST_MONETDB_URL=monetdb://monetdb:monetdb@host:50000/db
"""

from __future__ import annotations

import os

import pytest

from kerasprov.store import kinds
from kerasprov.store.ingest import Ingestor
from kerasprov.store.monetdb import alter_type_sql, connect_args, insert_sql, monetdb_statement
from kerasprov.store.schema import SQL_TYPES, fixed_ddl

LIVE_URL = os.environ.get("KERASPROV_TEST_MONETDB_URL")
live = pytest.mark.skipif(not LIVE_URL, reason="no MonetDB server: set "
                          "KERASPROV_TEST_MONETDB_URL=monetdb://user:pass@host:port/db")


def test_fixed_ddl_uses_monetdb_types():
    ddl = "\n".join(fixed_ddl("monetdb"))
    assert "DOUBLE PRECISION" not in ddl and "VARCHAR" not in ddl
    assert "run_id TEXT PRIMARY KEY" in ddl and "pid BIGINT" in ddl
    assert "{" not in ddl
    assert set(SQL_TYPES["monetdb"]) == set(SQL_TYPES["duckdb"])


def test_placeholders_and_transactions():
    sql, params = monetdb_statement("SELECT 1 FROM t WHERE a = ? AND b LIKE 'x%?'", [1])
    assert sql == "SELECT 1 FROM t WHERE a = %s AND b LIKE 'x%%?'" and params == [1]
    assert monetdb_statement("BEGIN TRANSACTION") == ("START TRANSACTION", [])
    assert monetdb_statement("SELECT '%'") == ("SELECT '%'", [])  # no params: verbatim


def test_on_conflict_becomes_insert_where_not_exists():
    sql, params = monetdb_statement(
        "INSERT INTO task (task_id, run_id, status) VALUES (?, ?, ?) "
        "ON CONFLICT (task_id) DO NOTHING", ["t1", "r1", "running"])
    assert "ON CONFLICT" not in sql
    assert sql == ("INSERT INTO task (task_id, run_id, status) SELECT %s, %s, %s "
                   "WHERE NOT EXISTS (SELECT 1 FROM task WHERE task_id = %s)")
    assert params == ["t1", "r1", "running", "t1"]


def test_type_widening_statements():
    stmts = alter_type_sql("ds_otrainingmodel", "f1", "BIGINT", "DOUBLE")
    assert stmts == [
        'ALTER TABLE "ds_otrainingmodel" ADD COLUMN "f1__kp_new" DOUBLE',
        'UPDATE "ds_otrainingmodel" SET "f1__kp_new" = CAST("f1" AS DOUBLE)',
        'ALTER TABLE "ds_otrainingmodel" DROP COLUMN "f1"',
        'ALTER TABLE "ds_otrainingmodel" RENAME COLUMN "f1__kp_new" TO "f1"']
    as_text = alter_type_sql("t", "flag", "boolean", "TEXT")[1]
    assert "'true'" in as_text and "'false'" in as_text  # the same text as DuckDB/PostgreSQL
    as_int = alter_type_sql("t", 'we"ird', "boolean", "BIGINT")[1]
    assert '"we""ird"' in as_int and "THEN 1" in as_int


def test_batched_insert_and_url():
    assert insert_sql("ds_x", ["run_id", "a b"], 2) == \
        'INSERT INTO "ds_x" ("run_id", "a b") VALUES (%s, %s), (%s, %s)'
    assert connect_args("monetdb://me:p%40ss@db.example:50001/prov") == {
        "database": "prov", "hostname": "db.example", "port": 50001, "username": "me",
        "password": "p@ss"}
    with pytest.raises(ValueError, match="monetdb://"):
        connect_args("postgresql://x/y")


def test_missing_driver_gives_an_install_hint(monkeypatch):
    import builtins

    from kerasprov.errors import StoreUnavailable
    from kerasprov.store import monetdb
    real = builtins.__import__

    def no_pymonetdb(name, *args, **kwargs):
        if name == "pymonetdb":
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pymonetdb)
    with pytest.raises(StoreUnavailable, match=r'pip install "kerasprov\[monetdb\]"'):
        monetdb._pymonetdb()


# -- the normal entry points, offline ----------------------------------------------------------
def _refused_url() -> str:
    import socket
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"monetdb://me:s3cret@127.0.0.1:{port}/prov"


def test_monetdb_urls_are_remote_stores(tmp_path, monkeypatch):
    from kerasprov import config
    from kerasprov.query.api import open_store
    from kerasprov.store.monetdb import MonetDBStore
    url = "monetdb://me:pw@db.example:50000/prov"
    assert config.is_remote(url) and config.store_spec(url + "/") == url
    monkeypatch.setenv("KERASPROV_OUTBOX", str(tmp_path / "outbox"))
    assert kinds.journal_dir(url).parent == tmp_path / "outbox"  # not a directory store
    store = open_store(url)  # lazy: no connection, no driver needed yet
    assert isinstance(store._store, MonetDBStore) and "pw" not in repr(store)


def test_open_store_without_a_server_is_one_clear_error():
    from kerasprov.errors import StoreUnavailable
    from kerasprov.query.api import open_store
    pytest.importorskip("pymonetdb")
    url = _refused_url()
    with pytest.raises(StoreUnavailable) as info:
        open_store(url).runs()
    shown = url.replace(":s3cret@", ":***@")
    assert shown in info.value.message and "s3cret" not in info.value.message


def _cli(url: str, block_driver: bool):
    import subprocess
    import sys
    block = ("import sys\n"
             "class NoDriver:\n"
             "    def find_spec(self, name, path=None, target=None):\n"
             "        if name.split('.')[0] == 'pymonetdb':\n"
             "            raise ImportError('blocked for the test')\n"
             "sys.meta_path.insert(0, NoDriver())\n") if block_driver else ""
    code = block + ("import sys; sys.argv = ['kerasprov', 'runs', '--store', sys.argv[1]]\n"
                    "from kerasprov.cli import cli; cli()")
    return subprocess.run([sys.executable, "-c", code, url], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "KERAS_BACKEND": "torch"})


def test_cli_without_a_server_or_without_the_driver():
    url = _refused_url()
    if __import__("importlib").util.find_spec("pymonetdb") is not None:
        out = _cli(url, block_driver=False)
        assert out.returncode == 1 and "Traceback" not in out.stderr, out.stderr
        assert out.stderr.startswith("Error: cannot connect to MonetDB at "
                                     "monetdb://me:***@127.0.0.1:"), out.stderr
        assert "s3cret" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
    out = _cli(url, block_driver=True)
    assert out.returncode == 1 and "Traceback" not in out.stderr, out.stderr
    assert 'pip install "kerasprov[monetdb]"' in out.stderr and "s3cret" not in out.stderr


def test_capture_delivers_to_monetdb_through_its_own_deliverer(tmp_path, monkeypatch):
    """A training process with KERASPROV_STORE=monetdb://... journals and warns once when
    the database is unreachable; it never treats the URL as a directory."""
    from kerasprov.errors import StoreUnavailable
    from kerasprov.outbox import delivery
    url = _refused_url()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KERASPROV_OUTBOX", str(tmp_path / "outbox"))
    route = delivery.route(url)  # what a training process's outbox is given
    deliver = route.deliver
    (tmp_path / "outbox").mkdir()
    journal = kinds.journal_dir(url)
    assert route.journal_dir == journal
    journal.mkdir(parents=True)
    (journal / "r.0.jsonl").write_text('{"v": 1, "run": "r", "seq": 0, "type": "run_start", '
                                       '"ts": 1.7e9, "dataflow": "x"}\n')
    if __import__("importlib").util.find_spec("pymonetdb") is None:
        pytest.skip("pymonetdb is not installed")
    with pytest.raises(StoreUnavailable, match=r"monetdb://me:\*\*\*@"):
        deliver()
    assert not (tmp_path / "monetdb:").exists()


# -- live server -----------------------------------------------------------------------------
@live
def test_live_ingest_views_sandbox_and_widening():
    import uuid

    from kerasprov.errors import QueryError
    from kerasprov.query.api import Store
    from kerasprov.store.monetdb import MonetDBStore
    st = MonetDBStore(LIVE_URL)
    run = "m" + uuid.uuid4().hex[:10]
    task = f"{run}-trainingmodel-1"
    evs = [{"v": 1, "run": run, "seq": 0, "type": "run_start", "ts": 1.7e9, "dataflow": "mdb"},
           {"v": 1, "run": run, "seq": 1, "type": "task_start", "ts": 1.7e9, "task": task,
            "transformation": "TrainingModel", "outputs": ["oTrainingModel"]}]
    for e, f1 in enumerate([1, 0.5, "x"]):
        evs.append({"v": 1, "run": run, "seq": 2 + e, "type": "rows", "ts": 1.7e9, "task": task,
                    "transformation": "TrainingModel", "set": "oTrainingModel",
                    "rows": [{"epoch": e, "loss": 1.0 / (e + 1), "kp_f1": f1}]})
    with st.unit() as be:
        Ingestor(be).apply(evs[:3])
        Ingestor(be).apply(evs)  # the first three again: skipped
    store = Store(st, LIVE_URL)
    df = store.sql(f"SELECT epoch, kp_f1 FROM epochs WHERE run_id = '{run}' ORDER BY epoch")
    assert df["epoch"].tolist() == [0, 1, 2]
    assert df["kp_f1"].tolist() == ["1", "0.5", "x"]
    assert len(store.epochs(run)) == 3
    with pytest.raises(QueryError):
        store.sql("SELECT no_such_column FROM execution")
