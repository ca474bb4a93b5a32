"""State that capture's modules share, in a module that imports none of them.

A module reads what it needs from here instead of importing the module that sets it, so
no import inside ``capture/`` goes up a layer (the layers are a contract in
pyproject.toml). Where a lower module needs a function of a higher one, the higher one
hands it over here when it is imported (``start_fit``, set by ``patch.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

STATE_ATTR = "_kerasprov_state"  # a model's ModelState (patch.py), once it asked for provenance
LAST_FIT_ATTR = "_kerasprov_last_fit"  # (run id, Training task) of the model's last fit

#: ``kerasprov.autolog()``: on, and the configuration every model gets.
autolog: dict[str, Any] = {"on": False, "config": None}

#: patch.start_fit: how a ProvenanceCallback used without the patched fit starts its
#: capture (callback.py sits below patch.py, so it is handed over, not imported).
start_fit: Callable | None = None
