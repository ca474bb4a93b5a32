"""How a read method is declared, and the bounds every argument is checked against.

A read method is one method of ``Store`` (query/surface.py) marked ``@read_method``: its signature,
its annotations (types and bounds, as ``typing.Annotated`` with a pydantic ``Field``) and
its docstring are the one declaration from which everything else is derived:

- the local ``Store`` checks its arguments against it before any SQL runs;
- ``READS`` (name -> ``ReadMethod``) is the allow-list of ``POST /api/store/<method>``,
  whose dispatch validates the JSON arguments with the same ``ReadMethod.bind``;
- ``HttpStore`` (query/remote.py) gets one method per entry, with the same signature;
- tests/test_read_surface.py builds its table of wrong arguments from the annotations.

A wrong type or a value out of bounds raises ``InvalidArgument`` (HTTP 422) naming the
method, the argument and the bound, never a clamp: a clamp hides the caller's mistake.
Every ``str`` and ``list`` parameter must declare a ``max_length`` (checked when the method
is declared), so a new method cannot forget a bound.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, TypeAdapter, ValidationError

from .. import config
from ..errors import InvalidArgument
from .sandbox import MAX_SQL_CHARS

MAX_LIMIT = 100_000  # rows one read returns at most
MAX_NAME = 512       # run ids, tags, names of sets, attributes, metrics
MAX_ENTITY = 4096    # a path as recorded, a run id or a sha256
MAX_CONDITION = 2000  # one path-query condition or projected column
MAX_RUNS = 50        # runs compared or diffed at once
MAX_ITEMS = 100      # other lists (data sets, columns, conditions, filters)


def _within_max(value: float) -> float:
    """A timeout is at most the server's maximum (``config.max_query_seconds``)."""
    top = config.max_query_seconds()
    if value > top:
        raise ValueError(f"must be at most {top:g} seconds (the maximum a read may hold the "
                         "store; KERASPROV_MAX_QUERY_SECONDS)")
    return value


# Each bound type has a ``title``: what the value is (tests pick good values by it). No text
# holds a NUL character: no store records one, and PostgreSQL refuses it in a parameter.
_TEXT = r"^[^\x00]*$"
Name = Annotated[str, Field(strict=True, min_length=1, max_length=MAX_NAME, pattern=_TEXT,
                            title="name")]
RunId = Annotated[str, Field(strict=True, min_length=1, max_length=MAX_NAME, pattern=_TEXT,
                             title="run id")]
Entity = Annotated[str, Field(strict=True, min_length=1, max_length=MAX_ENTITY, pattern=_TEXT,
                              title="entity")]
# An empty query is the sandbox's to refuse (SQLRefused "the query is empty").
SQLText = Annotated[str, Field(strict=True, max_length=MAX_SQL_CHARS, title="sql")]
Condition = Annotated[str, Field(strict=True, min_length=1, max_length=MAX_CONDITION,
                                 pattern=_TEXT, title="condition")]
Limit = Annotated[int, Field(strict=True, ge=1, le=MAX_LIMIT, title="limit")]
Page = Annotated[int, Field(strict=True, ge=1, le=1_000_000, title="page")]
Timeout = Annotated[float, Field(strict=True, gt=0, allow_inf_nan=False, title="timeout"),
                    AfterValidator(_within_max)]
Tolerance = Annotated[float, Field(strict=True, ge=0, le=1e6, allow_inf_nan=False,
                                   title="tolerance")]
Flag = Annotated[bool, Field(strict=True, title="flag")]
Version = Annotated[int, Field(strict=True, ge=1, le=1_000_000, title="version")]
RunIds = Annotated[list[RunId], Field(min_length=1, max_length=MAX_RUNS, title="run ids")]
Names = Annotated[list[Name], Field(max_length=MAX_ITEMS, title="names")]
Conditions = Annotated[list[Condition], Field(max_length=MAX_ITEMS, title="conditions")]
Filters = Annotated[dict[Name, Annotated[str, Field(strict=True, max_length=MAX_NAME,
                                                     pattern=_TEXT)]],
                    Field(max_length=MAX_ITEMS, title="filters")]
Direction = Literal["up", "down"]
Mapping = Literal["physical", "logical", "hybrid"]


@dataclass(frozen=True)
class ReadMethod:
    """One declared read method: what the server dispatches, HttpStore mirrors, tests try."""

    name: str
    fn: Callable              # the method as written (unchecked)
    signature: inspect.Signature
    hints: dict[str, Any]     # parameter name -> its annotation (Annotated, with bounds)
    adapters: dict[str, TypeAdapter]

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.fn) or ""

    def parameters(self) -> list[inspect.Parameter]:
        """The parameters a caller gives (``self`` left out)."""
        return list(self.signature.parameters.values())[1:]

    def bind(self, args: tuple | list, kwargs: dict) -> inspect.BoundArguments:
        """The call's arguments bound to the declaration and validated (values as the
        annotations make them, e.g. a tuple of run ids becomes a list); raises
        ``InvalidArgument`` naming the argument and its bound."""
        try:
            bound = self.signature.bind(None, *args, **kwargs)
        except TypeError as exc:
            raise InvalidArgument(f"{self.name}: {exc}", method=self.name) from None
        for pname, value in list(bound.arguments.items())[1:]:
            param = self.signature.parameters[pname]
            adapter = self.adapters[pname]
            if param.kind is inspect.Parameter.VAR_POSITIONAL:
                bound.arguments[pname] = tuple(
                    self._check(adapter, f"{pname}[{i}]", pname, v) for i, v in enumerate(value))
            else:
                bound.arguments[pname] = self._check(adapter, pname, pname, value)
        return bound

    def _check(self, adapter: TypeAdapter, where: str, pname: str, value: Any) -> Any:
        try:
            return adapter.validate_python(value)
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"]
                          if not (isinstance(p, str) and p.startswith(("function-", "lax-"))))
            bound = ", ".join(f"{k}={v}" for k, v in (err.get("ctx") or {}).items()
                              if k != "error") or err["type"]
            shown = repr(value)
            shown = shown if len(shown) <= 80 else shown[:77] + "..."
            msg = str(err["msg"]).removeprefix("Value error, ")
            raise InvalidArgument(f"{self.name}: argument {where}{loc}: {msg}; received "
                                  f"{shown}", method=self.name, field=pname,
                                  bound=bound) from None

    def call(self, store: Any, bound: inspect.BoundArguments) -> Any:
        """Run the method on ``store`` with arguments ``bind`` checked."""
        return self.fn(store, *bound.args[1:], **bound.kwargs)


#: Every declared read method, in declaration order: the one allow-list.
READS: dict[str, ReadMethod] = {}


def _needs_length(hint: Any) -> bool:
    """True when an annotation is a str or list/dict without ``max_length`` somewhere."""
    args = typing.get_args(hint)
    if typing.get_origin(hint) is Annotated:
        base, meta = args[0], args[1:]
        has = any(getattr(m, "max_length", None) is not None for m in meta) or \
            any(getattr(x, "max_length", None) is not None
                for m in meta for x in getattr(m, "metadata", ()))
        if base in (str,) or typing.get_origin(base) in (list, dict):
            return not has or any(_needs_length(a) for a in typing.get_args(base))
        return _needs_length(base)
    if hint is str or typing.get_origin(hint) in (list, dict, tuple, set):
        return True
    return any(_needs_length(a) for a in args if a is not type(None))


def read_method(fn: Callable) -> Callable:
    """Declare ``fn`` (a ``Store`` method) a read method: see the module doc.

    Example:
    ```python
    @read_method
    def epochs(self, run_id: RunId) -> pd.DataFrame:
        \"\"\"Per-epoch metrics and learning rate of one run.\"\"\"
    ```
    """
    hints = typing.get_type_hints(fn, include_extras=True)
    signature = inspect.signature(fn)
    params = list(signature.parameters.values())[1:]
    adapters = {}
    for p in params:
        if p.name not in hints or p.kind is inspect.Parameter.VAR_KEYWORD:
            raise TypeError(f"read method {fn.__name__}: parameter {p.name} needs an "
                            "annotation (and no **kwargs): it is the bound the surface checks")
        if _needs_length(hints[p.name]):
            raise TypeError(f"read method {fn.__name__}: parameter {p.name} is a string or "
                            "a list without max_length")
        adapters[p.name] = TypeAdapter(hints[p.name])
    spec = ReadMethod(fn.__name__, fn, signature, {p.name: hints[p.name] for p in params},
                      adapters)
    READS[fn.__name__] = spec

    @functools.wraps(fn)
    def method(self, *args, **kwargs):
        return spec.call(self, spec.bind(args, kwargs))

    method.declaration = spec  # type: ignore[attr-defined]
    return method


__all__ = ["READS", "ReadMethod", "read_method", "MAX_LIMIT", "MAX_RUNS", "MAX_ITEMS", "Name",
           "RunId", "Entity", "SQLText", "Condition", "Limit", "Page", "Timeout", "Tolerance",
           "Flag", "Version", "RunIds", "Names", "Conditions", "Filters", "Direction", "Mapping"]
