"""What a person reads when their SQL fails: the engine's own help, kept whole.

DuckDB and PostgreSQL say more than their first line: DuckDB's ``Candidate bindings:
"val_accuracy"`` and ``Did you mean "epochs"?``, PostgreSQL's ``HINT: Perhaps you meant to
reference the column ...``, and both a ``LINE n:`` line with a caret under the spot. A
message keeps all of that (bounded in size), with the caret placed in the person's query
(PostgreSQL counts from the ``DECLARE ... CURSOR FOR`` that wraps it). A query that does
not parse says so in one line, in SQL's words: ``syntax error near "FORM" (line 1,
column 10)``.
"""

from __future__ import annotations

import re

from ..errors import QueryError, SQLSyntaxError

MAX_MESSAGE_CHARS = 2000
MAX_MESSAGE_LINES = 14
_CONTEXT = 60  # characters of the query line shown on each side of the caret


def first_line(exc: object) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def bounded(text: str) -> str:
    """A message cut to a sane size (an engine may quote a whole 100 kB query)."""
    lines = [ln.rstrip() for ln in str(text).strip().splitlines()]
    out: list[str] = []
    for ln in lines:
        if not ln and (not out or not out[-1]):
            continue  # one blank line at most between parts
        out.append(ln if len(ln) <= 300 else ln[:297] + "...")
    text = "\n".join(out[:MAX_MESSAGE_LINES]).strip()
    return text if len(text) <= MAX_MESSAGE_CHARS else text[:MAX_MESSAGE_CHARS - 3] + "..."


def line_column(query: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a 0-based character offset into ``query``."""
    offset = max(0, min(offset, len(query)))
    before = query[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def caret(query: str, offset: int, length: int = 1) -> str:
    """``LINE n: <that line>`` and a caret line under ``offset`` (as DuckDB and PostgreSQL
    print them), the line cut to some context around the spot."""
    line_no, col = line_column(query, offset)
    text = query.splitlines()[line_no - 1] if query.splitlines()[line_no - 1:] else ""
    start = max(0, col - 1 - _CONTEXT)
    shown = ("..." if start else "") + text[start:col - 1 + _CONTEXT] + \
        ("..." if len(text) > col - 1 + _CONTEXT else "")
    prefix = f"LINE {line_no}: "
    pad = len(prefix) + (col - 1 - start) + (3 if start else 0)
    return f"{prefix}{shown}\n{' ' * pad}{'^' * max(1, min(length, 40))}"


def syntax_error(query: str, what: str, offset: int | None) -> str:
    """``<what> near "<token>" (line L, column C)``, one line. ``what`` is the engine's
    words (``syntax error at or near "x"``, ``unterminated string literal``); ``offset``
    the 0-based character where it stopped reading, if known."""
    what = what.strip().rstrip(".")
    if not what.lower().startswith("syntax error"):
        what = f"syntax error: {what}"
    near, at_end = None, False
    m = re.search(r'\s+at or near\s+(".*")$', what)
    if m:
        near, what = m.group(1), what[:m.start()]
    m = re.search(r"\s+at end of input$", what)
    if m:
        at_end, what = True, what[:m.start()]
    if offset is not None and offset >= len(query.rstrip()):
        at_end = True
    if near is None and not at_end and offset is not None:
        token = re.match(r"\s*(/\*|--|\w+|'[^']*'?|\"[^\"]*\"?|\S)", query[offset:])
        text = token.group(1)[:40] if token else ""
        near = (f'"{text}"' if '"' not in text else f"'{text}'") if text else None
    where = ""
    if offset is not None:
        line, col = line_column(query, offset)
        where = f" (line {line}, column {col})"
    if near is not None:
        return f"{what} near {near}{where}"
    return f"{what} at the end of the query{where}" if at_end else f"{what}{where}"


def byte_offset_to_char(query: str, offset: int) -> int:
    """DuckDB counts positions in UTF-8 bytes; Python strings count characters."""
    return len(query.encode("utf-8")[:max(0, offset)].decode("utf-8", "ignore"))


def duckdb_error(exc: object, query: str) -> QueryError:
    """A DuckDB error as the person should read it: the whole message, hints and caret; a
    parse error in one line with its place (SQLSyntaxError); over the memory bounds, what
    they are and how to raise them."""
    text = str(exc).strip()
    if text.startswith("Out of Memory Error"):
        from .sqlbounds import over_limit_message
        return QueryError(over_limit_message(
            first_line(text).removeprefix("Out of Memory Error: ")))
    if text.startswith("Parser Error:"):
        return SQLSyntaxError(syntax_error(
            query, first_line(text).removeprefix("Parser Error:"), None))
    return QueryError(bounded(text))


def postgres_error(exc, query: str, wrapped_by: str = "") -> QueryError:
    """A psycopg error with its DETAIL and HINT, and a caret in the person's query; a
    syntax error in one line with its place (SQLSyntaxError).

    ``wrapped_by`` is the text that preceded the query in the statement sent (a cursor's
    ``DECLARE "name" CURSOR FOR ``): PostgreSQL counts its position from there.
    """
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None)
    if not primary:
        return QueryError(bounded(first_line(exc)))
    offset = None
    position = getattr(diag, "statement_position", None)
    if position and str(position).isdigit():
        offset = int(position) - 1 - len(wrapped_by)
        if not 0 <= offset <= len(query):
            offset = None
    if getattr(diag, "sqlstate", None) == "42601":  # syntax_error
        return SQLSyntaxError(syntax_error(query, primary, offset))
    parts = [primary]
    for label, value in (("DETAIL", diag.message_detail), ("HINT", diag.message_hint)):
        if value:
            parts.append(f"{label}: {value}")
    if offset is not None:
        parts.append(caret(query, offset))
    return QueryError(bounded("\n".join(parts)))
