"""High-frequency capture: metrics every N training batches into ``ds_obatch`` (opt-in).

Off by default, and then no kerasprov callback overrides a batch hook, so Keras keeps
dispatching batch hooks asynchronously. When on (``model.provenance(..., batch_every=N)``),
the hook only appends a tuple to a list (about a microsecond); the list is shipped as one
``rows`` event at each epoch end and turned into rows on the writer thread.
"""

from __future__ import annotations

import time

import keras

from ..names import TRAINING
from .options import check_batch_every  # noqa: F401 (its old home)
from .values import jsonable

BATCH_SET = "obatch"


class BatchCapture(keras.callbacks.Callback):
    """Records ``(epoch, batch, time, logs)`` every ``every`` batches; ships it per epoch.

    ``async_safe``: the hook only appends to a list, so Keras may keep calling batch hooks
    from its worker thread, off the training thread.

    Args:
        capture: the fit's ``FitCapture``.
        every: record batches 0, N, 2N, ... of each epoch.
    """

    async_safe = True

    def __init__(self, capture, every: int):
        super().__init__()
        self.capture = capture
        self.every = every
        self.epoch = 0
        self.buffer: list = []

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = int(epoch)

    def on_train_batch_end(self, batch, logs=None):
        if batch % self.every == 0:
            self.buffer.append((self.epoch, batch, time.time(), logs))

    def on_epoch_end(self, epoch, logs=None):
        buffer, self.buffer = self.buffer, []
        if not buffer:
            return
        cap = self.capture
        try:
            cap.run.rows(cap.task, TRAINING, BATCH_SET, lambda: _rows(buffer))
        except Exception:  # noqa: BLE001 - capture never breaks training
            from ..errors import warn_once
            warn_once("batch", "per-batch provenance capture failed; training goes on")


def _rows(buffer: list) -> list[dict]:
    """On the writer thread: the recorded batches as rows, in batch order."""
    rows = []
    for epoch, batch, ts, logs in sorted(buffer, key=lambda item: (item[0], item[1])):
        row = {"epoch": epoch, "batch": int(batch)}
        for key, value in (logs or {}).items():
            if str(key) not in ("epoch", "batch", "timestamp"):
                row[str(key)] = jsonable(value)
        row["timestamp"] = ts
        rows.append(row)
    return rows
