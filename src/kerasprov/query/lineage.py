"""Upstream and downstream lineage of a file, a run or a sha256: one recursive SQL query.

The store's retrospective provenance is a graph whose nodes are **tasks** (``task:<id>``)
and **files** (``file:<sha256>``, or ``file:path:<path>`` when a file could not be hashed):

- ``used``: a file read by a task (``file.role = 'used'``) -> the task;
- ``generated``: a task -> a file it wrote (checkpoints carry their epoch);
- ``dependency``: within a run, a task whose output data set another task reads
  (``data_transformation_io``), e.g. ``Filter -> TrainingModel``;
- ``informed``: a task -> the task it informed (``task.informed_by``), e.g. training ->
  testing.

A file is its content: the same bytes written by one run and read by another, in another
process or on another machine, are one node, so lineage crosses runs and processes. Files a
run recorded outside any task belong to every task of that run.

``lineage(store, entity, "up")`` walks edges backwards from the entity (everything it was
made from: the run and epoch that wrote a checkpoint, the learning rate at that epoch, the
transformations before the training, the files they read, and the runs that wrote those);
``"down"`` walks forwards (the runs that read a data file and the models they produced).
The walk is one ``WITH RECURSIVE`` statement, shown as ``.sql`` (plain SQL with inlined,
escaped literals and quoted identifiers; it runs as is through ``Store.sql``). Its result has
one row per edge of the lineage subgraph, with ``depth`` the number of hops from the entity.

The entity is resolved first: a run id; a sha256 (or a unique prefix of at least 8 hex
digits); or a path as recorded (relative paths are made absolute): the path's most recent
recorded version. Only in the user's own process (``local_files``: a script, the CLI) is a
path the store never recorded, when it names a regular file, hashed (bounded in time) and
looked up by content; a server never opens a file by the name a request carries, so there an
unrecorded path answers exactly like a missing one.

Example:
```python
lin = store.lineage("models/alexnet-best.keras")       # up by default
lin.df[["depth", "relation", "transformation", "path", "epoch", "learning_rate"]]
print(lin.sql); lin.prov()                              # a prov.model.ProvDocument
```
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field

import pandas as pd

from ..errors import BadRequest, NotFound
from . import sandbox
from .diff_records import literal
from .reads import run_sandboxed

MAX_DEPTH = 100
HASH_SECONDS = 30.0  # the most a lookup by content may spend hashing a local file
_HEX = re.compile(r"^[0-9a-fA-F]{8,64}$")

_EDGES = """edge(src, dst, relation, run_id, src_task, dst_task, src_transformation,
     dst_transformation, data_set, path, sha256, size, epoch, kind) AS (
  SELECT 'file:' || COALESCE(f.sha256, 'path:' || f.path), 'task:' || t.task_id, 'used',
         f.run_id, CAST(NULL AS VARCHAR), t.task_id, CAST(NULL AS VARCHAR),
         t.transformation_tag, CAST(NULL AS VARCHAR), f.path, f.sha256,
         f.size, f.epoch, f.kind
  FROM "file" f JOIN "task" t ON t.task_id = f.task_id
    OR (f.task_id IS NULL AND t.run_id = f.run_id)
  WHERE f.role = 'used'
  UNION ALL
  SELECT 'task:' || t.task_id, 'file:' || COALESCE(f.sha256, 'path:' || f.path), 'generated',
         f.run_id, t.task_id, CAST(NULL AS VARCHAR), t.transformation_tag,
         CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR), f.path, f.sha256,
         f.size, f.epoch, f.kind
  FROM "file" f JOIN "task" t ON t.task_id = f.task_id
    OR (f.task_id IS NULL AND t.run_id = f.run_id)
  WHERE f.role = 'generated'
  UNION ALL
  SELECT DISTINCT 'task:' || a.task_id, 'task:' || b.task_id, 'dependency', b.run_id,
         a.task_id, b.task_id, a.transformation_tag, b.transformation_tag, o.data_set_tag,
         CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR), CAST(NULL AS BIGINT),
         CAST(NULL AS BIGINT), CAST(NULL AS VARCHAR)
  FROM "task" a
  JOIN "data_transformation_io" o ON o.dataflow_tag = a.dataflow_tag
   AND o.transformation_tag = a.transformation_tag AND o.role = 'output'
  JOIN "data_transformation_io" i ON i.dataflow_tag = o.dataflow_tag
   AND i.data_set_tag = o.data_set_tag AND i.role = 'input'
  JOIN "task" b ON b.run_id = a.run_id AND b.transformation_tag = i.transformation_tag
   AND b.task_id <> a.task_id
  UNION ALL
  SELECT 'task:' || a.task_id, 'task:' || b.task_id, 'informed', b.run_id, a.task_id,
         b.task_id, a.transformation_tag, b.transformation_tag, CAST(NULL AS VARCHAR),
         CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR), CAST(NULL AS BIGINT),
         CAST(NULL AS BIGINT), CAST(NULL AS VARCHAR)
  FROM "task" b JOIN "task" a ON a.task_id = b.informed_by
  WHERE NOT EXISTS (
    SELECT 1 FROM "data_transformation_io" o JOIN "data_transformation_io" i
      ON i.dataflow_tag = o.dataflow_tag AND i.data_set_tag = o.data_set_tag
     AND i.role = 'input'
    WHERE o.dataflow_tag = a.dataflow_tag AND o.transformation_tag = a.transformation_tag
      AND o.role = 'output' AND i.transformation_tag = b.transformation_tag)
)"""


@dataclass
class Lineage:
    """The lineage of one entity: the SQL that walks it, its rows, and its PROV."""

    entity: str
    direction: str
    kind: str            # "run", "sha256" or "path"
    start: list[str]     # the node ids the walk starts from
    sql: str
    df: pd.DataFrame | None = field(default=None, repr=False)
    note: str = ""

    def __str__(self) -> str:
        return self.sql

    def nodes(self) -> list[dict]:
        """The nodes of the subgraph (id, kind, label, depth), for drawing it."""
        out: dict[str, dict] = {n: {"id": n, "depth": 0} for n in self.start}
        if self.df is not None:
            far, near = ("src", "dst") if self.direction == "up" else ("dst", "src")
            for row in self.df.to_dict("records"):
                for end, depth in ((near, row["depth"] - 1), (far, row["depth"])):
                    node = row[end]
                    if node not in out or out[node]["depth"] > depth:
                        out[node] = {"id": node, "depth": depth}
        for node in out.values():
            node["kind"] = node["id"].split(":", 1)[0]
        labels = _labels(self.df)
        for node in out.values():
            node["label"] = labels.get(node["id"], node["id"].split(":", 1)[1][:16])
        return sorted(out.values(), key=lambda n: (n["depth"], n["kind"], n["label"]))

    def prov(self):
        """The lineage as a W3C PROV document (``prov.model.ProvDocument``)."""
        from ..provexport.lineage_doc import lineage_document
        return lineage_document(self.df.to_dict("records") if self.df is not None else [],
                                self.start)


def _labels(df) -> dict[str, str]:
    out: dict[str, str] = {}
    if df is None:
        return out
    for row in df.to_dict("records"):
        for end, task, tr in (("src", "src_task", "src_transformation"),
                              ("dst", "dst_task", "dst_transformation")):
            node = row[end]
            if node.startswith("task:") and row.get(tr):
                out[node] = f"{row[tr]} ({row['run_id']})" if node[5:] == row.get(task) else \
                    row[tr]
            elif node.startswith("file:") and row.get("path"):
                out.setdefault(node, str(row["path"]).replace("\\", "/").rsplit("/", 1)[-1])
    return out


def build_sql(start_sql: str, direction: str) -> str:
    """The recursive query from the start nodes (a SELECT of ``node`` ids)."""
    if direction == "up":
        step, join_end, far, near = "e.src", "e.dst", "src", "dst"
    else:
        step, join_end, far, near = "e.dst", "e.src", "dst", "src"
    return f"""WITH RECURSIVE {_EDGES},
walk(node, depth) AS (
  {start_sql}
  UNION
  SELECT {step}, w.depth + 1 FROM walk w JOIN edge e ON {join_end} = w.node
  WHERE w.depth < {MAX_DEPTH}
),
reached(node, depth) AS (SELECT node, MIN(depth) FROM walk GROUP BY node)
SELECT r.depth + 1 AS depth, e.relation, e.src, e.dst, e.run_id,
       COALESCE(e.{far}_task, e.{near}_task) AS task_id,
       COALESCE(e.{far}_transformation, e.{near}_transformation) AS transformation,
       e.src_task, e.dst_task, e.src_transformation, e.dst_transformation,
       e.data_set, e.path, e.sha256, e.size, e.epoch, o.learning_rate, e.kind
FROM edge e
JOIN reached r ON r.node = e.{near}
LEFT JOIN "ds_otrainingmodel" o ON o.run_id = e.run_id AND o.epoch = e.epoch
ORDER BY depth, e.relation, e.src, e.dst, e.path NULLS LAST, e.epoch NULLS LAST,
  e.data_set NULLS LAST, e.run_id, e.sha256 NULLS LAST, e.size NULLS LAST, e.kind NULLS LAST,
  o.learning_rate NULLS LAST"""


def local_sha256(path: str, max_seconds: float = HASH_SECONDS) -> str | None:
    """The content hash of a local regular file (what capture records), or None: not a
    regular file (a directory, a device such as /dev/zero, a pipe), unreadable, or not
    read within ``max_seconds``."""
    import hashlib
    import stat
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:  # checked on the open file: a path swapped for a device after a check is no hole
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        h, deadline = hashlib.sha256(), time.monotonic() + max_seconds
        while chunk := os.read(fd, 1 << 20):
            h.update(chunk)
            if time.monotonic() > deadline:
                return None
        return h.hexdigest()
    except OSError:
        return None
    finally:
        os.close(fd)


def resolve(be, entity: str, local_files: bool = False) -> tuple[str, str, list[str], str]:
    """``(kind, canonical entity, start node ids, note)`` for a run id, sha256 or path.

    ``local_files``: the caller is the user's own process, which may hash a local regular
    file the store does not know by path (never true on a server)."""
    text = str(entity).strip()
    if not text:
        raise BadRequest("lineage needs a file path, a run id or a sha256")
    if be.fetchall("SELECT 1 FROM execution WHERE run_id = ?", [text]):
        tasks = [r[0] for r in be.fetchall(
            "SELECT task_id FROM task WHERE run_id = ? ORDER BY task_id", [text])]
        return "run", text, ["task:" + t for t in tasks], ""
    if _HEX.match(text):
        shas = [r[0] for r in be.fetchall(
            "SELECT DISTINCT sha256 FROM file WHERE sha256 LIKE ? ORDER BY 1 LIMIT 5",
            [text.lower() + "%"])]
        if len(shas) > 1:
            raise BadRequest(f"sha256 prefix {text!r} matches several files: "
                             + ", ".join(s[:16] for s in shas))
        if shas:
            return "sha256", shas[0], ["file:" + shas[0]], ""
    path = os.path.abspath(os.path.expanduser(text))
    rows = be.fetchall("SELECT sha256, path FROM file WHERE path IN (?, ?) "
                       "ORDER BY time DESC LIMIT 1", [text, path])
    if rows:
        sha, found = rows[0]
        versions = be.fetchall("SELECT COUNT(DISTINCT sha256) FROM file WHERE path = ?",
                               [found])[0][0]
        note = (f"{found} was recorded in {versions} versions; this is the latest (give a "
                "sha256 for another)") if versions and versions > 1 else ""
        return "path", found, ["file:" + (sha if sha else "path:" + found)], note
    sha = local_sha256(path) if local_files else None
    if sha and be.fetchall("SELECT 1 FROM file WHERE sha256 = ?", [sha]):
        return ("path", sha, ["file:" + sha],
                f"{path} is not recorded by path; found by its content")
    raise NotFound(f"no run, file or sha256 {text!r} in the store", entity=text)


def start_sql(kind: str, canonical: str, start: list[str]) -> str:
    """The walk's first nodes as a SELECT (a run's tasks are read, not listed)."""
    if kind == "run":
        return f"SELECT 'task:' || task_id, 0 FROM \"task\" WHERE run_id = {literal(canonical)}"
    return f"SELECT {literal(start[0])}, 0"


def lineage(store, entity: str, direction: str = "up", execute: bool = True,
            limit: int = sandbox.DEFAULT_LIMIT,
            timeout: float = sandbox.DEFAULT_TIMEOUT_S, local_files: bool = False) -> Lineage:
    """Everything upstream (``"up"``) or downstream (``"down"``) of ``entity``.

    Args:
        store: an open Store.
        entity: a file path, a run id or a sha256 (see the module doc).
        direction: ``"up"`` (what it came from) or ``"down"`` (what came from it).
        execute: run the query (else only ``.sql`` is set).
        limit, timeout: as for ``Store.sql``.
        local_files: may hash an unrecorded local regular file (see ``resolve``).
    """
    if direction not in ("up", "down"):
        raise BadRequest(f"direction must be 'up' or 'down'; received {direction!r}")
    with store.unit() as be:
        kind, canonical, start, note = resolve(be, entity, local_files)
        sql = build_sql(start_sql(kind, canonical, start), direction)
        lin = Lineage(canonical, direction, kind, start, sql, note=note)
        if execute:
            lin.df = run_sandboxed(be, sandbox.check_sql(sql), limit, timeout)
    return lin


__all__ = ["Lineage", "MAX_DEPTH", "build_sql", "lineage", "resolve", "start_sql"]
