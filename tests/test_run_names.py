"""Issue #21: runs have names people can read and type.

``run_name=`` and ``tags=`` in ``model.provenance()``, ``ProvenanceCallback`` and
``autolog()`` are stored (execution table, ``runs`` view); a run without a name gets an
automatic label (its dataflow and what varies between the dataflow's runs); every command
that takes a run takes a full id, a unique prefix, a name, a label or ``latest``, and an
ambiguous reference lists the runs it could mean.
"""

from __future__ import annotations

import json

import duckdb
import pandas as pd
import pytest
from click.testing import CliRunner
from names_util import kp, train_store

import kerasprov
from kerasprov.capture.options import ProvenanceConfig
from kerasprov.cli import cli


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return train_store(tmp_path_factory.mktemp("names"))


@pytest.fixture
def run_cli(built):
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(cli, [*args, "--store", str(built[0])], catch_exceptions=False)
    return invoke


def _json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# -- capture: the options -------------------------------------------------------------------
def test_names_and_tags_are_stored(built):
    store, ids = built
    st = kerasprov.open_store(str(store))
    rows = st.sql("SELECT run_id, run_name, tags FROM execution").set_index("run_id")
    assert rows.at[ids["named"], "run_name"] == "baseline"
    assert rows.at[ids["named"], "tags"] == "team=vision"
    assert rows.at[ids["gray"], "tags"] == "gpu"
    assert pd.isna(rows.at[ids["none"], "run_name"])
    view = st.sql("SELECT run_id, run_name, tags FROM runs").set_index("run_id")
    assert view.at[ids["named"], "run_name"] == "baseline"


@pytest.mark.parametrize("kwargs, message", [
    ({"run_name": "latest"}, "reserved"),
    ({"run_name": "two\nlines"}, "printable characters on one line"),
    ({"run_name": ""}, "non-empty"),
    ({"run_name": 7}, "Received: run_name=7"),
    ({"run_name": "x" * 101}, "at most 100"),
    ({"tags": ["a,b"]}, "without ','"),
    ({"tags": [3]}, r"Received: tags=\[3\]"),
    ({"tags": 3}, "list of strings or a dict"),
    ({"tags": [f"t{i}" for i in range(40)]}, "at most 32 tags"),
])
def test_bad_names_and_tags_are_refused_where_written(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ProvenanceConfig("flowers", **kwargs)
    with pytest.raises(ValueError, match=message):
        kerasprov.ProvenanceCallback("flowers", **kwargs)


def test_tags_take_lists_dicts_and_one_string():
    assert ProvenanceConfig("f", tags="gpu").tags == ["gpu"]
    assert ProvenanceConfig("f", tags={"team": "vision", "n": 2}).tags == ["team=vision",
                                                                          "n=2"]
    assert ProvenanceConfig("f", tags=["b", "a", "b"]).tags == ["b", "a"]
    assert ProvenanceConfig("f", run_name="  spaced  ").run_name == "spaced"


def test_autolog_names_every_run(tmp_path):
    code = f"""
import sys; sys.path.insert(0, {str(__import__('names_util').TESTS)!r})
import kerasprov
from kp_util import data, mlp
kerasprov.autolog("auto", run_name="nightly", tags=["cron"])
x, y = data(n=64)
mlp().fit(x, y, epochs=1, verbose=0)
"""
    script = tmp_path / "auto.py"
    script.write_text(code)
    import os
    import subprocess
    import sys
    env = {**os.environ, "KERASPROV_STORE": str(tmp_path / "s"), "KERAS_BACKEND": "torch"}
    out = subprocess.run([sys.executable, str(script)], env=env, capture_output=True,
                         text=True, timeout=300, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    row = kerasprov.open_store(str(tmp_path / "s")).runs().iloc[0]
    assert (row["run_name"], row["tags"], row["label"]) == ("nightly", "cron", "nightly")


# -- labels -------------------------------------------------------------------------------------
def test_labels_say_what_varies(built):
    store, ids = built
    labels = kerasprov.open_store(str(store)).run_labels()
    assert labels[ids["named"]] == "baseline"
    # the Filter first, then the hyperparameter that differs (the baseline's lr)
    assert labels[ids["none"]] == "flowers · filter_name=none, learning_rate=0.01"
    assert labels[ids["gray"]] == "flowers · filter_name=gray-scale, learning_rate=0.01"


def test_labels_in_runs_show_diff_and_lineage(run_cli, built):
    _, ids = built
    runs = {r["run_id"]: r["label"] for r in _json(run_cli("runs", "--format", "json"))}
    assert runs[ids["named"]] == "baseline"
    table = run_cli("runs").stdout
    assert "flowers · filter_name=gray-scale" in table and "baseline" in table
    diff = run_cli("diff", ids["none"], "baseline")
    assert diff.exit_code == 0
    head = diff.stdout.splitlines()[:2]
    assert head == [f"{ids['none']}  flowers · filter_name=none, learning_rate=0.01",
                    f"{ids['named']}  baseline"]
    lineage = run_cli("lineage", "baseline")
    assert lineage.exit_code == 0 and "label" in lineage.stdout.splitlines()[0]
    assert "baseline" in lineage.stdout


# -- references ---------------------------------------------------------------------------------
def test_every_kind_of_reference_names_the_run(run_cli, built):
    _, ids = built
    gray = ids["gray"]
    for ref in (gray, gray[:-3], "flowers · filter_name=gray-scale, learning_rate=0.01"):
        assert _json(run_cli("show", ref, "--format", "json"))["run"][0]["run_id"] == gray
    assert _json(run_cli("show", "baseline", "--format", "json"))["run"][0]["run_id"] == \
        ids["named"]
    assert _json(run_cli("show", "latest", "--format", "json"))["run"][0]["run_id"] == \
        ids["named"]
    assert _json(run_cli("show", "LATEST", "--format", "json"))["run"][0]["run_id"] == \
        ids["named"]


@pytest.mark.parametrize("args", [
    ["show", "REF"], ["compare", "REF", "baseline"], ["diff", "REF", "baseline"],
    ["analyze", "adaptation", "REF"], ["analyze", "convergence", "REF"],
    ["prov", "REF"], ["export", "REF", "--openlineage", "OUT"],
])
def test_commands_take_names_and_latest(run_cli, built, tmp_path, args):
    _, ids = built
    ref = "flowers · filter_name=none, learning_rate=0.01" if args[0] in (
        "compare", "diff") else "latest"
    args = [ref if a == "REF" else str(tmp_path / "ol.jsonl") if a == "OUT" else a
            for a in args]
    if args[0] == "export":
        pytest.importorskip("openlineage.client")
    result = run_cli(*args)
    assert result.exit_code == 0, result.output


def test_an_ambiguous_prefix_lists_the_candidates(run_cli, built):
    _, ids = built
    common = ids["none"][:4]  # every id starts with the year
    text = run_cli("show", common).stderr
    assert text.count("\n") == 1 and text.startswith(f"Error: run prefix '{common}' matches 3")
    for rid in ids.values():
        assert rid in text
    assert "(baseline)" in text and "filter_name=none" in text


def test_a_shared_name_lists_the_runs_sharing_it(tmp_path, built):
    import shutil
    store = tmp_path / "copy"
    kerasprov.open_store(str(built[0])).runs()  # the journals ingested: the database is made
    shutil.copytree(built[0], store)
    con = duckdb.connect(str(store / "provenance.duckdb"))
    con.execute("UPDATE execution SET run_name = 'twin'")
    con.close()
    result = CliRunner().invoke(cli, ["show", "twin", "--store", str(store)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: run name 'twin' is shared by 3 runs: ")


def test_an_unknown_reference_suggests_similar_names(run_cli):
    result = run_cli("show", "basline")
    assert result.exit_code == 1
    assert "no run 'basline'" in result.stderr and "similar: baseline" in result.stderr
    assert "latest" in result.stderr


def test_latest_in_an_empty_store(tmp_path):
    from kerasprov.store.embedded import EmbeddedStore
    with EmbeddedStore(tmp_path / "empty").unit():
        pass
    result = CliRunner().invoke(cli, ["show", "latest", "--store", str(tmp_path / "empty")])
    assert result.exit_code == 1 and "no runs in" in result.stderr


def test_a_real_process_resolves_a_prefix(built):
    store, ids = built
    code, out, err = kp("analyze", "adaptation", ids["named"][:-2], "--store", str(store),
                        "--format", "json")
    assert code == 0, err
    assert json.loads(out) == []


# -- stores made before names existed ------------------------------------------------------------
def test_a_store_without_the_name_columns_is_migrated(tmp_path, built):
    import shutil
    store = tmp_path / "old"
    kerasprov.open_store(str(built[0])).runs()  # the journals ingested: the database is made
    shutil.copytree(built[0], store)
    con = duckdb.connect(str(store / "provenance.duckdb"))
    con.execute("DROP VIEW runs")  # made again, with the columns, by the migration
    con.execute("ALTER TABLE execution DROP COLUMN run_name")
    con.execute("ALTER TABLE execution DROP COLUMN tags")
    con.execute("DELETE FROM _migrations WHERE version = 5")  # execution.run_name, tags
    con.close()
    st = kerasprov.open_store(str(store))
    runs = st.runs()
    assert len(runs) == 3 and runs["run_name"].isna().all()
    assert runs["label"].str.startswith("flowers").all()
