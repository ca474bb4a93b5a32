"""Distributed training: a job of two real processes (torch.distributed over gloo on
localhost, Keras on the torch backend, weights averaged across ranks every epoch) is one
run with two worker agents and its epochs stored once; with ``ranks="all"`` rank 1 records
its own epochs in a sub-run; and the same job writes to a ``kerasprov serve`` store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest
from pg_util import free_port
from test_server import TOKEN, Server

import kerasprov
from kerasprov.capture import distributed

pytest.importorskip("torch.distributed")

# What both job scripts train: the same data and model on every rank.
_DATA = textwrap.dedent('''
    rng = np.random.default_rng(0)
    x = rng.normal(size=(128, 4)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5], [1.5]], dtype="float32")).astype("float32")
''')
_MODEL = textwrap.dedent('''
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
''')


def _script(text: str) -> str:
    return textwrap.dedent(text).replace("# DATA\n", _DATA).replace("# MODEL\n", _MODEL)


JOB = _script('''
    import json, os
    import kerasprov
    if os.environ.get("KP_RANKS"):
        kerasprov.distributed(ranks=os.environ["KP_RANKS"])
    import numpy as np
    import keras
    import torch
    import torch.distributed as dist

    dist.init_process_group("gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    kerasprov.autolog(dataflow_tag="ddp")
    keras.utils.set_random_seed(rank)  # ranks start apart: averaging must bring them together
    # DATA

    class AverageWeights(keras.callbacks.Callback):
        """Data parallel by model averaging: after each epoch every rank takes the mean."""

        def on_epoch_end(self, epoch, logs=None):
            for v in self.model.trainable_variables:
                t = v.value.detach().clone()
                dist.all_reduce(t)
                v.assign(t / world)

    # MODEL
    model.fit(x[rank::world], y[rank::world], epochs=3, batch_size=16, verbose=0,
              callbacks=[AverageWeights()])
    w = torch.tensor(float(sum(np.sum(v.numpy()) for v in model.trainable_variables)))
    ws = [torch.zeros(()) for _ in range(world)]
    dist.all_gather(ws, w)
    print("WEIGHTS " + json.dumps([float(t) for t in ws]))
    print("FLUSHED", kerasprov.flush())
    dist.barrier()
    dist.destroy_process_group()
''')

SRC = str(Path(__file__).resolve().parents[1] / "src")


def _job(tmp: Path, store: str, ranks: str | None = None) -> list[float]:
    script = tmp / "job.py"
    script.write_text(JOB)
    port = free_port()
    procs = []
    for rank in range(2):
        env = dict(os.environ, PYTHONPATH=SRC, KERAS_BACKEND="torch", KERASPROV_STORE=store,
                   KERASPROV_OUTBOX=str(tmp / f"outbox{rank}"), RANK=str(rank),
                   WORLD_SIZE="2", MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
        env.pop("KP_RANKS", None)
        if ranks:
            env["KP_RANKS"] = ranks
        procs.append(subprocess.Popen([sys.executable, str(script)], env=env, cwd=tmp,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True))
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (_out, err) in zip(procs, outs):
        assert p.returncode == 0, err[-3000:]
        assert "ProvenanceWarning" not in err, err[-3000:]
    weights = json.loads(outs[0][0].split("WEIGHTS ")[1].splitlines()[0])
    assert weights[0] == pytest.approx(weights[1])  # a real data-parallel training
    return weights


def test_two_process_job_is_one_run_with_two_workers(tmp_path):
    _job(tmp_path, str(tmp_path / "store"))
    store = kerasprov.open_store(str(tmp_path / "store"))
    runs = store.sql("SELECT run_id, status, dataflow_tag FROM execution")
    assert len(runs) == 1 and runs.status[0] == "finished"
    run = runs.run_id[0]
    agents = store.sql("SELECT run_id, rank, world_size, host, pid, devices, role, activity, "
                       "source FROM agent ORDER BY rank")
    assert list(agents["rank"]) == [0, 1] and set(agents.run_id) == {run}
    assert (agents.world_size == 2).all() and agents.pid.nunique() == 2
    assert all(json.loads(d) == ["cpu"] for d in agents.devices)
    assert agents.activity[0] == run and pd.isna(agents.activity[1])  # rank 1 wrote no run
    assert set(agents.source) == {"torch.distributed"}
    epochs = store.sql(f"SELECT epoch FROM epochs WHERE run_id = '{run}' ORDER BY epoch")
    assert list(epochs.epoch) == [0, 1, 2]  # once, not once per rank
    assert len(store.sql("SELECT * FROM ds_itrainingmodel")) == 1
    text = store.prov(run_id=run).get_provn()
    assert text.count("kerasprov:Worker") == 2
    assert text.count(f"wasAssociatedWith(kerasprov:run/{run}, kerasprov:worker/") == 2
    # Its command alone (one rank's argv) does not make the job again: rerun refuses, and
    # says how to rerun it (issue #22), before it runs anything.
    del store
    out = subprocess.run([sys.executable, "-m", "kerasprov", "rerun", run, "--store",
                          str(tmp_path / "store")], capture_output=True, text=True,
                         timeout=120, check=False)
    assert out.returncode == 2, (out.stdout, out.stderr)
    assert f"run {run} is a distributed job" in out.stderr and "launcher" in out.stderr
    assert "Traceback" not in out.stderr
    assert len(kerasprov.open_store(str(tmp_path / "store")).runs()) == 1  # nothing ran


def test_job_with_all_ranks_to_a_server(tmp_path, monkeypatch):
    served = Server(str(tmp_path / "served"), tmp_path).start()
    monkeypatch.setenv("KERASPROV_TOKEN", TOKEN)  # the ranks' environment and this process's
    try:
        _job(tmp_path, served.url, ranks="all")
        store = kerasprov.open_store(served.url)
        for _ in range(100):  # the outboxes deliver in the background
            agents = store.sql("SELECT run_id, rank, activity FROM agent ORDER BY rank")
            runs = store.sql("SELECT run_id, status FROM execution ORDER BY run_id")
            if len(agents) == 2 and len(runs) == 2 and set(runs.status) == {"finished"}:
                break
            time.sleep(0.2)
        main = agents.run_id[0]
        assert set(agents.run_id) == {main} and list(agents["rank"]) == [0, 1]
        assert list(runs.run_id) == [main, f"{main}-r1"]  # the run and rank 1's sub-run
        assert agents.activity[1] == f"{main}-r1"
        epochs = store.sql("SELECT run_id, COUNT(*) AS n FROM epochs GROUP BY run_id "
                           "ORDER BY run_id")
        assert list(epochs.n) == [3, 3]
    finally:
        served.kill()


@pytest.mark.parametrize("env, rank, world, source", [
    ({"RANK": "3", "WORLD_SIZE": "4"}, 3, 4, "RANK/WORLD_SIZE"),
    ({"KERAS_DISTRIBUTION_PROCESS_ID": "1", "KERAS_DISTRIBUTION_NUM_PROCESSES": "2"}, 1, 2,
     "KERAS_DISTRIBUTION_PROCESS_ID/KERAS_DISTRIBUTION_NUM_PROCESSES"),
    ({"TF_CONFIG": json.dumps({"cluster": {"chief": ["a:1"], "worker": ["b:1", "c:1"]},
                               "task": {"type": "worker", "index": 1}})}, 2, 3, "TF_CONFIG"),
    ({"RANK": "0", "WORLD_SIZE": "1"}, None, None, None),
])
def test_rank_from_the_environment(monkeypatch, env, rank, world, source):
    for name in ("RANK", "WORLD_SIZE", "KERAS_DISTRIBUTION_PROCESS_ID", "TF_CONFIG",
                 "KERAS_DISTRIBUTION_NUM_PROCESSES", "SLURM_PROCID", "SLURM_NTASKS",
                 "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"):
        monkeypatch.delenv(name, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    found = distributed._from_env()
    assert found == (None if rank is None else (rank, world, source))


def test_job_ids_and_bad_options(monkeypatch):
    monkeypatch.setenv("SLURM_JOB_ID", "4242")
    monkeypatch.setenv("SLURM_STEP_ID", "1")
    assert distributed._launcher_job() == "slurm-4242.1"
    # A requeued or restarted job keeps its launcher id; its restart count makes a new run.
    monkeypatch.setenv("SLURM_RESTART_COUNT", "0")
    assert distributed._launcher_job() == "slurm-4242.1"
    monkeypatch.setenv("SLURM_RESTART_COUNT", "2")
    assert distributed._launcher_job() == "slurm-4242.1-restart2"
    for name in ("SLURM_JOB_ID", "SLURM_STEP_ID", "SLURM_RESTART_COUNT"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("TORCHELASTIC_RUN_ID", "abc")
    assert distributed._launcher_job() == "torchelastic-abc"
    monkeypatch.setenv("TORCHELASTIC_RESTART_COUNT", "1")
    assert distributed._launcher_job() == "torchelastic-abc-restart1"
    assert distributed.run_id_for("torchelastic-abc-restart1", 1) != \
        distributed.run_id_for("torchelastic-abc", 1)
    monkeypatch.setenv("SLURM_JOB_ID", "4242")
    monkeypatch.setenv("SLURM_STEP_ID", "1")
    a, b = distributed.run_id_for("slurm-4242.1", 1), distributed.run_id_for("slurm-4242.1", 2)
    assert a != b and len(a) <= 64 and a == distributed.run_id_for("slurm-4242.1", 1)
    with pytest.raises(ValueError, match="ranks must be one of"):
        kerasprov.distributed(ranks="some")
    with pytest.raises(ValueError, match="job must be a non-empty string"):
        kerasprov.distributed(job="")


JAX_JOB = _script('''
    import json, os, sys
    rank, port = int(os.environ["KP_RANK"]), os.environ["KP_PORT"]
    import jax
    jax.distributed.initialize(coordinator_address=f"127.0.0.1:{port}", num_processes=2,
                               process_id=rank)
    import kerasprov
    import numpy as np
    import keras
    from jax.experimental import multihost_utils

    kerasprov.autolog(dataflow_tag="jaxjob")
    keras.utils.set_random_seed(rank)
    # DATA

    class AverageWeights(keras.callbacks.Callback):
        """Data parallel by model averaging across the two processes after each epoch."""

        def on_epoch_end(self, epoch, logs=None):
            for v in self.model.trainable_variables:
                v.assign(multihost_utils.process_allgather(np.asarray(v.numpy())).mean(0))

    # MODEL
    model.fit(x[rank::2], y[rank::2], epochs=3, batch_size=16, verbose=0,
              callbacks=[AverageWeights()])
    total = float(sum(np.sum(v.numpy()) for v in model.trainable_variables))
    print("WEIGHTS " + json.dumps(
        np.asarray(multihost_utils.process_allgather(np.array([total]))).ravel().tolist()))
    print("FLUSHED", kerasprov.flush())
    multihost_utils.sync_global_devices("done")
''')


def test_a_jax_multi_process_job_is_one_run_with_two_workers(tmp_path):
    """JAX's own multi-process runtime (jax.distributed on CPU, gloo collectives): ranks
    come from jax.process_index(), and the job id is shared through JAX's key-value store
    (no launcher variable, no KERASPROV_JOB)."""
    pytest.importorskip("jax")
    script = tmp_path / "jaxjob.py"
    script.write_text(JAX_JOB)
    port = free_port()
    procs = []
    for rank in range(2):
        env = {k: v for k, v in os.environ.items() if k not in (
            "RANK", "WORLD_SIZE", "KERASPROV_JOB", "SLURM_JOB_ID", "TORCHELASTIC_RUN_ID")}
        env.update(PYTHONPATH=SRC, KERAS_BACKEND="jax", KP_RANK=str(rank), KP_PORT=str(port),
                   KERASPROV_STORE=str(tmp_path / "store"),
                   KERASPROV_OUTBOX=str(tmp_path / f"outbox{rank}"), JAX_PLATFORMS="cpu")
        procs.append(subprocess.Popen([sys.executable, str(script)], env=env, cwd=tmp_path,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True))
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (_out, err) in zip(procs, outs):
        assert p.returncode == 0, err[-3000:]
        assert "ProvenanceWarning" not in err, err[-3000:]
    weights = json.loads(outs[0][0].split("WEIGHTS ")[1].splitlines()[0])
    assert weights[0] == pytest.approx(weights[1])  # the two processes trained together
    store = kerasprov.open_store(str(tmp_path / "store"))
    runs = store.sql("SELECT run_id, status, backend FROM execution")
    assert len(runs) == 1 and runs.status[0] == "finished" and runs.backend[0] == "jax"
    run = runs.run_id[0]
    agents = store.sql("SELECT run_id, rank, world_size, pid, source, activity FROM agent "
                       "ORDER BY rank")
    assert list(agents["rank"]) == [0, 1] and set(agents.run_id) == {run}
    assert (agents.world_size == 2).all() and agents.pid.nunique() == 2
    assert set(agents.source) == {"jax"}
    assert agents.activity[0] == run and pd.isna(agents.activity[1])
    epochs = store.sql(f"SELECT epoch FROM epochs WHERE run_id = '{run}' ORDER BY epoch")
    assert list(epochs.epoch) == [0, 1, 2]
