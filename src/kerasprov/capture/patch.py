"""``import kerasprov`` adds ``Model.provenance`` and wraps ``fit``/``evaluate``/``predict``.

The wrappers cost one attribute lookup for models that did not ask for provenance. For those
that did, they start the run, put our callbacks around the user's, and turn every capture
failure into a warning: training itself is never changed, never stopped.
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
import threading
import time

from ..errors import warn_once
from ..names import PREDICTION, TESTING
from . import extract, files, loaded, session, state
from .files import SAVES_BEGUN
from .options import ProvenanceConfig
from .state import LAST_FIT_ATTR, STATE_ATTR
from .values import jsonable, run_status

# This module imports no Keras at import time (nor callback.py/batch.py, which subclass
# Keras classes): ``kerasprov.autolog()`` may come before ``import keras``, and the import
# hook in kerasprov/__init__.py installs the patch the moment Keras is imported, which
# must not find this module half-imported. Keras is in sys.modules whenever a wrapper runs.

_ORIG: dict[str, object] = {}
_autolog = state.autolog
_local = threading.local()


class ModelState:
    def __init__(self, cfg: ProvenanceConfig):
        self.cfg = cfg
        self.run: session.Run | None = None
        self.fit = None  # the FitCapture of this model's running fit (its saves' fit)


def provenance(self, dataflow_tag: str, adaptation: bool = False, hyps: dict | None = None,
               hyperparameters: dict | None = None, batch_every: int | None = None,
               run_name: str | None = None, tags: list[str] | dict | None = None,
               attest: bool = False):
    """Capture the provenance of this model's next ``fit`` and later ``evaluate`` calls.

    Args:
        dataflow_tag: name of the dataflow, e.g. ``"alexnet"`` (letters, digits, ``_``).
        adaptation: record each learning-rate change with the technique that made it.
        hyps: which of the paper's hyperparameters to record (``{"LEARNING_RATE": True,
            ...}``); ``None`` records all of them.
        hyperparameters: extra name -> value pairs, each stored in its own column.
        batch_every: also record the metrics every N training batches (``ds_obatch``);
            off by default.
        run_name: a name for people (``"baseline"``), shown in run lists, legends and
            diffs, and accepted by every command that takes a run. Default: an automatic
            label from the dataflow and what varies between its runs.
        tags: labels to find the run by: ``["gpu", "ablation"]``, or a dict whose items
            become ``key=value`` tags.
        attest: sign the run's provenance at its end, on the writer thread (as
            ``KERASPROV_ATTEST=1``); ``kerasprov verify`` checks it.

    Returns:
        The model, so calls can be chained.
    """
    cfg = ProvenanceConfig(dataflow_tag, adaptation, hyps, hyperparameters, batch_every,
                           run_name, tags, attest)
    old = getattr(self, STATE_ATTR, None)
    if old is not None and old.run is not None and not old.run.ended:
        old.run.end("finished")
    object.__setattr__(self, STATE_ATTR, ModelState(cfg))
    return self


def autolog(dataflow_tag: str | None = None, adaptation: bool = True, hyps: dict | None = None,
            disable: bool = False, run_name: str | None = None,
            tags: list[str] | dict | None = None) -> None:
    """Capture every model's fit/evaluate, as if each had called ``model.provenance``.

    Args:
        dataflow_tag: defaults to the script's file name.
        adaptation: record learning-rate changes.
        hyps: the paper's hyperparameters to record (``None``: all).
        disable: turn autolog off again.
        run_name: the name of every run captured from now on (default: automatic labels).
        tags: tags of every run captured from now on (see ``Model.provenance``).
    """
    if disable:
        _autolog.update(on=False, config=None)
        return
    cfg = ProvenanceConfig(dataflow_tag or session.default_dataflow(), adaptation, hyps,
                           run_name=run_name, tags=tags)
    _autolog.update(on=True, config=cfg)


def _state(model, callbacks=None) -> ModelState | None:
    st = getattr(model, STATE_ATTR, None)
    explicit = [c for c in _flat(callbacks) if isinstance(c, _cb().ProvenanceCallback)]
    if explicit:
        cfg = explicit[0].config
        if st is None or st.cfg is not cfg:
            old_run = st.run if st is not None else None
            st = ModelState(cfg)
            st.run = old_run
            object.__setattr__(model, STATE_ATTR, st)
    if st is None and _autolog["on"]:
        st = ModelState(_autolog["config"])
        object.__setattr__(model, STATE_ATTR, st)
    return st


def _cb():
    """callback.py, imported on first use (it subclasses Keras classes: see the top)."""
    from . import callback
    return callback


def _flat(callbacks):
    if callbacks is None:
        return []
    if isinstance(callbacks, sys.modules["keras"].callbacks.CallbackList):
        return list(callbacks.callbacks)
    if isinstance(callbacks, (list, tuple)):
        return list(callbacks)
    return [callbacks]


def start_fit(model, cfg: ProvenanceConfig, fit_args: dict):
    """Start (or adopt) the run for a fit and its Training task (a ``FitCapture``).

    A later fit of the same model object goes on from the weights the previous fit left
    (``initial_epoch`` or not): its Training task is informed by that fit's task, and its
    configuration names that run (``continues_run``).
    """
    st = getattr(model, STATE_ATTR, None)
    if st is not None and st.run is not None and not st.run.ended:
        st.run.end("finished")
    run = _new_run(cfg)
    session.guard_signals()  # a SIGTERM handler the script installed since is kept
    if st is not None:
        st.run = run
    previous = getattr(model, LAST_FIT_ATTR, None)
    cap = _cb().FitCapture(run, model, cfg, fit_args, previous=previous)
    object.__setattr__(model, LAST_FIT_ATTR, (run.id, cap.task))
    loaded.used_by(model, run, cap.task)
    return cap


state.start_fit = start_fit  # for a ProvenanceCallback used without the patched fit


def _new_run(cfg: ProvenanceConfig) -> session.Run:
    """The pending run of earlier user transformations, else a new run."""
    run = session.adopt_pending()
    if run is None:
        return session.Run(cfg.dataflow_tag, name=cfg.run_name, tags=cfg.tags,
                           attest=cfg.attest)
    if cfg.attest:
        run.enable_attest()
    run.retag(cfg.dataflow_tag, name=cfg.run_name, tags=cfg.tags)
    return run


def _wrap_callbacks(callbacks, cap):
    cb_mod = _cb()
    ProvenanceCallback = cb_mod.ProvenanceCallback  # noqa: N806 (a class)
    keras = sys.modules["keras"]
    head = None
    user = []
    for cb in _flat(callbacks):
        if isinstance(cb, ProvenanceCallback):
            head = head or cb
        else:
            user.append(cb)
    head = head or ProvenanceCallback.__new__(ProvenanceCallback)
    if not hasattr(head, "config"):
        keras.callbacks.Callback.__init__(head)
        head.config = cap.cfg
        head._standalone = False
        cb_mod.quiet_batch_hooks(head)
    alone = not user  # a plain fit: the Tail does all the epoch work (wire_head)
    cb_mod.wire_head(head, cap, alone)
    wired = [head, *user]  # learning-rate changes are noted as they happen (lrwatch.py)
    if cap.cfg.batch_every:  # only then is a batch hook overridden (see batch.py)
        from .batch import BatchCapture
        wired.append(BatchCapture(cap, cap.cfg.batch_every))
    wired.append(cb_mod.Tail(cap, alone))
    if isinstance(callbacks, keras.callbacks.CallbackList):
        callbacks.callbacks[:] = wired + [c for c in callbacks.callbacks if c not in wired]
        return callbacks
    return wired


def _fit(self, *args, **kwargs):
    orig = _ORIG["fit"]
    st = getattr(self, STATE_ATTR, None)
    if st is None and not _autolog["on"] and not _has_explicit(self, args, kwargs):
        return orig(self, *args, **kwargs)
    try:
        bound = _SIG["fit"].bind(self, *args, **kwargs)
        fit_args = dict(bound.arguments)
        fit_args.pop("self", None)
        fit_args.update(fit_args.pop("kwargs", {}) or {})
        for name, p in _SIG["fit"].parameters.items():
            if name not in fit_args and p.default is not inspect.Parameter.empty:
                fit_args[name] = p.default
        st = _state(self, fit_args.get("callbacks"))
        cap = start_fit(self, st.cfg, fit_args)
        fit_args["callbacks"] = _wrap_callbacks(fit_args.get("callbacks"), cap)
    except Exception as exc:
        warn_once("fit-start", f"provenance capture could not start ({exc!r}); training "
                               "goes on without it")
        return orig(self, *args, **kwargs)
    depth = getattr(_local, "in_fit", 0)
    _local.in_fit = depth + 1
    outer, st.fit = st.fit, cap
    try:
        result = orig(self, **fit_args)
    except BaseException as exc:
        _safe(cap.finish, exc)
        raise
    finally:
        _local.in_fit = depth
        st.fit = outer
    _safe(cap.finish)
    return result


def _has_explicit(model, args, kwargs) -> bool:
    """Whether fit's callbacks (however they are passed) hold a ProvenanceCallback."""
    cbs = kwargs.get("callbacks")
    if cbs is None and args:
        try:
            cbs = _SIG["fit"].bind(model, *args, **kwargs).arguments.get("callbacks")
        except TypeError:
            return False  # fit itself will say what is wrong with the arguments
    if cbs is None:
        return False
    explicit = _cb().ProvenanceCallback
    return any(isinstance(c, explicit) for c in _flat(cbs))


def _task_failed(run, task, exc: BaseException) -> None:
    """An evaluate/predict stopped by an exception; Ctrl+C or sys.exit also end the run."""
    status = run_status(exc)
    run.task_end(task, status, f"{type(exc).__name__}: {exc}"[:10_000], run.ended)
    if status == "interrupted":
        run.end(status, f"{type(exc).__name__}: {exc}"[:10_000])


def _safe(fn, *args):
    try:
        fn(*args)
    except Exception as exc:
        warn_once("finish", f"provenance capture failed at the end of fit ({exc!r})")


def _run_for(model, st: ModelState) -> session.Run:
    if st.run is None:
        st.run = _new_run(st.cfg)
    return st.run


def _evaluate(self, *args, **kwargs):
    orig = _ORIG["evaluate"]
    st = getattr(self, STATE_ATTR, None)
    if (st is None and not _autolog["on"]) or getattr(_local, "in_fit", 0) \
            or kwargs.get("_use_cached_eval_dataset"):
        return orig(self, *args, **kwargs)
    try:
        st = _state(self, kwargs.get("callbacks"))
        run = _run_for(self, st)
        data = _evaluate_data(args, kwargs)
        task = run.task_start(TESTING, inputs=["otrainingmodel", "itestingmodel",
                                               *(["itestingdata"] if data else [])],
                              outputs=["otestingmodel"], informed_by=run.training_task)
        run.rows(task, TESTING, "itestingmodel", [extract.model_identity(self)],
                 links={"trainingmodel_task_id": run.training_task})
        if data:  # fingerprinted on the hash thread
            run.rows(task, TESTING, "itestingdata", files.data_rows(data),
                     links={"trainingmodel_task_id": run.training_task})
        loaded.used_by(self, run, task)
        probe = _cb().TestCapture()
        kwargs["callbacks"] = _flat(kwargs.get("callbacks")) + [probe]
        t0 = time.perf_counter()
    except Exception as exc:
        warn_once("evaluate-start", f"provenance capture of evaluate failed ({exc!r})")
        return orig(self, *args, **kwargs)
    try:
        result = orig(self, *args, **kwargs)
    except BaseException as exc:
        _safe(_task_failed, run, task, exc)
        raise
    try:
        row = {"timestamp": time.time(), "elapsed_time": time.perf_counter() - t0}
        for key, value in (probe.logs or {}).items():
            row[str(key)] = jsonable(value)
        run.rows(task, TESTING, "otestingmodel", [row],
                 links={"trainingmodel_task_id": run.training_task})
        run.task_end(task, close=run.ended)
    except Exception as exc:
        warn_once("evaluate-end", f"provenance capture of evaluate failed ({exc!r})")
    return result


def _evaluate_data(args, kwargs) -> list:
    bound = _SIG["evaluate"].bind_partial(None, *args, **kwargs).arguments
    items = []
    for name in ("x", "y", "sample_weight"):
        items += files.data_items(name, bound.get(name))
    return items


def _saver(name: str):
    kind = "model" if name == "save" else "weights"

    def save(self, *args, **kwargs):
        st = getattr(self, STATE_ATTR, None)
        if st is None:
            return _ORIG[name](self, *args, **kwargs)
        filepath = args[0] if args else kwargs.get("filepath")
        begun = None
        if type(filepath) is str:  # counted before it is written (files.mark_if_latest)
            begun = SAVES_BEGUN[filepath] = SAVES_BEGUN.get(filepath, 0) + 1
        result = _ORIG[name](self, *args, **kwargs)
        try:
            _saved(self, filepath, kind, begun, st.fit)
        except Exception as exc:
            warn_once("save", f"provenance capture of {name} failed ({exc!r})")
        return result
    return save


def _saved(model, filepath, kind: str, begun: int | None = None, cap=None) -> None:
    """A save during a fit (a checkpoint, on the training thread): the path here,
    everything else on the writer thread. ``begun``: the number of this save of the path
    (``SAVES_BEGUN``): the writer takes the file's size and time only if no later save of
    it has begun (``files.mark_if_latest``), and hands the hash to the hash thread; a
    version overwritten before that has no size and no sha256. A save at an epoch's end
    (``closing``, set by the head callback) is queued right after the epoch's row, so the
    row is on disk before the file is read; a save inside the epoch (every N batches)
    wakes the writer itself. ``cap``: the model's running fit, if the wrapper knows it."""
    if begun is None or cap is None:  # (with begun, filepath is a str)
        cap = files.active_fit(model) if isinstance(filepath, (str, os.PathLike)) else None
    if cap is None:
        files.model_saved(model, filepath, kind)  # outside a fit, or not a path
        return
    path = filepath
    if type(path) is not str or path[:1] != "/" or "/." in path or "//" in path \
            or path[-1:] == "/":
        path = os.path.abspath(path)  # else it is absolute and normal already
    if begun is None:  # not a str: its stat now (no count of its saves)
        cap.run.checkpoint(cap.task, path, cap.epoch, _hash_later, files._mark(path),
                           cap.closing)
    else:
        cap.run.checkpoint(cap.task, path, cap.epoch, _hash_latest, (filepath, begun),
                           cap.closing)


def _hash_latest(path: str, saved: tuple[str, int]) -> dict:
    """Writer thread: the version of ``path`` that save number ``saved[1]`` of
    ``saved[0]`` wrote, marked if no later save of it has begun, then hashed."""
    mark = files.mark_if_latest(path, *saved)
    if mark is files.SUPERSEDED:
        return {"size": None, "sha256": None, "hash_method": "changed before it was hashed"}
    return _hash_later(path, mark)


def _hash_later(path: str, mark) -> dict:
    """Writer thread: hash ``path`` on the hash thread if it is still the version saved."""
    stuck = {"size": mark[1] if mark else None, "sha256": None,
             "hash_method": "hashing took longer than the hash time limit"}
    return files.background(files.digest_if_unchanged, path, mark, on_timeout=stuck)()


def _predict(self, *args, **kwargs):
    orig = _ORIG["predict"]
    st = getattr(self, STATE_ATTR, None)
    if (st is None and not _autolog["on"]) or getattr(_local, "in_fit", 0):
        return orig(self, *args, **kwargs)
    try:
        st = _state(self, kwargs.get("callbacks"))
        run = _run_for(self, st)
        task = run.task_start(PREDICTION, inputs=["otrainingmodel"], outputs=["oprediction"],
                              informed_by=run.training_task)
        loaded.used_by(self, run, task)
        t0 = time.perf_counter()
    except Exception as exc:
        warn_once("predict-start", f"provenance capture of predict failed ({exc!r})")
        return orig(self, *args, **kwargs)
    try:
        result = orig(self, *args, **kwargs)
    except BaseException as exc:
        _safe(_task_failed, run, task, exc)
        raise
    try:
        shape = getattr(result, "shape", None)
        run.rows(task, PREDICTION, "oprediction", [{
            "timestamp": time.time(), "elapsed_time": time.perf_counter() - t0,
            "samples": int(shape[0]) if shape else None,
            "output_shape": str(tuple(shape)) if shape is not None else None}],
            links={"trainingmodel_task_id": run.training_task})
        run.task_end(task, close=run.ended)
    except Exception as exc:
        warn_once("predict-end", f"provenance capture of predict failed ({exc!r})")
    return result


def _set_random_seed(seed):
    extract.SEEDS["seed"] = jsonable(seed)
    return _ORIG["set_random_seed"](seed)


_SIG: dict[str, inspect.Signature] = {}


def install() -> None:
    """Patch keras.Model once (idempotent)."""
    if _ORIG:
        return
    import keras
    model_cls = keras.Model
    for name, wrapper in (("fit", _fit), ("evaluate", _evaluate), ("predict", _predict)):
        orig = getattr(model_cls, name)
        _ORIG[name] = orig
        _SIG[name] = inspect.signature(orig)
        setattr(model_cls, name, functools.wraps(orig)(wrapper))
    for name in ("save", "save_weights"):
        _ORIG[name] = getattr(model_cls, name)
        setattr(model_cls, name, functools.wraps(_ORIG[name])(_saver(name)))
    model_cls.provenance = provenance
    _ORIG["set_random_seed"] = keras.utils.set_random_seed
    keras.utils.set_random_seed = _set_random_seed
    loaded.install(keras)
