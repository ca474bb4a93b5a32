"""The dataflow-path SQL generator (DfAnalyzer's query processor, at parity).

A person picks a dataflow, one or more **source** and **target** data sets, the attributes
to see and some conditions. The data sets of the dataflow are the vertices of a graph whose
edges are its transformations (from each input set of a transformation to each of its output
sets). For every (source, target) pair we find the shortest path (directed if there is one,
else ignoring edge direction) that goes through every data set in ``include`` (in the order
that makes the path shortest) and through none in ``exclude``; the data sets of all these
paths are joined once each, along the paths' edges (a spanning tree; an edge that closes a
cycle becomes a WHERE condition).

**Mapping type** (DfAnalyzer's ``mapping(physical | logical | hybrid)``), i.e. how the rows
of two consecutive data sets ``A -(T)-> B`` are matched:

- ``physical`` (default): by identifiers of the data transformations. If both tables have
  ``<t>_task_id`` (the task of T that read A and wrote B), join on it; else, if A was written
  by a transformation P and both tables have ``<p>_task_id``, join on that (e.g. a test row
  names the training task that wrote the epochs it read); else join on ``run_id``.
- ``logical``: by domain attributes only: every attribute both data sets have (same column
  name, kerasprov's identifiers and times excepted), e.g. ``epoch``. Rows of different runs
  with equal values match, as in DfAnalyzer; a step without a shared attribute is an error.
- ``hybrid``: both: the physical identifier and every shared domain attribute, e.g.
  ``oadaptation -> otrainingmodel`` gives the epoch row at which each adaptation took effect
  (same training task, same epoch, same learning rate) rather than every epoch of the run.

**Dataflow versions** (``dataflow_version``, see ``dfversions.py``): only the runs executed
under that version of the dataflow's prospective structure.

Every table is restricted to the dataflow through ``execution``. The SQL is shown to the
person, can be edited and run, and is plain SQL with every identifier quoted (names with
spaces, quotes or any Unicode work) and inlined, escaped literals, so it runs as is on DuckDB
and PostgreSQL. Conditions are tokenized and only literals, operators, a few harmless
functions and ``set.attribute`` references are accepted (write ``"a set"."an attribute"``
for names that are not plain identifiers); the whole statement must also pass the read-only
sandbox.

Example:
```python
q = path_query(be, "alexnet", ["itrainingmodel", "ifilter"], "otestingmodel",
               project=["ifilter.filter_name", "otestingmodel.accuracy"], mapping="hybrid")
print(q.sql); q.df
```

Long because the generator is one algorithm (graph, paths, joins, projections, mapping
types) whose parts share the quoting rules; the graph walk itself is in pathgraph.py.
"""

from __future__ import annotations

import itertools
import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from ..errors import PathQueryError, SQLRefused
from ..store.schema import quote, set_table, task_column
from . import sandbox
from .pathgraph import Dataflow, load, route
from .reads import run_sandboxed

MAPPINGS = ("physical", "logical", "hybrid")
#: Includes are ordered by trying every order: at most this many.
MAX_INCLUDES = 6
#: Words a condition may use besides references, literals and operators.
_KEYWORDS = {"and", "or", "not", "is", "null", "like", "ilike", "in", "between", "true",
             "false", "escape"}
#: Scalar functions with no side effect and no access to anything outside the row.
_FUNCTIONS = {"abs", "round", "lower", "upper", "length", "coalesce", "sqrt", "ln", "exp",
              "floor", "ceil", "greatest", "least"}
#: Attributes that never match a row of another set (times): not domain attributes.
_NOT_DOMAIN = {"timestamp", "elapsed_time", "time"}
_NAME = r'(?:"(?:[^"]|"")+"|[^\W\d]\w*)'
_TOKEN = re.compile(rf"""
    (?P<ws>\s+)
  | (?P<string>'(?:[^']|'')*')
  | (?P<number>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<ref>{_NAME}\s*\.\s*{_NAME})
  | (?P<word>[^\W\d]\w*)
  | (?P<op><>|!=|<=|>=|\|\||[=<>+\-*/%(),])
""", re.VERBOSE)


@dataclass
class PathQuery:
    """A generated query: its SQL, the path it follows and (once run) its result.

    ``path`` lists the data sets joined, in join order; ``transformations`` the
    transformation of each join; ``joins`` the condition of each join (readable);
    ``paths`` one list of data sets per (source, target) pair.
    """

    sql: str
    path: list[str]
    transformations: list[str]
    columns: list[str]
    df: pd.DataFrame | None = field(default=None, repr=False)
    joins: list[str] = field(default_factory=list)
    paths: list[list[str]] = field(default_factory=list)
    mapping: str = "physical"
    dataflow_version: int | None = None

    def __str__(self) -> str:
        return self.sql


def _literal(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _table(tag: str) -> str:
    """A data set's table, quoted: set names may hold spaces, quotes or any Unicode."""
    return quote(set_table(tag))


def _join_column(df: Dataflow, a: str, b: str, tr: str) -> str:
    """The identifier joining input set ``a`` and output set ``b`` of ``tr``."""
    ca, cb = set(df.columns[a]), set(df.columns[b])
    col = task_column(tr)
    if col in ca and col in cb:
        return col
    for producer in df.producers.get(a, ()):
        col = task_column(producer)
        if col in ca and col in cb:
            return col
    return "run_id"


def _shared(df: Dataflow, a: str, b: str) -> list[str]:
    """Domain attributes (columns) both sets have, in ``a``'s column order."""
    cols_b = {c for _, c in df.attrs.get(b, [])}
    return [c for _, c in df.attrs.get(a, []) if c in cols_b and c not in _NOT_DOMAIN]


def _condition_for(df: Dataflow, new: str, old: str, tr: str, fwd: bool,
                   mapping: str) -> list[str]:
    """Equalities joining the newly joined set ``new`` to the joined set ``old``."""
    inp, out = (old, new) if fwd else (new, old)
    conds = []
    if mapping in ("physical", "hybrid"):
        conds.append(_join_column(df, inp, out, tr))
    if mapping in ("logical", "hybrid"):
        shared = _shared(df, old, new)
        if not shared and mapping == "logical":
            raise PathQueryError(
                f"a logical mapping joins {old!r} and {new!r} on the attributes they share, "
                "and they share none; use mapping='physical' or 'hybrid'", source=old,
                target=new)
        conds += [c for c in shared if c not in conds]
    return [f"{_table(new)}.{quote(c)} = {_table(old)}.{quote(c)}" for c in conds]


def _set_of(df: Dataflow, name: str, what: str) -> str:
    tag = str(name).strip().lower()
    if tag not in df.sets:
        raise PathQueryError(f"unknown {what} data set {name!r} in dataflow {df.tag!r}; "
                             f"it has: {', '.join(df.sets) or '(none)'}", data_set=name)
    if tag not in df.columns:
        raise PathQueryError(f"data set {tag!r} has no rows yet (no table {set_table(tag)})",
                             data_set=tag)
    return tag


def _unquote(part: str) -> str:
    part = part.strip()
    if len(part) >= 2 and part[0] == part[-1] == '"':
        return part[1:-1].replace('""', '"')
    return part


def _split_ref(ref: str) -> tuple[str, str] | None:
    m = re.fullmatch(rf"\s*({_NAME}|[^.]+?)\s*\.\s*(.+?)\s*", ref)
    return (_unquote(m.group(1)), _unquote(m.group(2))) if m else None


def _resolve(df: Dataflow, ref: str, path: list[str]) -> tuple[str, str]:
    """``set.attribute`` -> (set, column); the attribute is a name or a column name."""
    parts = _split_ref(ref) if "." in ref else None
    if parts is None:
        raise PathQueryError(f"write attributes as set.attribute (e.g. "
                             f"'{path[0]}.{_example(df, path[0])}'); got {ref!r}")
    set_name, attr = parts
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


def _example(df: Dataflow, tag: str) -> str:
    pairs = df.attrs.get(tag)
    return pairs[0][0] if pairs else "run_id"


def _column_sql(tag: str, col: str) -> str:
    return f"{_table(tag)}.{quote(col)}"


def _condition(df: Dataflow, cond: str, path: list[str]) -> str:
    """One selection, with its references resolved to quoted columns (else an error)."""
    if not isinstance(cond, str) or not cond.strip():
        raise PathQueryError(f"a selection must be a non-empty condition; got {cond!r}")
    bare = re.sub(r"'(?:[^']|'')*'", "''", cond)
    bare = re.sub(r'"(?:[^"]|"")*"', '""', bare)
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


def _sets(df: Dataflow, names, what: str) -> list[str]:
    return list(dict.fromkeys(_set_of(df, n, what) for n in _as_list(names, what)))


def _order_by(n_columns: int, distinct: bool) -> str:
    """A total, engine-independent row order: without it the order (and, under a limit,
    which rows come back) follows each engine's join plan. Runs in chronological order
    (ties by id), then the projected columns by position (what PostgreSQL accepts under
    SELECT DISTINCT, which sees only the select list); NULLS LAST spelt out because
    MonetDB puts them first and DuckDB's default is a setting."""
    keys = [f"{i} NULLS LAST" for i in range(1, n_columns + 1)]
    if not distinct:  # a run id is never NULL
        keys[:0] = ['"execution"."start_time" NULLS LAST', '"execution"."run_id"']
    text = "ORDER BY " + ", ".join(k.replace(" ", "\0") for k in keys)  # \0: no break
    return textwrap.fill(text, 88, subsequent_indent="  ").replace("\0", " ")


def build(be, dataflow: str, source: str | Iterable[str], target: str | Iterable[str],
          project: Iterable[str] | None = None, select: Iterable[str] | None = None,
          distinct: bool = False, include: Iterable[str] | None = None,
          exclude: Iterable[str] | None = None, mapping: str = "physical",
          dataflow_version: int | None = None) -> PathQuery:
    """Generate the SQL (without running it) on an open Backend.

    Args:
        be: a store Backend (one unit of work).
        dataflow: the dataflow tag, e.g. ``"alexnet"``.
        source, target: a data set tag or a list of them, e.g. ``"itrainingmodel"`` and
            ``["otestingmodel", "oadaptation"]``: every source is joined to every target.
        project: ``"set.attribute"`` to return; empty means every attribute of the sources
            and the targets.
        select: SQL conditions over ``"set.attribute"`` references, all of which must hold.
        distinct: drop repeated rows. The join has one row per combination of joined rows,
            so a path through ``otrainingmodel`` repeats a run's values once per epoch.
        include: data sets every path must go through.
        exclude: data sets no path may go through.
        mapping: ``"physical"``, ``"logical"`` or ``"hybrid"`` (see the module doc).
        dataflow_version: only runs of this version of the dataflow (``dfversions.py``).

    Raises:
        PathQueryError: unknown dataflow, data set, attribute or mapping, a forbidden
            condition, or no path between a source and a target.
    """
    mapping = str(mapping or "physical").strip().lower()
    if mapping not in MAPPINGS:
        raise PathQueryError(f"mapping must be one of {', '.join(MAPPINGS)}; got {mapping!r}")
    df = load(be, str(dataflow))
    sources, targets = _sets(df, source, "source"), _sets(df, target, "target")
    if not sources or not targets:
        raise PathQueryError("choose at least one source and one target data set")
    inc, exc = _sets(df, include, "include"), _sets(df, exclude, "exclude")
    if len(inc) > MAX_INCLUDES:
        raise PathQueryError(f"at most {MAX_INCLUDES} data sets can be included; got {len(inc)}")
    clash = [s for s in inc + sources + targets if s in exc]
    if clash:
        raise PathQueryError(f"data set {clash[0]!r} is both excluded and on the path "
                             "(source, target or include)", data_set=clash[0])
    avoid = frozenset(exc)
    steps_all, paths = [], []
    for src, dst in itertools.product(sources, targets):
        steps = route(df, src, dst, inc, avoid)
        if steps is None:
            linked = sorted({s for e in df.edges for s in (e[0], e[2])} - avoid)
            extra = (f" through {', '.join(inc)}" if inc else "") + \
                (f" avoiding {', '.join(exc)}" if exc else "")
            raise PathQueryError(f"no path of data dependencies between {src!r} and {dst!r}"
                                 f"{extra} in dataflow {df.tag!r}; sets linked by "
                                 f"transformations: {', '.join(linked) or '(none)'}",
                                 source=src, target=dst)
        paths.append([src] + [b for _, b, _, _ in steps])
        steps_all += steps
    # Join each data set once, along the paths' edges, from the first source outwards.
    path = [sources[0]]
    joins, transformations, extra_conds, used_edges = [], [], [], set()
    pending = list(dict.fromkeys(steps_all))
    while pending:
        progressed = False
        for step in list(pending):
            a, b, tr, fwd = step
            if a in path and b in path:
                key = frozenset((a, b, tr))
                if key not in used_edges:
                    extra_conds += _condition_for(df, b, a, tr, fwd, mapping)
                    used_edges.add(key)
                pending.remove(step)
                progressed = True
            elif a in path or b in path:
                new, old, forward = (b, a, fwd) if a in path else (a, b, not fwd)
                _set_of(df, new, "intermediate")
                conds = _condition_for(df, new, old, tr, forward, mapping)
                joins.append((new, conds))
                transformations.append(tr)
                path.append(new)
                used_edges.add(frozenset((a, b, tr)))
                pending.remove(step)
                progressed = True
        if not progressed:  # cannot happen: every step touches its path's earlier sets
            raise PathQueryError("the paths could not be joined into one query")
    for tag in sources + targets:
        if tag not in path:  # a source that is also a target with nothing between
            path.append(tag)
            joins.append((tag, [f"{_table(tag)}.\"run_id\" = {_table(path[0])}.\"run_id\""]))
            transformations.append("")
    projections = _as_list(project, "project")
    if not projections:
        projections = [f"{quote(tag)}.{quote(name)}" for tag in dict.fromkeys(sources + targets)
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
    first = _table(path[0])
    lines = [("SELECT DISTINCT " if distinct else "SELECT ") + ",\n       ".join(select_sql),
             f"FROM {first}",
             f'JOIN "execution" ON "execution"."run_id" = {first}."run_id"']
    for new, conds in joins:
        lines.append(f"JOIN {_table(new)} ON " + "\n  AND ".join(conds))
    where = [f'"execution"."dataflow_tag" = {_literal(df.tag)}']
    if dataflow_version is not None:
        from .dfversions import runs_of_version
        runs = runs_of_version(be, df.tag, dataflow_version)
        where.append('"execution"."run_id" IN (' + (", ".join(_literal(r) for r in runs)
                                                     or "NULL") + ")")
    where += extra_conds + [f"({c})" for c in conditions]
    lines.append("WHERE " + "\n  AND ".join(where))
    lines.append(_order_by(len(select_sql), distinct))
    sql = "\n".join(lines)
    try:
        sandbox.check_sql(sql)  # generated SQL obeys the same rules as typed SQL
    except SQLRefused as exc:
        raise PathQueryError(f"the generated SQL was refused: {exc.message}") from None
    return PathQuery(sql=sql, path=path, transformations=transformations, columns=aliases,
                     joins=[" AND ".join(c) for _, c in joins], paths=paths, mapping=mapping,
                     dataflow_version=dataflow_version)


def path_query(be, dataflow: str, source: str | Iterable[str], target: str | Iterable[str],
               project: Iterable[str] | None = None, select: Iterable[str] | None = None,
               distinct: bool = False, limit: int = sandbox.DEFAULT_LIMIT,
               timeout: float = sandbox.DEFAULT_TIMEOUT_S, execute: bool = True,
               include: Iterable[str] | None = None, exclude: Iterable[str] | None = None,
               mapping: str = "physical", dataflow_version: int | None = None) -> PathQuery:
    """Generate the SQL along the paths from the sources to the targets and run it.

    Returns a PathQuery with ``.sql`` (always) and ``.df`` (when ``execute``; at most
    ``limit`` rows, ``df.attrs["truncated"]`` set as for ``Store.sql``).
    """
    q = build(be, dataflow, source, target, project, select, distinct, include, exclude,
              mapping, dataflow_version)
    if execute:
        q.df = run_sandboxed(be, q.sql, limit, timeout)
    return q


__all__ = ["MAPPINGS", "PathQuery", "build", "path_query"]
