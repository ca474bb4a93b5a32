"""The CLI over the analysis API: show, compare, query, prov, analyze; every expected
mistake is one line on stderr with exit code 1."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import prov
import pytest
from analysis_util import EPOCHS, build
from click.testing import CliRunner

from kerasprov.cli import cli

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib.*")


@pytest.fixture(scope="module")
def built():
    return build()


@pytest.fixture(scope="module")
def runs(built):
    return built["runs"]


@pytest.fixture
def kp(built):
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(cli, [*args, "--store", str(built["store"])],
                             catch_exceptions=False)
    return invoke


def _json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_show(kp, runs):
    data = _json(kp("show", runs["gray"], "--format", "json"))
    assert {"run", "hyperparameters", "layers", "epochs", "adaptations", "tests", "tasks",
            "files"} <= set(data)
    assert [e["epoch"] for e in data["epochs"]] == list(range(EPOCHS["gray"]))
    assert [a["epoch"] for a in data["adaptations"]] == [1, 2]
    assert data["hyperparameters"][0]["optimizer_name"] == "Adam"
    assert {f["path"].rsplit("/", 1)[-1] for f in data["files"] if f["kind"] == "data"} == \
        {"raw-gray.bin", "filtered-gray.bin"}
    table = kp("show", runs["gray"])
    assert table.exit_code == 0
    assert "== epochs ==" in table.output and "== files ==" in table.output
    assert "optimizer_name" in table.output and "LearningRateScheduler" in table.output


def test_compare(kp, runs):
    rows = _json(kp("compare", runs["gray"], runs["none"], "--format", "json"))
    by_field = {r["field"]: r for r in rows}
    assert by_field["optimizer_name"][runs["gray"]] == "Adam"
    assert by_field["optimizer_name"][runs["none"]] == "SGD"
    assert by_field["optimizer_name"]["kind"] == "hyperparameter"
    csv = kp("compare", runs["gray"], runs["none"], "--format", "csv")
    assert csv.stdout.splitlines()[0] == f"field,kind,{runs['gray']},{runs['none']}"


def test_query(kp):
    args = ["query", "--dataflow", "alexnet", "--source", "itrainingmodel", "--target",
            "otestingmodel", "--project", "itrainingmodel.optimizer_name",
            "--project", "otestingmodel.accuracy", "--select",
            "itrainingmodel.optimizer_name = 'SGD'", "--distinct"]
    rows = _json(kp(*args, "--format", "json"))
    assert len(rows) == 1 and rows[0]["itrainingmodel.optimizer_name"] == "SGD"
    sql = kp(*args, "--sql-only")
    assert sql.exit_code == 0
    assert sql.stdout.startswith('SELECT DISTINCT "ds_itrainingmodel"."optimizer_name"')
    # The SQL shown runs as is through `kerasprov sql` and gives the same rows.
    again = _json(kp("sql", sql.stdout, "--format", "json"))
    assert again == rows
    table = kp(*args)
    assert table.stdout.startswith("SELECT DISTINCT") and "SGD" in table.stdout


@pytest.mark.parametrize("fmt, reader", [("provn", {}), ("json", {}), ("xml", {}),
                                         ("rdf", {"rdf_format": "turtle"}),
                                         ("jsonld", {"rdf_format": "json-ld"})])
def test_prov_formats(kp, built, runs, tmp_path, fmt, reader):
    import kerasprov
    out = tmp_path / f"run.{fmt}"
    result = kp("prov", runs["gray"], "--format", fmt, "-o", str(out))
    assert result.exit_code == 0, result.output
    name = "rdf" if fmt in ("rdf", "jsonld") else fmt
    doc = prov.read(str(out), format=name, **reader)
    assert doc == kerasprov.open_store(str(built["store"])).prov(runs["gray"])


def test_prov_dataflow_to_stdout(kp, runs):
    result = kp("prov", "--dataflow", "alexnet")
    assert result.exit_code == 0
    assert result.stdout.startswith("document")
    assert runs["gray"] in result.stdout and runs["none"] in result.stdout
    assert runs["other"] not in result.stdout


def test_analyze(kp, runs):
    table1 = _json(kp("analyze", "adaptation", runs["gray"], "--format", "json"))
    assert [(r["epoch"], r["technique"]) for r in table1] == [
        (1, "LearningRateScheduler"), (2, "LearningRateScheduler")]
    table2 = _json(kp("analyze", "impact", "--transformation", "Filter", "--parameter",
                      "filter_name", "--format", "json"))
    assert [(r["filter_name"], r["epochs"]) for r in table2] == [
        ("gray", EPOCHS["gray"]), ("none", EPOCHS["none"])]
    conv = _json(kp("analyze", "convergence", runs["gray"], "--metric", "loss",
                    "--format", "json"))
    assert [r["epoch"] for r in conv] == list(range(EPOCHS["gray"]))
    assert all(r["gap"] == pytest.approx(r["loss"] - r["val_loss"]) for r in conv)


@pytest.mark.parametrize("args, message", [
    (["show", "nope"], "no run 'nope'"),
    (["show"], "missing RUN_ID"),
    (["compare", "nope"], "give at least two different runs"),
    (["query", "--dataflow", "alexnet", "--source", "itrainingmodel"], "missing --target"),
    (["query", "--dataflow", "alexnet", "--source", "x", "--target", "otestingmodel"],
     "unknown source data set 'x'"),
    (["prov"], "give either a RUN_ID or --dataflow TAG"),
    (["prov", "--dataflow", "alexnet", "--format", "ttl"], "unknown PROV format 'ttl'"),
    (["prov", "--dataflow", "nope"], "no dataflow 'nope'"),
    (["analyze", "convergence", "nope"], "no run 'nope'"),
    (["analyze", "impact", "--transformation", "Crop"], "no transformation 'Crop'"),
])
def test_errors_are_one_line_exit_1(kp, args, message):
    result = kp(*args)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
    assert message in result.stderr


def test_real_process_writes_prov_and_fails_cleanly(built, runs, tmp_path):
    env = {**os.environ, "KERASPROV_STORE": str(built["store"])}
    out = tmp_path / "alexnet.ttl"
    ok = subprocess.run([sys.executable, "-m", "kerasprov", "prov", "--dataflow", "alexnet",
                         "--format", "rdf", "-o", str(out)], capture_output=True, text=True,
                        timeout=120, env=env, check=False)
    assert ok.returncode == 0, ok.stderr
    assert prov.read(str(out), format="rdf", rdf_format="turtle") is not None
    bad = subprocess.run([sys.executable, "-m", "kerasprov", "prov", runs["gray"], "-o",
                          str(tmp_path / "missing-dir" / "x.provn")], capture_output=True,
                         text=True, timeout=120, env=env, check=False)
    assert bad.returncode == 1
    assert bad.stderr.startswith("Error: cannot write") and bad.stderr.count("\n") == 1
