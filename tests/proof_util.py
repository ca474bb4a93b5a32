"""Helpers for the proof tests (issue #22): a seeded training script run as a real
subprocess with signing on, and the ``kerasprov`` CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np

#: A seeded script (torch CPU, one thread): reads data.npy (recorded as used), trains 4
#: epochs with a learning rate that LR_LATE may change from epoch 2 on (an input nobody
#: records), saves model.keras and evaluates.
SCRIPT = textwrap.dedent('''
    import os
    import numpy as np
    import torch
    torch.set_num_threads(1)
    import keras
    import kerasprov
    keras.utils.set_random_seed(11)
    kerasprov.use_file("data.npy")
    data = np.load("data.npy")
    x, y = data[:, :4], data[:, 4:]
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(6, activation="relu"),
                              keras.layers.Dropout(0.2),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="binary_crossentropy",
                  metrics=["accuracy"])
    model.provenance(dataflow_tag="proofmlp", hyperparameters={"units": 6, "dropout": 0.2})
    late = float(os.environ.get("LR_LATE", "0.1"))
    schedule = keras.callbacks.LearningRateScheduler(lambda e, lr: 0.1 if e < 2 else late)
    model.fit(x, y, epochs=4, batch_size=16, validation_split=0.25, verbose=0,
              callbacks=[schedule])
    model.save("model.keras")
    model.evaluate(x, y, verbose=0)
''')


def make_project(folder: Path, seed: int = 0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(96, 4)).astype("float32")
    y = (x[:, :1] + x[:, 1:2] > 0).astype("float32")
    np.save(folder / "data.npy", np.concatenate([x, y], axis=1))
    (folder / "train.py").write_text(SCRIPT)
    return folder


def env_for(store, key: Path, **extra) -> dict:
    tests = str(Path(__file__).parent)
    path = os.pathsep.join(p for p in (os.environ.get("PYTHONPATH"), tests) if p)
    env = {k: v for k, v in os.environ.items() if k not in ("LR_LATE", "KERASPROV_ATTEST")}
    env.update({"KERASPROV_STORE": str(store), "KERASPROV_SIGNING_KEY": str(key),
                "KERAS_BACKEND": "torch", "PYTHONPATH": path, "KERASPROV_ATTEST": "1"})
    env.update({k: str(v) for k, v in extra.items()})
    return env


def train(folder: Path, env: dict) -> None:
    done = subprocess.run([sys.executable, "train.py"], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def cli(*args, env: dict, cwd=None, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kerasprov", *map(str, args)], env=env,
                          cwd=cwd, capture_output=True, text=True, timeout=timeout)


def only_run(store) -> str:
    import kerasprov
    runs = kerasprov.open_store(str(store)).runs()
    assert len(runs) == 1, runs
    return str(runs["run_id"].iloc[0])
