"""Helpers for the reliability tests: a real training child process and checks on its output.

Run as a script, this file *is* the child: it trains a tiny MLP with provenance and prints
``JOURNALED <epoch>`` once that epoch's row is in the journal (fsynced), so a parent that
kills it knows which epochs must survive.

    python tests/reliability_util.py --tag t --epochs 20 [--sleep 0.05] [--samples 128]

With ``--stop-at WHERE`` it is the child of the durability and preemption tests: it stops
itself with ``--signal`` (KILL or TERM) at one point of the run, ``end:K`` (epoch K's
``on_epoch_end``, before kerasprov's row of epoch K), ``begin:K`` (the start of epoch K,
right after epoch K-1's row), ``batch:K`` (mid epoch K), ``save:K`` (in the middle of
writing epoch K's checkpoint) or ``aftersave:K`` (in a slow callback after epoch K's
checkpoint, 10 pauses long), and prints ``ENDED K`` once epoch K's row is handed over
(not waiting for the journal), so a parent can also stop it from outside.

    python tests/reliability_util.py --tag t --epochs 20 --stop-at end:3 --signal KILL \
        [--pause 0.2] [--checkpoint DIR [--slow-hash SECONDS]] [--user-handler before|after]
        [--no-capture]
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


def ended(stdout: str) -> list[int]:
    return [int(m) for m in re.findall(r"^ENDED (\d+)$", stdout, re.MULTILINE)]


def stop_cmd(tag: str, epochs: int, stop_at: str = "never", sig: str = "KILL",
             pause: float = 0.2, extra: tuple[str, ...] = ()) -> list[str]:
    return [sys.executable, str(HERE), "--tag", tag, "--epochs", str(epochs), "--stop-at",
            stop_at, "--signal", sig, "--pause", str(pause), *extra]


# -- the child ------------------------------------------------------------------------------
def _stop_main(args) -> None:
    """Train, and stop this process by a signal at ``args.stop_at`` (see the docstring)."""
    import signal
    import time
    if args.user_handler == "before":
        _user_handler()
    import keras
    import numpy as np
    if not args.no_capture:
        import kerasprov
    if args.slow_hash:  # a big checkpoint: each file hash takes this long
        from kerasprov.capture import files
        digest = files.digest

        def slow_digest(path, *more, **kw):
            time.sleep(args.slow_hash)
            return digest(path, *more, **kw)
        files.digest = slow_digest

    where, _, at = args.stop_at.partition(":")
    at = int(at) if at else -1
    sig = getattr(signal, "SIG" + args.signal)

    def stop():
        print(f"STOPPING {args.stop_at}", flush=True)
        os.kill(os.getpid(), sig)

    @keras.saving.register_keras_serializable("reliability")
    class Probe(keras.layers.Layer):
        """An identity layer whose weights are written mid-save: a kill point inside save."""

        epoch = -1

        def call(self, x):
            return x

        def save_own_variables(self, store):
            if where == "save" and Probe.epoch == at:
                stop()

    rng = np.random.default_rng(abs(hash(args.tag)) % 2**32)
    x = rng.normal(size=(args.samples, 8)).astype("float32")
    y = keras.utils.to_categorical((x[:, 0] + 0.5 * x[:, 1] > 0).astype(int), 2)
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(8, activation="relu"),
                              Probe(), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    if not args.no_capture:
        model.provenance(args.tag)
    if args.user_handler == "after":
        _user_handler()

    class Stopper(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            Probe.epoch = epoch
            if epoch > 0:
                print(f"ENDED {epoch - 1}", flush=True)  # its row is queued, maybe not written
            if where == "begin" and epoch == at:
                stop()
            if where != "batchsave":  # there the pause is after the mid-epoch save
                time.sleep(args.pause)  # an epoch of some length: the writer's time to write

        def on_train_batch_end(self, batch, logs=None):
            if where == "batch" and Probe.epoch == at and batch == 1:
                stop()

        def on_train_batch_begin(self, batch, logs=None):
            # ModelCheckpoint(save_freq=2) saved after batch 1; nothing ends the epoch yet
            if where == "batchsave" and Probe.epoch == at and batch == 3:
                time.sleep(args.pause)
                stop()

        def on_epoch_end(self, epoch, logs=None):
            if where == "end" and epoch == at:
                stop()

    class AfterSave(keras.callbacks.Callback):
        """After the ModelCheckpoint: a slow callback (an upload) at epoch K's end."""

        def on_epoch_end(self, epoch, logs=None):
            if where == "aftersave" and epoch == at:
                time.sleep(10 * args.pause)
                stop()

    callbacks = [Stopper()]
    if args.checkpoint and where == "batchsave":  # one file, saved every 2 batches
        callbacks.append(keras.callbacks.ModelCheckpoint(
            os.path.join(args.checkpoint, "ckpt-batch.keras"), save_freq=2))
    elif args.checkpoint:
        callbacks.append(keras.callbacks.ModelCheckpoint(
            os.path.join(args.checkpoint, "ckpt-{epoch:02d}.keras")))
        callbacks.append(AfterSave())
    print(f"PID {os.getpid()}", flush=True)
    model.fit(x, y, epochs=args.epochs, batch_size=32, verbose=0, callbacks=callbacks)
    print("TRAINED", flush=True)
    if not args.no_capture:
        kerasprov.flush()


def _user_handler() -> None:
    """A script's own SIGTERM handler: says so, then exits with its own status."""
    import signal

    def handler(signum, frame):
        print(f"USER HANDLER {signum}", flush=True)
        sys.exit(7)
    signal.signal(signal.SIGTERM, handler)


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
    parser.add_argument("--stop-at")
    parser.add_argument("--signal", default="KILL")
    parser.add_argument("--pause", type=float, default=0.2)
    parser.add_argument("--checkpoint")
    parser.add_argument("--slow-hash", type=float, default=0.0)
    parser.add_argument("--user-handler", choices=["before", "after"])
    parser.add_argument("--no-capture", action="store_true")
    args = parser.parse_args(argv)
    if args.stop_at:
        _stop_main(args)
        return

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
