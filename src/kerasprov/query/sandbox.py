"""The read-only SQL sandbox for every place that runs SQL a person typed.

Layers, each enough on its own for the common cases:
1. exactly one statement, and it must parse as a query (SELECT / WITH ... SELECT / VALUES);
2. no function or keyword that reaches files, the network, extensions or settings;
3. the engine itself: DuckDB is opened with external access disabled (no file or network
   function works, and it cannot be re-enabled); PostgreSQL runs the query in a READ ONLY
   transaction with a statement timeout.
Results are capped in rows and queries are interrupted after a timeout.
"""

from __future__ import annotations

import re

from ..errors import SQLRefused

DEFAULT_LIMIT = 10_000
DEFAULT_TIMEOUT_S = 30.0

_FORBIDDEN_FUNCS = re.compile(
    r"\b(read_\w+|glob|sniff_csv|parquet_\w+|iceberg_\w+|delta_scan|postgres_\w+|sqlite_\w+|"
    r"mysql_\w+|http_\w+|pg_read_\w+|pg_ls_\w+|pg_stat_file|lo_import|lo_export|dblink\w*|"
    r"copy_to|query_table|query|load_extension|current_setting|set_config|"
    r"pg_terminate_backend|pg_cancel_backend|pg_reload_conf|pg_sleep\w*|txid_\w+|nextval|"
    r"setval|pg_advisory\w*)\s*\(", re.IGNORECASE)
_FORBIDDEN_WORDS = re.compile(
    r"\b(insert|update|delete|merge|create|drop|alter|truncate|attach|detach|copy|pragma|"
    r"install|load|export|import|vacuum|checkpoint|grant|revoke|call|set|reset|begin|commit|"
    r"rollback|listen|notify|lock|prepare|execute|deallocate|do|into)\b", re.IGNORECASE)


def _strip_literals(sql: str) -> str:
    """SQL with string literals, quoted identifiers and comments blanked out.

    One left-to-right scan, so a quote inside a comment and a comment marker inside a
    literal are both read the way the database reads them.
    """
    out, i, n = [], 0, len(sql)
    while i < n:
        c = sql[i]
        if sql.startswith("--", i):
            j = sql.find("\n", i)
            i = n if j < 0 else j
            out.append(" ")
        elif sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            i = n if j < 0 else j + 2
            out.append(" ")
        elif c in "'\"":
            j = i + 1
            while j < n:
                if sql[j] == c:
                    if j + 1 < n and sql[j + 1] == c:  # doubled quote inside the literal
                        j += 2
                        continue
                    break
                j += 1
            out.append(c + c)
            i = j + 1
        elif c == "$":
            m = re.match(r"\$(\w*)\$", sql[i:])
            end = sql.find(m.group(0), i + len(m.group(0))) if m else -1
            if m and end >= 0:
                out.append("''")
                i = end + len(m.group(0))
            else:
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def check_sql(sql: object) -> str:
    """Return the query if it is one read-only statement, else raise SQLRefused."""
    if not isinstance(sql, str) or not sql.strip():
        raise SQLRefused("the query is empty")
    if len(sql) > 100_000:
        raise SQLRefused("the query is longer than 100,000 characters")
    bare = _strip_literals(sql).strip().rstrip(";").strip()
    if ";" in bare:
        raise SQLRefused("only one SQL statement is allowed")
    first = bare.split(None, 1)[0].lower() if bare else ""
    if first not in ("select", "with", "values", "from", "(", "table") and \
            not first.startswith("("):
        raise SQLRefused(f"only read-only queries (SELECT ...) are allowed; got {first.upper()}")
    m = _FORBIDDEN_WORDS.search(bare)
    if m:
        raise SQLRefused(f"the store is read-only here: {m.group(1).upper()} is not allowed")
    m = _FORBIDDEN_FUNCS.search(bare)
    if m:
        raise SQLRefused(f"function {m.group(1)}() is not allowed: queries may not read "
                         "files, the network or settings")
    return sql.strip().rstrip(";")


def check_duckdb_statement(con, sql: str) -> None:
    """DuckDB's own parser must agree that this is a single SELECT."""
    import duckdb
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        from ..errors import QueryError
        raise QueryError(str(exc).split("\n")[0]) from None
    if len(statements) != 1:
        raise SQLRefused("only one SQL statement is allowed")
    if statements[0].type != duckdb.StatementType.SELECT:
        raise SQLRefused(f"only SELECT queries are allowed; got {statements[0].type.name}")
