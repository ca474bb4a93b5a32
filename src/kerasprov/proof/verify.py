"""``kerasprov verify``: is a run (or a received model) what was signed?

``verify_run`` checks a run's newest signed envelope under the trusted keys, recomputes the
run's facts from the store (``store.facts``: the same function the trainer used on its
events) and names every difference, and checks each subject file on disk. ``verify_file``
checks an attestation file alone: signature, statement type, and each subject against the
file on disk (the recorded path, else the same name beside the attestation).

Each problem is one line; a store or file that cannot be checked at all raises
``CannotVerify`` (exit code 2).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..digest import file_sha256
from . import envelope, facts, keys
from .statement import facts_of


@dataclass
class Verdict:
    ok: bool
    keyid: str | None = None
    problems: list[str] = field(default_factory=list)
    subjects: int = 0

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def summary(self) -> str:
        if self.ok:
            return f"Signed by {self.keyid} · verified"
        head = f"Signed by {self.keyid} · " if self.keyid else ""
        return head + f"FAILED ({len(self.problems)} problem(s))"


def verify_run(store, run_id: str, key_files: tuple | list = (), check_files: bool = True,
               trusted: list | None = None) -> Verdict:
    """Verify one run of ``store`` (any store kind: its methods are read over HTTP too)."""
    trusted = keys.trusted(key_files) if trusted is None else trusted
    att = store.attestation(run_id)
    if att is None:
        return Verdict(False, None, [f"run {run_id} has no signed attestation (its training "
                                     "process signs it with KERASPROV_ATTEST=1)"])
    try:
        statement, keyid = envelope.open_envelope(att["envelope"], trusted)
    except envelope.Rejected as exc:
        return Verdict(False, att.get("keyid"), [exc.message])
    problems = []
    invoked = statement.get("predicate", {}).get("runDetails", {}).get("metadata", {}).get(
        "invocationId")
    if invoked != run_id:
        problems.append(f"the envelope was signed for run {invoked}, not {run_id}")
    digest, signed = facts_of(statement)
    stored = store.facts(run_id)
    if digest is None:
        problems.append("the signed statement carries no facts digest")
    elif digest != facts.digest(stored):
        named = facts.differences(signed, stored) if signed is not None and \
            facts.digest(signed) == digest else []
        problems += named or ["the store's facts differ from the signed facts digest (the "
                              "facts were too large to travel inline, so what differs is "
                              "not known)"]
    if check_files:
        problems += _subjects(statement, base=None)
    return Verdict(not problems, keyid, problems, len(statement.get("subject") or []))


def verify_file(path: str | os.PathLike, key_files: tuple | list = ()) -> Verdict:
    """Verify an attestation file and the subject files it names."""
    trusted = keys.trusted(key_files)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise keys.CannotVerify(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        statement, keyid = envelope.open_envelope(data, trusted)
    except envelope.Rejected as exc:
        ids = []
        try:
            ids = envelope.key_ids(envelope.parse(data))
        except envelope.Rejected:
            pass
        return Verdict(False, ids[0] if ids else None, [exc.message])
    problems = _subjects(statement, base=Path(path).resolve().parent)
    return Verdict(not problems, keyid, problems, len(statement.get("subject") or []))


def _subjects(statement: dict, base: Path | None) -> list[str]:
    problems = []
    subjects = statement.get("subject")
    if not isinstance(subjects, list):
        return ["the statement has no subject list"]
    for s in subjects:
        name = s.get("name") if isinstance(s, dict) else None
        want = (s.get("digest") or {}).get("sha256") if isinstance(s, dict) else None
        if not name or not want:
            problems.append(f"a subject has no name or sha256: {s!r}"[:200])
            continue
        where = _locate(name, base)
        if where is None:
            problems.append(f"file {name}: not found on disk" + (
                f" (nor as {Path(name).name} beside the attestation)" if base else ""))
            continue
        try:
            _, got = file_sha256(where)
        except OSError as exc:
            problems.append(f"file {where}: cannot be read ({exc.strerror or exc})")
            continue
        if got != want:
            problems.append(f"file {where}: sha256 is {got[:16]}…, the signed value is "
                            f"{want[:16]}… (the file changed after the run)")
    return problems


def _locate(name: str, base: Path | None) -> Path | None:
    recorded = Path(name)
    if recorded.is_file():
        return recorded
    if base is not None:
        nearby = [base / recorded.name] if recorded.is_absolute() else [base / recorded,
                                                                        base / recorded.name]
        for candidate in nearby:
            if candidate.is_file():
                return candidate
    return None
