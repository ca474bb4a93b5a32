"""Which callback changed the learning rate: noted at the moment it changes, not probed.

A fit's optimizer gets two small hooks while the fit runs:

- its learning-rate variable's ``assign`` (an attribute of that one variable object, so
  no other variable's ``assign`` is slowed), which every change of a settable rate goes
  through: ``optimizer.learning_rate = x`` (LearningRateScheduler, ReduceLROnPlateau, user
  code) and ``optimizer.learning_rate.assign(x)``;
- the optimizer classes' ``learning_rate`` setter, which also sees the rate replaced by
  another variable, a schedule or a callable.

When a hook fires and the rate really changed, it notes ``(technique, new rate)``: the
technique is the class name of the callback that Keras's ``CallbackList`` was running at
that moment, found by walking up the stack (only when the rate changes, so the cost is
paid a few times per fit, never per epoch). ``FitCapture`` turns the notes into
adaptation rows at its check points. Nothing reads the rate per callback, and when no
hook fired and the variable is the one watched, nothing reads it at all.
"""

from __future__ import annotations

import struct
import sys
import threading
import types

from ..errors import warn_once
from .extract import _schedule, inner_optimizer, read_lr
from .values import same_float

_lock = threading.Lock()
_by_optimizer: dict[int, LRWatch] = {}  # id(inner optimizer) -> its watch during a fit
_setter_patched: list = []


class LRWatch:
    """The notes of one fit's learning-rate changes (see the module docstring).

    Args:
        optimizer: the fit's optimizer (a LossScaleOptimizer's inner one is watched).
        last: the rate last recorded, to tell a change from a re-assignment of the same rate.
    """

    def __init__(self, optimizer, last):
        self.optimizer = inner_optimizer(optimizer)
        self.notes: list[tuple[str | None, float]] = []
        self.last = last  # the rate of the newest note or record
        # The Python float last assigned to the watched variable: a scheduler assigns the
        # same rate at every epoch, and one comparison with it is all that costs then.
        self.raw: float | None = None
        self.var = None  # the watched learning-rate object (a variable, schedule...)
        self.hooked = False  # var's assign reports here
        self.schedule = False
        self.dtype = None  # the watched variable's dtype ("float32"...)
        self._attach()
        with _lock:
            _by_optimizer[id(self.optimizer)] = self
        _patch_setter()

    def exact(self) -> bool:
        """True when no change can have gone unnoted since the last note or read.

        A watched variable reports every assignment; a schedule changes only with the
        optimizer's steps, so it is read at the start of each epoch, not at every check.
        """
        return (self.hooked or self.schedule) \
            and getattr(self.optimizer, "_learning_rate", None) is self.var

    def take(self) -> list[tuple[str | None, float]]:
        notes, self.notes = self.notes, []
        return notes

    def close(self) -> None:
        with _lock:
            if _by_optimizer.get(id(self.optimizer)) is self:
                del _by_optimizer[id(self.optimizer)]
        self._detach()

    def _attach(self) -> None:
        var = getattr(self.optimizer, "_learning_rate", None)
        self.var, self.hooked = var, False
        self.schedule = _schedule(self.optimizer) is not None
        if self.schedule or var is None or not callable(getattr(type(var), "assign", None)) \
                or not hasattr(var, "__dict__"):
            return  # a float, a schedule or a callable: read, not watched
        try:
            self.dtype = str(getattr(var, "dtype", ""))
            var.__dict__["assign"] = types.MethodType(_watched_assign, var)
            var.__dict__["_kerasprov_watch"] = self
            self.hooked = True
        except Exception as exc:
            warn_once("lr-hook", f"cannot watch the learning rate ({exc!r}); it is read at "
                                 "each epoch instead")

    def _detach(self) -> None:
        self.raw = None
        var = self.var
        if self.hooked and var is not None:
            if var.__dict__.get("_kerasprov_watch") is self:
                var.__dict__.pop("assign", None)
                var.__dict__.pop("_kerasprov_watch", None)
        self.var, self.hooked = None, False

    def reattach(self) -> None:
        """The optimizer's rate object was replaced: watch the new one."""
        if getattr(self.optimizer, "_learning_rate", None) is not self.var:
            self._detach()
            self._attach()


def noted(watch: LRWatch, value=None) -> None:
    """The rate may have changed just now: note it with the callback that changed it.

    Args:
        value: the Python number just assigned, if that is what was assigned: it is
            compared as the variable stores it, without reading the variable back (a
            scheduler re-assigns the same rate every epoch).
    """
    try:
        lr = _stored(value, watch.dtype)
        if lr is None:
            lr = read_lr(watch.optimizer)
        if lr is None or same_float(lr, watch.last):
            return
        watch.last = lr
        watch.notes.append((changer(), lr))
    except Exception as exc:  # capture never raises into the user's callback
        warn_once("lr-note", f"could not note a learning-rate change ({exc!r})")


def changer(start: int = 2) -> str | None:
    """Class name of the callback that Keras's CallbackList is running, if any.

    Walks up from the caller: the callback is found in the CallbackList frame (whatever
    its loop variable is named), or as the outermost callback method below it.
    """
    import keras
    callback_cls, list_cls = keras.callbacks.Callback, keras.callbacks.CallbackList
    outer = None
    frame = sys._getframe(start)
    while frame is not None:
        code = frame.f_code
        if code.co_argcount and code.co_varnames[0] == "self":
            owner = frame.f_locals.get("self")
            if isinstance(owner, list_cls):
                members = {id(cb) for cb in owner.callbacks}
                for value in frame.f_locals.values():
                    if id(value) in members and not _ours(value):
                        return type(value).__name__
                break
            if isinstance(owner, callback_cls) and not _ours(owner):
                outer = owner
        frame = frame.f_back
    return type(outer).__name__ if outer is not None else None


def _stored(value, dtype: str | None) -> float | None:
    """``value`` as a variable of ``dtype`` stores it, for plain Python numbers; else None."""
    if type(value) is not float and type(value) is not int:
        return None
    if dtype == "float32":
        try:  # the same round-to-nearest as the backend's conversion to float32
            return struct.unpack("f", struct.pack("f", value))[0]
        except (OverflowError, struct.error):
            return None
    if dtype == "float64":
        return float(value)
    return None


def _ours(callback) -> bool:
    return type(callback).__module__.startswith("kerasprov.")


def _watched_assign(var, value):
    result = type(var).assign(var, value)
    watch = var.__dict__.get("_kerasprov_watch")
    if watch is not None:
        _assigned(watch, value)
    return result


def _assigned(watch: LRWatch, value) -> None:
    """After an assignment of the watched variable (training thread: the least work)."""
    if type(value) is float:
        if value == watch.raw:
            return  # the rate assigned last time: no change, nothing to note
        watch.raw = value
    else:
        watch.raw = None
    noted(watch, value)


def _after_set(optimizer) -> None:
    """After ``optimizer.learning_rate = x``: a watched variable's assign has noted the
    change already; anything else (a new variable, a schedule) is noted here."""
    watch = _by_optimizer.get(id(optimizer))
    if watch is not None and watch.optimizer is optimizer and not (
            (watch.hooked or watch.schedule)  # watch.exact(), inline: at every set
            and getattr(optimizer, "_learning_rate", None) is watch.var):
        watch.reattach()
        noted(watch)


def _patch_setter() -> None:
    """Wrap the ``learning_rate`` setter of Keras's optimizer base class (once)."""
    if _setter_patched:
        return
    with _lock:
        if _setter_patched:
            return
        from keras.src.optimizers.base_optimizer import BaseOptimizer
        prop = BaseOptimizer.__dict__.get("learning_rate")
        if not isinstance(prop, property) or prop.fset is None:
            _setter_patched.append(None)
            return
        fset = prop.fset

        def set_learning_rate(self, value):
            fset(self, value)
            _after_set(self)

        BaseOptimizer.learning_rate = property(prop.fget, set_learning_rate, prop.fdel,
                                               prop.__doc__)
        _setter_patched.append(fset)
