"""``kerasprov rerun``: does this run reproduce?

1. ``refusal``: runs that cannot be run again from their command (a notebook, a KerasTuner
   trial or search, a distributed job) are refused with the reason.
2. ``preflight``: what the run recorded against what is here now: the script's sha256 and
   the git state (``code``), every used file's sha256 (``data``; the arrays given to fit
   are compared after the rerun, by the diff engine), the packages, the backend and Python
   (``environment``). Any difference means the rerun is no reproduction.
3. ``launch``: the recorded argv in the recorded working directory, with the recorded
   interpreter and environment variables, into the same store; the new run records
   ``reproduces`` (``KERASPROV_REPRODUCES``) so ``show``, ``diff`` and PROV link the two.
4. ``judge``: epoch by epoch, then the test results: identical (every metric bit-equal),
   within tolerance (``rtol``/``atol``), or diverged at epoch k (metric and both values).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..digest import file_sha256
from .keys import CannotVerify

#: What the new run of a rerun carries to name the run it reproduces.
ENV_VAR = "KERASPROV_REPRODUCES"
_NOT_METRICS = {"run_id", "epoch", "timestamp", "elapsed_time", "dataflow_tag", "status"}


class CannotRerun(CannotVerify):
    """The run cannot be run again this way (exit code 2)."""


@dataclass
class Recorded:
    run_id: str
    dataflow: str
    script: str | None
    environment: dict
    tasks: list[dict]
    files: list[dict]


def recorded(store, run_id: str) -> Recorded:
    sections = store.run(run_id)
    ex = sections["execution"].to_dict("records")[0]
    try:
        env = json.loads(ex.get("environment") or "{}")
    except ValueError:
        env = {}
    return Recorded(run_id, ex.get("dataflow_tag"), ex.get("script"), env,
                    sections["tasks"].to_dict("records"), sections["files"].to_dict("records"))


def refusal(store, rec: Recorded) -> str | None:
    """Why the run cannot be rerun from its command, or None."""
    rerun = rec.environment.get("rerun") or {}
    transformations = {t.get("transformation_tag") for t in rec.tasks}
    if {"Search", "Trial"} & transformations:
        return (f"run {rec.run_id} is a KerasTuner search: rerun the script that started it, "
                "not one run")
    if any("-trial-" in str(t.get("informed_by") or "") for t in rec.tasks):
        return (f"run {rec.run_id} is a KerasTuner trial: its hyperparameters came from the "
                "tuner, so its command alone does not make it again; rerun the search")
    agents = store.sql("SELECT count(*) AS n FROM agent WHERE run_id = '"
                       + rec.run_id.replace("'", "''") + "'")
    if int(agents["n"].iloc[0]) > 0 or rec.environment.get("distribution"):
        return (f"run {rec.run_id} is a distributed job (several processes): rerun it with its "
                "launcher (torchrun, Slurm...)")
    argv = rerun.get("argv")
    if rerun.get("notebook") or not rec.script or rec.script.endswith(
            "ipykernel_launcher.py") or (argv and argv[0] in ("-c", "-", "")):
        return (f"run {rec.run_id} came from a notebook or an interactive session: there is "
                "no script to run again")
    if not argv:
        return (f"run {rec.run_id} was recorded by a kerasprov that did not keep its argv and "
                "working directory; it cannot be rerun")
    if not Path(rerun.get("cwd") or "").is_dir():
        return f"run {rec.run_id}'s working directory {rerun.get('cwd')} is gone"
    return None


def interpreter(rec: Recorded) -> str:
    recorded_exe = (rec.environment.get("rerun") or {}).get("executable")
    return recorded_exe if recorded_exe and os.path.exists(recorded_exe) else sys.executable


def preflight(rec: Recorded) -> list[tuple[str, str]]:
    """(group, difference) for every recorded input that is not the same here now."""
    env, out = rec.environment, []
    if rec.script:
        now = _sha(rec.script)
        if now is None:
            out.append(("code", f"script {rec.script} is gone"))
        elif env.get("script_sha256") and now != env["script_sha256"]:
            out.append(("code", f"script {rec.script} changed (sha256 {env['script_sha256'][:12]}"
                                f"… then, {now[:12]}… now)"))
    out += [("code", d) for d in _git_changes(rec)]
    seen = set()
    for f in rec.files:
        if f.get("role") != "used" or not f.get("sha256") or f.get("path") in seen:
            continue
        seen.add(f["path"])
        now = _sha(f["path"])
        if now is None:
            out.append(("data", f"file {f['path']} is gone"))
        elif now != f["sha256"]:
            out.append(("data", f"file {f['path']} changed (sha256 {f['sha256'][:12]}… then, "
                                f"{now[:12]}… now)"))
    out += [("environment", d) for d in _environment_changes(rec)]
    return out


def _sha(path: str) -> str | None:
    try:
        return file_sha256(path)[1]
    except OSError:
        return None


def _git(directory: str, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "--no-optional-locks", "-C", directory, *args],
                              capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _git_changes(rec: Recorded) -> list[str]:
    then = rec.environment.get("git_commit")
    if not then or not rec.script:
        return []
    now = _git(os.path.dirname(rec.script), "rev-parse", "HEAD")
    if now != then:
        return [f"git commit {then[:12]} then, {(now or 'none')[:12]} now"]
    return []


_PROBE = ("import json, sys\nfrom importlib import metadata\n"
          "print(json.dumps({'python': sys.version.split()[0], 'packages': {(d.metadata['Name']"
          " or '').lower(): d.version for d in metadata.distributions()}}))")


def _environment_changes(rec: Recorded) -> list[str]:
    env = rec.environment
    try:
        probe = subprocess.run([interpreter(rec), "-c", _PROBE], capture_output=True, text=True,
                               timeout=60, check=True)
        here = json.loads(probe.stdout)
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        return [f"cannot inspect the interpreter {interpreter(rec)} ({exc})"]
    out = []
    if env.get("python") and here["python"] != env["python"]:
        out.append(f"Python {env['python']} then, {here['python']} now")
    rerun_env = (env.get("rerun") or {}).get("env") or {}
    backend_now = rerun_env.get("KERAS_BACKEND") or os.environ.get("KERAS_BACKEND")
    if env.get("backend") and backend_now and backend_now != env["backend"]:
        out.append(f"backend {env['backend']} then, {backend_now} now")
    then_pk, now_pk = env.get("packages") or {}, here["packages"]
    changed = [f"{n} {v} then, {now_pk.get(n) or 'not installed'} now"
               for n, v in sorted(then_pk.items()) if now_pk.get(n) != v]
    if changed:
        more = f" (and {len(changed) - 5} more)" if len(changed) > 5 else ""
        out.append("packages: " + "; ".join(changed[:5]) + more)
    return out


def launch(rec: Recorded, store_spec: str, timeout: float | None = None
           ) -> subprocess.CompletedProcess:
    """Run the recorded command into ``store_spec``; its output goes to ours."""
    rerun = rec.environment["rerun"]
    env = {**os.environ, **(rerun.get("env") or {}), "KERASPROV_STORE": store_spec,
           ENV_VAR: rec.run_id}
    return subprocess.run([interpreter(rec), *rerun["argv"]], cwd=rerun["cwd"], env=env,
                          timeout=timeout, check=False)


def outputs_on_disk(rec: Recorded) -> dict[str, str | None]:
    """The sha256 now of every file the run generated (to tell which a rerun overwrote)."""
    return {f["path"]: _sha(f["path"]) for f in rec.files if f.get("role") == "generated"}


def overwritten(before: dict[str, str | None]) -> list[str]:
    return sorted(p for p, sha in before.items() if sha is not None and _sha(p) != sha)


def new_run_of(store, run_id: str) -> str | None:
    """The newest run that records reproducing ``run_id``."""
    pattern = json.dumps({"reproduces": run_id})[1:-1].replace("'", "''")
    found = store.sql("SELECT run_id FROM execution WHERE environment LIKE '%"
                      + pattern.replace("%", "") + "%' ORDER BY start_time DESC LIMIT 1")
    return str(found["run_id"].iloc[0]) if len(found) else None


@dataclass
class Judgement:
    verdict: str  # identical, within tolerance, diverged
    lines: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.verdict == "diverged" else 0


def judge(store, original: str, new: str, rtol: float = 1e-5, atol: float = 1e-8) -> Judgement:
    """Compare the two runs' epochs, then their test results."""
    a, b = store.epochs(original), store.epochs(new)
    stages = [(f"epoch {int(e)}", _metrics(ra), _metrics(rb)) for e, ra, rb in _pairs(a, b)]
    ta, tb = store.tests(original), store.tests(new)
    for i in range(min(len(ta), len(tb))):
        stages.append((f"test {i + 1}" if len(ta) > 1 else "test",
                       _metrics(ta.iloc[i].to_dict()), _metrics(tb.iloc[i].to_dict())))
    exact = len(a) == len(b) and len(ta) == len(tb)
    for where, ma, mb in stages:
        for name in sorted(set(ma) & set(mb)):
            x, y = ma[name], mb[name]
            if _same(x, y):
                continue
            exact = False
            if not (math.isfinite(x) and math.isfinite(y) and
                    abs(x - y) <= atol + rtol * max(abs(x), abs(y))):
                return Judgement("diverged", [f"diverged at {where}: {name} {x!r} in run "
                                              f"{original}, {y!r} in run {new}"])
    if len(a) != len(b):
        return Judgement("diverged", [f"diverged: run {original} has {len(a)} epoch(s), run "
                                      f"{new} {len(b)}"])
    if exact:
        return Judgement("identical", [f"identical: every metric of {len(a)} epoch(s)"
                                       f"{' and the test' if len(ta) else ''} is bit-equal"])
    return Judgement("within tolerance", [f"within tolerance (rtol={rtol}, atol={atol}): "
                                          "not bit-equal"])


def _pairs(a, b):
    ea = {int(r["epoch"]): r for r in a.to_dict("records")}
    eb = {int(r["epoch"]): r for r in b.to_dict("records")}
    return [(e, ea[e], eb[e]) for e in sorted(set(ea) & set(eb))]


def _metrics(row: dict) -> dict[str, float]:
    out = {}
    for k, v in row.items():
        if k in _NOT_METRICS or k.endswith("_task_id") or isinstance(v, bool):
            continue
        if isinstance(v, (int, float)) and not (isinstance(v, float) and math.isnan(v)
                                                and k.startswith("best_")):
            out[k] = float(v)
    return out


def _same(x: float, y: float) -> bool:
    return x == y or (math.isnan(x) and math.isnan(y))


