"""Issue #12: PROV with W3C ML Schema types, RO-Crate and OpenLineage, each read back by its
own library's reader."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from analysis_util import built, store  # noqa: F401  (fixtures)
from lineage_util import sha256_of
from prov.model import ProvDocument

import kerasprov
from kerasprov.errors import BadRequest
from kerasprov.provexport.mls import MLS_URI

MLS = "{" + MLS_URI + "}"


def _types(doc) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for rec in doc.get_records():
        if hasattr(rec, "get_asserted_types") and rec.identifier is not None:
            out[str(rec.identifier)] = {t.uri if hasattr(t, "uri") else str(t)
                                        for t in rec.get_asserted_types()}
    return out


@pytest.mark.parametrize("fmt", ["json", "xml", "provn"])
def test_mls_types_read_back_with_provs_reader(store, built, fmt):
    doc = store.prov(built["runs"]["gray"])
    text = doc.serialize(format=fmt)
    if fmt == "provn":  # prov has no PROV-N reader: check the text instead
        assert f"prefix mls <{MLS_URI}>" in text and "mls:Run" in text
        return
    back = ProvDocument.deserialize(content=text, format=fmt)
    assert back == doc
    types = _types(back)
    mls = MLS_URI
    run = next(k for k, v in types.items() if k.endswith(f"run/{built['runs']['gray']}"))
    assert mls + "Run" in types[run]
    by_dnn = {}
    for ts in types.values():
        for t in ts:
            if "dnnprov#" in t:
                by_dnn.setdefault(t.rsplit("#", 1)[1], set()).update(
                    x for x in ts if x.startswith(mls))
    assert by_dnn["iTrainingModel"] == {mls + "HyperParameterSetting"}
    assert by_dnn["oTrainingModel"] == {mls + "ModelEvaluation"}
    assert by_dnn["oTestingModel"] == {mls + "ModelEvaluation"}
    assert by_dnn["Training"] == {mls + "Run"}
    # The dnnprov: types are kept next to the mls: ones.
    files = {k: v for k, v in types.items() if ":file/" in k}
    assert files and all(mls + "Data" in v or mls + "Model" in v for v in files.values())
    software = [v for v in types.values() if mls + "Implementation" in v]
    assert software and all(mls + "Software" in v for v in software)


def test_rdf_reads_back_with_mls_types(store, built):
    pytest.importorskip("rdflib")
    from kerasprov.provexport import read, serialize
    doc = store.prov(built["runs"]["none"])
    assert read(serialize(doc, "rdf"), "rdf") == doc


@pytest.fixture
def trained(store_dir, tmp_path):
    """A tiny run that reads a small and a large file and writes a checkpoint."""
    import keras
    from kp_util import data, mlp
    small = tmp_path / "labels.csv"
    small.write_text("a,b\n1,2\n")
    large = tmp_path / "big.bin"
    large.write_bytes(os.urandom(64 * 1024))
    kerasprov.use_file(small)
    kerasprov.use_file(large)
    x, y = data(64)
    model = mlp()
    model.provenance(dataflow_tag="crate")
    ckpt = tmp_path / "best.keras"
    model.fit(x, y, epochs=2, verbose=0, callbacks=[keras.callbacks.ModelCheckpoint(
        str(ckpt), monitor="loss", save_best_only=True)])
    kerasprov.flush()
    return kerasprov.open_store(str(store_dir)), model._kerasprov_state.run.id, tmp_path


def test_ro_crate_reads_back_with_rocrate(trained, tmp_path):
    from rocrate.rocrate import ROCrate

    from kerasprov.provexport.rocrate_export import export_ro_crate
    st, run_id, root = trained
    out = export_ro_crate(st, run_id, tmp_path / "crate", max_copy=32 * 1024)
    crate = ROCrate(str(out))
    ids = {e.id: e for e in crate.get_entities()}
    assert "ro-crate-preview.html" in ids and (out / "ro-crate-preview.html").is_file()
    prov_json = out / "provenance" / "prov.json"
    doc = ProvDocument.deserialize(content=prov_json.read_text(), format="json")
    assert doc == st.prov(run_id)
    env = json.loads((out / "environment.json").read_text())
    assert env["execution"]["run_id"] == run_id and "python" in env["environment"]
    # The small file is copied, byte for byte; the large one is described by its hash.
    small = ids["files/used/labels.csv"]
    assert small["sha256"] == sha256_of(root / "labels.csv")
    assert (out / "files/used/labels.csv").read_bytes() == (root / "labels.csv").read_bytes()
    big = [e for k, e in ids.items() if k.startswith((root / "big.bin").as_uri())]
    assert len(big) == 1 and big[0]["sha256"] == sha256_of(root / "big.bin")
    assert big[0]["contentSize"] == 64 * 1024 and "copy limit" in big[0]["description"]
    assert not (out / "files/used/big.bin").exists()
    assert any(k.startswith("files/generated/best") for k in ids)
    with pytest.raises(BadRequest, match="not an empty directory"):
        export_ro_crate(st, run_id, out)


def test_openlineage_events_parse(trained, tmp_path):
    pytest.importorskip("openlineage.client")
    from openlineage.client.transport.file import FileConfig, FileTransport

    from kerasprov.provexport.openlineage_export import (
        emit_openlineage,
        read_events,
        run_uuid,
    )
    st, run_id, root = trained
    path = tmp_path / "events.ndjson"
    n = emit_openlineage(st, run_id, transport=FileTransport(FileConfig(
        log_file_path=str(path), append=True)))
    events = read_events(path)
    assert len(events) == n >= 4
    assert events[0]["eventType"] == "START" and events[-1]["eventType"] == "COMPLETE"
    assert events[0]["run"]["runId"] == run_uuid(run_id) == str(uuid.UUID(run_uuid(run_id)))
    training = [e for e in events if e["job"]["name"] == "crate.TrainingModel"]
    assert [e["eventType"] for e in training] == ["START", "COMPLETE"]
    parent = training[0]["run"]["facets"]["parent"]
    assert parent["run"]["runId"] == run_uuid(run_id) and parent["job"]["name"] == "crate"
    inputs = {d["name"]: d for d in training[1]["inputs"]}
    label = inputs[str(root / "labels.csv")]
    assert label["facets"]["version"]["datasetVersion"] == sha256_of(root / "labels.csv")
    assert label["namespace"].startswith("file://")
    outputs = {d["name"] for d in training[1]["outputs"]}
    assert str(root / "best.keras") in outputs
    for e in events:  # every event is complete OpenLineage JSON
        assert {"eventTime", "eventType", "run", "job", "producer", "schemaURL"} <= set(e)


def test_cli_export(trained, tmp_path):
    st, run_id, _ = trained
    env = {**os.environ, "KERAS_BACKEND": "torch"}
    out = subprocess.run([sys.executable, "-m", "kerasprov", "export", run_id, "--ro-crate",
                          str(tmp_path / "c"), "--openlineage", str(tmp_path / "ol.json"),
                          "--store", st.spec], capture_output=True, text=True, timeout=120,
                         env=env, check=False)
    assert out.returncode == 0, out.stderr
    assert (Path(tmp_path / "c") / "ro-crate-metadata.json").is_file()
    assert "OpenLineage event" in out.stderr
    bad = subprocess.run([sys.executable, "-m", "kerasprov", "export", run_id, "--store",
                          st.spec], capture_output=True, text=True, timeout=120, env=env,
                         check=False)
    assert bad.returncode == 1 and bad.stderr.startswith("Error: choose what to export")
