"""Run a function right after a module is imported, whoever imports it and whenever.

kerasprov patches Keras and KerasTuner without asking the user to import them in any order:
if the module is already imported the function runs now, else a one-shot import hook runs
it as soon as the module's code has executed.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Callable


class _AfterImport(importlib.abc.MetaPathFinder):
    def __init__(self, name: str, then: Callable):
        self.name, self.then = name, then

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return spec
        exec_module = spec.loader.exec_module

        def exec_and_then(module):
            exec_module(module)
            self.then(module)

        spec.loader.exec_module = exec_and_then
        return spec


def after_import(name: str, then: Callable, ready: Callable = lambda module: True) -> None:
    """Call ``then(module)`` once module ``name`` is imported (now, if it already is and
    ``ready(module)`` says its code has run); idempotent per module name."""
    module = sys.modules.get(name)
    if module is not None and ready(module):
        then(module)
    elif not any(isinstance(f, _AfterImport) and f.name == name for f in sys.meta_path):
        sys.meta_path.insert(0, _AfterImport(name, then))
