"""The read-only SQL sandbox for every place that runs SQL a person typed.

Layers, each meant to hold on its own:

1. **A real parser** (sqlglot, in the store's dialect; MonetDB is read as PostgreSQL): the
   text must parse as exactly one query (SELECT, WITH ... SELECT, UNION, VALUES); the whole
   tree is walked and every function call, however written (quoted ``"pg_read_file"``,
   schema-qualified ``pg_catalog.x``, a method call ``x.f()``, a table function in FROM),
   must be on the allow-list of ``sqlallow.py``; no statement inside (a DELETE in a CTE,
   SELECT ... INTO, FOR UPDATE); no table outside the store (system catalogs, other
   databases, file paths). SQL it cannot parse is refused, not guessed at.
2. **The engine's own parser** where it exposes one (DuckDB's ``json_serialize_sql``): the
   same allow-list is applied to the functions and tables DuckDB itself sees, and every
   kind of node in DuckDB's tree must be on ``sqlallow.DUCKDB_NODES`` /
   ``DUCKDB_EXPRESSIONS``, so a text that sqlglot and DuckDB read differently cannot hide a
   call, a ``SHOW`` or a write, and a kind of node nobody listed is refused.
3. **The engine**: DuckDB is opened with external access disabled (no file or network
   function works, and it cannot be re-enabled); PostgreSQL runs the query in a READ ONLY
   transaction with a statement timeout, as the least-privileged ``kerasprov_reader`` role
   (see ``store/pgreader.py``); MonetDB in a transaction that is always rolled back.
4. **Limits**: every backend's ``read_only_df`` stops the query at its timeout (until the
   last row is fetched and the result closed) and caps the result in rows and bytes; on
   DuckDB it runs under a memory limit and a bounded temp directory (``store/sqlbounds``).

A query that does not parse is refused with one line in SQL's words, ``syntax error near
"FORM" (line 1, column 10)`` (``SQLSyntaxError``); DuckDB's reading is preferred where it
has one, since it is the engine that would run the text.
"""

from __future__ import annotations

import logging

from ..errors import QueryError, SQLRefused, SQLSyntaxError
from ..store.readonly import DEFAULT_MAX_BYTES
from ..store.sqlerrors import syntax_error
from . import sqlallow

DEFAULT_LIMIT = 10_000
DEFAULT_TIMEOUT_S = 30.0
MAX_SQL_CHARS = 100_000
__all__ = ["DEFAULT_LIMIT", "DEFAULT_MAX_BYTES", "DEFAULT_TIMEOUT_S", "check_references",
           "check_sql", "check_text"]

#: Backend dialect -> sqlglot dialect. None (dialect unknown) checks every one of them.
_SQLGLOT_DIALECTS = {"duckdb": "duckdb", "postgres": "postgres", "monetdb": "postgres"}

# sqlglot logs a warning when it falls back to an opaque Command (e.g. CALL): we refuse
# those anyway, and a library's lastResort handler would print the warning on stderr.
_log = logging.getLogger("sqlglot")
if not _log.handlers:
    _log.addHandler(logging.NullHandler())


def check_text(sql: object) -> str:
    """The cheap checks every query passes first: a non-empty string of bounded size."""
    if not isinstance(sql, str) or not sql.strip():
        raise SQLRefused("the query is empty")
    if len(sql) > MAX_SQL_CHARS:
        raise SQLRefused(f"the query is longer than {MAX_SQL_CHARS:,} characters")
    if "\x00" in sql:
        raise SQLRefused("the query contains a NUL character")
    return sql.strip().rstrip(";").rstrip()


def check_sql(sql: object, dialect: str | None = None, engine=None) -> str:
    """Return the query (stripped) if the sandbox lets it run, else raise SQLRefused.

    Args:
        sql: the text a person typed (or kerasprov generated).
        dialect: the store's ``Backend.dialect`` (``duckdb``, ``postgres``, ``monetdb``);
            None: the query must pass for every dialect.
        engine: a Backend; when its engine exposes its own parse tree
            (``Backend.sql_references``), the same rules are applied to it.
    """
    query = check_text(sql)
    dialects = [_SQLGLOT_DIALECTS.get(dialect, "postgres")] if dialect else \
        sorted(set(_SQLGLOT_DIALECTS.values()))
    refs = engine.sql_references(query) if engine is not None else None
    for d in dialects:
        try:
            _check_tree(query, d)
        except _Unparsed as exc:
            for ref in refs or ():  # the engine's own reading of a text that does not parse
                if ref.kind == "error" and ref.name.startswith("syntax:"):
                    raise SQLSyntaxError(ref.name.split(":", 1)[1].strip()) from None
            if refs is None:
                raise SQLSyntaxError(exc.message) from None
            raise SQLRefused(f"the sandbox cannot parse this query as {d} SQL, so it does "
                             f"not run it: its parser stops with a {exc.message}; write "
                             f"it another way") from None
    check_references(refs)
    return query


class _Unparsed(Exception):
    """sqlglot could not parse the text; ``message``: where, in SQL's words."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def check_references(refs) -> None:
    """Apply the allow-lists to what an engine's own parser found (None: nothing found)."""
    for ref in refs or ():
        _check_reference(ref)


def _check_tree(query: str, dialect: str) -> None:
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import SqlglotError
    try:
        trees = [t for t in sqlglot.parse(query, dialect=dialect) if t is not None]
    except SqlglotError as exc:
        raise _Unparsed(_sqlglot_syntax_error(query, exc)) from None
    except RecursionError:
        raise SQLRefused("the query is nested too deeply for the sandbox to check") from None
    if len(trees) != 1:
        raise SQLRefused("only one SQL statement is allowed")
    root = trees[0]
    if not isinstance(root, (exp.Query, exp.Values)):
        raise SQLRefused(f"only read-only queries (SELECT ...) are allowed; got "
                         f"{_statement_name(root)}")
    for node in root.walk():
        _check_node(node, exp)


def _sqlglot_syntax_error(query: str, exc) -> str:
    """``syntax error near "x" (line L, column C)`` from a sqlglot ParseError."""
    errors = getattr(exc, "errors", None) or []
    first = errors[0] if errors else {}
    token = str(first.get("highlight") or "")
    line, col = first.get("line"), first.get("col")
    if not (isinstance(line, int) and isinstance(col, int)) or "\n" in token:
        where = _unterminated(query)
        what = "unterminated quoted string or comment" if where is not None else \
            "the query cannot be read"
        return syntax_error(query, what, where)
    lines = query.split("\n")
    start = max(0, col - len(token))  # sqlglot's column is where the token ends
    offset = sum(len(ln) + 1 for ln in lines[:max(0, line - 1)]) + start
    shown = token.replace('"', "'")[:40]
    return syntax_error(query, f'syntax error at or near "{shown}"' if token else
                        "syntax error", min(offset, len(query)))


def _unterminated(query: str) -> int | None:
    """Where a string, quoted name or comment opens that never closes (None: nowhere)."""
    i, n = 0, len(query)
    while i < n:
        if query.startswith("--", i):
            end = query.find("\n", i)
            i = n if end < 0 else end + 1
        elif query.startswith("/*", i):
            end = query.find("*/", i + 2)
            if end < 0:
                return i
            i = end + 2
        elif query[i] in "'\"":
            end = i + 1
            while True:
                end = query.find(query[i], end)
                if end < 0:
                    return i
                if not query.startswith(query[i] * 2, end):
                    break
                end += 2  # a doubled quote stands for itself
            i = end + 1
        else:
            i += 1
    return None


def _statement_name(node) -> str:
    from sqlglot import exp
    if isinstance(node, exp.Command):
        return str(node.this).upper()
    return type(node).__name__.upper()


# Statements (and statement-like clauses) that may not appear anywhere in a query.
_FORBIDDEN_NODES = ("Insert", "Update", "Delete", "Merge", "Create", "Drop", "Alter",
                    "Command", "Copy", "Pragma", "Set", "SetItem", "Use", "Transaction",
                    "Commit", "Rollback", "Into", "Lock", "LoadData", "Describe", "Show",
                    "Summarize", "Attach", "Detach", "Install", "Grant", "Revoke",
                    "Analyze", "Kill", "Refresh", "Cache", "Uncache", "Export", "Call",
                    "TruncateTable", "Comment", "Declare", "Execute")
_FORBIDDEN_CLASSES: tuple = ()


def _forbidden_classes(exp) -> tuple:
    global _FORBIDDEN_CLASSES
    if not _FORBIDDEN_CLASSES:
        _FORBIDDEN_CLASSES = tuple(getattr(exp, n) for n in _FORBIDDEN_NODES
                                   if isinstance(getattr(exp, n, None), type))
    return _FORBIDDEN_CLASSES


def _check_node(node, exp) -> None:
    if isinstance(node, _forbidden_classes(exp)):
        what = "SELECT ... INTO" if isinstance(node, exp.Into) else \
            "FOR UPDATE/SHARE" if isinstance(node, exp.Lock) else _statement_name(node)
        raise SQLRefused(f"the store is read-only here: {what} is not allowed")
    if isinstance(node, exp.Func):
        _check_function(node, exp)
    elif isinstance(node, exp.Table):
        _check_table(node, exp)


def _check_function(node, exp) -> None:
    parent = node.parent
    if isinstance(parent, exp.Dot) and parent.args.get("expression") is node:
        # pg_catalog.f(...), x.f() (DuckDB method call): what runs depends on names the
        # sandbox cannot see; the plain call f(x) says the same thing.
        raise SQLRefused(f"a function may not be called through a schema or a value "
                         f"({parent.sql()[:60]}): write {node.name or 'f'}(...) instead")
    in_from = isinstance(parent, exp.Table) and parent.this is node
    if isinstance(node, exp.Anonymous):
        name = node.name
        if not isinstance(name, str) or not name:
            raise SQLRefused("a function call without a plain name is not allowed")
        ok = name.lower() in (sqlallow.TABLE_FUNCTIONS if in_from else sqlallow.ALLOWED_NAMES)
    else:
        cls = type(node).__name__
        name = (type(node).sql_names() or [cls])[0].lower()
        ok = cls in (sqlallow.TABLE_FUNCTION_CLASSES if in_from else sqlallow.ALLOWED_CLASSES)
    if not ok:
        _refuse_function(name, in_from)


def _refuse_function(name: str, in_from: bool) -> None:
    if in_from:
        allowed = ", ".join(sorted(sqlallow.TABLE_FUNCTIONS))
        raise SQLRefused(f"table function {name}() is not allowed in FROM: only {allowed} "
                         f"and the store's tables and views")
    import difflib
    close = difflib.get_close_matches(name.lower(), sqlallow.ALLOWED_NAMES, n=1, cutoff=0.75)
    hint = f'; did you mean "{close[0]}"?' if close else ""
    raise SQLRefused(f"function {name}() is not allowed: "
                     f"{sqlallow.refusal_reason(name)}{hint}")


def _check_table(node, exp) -> None:
    if isinstance(node.this, exp.Func):  # a table function; its name is checked as a call
        if node.args.get("db") or node.args.get("catalog"):
            raise SQLRefused(f"a table function may not name a schema: {node.sql()[:60]}")
        return
    if not isinstance(node.this, exp.Identifier):
        raise SQLRefused(f"only the store's tables and views can be read, not "
                         f"{node.sql()[:60]}")
    _check_table_name(node.name, node.db, node.catalog)


def _check_table_name(name: str, schema: str, catalog: str) -> None:
    shown = ".".join(p for p in (catalog, schema, name) if p)
    low, sch = name.lower(), (schema or "").lower()
    if catalog:
        raise SQLRefused(f"only the store's own database can be read, not {shown}")
    if sch == "information_schema":
        if low in sqlallow.INFORMATION_SCHEMA_VIEWS:
            return
        views = ", ".join(sorted(sqlallow.INFORMATION_SCHEMA_VIEWS))
        raise SQLRefused(f"of information_schema only {views} can be read, not {shown}")
    if sch and sch not in sqlallow.STORE_SCHEMAS:
        raise SQLRefused(f"only the store's tables and views can be read, not {shown} "
                         f"(system catalogs and other schemas are closed)")
    if low.startswith(sqlallow.SYSTEM_TABLE_PREFIXES):
        raise SQLRefused(f"only the store's tables and views can be read, not the system "
                         f"table {shown}")
    if any(c in name for c in "./\\:*?") or not name.strip():
        raise SQLRefused(f"only the store's tables and views can be read, not {name!r} "
                         f"(file paths and patterns are closed)")


def _check_reference(ref) -> None:
    """One function or table the engine's own parser found (``store.backend.SQLReference``)."""
    if ref.kind == "error":
        if ref.name.startswith("refused:"):
            raise SQLRefused(ref.name.split(":", 1)[1].strip())
        if ref.name.startswith("syntax:"):
            raise SQLSyntaxError(ref.name.split(":", 1)[1].strip())
        raise QueryError(ref.name)
    if ref.kind in ("node", "expression"):
        allowed = sqlallow.DUCKDB_NODES if ref.kind == "node" else sqlallow.DUCKDB_EXPRESSIONS
        if ref.name.upper() not in allowed:
            raise SQLRefused(sqlallow.node_refusal(ref.name))
        return
    if ref.kind == "table":
        _check_table_name(ref.name, ref.schema, ref.catalog)
        return
    if ref.schema or ref.catalog:
        shown = ".".join(p for p in (ref.catalog, ref.schema, ref.name) if p)
        raise SQLRefused(f"a function may not be called through a schema or a value "
                         f"({shown}(...)): write {ref.name}(...) instead")
    in_from = ref.kind == "table_function"
    allowed = sqlallow.TABLE_FUNCTIONS if in_from else sqlallow.ALLOWED_NAMES
    if ref.name.lower() not in allowed:
        _refuse_function(ref.name, in_from)
