"""Capture overhead (issue #2, issue #7): prints figures, asserts nothing.

    KERAS_BACKEND=torch .venv/bin/python benchmarks/overhead.py [--repeats 5] [--quick]

(a) ``fit`` time with and without capture: a 30-epoch small MLP and a 5-epoch small CNN,
    alternating pairs in one process (the order flips every pair), medians;
(b) training-thread time in kerasprov's hooks per epoch (timed inside the hooks:
    ``FitCapture.hook_s``) and the background writer's CPU time per epoch
    (``Outbox.cpu_s``), with the end-of-run delivery into DuckDB shown apart;
(c) one-time cost at the start and the end of ``fit`` (the wrapper's work before and after
    the original ``fit``, plus our ``on_train_begin``);
(d) per-batch cost of the opt-in ``batch_every`` hook;
and MLflow's Keras autolog on the same workloads when ``mlflow`` is importable.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras
import numpy as np

import kerasprov
from kerasprov.capture import callback as kp_callback
from kerasprov.capture import patch as kp_patch
from kerasprov.capture import session as kp_session


# -- workloads ------------------------------------------------------------------------------
def mlp_workload():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2048, 32)).astype("float32")
    y = keras.utils.to_categorical((x[:, :4].sum(axis=1) > 0).astype(int), 2)

    def build():
        keras.utils.set_random_seed(0)
        m = keras.Sequential([keras.Input((32,)), keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dense(2, activation="softmax")])
        m.compile(optimizer=keras.optimizers.Adam(1e-3), loss="categorical_crossentropy",
                  metrics=["accuracy"])
        return m
    return "MLP (2048x32, 64-64-2, 30 epochs, batch 64)", build, x, y, 30, 64


def cnn_workload():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2048, 28, 28, 1)).astype("float32")
    y = keras.utils.to_categorical((x[:, :14, :, 0].mean(axis=(1, 2)) > 0).astype(int), 2)

    def build():
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
    return "CNN (2048x28x28x1, conv 8 + conv 16, 5 epochs, batch 64)", build, x, y, 5, 64


# -- instrumentation (wraps, never changes, what it measures) --------------------------------
class Probe:
    def __init__(self):
        self.caps: list = []
        self.orig_in = self.orig_out = 0.0
        self.train_begin_s = 0.0
        self.deliver_cpu = 0.0
        start_fit, orig_fit = kp_patch.start_fit, kp_patch._ORIG["fit"]
        train_begin = kp_callback.FitCapture.train_begin
        probe = self

        def start_fit_spy(*a, **k):
            cap = start_fit(*a, **k)
            probe.caps.append(cap)
            return cap

        def orig_fit_spy(*a, **k):
            probe.orig_in = time.perf_counter()
            try:
                return orig_fit(*a, **k)
            finally:
                probe.orig_out = time.perf_counter()

        def train_begin_spy(cap):
            t0 = time.perf_counter()
            try:
                return train_begin(cap)
            finally:
                probe.train_begin_s += time.perf_counter() - t0

        kp_patch.start_fit = start_fit_spy
        kp_patch._ORIG["fit"] = orig_fit_spy
        kp_callback.FitCapture.train_begin = train_begin_spy

    def watch_outbox(self):
        ob = kp_session.get_outbox()
        if getattr(ob, "_bench_wrapped", False):
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


def time_mlflow_hooks(probe):
    """Time MLflow's Keras callback on the training thread, as our hooks are timed."""
    from mlflow.keras.callback import MlflowCallback
    probe.ml_epoch_s = probe.ml_batch_s = 0.0

    def timed(name, slot):
        orig = getattr(MlflowCallback, name)

        def hook(self, *args, **kwargs):
            t0 = time.perf_counter()
            try:
                return orig(self, *args, **kwargs)
            finally:
                setattr(probe, slot, getattr(probe, slot) + time.perf_counter() - t0)
        setattr(MlflowCallback, name, hook)
    for name in ("on_train_begin", "on_epoch_end", "on_test_end"):
        timed(name, "ml_epoch_s")
    timed("on_batch_end", "ml_batch_s")


def fit_once(mode, build, x, y, epochs, batch, probe):
    model = build()
    if mode == "kerasprov":
        model.provenance("bench", adaptation=True)
    elif mode == "mlflow":
        import mlflow
        mlflow.keras.autolog(log_models=False)
    out = {}
    ml0 = (getattr(probe, "ml_epoch_s", 0.0), getattr(probe, "ml_batch_s", 0.0))
    ob = probe.watch_outbox() if mode == "kerasprov" else None
    cpu0 = ob.cpu_s if ob else 0.0
    dcpu0 = probe.deliver_cpu
    probe.train_begin_s = 0.0
    t0 = time.perf_counter()
    model.fit(x, y, epochs=epochs, batch_size=batch, verbose=0)
    t1 = time.perf_counter()
    out["fit_s"] = t1 - t0
    if mode == "kerasprov":
        cap = probe.caps[-1]
        kerasprov.flush(60)  # the writer finishes (journal + delivery) outside the timing
        out["hook_epoch_s"] = (cap.hook_s - probe.train_begin_s) / epochs
        out["train_begin_s"] = probe.train_begin_s
        out["pre_s"] = probe.orig_in - t0
        out["post_s"] = t1 - probe.orig_out
        deliver = probe.deliver_cpu - dcpu0
        out["writer_epoch_s"] = (ob.cpu_s - cpu0 - deliver) / epochs
        out["deliver_s"] = deliver
    if mode == "mlflow":
        import mlflow
        mlflow.keras.autolog(disable=True)
        out["ml_epoch_s"] = (probe.ml_epoch_s - ml0[0]) / epochs
        out["ml_batch_s"] = (probe.ml_batch_s - ml0[1]) / epochs
    return out


def med(values):
    return statistics.median(values) if values else float("nan")


def run_workload(workload, repeats, modes, probe):
    name, build, x, y, epochs, batch = workload
    for mode in modes:  # warm-up: first-call costs of torch/keras/duckdb
        fit_once(mode, build, x, y, 1, batch, probe)
    results = {m: [] for m in modes}
    for r in range(repeats):
        order = modes if r % 2 == 0 else list(reversed(modes))
        for mode in order:
            results[mode].append(fit_once(mode, build, x, y, epochs, batch, probe))
    base = [r["fit_s"] for r in results["none"]]
    print(f"\n== {name}: {repeats} alternating repeats, medians")
    print(f"{'mode':<10} {'fit s':>8} {'vs none':>8}   fit times (s)")
    for mode in modes:
        times = [r["fit_s"] for r in results[mode]]
        diff = (med(times) / med(base) - 1) * 100
        print(f"{mode:<10} {med(times):8.3f} {diff:+7.1f}%   "
              + " ".join(f"{t:.3f}" for t in times))
    q1, _, q3 = statistics.quantiles(base, n=4) if len(base) > 1 else (0.0, 0.0, 0.0)
    print(f"noise: the no-capture runs alone have an interquartile range of "
          f"{(q3 - q1) / med(base) * 100:.1f}% of their median")
    kp = results["kerasprov"]
    steps = -(-len(x) // batch)
    print(f"kerasprov, training thread: {med([r['hook_epoch_s'] for r in kp]) * 1e3:.3f} ms "
          f"per epoch in our hooks ({steps} batches/epoch: 0 per batch, no batch hook)")
    print(f"kerasprov, background writer: {med([r['writer_epoch_s'] for r in kp]) * 1e3:.3f} ms "
          "CPU per epoch (journal) + "
          f"{med([r['deliver_s'] for r in kp]) * 1e3:.1f} ms once at run end (DuckDB ingest)")
    print(f"kerasprov, one-time: {med([r['pre_s'] for r in kp]) * 1e3:.2f} ms before the "
          f"original fit, {med([r['train_begin_s'] for r in kp]) * 1e3:.2f} ms in "
          f"on_train_begin, {med([r['post_s'] for r in kp]) * 1e3:.2f} ms after it")
    if "mlflow" in results:
        ml = results["mlflow"]
        ep = med([r["ml_epoch_s"] for r in ml])
        bt = med([r["ml_batch_s"] for r in ml])
        ours = med([r["hook_epoch_s"] for r in kp])
        print(f"mlflow autolog, training thread: {ep * 1e3:.3f} ms per epoch in its epoch hooks "
              f"+ {bt * 1e3:.3f} ms per epoch in its batch hooks (it overrides on_batch_end, "
              f"so Keras dispatches batch hooks synchronously): "
              f"{(ep + bt) / ours:.0f}x kerasprov's {ours * 1e3:.3f} ms")
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
        print(f"batch_every={every}: {dt * 1e6:.2f} us per batch in the hook "
              "(runs on Keras's callback thread: the hook is async-safe)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="2 repeats, MLP only")
    args = parser.parse_args(argv)
    store = tempfile.mkdtemp(prefix="kp-bench-")
    kerasprov.configure(store=store)
    modes = ["none", "kerasprov"]
    if importlib.util.find_spec("mlflow") is not None:
        import mlflow
        # MLflow 3 keeps its file store in maintenance mode; it is still the zero-set-up one.
        os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
        mlflow.set_tracking_uri("file:" + os.path.join(store, "mlruns"))
        modes.append("mlflow")
    print(f"kerasprov {kerasprov.__version__}, keras {keras.__version__} "
          f"({keras.backend.backend()}), python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPU cores, load average {os.getloadavg()[0]:.1f}")
    if "mlflow" not in modes:
        print("mlflow is not installed: no side-by-side autolog run. Reference measured on "
              "this machine (issue #2): MLflow 3.17 Keras autolog 1.7-2.7 ms/epoch on the "
              "training thread, 3-20 ms background CPU, ~10 s per fit with model logging.")
    probe = Probe()
    if "mlflow" in modes:
        time_mlflow_hooks(probe)
    workloads = [mlp_workload()] if args.quick else [mlp_workload(), cnn_workload()]
    for w in workloads:
        run_workload(w, 2 if args.quick else args.repeats, modes, probe)
    print("\n== opt-in per-batch capture (batch_every)")
    batch_hook_cost()
    print("\ntargets: <= 0.2 ms/epoch training thread, <= 2 ms/epoch background CPU, "
          "<= 100 ms one-time, fit time within the noise")


if __name__ == "__main__":
    main()
