"""Issue #22: the training process signs its run; ``kerasprov verify`` finds every edit.

Real trainings (a seeded script in a subprocess, signing on) into a DuckDB directory, a
real PostgreSQL and a live ``kerasprov serve``; the store is then edited with SQL, files
on disk are changed, and envelopes are forged, truncated and signed by a stranger.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys

import pytest
from pg_util import pg_admin_url, pg_url  # noqa: F401  (fixtures)
from proof_util import cli, env_for, make_project, only_run, train

import kerasprov


@pytest.fixture
def trained(tmp_path):
    """A signed run in a DuckDB store: (store, project folder, env, run id)."""
    store, folder = tmp_path / "store", make_project(tmp_path / "project")
    env = env_for(store, tmp_path / "keys" / "me.pem")
    train(folder, env)
    return store, folder, env, only_run(store)


def _edit(spec, sql, params=()):
    with kerasprov.open_store(str(spec)).unit() as be:
        be.execute(sql, list(params))


def _verify(spec, run_id, env, *more):
    out = cli("verify", run_id, "--store", spec, *more, env=env)
    assert "Traceback" not in out.stderr, out.stderr
    return out


def test_untouched_run_verifies(trained):
    store, folder, env, rid = trained
    assert (folder.parent / "keys" / "me.pem").stat().st_mode & 0o777 == 0o600
    out = _verify(store, rid, env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.startswith("OK run ") and "1 subject file(s) checked" in out.stdout
    att = kerasprov.open_store(str(store)).attestation(rid)
    key = cli("key", env=env)
    assert att["keyid"] in key.stdout and "BEGIN PUBLIC KEY" in key.stdout


EDITS = [  # (SQL, what verify must say)
    ("UPDATE ds_otrainingmodel SET loss = loss + 0.01 WHERE run_id = ? AND epoch = 1",
     "ds_otrainingmodel (epochs), epoch 1: loss in the store"),
    ("UPDATE ds_otrainingmodel SET learning_rate = 0.5 WHERE run_id = ? AND epoch = 3",
     "epoch 3: learning_rate in the store (0.5) differs from the signed value (0.1)"),
    ("UPDATE ds_itrainingmodel SET batch_size = 64 WHERE run_id = ?",
     "ds_itrainingmodel (hyperparameters): batch_size in the store (64) differs from the "
     "signed value (16)"),
    ("UPDATE file SET sha256 = '" + "0" * 64 + "' WHERE run_id = ? AND kind = 'model'",
     "model.keras (generated): sha256 in the store (0000"),
    ("DELETE FROM ds_otrainingmodel WHERE run_id = ? AND epoch = 2",
     "epoch 2: signed but missing from the store"),
    ("INSERT INTO ds_otrainingmodel (run_id, epoch, loss) VALUES (?, 9, 0.01)",
     "epoch 9: in the store but not in the signed facts"),
    ("UPDATE ds_otestingmodel SET accuracy = 0.99 WHERE run_id = ?",
     "ds_otestingmodel (tests): accuracy in the store (0.99) differs"),
]


def test_each_edit_in_the_store_is_named(trained):
    store, _, env, rid = trained
    for sql, said in EDITS:
        _edit(store, sql, [rid])
        out = _verify(store, rid, env)
        assert out.returncode == 1, out.stdout
        assert said in out.stdout, (sql, out.stdout)
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("FAIL")]
    assert len(lines) >= len(EDITS), out.stdout  # every edit still named, one line each


def test_changed_model_file_is_named(trained):
    store, folder, env, rid = trained
    with open(folder / "model.keras", "ab") as fh:
        fh.write(b"tampered")
    out = _verify(store, rid, env)
    assert out.returncode == 1
    assert f"file {folder / 'model.keras'}: sha256 is" in out.stdout
    assert "the file changed after the run" in out.stdout


def test_attestation_file_alone(trained, tmp_path):
    store, folder, env, rid = trained
    att = tmp_path / "shipped" / "model.intoto.json"
    att.parent.mkdir()
    out = cli("attest", rid, "-o", att, "--store", store, env=env)
    assert out.returncode == 0, out.stderr
    assert "signed by the training process" in out.stderr
    statement = json.loads(base64.b64decode(json.loads(att.read_text())["payload"]))
    assert statement["_type"] == "https://in-toto.io/Statement/v1"
    assert statement["predicateType"] == "https://slsa.dev/provenance/v1"
    assert [s["name"] for s in statement["subject"]] == [str(folder / "model.keras")]
    build = statement["predicate"]["buildDefinition"]
    deps = {d.get("name"): d for d in build["resolvedDependencies"]}
    assert deps[str(folder / "data.npy")]["digest"]["sha256"]
    assert deps[str(folder / "train.py")]["digest"]["sha256"]
    assert any(n.startswith("array:itrainingdata:") for n in deps)
    assert build["externalParameters"]["hyperparameters"]["units"] == "6"
    assert statement["predicate"]["runDetails"]["metadata"]["invocationId"] == rid
    # A public key alone is enough; the model found on its recorded path
    pub = tmp_path / "me.pub.pem"
    pub.write_text(cli("key", env=env).stdout.split("\n", 2)[2])
    no_key = {**env, "KERASPROV_SIGNING_KEY": str(tmp_path / "nobody.pem")}
    ok = cli("verify", "--attestation", att, "--key", pub, env=no_key)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    # Moved beside the attestation (the recorded path gone): found there
    (folder / "model.keras").rename(att.parent / "model.keras")
    assert cli("verify", "--attestation", att, "--key", pub, env=no_key).returncode == 0
    (att.parent / "model.keras").write_bytes(b"another model")
    bad = cli("verify", "--attestation", att, "--key", pub, env=no_key)
    assert bad.returncode == 1 and "model.keras: sha256 is" in bad.stdout
    # No key at all, or an unreadable attestation: cannot verify (2), one line
    none = cli("verify", "--attestation", att, env=no_key)
    assert none.returncode == 2 and none.stderr.startswith("Error: no key to verify with")
    gone = cli("verify", "--attestation", tmp_path / "missing.json", env=env)
    assert gone.returncode == 2 and "cannot read" in gone.stderr


def _sign_with(key_path, statement: dict) -> dict:
    code = ("import json, sys; from kerasprov.proof import envelope, keys; "
            "print(json.dumps(envelope.sign(json.load(sys.stdin), keys.signer())))")
    out = subprocess.run([sys.executable, "-c", code], input=json.dumps(statement),
                         capture_output=True, text=True, check=True,
                         env={**env_for("x", key_path)})
    return json.loads(out.stdout)


def test_forged_envelopes_are_rejected(trained, tmp_path):
    store, _, env, rid = trained
    att = tmp_path / "a.json"
    cli("attest", rid, "-o", att, "--store", store, env=env)
    good = json.loads(att.read_text())
    statement = json.loads(base64.b64decode(good["payload"]))

    def check(obj_or_text, said):
        f = tmp_path / "forged.json"
        f.write_text(obj_or_text if isinstance(obj_or_text, str) else json.dumps(obj_or_text))
        out = cli("verify", "--attestation", f, env=env)
        assert out.returncode == 1, out.stdout + out.stderr
        assert said in out.stdout and "Traceback" not in out.stderr, out.stdout
    edited = dict(statement)
    edited["subject"] = [{"name": "model.keras", "digest": {"sha256": "1" * 64}}]
    payload = base64.b64encode(json.dumps(edited).encode()).decode()
    check({**good, "payload": payload}, "the signature does not verify")
    check(att.read_text()[:len(att.read_text()) // 2], "is not a DSSE envelope")
    check({"payload": good["payload"]}, "is not a DSSE envelope")
    check(_sign_with(tmp_path / "stranger.pem", statement), "signed by unknown key")
    wrong = {**statement, "predicateType": "https://example.org/other/v1"}
    check(_sign_with(tmp_path / "keys" / "me.pem", wrong), "the predicate type is")
    # The same forgeries stored in place of the run's envelope
    _edit(store, "UPDATE attestation SET envelope = ? WHERE run_id = ?",
          [json.dumps({**good, "payload": payload}), rid])
    out = _verify(store, rid, env)
    assert out.returncode == 1 and "the signature does not verify" in out.stdout


def test_unsigned_run_fails_and_attest_signs_from_the_store(tmp_path):
    store, folder = tmp_path / "store", make_project(tmp_path / "p")
    env = env_for(store, tmp_path / "k.pem", KERASPROV_ATTEST="0")
    train(folder, env)
    rid = only_run(store)
    assert _verify(store, rid, env).returncode == 2  # no key yet: cannot verify
    assert cli("key", env=env).returncode == 0
    out = _verify(store, rid, env)
    assert out.returncode == 1 and "has no signed attestation" in out.stdout
    att = tmp_path / "a.json"
    made = cli("attest", rid, "-o", att, "--store", store, env=env)
    assert made.returncode == 0 and "signed now from the store" in made.stderr
    assert cli("verify", "--attestation", att, env=env).returncode == 0


def test_a_bad_key_is_one_warning_and_training_goes_on(tmp_path):
    store, folder = tmp_path / "store", make_project(tmp_path / "p")
    bad = tmp_path / "bad.pem"
    bad.write_text("not a key")
    done = subprocess.run([sys.executable, "train.py"], cwd=folder, capture_output=True,
                          text=True, env=env_for(store, bad), timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("ProvenanceWarning: kerasprov: could not sign run") == 1, done.stderr
    rid = only_run(store)
    s = kerasprov.open_store(str(store))
    assert len(s.epochs(rid)) == 4 and len(s.tests(rid)) == 1  # nothing lost, no seq gap
    assert s.attestation(rid) is None


def test_postgres_run_verifies_and_edits_are_named(tmp_path, pg_url):  # noqa: F811
    folder = make_project(tmp_path / "p")
    env = env_for(pg_url, tmp_path / "k.pem")
    train(folder, env)
    rid = only_run(pg_url)
    assert _verify(pg_url, rid, env).returncode == 0
    _edit(pg_url, "UPDATE ds_otrainingmodel SET val_loss = 7 WHERE run_id = ? AND epoch = 0",
          [rid])
    out = _verify(pg_url, rid, env)
    assert out.returncode == 1
    assert "ds_otrainingmodel (epochs), epoch 0: val_loss in the store (7)" in out.stdout


def test_through_a_live_server(tmp_path):
    from test_server import Server
    srv = Server(str(tmp_path / "served"), tmp_path).start()
    try:
        folder = make_project(tmp_path / "p")
        env = {**env_for(srv.url, tmp_path / "k.pem"), "KERASPROV_TOKEN": "t0ken-for-tests",
               "KERASPROV_OUTBOX": str(tmp_path / "outbox")}
        env["KERASPROV_TOKEN"] = srv.token_file.read_text().strip()
        train(folder, env)
        runs = cli("sql", "SELECT run_id FROM execution", "--store", srv.url, "--format",
                   "json", env=env)
        rid = json.loads(runs.stdout)[0]["run_id"]
        out = _verify(srv.url, rid, env)
        assert out.returncode == 0, out.stdout + out.stderr
        (folder / "model.keras").write_bytes(b"x")
        out = _verify(srv.url, rid, env)
        assert out.returncode == 1 and "model.keras: sha256 is" in out.stdout
    finally:
        srv.kill()


def test_exports_carry_the_envelope(trained, tmp_path):
    store, _, env, rid = trained
    doc = kerasprov.open_store(str(store)).prov(rid)
    text = doc.serialize(format="json")
    assert "kerasprov:Attestation" in text and "payloadType" in text
    pytest.importorskip("rocrate")
    from kerasprov.provexport.rocrate_export import export_ro_crate
    export_ro_crate(kerasprov.open_store(str(store)), rid, tmp_path / "crate")
    shipped = tmp_path / "crate" / "provenance" / "attestation.intoto.json"
    out = cli("verify", "--attestation", shipped, env=env)
    assert out.returncode == 0, out.stdout + out.stderr  # the crate's copy verifies alone
    meta = (tmp_path / "crate" / "ro-crate-metadata.json").read_text()
    assert "provenance/attestation.intoto.json" in meta


def test_key_is_created_once_in_the_users_folder(tmp_path):
    env = {k: v for k, v in env_for("x", tmp_path / "unused").items()
           if k != "KERASPROV_SIGNING_KEY"}
    env["HOME"] = str(tmp_path / "home")
    first = cli("key", env=env)
    assert first.returncode == 0, first.stderr
    path = tmp_path / "home" / ".kerasprov" / "signing-key.pem"
    assert path.stat().st_mode & 0o777 == 0o600
    assert f"key file: {path}" in first.stdout
    again = cli("key", env=env)
    assert again.stdout == first.stdout  # the same key, not a new one
    keyid = first.stdout.splitlines()[0].removeprefix("key id: ")
    assert len(keyid) == 64 and "BEGIN PUBLIC KEY" in first.stdout


WIDE = '''
import numpy as np, keras, kerasprov
x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
y = (x[:, :1] > 0).astype("float32")
class Many(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        for i in range(300):
            logs[f"m{i}"] = float(i * epoch) + 0.5
m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
m.compile(optimizer="sgd", loss="binary_crossentropy")
m.provenance(dataflow_tag="wide", hyperparameters={f"h{i}": i for i in range(300)})
m.fit(x, y, epochs=2, verbose=0, callbacks=[Many()])
'''


def test_wide_run_verifies_and_an_extra_value_edit_is_named(tmp_path):
    """Attributes past a set's columns live as rows of extra_value: they are facts too."""
    store = tmp_path / "store"
    env = env_for(store, tmp_path / "k.pem")
    (tmp_path / "wide.py").write_text(WIDE)
    done = subprocess.run([sys.executable, "wide.py"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    rid = only_run(store)
    assert _verify(store, rid, env).returncode == 0
    _edit(store, "UPDATE extra_value SET value = 42 WHERE run_id = ? AND epoch = 1 AND "
                 "name = 'm299'", [rid])
    out = _verify(store, rid, env)
    assert out.returncode == 1
    assert "ds_otrainingmodel (epochs), epoch 1: m299 in the store (42) differs from the " \
           "signed value (299.5)" in out.stdout


LATE = '''
import numpy as np, keras, kerasprov
x = np.random.default_rng(0).normal(size=(48, 4)).astype("float32")
y = (x[:, :1] > 0).astype("float32")
with kerasprov.transformation("Filter", inputs={"filter_name": "gray-scale"}) as t:
    x = x * 0.5
    t.output(n=len(x))
m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
m.compile(optimizer="sgd", loss="binary_crossentropy")
m.provenance(dataflow_tag="late", attest=True)   # signing asked after the transformation
m.fit(x, y, epochs=2, verbose=0)
'''


def test_signing_asked_after_a_transformation_signs_it_too(tmp_path):
    """``provenance(attest=True)`` after a transformation: its rows were journaled before the
    signer was installed, and are still among the signed facts."""
    store = tmp_path / "store"
    env = env_for(store, tmp_path / "k.pem")
    env.pop("KERASPROV_ATTEST", None)  # only the script's own attest=True asks for it
    (tmp_path / "late.py").write_text(LATE)
    done = subprocess.run([sys.executable, "late.py"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    rid = only_run(store)
    out = _verify(store, rid, env)
    assert out.returncode == 0, out.stdout + out.stderr
    _edit(store, "UPDATE ds_ifilter SET filter_name = 'none' WHERE run_id = ?", [rid])
    out = _verify(store, rid, env)
    assert out.returncode == 1 and "filter_name" in out.stdout, out.stdout
