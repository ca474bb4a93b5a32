"""The in-toto Statement v1 with a SLSA Provenance v1 predicate that describes one run.

Built from the run's description (``RunInfo``: what ``run_start``/``run_end`` carried, or
the store's ``execution`` row) and its canonical facts (facts.py), by the trainer and by
``kerasprov attest`` alike:

- subjects: the model, weight and checkpoint files the run generated (the last version of
  each path), with their sha256;
- ``buildDefinition``: the script, argv, dataflow tag and the user's hyperparameters
  (external); backend, versions, seed and optimizer configuration (internal); every used
  file and training/validation/test array fingerprint, the code and the packages
  (``resolvedDependencies``);
- ``runDetails``: kerasprov as builder, the run id as invocation id, start and end, and the
  facts themselves as a byproduct with their digest (so a verifier can name what differs).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass, field

from ..version import __version__
from . import facts as facts_mod

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://slsa.dev/provenance/v1"
PAYLOAD_TYPE = "application/vnd.in-toto+json"
BUILD_TYPE = "urn:kerasprov:keras-training:v1"
BUILDER_ID = "urn:kerasprov:builder"
FACTS_NAME = "kerasprov-facts.json"
#: Facts larger than this travel as their digest only (a verifier can then say that they
#: differ, not where).
FACTS_INLINE_MAX = 8 << 20
SUBJECT_KINDS = ("model", "weights", "checkpoint")


@dataclass
class RunInfo:
    run_id: str
    dataflow: str | None = None
    script: str | None = None
    command: str | None = None
    start: float | None = None
    end: float | None = None
    environment: dict = field(default_factory=dict)
    signed_by: str = "trainer"  # or "store": signed later from the store's rows


def _time(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    return dt.datetime.fromtimestamp(float(seconds), dt.timezone.utc).isoformat(
        timespec="milliseconds").replace("+00:00", "Z")


def subjects(run_facts: dict) -> list[dict]:
    """The last recorded version of every generated model/weights/checkpoint file."""
    last: dict[str, dict] = {}
    for f in run_facts.get("files", []):
        if f.get("role") == "generated" and f.get("kind") in SUBJECT_KINDS and f.get("sha256"):
            last[f["path"]] = f  # files are in canonical order; epochs order checkpoints
    out = []
    for path, f in sorted(last.items()):
        ann = {"kind": f.get("kind")}
        if f.get("epoch") is not None:
            ann["epoch"] = f["epoch"]
        out.append({"name": path, "digest": {"sha256": f["sha256"]}, "annotations": ann})
    return out


def _dependencies(info: RunInfo, run_facts: dict) -> list[dict]:
    env = info.environment or {}
    deps = []
    if info.script:
        dep = {"name": info.script, "annotations": {"role": "script"}}
        if env.get("script_sha256"):
            dep["digest"] = {"sha256": env["script_sha256"]}
        deps.append(dep)
    if env.get("git_commit"):
        ann = {"role": "code", "dirty": env.get("git_dirty")}
        if env.get("git_diff_sha256"):
            ann["diff_sha256"] = env["git_diff_sha256"]
        deps.append({"name": env.get("git_root") or "git", "digest": {
            "gitCommit": env["git_commit"]}, "annotations": ann})
    seen = set()
    for f in run_facts.get("files", []):
        key = (f.get("path"), f.get("sha256"))
        if f.get("role") == "used" and key not in seen:
            seen.add(key)
            dep = {"name": f["path"], "annotations": {"role": "data", "kind": f.get("kind")}}
            if f.get("sha256"):
                dep["digest"] = {"sha256": f["sha256"]}
            deps.append(dep)
    for tag, rows in run_facts.get("sets", {}).items():
        if not (tag.startswith("i") and tag.endswith("data")):
            continue
        for r in rows:
            if r.get("sha256"):
                deps.append({"name": f"array:{tag}:{r.get('role', '')}",
                             "digest": {"sha256": r["sha256"]},
                             "annotations": {k: r[k] for k in ("shape", "dtype", "class_name")
                                             if k in r}})
    for name, version in sorted((env.get("packages") or {}).items()):
        deps.append({"uri": f"pkg:pypi/{name}@{version}", "name": name})
    return deps


def _one_row(run_facts: dict, tag: str) -> dict:
    rows = run_facts.get("sets", {}).get(tag) or [{}]
    return rows[-1]


def build(info: RunInfo, run_facts: dict) -> dict:
    """The Statement (a dict, ready to be JSON-encoded and signed)."""
    env = info.environment or {}
    encoded = facts_mod.encode(run_facts)
    facts_rd = {"name": FACTS_NAME, "digest": {"sha256": facts_mod.digest(run_facts)},
                "mediaType": "application/json"}
    if len(encoded) <= FACTS_INLINE_MAX:
        facts_rd["content"] = base64.b64encode(encoded).decode("ascii")
    rerun = env.get("rerun") or {}
    return {
        "_type": STATEMENT_TYPE,
        "subject": subjects(run_facts),
        "predicateType": PREDICATE_TYPE,
        "predicate": {
            "buildDefinition": {
                "buildType": BUILD_TYPE,
                "externalParameters": {
                    "script": info.script, "command": info.command,
                    "argv": rerun.get("argv"), "cwd": rerun.get("cwd") or env.get("cwd"),
                    "dataflow": info.dataflow,
                    "hyperparameters": _one_row(run_facts, "itrainingmodel")},
                "internalParameters": {
                    "backend": env.get("backend"), "backend_version": env.get("backend_version"),
                    "keras_version": env.get("keras_version"), "python": env.get("python"),
                    "seed": env.get("random_seed"),
                    "optimizer": _one_row(run_facts, "itrainingconfig")},
                "resolvedDependencies": _dependencies(info, run_facts),
            },
            "runDetails": {
                "builder": {"id": BUILDER_ID, "version": {"kerasprov": __version__}},
                "metadata": {"invocationId": info.run_id, "startedOn": _time(info.start),
                             "finishedOn": _time(info.end)},
                "byproducts": [facts_rd, {"name": "kerasprov-signer",
                                          "annotations": {"signedBy": info.signed_by}}],
            },
        },
    }


def encode(statement: dict) -> bytes:
    return json.dumps(statement, sort_keys=True, separators=(",", ":")).encode("utf-8")


def facts_of(statement: dict) -> tuple[str | None, dict | None]:
    """The facts digest a statement carries, and the facts when they travel inline."""
    for rd in (statement.get("predicate", {}).get("runDetails", {}).get("byproducts") or []):
        if isinstance(rd, dict) and rd.get("name") == FACTS_NAME:
            digest = (rd.get("digest") or {}).get("sha256")
            content = rd.get("content")
            if content:
                try:
                    return digest, json.loads(base64.b64decode(content))
                except ValueError:
                    return digest, None
            return digest, None
    return None, None
