"""Issue #20 item 1: special files never stall capture; they are recorded with the reason.

A FIFO, a character device, a symlink to ``/dev/zero`` or ``/dev/urandom``, a socket, a
directory, given to ``use_file`` or used as a save path: the script ends, its epochs are
stored, and each special file has a ``file`` row with no sha256 and the reason in
``hash_method``. Regular files are still hashed (a sparse file in full, or, over the size
bound, recorded with that reason), on DuckDB, on a real PostgreSQL and through a live
``kerasprov serve``.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from pg_util import pg_admin_url, pg_url  # noqa: F401  (fixtures)
from test_server import TOKEN, Server

import kerasprov
from kerasprov.capture import files

SCRIPT = """
import os, socket, sys, threading
import keras, numpy as np
import kerasprov, kp_util

os.chdir(sys.argv[1])
os.mkfifo("in.fifo")
os.symlink("/dev/zero", "zero.npy")
os.symlink("/dev/urandom", "random.npy")
srv = socket.socket(socket.AF_UNIX)
srv.bind("in.sock")
os.mkdir("images")
open("images/a.txt", "w").write("a")
os.mkfifo("images/pipe")  # a FIFO inside a used directory is skipped, never opened
with open("sparse_small.bin", "wb") as fh:
    fh.truncate(8 << 20)
with open("sparse_big.bin", "wb") as fh:  # 5 GB of holes, over the 1 GiB bound set below
    fh.truncate(5 << 30)
for p in ["in.fifo", "zero.npy", "random.npy", "in.sock", "images", "sparse_small.bin",
          "sparse_big.bin", "/dev/null"]:
    kerasprov.use_file(p)
os.symlink("/dev/null", "ckpt.weights.h5")
os.mkfifo("model.keras")
x, y = kp_util.data(64)
m = kp_util.mlp()
m.provenance(dataflow_tag="special")
m.fit(x, y, epochs=3, batch_size=16, verbose=0, callbacks=[
    keras.callbacks.ModelCheckpoint("ckpt.weights.h5", save_weights_only=True)])
reader = threading.Thread(target=lambda: open("model.keras", "rb").read())
reader.start()
m.save("model.keras")  # a save through a FIFO: Keras writes it, capture never opens it
reader.join()
assert kerasprov.flush(timeout=60)
print("ENDED")
"""

REASONS = {
    "in.fifo": "not a regular file: fifo",
    "zero.npy": "not a regular file: character device",
    "random.npy": "not a regular file: character device",
    "/dev/null": "not a regular file: character device",
    "in.sock": "not a regular file: socket",
    "sparse_big.bin": f"over the hash size limit ({1 << 30} bytes)",
    "ckpt.weights.h5": "not a regular file: character device",
    "model.keras": "not a regular file: fifo",
}


@pytest.fixture(params=["duckdb", "postgres", "served"])
def store_url(request, tmp_path, monkeypatch):
    if request.param == "postgres":
        yield request.getfixturevalue("pg_url")
        return
    if request.param == "duckdb":
        yield str(tmp_path / "store")
        return
    srv = Server(str(tmp_path / "served"), tmp_path).start()  # a client of kerasprov serve
    monkeypatch.setenv("KERASPROV_TOKEN", TOKEN)
    yield srv.url
    srv.kill()


def test_special_files_are_recorded_with_the_reason_and_the_run_ends(store_url, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "KERASPROV_STORE": store_url, "KERAS_BACKEND": "torch",
           "KERASPROV_OUTBOX": str(tmp_path / "outbox"),
           "KERASPROV_HASH_MAX_BYTES": str(1 << 30),
           "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent),
                                          os.environ.get("PYTHONPATH", "")])}
    # The timeout only guards the test run: before the fix this process never exited.
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(SCRIPT), str(work)], env=env,
                         capture_output=True, text=True, timeout=240)
    assert out.returncode == 0 and "ENDED" in out.stdout, out.stdout + out.stderr
    store = kerasprov.open_store(store_url)
    runs = store.sql("SELECT run_id, status FROM execution")
    assert runs["status"].tolist() == ["finished"]
    epochs = store.sql("SELECT epoch, loss FROM ds_otrainingmodel ORDER BY epoch")
    assert epochs["epoch"].tolist() == [0, 1, 2] and epochs["loss"].notna().all()
    rows = store.sql("SELECT path, role, kind, size, sha256, hash_method, epoch FROM file "
                     "ORDER BY time")
    by_name = {}
    for r in rows.astype(object).where(rows.notna(), None).to_dict("records"):
        name = r["path"] if r["path"] == "/dev/null" else os.path.relpath(r["path"], work)
        by_name.setdefault(name, []).append(r)
    for name, reason in REASONS.items():
        assert name in by_name, (name, sorted(by_name))
        for r in by_name[name]:
            assert r["sha256"] is None and r["hash_method"] == reason, r
    # The checkpoint was "saved" at every epoch, through the symlink to /dev/null.
    assert [r["epoch"] for r in by_name["ckpt.weights.h5"]] == [0, 1, 2]
    assert {r["role"] for r in by_name["model.keras"]} == {"generated"}
    (small,) = by_name["sparse_small.bin"]
    assert small["hash_method"] == "full" and small["size"] == 8 << 20
    assert small["sha256"] == hashlib.sha256(bytes(8 << 20)).hexdigest()
    (big,) = by_name["sparse_big.bin"]
    assert big["size"] == 5 << 30  # the size is known from stat, nothing was read
    (images,) = by_name["images"]
    assert images["hash_method"] == "directory" and images["size"] == 1
    expect = hashlib.sha256(f"a.txt\0{hashlib.sha256(b'a').hexdigest()}\n".encode())
    assert images["sha256"] == expect.hexdigest()
    # The W3C PROV document says why a file has no sha256.
    provn = store.prov(runs["run_id"][0]).get_provn()
    assert "not a regular file: fifo" in provn and "not a regular file: socket" in provn


def test_a_file_deleted_or_changed_before_it_is_hashed_keeps_its_size(tmp_path):
    path = tmp_path / "data.bin"
    path.write_bytes(b"x" * 1000)
    mark = files._mark(str(path))
    path.unlink()
    assert files.digest_if_unchanged(str(path), mark) == {
        "size": 1000, "sha256": None, "hash_method": "deleted before it was hashed"}
    path.write_bytes(b"y" * 10)
    assert files.digest_if_unchanged(str(path), mark)["hash_method"] == \
        "changed before it was hashed"
    assert files.digest(str(tmp_path / "never")) == {"size": None, "sha256": None,
                                                     "hash_method": "not found"}


def test_the_time_bound_stops_a_long_hash(tmp_path, monkeypatch):
    """A file that takes longer than KERASPROV_HASH_MAX_SECONDS is recorded unhashed."""
    path = tmp_path / "holes.bin"
    with open(path, "wb") as fh:
        fh.truncate(2 << 30)  # 2 GiB: far more than 10 ms of reading and hashing
    monkeypatch.setenv("KERASPROV_HASH_MAX_SECONDS", "0.01")
    got = files.digest(str(path))
    assert got == {"size": 2 << 30, "sha256": None,
                   "hash_method": "hashing took longer than the hash time limit"}
    monkeypatch.setenv("KERASPROV_HASH_MAX_SECONDS", "soon")
    path.write_bytes(b"abc")
    assert files.digest(str(path))["sha256"] == hashlib.sha256(b"abc").hexdigest()


def test_a_fifo_is_refused_before_any_open(tmp_path):
    """Opening a FIFO for reading blocks until a writer comes: it is never opened."""
    from kerasprov.digest import NotHashed, _open_regular, file_kind
    fifo = tmp_path / "p"
    os.mkfifo(fifo)
    with pytest.raises(NotHashed, match="not a regular file: fifo"):
        _open_regular(fifo)
    assert file_kind(os.stat("/dev/null").st_mode) == "character device"


def test_a_store_made_before_hash_method_gets_the_column(tmp_path, monkeypatch):
    """A store whose ``file`` table predates hash_method's migration is altered, its rows
    kept."""
    from kerasprov.store.embedded import EmbeddedStore
    from kerasprov.store.schema import ADDED_COLUMNS
    store = EmbeddedStore(tmp_path / "store")
    with store.unit(ingest=False) as be:
        be.execute("ALTER TABLE file DROP COLUMN hash_method")
        (version,) = [v for v, cols in ADDED_COLUMNS.items() if ("file", "hash_method",
                                                                  "text") in cols]
        be.execute("DELETE FROM _migrations WHERE version = ?", [version])
        be.execute("INSERT INTO file (run_id, path, role) VALUES ('old', '/x', 'used')")
    monkeypatch.setenv("KERASPROV_STORE", str(tmp_path / "store"))
    kerasprov.configure(store=tmp_path / "store")
    kerasprov.use_file("/dev/zero")
    from lineage_util import end_pending
    end_pending()
    assert kerasprov.flush()
    rows = kerasprov.open_store(str(tmp_path / "store")).sql(
        "SELECT path, hash_method FROM file ORDER BY path")
    assert rows["path"].tolist() == ["/dev/zero", "/x"]
    assert rows["hash_method"].tolist()[0] == "not a regular file: character device"
    assert rows["hash_method"].isna().tolist()[1]


def test_a_hash_that_never_returns_is_given_up_and_the_next_jobs_go_on(tmp_path, monkeypatch):
    """A read that never returns (a hung mount) holds the hash thread: the writer's wait
    ends after the time bound with the reason, and a new thread hashes what comes next."""
    import threading

    from kerasprov.capture import hashworker
    monkeypatch.setenv("KERASPROV_HASH_MAX_SECONDS", "0.5")
    never = threading.Event()
    try:
        stuck = hashworker.background(never.wait, on_timeout={"sha256": None, "why": "x"})
        behind = hashworker.background(lambda: 42)  # queued behind it, nobody waits on stuck
        assert behind() == 42
        path = tmp_path / "f.bin"
        path.write_bytes(b"abc")
        later = files.hash_in_background(str(path))
        assert stuck() == {"sha256": None, "why": "x"}
        assert later() == {"size": 3, "sha256": hashlib.sha256(b"abc").hexdigest(),
                           "hash_method": "full"}
    finally:
        never.set()
