"""What DuckDB's own parser sees in a query: every node kind, function, and table.

``json_serialize_sql`` gives DuckDB's parse tree. The sandbox (``query/sandbox.py``) checks
it against allow-lists, so that a text which sqlglot reads one way and DuckDB another
cannot slip through: a ``SHOW_REF`` (``SELECT * FROM (SHOW temp_directory)``), a file
name read as a table (``FROM 'file.csv'``), a table function, or a kind of node no list
knows yet. This module only reports; it decides nothing.

Reported, as ``SQLReference``:
- ``node``: the ``type`` of every other object in the tree: query nodes, table references,
  result modifiers, type descriptors (``SELECT_NODE``, ``BASE_TABLE``, ``SHOW_REF``,
  ``ORDER_MODIFIER``, ``DECIMAL_TYPE_INFO``...);
- ``expression``: the ``class`` of every expression (``FUNCTION``, ``COLUMN_REF``...);
- ``function``, ``table_function``, ``table``: names, with schema and catalog;
- ``error``: the text does not parse (one line: ``syntax error near ... (line, column)``),
  or is no SELECT (``refused: ...``).
"""

from __future__ import annotations

import json
from typing import Any

from .readonly import SQLReference
from .sqlerrors import byte_offset_to_char, first_line, syntax_error


def references(con, query: str) -> list[SQLReference] | None:
    """DuckDB's parse tree of ``query`` as references; None when DuckDB cannot serialize
    trees (no json extension)."""
    import duckdb
    try:
        (text,) = con.execute("SELECT json_serialize_sql(?::VARCHAR)", [query]).fetchone()
    except duckdb.Error:
        return None
    tree = json.loads(text)
    if tree.get("error"):
        msg = str(tree.get("error_message") or "DuckDB cannot parse the query")
        if "only select" in msg.lower():
            return [SQLReference("error", f"refused: only SELECT queries are allowed "
                                          f"({first_line(msg)})")]
        position = str(tree.get("position", ""))
        offset = byte_offset_to_char(query, int(position)) if position.isdigit() else None
        return [SQLReference("error", "syntax: " + syntax_error(query, first_line(msg),
                                                                 offset))]
    refs: list[SQLReference] = []
    walk(tree.get("statements", []), refs)
    return refs


def walk(node: Any, refs: list[SQLReference]) -> None:
    """Collect node kinds, function calls, table functions and base tables of a tree."""
    seen: set[tuple[str, str]] = set()

    def kind(k: str, name: str) -> None:
        if (k, name) not in seen:
            seen.add((k, name))
            refs.append(SQLReference(k, name))

    stack = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        typ = node.get("type")
        if "class" in node:
            kind("expression", str(node["class"]))
        elif isinstance(typ, str):  # a Value has a type object here: data, not a node
            kind("node", typ)
        if typ == "BASE_TABLE":
            refs.append(SQLReference("table", str(node.get("table_name", "")),
                                     str(node.get("schema_name") or ""),
                                     str(node.get("catalog_name") or "")))
        elif typ == "TABLE_FUNCTION" and isinstance(node.get("function"), dict):
            fn = node["function"]
            refs.append(SQLReference("table_function", str(fn.get("function_name", "")),
                                     str(fn.get("schema") or ""), str(fn.get("catalog") or "")))
            stack.append(fn.get("arguments", []))
            stack.extend(v for k, v in node.items() if k != "function")
            continue
        elif node.get("class") in ("FUNCTION", "WINDOW") and "function_name" in node \
                and not node.get("is_operator"):
            refs.append(SQLReference("function", str(node["function_name"]),
                                     str(node.get("schema") or ""),
                                     str(node.get("catalog") or "")))
        stack.extend(node.values())
