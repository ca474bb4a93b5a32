"""What ``verify``, ``attest`` and ``card`` read from a store (issue #22): a run's facts
recomputed from its rows, by the same function the trainer used on its events
(proof/facts.py), and its newest signed attestation."""

from __future__ import annotations

import json
from collections import defaultdict

from ..proof import facts as facts_mod
from ..proof.statement import RunInfo
from ..store import attestations
from ..store.ingest import EXTRA_TABLE
from ..store.schema import quote, set_table


def run_facts(be, run_id: str) -> dict:
    """The run's canonical facts, from every data-set table (with the attributes kept as
    rows of ``extra_value`` put back in their rows) and the file table."""
    names: dict[str, dict[str, str]] = defaultdict(dict)  # set tag -> column -> attribute
    for tag, name, col in be.fetchall("SELECT data_set_tag, name, column_name FROM attribute"):
        names[tag][col] = name
    tables = be.table_names()
    sets: dict[str, list[dict]] = {}
    links: dict[str, list[set]] = {}  # set tag -> each row's task ids
    for tag in sorted(names):
        table = set_table(tag)
        if table not in tables:
            continue
        all_cols = be.columns_of(table)
        cols = [c for c in all_cols if c in names[tag]]
        link_cols = [c for c in all_cols if c.endswith("_task_id")]
        if not cols:
            continue
        found = be.fetchall(f"SELECT {', '.join(quote(c) for c in cols + link_cols)} FROM "
                            f"{quote(table)} WHERE run_id = ?", [run_id])
        if found:
            sets[tag] = [{names[tag][c]: v for c, v in zip(cols, r)} for r in found]
            links[tag] = [set(r[len(cols):]) - {None} for r in found]
    if EXTRA_TABLE in tables:
        _put_back_extra(be, run_id, sets, links)
    files = [dict(zip(facts_mod.FILE_FIELDS, r)) for r in be.fetchall(
        "SELECT path, role, kind, size, sha256, epoch FROM file WHERE run_id = ?", [run_id])]
    return facts_mod.canonical(sets, files)


def _put_back_extra(be, run_id: str, sets: dict, links: dict) -> None:
    """Attributes beyond a set's columns, back in the row they belong to: the row of the
    same task and epoch, else the ``row_no``-th row of that task."""
    for tag, task, epoch, row_no, name, number, text in be.fetchall(
            "SELECT data_set_tag, task_id, epoch, row_no, name, value, text_value FROM "
            f"{EXTRA_TABLE} WHERE run_id = ?", [run_id]):
        rows = [r for r, ids in zip(sets.get(tag, []), links.get(tag, [])) if task in ids]
        if epoch is not None:
            rows = [r for r in rows if r.get("epoch") == epoch]
        elif row_no is not None and len(rows) > row_no:
            rows = [rows[row_no]]
        if rows:
            rows[0][name] = number if text is None else text


def run_info(be, run_id: str) -> RunInfo:
    """The run's description from its ``execution`` row."""
    found = be.fetchall("SELECT dataflow_tag, script, command, start_time, end_time, "
                        "environment FROM execution WHERE run_id = ?", [run_id])
    tag, script, command, start, end, env = found[0]
    try:
        environment = json.loads(env) if env else {}
    except ValueError:
        environment = {}

    def seconds(t):
        import datetime as dt
        if t is None:
            return None
        return t.replace(tzinfo=dt.timezone.utc).timestamp() if hasattr(t, "replace") else t
    return RunInfo(run_id=run_id, dataflow=tag, script=script, command=command,
                   start=seconds(start), end=seconds(end), environment=environment,
                   signed_by="store")


def attestation(be, run_id: str) -> dict | None:
    return attestations.newest(be, run_id)


def reproductions(be, run_id: str) -> list[str]:
    """The runs that record reproducing ``run_id`` (``kerasprov rerun``), oldest first."""
    pattern = "%" + json.dumps({"reproduces": run_id})[1:-1] + "%"
    return [r[0] for r in be.fetchall("SELECT run_id FROM execution WHERE environment LIKE ? "
                                      "ORDER BY start_time, run_id", [pattern])]


def proof_status(store, run_id: str) -> dict:
    """What the run page says about proof: the signature's verdict (recomputed now, under
    this user's key), and each rerun's verdict beside the run it reproduces."""
    from ..proof import keys, rerun, verify
    att = store.attestation(run_id)
    status: dict = {"signed": att is not None, "keyid": att.get("keyid") if att else None,
                    "verified": False, "summary": "not signed", "problems": []}
    if att is not None:
        try:
            verdict = verify.verify_run(store, run_id)
            status.update(verified=verdict.ok, summary=verdict.summary(),
                          problems=verdict.problems)
        except keys.CannotVerify as exc:
            status.update(summary=f"Signed by {att.get('keyid')} · not checked here",
                          problems=[exc.message])
    with store.unit() as be:
        mine = reproductions(be, run_id)
        env = be.fetchall("SELECT environment FROM execution WHERE run_id = ?", [run_id])
    try:
        original = json.loads(env[0][0] or "{}").get("reproduces") if env else None
    except (TypeError, ValueError, AttributeError):
        original = None

    def judged(a: str, b: str) -> dict:
        try:
            j = rerun.judge(store, a, b)
            return {"verdict": j.verdict, "detail": " ".join(j.lines)}
        except Exception as exc:  # a run still training, or gone: say so on the page
            return {"verdict": "unknown", "detail": str(exc)}
    status["reproductions"] = [{"run_id": r, **judged(run_id, r)} for r in mine]
    status["reproduces"] = {"run_id": original, **judged(original, run_id)} \
        if isinstance(original, str) else None
    return status
