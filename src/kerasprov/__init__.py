"""kerasprov: automatic W3C PROV provenance for Keras 3 training, queryable with SQL.

``import kerasprov`` adds ``keras.Model.provenance(dataflow_tag, adaptation, hyps,
hyperparameters)``; after it, that model's ``fit``, ``evaluate`` and ``predict`` are captured.
Keras is patched as soon as it is imported (before or after kerasprov), and kerasprov never
imports Keras itself unless capture is used: the CLI and the query API start fast.

The read side (``open_store``, ``Store``: pandas, pyarrow, the store backends) is imported
on first use too, so a training process that only captures never loads it.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from typing import TYPE_CHECKING

from .config import configure
from .errors import KerasProvError, ProvenanceWarning

if TYPE_CHECKING:  # for type checkers and editors; at run time see _LAZY
    from .capture.callback import ProvenanceCallback
    from .capture.patch import autolog
    from .capture.session import flush
    from .capture.transform import generated_file, transformation, use_file
    from .query.api import Store, open_store

__version__ = "0.1.0"

_LAZY = {  # name -> (module, attribute), imported on first access
    "Store": ("query.api", "Store"),
    "open_store": ("query.api", "open_store"),
    "ProvenanceCallback": ("capture.callback", "ProvenanceCallback"),
    "autolog": ("capture.patch", "autolog"),
    "flush": ("capture.session", "flush"),
    "transformation": ("capture.transform", "transformation"),
    "use_file": ("capture.transform", "use_file"),
    "generated_file": ("capture.transform", "generated_file"),
}

_NEEDS_KERAS = {"capture.callback", "capture.patch"}  # modules that import keras

__all__ = [  # noqa: RUF022 (frozen by tests/test_live_and_cli.py)
    "KerasProvError", "ProvenanceCallback", "ProvenanceWarning", "Store", "__version__",
    "autolog", "configure", "flush", "generated_file", "open_store", "transformation",
    "use_file",
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
        return value
    raise AttributeError(f"module 'kerasprov' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))


def _install() -> None:
    from .capture.patch import install
    install()


class _KerasHook(importlib.abc.MetaPathFinder):
    """Patches keras right after ``import keras`` finishes, when kerasprov came first."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "keras":
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return spec
        exec_module = spec.loader.exec_module

        def exec_and_patch(module):
            exec_module(module)
            _install()

        spec.loader.exec_module = exec_and_patch
        return spec


if "keras" in sys.modules:
    _install()
elif not any(isinstance(f, _KerasHook) for f in sys.meta_path):
    sys.meta_path.insert(0, _KerasHook())
