"""Files a model came from: ``keras.models.load_model`` and ``Model.load_weights``.

The common pattern "restore the best checkpoint, then evaluate it" must join back to the
training that wrote the checkpoint. So a loaded file is remembered on the model (path,
kind) and its content hash is computed at once on a background thread: a later save to the
same path (resumed training with the same checkpoint callback) must not change what was
read. The model's next captured task (``evaluate``, ``fit`` or ``predict``) records the file
as ``used``; a ``load_weights`` during a fit is used by that fit at once. The ``used_files``
view then joins each used file to the run, task and epoch that generated the same bytes
(same sha256).
"""

from __future__ import annotations

import functools
import os

from ..errors import warn_once
from . import files

ATTR = "_kerasprov_loaded"  # [(absolute path, kind, digest callable)] not yet recorded

def remember(model, filepath, kind: str) -> None:
    """``model`` was loaded (or got its weights) from ``filepath``."""
    if not isinstance(filepath, (str, os.PathLike)):
        return  # a file object or an in-memory buffer: no path to record
    path = os.path.abspath(os.fspath(filepath))
    if not os.path.exists(path):
        return  # a remote URL (gs://, hf://): not a local file
    pending = list(getattr(model, ATTR, None) or ())
    if any(p[0] == path for p in pending):
        return  # the same load seen by two wrappers (see install)
    digest = files.hash_in_background(path)
    cap = files.active_fit(model)
    if cap is not None:  # weights loaded inside the fit (a callback): that fit used them
        files.emit_file(cap.run, cap.task, path, files.USED, kind=kind, lazy=digest)
        return
    pending.append((path, kind, digest))
    object.__setattr__(model, ATTR, pending)


def used_by(model, run, task: str) -> None:
    """The model's first task after a load: it used the files the model came from."""
    pending = getattr(model, ATTR, None)
    if not pending:
        return
    object.__setattr__(model, ATTR, [])
    for path, kind, digest in pending:
        files.emit_file(run, task, path, files.USED, kind=kind, lazy=digest)


def _load_model(orig):
    @functools.wraps(orig)
    def load_model(filepath, *args, **kwargs):
        model = orig(filepath, *args, **kwargs)
        try:
            remember(model, filepath, "model")
        except Exception as exc:
            warn_once("load_model", f"could not record the file load_model read ({exc!r})")
        return model
    return load_model


def _load_weights(orig):
    @functools.wraps(orig)
    def load_weights(self, filepath, *args, **kwargs):
        result = orig(self, filepath, *args, **kwargs)
        try:
            remember(self, filepath, "weights")
        except Exception as exc:
            warn_once("load_weights", f"could not record the file load_weights read ({exc!r})")
        return result
    return load_weights


def install(keras) -> None:
    """Wrap ``load_model`` where scripts find it, and ``Model.load_weights`` (once).

    ``saving_lib.load_model`` (the ``.keras`` reader every public name calls) is wrapped
    too, so a ``from keras.models import load_model`` bound before kerasprov was imported
    is seen as well; a file seen twice is recorded once.
    """
    orig = keras.models.load_model
    if getattr(orig, "_kerasprov", False):
        return
    wrapped = _load_model(orig)
    wrapped._kerasprov = True
    for module in (keras.models, keras.saving):
        if getattr(module, "load_model", None) is orig:
            module.load_model = wrapped
    try:
        from keras.src.saving import saving_lib
    except ImportError:  # another Keras layout: the public names above still work
        saving_lib = None
    if saving_lib is not None and callable(getattr(saving_lib, "load_model", None)):
        saving_lib.load_model = _load_model(saving_lib.load_model)
    keras.Model.load_weights = _load_weights(keras.Model.load_weights)
