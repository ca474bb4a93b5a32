"""The store's schema: checked by readers, created (idempotently) by writers."""

from __future__ import annotations

import time

from ...errors import BadStore
from .. import views
from ..backend import Backend
from ..schema import (
    ADDED_COLUMNS,
    BUILTIN_SETS,
    MIGRATIONS,
    fixed_ddl,
    quote,
    set_table,
    to_datetime,
)


def check_schema(be: Backend, where: str = "the store") -> bool:
    """Whether the schema is complete; raises BadStore for a store of a newer kerasprov.

    Reads only (a read-only store is checked with it, nothing is created).
    """
    tables = be.table_names()
    if "_migrations" not in tables or "execution" not in tables:
        return False
    done = {r[0] for r in be.fetchall("SELECT version FROM _migrations")}
    newest = max(v for v, _ in MIGRATIONS)
    if done and max(done) > newest:
        raise BadStore(f"{where} has schema version {max(done)}, newer than this kerasprov "
                       f"knows ({newest}): upgrade kerasprov to read it",
                       schema_version=max(done))
    return all(v in done for v, _ in MIGRATIONS)


def ensure_schema(be: Backend, where: str = "the store") -> None:
    """Create the fixed tables and record migrations (idempotent, cheap when done)."""
    if check_schema(be, where):
        return
    for stmt in fixed_ddl(be.dialect):
        be.execute(stmt)
    done = {r[0] for r in be.fetchall("SELECT version FROM _migrations")}
    for version, added in sorted(ADDED_COLUMNS.items()):
        for table, column, typ in added if version not in done else ():
            if column not in be.table_columns(table):
                be.execute(f"ALTER TABLE {quote(table)} ADD COLUMN {quote(column)} "
                           f"{be.sql_type(typ)}")
    for version, name in MIGRATIONS:
        if version not in done:
            be.execute("INSERT INTO _migrations VALUES (?, ?, ?)",
                       [version, name, to_datetime(time.time())])
    tables = be.table_names()
    for set_tag, (links, attrs) in BUILTIN_SETS.items():
        table = set_table(set_tag)
        if table in tables:
            continue
        cols = ["run_id"] + links
        defs = [f"{quote(c)} {be.sql_type('text')}" for c in cols]
        for name, typ in attrs:
            be.execute("INSERT INTO attribute VALUES (?, ?, ?, ?)", [set_tag, name, name, typ])
            defs.append(f"{quote(name)} {be.sql_type(typ)}")
        be.execute(f"CREATE TABLE {quote(table)} ({', '.join(defs)})")
    views.create_views(be)
