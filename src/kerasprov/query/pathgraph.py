"""The dataflow as a graph of data sets, and the routes the path-query generator joins.

Vertices are the data sets of a dataflow; every transformation is an edge from each of its
input sets to each of its output sets (``data_transformation_io``). ``route`` finds the
shortest path between two sets, directed if there is one, else ignoring edge direction,
through given sets (in the order that makes the path shortest) and around others.
"""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass

from ..errors import PathQueryError
from ..store.schema import set_table


@dataclass
class Dataflow:
    tag: str
    sets: list[str]
    edges: list[tuple[str, str, str]]  # (input set, transformation, output set)
    producers: dict[str, list[str]]   # set -> transformations that write it
    columns: dict[str, list[str]]     # set -> table columns (sets with a table)
    attrs: dict[str, list[tuple[str, str]]]  # set -> [(attribute name, column name)]


def load(be, dataflow: str) -> Dataflow:
    flows = [r[0] for r in be.fetchall("SELECT tag FROM dataflow ORDER BY tag")]
    if dataflow not in flows:
        raise PathQueryError(f"unknown dataflow {dataflow!r}; the store has: "
                             f"{', '.join(flows) or '(none)'}", dataflow=dataflow)
    sets = [r[0] for r in be.fetchall(
        "SELECT tag FROM data_set WHERE dataflow_tag = ? ORDER BY tag", [dataflow])]
    io = be.fetchall("SELECT transformation_tag, data_set_tag, role FROM data_transformation_io "
                     "WHERE dataflow_tag = ? ORDER BY transformation_tag, data_set_tag, role",
                     [dataflow])
    ins: dict[str, list[str]] = {}
    outs: dict[str, list[str]] = {}
    producers: dict[str, list[str]] = {}
    for tr, st, role in io:
        (ins if role == "input" else outs).setdefault(tr, []).append(st)
        if role == "output":
            producers.setdefault(st, []).append(tr)
    edges = [(a, tr, b) for tr in sorted(ins) for a in ins[tr] for b in outs.get(tr, ())]
    tables = be.table_names()
    columns = {s: be.table_columns(set_table(s)) for s in sets if set_table(s) in tables}
    attrs: dict[str, list[tuple[str, str]]] = {}
    for st, name, col in be.fetchall(
            "SELECT data_set_tag, name, column_name FROM attribute ORDER BY data_set_tag, name"):
        if st in columns and col in columns[st]:
            attrs.setdefault(st, []).append((name, col))
    for st, pairs in attrs.items():  # table order: the order people saw the attributes in
        pairs.sort(key=lambda p: columns[st].index(p[1]))
    return Dataflow(dataflow, sets, edges, producers, columns, attrs)


def _shortest(df: Dataflow, source: str, target: str, directed: bool,
              avoid: frozenset = frozenset()):
    """BFS over data sets, never through ``avoid``; [(from, to, transformation, forward?)]
    steps, or None."""
    nxt: dict[str, list[tuple[str, str, bool]]] = {}
    for a, tr, b in df.edges:
        nxt.setdefault(a, []).append((b, tr, True))
        if not directed:
            nxt.setdefault(b, []).append((a, tr, False))
    prev: dict[str, tuple[str, str, bool] | None] = {source: None}
    queue = deque([source])
    while queue:
        cur = queue.popleft()
        if cur == target:
            break
        for b, tr, fwd in nxt.get(cur, ()):
            if b not in prev and b not in avoid:
                prev[b] = (cur, tr, fwd)
                queue.append(b)
    if target not in prev:
        return None
    steps, cur = [], target
    while prev[cur] is not None:
        frm, tr, fwd = prev[cur]
        steps.append((frm, cur, tr, fwd))
        cur = frm
    return list(reversed(steps))


def _segment(df, a, b, avoid):
    steps = _shortest(df, a, b, True, avoid)
    return steps if steps is not None else _shortest(df, a, b, False, avoid)


def route(df: Dataflow, src: str, dst: str, include: list[str], exclude: frozenset):
    """The shortest path from ``src`` to ``dst`` through every set of ``include``."""
    best = None
    for order in itertools.permutations([s for s in include if s not in (src, dst)]):
        stops, steps = [src, *order, dst], []
        for a, b in zip(stops, stops[1:]):
            seg = _segment(df, a, b, exclude)
            if seg is None:
                break
            steps += seg
        else:
            if best is None or len(steps) < len(best):
                best = steps
    return best




__all__ = ["Dataflow", "load", "route"]
