"""What ``model.provenance(...)`` / ``autolog(...)`` asked for, checked; imports no Keras.

Keras-free on purpose: ``kerasprov.autolog()`` may run before ``import keras``, and building
its options must not import Keras from inside a half-imported capture module (the import
hook in ``kerasprov/__init__.py`` patches Keras the moment it is imported).
"""

from __future__ import annotations

from ..names import check_run_name, check_tag, check_tags
from . import extract


def check_batch_every(value: object) -> int | None:
    """``None``/0 turns batch capture off; otherwise a positive int."""
    if value is None or value == 0:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("batch_every must be a positive int (record metrics every N "
                         f"batches) or None. Received: batch_every={value!r}")
    return value


class ProvenanceConfig:
    """What ``model.provenance(...)`` asked for."""

    def __init__(self, dataflow_tag: str, adaptation: bool = False, hyps: dict | None = None,
                 hyperparameters: dict | None = None, batch_every: int | None = None,
                 run_name: str | None = None, tags: list[str] | dict | None = None,
                 attest: bool = False):
        self.attest = bool(attest)
        self.dataflow_tag = check_tag(dataflow_tag, "dataflow_tag")
        self.run_name = check_run_name(run_name)  # None: an automatic label (query/)
        self.tags = check_tags(tags)
        self.batch_every = check_batch_every(batch_every)
        self.adaptation = bool(adaptation)
        self.hyps = extract.select_hyps(hyps)
        if hyperparameters is not None and not isinstance(hyperparameters, dict):
            raise ValueError("hyperparameters must be a dict of name -> value. "
                             f"Received: hyperparameters={hyperparameters!r}")
        self.hyperparameters = dict(hyperparameters or {})
        for name, value in self.hyperparameters.items():
            _check_builtin(str(name), value)


_FITS = {"integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
         "real": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
         "text": lambda v: isinstance(v, str)}


def _check_builtin(name: str, value) -> None:
    """A user hyperparameter named like an attribute kerasprov types itself (``batch_size``
    is an integer, ``optimizer_name`` a text...) must have that type: the store would
    refuse the whole row otherwise. Said now, where the user wrote it."""
    from ..outbox.events import BUILTIN_TYPES
    typ = BUILTIN_TYPES.get(name)
    fits = _FITS.get(typ)
    if value is not None and fits is not None and not fits(value):
        kind = {"real": "a number", "integer": "an integer"}.get(typ, "a string")
        raise ValueError(f"hyperparameters[{name!r}] must be {kind}: kerasprov records "
                         f"{name!r} itself with that type. Use another name for this value. "
                         f"Received: hyperparameters={{{name!r}: {value!r}}}")

