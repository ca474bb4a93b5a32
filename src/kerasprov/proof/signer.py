"""Signing in the training process, on the outbox's writer thread (never the training one).

``Observer`` is the writer's ``observe`` hook: it sees every event just before it is
written (lazy parts already computed), collects each run's facts, and when an event
carries ``attest_seq`` (a sequence number the run reserved when it emitted a closing
event: the run's end, and a later evaluate or save of an ended run) it returns one
``attestation`` event with that number, written right after: a fresh signature over all the
run's facts so far. The newest attestation of a run is the one that counts.

Signing may fail (no key, a missing library): one warning, and a ``heartbeat`` event takes
the reserved number so the run's sequence has no gap.
"""

from __future__ import annotations

import time
from collections import defaultdict

from ..errors import warn_once
from . import envelope, facts, keys
from .statement import RunInfo, build, subjects

#: A run whose end passed without a reserved number is not attested: its facts are dropped.
_INFO_FIELDS = ("dataflow", "script", "command", "start")


class _RunState:
    def __init__(self):
        self.facts = facts.FromEvents()
        self.info: dict = {}
        self.seen: set[int] = set()
        self.made: dict[int, dict] = {}  # event seq -> the attestation written after it


class Observer:
    """Collects facts per run and signs when asked (see the module docstring)."""

    def __init__(self, earlier=None):
        """Args:
            earlier: ``earlier(run_id)`` -> the events of that run already in its journal
                (a run that asks to be signed after it began, e.g. ``provenance(attest=True)``
                after a transformation: its first events were written before this hook).
        """
        self.earlier = earlier
        self.runs: dict[str, _RunState] = defaultdict(_RunState)
        self.signer = None
        self.cpu_s = 0.0  # writer CPU time spent signing (benchmarks)
        self.signed = 0

    def __call__(self, event: dict) -> list[dict]:
        try:
            return self._observe(event)
        except Exception as exc:  # never let signing break the writer
            warn_once("attest", f"could not sign the run's attestation ({exc!r}); the run is "
                                "recorded unsigned")
            return []

    def _observe(self, event: dict) -> list[dict]:
        reserved = event.pop("attest_seq", None)
        run, seq = event.get("run"), event.get("seq")
        if run not in self.runs and seq and self.earlier is not None:
            for old in self.earlier(run):  # what was journaled before signing was asked
                if isinstance(old.get("seq"), int) and old["seq"] < seq:
                    self._observe(old)
        st = self.runs[run]
        if seq in st.seen:  # written again after a failed write: the same answer
            return [st.made[seq]] if seq in st.made else []
        st.seen.add(seq)
        kind = event.get("type")
        if kind == "run_start":
            st.info.update({k: event.get(k) for k in _INFO_FIELDS})
            st.info["environment"] = event.get("environment") or {}
        elif kind == "run_end":
            st.info["end"] = event.get("end", event.get("ts"))
        else:
            st.facts.add(event)
        if reserved is None:
            if kind == "run_end":
                del self.runs[run]  # not attested
            return []
        made = self._attestation(run, st, int(reserved))
        st.made[seq] = made
        return [made]

    def _attestation(self, run: str, st: _RunState, seq: int) -> dict:
        t0 = time.thread_time()
        try:
            if self.signer is None:
                self.signer = keys.signer(create=True)
            run_facts = st.facts.facts()
            info = RunInfo(run_id=run, end=st.info.get("end"),
                           **{k: st.info.get(k) for k in (*_INFO_FIELDS, "environment")})
            statement = build(info, run_facts)
            env = envelope.sign(statement, self.signer)
            self.signed += 1
            return {"v": 1, "run": run, "seq": seq, "type": "attestation", "ts": time.time(),
                    "envelope": env, "facts_sha256": facts.digest(run_facts),
                    "subjects": len(subjects(run_facts)),
                    **envelope.public_key_of(self.signer)}
        except Exception as exc:
            warn_once("attest", f"could not sign run {run}'s attestation ({exc}); the run is "
                                "recorded unsigned")
            return {"v": 1, "run": run, "seq": seq, "type": "heartbeat", "ts": time.time()}
        finally:
            self.cpu_s += time.thread_time() - t0


def available() -> bool:
    """Whether this process can sign (else one warning, said once)."""
    try:
        keys._libs()
        return True
    except keys.CannotVerify as exc:
        warn_once("attest-libs", f"KERASPROV_ATTEST is on but {exc.message}; runs are "
                                 "recorded unsigned")
        return False
