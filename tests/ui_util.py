"""Helpers for the UI tests: a store with many generated runs, a real uvicorn server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx

CHROMIUM = "/usr/bin/chromium"  # Debian's chromium (scripts/test installs it)
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def generated_events(n_runs: int, epochs: int = 5, dataflow: str = "gen", start: float = 1.7e9,
                     running_every: int = 0) -> list[dict]:
    """The events a capture would emit for ``n_runs`` small runs (no Keras needed)."""
    events = []
    optimizers = ("Adam", "SGD", "RMSprop")
    for i in range(n_runs):
        run = f"gen{i:06d}"
        t0 = start + i * 60.0
        task = f"{run}-trainingmodel-1"
        seq = iter(range(10_000))

        def ev(kind, run=run, seq=seq, t0=t0, **kw):
            events.append({"v": 1, "run": run, "seq": next(seq), "type": kind, "ts": t0, **kw})

        ev("run_start", dataflow=dataflow, host="gen", user="tester", start=t0)
        ev("task_start", task=task, transformation="TrainingModel",
           inputs=["itrainingmodel"], outputs=["otrainingmodel"], start=t0)
        ev("rows", task=task, transformation="TrainingModel", set="itrainingmodel", rows=[{
            "optimizer_name": optimizers[i % 3], "learning_rate": [1e-3, 1e-2, 1e-1][i % 3],
            "batch_size": 16 * (1 + i % 4), "num_epochs": epochs}])
        ev("rows", task=task, transformation="TrainingModel", set="otrainingmodel", rows=[{
            "epoch": e, "loss": 1.0 / (e + 1) + i * 1e-6, "accuracy": 0.5 + e * 0.05,
            "val_loss": 1.1 / (e + 1), "val_accuracy": 0.45 + e * 0.05,
            "learning_rate": 1e-3, "elapsed_time": 0.1, "timestamp": t0 + e}
            for e in range(epochs)])
        if running_every and i % running_every == 0:
            continue
        ev("task_end", task=task, status="finished", end=t0 + epochs)
        ev("run_end", status="finished", end=t0 + epochs)
    return events


def generate_store(path, n_runs: int, epochs: int = 5, **kw) -> None:
    """Write ``n_runs`` generated runs straight into a real embedded store."""
    from kerasprov.store.embedded import EmbeddedStore
    from kerasprov.store.ingest import Ingestor
    events = generated_events(n_runs, epochs, **kw)
    with EmbeddedStore(path).unit(ingest=False) as be:
        ing = Ingestor(be)
        per_run = len(events) // max(1, n_runs)
        step = 2000 * per_run
        for i in range(0, len(events), step):
            ing.apply(events[i:i + step])


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    """``kerasprov ui`` (or ``serve``) in a real subprocess on a free 127.0.0.1 port."""

    def __init__(self, store, command: str = "ui"):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "KERAS_BACKEND": "torch"}
        env.pop("KERASPROV_TOKEN", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kerasprov", command, "--store", str(store), "--port",
             str(self.port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env=env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"kerasprov ui exited: {self.proc.stdout.read()}")
            try:
                httpx.get(self.url + "/.json", timeout=5)
            except httpx.HTTPError:
                time.sleep(0.2)
                continue
            # the command prints its URL before it starts serving
            self.banner = ""
            while "http://" not in self.banner:
                self.banner = self.proc.stdout.readline()
            return
        self.stop()
        raise RuntimeError("kerasprov ui did not answer within 60 s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


XSS_HP = "<script>alert(1)</script>"
XSS_LAYER = "<img src=x onerror=alert(1)>"


def train(dataflow: str = "uitest", epochs: int = 4, sleep: float = 0.0, lr: float = 1e-2,
          hyperparameters: dict | None = None, layer_name: str = "hidden",
          filter_name: str = "none", workdir: str | None = None,
          checkpoint: bool = False) -> None:
    """A tiny real training: a Filter transformation (with a generated file), fit with a
    learning-rate step at epoch 2 (an adaptation), then evaluate. ``checkpoint`` saves
    ``best.keras`` in ``workdir`` at every epoch (one file version per epoch)."""
    import pathlib

    import keras
    import numpy as np

    import kerasprov
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 8)).astype("float32")
    y = keras.utils.to_categorical((x[:, 0] + 0.5 * x[:, 1] > 0).astype(int), 2)
    with kerasprov.transformation("Filter", inputs={"filter_name": filter_name},
                                  dataflow=dataflow) as t:
        x = x * (0.5 if filter_name != "none" else 1.0)
        t.output(n_samples=len(x), scale=0.5 if filter_name != "none" else 1.0)
        if workdir:
            path = pathlib.Path(workdir) / f"filtered-{filter_name}.npy"
            np.save(path, x)
            t.generated_file(path)
    model = keras.Sequential([keras.Input((8,)),
                              keras.layers.Dense(16, activation="relu", name=layer_name),
                              keras.layers.Dense(2, activation="softmax", name="out")])
    model.provenance(dataflow_tag=dataflow, adaptation=True,
                     hyps={"OPTIMIZER_NAME": True, "LEARNING_RATE": True, "NUM_EPOCHS": True,
                           "BATCH_SIZE": True},
                     hyperparameters=hyperparameters or {})
    model.compile(optimizer=keras.optimizers.Adam(lr), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    callbacks = [keras.callbacks.LearningRateScheduler(lambda e, r: r * 0.5 if e == 2 else r)]
    if checkpoint and workdir:
        callbacks.append(keras.callbacks.ModelCheckpoint(
            str(pathlib.Path(workdir) / "best.keras"), save_best_only=False))
    if sleep:
        callbacks.append(keras.callbacks.LambdaCallback(
            on_epoch_end=lambda epoch, logs: time.sleep(sleep)))
    model.fit(x, y, epochs=epochs, batch_size=32, validation_split=0.2, verbose=0,
              callbacks=callbacks)
    model.evaluate(x, y, verbose=0)
    kerasprov.flush()


if __name__ == "__main__":  # the browser test starts a training in a real subprocess
    import argparse
    p = argparse.ArgumentParser()
    p.add_argument("--dataflow", default="live")
    p.add_argument("--epochs", type=int, default=6)
    p.add_argument("--sleep", type=float, default=1.0)
    a = p.parse_args()
    train(a.dataflow, a.epochs, a.sleep)
