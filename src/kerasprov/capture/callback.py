"""The Keras callbacks that capture a fit: ``ProvenanceCallback`` and its helpers.

``fit`` (patched in ``patch.py``) runs the user's callbacks between our head and tail. A
change of learning rate is noted when it happens, with the callback that made it, whatever
the order of the callbacks list (``lrwatch.py``); the head and the tail turn the notes into
adaptation rows, so the rate is not read after every callback. No batch hook is
overridden: Keras keeps dispatching batch hooks asynchronously.
"""

from __future__ import annotations

import functools
import time
from time import perf_counter as _perf_counter

import keras

from ..errors import warn_once
from ..names import ADAPTATION, TESTING, TRAINING
from . import extract, files, state
from .batch import BATCH_SET
from .lrwatch import LRWatch
from .options import ProvenanceConfig
from .values import jsonable, repr_warning, run_status, same_float, short_float


class FitCapture:
    """State of one captured fit (lives on the training thread)."""

    def __init__(self, run, model, cfg: ProvenanceConfig, fit_args: dict,
                 previous: tuple[str, str] | None = None):
        self.run, self.model, self.cfg, self.fit_args = run, model, cfg, fit_args
        # (run id, Training task) of the earlier fit of this model that this one goes on from
        self.previous = previous
        self.data = files.fit_data(fit_args)  # references only: fingerprinted off this thread
        self.task = run.task_start(TRAINING,
                                   inputs=["itrainingmodel", "itrainingconfig", "ilayers",
                                           *(["itrainingdata"] if self.data else []),
                                           *run.upstream_sets],
                                   outputs=["otrainingmodel",
                                            *([BATCH_SET] if cfg.batch_every else [])],
                                   informed_by=previous[1] if previous else None)
        run.training_task = self.task
        self.epoch: int | None = None
        # Between the head's on_epoch_end and the epoch's row: a checkpoint saved now goes
        # with the row, which wakes the writer (patch._saved).
        self.closing = False
        try:
            files.fit_started(self)
        except Exception as exc:
            warn_once("files-start", f"could not record the files of this fit ({exc!r})")
        self.adapt_task = None
        if cfg.adaptation:
            self.adapt_task = run.task_start(ADAPTATION, inputs=["otrainingmodel"],
                                             outputs=["oadaptation"], informed_by=self.task)
        self.opts: dict = {}  # the optimizers recorded as training (by attribute name)
        # The optimizers are settled and at most one trains: the epoch's rate is epoch_lr
        self.one_rate = False
        self.lr_opt = None  # the one whose rate is the epochs' learning_rate
        self.unsettled: dict | None = None  # optimizers and steps, until one epoch ends
        self.lr: float | None = None
        self.epoch_lr: float | None = None
        self.sched: str | None = None
        self.watch: LRWatch | None = None
        self.t_epoch = 0.0
        self.began = False

    # -- train begin: the inputs of TrainingModel -------------------------------------------
    def train_begin(self):
        if self.began:
            return
        self.began = True
        model, run = self.model, self.run
        opts = extract.model_optimizers(model)
        if len(opts) > 1 or _own_train_step(model):
            # A custom compile()/train_step may train with optimizers of its own while
            # compile's default (RMSprop) never steps: the hyperparameters are those of the
            # optimizers that stepped, known once the first epoch ends.
            self.unsettled = {n: (o, extract.steps_taken(o)) for n, o in opts.items()}
        else:
            self._record_inputs(opts)
        run.rows(self.task, TRAINING, "ilayers", lambda: extract.layer_rows(model))
        if self.data:
            run.rows(self.task, TRAINING, "itrainingdata", files.data_rows(self.data))
        files.record_architecture(self)

    def _record_inputs(self, opts: dict):
        """The hyperparameters and configuration of this fit, with ``opts`` its optimizers."""
        model, run = self.model, self.run
        hyps = extract.paper_hyperparameters(model, self.fit_args, self.cfg.hyps, opts)
        for name, value in self.cfg.hyperparameters.items():
            hyps[str(name)] = jsonable(value, repr_warning(str(name)))
        run.rows(self.task, TRAINING, "itrainingmodel", [hyps])
        config = extract.training_config(model, self.fit_args, opts)
        config["continues_run"] = self.previous[0] if self.previous else None
        run.rows(self.task, TRAINING, "itrainingconfig", [config])
        self.opts = opts
        self.one_rate = len(opts) < 2
        self.lr_opt = next(iter(opts.values())) if len(opts) == 1 else None
        self.lr = extract.read_lr(self.lr_opt)
        self.sched = extract.schedule_name(self.lr_opt)
        if self.lr_opt is not None:
            self.watch = LRWatch(self.lr_opt, self.lr)

    def settle_optimizers(self):
        """Record the inputs with the optimizers that stepped since the fit began (none
        when none did: never compile's default that a custom train_step left unused)."""
        held, self.unsettled = self.unsettled, None
        stepped = {}
        for name, (opt, before) in held.items():
            after = extract.steps_taken(opt)
            if before is not None and after is not None and after > before:
                stepped[name] = opt
        self._record_inputs(stepped)
        self.epoch_lr = self.lr

    def _epoch_rate(self) -> float | None:
        if len(self.opts) < 2:
            return self.epoch_lr
        rates = [extract.read_lr(o) for o in self.opts.values()]
        return rates[0] if all(same_float(r, rates[0]) for r in rates) else None

    # -- learning rate --------------------------------------------------------------------
    def settle_lr(self, epoch: int, fallback: str, read: bool = False):
        """Record the changes of the rate since the last check point, as of ``epoch``.

        Noted changes keep the technique that made them; the rate is read only when the
        watch cannot see every change (``read``: a schedule, at the start of an epoch).
        """
        watch = self.watch
        if watch is not None:
            if watch.notes:
                for technique, lr in watch.take():
                    self.record_lr(epoch, lr, technique or fallback)
            if not read and watch.exact():
                return
            watch.reattach()
        self.check_lr(epoch, fallback)

    def check_lr(self, epoch: int, technique: str):
        """Read the rate now; a change is recorded with ``technique``."""
        self.record_lr(epoch, extract.read_lr(self.lr_opt), technique)

    def record_lr(self, epoch: int, lr: float | None, technique: str):
        if lr is None:
            return
        lr = short_float(lr)  # as read_lr gives it: a float32 rate is its shortest decimal
        if same_float(lr, self.lr):
            return
        prev, self.lr = self.lr, lr
        if self.watch is not None:
            self.watch.last = lr
        if self.adapt_task is not None:
            self.run.rows(self.adapt_task, ADAPTATION, "oadaptation", [{
                "epoch": epoch, "previous_learning_rate": prev, "learning_rate": lr,
                "technique": technique, "timestamp": time.time()}],
                links={"trainingmodel_task_id": self.task})

    def epoch_begin(self, epoch):
        self.t_epoch = time.perf_counter()
        self.epoch = int(epoch)  # the epoch a checkpoint saved now belongs to
        # A change between epochs: a schedule, user code, a batch hook (settle_lr's early
        # return, checked here: this runs at every epoch).
        w = self.watch
        if self.sched is not None or (w is not None and (w.notes or not w.exact())):
            self.settle_lr(epoch, self.sched or "unknown", read=self.sched is not None)

    def epoch_end(self, epoch, logs):
        """The epoch's row: the least work here (the logs copied, one event queued); the
        row itself is built on the writer thread (``epoch_row``)."""
        elapsed = time.perf_counter() - self.t_epoch
        if self.unsettled is not None:
            self.settle_optimizers()
        lr = self.epoch_lr if len(self.opts) < 2 else self._epoch_rate()
        # Keras's logs dict may be changed after this hook: a shallow copy (its values are
        # Python floats, or objects that jsonable reads on the writer).
        self.run.epoch_row(self.task, epoch, elapsed, dict(logs) if logs else None, lr)

    def finish(self, error: BaseException | None = None):
        run = self.run
        status = run_status(error)
        msg = None if error is None else f"{type(error).__name__}: {error}"[:10_000]
        try:
            if self.unsettled is not None:  # no epoch ended
                self.settle_optimizers()
        except Exception as exc:
            warn_once("optimizers", f"could not record the fit's optimizers ({exc!r})")
        try:
            files.fit_finished(self)
        except Exception as exc:
            warn_once("files-end", f"could not record the files of this fit ({exc!r})")
        if self.watch is not None:
            self.watch.close()
        if self.adapt_task is not None:
            run.task_end(self.adapt_task, status, msg)
        run.task_end(self.task, status, msg)
        run.trained = True
        run.end(status, msg)


def _own_train_step(model) -> bool:
    """Whether the model's class replaces Keras's ``train_step`` (which steps compile's
    optimizer): then which optimizer steps is seen, not assumed."""
    return getattr(type(model), "train_step", None) is not getattr(keras.Model, "train_step",
                                                                   None)


_BATCH_HOOKS = ("on_batch_begin", "on_batch_end", "on_train_batch_begin", "on_train_batch_end",
                "on_test_batch_begin", "on_test_batch_end", "on_predict_batch_begin",
                "on_predict_batch_end")
# A batch hook that does nothing without a Python frame ("".format ignores its arguments).
# Keras calls every callback's batch hooks at every batch, and the base class's no-op is
# two Python calls; marked as Keras's own default, so Keras still dispatches batch hooks
# asynchronously when no other callback overrides them.
_NOOP = functools.partial("".format)
_NOOP._is_default = True


def quiet_batch_hooks(callback: keras.callbacks.Callback) -> None:
    """Give ``callback`` the frameless no-op for each batch hook its class does not define."""
    for name in _BATCH_HOOKS:
        if getattr(getattr(type(callback), name, None), "_is_default", False):
            callback.__dict__[name] = _NOOP


class _Hooks(keras.callbacks.Callback):
    """Our hooks call their ``FitCapture`` directly, with no clock or wrapper around the
    call: they run on the training thread at every epoch (``benchmarks/overhead.py`` times
    them from outside). A failure is one warning; training goes on."""

    capture: FitCapture | None = None

    def _failed(self, exc: Exception) -> None:
        warn_once(f"hook:{type(self).__name__}",
                  f"provenance capture failed ({exc!r}); training goes on")


class ProvenanceCallback(_Hooks):
    """Captures provenance of the fit it is passed to.

    The explicit form of ``model.provenance(...)``: same options, for scripts that prefer
    a callback. With ``import kerasprov`` the patched ``fit`` finds it in the callbacks list
    and places it before the other callbacks, with its tail after them.

    Args:
        dataflow_tag: name of the dataflow, e.g. ``"alexnet"``.
        adaptation: record learning-rate changes (``ds_oadaptation``).
        hyps: the paper's hyperparameters to record, e.g. ``{"LEARNING_RATE": True}``;
            ``None`` records all of them.
        hyperparameters: extra name -> value pairs, each its own typed column.
        batch_every: also record the metrics every N training batches (``ds_obatch``);
            off by default, so no batch hook is overridden.
        run_name: a name for people, e.g. ``"baseline"`` (default: an automatic label).
        tags: ``["gpu", "ablation"]``, or a dict whose items become ``key=value`` tags.

    Example:
    ```python
    model.fit(x, y, epochs=5, callbacks=[kerasprov.ProvenanceCallback("mlp")])
    ```
    """

    def __init__(self, dataflow_tag: str, adaptation: bool = False, hyps: dict | None = None,
                 hyperparameters: dict | None = None, batch_every: int | None = None,
                 run_name: str | None = None, tags: list[str] | dict | None = None):
        super().__init__()
        self.config = ProvenanceConfig(dataflow_tag, adaptation, hyps, hyperparameters,
                                       batch_every, run_name, tags)
        self.capture = None
        self._standalone = False
        quiet_batch_hooks(self)

    def on_train_begin(self, logs=None):
        if self.capture is None:  # used without the patched fit: capture on our own
            self.capture = state.start_fit(self.model, self.config, {
                "epochs": self.params.get("epochs")})
            self._standalone = True
        try:
            self.capture.train_begin()
        except Exception as exc:
            self._failed(exc)

    def on_epoch_begin(self, epoch, logs=None):
        cap = self.capture
        if cap is None:
            return
        try:
            cap.epoch_begin(epoch)
            if self._standalone:
                _tail_begin(cap, epoch)
        except Exception as exc:
            self._failed(exc)

    def on_epoch_end(self, epoch, logs=None):
        cap = self.capture
        if cap is None:
            return
        if not self._standalone:
            cap.closing = True  # the Tail writes the row after the user's callbacks
            return
        try:
            _tail_end(cap, epoch, logs)
        except Exception as exc:
            self._failed(exc)

    def on_train_end(self, logs=None):
        if self._standalone and self.capture is not None:
            self.capture.finish()
            self.capture = None


def wire_head(head: ProvenanceCallback, cap: FitCapture, alone: bool = False) -> None:
    """``head`` opens the patched fit's callbacks; the ``Tail`` closes each epoch. ``alone``:
    no callback of the user's runs between them (a plain fit), so the Tail does the head's
    epoch work too and the head's epoch hooks do nothing, without a Python frame."""
    head.capture = cap
    head._standalone = False
    cls = type(head)
    for name in ("on_epoch_begin", "on_epoch_end"):
        if alone and getattr(cls, name) is getattr(ProvenanceCallback, name):
            head.__dict__[name] = _NOOP  # a subclass's own hook is kept
        else:
            head.__dict__.pop(name, None)


def _tail_begin(cap: FitCapture, epoch):
    cap.settle_lr(epoch, "unknown")  # changes made by callbacks' on_epoch_begin
    cap.epoch_lr = cap.lr


def _tail_end(cap: FitCapture, epoch, logs):
    cap.epoch_end(epoch, logs)
    cap.closing = False
    # A change made at the end of an epoch takes effect in the next one.
    cap.settle_lr(epoch + 1, "unknown")


class Tail(_Hooks):
    """Runs after every user callback: the learning rate in effect, and the epoch's row.

    Its two hooks are the work kerasprov does on the training thread at every epoch, so
    they are written out here, with the fewest calls: the checks of the learning rate are
    ``FitCapture.settle_lr``'s early return, inline (``LRWatch.exact``), and an epoch with
    one optimizer goes straight to ``Run.epoch_row`` (``FitCapture.epoch_end`` otherwise).
    """

    def __init__(self, capture: FitCapture, alone: bool = False):
        super().__init__()
        self.capture = capture
        self.alone = alone  # the head's epoch hooks do nothing (wire_head): do its part
        quiet_batch_hooks(self)

    def on_epoch_begin(self, epoch, logs=None):
        cap = self.capture
        try:
            if self.alone:
                cap.t_epoch = _perf_counter()
                cap.epoch = int(epoch)
                if cap.sched is not None:  # a schedule: read at the start of each epoch
                    cap.settle_lr(epoch, cap.sched, read=True)
            w = cap.watch
            if w is not None and (w.notes or not (w.hooked or w.schedule) or getattr(
                    w.optimizer, "_learning_rate", None) is not w.var):
                cap.settle_lr(epoch, "unknown")  # changes made by callbacks' on_epoch_begin
            cap.epoch_lr = cap.lr
        except Exception as exc:
            self._failed(exc)

    def on_epoch_end(self, epoch, logs=None):
        cap = self.capture
        try:
            if cap.one_rate:
                cap.run.epoch_row(cap.task, epoch, _perf_counter() - cap.t_epoch,
                                  dict(logs) if logs else None, cap.epoch_lr)
            else:
                cap.epoch_end(epoch, logs)
            cap.closing = False
            w = cap.watch
            # A change made at the end of an epoch takes effect in the next one. One that
            # no hook saw (the rate object replaced without the setter) is found at the
            # next epoch's start, and recorded as of the same epoch.
            if w is not None and (w.notes or not (w.hooked or w.schedule)):
                cap.settle_lr(epoch + 1, "unknown")
        except Exception as exc:
            self._failed(exc)


class TestCapture(keras.callbacks.Callback):
    """Keeps the final logs of an ``evaluate``."""

    def __init__(self):
        super().__init__()
        self.logs = None

    def on_test_end(self, logs=None):
        self.logs = dict(logs or {})


__all__ = ["ProvenanceCallback", "ProvenanceConfig", "FitCapture", "Tail",
           "TestCapture", "TESTING"]
