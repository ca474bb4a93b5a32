"""KerasTuner searches as provenance: a Search, a Trial per trial, a run per execution.

Patched in when ``keras_tuner`` is imported (before or after kerasprov), through KerasTuner's
own extension points, and only for searches whose models ask for provenance
(``kerasprov.autolog()``, ``model.provenance(...)`` in ``build_model(hp)``, or a
``ProvenanceCallback`` among the search's callbacks):

- ``BaseTuner.search``: the **Search** task (in a run of its own, the search run): tuner
  class, objective and direction, ``max_trials``, ``executions_per_trial``, the project,
  the seed (``ds_isearch``) and the search space, one row per hyperparameter with its
  type, range or choices, step, sampling and default (``ds_isearchspace``); at the end a
  summary (``ds_osearch``). ``search`` is wrapped rather than ``on_search_begin/end``
  because the chief of a parallel search never calls those.
- the oracle's ``create_trial``/``end_trial`` (wrapped on the tuner's oracle instance, so
  every oracle subclass is seen, and the chief of a parallel search sees every worker's
  trials): the **Trial** task ``<search_id>-trial-<trial_id>``, informed by the Search, its
  hyperparameter values (``ds_itrial``, one typed column each) and, at each end, its status
  (COMPLETED / FAILED / INVALID / STOPPED), failure message, score and best step
  (``ds_otrial``, one row per attempt).
- the tuner's ``on_trial_begin``/``on_trial_end`` (wrapped on the instance, so subclasses
  that override them without ``super()`` are still seen): while a trial runs on this
  thread, every new run (each ``fit`` of each execution) is informed by that Trial task.

Nothing here adds a callback, so no batch hook, and nothing copied by KerasTuner's
``copy.deepcopy`` of the user's callbacks changes. Every failure becomes one warning: the
search runs exactly as it would without kerasprov (same trials, same best hyperparameters).

Parallel tuning (``KERASTUNER_ORACLE_IP``/``KERASTUNER_TUNER_ID``): the chief records the
Search and every Trial; each worker records its executions, informed by the same Trial
task ids (the search id is derived from the oracle's address, the project name and the
launcher's job id, so all processes agree without talking).

Long because KerasTuner is hooked at several points (search, oracle, trial begin/end,
parallel chief and workers), each a small wrapper that must never break the search.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import threading
import time

from ..errors import warn_once
from . import distributed, session, state
from .importhook import after_import
from .tuner_rows import best_metrics, error_text, integer, number, space_row
from .values import jsonable

SEARCH, TRIAL = "Search", "Trial"
_MODULE = "keras_tuner.src.engine.base_tuner"
_ORIG: dict[str, object] = {}
_local = threading.local()  # .trial: the trial whose executions run on this thread
_seen: dict[str, str | None] = {"tag": None}  # the last dataflow model.provenance named
#: KerasTuner status -> task status (INVALID with retries left keeps the task running).
_TASK_STATUS = {"COMPLETED": "finished", "FAILED": "failed", "INVALID": "failed",
                "STOPPED": "stopped"}


# -- installing ----------------------------------------------------------------------------
def watch() -> None:
    """Patch KerasTuner now if it is imported, else as soon as it is (idempotent)."""
    after_import(_MODULE, _install_safely, ready=lambda module: hasattr(module, "BaseTuner"))


def _install_safely(module) -> None:
    try:
        install(module)
    except Exception as exc:
        warn_once("tuner-install", f"KerasTuner searches will not be recorded ({exc!r})")


def install(module) -> None:
    """Wrap ``BaseTuner.search`` and ``Model.provenance`` (once)."""
    if "search" in _ORIG:
        return
    import keras
    base = module.BaseTuner
    _ORIG["search"] = base.search
    base.search = functools.wraps(base.search)(_search)
    orig_prov = getattr(keras.Model, "provenance", None)
    if orig_prov is not None:
        _ORIG["provenance"] = orig_prov

        @functools.wraps(orig_prov)
        def provenance(self, dataflow_tag, *args, **kwargs):
            result = orig_prov(self, dataflow_tag, *args, **kwargs)
            _seen["tag"] = dataflow_tag
            return result
        keras.Model.provenance = provenance
    session.RUN_HOOKS.append(_run_hook)


# -- the search -----------------------------------------------------------------------------
def _search(self, *fit_args, **fit_kwargs):
    orig = _ORIG["search"]
    rec = None
    try:
        rec = _begin(self, fit_kwargs)
    except Exception as exc:
        warn_once("search-begin", f"could not record the start of the search ({exc!r}); "
                                  "the search goes on without it")
    if rec is None:
        return orig(self, *fit_args, **fit_kwargs)
    try:
        result = orig(self, *fit_args, **fit_kwargs)
    except BaseException as exc:
        rec.finish(exc)
        raise
    rec.finish(None)
    return result


def _dataflow_of(fit_kwargs: dict) -> str | None:
    """The search is recorded when its models are: the dataflow they name."""
    from .callback import ProvenanceCallback
    callbacks = fit_kwargs.get("callbacks") or []
    for cb in callbacks if isinstance(callbacks, (list, tuple)) else [callbacks]:
        if isinstance(cb, ProvenanceCallback):
            return cb.config.dataflow_tag
    if state.autolog["on"]:
        return state.autolog["config"].dataflow_tag
    return _seen["tag"]


def _begin(tuner, fit_kwargs: dict) -> SearchRecord | None:
    if getattr(_local, "search", None) is not None:
        return None  # a search inside a search: the outer one is recorded
    dataflow = _dataflow_of(fit_kwargs)
    if dataflow is None:
        return None
    from keras_tuner.src.distribute import utils as dist_utils
    if dist_utils.has_chief_oracle():
        role = "chief" if dist_utils.is_chief_oracle() else "worker"
    else:
        role = "local"
    rec = SearchRecord(tuner, dataflow, role)
    try:
        rec.begin()
    except BaseException:
        rec.unwrap()  # the search runs as if kerasprov were not there
        raise
    return rec


def _parallel_search_id(tuner) -> str:
    """Every process of a parallel search derives the same id (they share no files)."""
    job = os.environ.get("KERASPROV_JOB") or distributed._launcher_job() or ""
    key = "|".join([os.environ.get("KERASTUNER_ORACLE_IP", ""),
                    os.environ.get("KERASTUNER_ORACLE_PORT", ""), str(tuner.project_name), job])
    return "kt-" + hashlib.sha1(key.encode()).hexdigest()[:16]


class _TrialState:
    def __init__(self, task: str, tuner_id: str | None):
        self.task, self.tuner_id = task, tuner_id
        self.attempts = 0
        self.values_pending = True  # ds_itrial's row: when the model is built (trial_values)
        self.open = True


class _TrialContext:
    def __init__(self, search: SearchRecord, trial_id: str):
        self.search, self.trial_id = search, trial_id
        self.task = search.trial_task(trial_id)
        self.executions = 0


class SearchRecord:
    """One ``search`` call in this process: its run, Search task and Trial tasks."""

    def __init__(self, tuner, dataflow: str, role: str):
        self.tuner, self.role = tuner, role
        self.oracle = tuner.oracle
        self.run: session.Run | None = None
        self.task: str | None = None
        self.trials: dict[str, _TrialState] = {}
        self.space: set[str] = set()
        self.retagged = False
        self.lock = threading.Lock()  # the chief's oracle is called from gRPC threads
        self.wrapped: list[tuple[object, str]] = []
        if role != "worker":
            self.run = session.Run(dataflow, hooks=False)
        self.search_id = self.run.id if role == "local" else _parallel_search_id(tuner)

    def trial_task(self, trial_id) -> str:
        return f"{self.search_id}-trial-{trial_id}"

    # -- begin / end ------------------------------------------------------------------------
    def begin(self) -> None:
        _local.search = self
        if self.run is not None:
            run = self.run
            self.task = run.task_start(SEARCH, inputs=["isearch", "isearchspace"],
                                       outputs=["itrial", "osearch"])
            run.rows(self.task, SEARCH, "isearch", [self._config()])
            self._new_space()
            self._wrap(self.oracle, "create_trial", self._create_trial)
            self._wrap(self.oracle, "end_trial", self._end_trial)
        if self.role != "chief":
            self._wrap(self.tuner, "on_trial_begin", self._on_trial_begin)
            self._wrap(self.tuner, "on_trial_end", self._on_trial_end)

    def unwrap(self) -> None:
        _local.search = None
        _local.trial = None
        for obj, name in self.wrapped:
            try:
                delattr(obj, name)  # the instance attribute: the class method shows again
            except Exception:
                pass
        self.wrapped = []

    def finish(self, error: BaseException | None) -> None:
        self.unwrap()
        if self.run is None:
            return
        try:
            self._close(error)
        except Exception as exc:
            warn_once("search-end", f"could not record the end of the search ({exc!r})")

    def _close(self, error: BaseException | None) -> None:
        run, msg = self.run, error_text(error)
        status = "finished" if error is None else "failed"
        with self.lock:
            self._new_space()
            for trial_id, st in self.trials.items():
                if st.open:  # never ended (the search stopped or raised during it)
                    trial = self.oracle.trials.get(trial_id)
                    self._values(st, trial)
                    t_status = getattr(trial, "status", None)
                    final = _TASK_STATUS.get(t_status, "failed" if error else "finished")
                    run.task_end(st.task, final, getattr(trial, "message", None) or msg)
                    st.open = False
            run.rows(self.task, SEARCH, "osearch", [self._summary()])
            run.task_end(self.task, status, msg)
            run.end(status, msg)

    # -- the oracle (local search, or the chief of a parallel one) ---------------------------
    def _create_trial(self, orig, tuner_id, *args, **kwargs):
        trial = orig(tuner_id, *args, **kwargs)
        try:
            if getattr(trial, "status", None) == "RUNNING":
                self._trial_began(trial, tuner_id)
        except Exception as exc:
            warn_once("trial-begin", f"could not record the start of a trial ({exc!r})")
        return trial

    def _trial_began(self, trial, tuner_id) -> None:
        with self.lock:
            st = self.trials.get(trial.trial_id)
            if st is not None:
                if not st.open:  # a retry: the same Trial task goes on
                    st.open, st.tuner_id = True, tuner_id
                return
            run = self.run
            st = self.trials[trial.trial_id] = _TrialState(self.trial_task(trial.trial_id),
                                                         tuner_id)
            run.emit("task_start", task=st.task, transformation=TRIAL, inputs=["itrial"],
                     outputs=["otrial"], informed_by=self.task, start=time.time())

    def trial_values(self, trial_id) -> None:
        """Record the trial's hyperparameter values (``ds_itrial``) once its first execution
        starts: its model is built then, so the conditional hyperparameters that build
        registered (Hyperband's ``units_1`` when ``num_layers=2``) are in the trial."""
        with self.lock:
            self._values(self.trials.get(trial_id), self.oracle.trials.get(trial_id))

    def _values(self, st: _TrialState | None, trial) -> None:
        if st is None or trial is None or not st.values_pending:
            return
        st.values_pending = False
        row = {"trial_id": str(trial.trial_id)}
        for name, value in trial.hyperparameters.values.items():
            row.setdefault(str(name), jsonable(value))
        self.run.rows(st.task, TRIAL, "itrial", [row], links={"search_task_id": self.task})

    def _end_trial(self, orig, trial, *args, **kwargs):
        trial_id = trial if isinstance(trial, str) else getattr(trial, "trial_id", None)
        try:
            result = orig(trial, *args, **kwargs)
        except BaseException as exc:
            self._trial_ended(trial_id, exc)
            raise
        self._trial_ended(trial_id, None)
        return result

    def _trial_ended(self, trial_id, error: BaseException | None) -> None:
        try:
            with self.lock:
                st = self.trials.get(trial_id)
                trial = self.oracle.trials.get(trial_id)
                if st is None or trial is None:
                    return
                self._values(st, trial)
                st.attempts += 1
                status = str(trial.status)
                message = trial.message or error_text(error)
                run = self.run
                run.rows(st.task, TRIAL, "otrial", [{
                    "trial_id": str(trial_id), "status": status,
                    "score": number(trial.score), "best_step": integer(trial.best_step),
                    "attempt": st.attempts, "tuner_id": st.tuner_id,
                    "message": message[:10_000] if message else None,
                    "metrics": best_metrics(trial), "timestamp": time.time()}],
                    links={"search_task_id": self.task})
                retrying = status == "INVALID" and trial_id in getattr(
                    self.oracle, "_retry_queue", ())
                if not retrying:
                    run.task_end(st.task, _TASK_STATUS.get(status, status.lower()),
                                 message[:10_000] if message else None)
                    st.open = False
                self._new_space()
        except Exception as exc:
            warn_once("trial-end", f"could not record the end of a trial ({exc!r})")

    # -- the tuner (where executions run) ---------------------------------------------------
    def _on_trial_begin(self, orig, trial, *args, **kwargs):
        try:
            _local.trial = _TrialContext(self, trial.trial_id)
        except Exception as exc:
            warn_once("trial-context", f"could not link this trial's runs ({exc!r})")
        return orig(trial, *args, **kwargs)

    def _on_trial_end(self, orig, trial, *args, **kwargs):
        try:
            return orig(trial, *args, **kwargs)
        finally:
            _local.trial = None

    # -- helpers ----------------------------------------------------------------------------
    def _wrap(self, obj, name: str, handler) -> None:
        bound = getattr(obj, name)

        @functools.wraps(bound)
        def wrapper(*args, **kwargs):
            return handler(bound, *args, **kwargs)
        setattr(obj, name, wrapper)
        self.wrapped.append((obj, name))

    def _config(self) -> dict:
        tuner, oracle = self.tuner, self.oracle
        objective = oracle.objective
        directions = getattr(objective, "name_to_direction", None)
        row = {
            "search_id": self.search_id, "tuner": type(tuner).__name__,
            "oracle": type(oracle).__name__,
            "objective": ",".join(directions) if directions else str(objective.name),
            "direction": str(objective.direction),
            "max_trials": integer(oracle.max_trials),
            "executions_per_trial": integer(getattr(tuner, "executions_per_trial", None)),
            "project_dir": os.path.abspath(os.path.join(str(tuner.directory),
                                                        str(tuner.project_name))),
            "project_name": str(tuner.project_name), "seed": integer(oracle.seed),
            "max_retries_per_trial": integer(getattr(oracle, "max_retries_per_trial", None)),
            "max_consecutive_failed_trials": integer(getattr(
                oracle, "max_consecutive_failed_trials", None)),
            "resumed": bool(oracle.trials), "parallel": self.role == "chief",
            "tuner_id": str(getattr(tuner, "tuner_id", "")) or None,
        }
        if directions:
            row["objectives"] = json.dumps(directions)
        for name in ("max_epochs", "factor", "hyperband_iterations", "num_initial_points",
                     "alpha", "beta"):
            value = getattr(oracle, name, None)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                row[name] = value
        return row

    def _new_space(self) -> None:
        """Rows of ``ds_isearchspace`` for hyperparameters not recorded yet (the space grows
        while conditional hyperparameters are found)."""
        rows = []
        for hp in self.oracle.get_space().space:
            if hp.name in self.space:
                continue
            self.space.add(hp.name)
            rows.append(space_row(hp))
        if rows:
            self.run.rows(self.task, SEARCH, "isearchspace", rows)

    def _summary(self) -> dict:
        trials = list(self.oracle.trials.values())
        count = {s: sum(1 for t in trials if t.status == s)
                 for s in ("COMPLETED", "FAILED", "INVALID", "STOPPED")}
        row = {"trials": len(trials), "completed": count["COMPLETED"],
               "failed": count["FAILED"] + count["INVALID"], "stopped": count["STOPPED"],
               "timestamp": time.time()}
        try:
            best = self.oracle.get_best_trials(1)
        except Exception:
            best = []
        if best and best[0].status == "COMPLETED":
            row["best_trial_id"] = str(best[0].trial_id)
            row["best_score"] = number(best[0].score)
            row["best_hyperparameters"] = json.dumps(
                {k: jsonable(v) for k, v in best[0].hyperparameters.values.items()},
                sort_keys=True)
        return row


# -- the run hook: an execution of a trial ---------------------------------------------------
def _run_hook(run) -> None:
    ctx = getattr(_local, "trial", None)
    if ctx is None:
        return None
    run.informed_by = ctx.task
    if "itrial" not in run.upstream_sets:
        run.upstream_sets.append("itrial")
    ctx.executions += 1
    rec = ctx.search
    if rec.run is not None:
        rec.trial_values(ctx.trial_id)
    if rec.run is not None and not rec.retagged:
        rec.retagged = True  # the search joins the dataflow its models name
        if run.dataflow != rec.run.dataflow:
            rec.run.retag(run.dataflow)
    return None


__all__ = ["SearchRecord", "install", "watch"]
