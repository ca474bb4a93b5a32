"""Issue #22: ``kerasprov card`` writes a Hugging Face model card from a run's provenance.

A real signed training whose data passes through a user transformation; the card is
parsed back with huggingface_hub and must hold the test metrics (model-index), the data
lineage (file path and sha256, array fingerprints, the transformation and its inputs) and
the provenance (run id, key id, how to verify)."""

from __future__ import annotations

import hashlib

import pytest
from proof_util import SCRIPT, cli, env_for, make_project, only_run, train

import kerasprov

hub = pytest.importorskip("huggingface_hub")

LOAD = '''kerasprov.use_file("data.npy")
data = np.load("data.npy")'''
NORMALIZE = '''with kerasprov.transformation("Normalize", inputs={"method": "zscore"}) as t:
    data = np.load(kerasprov.use_file("data.npy"))
    data[:, :4] = (data[:, :4] - data[:, :4].mean(0)) / data[:, :4].std(0)
    t.output(n_rows=len(data))'''


def test_card_holds_test_metrics_lineage_and_provenance(tmp_path):
    store, folder = tmp_path / "store", make_project(tmp_path / "p")
    assert LOAD in SCRIPT
    (folder / "train.py").write_text(SCRIPT.replace(LOAD, NORMALIZE))
    env = env_for(store, tmp_path / "k.pem")
    train(folder, env)
    rid = only_run(store)
    out = cli("card", rid, "-o", tmp_path / "README.md", "--store", store, env=env)
    assert out.returncode == 0, out.stderr
    text = (tmp_path / "README.md").read_text()
    card = hub.ModelCard(text)
    assert card.data.library_name == "keras"
    assert {"keras", "kerasprov", "proofmlp"} <= set(card.data.tags)
    s = kerasprov.open_store(str(store))
    tests = s.tests(rid)
    results = {r.metric_type: r.metric_value for r in card.data.eval_results}
    assert results["accuracy"] == pytest.approx(float(tests["accuracy"].iloc[0]))
    assert results["loss"] == pytest.approx(float(tests["loss"].iloc[0]))
    assert card.data.to_dict()["model-index"][0]["results"][0]["metrics"][0]["name"] \
        .startswith("test ")
    body = card.text
    sha = hashlib.sha256((folder / "data.npy").read_bytes()).hexdigest()
    data_section = body.split("## Training data")[1].split("## Training procedure")[0]
    assert str(folder / "data.npy") in data_section and sha in data_section
    assert "Normalize" in data_section and "zscore" in data_section
    assert "itrainingdata" in data_section  # the arrays given to fit, by content hash
    procedure = body.split("## Training procedure")[1].split("## Results")[0]
    assert "| 2 | 0.1 |" in procedure and "SGD" in procedure  # learning rate per epoch
    assert len(body.split("### Per epoch")[1].split("### Test")[0].splitlines()) >= 6
    att = s.attestation(rid)
    provenance = body.split("## Provenance")[1]
    assert rid in provenance and att["keyid"] in provenance
    assert f"kerasprov verify {rid}" in provenance
    # to standard output as well, the same card
    assert cli("card", rid, "--store", store, env=env).stdout == text


def test_card_of_an_unknown_run_is_one_line(tmp_path):
    store, folder = tmp_path / "store", make_project(tmp_path / "p")
    env = env_for(store, tmp_path / "k.pem", KERASPROV_ATTEST="0")
    train(folder, env)
    out = cli("card", "nope", "--store", store, env=env)
    assert out.returncode == 1 and out.stderr.startswith("Error: no run 'nope'")
    rid = only_run(store)
    text = cli("card", rid, "--store", store, env=env).stdout
    assert "attestation: none" in hub.ModelCard(text).text
