"""Distributed training: which process of which job this is, and who writes the run.

A job of N processes (JAX multi-process, ``torch.distributed``, TensorFlow's ``TF_CONFIG``,
Keras' ``KERAS_DISTRIBUTION_*``) trains one model, so by default it is **one run**: every
process derives the same run id from the job id, the process of rank 0 writes the run's
events, and every other process writes one ``agent`` event only (rank, host, devices): it is
a worker agent of the run, not a run. With ``kerasprov.distributed(ranks="all")`` every
process of rank > 0 also records its own epochs in a sub-run ``<run>-r<rank>`` (useful when
ranks see different data); its agent event names that sub-run.

The job id comes from ``kerasprov.distributed(job=...)``, ``KERASPROV_JOB``, the launcher
(``SLURM_JOB_ID``, ``TORCHELASTIC_RUN_ID``, with their restart counts), or else rank 0
draws one and hands it to the others through the rendezvous key-value store (torch's
default store, JAX's distributed client), never through a collective of the training. A
job id must be new for each launch: runs are identified by it.

```python
kerasprov.distributed(job=os.environ["MY_JOB"], ranks="all")   # optional
```
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import socket
import sys
import threading
import time
from dataclasses import asdict, dataclass, field

from ..errors import warn_once

RANKS = ("rank0", "all")
_settings: dict[str, object] = {"job": None, "ranks": None}
_state: dict[str, object] = {"job": None, "n": 0}
_lock = threading.Lock()
_STORE_KEY = "kerasprov/job"
_WAIT_S = 10.0


@dataclass
class Process:
    """Where this process stands in its job."""

    rank: int
    world_size: int
    source: str  # where rank and world size came from
    local_rank: int | None = None
    host: str = field(default_factory=socket.gethostname)
    pid: int = field(default_factory=os.getpid)
    devices: list[str] = field(default_factory=list)
    distribution: dict | None = None


def distributed(job: str | None = None, ranks: str = "rank0") -> None:
    """Say how a distributed job is recorded (optional: defaults work under launchers).

    Args:
        job: the job id that ties the job's processes together; new for every launch
            (default: ``KERASPROV_JOB``, ``SLURM_JOB_ID``, ``TORCHELASTIC_RUN_ID``, else one
            drawn by rank 0 and shared through the rendezvous store).
        ranks: ``"rank0"``: one run written by rank 0, other processes are its worker
            agents; ``"all"``: every process of rank > 0 also records its own epochs as a
            sub-run of the run.
    """
    if ranks not in RANKS:
        raise ValueError(f"ranks must be one of {RANKS}. Received: ranks={ranks!r}")
    if job is not None and (not isinstance(job, str) or not job.strip()):
        raise ValueError(f"job must be a non-empty string. Received: job={job!r}")
    _settings.update(job=job, ranks=ranks)
    with _lock:
        _state["job"] = None


def _env_int(*names: str) -> int | None:
    for name in names:
        value = os.environ.get(name)
        if value is not None and value.strip().lstrip("-").isdigit():
            return int(value)
    return None


def process() -> Process | None:
    """This process's rank in a job of more than one process (None: not distributed)."""
    found = _from_frameworks() or _from_env()
    if found is None:
        return None
    rank, world, source = found
    proc = Process(rank=rank, world_size=world, source=source,
                   local_rank=_env_int("LOCAL_RANK", "SLURM_LOCALID",
                                       "OMPI_COMM_WORLD_LOCAL_RANK"))
    proc.devices, proc.distribution = _devices_and_distribution()
    return proc


def _from_frameworks() -> tuple[int, int, str] | None:
    dist = sys.modules.get("torch.distributed")
    try:
        if dist is not None and dist.is_available() and dist.is_initialized() \
                and dist.get_world_size() > 1:
            return dist.get_rank(), dist.get_world_size(), "torch.distributed"
    except Exception:
        pass
    jax = sys.modules.get("jax")
    if jax is not None and _keras_backend() == "jax":
        try:
            if jax.process_count() > 1:
                return jax.process_index(), jax.process_count(), "jax"
        except Exception:
            pass
    return None


def _from_env() -> tuple[int, int, str] | None:
    pairs = (("RANK", "WORLD_SIZE"),
             ("KERAS_DISTRIBUTION_PROCESS_ID", "KERAS_DISTRIBUTION_NUM_PROCESSES"),
             ("SLURM_PROCID", "SLURM_NTASKS"),
             ("OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"))
    for rank_name, world_name in pairs:
        rank, world = _env_int(rank_name), _env_int(world_name)
        if rank is not None and world is not None and world > 1:
            return rank, world, f"{rank_name}/{world_name}"
    tf_config = os.environ.get("TF_CONFIG")
    if tf_config:
        try:
            cfg = json.loads(tf_config)
            cluster, task = cfg.get("cluster") or {}, cfg.get("task") or {}
            order = ["chief", "master", "worker"]
            roles = [r for r in order if r in cluster]
            world = sum(len(cluster[r]) for r in roles)
            if world > 1 and task.get("type") in roles:
                before = sum(len(cluster[r]) for r in roles[:roles.index(task["type"])])
                return before + int(task.get("index", 0)), world, "TF_CONFIG"
        except Exception:
            warn_once("tf-config", "TF_CONFIG is not valid JSON; rank not recorded")
    return None


def _keras_backend() -> str | None:
    keras = sys.modules.get("keras")
    try:
        return keras.backend.backend() if keras is not None else None
    except Exception:
        return None


def _devices_and_distribution() -> tuple[list[str], dict | None]:
    """This process's devices and the Keras distribution (mesh shape, layout map)."""
    devices: list[str] = []
    dist_info = None
    keras = sys.modules.get("keras")
    try:
        if keras is not None:
            devices = [str(d) for d in keras.distribution.list_devices()]
    except Exception:  # the torch backend has no keras.distribution devices
        devices = []
    torch = sys.modules.get("torch")
    if not devices and torch is not None and _keras_backend() == "torch":
        try:
            n = torch.cuda.device_count() if torch.cuda.is_available() else 0
            local = _env_int("LOCAL_RANK")
            devices = [f"cuda:{local}"] if n and local is not None and local < n else \
                [f"cuda:{i}" for i in range(n)] or ["cpu"]
        except Exception:
            devices = ["cpu"]
    jax = sys.modules.get("jax")
    if jax is not None and _keras_backend() == "jax":
        try:
            devices = [str(d) for d in jax.local_devices()]
        except Exception:
            pass
    try:
        current = keras.distribution.distribution() if keras is not None else None
    except Exception:
        current = None
    if current is not None:
        dist_info = {"class": type(current).__name__}
        mesh = getattr(current, "device_mesh", None)
        if mesh is not None:
            dist_info["mesh_shape"] = list(getattr(mesh, "shape", []) or [])
            dist_info["axis_names"] = list(getattr(mesh, "axis_names", []) or [])
        batch_dim = getattr(current, "batch_dim_name", None)
        if batch_dim is not None:
            dist_info["batch_dim_name"] = str(batch_dim)
        layout_map = getattr(current, "_layout_map", None)
        if layout_map is not None:
            try:
                dist_info["layout_map"] = {
                    str(k): [None if a is None else str(a) for a in getattr(v, "axes", v)]
                    for k, v in layout_map._layout_map.items()}
            except Exception:
                dist_info["layout_map"] = repr(layout_map)
    return devices, dist_info


# -- the job id --------------------------------------------------------------------------
def job_id(proc: Process) -> str:
    """The id every process of this job agrees on (cached for the process)."""
    with _lock:
        if _state["job"] is not None:
            return str(_state["job"])
    job = (_settings["job"] or os.environ.get("KERASPROV_JOB") or _launcher_job()
           or _shared_job(proc))
    with _lock:
        _state["job"] = job
    return str(job)


def _launcher_job() -> str | None:
    """The launcher's id of this launch. A launcher that restarts a job keeps its id (Slurm's
    requeue, torchelastic's restart after a failed worker) but counts the restarts in an
    environment variable every process of the new launch shares: it is part of the job id,
    so a restarted job is a new run instead of a run whose new events the store would skip
    as already stored (their sequence numbers start again at 0)."""
    slurm = os.environ.get("SLURM_JOB_ID")
    if slurm:
        step = os.environ.get("SLURM_STEP_ID")
        return f"slurm-{slurm}" + (f".{step}" if step else "") + _restart("SLURM_RESTART_COUNT")
    elastic = os.environ.get("TORCHELASTIC_RUN_ID")
    if elastic and elastic.lower() != "none":
        return f"torchelastic-{elastic}" + _restart("TORCHELASTIC_RESTART_COUNT")
    return None


def _restart(variable: str) -> str:
    count = os.environ.get(variable, "").strip()
    return f"-restart{count}" if count.isdigit() and int(count) > 0 else ""


def _shared_job(proc: Process) -> str:
    """Rank 0 draws a job id; the others read it from the rendezvous key-value store."""
    drawn = time.strftime("%Y%m%d%H%M%S", time.gmtime()) + "-" + secrets.token_hex(4)
    for share in (_torch_store, _jax_store):
        try:
            got = share(proc.rank == 0, drawn)
        except Exception as exc:
            warn_once("job-share", f"ranks could not agree on a job id through the "
                                   f"rendezvous store ({exc!r})")
            got = None
        if got is not None:
            return got
    # No store to share through: what every process of one launch has in common.
    common = "|".join(os.environ.get(k, "") for k in (
        "MASTER_ADDR", "MASTER_PORT", "KERAS_DISTRIBUTION_JOB_ADDRESSES", "TF_CONFIG"))
    common += f"|{proc.world_size}|{os.getppid() if proc.local_rank is not None else ''}"
    warn_once("job-id", "no job id for this distributed job (set kerasprov.distributed(job=...)"
                        " or KERASPROV_JOB): one is derived from the rendezvous address, so "
                        "two launches with the same address may share run ids")
    return "job-" + hashlib.sha1(common.encode()).hexdigest()[:12]


def _torch_store(is_rank0: bool, drawn: str) -> str | None:
    dist = sys.modules.get("torch.distributed")
    if dist is None or not dist.is_available() or not dist.is_initialized():
        return None
    import datetime

    from torch.distributed import distributed_c10d
    store = distributed_c10d._get_default_store()
    if is_rank0:
        store.set(_STORE_KEY, drawn)
        return drawn
    store.wait([_STORE_KEY], datetime.timedelta(seconds=_WAIT_S))
    return store.get(_STORE_KEY).decode()


def _jax_store(is_rank0: bool, drawn: str) -> str | None:
    if sys.modules.get("jax") is None or _keras_backend() != "jax":
        return None
    from jax._src.distributed import global_state
    client = getattr(global_state, "client", None)
    if client is None:
        return None
    if is_rank0:
        client.key_value_set(_STORE_KEY, drawn)
        return drawn
    return client.blocking_key_value_get(_STORE_KEY, int(_WAIT_S * 1000))


def run_id_for(job: str, n: int) -> str:
    """The id of the job's n-th run (the same in every process: ranks fit in step)."""
    slug = re.sub(r"[^A-Za-z0-9_.-]", "_", job)[:28]
    return f"{slug}-{hashlib.sha1(job.encode()).hexdigest()[:6]}-{n}"


# -- the run hook (session.Run) ------------------------------------------------------------
def place(run) -> object:
    """Give a new run its job-wide id; mute it on ranks > 0 (see the module docstring)."""
    proc = process()
    if proc is None and _settings["job"] is None:
        return None
    if proc is None:
        proc = Process(rank=0, world_size=1, source="job")
    job = job_id(proc)
    with _lock:
        _state["n"] = int(_state["n"]) + 1
        n = _state["n"]
    main = run_id_for(job, n)
    if proc.rank == 0:
        run.id = main
        return lambda r: _emit_agent(r, main, job, proc, activity=main)
    if _settings["ranks"] == "all":
        run.id = f"{main}-r{proc.rank}"
        return lambda r: _emit_agent(r, main, job, proc, activity=r.id)
    run.muted = True  # rank 0 writes this run
    _emit_agent(_WorkerStream(f"{main}-w{proc.rank}", run.outbox), main, job, proc,
                activity=None)
    return None


def _emit_agent(stream, main: str, job: str, proc: Process, activity: str | None) -> None:
    info = asdict(proc)
    stream.emit("agent", sync=True, close=getattr(stream, "closing", False), of=main,
                agent=f"{job}/rank{proc.rank}", role="worker", job=job, activity=activity,
                time=time.time(), **{k: info[k] for k in (
                    "rank", "world_size", "local_rank", "host", "pid", "devices",
                    "distribution", "source")})


class _WorkerStream:
    """The one-event stream of a process that is a worker agent of a run it does not write."""

    closing = True

    def __init__(self, stream_id: str, outbox):
        # The run's outbox, handed over: importing session here would close a loop
        # (session places each new run through this module).
        self.id = stream_id
        self.outbox = outbox

    def emit(self, type_: str, sync: bool = False, close: bool = False, **payload) -> None:
        event = {"v": 1, "run": self.id, "seq": 0, "type": type_, "ts": time.time()}
        event.update(payload)
        self.outbox.put(event, sync=sync, close=close)


__all__ = ["Process", "distributed", "place", "process", "run_id_for"]
