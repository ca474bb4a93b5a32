"""Files and data a run used or generated, recorded without slowing training.

The training thread only emits events that hold a path or a reference to an array; every
byte is read and hashed off it, by kerasprov's hash thread (``background``), started as the
event is emitted, and written by the outbox writer thread (the ``lazy`` payload of an
event, see ``outbox/writer.py``).

Content hashes:

- **File**: sha256 of its bytes; ``size`` in bytes.
- **Directory**: sha256 of the text ``"<relative path>\\0<sha256 of the file>\\n"`` over
  every regular file below it, sorted by relative path (``/`` separators); ``size`` is the
  sum of the file sizes. Renaming, adding, removing or changing a file changes the hash;
  timestamps and permissions do not.
- **Array** (fit/evaluate inputs, array values of user transformations): sha256 of the
  header ``"<dtype.str>|<shape>\\n"`` followed by the array's bytes in C order, so equal
  data in equal shape and dtype share the hash whatever the memory layout.
  ``hash_method = "full"``. Arrays larger than 64 MiB are sampled: the header, the text
  ``"sampled:<k>\\n"`` and the bytes of ``k`` rows (axis 0) at evenly spaced indices,
  first and last included, about 16 MiB in all (``hash_method = "sampled"``). Two runs on
  the same data always share the hash; a sampled hash can miss a change in a row that was
  not sampled, which the recorded method says.

Only regular files are read, within bounds (``hash_bounds``: 600 s and 64 GiB by default).
A FIFO, a device, a socket (or a symlink to one) is never opened: it is recorded with no
sha256 and the reason in ``hash_method`` (``"not a regular file: fifo"``), as is a file
that was missing, deleted or changed before it was hashed, or over a bound. A hashed file
has ``hash_method = "full"``, a directory ``"directory"``.

A file or array is hashed shortly after the event is emitted (milliseconds, while training
goes on). A file overwritten or an array modified in place within that interval is recorded
with its newer content.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from pathlib import Path

from ..digest import NotHashed, dir_sha256, file_kind, file_sha256
from ..errors import warn_once
from ..names import GENERATED, USED
from .hashworker import background, hash_bounds
from .state import STATE_ATTR
from .values import describe_array, is_array  # noqa: F401 (callers use files.*)

FULL_HASH_LIMIT = 64 << 20
SAMPLE_BYTES = 16 << 20


_active: list = []  # FitCaptures whose fit is running (any thread)
_active_lock = threading.Lock()


# -- hashing (hash thread) ------------------------------------------------------------------
def digest(path: str | os.PathLike) -> dict:
    """``{"size", "sha256", "hash_method"}`` of a path. ``hash_method`` is ``"full"`` (a
    file) or ``"directory"`` when hashed, else why not: ``"not a regular file: fifo"``,
    ``"not found"``... (then ``sha256`` is None). Nothing but a regular file is opened."""
    seconds, max_bytes = hash_bounds()
    deadline = time.monotonic() + seconds
    try:
        st = os.stat(path)
        kind = file_kind(st.st_mode)
        if kind == "directory":
            size, sha = dir_sha256(path, deadline, max_bytes)
            return {"size": size, "sha256": sha, "hash_method": "directory"}
        if kind == "regular" and st.st_size > max_bytes:
            raise NotHashed(f"over the hash size limit ({max_bytes} bytes)")
        size, sha = file_sha256(path, deadline, max_bytes)
        return {"size": size, "sha256": sha, "hash_method": "full"}
    except NotHashed as exc:
        size = st.st_size if kind == "regular" else None
        return {"size": size, "sha256": None, "hash_method": exc.reason}
    except OSError as exc:  # a typo in a declared path is worth a line
        warn_once(f"file:{path}", f"could not read {path} to hash it ({exc}); it is recorded "
                                  "without size and sha256")
        why = "not found" if isinstance(exc, FileNotFoundError) else \
            f"unreadable: {exc.strerror or type(exc).__name__}"[:200]
        return {"size": None, "sha256": None, "hash_method": why}


def _numpy(value):
    import numpy as np
    if isinstance(value, np.ndarray):
        return value
    if hasattr(value, "to_numpy"):  # pandas
        return np.asarray(value.to_numpy())
    try:
        import keras
        return np.asarray(keras.ops.convert_to_numpy(value))
    except Exception:
        return np.asarray(value)


def array_fingerprint(value) -> dict:
    """Shape, dtype, size and content hash of an array-like (see the module docstring)."""
    import numpy as np
    arr = _numpy(value)
    out = {"shape": str(list(arr.shape)), "dtype": str(arr.dtype), "nbytes": int(arr.nbytes),
           "n_samples": int(arr.shape[0]) if arr.ndim else None}
    header = f"{arr.dtype.str}|{tuple(int(d) for d in arr.shape)}\n".encode()
    h = hashlib.sha256(header)
    if arr.dtype.hasobject:
        # Pointers are not content: hash the values' text instead (strings, mixed objects).
        for item in arr.ravel(order="C"):
            h.update(repr(item).encode("utf-8", "backslashreplace") + b"\n")
        method = "repr"
    elif arr.nbytes <= FULL_HASH_LIMIT or arr.ndim == 0:
        h.update(memoryview(np.ascontiguousarray(arr)).cast("B"))
        method = "full"
    else:
        n = arr.shape[0]
        row_bytes = max(1, arr.nbytes // max(n, 1))
        k = max(1, min(n, SAMPLE_BYTES // row_bytes))
        idx = np.unique(np.linspace(0, n - 1, k).round().astype(np.int64))
        h.update(f"sampled:{len(idx)}\n".encode())
        for start in range(0, len(idx), 256):  # bounded memory for the copy of the sample
            h.update(memoryview(np.ascontiguousarray(arr[idx[start:start + 256]])).cast("B"))
        method = "sampled"
    out.update(sha256=h.hexdigest(), hash_method=method)
    return out


# -- what the training thread may touch ----------------------------------------------------
def data_items(role: str, value) -> list[tuple[str, object]]:
    """Split a fit/evaluate argument into (role, leaf) pairs: arrays or data pipelines."""
    if value is None:
        return []
    if isinstance(value, dict) and all(is_array(v) for v in value.values()):
        return [(f"{role}.{k}", v) for k, v in value.items()]
    if isinstance(value, (list, tuple)) and value and all(is_array(v) for v in value):
        return [(f"{role}.{i}", v) for i, v in enumerate(value)]
    return [(role, value)]


def data_row(role: str, value) -> dict:
    """One row of a data set describing an input (writer thread); same columns for all."""
    row = {"role": role, "class_name": type(value).__name__, "module": type(value).__module__,
           "shape": None, "dtype": None, "nbytes": None, "n_samples": None, "sha256": None,
           "hash_method": None, "length": None}
    try:
        if is_array(value):
            row.update(array_fingerprint(value))
        elif hasattr(value, "__len__"):
            row["length"] = len(value)  # PyDataset / DataLoader: batches per epoch
    except Exception as exc:
        warn_once("fingerprint", f"could not fingerprint the {role} data ({exc!r})")
    return row


def data_rows(items: list[tuple[str, object]]):
    """A lazy rows callable for the writer: the fingerprints are computed now, on the hash
    thread (``background``), so they are of the arrays as the fit or evaluate starts, not
    as they are when the writer's next tick comes (up to ``outbox.writer.POLL_S`` later)."""
    return background(lambda: [data_row(role, value) for role, value in items])


def fit_data(fit_args: dict) -> list[tuple[str, object]]:
    items = []
    for name in ("x", "y", "sample_weight"):
        items += data_items(name, fit_args.get(name))
    val = fit_args.get("validation_data")
    if isinstance(val, (list, tuple)):
        for name, part in zip(("val_x", "val_y", "val_sample_weight"), val):
            items += data_items(name, part)
    elif val is not None:
        items += data_items("val_x", val)
    return items


# -- file events ----------------------------------------------------------------------------
def emit_file(run, task: str | None, path, role: str, kind: str | None = None,
              epoch: int | None = None, lazy=None) -> None:
    """Record one file; its size and sha256 are computed on the hash thread (``background``)."""
    path = os.path.abspath(os.fspath(path))
    if lazy is None:
        lazy = hash_in_background(path)
    run.emit("file", close=run.ended, task=task, path=path, role=role, kind=kind,
             epoch=epoch, time=time.time(), lazy=lazy)


def hash_in_background(path: str):
    """Start hashing ``path`` now, off the training thread (reading and hashing release
    the GIL); returns a callable for its digest. Now, not when the writer gets to the
    event: a file saved again a moment later (a checkpoint at the next epoch) must not give
    this version the later bytes' hash."""
    mark = _mark(path)  # a stat (microseconds): which version of the file this is
    stuck = {"size": mark[1] if mark else None, "sha256": None,
             "hash_method": "hashing took longer than the hash time limit"}
    return background(digest_if_unchanged, path, mark, on_timeout=stuck)


#: Saves begun per path as given to ``save`` (training thread, before each save writes):
#: the writer marks a version only while no later save of its path has begun.
SAVES_BEGUN: dict[str, int] = {}
SUPERSEDED = ("superseded",)  # mark_if_latest: a later save began before the mark


def mark_if_latest(path: str, key: str, begun: int):
    """Writer thread: ``_mark(path)`` of the version save number ``begun`` of ``key``
    wrote, or ``SUPERSEDED`` if a later save of it began before or while it was taken."""
    if SAVES_BEGUN.get(key) != begun:
        return SUPERSEDED
    mark = _mark(path)
    return mark if SAVES_BEGUN.get(key) == begun else SUPERSEDED


def _mark(path: str) -> tuple[int, int, str] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, file_kind(st.st_mode)


def digest_if_unchanged(path: str, mark: tuple[int, int, str] | None) -> dict:
    """``digest(path)`` if the file is still the version ``mark`` saw when it was recorded.

    The writer hashes files a little after the event: a checkpoint saved again at a later
    epoch (``save_best_only``) would otherwise give the earlier epoch the later bytes' hash,
    and "which epoch wrote this file" would point at the wrong epoch. A version overwritten
    before it could be hashed keeps its size and no sha256 (its bytes are gone).
    """
    if mark is None or mark[2] != "regular":
        return digest(path)
    if _mark(path) != mark:
        return _changed(path, mark)
    out = digest(path)
    if _mark(path) != mark:  # written again while it was being read
        return _changed(path, mark)
    return out


def _changed(path: str, mark: tuple) -> dict:
    gone = _mark(path) is None
    return {"size": mark[1], "sha256": None,
            "hash_method": "deleted before it was hashed" if gone else
            "changed before it was hashed"}


def artifacts_dir(run) -> Path:
    """Where kerasprov writes files of its own for ``run`` (next to the run's journals)."""
    journals = Path(run.outbox.directory)
    base = journals.parent if journals.name == "journals" else journals
    return base / "artifacts" / run.id


def record_architecture(cap) -> None:
    """Record ``model.to_json()`` as ``architecture.json`` next to the store.

    The model is serialized here, on the training thread before the first step: on jax,
    reading the optimizer's variables from another thread during the fit fails. Only the
    JSON text and the file are made on the writer thread. A model that cannot be
    serialized (a subclassed model without ``get_config``) gets one warning line and no
    ``file`` row: no file is written.
    """
    model = cap.model
    try:
        from keras.saving import serialize_keras_object
        config = serialize_keras_object(model)
    except Exception as exc:
        name = type(model).__name__
        why = (f"{name} has no get_config()" if isinstance(exc, NotImplementedError) else
               f"{type(exc).__name__}: {' '.join(str(exc).split())[:160]}")
        warn_once(f"architecture:{name}", f"the architecture of model {name} is not "
                                          f"recorded: Keras cannot serialize it ({why})")
        return
    path = artifacts_dir(cap.run) / "architecture.json"

    def write():
        import json
        data = json.dumps(config).encode("utf-8")
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(data)
        # The bytes just written, hashed from memory: reading the file back costs an open
        # and a read for the same digest (digest.file_sha256 of this file gives it too).
        return {"size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                "hash_method": "full"}

    emit_file(cap.run, cap.task, path, GENERATED, kind="architecture", lazy=write)


def fit_started(cap) -> None:
    """A fit's Training task exists: it used the files declared before it."""
    cap.generated_files = []
    with _active_lock:
        _active.append(cap)
    run = cap.run
    keep = []
    for path, role, kind in run.deferred_files:
        if role == USED:
            emit_file(run, cap.task, path, role, kind)
        else:
            keep.append((path, role, kind))
    run.deferred_files = keep


def fit_finished(cap) -> None:
    """Record the files the fit generated (declared during it), before its task ends."""
    with _active_lock:
        if cap in _active:
            _active.remove(cap)
    for path in getattr(cap, "generated_files", ()):
        emit_file(cap.run, cap.task, path, GENERATED, kind="data")
    cap.generated_files = []


def active_fit(model=None):
    """The innermost running fit (of ``model``, when given)."""
    # No lock: called by the save wrapper on the training thread. A list's append and
    # remove are atomic, and a reversed iterator survives them (a fit that starts or ends
    # on another thread at this moment is seen or not, as with a lock).
    for cap in reversed(_active):
        if model is None or cap.model is model:
            return cap
    return None


def flush_deferred(run) -> None:
    """A run ends with files declared for a fit that never came: record them on the run."""
    for path, role, kind in getattr(run, "deferred_files", ()):
        emit_file(run, None, path, role, kind)
    run.deferred_files = []


def model_saved(model, filepath, kind: str) -> None:
    """``model.save``/``save_weights`` wrote ``filepath``: a checkpoint during fit."""
    if not isinstance(filepath, (str, os.PathLike)):
        return  # a file object: no path to record
    cap = active_fit(model)
    if cap is not None:
        emit_file(cap.run, cap.task, filepath, GENERATED, kind="checkpoint",
                  epoch=getattr(cap, "epoch", None))
        return
    st = getattr(model, STATE_ATTR, None)
    run = getattr(st, "run", None)
    if run is None:
        return
    emit_file(run, run.training_task, filepath, GENERATED, kind=kind)
