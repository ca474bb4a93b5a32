"""kerasprov: automatic W3C PROV provenance for Keras 3 training, queryable with SQL.

``import kerasprov`` adds ``keras.Model.provenance(dataflow_tag, adaptation, hyps,
hyperparameters)``; after it, that model's ``fit``, ``evaluate`` and ``predict`` are captured.
Keras is patched as soon as it is imported (before or after kerasprov), and kerasprov never
imports Keras itself unless capture is used: the CLI and the query API start fast.

The read side (``open_store``, ``Store``: pandas, pyarrow, the store backends) is imported
on first use too, so a training process that only captures never loads it.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from .capture.importhook import after_import
from .config import configure
from .errors import KerasProvError, ProvenanceWarning
from .outbox import delivery as _delivery
from .store import kinds as _kinds
from .version import __version__

if TYPE_CHECKING:  # for type checkers and editors; at run time see _LAZY
    from .capture.callback import ProvenanceCallback
    from .capture.patch import autolog
    from .capture.session import flush
    from .capture.transform import generated_file, transformation, use_file
    from .query.api import Store, open_store

# Capture sits below the store layer: it reaches stores through this resolver.
_delivery.set_resolver(_kinds.route)

_LAZY = {  # name -> (module, attribute), imported on first access
    "Store": ("query.api", "Store"),
    "open_store": ("query.api", "open_store"),
    "ProvenanceCallback": ("capture.callback", "ProvenanceCallback"),
    "autolog": ("capture.patch", "autolog"),
    "distributed": ("capture.distributed", "distributed"),
    "flush": ("capture.session", "flush"),
    "transformation": ("capture.transform", "transformation"),
    "use_file": ("capture.transform", "use_file"),
    "generated_file": ("capture.transform", "generated_file"),
}

_NEEDS_KERAS = {"capture.callback"}  # modules that import keras (patch.py does not)

__all__ = [  # noqa: RUF022 (frozen by tests/test_live_and_cli.py)
    "KerasProvError", "ProvenanceCallback", "ProvenanceWarning", "Store", "__version__",
    "autolog", "configure", "distributed", "flush", "generated_file", "open_store",
    "transformation", "use_file",
]


def __getattr__(name):
    if name in _LAZY:
        import importlib
        module, attr = _LAZY[name]
        if module in _NEEDS_KERAS:
            # Keras first: importing it patches Model through the hook below, and that
            # imports these modules; importing one of them first made a cycle.
            import keras  # noqa: F401
        value = getattr(importlib.import_module(f"{__name__}.{module}"), attr)
        globals()[name] = value
        if "keras" in sys.modules:  # that import may have imported keras (autolog() first)
            _install()
        return value
    raise AttributeError(f"module 'kerasprov' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))


def _install() -> None:
    # capture/patch.py imports no Keras at import time, so this works whichever came first:
    # kerasprov (then this runs inside ``import keras``, maybe one that a capture module
    # started) or Keras. A failure here must not break ``import keras``.
    try:
        from .capture.patch import install
        install()
        from .capture.tuner import watch
        watch()  # KerasTuner searches, once keras_tuner is imported
    except Exception as exc:
        from .errors import warn_once
        warn_once("install", f"kerasprov could not patch Keras ({exc!r}); training is not "
                             "captured")


# Keras is patched right after it is imported (or now, if it already is): kerasprov never
# imports Keras itself before capture is used.
after_import("keras", lambda module: _install())
