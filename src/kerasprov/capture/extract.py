"""Read hyperparameters, configuration, layers and environment from a real model and fit call."""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import platform
import shlex
import socket
import subprocess
import sys
import time
from typing import Any

from ..digest import file_sha256
from .values import describe_array, is_array, jsonable, short_float

PAPER_HYPS = ("OPTIMIZER_NAME", "LEARNING_RATE", "DECAY", "MOMENTUM", "NUM_EPOCHS",
              "BATCH_SIZE", "NUM_LAYERS")

#: Set when the script calls keras.utils.set_random_seed (see patch.py).
SEEDS: dict[str, Any] = {}


def select_hyps(hyps: dict | None) -> tuple[str, ...]:
    """The paper's hyperparameters to record; ``None`` means all of them."""
    if hyps is None:
        return PAPER_HYPS
    if not isinstance(hyps, dict):
        raise ValueError(f"hyps must be a dict like {{'LEARNING_RATE': True}}. "
                         f"Received: hyps={hyps!r}")
    chosen = []
    for key, on in hyps.items():
        name = str(key).upper()
        if name not in PAPER_HYPS:
            raise ValueError(f"Unknown hyps key {key!r}; known: {', '.join(PAPER_HYPS)}. "
                             "Pass other values through hyperparameters={...}.")
        if on:
            chosen.append(name)
    return tuple(chosen)


def inner_optimizer(opt):
    return getattr(opt, "inner_optimizer", None) or opt


def _schedule(opt):
    try:
        from keras.optimizers.schedules import LearningRateSchedule
    except ImportError:  # pragma: no cover
        return None
    lr = getattr(opt, "_learning_rate", None)
    return lr if isinstance(lr, LearningRateSchedule) else None


def schedule_name(opt) -> str | None:
    sched = _schedule(inner_optimizer(opt)) if opt is not None else None
    return type(sched).__name__ if sched is not None else None


def read_lr(opt) -> float | None:
    """The learning rate in effect now (a schedule is evaluated at the current step)."""
    if opt is None:
        return None
    opt = inner_optimizer(opt)
    lr = getattr(opt, "_learning_rate", None)
    try:
        if _schedule(opt) is not None:
            lr = lr(opt.iterations)
        elif callable(lr) and not hasattr(lr, "value"):
            lr = lr()
        value = getattr(lr, "value", lr)
        return short_float(float(value))
    except Exception:
        try:
            import keras
            return short_float(float(keras.ops.convert_to_numpy(opt.learning_rate)))
        except Exception:
            return None


def model_optimizers(model) -> dict[str, Any]:
    """The optimizers ``model`` holds by attribute name: compile's ``optimizer``, and any a
    custom ``compile()`` keeps itself (the GAN guides' ``d_optimizer``, ``g_optimizer``)."""
    import keras
    found: dict[str, Any] = {}
    opt = getattr(model, "optimizer", None)
    if opt is not None:
        found["optimizer"] = opt
    for name, value in list(vars(model).items()):
        if isinstance(value, keras.optimizers.Optimizer) and name.lstrip("_") != "optimizer" \
                and all(value is not v for v in found.values()):
            found[name.lstrip("_")] = value
    return found


def steps_taken(opt) -> int | None:
    """How many updates ``opt`` has applied (its ``iterations``)."""
    try:
        import keras
        return int(keras.ops.convert_to_numpy(inner_optimizer(opt).iterations))
    except Exception:
        return None


def _common(values: list):
    """The value all optimizers share, else None (their own columns say each one)."""
    first = values[0] if values else None
    return first if all(v == first for v in values) else None


def _opt_values(inner, sched) -> dict:
    cfg = (_safe(sched.get_config) or {}) if sched is not None else {}
    lr = _num(cfg.get("initial_learning_rate")) if sched is not None else None
    decay = _num(cfg.get("decay_rate")) if sched is not None else None
    if decay is None:
        decay = _num(getattr(inner, "weight_decay", None))
    return {"optimizer_name": type(inner).__name__,
            "learning_rate": lr if lr is not None else read_lr(inner), "decay": decay,
            "momentum": _num(getattr(inner, "momentum", None))}


def paper_hyperparameters(model, fit_args: dict, selected: tuple[str, ...],
                          optimizers: dict[str, Any] | None = None) -> dict:
    """The paper's hyperparameters of a fit. ``optimizers`` are the ones that train (by
    attribute name; default: compile's). With several, each gets ``<name>`` (its class)
    and ``<name>_learning_rate`` columns, and the shared columns hold what they share."""
    if optimizers is None:
        optimizers = {"optimizer": model.optimizer} if model.optimizer is not None else {}
    each = {}
    for name, opt in optimizers.items():
        inner = inner_optimizer(opt)
        each[name] = _opt_values(inner, _schedule(inner))
    keys = {"OPTIMIZER_NAME": "optimizer_name", "LEARNING_RATE": "learning_rate",
            "DECAY": "decay", "MOMENTUM": "momentum"}
    values: dict[str, Any] = {}
    for hyp, key in keys.items():
        if hyp in selected:
            values[key] = _common([v[key] for v in each.values()])
    if len(each) > 1:
        for name, v in each.items():
            if "OPTIMIZER_NAME" in selected:
                values[name] = v["optimizer_name"]
            if "LEARNING_RATE" in selected:
                values[f"{name}_learning_rate"] = v["learning_rate"]
    if "NUM_EPOCHS" in selected:
        values["num_epochs"] = epochs_to_run(fit_args)
    if "BATCH_SIZE" in selected:
        values["batch_size"] = effective_batch_size(fit_args)
    if "NUM_LAYERS" in selected:
        values["num_layers"] = len(model.layers)
    return values


def epochs_to_run(fit_args: dict) -> int | None:
    """The epochs this fit runs: ``epochs - initial_epoch`` (Keras counts ``epochs`` from
    0 even when a fit resumes at ``initial_epoch``)."""
    epochs = _int(fit_args.get("epochs"))
    if epochs is None:
        return None
    return max(0, epochs - (_int(fit_args.get("initial_epoch")) or 0))


def effective_batch_size(fit_args: dict) -> int | None:
    bs = fit_args.get("batch_size")
    if bs is not None:
        return _int(bs)
    x = fit_args.get("x")
    if hasattr(x, "shape") or isinstance(x, (list, tuple, dict)):
        return 32  # Keras's default for array inputs
    # A pipeline that batches itself and says by how much: a torch DataLoader (or its
    # batch sampler), a PyDataset or Sequence that keeps a batch_size attribute.
    for holder in (x, getattr(x, "batch_sampler", None)):
        size = getattr(holder, "batch_size", None) if holder is not None else None
        if isinstance(size, int) and not isinstance(size, bool) and size > 0:
            return size
    return None  # a generator, or a pipeline that does not say


def training_config(model, fit_args: dict, optimizers: dict[str, Any] | None = None) -> dict:
    import keras
    if optimizers is None:
        optimizers = {"optimizer": model.optimizer} if model.optimizer is not None else {}
    configs = {name: _safe(opt.get_config) for name, opt in optimizers.items()}
    # One optimizer: its config, as before; several: each under its attribute name.
    opt_config = next(iter(configs.values())) if len(configs) == 1 else configs or None
    compile_cfg = getattr(getattr(model, "_compile_config", None), "config", None) or {}
    trainable = sum(_size(w) for w in model.trainable_weights)
    total = sum(_size(w) for w in model.weights)
    return {
        "optimizer_config": json.dumps(jsonable(opt_config), sort_keys=True),
        "loss": _text(compile_cfg.get("loss")),
        "metrics": json.dumps(jsonable(compile_cfg.get("metrics"))),
        "trainable_params": trainable,
        "non_trainable_params": total - trainable,
        "total_params": total,
        "validation_split": _num(fit_args.get("validation_split")),
        "has_validation_data": fit_args.get("validation_data") is not None,
        "shuffle": bool(fit_args.get("shuffle", True)),
        "initial_epoch": _int(fit_args.get("initial_epoch")),
        "epochs": _int(fit_args.get("epochs")),
        # Values, so two runs' weighting compares at a glance (sample_weight is an array:
        # its fingerprint is the itrainingdata row of role sample_weight).
        "class_weight": _class_weight(fit_args.get("class_weight")),
        "sample_weight": _described(fit_args.get("sample_weight")),
        "steps_per_epoch": _int(fit_args.get("steps_per_epoch")),
        "model_class": type(model).__name__,
        "model_name": getattr(model, "name", None),
        "backend": keras.backend.backend(),
        "keras_version": keras.__version__,
        # Set through keras.utils.set_random_seed before this fit (None: not set that way).
        "random_seed": SEEDS.get("seed"),
    }


def model_identity(model) -> dict:
    """Which model a Testing task evaluated (``ds_itestingmodel``): a run that only
    evaluates a loaded model has its name from here."""
    return {"model_name": getattr(model, "name", None), "model_class": type(model).__name__,
            "total_params": _safe(lambda: sum(_size(w) for w in model.weights))}


_LAYER_KEYS = ("activation", "units", "filters", "kernel_size", "strides", "padding", "rate",
               "pool_size", "use_bias", "dtype")


def layer_rows(model) -> list[dict]:
    rows = []
    for i, layer in enumerate(model.layers):
        cfg = _safe(layer.get_config) or {}
        row = {"layer_index": i, "name": layer.name, "class_name": type(layer).__name__}
        for key in _LAYER_KEYS:
            v = cfg.get(key)
            if isinstance(v, dict):  # a dtype policy or a serialized object
                v = v.get("config", {}).get("name") or v.get("class_name")
            row[key] = json.dumps(v) if isinstance(v, (list, tuple)) else jsonable(v)
        row["trainable"] = bool(getattr(layer, "trainable", True))
        row["params"] = sum(_size(w) for w in layer.weights)
        try:
            row["output_shape"] = str(tuple(layer.output.shape))
        except Exception:
            row["output_shape"] = None
        row["config"] = json.dumps(jsonable(cfg), sort_keys=True)
        rows.append(row)
    return rows


def run_identity() -> dict:
    """Cheap facts for run_start (the expensive ones are in ``environment``)."""
    import keras
    script = os.path.abspath(sys.argv[0]) if sys.argv and sys.argv[0] else None
    try:
        user = getpass.getuser()
    except Exception:
        user = None
    return {"host": socket.gethostname(), "user": user, "pid": os.getpid(), "script": script,
            "command": shlex.join(sys.argv), "keras_version": keras.__version__,
            "backend": keras.backend.backend(), "start": time.time()}


_ENV_CACHE: dict[str, Any] = {}


def environment() -> dict:
    """Facts about the machine and software (computed on the writer thread, cached)."""
    if not _ENV_CACHE:
        import keras
        backend = keras.backend.backend()
        env = {
            "host": socket.gethostname(), "os": platform.platform(),
            "machine": platform.machine(), "python": sys.version.split()[0],
            "python_executable": sys.executable, "cwd": os.getcwd(),
            "keras_version": keras.__version__, "backend": backend,
            "backend_version": _backend_version(backend), "devices": _devices(backend),
            "cpu_count": os.cpu_count(), **_packages(),
        }
        env.update(_git(os.path.dirname(os.path.abspath(sys.argv[0])) if sys.argv and
                        sys.argv[0] else os.getcwd()))
        env.update(_rerun())
        _ENV_CACHE.update(env)
    out = dict(_ENV_CACHE)
    if SEEDS:
        out["random_seed"] = SEEDS.get("seed")
    return out


def _backend_version(backend):
    mod = {"torch": "torch", "jax": "jax", "tensorflow": "tensorflow"}.get(backend)
    try:
        return sys.modules[mod].__version__ if mod in sys.modules else None
    except Exception:
        return None


def _devices(backend):
    try:
        if backend == "torch":
            import torch
            if torch.cuda.is_available():
                return [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
            mps = getattr(torch.backends, "mps", None)
            return ["mps"] if mps is not None and mps.is_available() else ["cpu"]
        if backend == "jax":
            import jax
            return [str(d) for d in jax.devices()]
        if backend == "tensorflow":
            import tensorflow as tf
            gpus = tf.config.list_physical_devices("GPU")
            return [tf.config.experimental.get_device_details(g).get("device_name", g.name)
                    for g in gpus] or ["cpu"]
    except Exception:
        pass
    return ["cpu"]


def _packages() -> dict:
    """The installed packages (``{name: version}``, so a diff can name the one that
    changed) and a hash of the whole set (so a query can group runs by environment)."""
    try:
        from .packages import installed
        versions = installed()  # importlib.metadata's answer, without its email parsing
        names = sorted(f"{n}=={v}" for n, v in versions.items())
        return {"packages_sha256": hashlib.sha256("\n".join(names).encode()).hexdigest(),
                "packages": dict(sorted(versions.items()))}
    except Exception:
        return {"packages_sha256": None}


def _git(directory):
    """Commit and dirty flag (modified tracked files) of the repository holding the script."""
    def git(*args):
        try:
            out = subprocess.run(["git", "--no-optional-locks", "-C", directory, *args],
                                 capture_output=True,
                                 text=True, timeout=5, check=False)
        except (OSError, subprocess.SubprocessError):
            return None
        return out.stdout.strip() if out.returncode == 0 else None
    commit = git("rev-parse", "HEAD")
    if not commit:
        return {"git_commit": None, "git_dirty": None, "git_root": None}
    status = git("status", "--porcelain", "--untracked-files=no")
    dirty = [line[3:] for line in (status or "").splitlines() if line[3:]]
    return {"git_commit": commit, "git_dirty": None if status is None else bool(status),
            "git_dirty_files": dirty[:200], "git_root": git("rev-parse", "--show-toplevel")}


#: Environment variables that change what a training computes (``kerasprov rerun`` sets
#: them again); secrets (a token) are never recorded.
RERUN_ENV = ("KERAS_BACKEND", "PYTHONHASHSEED", "CUDA_VISIBLE_DEVICES", "OMP_NUM_THREADS",
             "MKL_NUM_THREADS", "TF_DETERMINISTIC_OPS", "CUBLAS_WORKSPACE_CONFIG",
             "XLA_FLAGS", "JAX_ENABLE_X64", "PYTHONPATH", "KERASPROV_ATTEST")


def _rerun() -> dict:
    """What ``kerasprov rerun`` needs: argv, working directory, interpreter, the variables
    that matter, and the script's sha256 (and the git diff's, when the tree is dirty)."""
    out: dict[str, Any] = {"rerun": {
        "argv": list(sys.argv), "cwd": os.getcwd(), "executable": sys.executable,
        "env": {k: os.environ[k] for k in RERUN_ENV if k in os.environ},
        "notebook": "ipykernel" in sys.modules or not (sys.argv and sys.argv[0])}}
    if os.environ.get("KERASPROV_REPRODUCES"):  # set by `kerasprov rerun` (proof/rerun.py)
        out["reproduces"] = os.environ["KERASPROV_REPRODUCES"]
    script = os.path.abspath(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if script and os.path.isfile(script):
        try:
            out["script_sha256"] = file_sha256(script)[1]
        except OSError:
            pass
    if script and os.path.isfile(script):
        try:
            diff = subprocess.run(["git", "--no-optional-locks", "-C", os.path.dirname(script),
                                   "diff", "HEAD"], capture_output=True, timeout=5, check=False)
            if diff.returncode == 0 and diff.stdout:
                out["git_diff_sha256"] = hashlib.sha256(diff.stdout).hexdigest()
        except (OSError, subprocess.SubprocessError):
            pass
    return out


def _text(value) -> str | None:
    """A loss or metric as text: a name as it is, anything else as JSON."""
    value = jsonable(value)
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True)


def _class_weight(value) -> str | None:
    """``{class: weight}`` as JSON text with the classes in order (``{"0": 1.0, ...}``)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        return _text(value)
    items = sorted(((jsonable(k), jsonable(v)) for k, v in value.items()),
                   key=lambda kv: (not isinstance(kv[0], (int, float)), kv[0]))
    return json.dumps({str(k): v for k, v in items})


def _described(value) -> str | None:
    if value is None:
        return None
    return describe_array(value) if is_array(value) else type(value).__name__


def _safe(fn):
    try:
        return fn()
    except Exception:
        return None


def _num(v):
    if v is None or isinstance(v, bool):
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        try:
            return float(getattr(v, "value", v).__float__())
        except Exception:
            return None


def _int(v):
    try:
        return None if v is None else int(v)
    except (TypeError, ValueError):
        return None


def _size(w) -> int:
    n = 1
    for d in w.shape:
        n *= int(d)
    return n
