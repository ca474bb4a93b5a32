"""Measuring tools shared by the benchmarks: they wrap, never change, what they measure.

- ``CallbackClock`` times every callback of every fit from outside, on the training thread,
  by replacing ``keras.callbacks.CallbackList``'s dispatch loops with the same loops plus
  a clock around each call. Each callback's time goes to its owner, judged by the module
  of its class (``kerasprov.*``, ``mlflow.*``, the W&B-like logger, else Keras/user), so
  no kerasprov callback can hide behind a new name. kerasprov code that runs *inside*
  another callback (the ``model.save`` hook a ``ModelCheckpoint`` triggers, a
  learning-rate hook a scheduler triggers) is moved from that callback to kerasprov.
- ``thread_cpu_s`` reads one thread's CPU time from ``/proc`` (nanoseconds from
  ``schedstat``), so the writer thread is measured from outside too.
- ``epoch_logger`` is a minimal W&B-like logger: one dict per epoch onto a queue, a
  background thread writing JSON lines (W&B's separate service process is not counted).
- ``summary`` gives the median and interquartile range of a list of samples.
"""

from __future__ import annotations

import importlib
import json
import os
import queue
import statistics
import threading
import time
from collections import defaultdict

KERASPROV, MLFLOW, WANDB, OTHER = "kerasprov", "mlflow", "wandb-like", "keras/user"

# kerasprov functions that may run inside a foreign callback; absent ones are skipped, so
# the same script measures older and newer code.
NESTED_HOOKS = [("kerasprov.capture.files", "model_saved"),
                ("kerasprov.capture.lrwatch", "noted")]


def owner(callback) -> str:
    module = type(callback).__module__ or ""
    if module.startswith("kerasprov"):
        return KERASPROV
    if module.startswith("mlflow"):
        return MLFLOW
    if getattr(callback, "wandb_like", False):
        return WANDB
    return OTHER


def summary(values: list[float]) -> tuple[float, float, float]:
    """(median, first quartile, third quartile); NaN for no samples."""
    if not values:
        return float("nan"), float("nan"), float("nan")
    if len(values) == 1:
        return values[0], values[0], values[0]
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q2, q1, q3


def fmt_ms(values: list[float], digits: int = 3) -> str:
    """``median [q1-q3] ms`` of samples in seconds."""
    m, q1, q3 = summary(values)
    return f"{m * 1e3:.{digits}f} ms [IQR {q1 * 1e3:.{digits}f}-{q3 * 1e3:.{digits}f}]"


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f} (5-min {five:.1f})"


class CallbackClock:
    """Per-epoch and per-fit callback time by owner, measured around each dispatch."""

    EPOCH_HOOKS = ("on_epoch_begin", "on_epoch_end")
    BATCH_LOOPS = ("on_batch_begin", "on_train_batch_begin", "on_test_batch_begin",
                   "on_predict_batch_begin", "_on_batch_end", "_on_train_batch_end",
                   "_on_test_batch_end", "_on_predict_batch_end")

    def __init__(self):
        import keras
        from keras.src.utils import python_utils

        self.keras = keras
        self.thread = threading.get_ident()
        self.reset()
        self._inside: list[str] = []  # owners of the callbacks being dispatched
        self._nested = 0.0
        cls = keras.callbacks.CallbackList
        clock = self
        pythonify = python_utils.pythonify_logs

        def loop(self, hook, phase, *args, **kwargs):
            for cb in self.callbacks:
                clock._call(cb, getattr(cb, hook.lstrip("_")), phase, *args, **kwargs)

        def epoch_begin(self, epoch, logs=None):
            clock.epochs.append(defaultdict(float))
            loop(self, "on_epoch_begin", "epoch", epoch, pythonify(logs))

        def epoch_end(self, epoch, logs=None):
            if self._async_train:
                self._flush_futures()
            loop(self, "on_epoch_end", "epoch", epoch, pythonify(logs))

        def begin(name):
            def hook(self, logs=None):
                self._on_begin()
                loop(self, name, name.removeprefix("on_"), pythonify(logs))
            return hook

        def end(name, flag):
            def hook(self, logs=None):
                if getattr(self, flag):
                    self._flush_futures()
                loop(self, name, name.removeprefix("on_"), pythonify(logs))
                self._on_end()
            return hook

        def batch(name):
            def hook(self, batch, logs=None):
                loop(self, name, "batch", batch, logs=pythonify(logs))
            return hook

        for name in ("on_epoch_begin", "on_epoch_end", "on_train_begin", "on_train_end",
                     "on_test_begin", "on_test_end", *self.BATCH_LOOPS):
            if not hasattr(cls, name):
                raise RuntimeError(f"keras.callbacks.CallbackList has no {name}: this "
                                   "Keras version dispatches callbacks differently")
        cls.on_epoch_begin = epoch_begin
        cls.on_epoch_end = epoch_end
        cls.on_train_begin = begin("on_train_begin")
        cls.on_test_begin = begin("on_test_begin")
        cls.on_train_end = end("on_train_end", "_async_train")
        cls.on_test_end = end("on_test_end", "_async_test")
        for name in self.BATCH_LOOPS:
            setattr(cls, name, batch(name))
        for module, name in NESTED_HOOKS:
            self._wrap_nested(module, name)

    def reset(self) -> None:
        self.epochs: list[dict[str, float]] = []  # per epoch: owner -> s (epoch + batch hooks)
        self.batch: list[dict[str, float]] = []
        self.fit: dict[tuple[str, str], float] = defaultdict(float)  # (owner, phase) -> s
        self.off_thread: dict[str, float] = defaultdict(float)  # async batch hooks

    def _call(self, cb, fn, phase, *args, **kwargs):
        who = owner(cb)
        self._inside.append(who)
        outer_nested, self._nested = self._nested, 0.0
        t0 = time.perf_counter()
        try:
            fn(*args, **kwargs)
        finally:
            dt = time.perf_counter() - t0
            self._inside.pop()
            nested, self._nested = self._nested, outer_nested
            self._add(who, phase, dt - nested)
            if nested:
                self._add(KERASPROV, phase, nested)

    def _add(self, who, phase, dt):
        if threading.get_ident() != self.thread:
            self.off_thread[who] += dt
        elif phase in ("epoch", "batch"):
            if self.epochs:
                self.epochs[-1][who] += dt
            if phase == "batch" and self.epochs:
                self.epochs[-1][who + ":batch"] += dt
        else:
            self.fit[(who, phase)] += dt

    def _wrap_nested(self, module_name, name):
        """Time a kerasprov function that runs inside someone else's callback."""
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            return
        orig = getattr(module, name, None)
        if orig is None:
            return
        clock = self

        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return orig(*args, **kwargs)
            finally:
                if clock._inside and clock._inside[-1] != KERASPROV \
                        and threading.get_ident() == clock.thread:
                    clock._nested += time.perf_counter() - t0
        setattr(module, name, timed)

    def per_epoch(self, who: str, batch_only: bool = False) -> list[float]:
        key = who + ":batch" if batch_only else who
        return [e.get(key, 0.0) for e in self.epochs]


def writer_thread():
    """kerasprov's outbox writer thread (None before the first captured fit)."""
    for t in threading.enumerate():
        if t.name == "kerasprov-outbox" and t.is_alive():
            return t
    return None


def hash_thread():
    """kerasprov's hash thread (file hashes, array fingerprints); None before its first use."""
    for t in threading.enumerate():
        if t.name.startswith("kerasprov-hash") and t.is_alive():
            return t
    return None


def thread_cpu_s(thread) -> float:
    """CPU seconds used so far by ``thread`` (Linux /proc; schedstat is in nanoseconds)."""
    if thread is None:
        return 0.0
    base = f"/proc/self/task/{thread.native_id}"
    try:
        with open(f"{base}/schedstat") as fh:
            return int(fh.read().split()[0]) / 1e9
    except OSError:
        with open(f"{base}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


_LOGGER_CLASS: list = []


def epoch_logger(path: str):
    """A minimal W&B-like epoch logger: config at train begin, one record per epoch.

    Like ``wandb.log``, the training thread only puts a dict on a queue; a background
    thread writes it (JSON lines, flushed). Built on first use, so that this module
    imports without Keras.
    """
    if not _LOGGER_CLASS:
        import keras

        class EpochLogger(keras.callbacks.Callback):
            wandb_like = True

            def __init__(self, path):
                super().__init__()
                self.path = path
                self.queue: queue.Queue = queue.Queue()
                self.step = 0
                self.thread = threading.Thread(target=self._drain, daemon=True,
                                               name="wandb-like")
                self.thread.start()

            def _drain(self):
                with open(self.path, "a", encoding="utf-8") as fh:
                    while True:
                        item = self.queue.get()
                        if item is None:
                            return
                        fh.write(json.dumps(item) + "\n")
                        fh.flush()

            def on_train_begin(self, logs=None):
                self.queue.put({"config": {k: v for k, v in self.params.items()
                                           if isinstance(v, (int, float, str))}})

            def on_epoch_end(self, epoch, logs=None):
                self.step += 1
                self.queue.put({"_step": self.step, "epoch": epoch, "_timestamp": time.time(),
                                **{k: float(v) for k, v in (logs or {}).items()}})

            def on_train_end(self, logs=None):
                self.queue.put(None)
                self.thread.join(10)

        EpochLogger.__module__ = "wandb_like"
        _LOGGER_CLASS.append(EpochLogger)
    return _LOGGER_CLASS[0](path)
