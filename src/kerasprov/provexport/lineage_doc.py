"""A lineage subgraph (``query/lineage.py`` rows) as a W3C PROV document.

Tasks are ``prov:Activity`` (typed ``dnnprov:<Transformation>``), files ``prov:Entity``
(``kerasprov:File``, identified by sha256 as in the run export, so the two documents merge);
``used`` / ``wasGeneratedBy`` follow the file edges, ``wasInformedBy`` the task-to-task ones,
and a generated file ``wasDerivedFrom`` every file its task used. ML Schema types are added
as in the run export.
"""

from __future__ import annotations

import math

from prov.constants import PROV_LABEL, PROV_TYPE
from prov.model import ProvDocument

from .build import ACTIVITY_TYPES, DNNPROV_URI, KERASPROV_URI, _attr_name, _local
from .mls import add_mls_types


def _value(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        v = v.item()
    return v


def lineage_document(rows: list[dict], start: list[str]) -> ProvDocument:
    """Build the document from lineage rows (edges) and the start node ids."""
    doc = ProvDocument()
    dnn = doc.add_namespace("dnnprov", DNNPROV_URI)
    kp = doc.add_namespace("kerasprov", KERASPROV_URI)
    made: dict[str, object] = {}

    def node(ident: str, transformation=None, run=None, path=None, sha=None, size=None):
        kind, key = ident.split(":", 1)
        if ident in made:
            return made[ident]
        if kind == "task":
            tr = transformation or "Task"
            attrs = [(PROV_TYPE, dnn[_attr_name(ACTIVITY_TYPES.get(tr, tr))]),
                     (kp["transformation"], tr)]
            if run:
                attrs.append((kp["run"], run))
            rec = doc.activity(kp[_local(f"task/{key}")], other_attributes=attrs)
        else:
            attrs = [(PROV_TYPE, kp["File"])]
            if sha:
                attrs.append((kp["sha256"], sha))
            if _value(size) is not None:
                attrs.append((kp["size"], int(_value(size))))
            if path:
                attrs.append((PROV_LABEL, str(path).replace("\\", "/").rsplit("/", 1)[-1]))
            rec = doc.entity(kp[_local(f"file/{key}")], attrs)
        made[ident] = rec
        return rec

    used_by: dict[str, list] = {}
    made_by: dict[str, list] = {}
    seen: set[tuple] = set()
    for row in rows:
        key = (row["relation"], row["src"], row["dst"], row.get("path"))
        if key in seen:
            continue
        seen.add(key)
        extra = {}
        if row.get("path"):
            extra[kp["path"]] = str(row["path"])
        for col in ("epoch", "kind", "learning_rate"):
            if _value(row.get(col)) is not None:
                extra[kp[col]] = _value(row[col])
        rel = row["relation"]
        if rel == "used":
            f = node(row["src"], path=row.get("path"), sha=row.get("sha256"), size=row["size"])
            t = node(row["dst"], row.get("dst_transformation"), row.get("run_id"))
            doc.used(t, f, other_attributes=extra)
            used_by.setdefault(row["dst"], []).append(f)
        elif rel == "generated":
            t = node(row["src"], row.get("src_transformation"), row.get("run_id"))
            f = node(row["dst"], path=row.get("path"), sha=row.get("sha256"), size=row["size"])
            doc.wasGeneratedBy(f, t, other_attributes=extra)
            made_by.setdefault(row["src"], []).append(f)
        else:
            a = node(row["src"], row.get("src_transformation"), row.get("run_id"))
            b = node(row["dst"], row.get("dst_transformation"), row.get("run_id"))
            doc.wasInformedBy(b, a, other_attributes={kp["relation"]: rel} if rel else None)
    for task, outs in made_by.items():
        for out in outs:
            for src in used_by.get(task, ()):
                if out is not src:
                    doc.wasDerivedFrom(out, src, made[task])
    for ident in start:  # an entity with no edges is still the subject of the document
        if ident not in made and ident.startswith("file:"):
            node(ident, sha=ident[5:] if not ident.startswith("file:path:") else None)
    return add_mls_types(doc)


__all__ = ["lineage_document"]
