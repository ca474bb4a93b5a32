"""The dataflow-path SQL generator (DfAnalyzer's query processor).

A person picks a dataflow, a source and a target data set, the attributes to see and some
conditions. The data sets of the dataflow are the vertices of a graph whose edges are its
transformations (from each input set of a transformation to each of its output sets). We
find the shortest path from source to target (directed if there is one, else ignoring edge
direction) and join the ``ds_*`` tables along it through the task ids:

- ``A -(T)-> B``: if both tables have ``<t>_task_id`` (the task of T that read A and wrote
  B), join on it;
- else, if A was written by a transformation P and both tables have ``<p>_task_id``, join
  on that (e.g. a test row names the training task that wrote the epochs it read);
- else join on ``run_id`` (same run).

Every table is restricted to the dataflow through ``execution``. The SQL is shown to the
person, can be edited and run, and is plain SQL with quoted identifiers and inlined,
escaped literals, so it runs as is on DuckDB and PostgreSQL. Conditions are tokenized and
only literals, operators, a few harmless functions and ``set.attribute`` references are
accepted; the whole statement must also pass the read-only sandbox.

Example:
```python
q = path_query(be, "alexnet", "itrainingmodel", "otestingmodel",
               project=["itrainingmodel.learning_rate", "otestingmodel.accuracy"],
               select=["itrainingmodel.optimizer_name = 'Adam'"])
print(q.sql); q.df
```
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from ..errors import PathQueryError, SQLRefused
from ..store.schema import quote, set_table, task_column
from . import sandbox

#: Words a condition may use besides references, literals and operators.
_KEYWORDS = {"and", "or", "not", "is", "null", "like", "ilike", "in", "between", "true",
             "false", "escape"}
#: Scalar functions with no side effect and no access to anything outside the row.
_FUNCTIONS = {"abs", "round", "lower", "upper", "length", "coalesce", "sqrt", "ln", "exp",
              "floor", "ceil", "greatest", "least"}
_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<string>'(?:[^']|'')*')
  | (?P<number>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<ref>[A-Za-z][A-Za-z0-9_]*\s*\.\s*(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_]*))
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op><>|!=|<=|>=|\|\||[=<>+\-*/%(),])
""", re.VERBOSE)


@dataclass
class PathQuery:
    """A generated query: its SQL, the path it follows and (once run) its result."""

    sql: str
    path: list[str]
    transformations: list[str]
    columns: list[str]
    df: pd.DataFrame | None = field(default=None, repr=False)

    def __str__(self) -> str:
        return self.sql


@dataclass
class _Dataflow:
    tag: str
    sets: list[str]
    edges: list[tuple[str, str, str]]  # (input set, transformation, output set)
    producers: dict[str, list[str]]   # set -> transformations that write it
    columns: dict[str, list[str]]     # set -> table columns (sets with a table)
    attrs: dict[str, list[tuple[str, str]]]  # set -> [(attribute name, column name)]


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _load(be, dataflow: str) -> _Dataflow:
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
    return _Dataflow(dataflow, sets, edges, producers, columns, attrs)


def _shortest(df: _Dataflow, source: str, target: str, directed: bool):
    """BFS over data sets; returns [(set, transformation, forward?)] steps or None."""
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
            if b not in prev:
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


def _join_column(df: _Dataflow, a: str, b: str, tr: str) -> str:
    """The column joining input set ``a`` and output set ``b`` of ``tr`` (see module doc)."""
    ca, cb = set(df.columns[a]), set(df.columns[b])
    col = task_column(tr)
    if col in ca and col in cb:
        return col
    for producer in df.producers.get(a, ()):
        col = task_column(producer)
        if col in ca and col in cb:
            return col
    return "run_id"


def _set_of(df: _Dataflow, name: str, what: str) -> str:
    tag = str(name).strip().lower()
    if tag not in df.sets:
        raise PathQueryError(f"unknown {what} data set {name!r} in dataflow {df.tag!r}; "
                             f"it has: {', '.join(df.sets) or '(none)'}", data_set=name)
    if tag not in df.columns:
        raise PathQueryError(f"data set {tag!r} has no rows yet (no table {set_table(tag)})",
                             data_set=tag)
    return tag


def _resolve(df: _Dataflow, ref: str, path: list[str]) -> tuple[str, str]:
    """``set.attribute`` -> (set, column); the attribute is a name or a column name."""
    if "." not in ref:
        raise PathQueryError(f"write attributes as set.attribute (e.g. "
                             f"'{path[0]}.{_example(df, path[0])}'); got {ref!r}")
    set_name, attr = (p.strip() for p in ref.split(".", 1))
    if len(attr) >= 2 and attr[0] == attr[-1] == '"':
        attr = attr[1:-1].replace('""', '"')
    tag = set_name.lower()
    if tag not in path:
        known = f"unknown data set {set_name!r}" if tag not in df.sets else \
            f"data set {set_name!r} is not on the path"
        raise PathQueryError(f"{known} in {ref!r}; the path is {' -> '.join(path)}",
                             reference=ref)
    pairs = df.attrs.get(tag, [])
    for name, col in pairs:
        if name == attr:
            return tag, col
    cols = df.columns[tag]
    if attr in cols:
        return tag, attr
    for name, col in pairs:
        if name.lower() == attr.lower():
            return tag, col
    names = sorted({n for n, _ in pairs} | {c for c in cols if c == "run_id"
                                            or c.endswith("_task_id")})
    raise PathQueryError(f"unknown attribute {attr!r} of data set {tag!r}; it has: "
                         f"{', '.join(names) or '(none)'}", reference=ref)


def _example(df: _Dataflow, tag: str) -> str:
    pairs = df.attrs.get(tag)
    return pairs[0][0] if pairs else "run_id"


def _column_sql(tag: str, col: str) -> str:
    return f"{set_table(tag)}.{quote(col)}"


def _condition(df: _Dataflow, cond: str, path: list[str]) -> str:
    """One selection, with its references resolved to quoted columns (else an error)."""
    if not isinstance(cond, str) or not cond.strip():
        raise PathQueryError(f"a selection must be a non-empty condition; got {cond!r}")
    bare = re.sub(r"'(?:[^']|'')*'", "''", cond)
    if "--" in bare or "/*" in bare or ";" in bare:
        raise PathQueryError(f"a selection is one condition, without comments or ';'; "
                             f"got {cond!r}")
    out, pos, depth = [], 0, 0
    tokens = []
    while pos < len(cond):
        m = _TOKEN.match(cond, pos)
        if m is None:
            raise PathQueryError(f"cannot use {cond[pos:pos + 20]!r} in a selection "
                                 f"({cond!r}); write conditions like "
                                 f"\"{path[0]}.{_example(df, path[0])} = 'value'\"")
        tokens.append((m.lastgroup, m.group()))
        pos = m.end()
    for i, (kind, text) in enumerate(tokens):
        if kind == "ref":
            out.append(_column_sql(*_resolve(df, text, path)))
            continue
        if kind == "word":
            word = text.lower()
            if word in _FUNCTIONS and _next_sig(tokens, i) == "(":
                out.append(word)
                continue
            if word in _KEYWORDS:
                out.append(word.upper())
                continue
            raise PathQueryError(
                f"{text!r} is not allowed in a selection ({cond!r}); refer to attributes as "
                f"set.attribute, e.g. {path[0]}.{_example(df, path[0])}")
        if text == "(":
            depth += 1
        elif text == ")":
            depth -= 1
            if depth < 0:
                raise PathQueryError(f"unbalanced parentheses in selection {cond!r}")
        out.append(text)
    if depth:
        raise PathQueryError(f"unbalanced parentheses in selection {cond!r}")
    if not any(k == "ref" for k, _ in tokens):
        raise PathQueryError(f"selection {cond!r} refers to no attribute (set.attribute)")
    return "".join(out).strip()


def _next_sig(tokens, i):
    for kind, text in tokens[i + 1:]:
        if kind != "ws":
            return text
    return None


def _as_list(value, what) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    try:
        return [str(v) for v in value]
    except TypeError:
        raise PathQueryError(f"{what} must be a list of strings; got {value!r}") from None


def build(be, dataflow: str, source: str, target: str, project: Iterable[str] | None = None,
          select: Iterable[str] | None = None, distinct: bool = False) -> PathQuery:
    """Generate the SQL (without running it) on an open Backend.

    Args:
        be: a store Backend (one unit of work).
        dataflow: the dataflow tag, e.g. ``"alexnet"``.
        source, target: data set tags, e.g. ``"itrainingmodel"`` and ``"otestingmodel"``.
        project: ``"set.attribute"`` to return; empty means every attribute of the source
            and the target.
        select: SQL conditions over ``"set.attribute"`` references, all of which must hold.
        distinct: drop repeated rows. The join has one row per combination of joined rows,
            so a path through ``otrainingmodel`` repeats a run's values once per epoch.

    Raises:
        PathQueryError: unknown dataflow, data set or attribute, a forbidden condition, or
            no path between source and target.
    """
    df = _load(be, str(dataflow))
    src = _set_of(df, source, "source")
    dst = _set_of(df, target, "target")
    steps = _shortest(df, src, dst, directed=True)
    if steps is None:
        steps = _shortest(df, src, dst, directed=False)
    if steps is None:
        linked = sorted({s for e in df.edges for s in (e[0], e[2])})
        raise PathQueryError(f"no path of data dependencies between {src!r} and {dst!r} in "
                             f"dataflow {df.tag!r}; sets linked by transformations: "
                             f"{', '.join(linked) or '(none)'}", source=src, target=dst)
    path = [src] + [b for _, b, _, _ in steps]
    for tag in path:
        if tag not in df.columns:
            _set_of(df, tag, "intermediate")
    projections = _as_list(project, "project")
    if not projections:
        projections = [f"{tag}.{name}" for tag in dict.fromkeys([src, dst])
                       for name, _ in df.attrs.get(tag, [])]
    select_sql, aliases, seen = [], [], set()
    for ref in projections:
        tag, col = _resolve(df, ref, path)
        alias = f"{tag}.{col}"
        if alias in seen:
            continue
        seen.add(alias)
        select_sql.append(f"{_column_sql(tag, col)} AS {quote(alias)}")
        aliases.append(alias)
    conditions = [_condition(df, c, path) for c in _as_list(select, "select")]
    lines = [("SELECT DISTINCT " if distinct else "SELECT ") + ",\n       ".join(select_sql),
             f"FROM {set_table(src)}",
             f"JOIN execution ON execution.run_id = {set_table(src)}.run_id"]
    transformations = []
    for a, b, tr, fwd in steps:
        inp, out = (a, b) if fwd else (b, a)
        col = _join_column(df, inp, out, tr)
        transformations.append(tr)
        lines.append(f"JOIN {set_table(b)} ON {set_table(b)}.{quote(col)} = "
                     f"{set_table(a)}.{quote(col)}")
    where = [f"execution.dataflow_tag = {_literal(df.tag)}"] + [f"({c})" for c in conditions]
    lines.append("WHERE " + "\n  AND ".join(where))
    sql = "\n".join(lines)
    try:
        sandbox.check_sql(sql)  # generated SQL obeys the same rules as typed SQL
    except SQLRefused as exc:
        raise PathQueryError(f"the generated SQL was refused: {exc.message}") from None
    return PathQuery(sql=sql, path=path, transformations=transformations, columns=aliases)


def path_query(be, dataflow: str, source: str, target: str,
               project: Iterable[str] | None = None, select: Iterable[str] | None = None,
               distinct: bool = False, limit: int = sandbox.DEFAULT_LIMIT,
               timeout: float = sandbox.DEFAULT_TIMEOUT_S,
               execute: bool = True) -> PathQuery:
    """Generate the SQL along the path from ``source`` to ``target`` and run it.

    Returns a PathQuery with ``.sql`` (always) and ``.df`` (when ``execute``; at most
    ``limit`` rows, ``df.attrs["truncated"]`` set as for ``Store.sql``).
    """
    q = build(be, dataflow, source, target, project, select, distinct)
    if execute:
        from .api import run_sandboxed
        q.df = run_sandboxed(be, q.sql, limit, timeout)
    return q


__all__ = ["PathQuery", "build", "path_query"]
