"""Capture overhead on the training thread and the writer thread: prints figures, asserts nothing.

    KERAS_BACKEND=torch .venv/bin/python benchmarks/overhead.py [--repeats 5] [--quick]

Three workloads: a plain 30-epoch MLP, a plain 5-epoch CNN, and the MLP with a
LearningRateScheduler, a ReduceLROnPlateau and a ModelCheckpoint (a ``.keras`` file every
epoch). Each runs under six tools in one process, alternating (the order rotates every
repeat): no capture, kerasprov, a floor (two callbacks that do nothing, where kerasprov puts
its two: what any two callbacks cost in Keras's dispatch and in this clock, so kerasprov
minus floor is kerasprov's own work), the floor plus one wake-up of a sleeping thread at
each epoch's end (what kerasprov's durability at once costs by itself on this machine, the
kernel's part of kerasprov's own work), MLflow's Keras autolog (``log_models=False``, file
store; when ``mlflow`` is installed: the ``bench`` extra), and a minimal W&B-like epoch
logger.

Every figure is measured the same way for every tool, from outside (``bench_util``):

- training thread per epoch: each callback's epoch hooks plus the batch hooks Keras ran on
  the training thread, summed by owner, one sample per epoch; median [interquartile
  range] over all epochs of all repeats. kerasprov code inside another callback (the
  ``model.save`` hook under ModelCheckpoint, a learning-rate hook under a scheduler) counts
  as kerasprov's;
- once per fit, apart: ``on_train_begin`` and ``on_train_end`` of each tool, and for
  kerasprov the wrapper's work before and after the original ``fit``;
- kerasprov's writer thread: CPU time from ``/proc`` (schedstat) over the fit and until
  its events are journaled, per epoch; the delivery into the store at run end apart;
  its hash thread (file hashes, array fingerprints) measured the same way, apart;
- ``fit`` wall time; whether ``History`` is bit-identical to the run without capture.

torch runs on one thread (``--threads``) to keep the shared machine's noise down; the load
average is printed beside every table.
"""

from __future__ import annotations

import _thread
import argparse
import importlib.util
import logging
import os
import sys
import tempfile
import threading
import time

os.environ.setdefault("KERAS_BACKEND", "torch")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_util as bu  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402

import kerasprov  # noqa: E402
from kerasprov.capture import patch as kp_patch  # noqa: E402
from kerasprov.capture import session as kp_session  # noqa: E402

KERASPROV, MLFLOW, OTHER, WANDB = bu.KERASPROV, bu.MLFLOW, bu.OTHER, bu.WANDB
NONE = "none"
FLOOR = "floor"  # two callbacks that do nothing, placed and timed as kerasprov's two
WAKE = "floor+wake"  # the floor, and one wake-up of a sleeping thread at each epoch's end
TOOL_OWNER = {KERASPROV: KERASPROV, MLFLOW: MLFLOW, WANDB: WANDB, FLOOR: KERASPROV,
              WAKE: KERASPROV}


def _floor_callbacks() -> list:
    """What any two callbacks cost in this measurement (Keras's dispatch of their epoch and
    batch hooks, and the clock around each call): kerasprov's head and tail minus this is
    kerasprov's own work. Owned by "kerasprov" (their module's name) so they are summed
    the same way, and with kerasprov's frameless batch no-ops."""
    from kerasprov.capture.callback import _NOOP, quiet_batch_hooks
    cls = type("Floor", (keras.callbacks.Callback,), {"__module__": "kerasprov.floor"})
    out = [cls(), cls()]
    for cb in out:
        quiet_batch_hooks(cb)
        # Frameless epoch hooks too (kerasprov's head has them on a plain fit): what is
        # left is the dispatch, so kerasprov's Python hooks count whole as its own work.
        cb.on_epoch_begin = cb.on_epoch_end = _NOOP
    return out


_sleeper: list = []


def _wake_callbacks() -> list:
    """The floor, whose last callback wakes a sleeping thread at each epoch's end (one
    Python call and one lock release, as kerasprov wakes its writer): what durability at
    once costs by itself on this machine (a futex wake; on a virtual machine with an idle
    CPU, an inter-processor interrupt too)."""
    if not _sleeper:
        lock = _thread.allocate_lock()
        lock.acquire()

        def sleep_forever():
            while True:
                lock.acquire()  # released by the hook: awake, then asleep again

        threading.Thread(target=sleep_forever, name="bench-sleeper", daemon=True).start()
        _sleeper.append(lock.release)
    release = _sleeper[0]

    def wake(epoch, logs=None):
        try:
            release()
        except RuntimeError:
            pass  # not asleep yet
    out = _floor_callbacks()
    out[1].on_epoch_end = wake
    return out


# -- workloads ------------------------------------------------------------------------------
def _mlp_data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2048, 32)).astype("float32")
    y = keras.utils.to_categorical((x[:, :4].sum(axis=1) > 0).astype(int), 2)
    return x, y


def _mlp():
    keras.utils.set_random_seed(0)
    m = keras.Sequential([keras.Input((32,)), keras.layers.Dense(64, activation="relu"),
                          keras.layers.Dense(64, activation="relu"),
                          keras.layers.Dense(2, activation="softmax")])
    m.compile(optimizer=keras.optimizers.Adam(1e-3), loss="categorical_crossentropy",
              metrics=["accuracy"])
    return m


def _cnn():
    keras.utils.set_random_seed(0)
    m = keras.Sequential([keras.Input((28, 28, 1)),
                          keras.layers.Conv2D(8, 3, activation="relu"),
                          keras.layers.MaxPooling2D(),
                          keras.layers.Conv2D(16, 3, activation="relu"),
                          keras.layers.GlobalAveragePooling2D(),
                          keras.layers.Dense(2, activation="softmax")])
    m.compile(optimizer=keras.optimizers.Adam(1e-3), loss="categorical_crossentropy",
              metrics=["accuracy"])
    return m


def _step(epoch, lr):
    return lr * 0.5 if epoch and epoch % 10 == 0 else lr


class Workload:
    def __init__(self, name, build, x, y, epochs, callbacks=None):
        self.name, self.build, self.x, self.y, self.epochs = name, build, x, y, epochs
        self.callbacks = callbacks or (lambda: [])


def workloads(quick: bool, tmp: str) -> list[Workload]:
    x, y = _mlp_data()
    mlp = Workload("MLP, plain (2048x32, 64-64-2, 30 epochs, batch 64)", _mlp, x, y, 30)

    def lr_and_checkpoint():
        return [keras.callbacks.LearningRateScheduler(_step),
                keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=2),
                keras.callbacks.ModelCheckpoint(os.path.join(tmp, "ckpt.keras"))]
    cbs = Workload("MLP + LearningRateScheduler + ReduceLROnPlateau + ModelCheckpoint "
                   "every epoch (30 epochs)", _mlp, x, y, 30, lr_and_checkpoint)
    if quick:
        return [mlp, cbs]
    rng = np.random.default_rng(0)
    xc = rng.normal(size=(2048, 28, 28, 1)).astype("float32")
    yc = keras.utils.to_categorical((xc[:, :14, :, 0].mean(axis=(1, 2)) > 0).astype(int), 2)
    cnn = Workload("CNN, plain (2048x28x28x1, conv 8 + conv 16, 5 epochs, batch 64)", _cnn,
                   xc, yc, 5)
    return [mlp, cnn, cbs]


# -- kerasprov's wrapper and writer, timed from outside --------------------------------------
class KerasprovProbe:
    def __init__(self):
        self.orig_in = self.orig_out = 0.0
        self.deliver_cpu = 0.0
        orig_fit = kp_patch._ORIG["fit"]
        probe = self

        def orig_fit_spy(*a, **k):
            probe.orig_in = time.perf_counter()
            try:
                return orig_fit(*a, **k)
            finally:
                probe.orig_out = time.perf_counter()
        kp_patch._ORIG["fit"] = orig_fit_spy

    def watch_outbox(self):
        ob = kp_session.get_outbox()
        if getattr(ob, "_bench_wrapped", False) or ob.deliver is None:
            return ob
        deliver = ob.deliver

        def timed():
            t0 = time.thread_time()
            try:
                return deliver()
            finally:
                self.deliver_cpu += time.thread_time() - t0
        ob.deliver = timed
        ob._bench_wrapped = True
        return ob


def fit_once(mode: str, w: Workload, clock: bu.CallbackClock, kp: KerasprovProbe, tmp: str,
             epochs: int | None = None) -> dict:
    epochs = epochs or w.epochs
    model = w.build()
    callbacks = w.callbacks()
    if mode == KERASPROV:
        model.provenance("bench", adaptation=True)
        kp.watch_outbox()
    elif mode == MLFLOW:
        import mlflow
        mlflow.keras.autolog(log_models=False, silent=True)
    elif mode in (FLOOR, WAKE):
        first, last = _floor_callbacks() if mode == FLOOR else _wake_callbacks()
        callbacks = [first, *callbacks, last]
    elif mode == WANDB:
        callbacks.append(bu.epoch_logger(os.path.join(tmp, "wandb-like.jsonl")))
    clock.reset()
    writer0 = bu.thread_cpu_s(bu.writer_thread())
    hash0 = bu.thread_cpu_s(bu.hash_thread())
    deliver0 = kp.deliver_cpu
    t0 = time.perf_counter()
    history = model.fit(w.x, w.y, epochs=epochs, batch_size=64, verbose=0,
                        callbacks=callbacks)
    t1 = time.perf_counter()
    out = {"fit_s": t1 - t0, "history": history.history, "fit_phases": dict(clock.fit),
           "per_epoch": {who: clock.per_epoch(who) for who in (KERASPROV, MLFLOW, WANDB, OTHER)},
           "batch": {who: clock.per_epoch(who, batch_only=True)
                     for who in (KERASPROV, MLFLOW, WANDB)}}
    if mode == KERASPROV:
        kerasprov.flush(60)  # its writer finishes (journal, delivery) outside the fit's time
        out["pre_s"] = kp.orig_in - t0
        out["post_s"] = t1 - kp.orig_out
        out["deliver_s"] = kp.deliver_cpu - deliver0
        out["writer_epoch_s"] = (bu.thread_cpu_s(bu.writer_thread()) - writer0
                                 - out["deliver_s"]) / epochs
        out["hash_epoch_s"] = (bu.thread_cpu_s(bu.hash_thread()) - hash0) / epochs
    if mode == MLFLOW:
        import mlflow
        mlflow.keras.autolog(disable=True)
    return out


def _pct(value, base):
    return f"{(value / base - 1) * 100:+.1f} %"


def run_workload(w: Workload, repeats: int, modes: list[str], clock, kp, tmp) -> dict:
    for mode in modes:  # warm-up: first-call costs of torch, keras, duckdb, mlflow
        fit_once(mode, w, clock, kp, tmp, epochs=1)
    load_before = bu.load()
    results: dict[str, list[dict]] = {m: [] for m in modes}
    for r in range(repeats):
        order = modes[r % len(modes):] + modes[:r % len(modes)]
        for mode in order:
            results[mode].append(fit_once(mode, w, clock, kp, tmp))
    print(f"\n== {w.name}: {repeats} repeats per tool, alternating; {load_before} before, "
          f"{bu.load()} after")
    base = [r["fit_s"] for r in results[NONE]]
    print(f"  {'tool':<11} {'fit wall, median [IQR]':<30} {'vs none':>9}  History")
    ref = results[NONE][0]["history"]
    for mode in modes:
        walls = [r["fit_s"] for r in results[mode]]
        m, q1, q3 = bu.summary(walls)
        same = all(r["history"] == ref for r in results[mode])
        print(f"  {mode:<11} {m:.3f} s [IQR {q1:.3f}-{q3:.3f}]{'':<6} "
              f"{_pct(m, bu.summary(base)[0]):>9}  {'bit-identical' if same else 'DIFFERS'}")
    print("  training thread per epoch, median [IQR] over every epoch: all its hooks run on it "
          "= epoch hooks + batch hooks (Keras calls every callback's batch hooks, no-ops too)")
    figures = {}
    for mode in modes:
        if mode == NONE:
            continue
        who = TOOL_OWNER[mode]
        samples = [s for r in results[mode] for s in r["per_epoch"][who]]
        batch = [s for r in results[mode] for s in r["batch"][who]]
        epoch_only = [a - b for a, b in zip(samples, batch)]
        figures[mode] = bu.summary(samples)[0]
        print(f"    {mode:<11} {bu.fmt_ms(samples)} = epoch hooks {bu.fmt_ms(epoch_only)} "
              f"+ batch hooks {bu.summary(batch)[0] * 1e3:.3f} ms")
    if KERASPROV in figures:
        ours = figures[KERASPROV]
        for mode, fig in figures.items():
            if mode not in (KERASPROV, FLOOR, WAKE):
                print(f"    {mode} / kerasprov: {fig / ours:.1f}x")
        if FLOOR in figures:
            net = ours - figures[FLOOR]
            line = (f"    kerasprov's own work (kerasprov - floor, medians): {net * 1e3:.3f} ms "
                    "per epoch")
            if MLFLOW in figures and net > 0:  # MLflow has one callback: its floor is less
                line += (f"; MLflow's, counted the same way: "
                         f"{(figures[MLFLOW] - figures[FLOOR]) * 1e3:.3f} ms "
                         f"({(figures[MLFLOW] - figures[FLOOR]) / net:.1f}x)")
            print(line)
        if WAKE in figures and FLOOR in figures:
            wake = figures[WAKE] - figures[FLOOR]
            print(f"    of which one wake-up of a sleeping thread (floor+wake - floor, the "
                  f"kernel's, measured here): {wake * 1e3:.3f} ms; kerasprov's own work "
                  f"besides (kerasprov - floor+wake): {(ours - figures[WAKE]) * 1e3:.3f} ms")
    others = {m: [s for r in results[m] for s in r["per_epoch"][OTHER]] for m in modes}
    print("    Keras's and the workload's own callbacks, per epoch, under each tool: "
          + ", ".join(f"{m} {bu.summary(v)[0] * 1e3:.3f} ms" for m, v in others.items()))
    print("  once per fit, median: on_train_begin / on_train_end of each tool")
    for mode in modes:
        if mode == NONE:
            continue
        who = TOOL_OWNER[mode]
        tb = bu.summary([r["fit_phases"].get((who, "train_begin"), 0.0) for r in results[mode]])[0]
        te = bu.summary([r["fit_phases"].get((who, "train_end"), 0.0) for r in results[mode]])[0]
        line = f"    {mode:<11} {tb * 1e3:.2f} ms / {te * 1e3:.2f} ms"
        if mode == KERASPROV:
            pre = bu.summary([r["pre_s"] for r in results[mode]])[0]
            post = bu.summary([r["post_s"] for r in results[mode]])[0]
            line += (f"; the fit wrapper: {pre * 1e3:.2f} ms before the original fit, "
                     f"{post * 1e3:.2f} ms after it")
        print(line)
    if KERASPROV in modes:
        kpr = results[KERASPROV]
        print(f"  kerasprov writer thread: {bu.fmt_ms([r['writer_epoch_s'] for r in kpr])} CPU "
              f"per epoch (journal, fsync, file hashes, its own wake-ups); delivery into the "
              f"store at run end: {bu.summary([r['deliver_s'] for r in kpr])[0] * 1e3:.1f} ms CPU")
        print(f"  kerasprov hash thread: {bu.fmt_ms([r['hash_epoch_s'] for r in kpr])} CPU per "
              f"epoch (file hashes, array fingerprints; started as the event is emitted)")
    return results


def batch_hook_cost(n=200_000):
    from kerasprov.capture.batch import BatchCapture
    logs = {"loss": 0.5, "accuracy": 0.75}
    for every in (1, 10):
        cb = BatchCapture(capture=None, every=every)
        t0 = time.perf_counter()
        for b in range(n):
            cb.on_train_batch_end(b, logs)
        dt = (time.perf_counter() - t0) / n
        print(f"  batch_every={every}: {dt * 1e6:.2f} us per batch in the hook "
              "(runs on Keras's callback thread: the hook is async-safe)")


def count_every_hook() -> None:
    """Count all of kerasprov's work inside other callbacks: the save wrapper's part after
    the save, and the learning-rate hooks' part after the assignment (older trees: the
    functions ``bench_util`` names)."""
    from kerasprov.capture import lrwatch
    if hasattr(lrwatch, "_assigned") and hasattr(kp_patch, "_saved"):
        bu.NESTED_HOOKS[:] = [("kerasprov.capture.patch", "_saved"),
                              ("kerasprov.capture.lrwatch", "_assigned"),
                              ("kerasprov.capture.lrwatch", "_after_set")]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, help="fits per tool and workload (default 5; "
                        "2 with --quick)")
    parser.add_argument("--quick", action="store_true", help="2 repeats, MLP workloads only")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    parser.add_argument("--no-mlflow", action="store_true")
    args = parser.parse_args(argv)
    if keras.backend.backend() == "torch":
        import torch
        torch.set_num_threads(args.threads)
    tmp = tempfile.mkdtemp(prefix="kp-bench-")
    kerasprov.configure(store=os.path.join(tmp, "store"))
    modes = [NONE, KERASPROV, FLOOR, WAKE, WANDB]
    if not args.no_mlflow and importlib.util.find_spec("mlflow") is not None:
        import mlflow
        # MLflow 3 keeps its file store in maintenance mode; it is still the zero-set-up one.
        os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
        logging.getLogger("mlflow").setLevel(logging.ERROR)
        mlflow.set_tracking_uri("file:" + os.path.join(tmp, "mlruns"))
        modes.insert(2, MLFLOW)
    print(f"kerasprov {kerasprov.__version__} from {os.path.dirname(kerasprov.__file__)}, "
          f"keras {keras.__version__} ({keras.backend.backend()}, {args.threads} thread), "
          f"python {sys.version.split()[0]}, {os.cpu_count()} CPU cores, {bu.load()}")
    if MLFLOW not in modes:
        print("mlflow is not installed (pip install -e '.[bench]'): no MLflow side by side")
    count_every_hook()
    clock = bu.CallbackClock()
    kp = KerasprovProbe()
    for w in workloads(args.quick, tmp):
        run_workload(w, args.repeats or (2 if args.quick else 5), modes, clock, kp, tmp)
    print("\n== opt-in per-batch capture (batch_every)")
    batch_hook_cost()
    print("\ntargets (issue #23): training thread <= 0.02 ms per epoch on a plain fit, <= 0.05 "
          "ms with LR callbacks and a checkpoint every epoch (medians, every hook counted), "
          ">= 10x ahead of MLflow's autolog on every path")


if __name__ == "__main__":
    main()
