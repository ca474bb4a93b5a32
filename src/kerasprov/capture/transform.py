"""User-defined transformations, files and directories, recorded in the run's graph.

A transformation (a preprocessing filter, a data load) is a task of the run that the next
``fit`` in this process adopts; its inputs and outputs are rows of the data sets
``i<tag>`` / ``o<tag>`` (``ds_ifilter``, ``ds_ofilter``), and its output set is an input of
``TrainingModel``, so the data dependency ``Filter -> TrainingModel`` is in the graph. A
script that never trains still records its transformations: its run ends at exit.

```python
with kerasprov.transformation("Filter", inputs={"filter_name": "gray-scale"}) as t:
    x_train = to_grayscale(x_train)
    t.output(channels=1, n_images=len(x_train))

@kerasprov.transformation("LoadData")
def load(path, limit=1000):          # arguments are the inputs
    ...
    return {"n_images": n}           # a dict result is the outputs
```
"""

from __future__ import annotations

import functools
import inspect
import os
import threading
from collections.abc import Callable, Iterable
from typing import Any, Self

from ..errors import warn_once
from ..names import check_tag
from . import files, session
from .values import jsonable

_local = threading.local()


def _stack() -> list:
    if not hasattr(_local, "stack"):
        _local.stack = []
    return _local.stack


def _record(values: dict, what: str) -> tuple[dict, list[tuple[str, Any]]]:
    """Values as a JSON row now; arrays are described now and fingerprinted later."""
    row, arrays = {}, []
    for name, value in values.items():
        name = str(name)
        if files.is_array(value):
            row[name] = files.describe_array(value)
            arrays.append((name, value))
        else:
            row[name] = jsonable(value, lambda v, n=name: warn_once(
                f"repr:{what}:{n}", f"value of {what} {n!r} is a {type(v).__name__}; it is "
                                    "stored as its repr() text"))
    return row, arrays


def _rows(row: dict, arrays: list[tuple[str, Any]]):
    if not arrays:
        return [row]

    def compute():
        out = dict(row)
        for name, value in arrays:
            out[f"{name}_sha256"] = files.array_fingerprint(value)["sha256"]
        return [out]
    return compute


class Transformation:
    """One user transformation: a context manager, or a decorator of a function.

    Args:
        tag: the transformation's name, e.g. ``"Filter"`` (letters, digits, ``_``).
        inputs: as a context manager, the input values (name -> value). As a decorator,
            ``None`` records every argument of the call, a list of names records those
            arguments, and a dict records those values instead of the arguments.
        dataflow: the dataflow tag of the run, when the transformation is recorded before
            any model says it (else the next ``fit`` sets it, or the script's name).
        outputs: as a decorator, names for the function's result when it is not a dict
            (a tuple result gets one name per element).
    """

    def __init__(self, tag: str, inputs: dict | Iterable[str] | None = None,
                 dataflow: str | None = None, outputs: Iterable[str] | str | None = None):
        if callable(tag):
            raise TypeError("transformation needs a tag: write @kerasprov.transformation("
                            f"\"LoadData\"). Received: tag={tag!r}")
        self.tag = check_tag(tag, "tag")
        if dataflow is not None:
            check_tag(dataflow, "dataflow")
        self.inputs = inputs
        self.dataflow = dataflow
        self.output_names = [outputs] if isinstance(outputs, str) else \
            (list(outputs) if outputs is not None else None)
        self.run = None
        self.task: str | None = None
        self._outputs: dict = {}
        self._generated: list[str] = []
        self._active = False

    # -- context manager ------------------------------------------------------------------
    def __enter__(self) -> Self:
        if self._active:
            raise RuntimeError(f"transformation {self.tag!r} is already running; create a "
                               "new one for each block")
        if self.inputs is not None and not isinstance(self.inputs, dict):
            raise ValueError("inputs must be a dict of name -> value. "
                             f"Received: inputs={self.inputs!r}")
        self._start(dict(self.inputs or {}))
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        self._end(exc)
        return False  # the user's exception goes on

    def _start(self, inputs: dict) -> None:
        self._active = True
        self._outputs = {}
        self._generated = []
        self.task = None
        # Capture never breaks the user's code: a failure here becomes one warning.
        try:
            row, arrays = _record(inputs, f"{self.tag} input")
            # During a fit (a callback's transformation) it belongs to that fit's run.
            cap = files.active_fit()
            self.run = run = cap.run if cap is not None else session.pending_run(self.dataflow)
            stack = _stack()
            lower = self.tag.lower()
            self.task = run.task_start(self.tag, inputs=[f"i{lower}"], outputs=[f"o{lower}"],
                                       informed_by=stack[-1].task if stack else None)
            if f"o{lower}" not in run.upstream_sets:
                run.upstream_sets.append(f"o{lower}")
            if row:
                run.rows(self.task, self.tag, f"i{lower}", _rows(row, arrays))
        except Exception as exc:
            warn_once(f"transform-start:{self.tag}", f"could not record transformation "
                                                     f"{self.tag!r} ({exc!r})")
            self.task = None
        _stack().append(self)

    def _end(self, exc: BaseException | None) -> None:
        stack = _stack()
        if self in stack:
            stack.remove(self)
        self._active = False
        if self.task is None:
            return
        try:
            run = self.run
            for path in self._generated:
                files.emit_file(run, self.task, path, files.GENERATED, kind="data")
            if self._outputs:
                row, arrays = _record(self._outputs, f"{self.tag} output")
                run.rows(self.task, self.tag, f"o{self.tag.lower()}", _rows(row, arrays))
            if exc is None:
                run.task_end(self.task, close=run.ended)
            else:
                run.task_end(self.task, "failed", f"{type(exc).__name__}: {exc}"[:10_000],
                             close=run.ended)
        except Exception as err:
            warn_once(f"transform-end:{self.tag}", f"could not record the end of "
                                                   f"transformation {self.tag!r} ({err!r})")

    # -- inside the block -----------------------------------------------------------------
    def output(self, **values: Any) -> Transformation:
        """Record output values (merged into one row of ``o<tag>`` when the block ends)."""
        if not self._active:
            raise RuntimeError(f"output() of transformation {self.tag!r} called outside its "
                               "block")
        self._outputs.update(values)
        return self

    def use_file(self, path: str | os.PathLike) -> str:
        """Record that this transformation read a file or directory; returns the path."""
        return self._file(path, files.USED)

    def generated_file(self, path: str | os.PathLike) -> str:
        """Record that this transformation wrote a file or directory; returns the path."""
        return self._file(path, files.GENERATED)

    def _file(self, path, role):
        _check_path(path)
        if role == files.GENERATED:
            # Recorded (and hashed) when the block ends: the file may be declared before
            # it is written, as in ``np.savez(t.generated_file(p), ...)``.
            self._generated.append(os.path.abspath(os.fspath(path)))
        elif self.task is not None:
            try:
                files.emit_file(self.run, self.task, path, role, kind="data")
            except Exception as exc:
                warn_once("transform-file", f"could not record file {path!r} ({exc!r})")
        return os.fspath(path)

    # -- decorator ------------------------------------------------------------------------
    def __call__(self, fn: Callable) -> Callable:
        if not callable(fn):
            raise TypeError(f"transformation({self.tag!r}) decorates a function. "
                            f"Received: {fn!r}")
        sig = _signature(fn)
        spec = {"tag": self.tag, "dataflow": self.dataflow, "outputs": self.output_names}

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            t = Transformation(inputs=None, **spec)
            t._start(_call_inputs(sig, self.inputs, args, kwargs))
            try:
                result = fn(*args, **kwargs)
            except BaseException as exc:
                t._end(exc)
                raise
            try:
                t._outputs.update(_result_outputs(result, t.output_names))
            except Exception as exc:
                warn_once(f"transform-result:{t.tag}", f"could not record the result of "
                                                       f"{t.tag!r} ({exc!r})")
            t._end(None)
            return result
        return wrapper


def _signature(fn):
    try:
        return inspect.signature(fn)
    except (TypeError, ValueError):
        return None


def _call_inputs(sig, chosen, args, kwargs) -> dict:
    if isinstance(chosen, dict):
        return dict(chosen)
    if sig is None:
        values = {f"arg{i}": a for i, a in enumerate(args)}
        values.update(kwargs)
    else:
        bound = sig.bind_partial(*args, **kwargs)
        bound.apply_defaults()
        values = {}
        for name, value in bound.arguments.items():
            kind = sig.parameters[name].kind
            if kind is inspect.Parameter.VAR_POSITIONAL:
                values.update({f"{name}{i}": v for i, v in enumerate(value)})
            elif kind is inspect.Parameter.VAR_KEYWORD:
                values.update(value)
            elif name not in ("self", "cls"):
                values[name] = value
    if chosen is not None:
        names = set(chosen)
        values = {k: v for k, v in values.items() if k in names}
    return values


def _result_outputs(result, names) -> dict:
    if isinstance(result, dict) and names is None:
        return {str(k): v for k, v in result.items()}
    if names is None:
        return {}
    if len(names) == 1:
        return {names[0]: result}
    if not isinstance(result, (tuple, list)) or len(result) != len(names):
        raise ValueError(f"outputs names {names} do not match the result")
    return dict(zip(names, result))


def _check_path(path) -> None:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike. Received: path={path!r}")


def transformation(tag: str, inputs: dict | Iterable[str] | None = None,
                   dataflow: str | None = None,
                   outputs: Iterable[str] | str | None = None) -> Transformation:
    """Record a user transformation: ``with transformation(...) as t:`` or ``@transformation``.

    Args:
        tag: its name, e.g. ``"Filter"``; data sets ``i<tag>``/``o<tag>`` hold its values.
        inputs: input values (name -> value); for a decorator, ``None`` records the
            function's arguments, or a list of the argument names to record.
        dataflow: dataflow tag, when no model has said it yet (the next ``fit`` sets it).
        outputs: for a decorator whose function does not return a dict: the result's name,
            or one name per element of a returned tuple.

    Example:
    ```python
    with kerasprov.transformation("Filter", inputs={"filter_name": "gray-scale"}) as t:
        x = to_gray(x)
        t.output(channels=1, n_images=len(x))
    ```
    """
    return Transformation(tag, inputs, dataflow, outputs)


def _declare(path, role: str) -> str:
    _check_path(path)
    stack = _stack()
    try:
        if stack and stack[-1].task is not None:
            t = stack[-1]
            files.emit_file(t.run, t.task, path, role, kind="data")
            return os.fspath(path)
        full = os.path.abspath(os.fspath(path))
        cap = files.active_fit()
        if cap is not None:
            if role == files.USED:
                files.emit_file(cap.run, cap.task, full, role, kind="data")
            else:  # recorded when the fit ends, once the file is surely written
                cap.generated_files.append(full)
            return os.fspath(path)
        # Before a fit: a used file belongs to the next fit's Training task, a generated
        # one to the run (recorded when the run ends); hashed when recorded.
        session.pending_run().deferred_files.append((full, role, "data"))
    except Exception as exc:
        warn_once("declare-file", f"could not record file {path!r} ({exc!r})")
    return os.fspath(path)


def use_file(path: str | os.PathLike) -> str:
    """Record that a file or directory was read: by the current transformation, by the
    running fit, or else by the next fit in this process (recorded when it starts; by the
    run if none comes). Returns the path, so it can wrap an argument:
    ``np.load(kerasprov.use_file("data.npz"))``."""
    return _declare(path, files.USED)


def generated_file(path: str | os.PathLike) -> str:
    """Record that a file or directory was written: by the current transformation (when
    its block ends), by the running fit (when it ends), or else by the run (when it ends).
    It may be declared before it is written. Returns the path."""
    return _declare(path, files.GENERATED)


__all__ = ["Transformation", "generated_file", "transformation", "use_file"]
