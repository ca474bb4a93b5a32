"""What ``model.provenance(...)`` / ``autolog(...)`` asked for, checked; imports no Keras.

Keras-free on purpose: ``kerasprov.autolog()`` may run before ``import keras``, and building
its options must not import Keras from inside a half-imported capture module (the import
hook in ``kerasprov/__init__.py`` patches Keras the moment it is imported).
"""

from __future__ import annotations

from ..names import check_tag
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
                 hyperparameters: dict | None = None, batch_every: int | None = None):
        self.dataflow_tag = check_tag(dataflow_tag, "dataflow_tag")
        self.batch_every = check_batch_every(batch_every)
        self.adaptation = bool(adaptation)
        self.hyps = extract.select_hyps(hyps)
        if hyperparameters is not None and not isinstance(hyperparameters, dict):
            raise ValueError("hyperparameters must be a dict of name -> value. "
                             f"Received: hyperparameters={hyperparameters!r}")
        self.hyperparameters = dict(hyperparameters or {})
