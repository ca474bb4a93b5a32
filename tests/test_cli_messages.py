"""Issue #21: the CLI says what the UI says, and every mistake is one clear line.

A missing store is said (never created by a reader); ``ui``/``serve`` announce the port
they really listen on and name a busy one; choices and dataflows are checked with the valid
values listed; ``runs``, ``show`` and ``compare`` show the Filter's value and the tests;
``query`` gives distinct rows by default.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time

import httpx
import pytest
from click.testing import CliRunner
from names_util import kp, train_store

import kerasprov
from kerasprov.cli import cli
from kerasprov.errors import NoStore

NO_STORE = re.compile(r"^Error: no kerasprov store at (.+?)( \(.*\))?; give --store or set "
                      r"KERASPROV_STORE\n$")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return train_store(tmp_path_factory.mktemp("messages"))


@pytest.fixture
def run_cli(built):
    runner = CliRunner()

    def invoke(*args, store=True):
        extra = ["--store", str(built[0])] if store else []
        return runner.invoke(cli, [*args, *extra], catch_exceptions=False)
    return invoke


def _one_line(result, code: int) -> str:
    assert result.exit_code == code, (result.exit_code, result.output)
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, \
        result.stderr
    return result.stderr


# -- a store that is not there ------------------------------------------------------------------
@pytest.mark.parametrize("args", [
    ["runs"], ["show", "latest"], ["sql", "SELECT 1"], ["compare", "a", "b"], ["status"],
    ["sync"], ["searches"], ["analyze", "impact"], ["lineage", "x"], ["diff", "a", "b"],
    ["query", "--dataflow", "x", "--source", "a", "--target", "b"],
    ["prov", "--dataflow", "x"], ["export", "x", "--ro-crate", "CRATE"],
])
def test_read_commands_never_create_a_store(tmp_path, args):
    missing = tmp_path / "typo"
    args = [str(tmp_path / "crate") if a == "CRATE" else a for a in args]
    result = CliRunner().invoke(cli, [*args, "--store", str(missing)])
    text = _one_line(result, 2)
    assert NO_STORE.match(text) and str(missing) in text
    assert not missing.exists() and not (tmp_path / "crate").exists()


def test_default_store_missing_in_a_real_process(tmp_path):
    """From a folder without ./kerasprov and no KERASPROV_STORE: one line, exit 2."""
    code, out, err = kp("runs", cwd=tmp_path, env={"KERASPROV_STORE": ""})
    assert code == 2 and out == ""
    assert NO_STORE.match(err) and str(tmp_path / "kerasprov") in err
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_that_holds_no_store_is_not_made_one(tmp_path):
    (tmp_path / "notes.txt").write_text("not a store")
    result = CliRunner().invoke(cli, ["runs", "--store", str(tmp_path)])
    assert "no provenance.duckdb or journals/" in _one_line(result, 2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    with pytest.raises(NoStore, match="give --store or set KERASPROV_STORE"):
        kerasprov.open_store(str(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_open_store_reads_only_what_capture_made(built, tmp_path):
    with pytest.raises(NoStore):
        kerasprov.open_store(str(tmp_path / "nothing"))
    assert not (tmp_path / "nothing").exists()
    assert len(kerasprov.open_store(str(built[0])).runs()) == 3


def test_ui_refuses_a_missing_store_before_listening(tmp_path):
    code, out, err = kp("ui", "--store", str(tmp_path / "nope"), "--port", "0", timeout=60)
    assert code == 2 and out == "" and NO_STORE.match(err)
    assert not (tmp_path / "nope").exists()


# -- serving: the real port, a busy port ----------------------------------------------------
def _start(args, tmp_path):
    return subprocess.Popen([sys.executable, "-m", "kerasprov", *args], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("command, stream", [("ui", "stdout"), ("serve", "stderr")])
def test_port_0_announces_the_port_it_listens_on(built, tmp_path, command, stream):
    proc = _start([command, "--store", str(built[0]), "--port", "0"], tmp_path)
    try:
        line = getattr(proc, stream).readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert found, line
        port = int(found.group(1))
        assert port != 0
        deadline = time.monotonic() + 30
        while True:  # announced after binding: connections queue until uvicorn accepts
            try:
                resp = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=10)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline
                time.sleep(0.2)
        assert resp.status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.parametrize("command", ["ui", "serve"])
def test_a_busy_port_is_one_line_suggesting_another(built, tmp_path, command):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, out, err = kp(command, "--store", str(built[0]), "--port", str(port),
                            timeout=60)
    assert code == 2 and "http://" not in out + err
    assert err == (f"Error: port {port} on 127.0.0.1 is already in use by another program; "
                   "choose another with --port (--port 0 picks a free one)\n")


def test_a_port_out_of_range_is_refused(run_cli):
    text = _one_line(run_cli("ui", "--port", "70000"), 2)
    assert "--port" in text and "0<=x<=65535" in text


# -- choices and names are checked, the valid ones listed ------------------------------------
@pytest.mark.parametrize("args, listed", [
    (["runs", "--status", "done"], ["running", "finished", "failed", "interrupted",
                                     "crashed"]),
    (["runs", "--format", "xml"], ["table", "json", "csv"]),
    (["compare", "a", "b", "--format", "yaml"], ["table", "json", "csv"]),
    (["query", "--dataflow", "flowers", "--source", "a", "--target", "b", "--mapping",
      "fuzzy"], ["physical", "logical", "hybrid"]),
])
def test_choices_are_validated_with_the_valid_values(run_cli, args, listed):
    text = _one_line(run_cli(*args), 2)
    assert all(f"'{v}'" in text for v in listed), text
    assert "--help" in text


@pytest.mark.parametrize("args, code", [
    (["prov", "--dataflow", "flowers", "--format", "ttl"], 1),
    (["lineage", "latest", "--prov", "turtle"], 1),
])
def test_prov_formats_are_listed(run_cli, args, code):
    text = _one_line(run_cli(*args), code)
    assert all(f in text for f in ("provn", "json", "xml", "rdf", "jsonld")), text


@pytest.mark.parametrize("args", [
    ["runs", "--dataflow", "flowerz"],
    ["prov", "--dataflow", "flowerz"],
    ["analyze", "impact", "--dataflow", "flowerz"],
    ["query", "--dataflow", "flowerz", "--source", "itrainingmodel", "--target",
     "otestingmodel"],
])
def test_an_unknown_dataflow_lists_the_known_ones(run_cli, args):
    text = _one_line(run_cli(*args), 1)
    assert "'flowerz'" in text and "flowers" in text.split("'flowerz'", 1)[1], text


def test_status_is_validated_in_the_python_api_too(built):
    with pytest.raises(kerasprov.KerasProvError, match="running.*finished.*failed.*interrupted"
                       ".*crashed") as info:
        kerasprov.open_store(str(built[0])).runs(status="done")
    assert 400 <= info.value.status < 500


# -- the CLI shows what decides a run ----------------------------------------------------------
def test_runs_shows_the_filter_value_tests_and_labels(run_cli, built):
    _, ids = built
    table = run_cli("runs")
    assert table.exit_code == 0
    header, *rows = table.stdout.splitlines()
    assert "Filter.filter_name" in header and "test_accuracy" in header
    assert "label" in header
    by_id = {r.split()[1]: r for r in rows}
    assert "none" in by_id[ids["none"]].split()
    assert "gray-scale" in by_id[ids["gray"]].split()
    data = json.loads(run_cli("runs", "--format", "json").stdout)
    got = {r["run_id"]: r for r in data}
    assert got[ids["none"]]["Filter.filter_name"] == "none"
    assert got[ids["gray"]]["Filter.filter_name"] == "gray-scale"
    assert all(isinstance(r["test_accuracy"], float) for r in data)


def test_show_leads_with_the_label_and_shows_transformations_and_tests(run_cli, built):
    _, ids = built
    out = run_cli("show", ids["gray"])
    assert out.exit_code == 0
    first = out.stdout.splitlines()[0]
    assert first.startswith(f"run {ids['gray']} · flowers · filter_name=gray-scale")
    assert first.endswith("(finished)")
    section = out.stdout.split("== transformations ==", 1)[1].split("==", 1)[0]
    assert re.search(r"Filter\s+input\s+filter_name\s+gray-scale", section)
    assert re.search(r"Filter\s+output\s+channels\s+1", section)
    assert "== tests ==" in out.stdout and "accuracy" in out.stdout.split("== tests ==")[1]
    data = json.loads(run_cli("show", ids["gray"], "--format", "json").stdout)
    assert {"attribute": "filter_name", "role": "input", "transformation": "Filter",
            "value": "gray-scale"} in data["transformations"]


def test_compare_shows_labels_and_the_filter_row(run_cli, built):
    _, ids = built
    data = json.loads(run_cli("compare", ids["none"], ids["gray"], "--format", "json").stdout)
    rows = {r["field"]: r for r in data}
    assert rows["Filter.filter_name"]["kind"] == "transformation"
    assert rows["Filter.filter_name"][ids["none"]] == "none"
    assert rows["Filter.filter_name"][ids["gray"]] == "gray-scale"
    assert rows["label"][ids["gray"]].startswith("flowers · filter_name=gray-scale")
    assert "test_accuracy" in rows


def test_query_rows_are_distinct_unless_all_rows_is_asked(run_cli):
    args = ["query", "--dataflow", "flowers", "--source", "ifilter", "--target",
            "otrainingmodel", "--project", "ifilter.filter_name", "--format", "json"]
    distinct = json.loads(run_cli(*args).stdout)
    every = json.loads(run_cli(*args, "--all-rows").stdout)
    keys = [json.dumps(r, sort_keys=True) for r in distinct]
    assert len(keys) == len(set(keys)) == 2  # none and gray-scale
    assert len(every) > len(distinct)


def test_usage_mistakes_are_one_line(built):
    code, out, err = kp("runs", "--bogus", "--store", str(built[0]))
    assert code == 2 and out == ""
    assert err == "Error: No such option '--bogus' (see 'kerasprov runs --help')\n"
