"""``attestation`` events (a run signed by its training process, proof/): one row each in
the ``attestation`` table (store/attestations.py), inserted in bulk."""

from __future__ import annotations

from .. import attestations
from .batch import Batch, at_end, on


@on("attestation")
def attestation_event(b: Batch, ev: dict, ts) -> None:
    b.gathered["attestation"].append(attestations.row(ev))


@at_end(50)
def insert_attestations(b: Batch) -> None:
    attestations.insert(b.be, b.gathered.get("attestation") or [])
