"""Helpers for the reliability tests: a real training child process and checks on its output.

Run as a script, this file *is* the child: it trains a tiny MLP with provenance and prints
``JOURNALED <epoch>`` once that epoch's row is in the journal (fsynced), so a parent that
kills it knows which epochs must survive.

    python tests/reliability_util.py --tag t --epochs 20 [--sleep 0.05] [--samples 128]
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve()

#: What must never reach a user: tracebacks, DuckDB lock errors, ignored exceptions.
_NOISE = re.compile(r"Traceback|Could not set lock|Conflicting lock|Exception ignored|"
                    r"IOException|StoreBusy|^Error:|ResourceWarning", re.IGNORECASE)


def child_env(store: Path | str, **extra: str) -> dict:
    env = {**os.environ, "KERAS_BACKEND": "torch", "KERASPROV_STORE": str(store),
           "PYTHONWARNINGS": "default", "PYTHONUNBUFFERED": "1"}
    env.update(extra)
    return env


def train_cmd(tag: str, epochs: int, sleep: float = 0.0, samples: int = 128,
              extra: tuple[str, ...] = ()) -> list[str]:
    return [sys.executable, str(HERE), "--tag", tag, "--epochs", str(epochs),
            "--sleep", str(sleep), "--samples", str(samples), *extra]


def start_training(store, tag: str, epochs: int, sleep: float = 0.0, samples: int = 128,
                   extra: tuple[str, ...] = (), preexec_fn=None, wrap: list[str] | None = None,
                   **popen) -> subprocess.Popen:
    cmd = (wrap or []) + train_cmd(tag, epochs, sleep, samples, extra)
    return subprocess.Popen(cmd, env=child_env(store), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=preexec_fn, **popen)  # noqa: PLW1509 - limits for the child


def journaled(stdout: str) -> list[int]:
    return [int(m) for m in re.findall(r"^JOURNALED (\d+)$", stdout, re.MULTILINE)]


def provenance_warnings(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if "ProvenanceWarning" in ln]


def assert_clean(stderr: str, allowed_warnings: int = 0) -> None:
    """No traceback or lock error, and at most ``allowed_warnings`` provenance warnings."""
    lines = stderr.splitlines()
    # A warning is two lines: the message, then the source line that issued it.
    said = {i for i, ln in enumerate(lines) if "ProvenanceWarning" in ln}
    said |= {i + 1 for i in said}
    bad = [ln for i, ln in enumerate(lines) if i not in said and _NOISE.search(ln)]
    assert not bad, stderr
    warns = provenance_warnings(stderr)
    assert len(warns) <= allowed_warnings, stderr


def read_until(proc: subprocess.Popen, pattern: str, timeout: float = 300.0) -> list[str]:
    """Lines of the child's stdout up to (and including) the first matching ``pattern``."""
    import selectors
    import time
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if not sel.select(timeout=1.0):
                if proc.poll() is not None:
                    break
                continue
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line.rstrip("\n"))
            if re.search(pattern, line):
                return lines
    finally:
        sel.close()
    raise AssertionError(f"child never printed {pattern!r}; stdout so far: {lines}; "
                         f"stderr: {proc.stderr.read() if proc.poll() is not None else ''}")


# -- the child ------------------------------------------------------------------------------
def _main(argv: list[str]) -> None:
    import argparse
    import time
    parser = argparse.ArgumentParser()
    parser.add_argument("--tag", required=True)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--sleep", type=float, default=0.0)
    parser.add_argument("--samples", type=int, default=128)
    parser.add_argument("--batch-every", type=int, default=0)
    parser.add_argument("--flush-timeout", type=float, default=10.0)
    args = parser.parse_args(argv)

    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras
    import numpy as np

    import kerasprov

    rng = np.random.default_rng(abs(hash(args.tag)) % 2**32)
    x = rng.normal(size=(args.samples, 8)).astype("float32")
    y = keras.utils.to_categorical((x[:, 0] + 0.5 * x[:, 1] > 0).astype(int), 2)
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    opts = {"batch_every": args.batch_every} if args.batch_every else {}
    model.provenance(args.tag, hyperparameters={"child": args.tag}, **opts)

    class Report(keras.callbacks.Callback):
        # Our Tail callback writes epoch n's row at on_epoch_end, after every user callback;
        # so at on_epoch_begin(n + 1) and on_train_end, epoch n's row has been queued, and
        # kerasprov.flush() returns once it is in the journal (fsynced).
        def on_epoch_begin(self, epoch, logs=None):
            if epoch > 0:
                report(epoch - 1)

        def on_epoch_end(self, epoch, logs=None):
            if args.sleep:
                time.sleep(args.sleep)

        def on_train_end(self, logs=None):
            report(self.params["epochs"] - 1)

    def report(epoch):
        # A store that cannot be written makes flush() time out: say so, and go on.
        if kerasprov.flush(args.flush_timeout):
            print(f"JOURNALED {epoch}", flush=True)
        else:
            print(f"EPOCH {epoch}", flush=True)

    history = model.fit(x, y, epochs=args.epochs, batch_size=32, verbose=0,
                        callbacks=[Report()])
    print(f"TRAINED {len(history.history['loss'])}", flush=True)


if __name__ == "__main__":
    _main(sys.argv[1:])
