"""The ``attestation`` table: the DSSE envelopes a training process signed (proof/).

An ``attestation`` event becomes one row; a run signed again later (an evaluate after
its fit) has several, and the newest (highest ``seq``) is the run's attestation.
"""

from __future__ import annotations

import json

COLUMNS = ["run_id", "seq", "keyid", "public_key", "facts_sha256", "envelope", "time"]
TYPES = ["text", "integer", "text", "text", "text", "text", "timestamp"]


def row(ev: dict) -> list:
    """The row of one (validated) attestation event."""
    return [str(ev["run"]), int(ev["seq"]), ev.get("keyid"), ev.get("public_key"),
            ev.get("facts_sha256"), json.dumps(ev["envelope"], sort_keys=True),
            ev.get("ts")]


def insert(be, rows: list[list]) -> None:
    if rows:
        be.insert("attestation", COLUMNS, TYPES, rows)


def newest(be, run_id: str) -> dict | None:
    """The run's newest attestation row as a dict (envelope decoded), or None."""
    if "attestation" not in be.table_names():
        return None
    found = be.fetchall("SELECT seq, keyid, public_key, facts_sha256, envelope FROM attestation "
                        "WHERE run_id = ? ORDER BY seq DESC LIMIT 1", [run_id])
    if not found:
        return None
    seq, keyid, public_key, facts_sha256, envelope = found[0]
    try:
        env = json.loads(envelope)
    except (TypeError, ValueError):
        env = envelope  # an edited row: the verifier says it is no envelope
    return {"run_id": run_id, "seq": int(seq), "keyid": keyid, "public_key": public_key,
            "facts_sha256": facts_sha256, "envelope": env}
