"""The least-privileged role that runs a person's SQL on PostgreSQL.

A person's query runs inside ``BEGIN READ ONLY`` after ``SET LOCAL ROLE kerasprov_reader``:
whatever the sandbox's parser misses, the query holds only the rights of a role that can
log in nowhere, read the store's tables and views, and nothing else (no server files, no
other sessions, no superuser-only catalogs such as ``pg_authid``).

kerasprov creates and maintains the role itself when its connection may (a superuser, or a
role with CREATEROLE): before each sandboxed query it checks, in one round trip, that the
role exists, that the connection may switch to it, and that it can read every table and
view of the store's schema (views are rebuilt when a new metric appears, and lose their
grants), and grants what is missing.

Where kerasprov's user may not create roles, a DBA runs once (``public`` being the
store's schema, ``kerasprov`` the user in the store URL)::

    CREATE ROLE kerasprov_reader NOLOGIN;
    GRANT kerasprov_reader TO kerasprov;
    GRANT USAGE ON SCHEMA public TO kerasprov_reader;
    GRANT SELECT ON ALL TABLES IN SCHEMA public TO kerasprov_reader;
    ALTER DEFAULT PRIVILEGES FOR ROLE kerasprov IN SCHEMA public
        GRANT SELECT ON TABLES TO kerasprov_reader;

(kerasprov's user owns the tables and views, so it can grant SELECT on the views it
rebuilds.) Without the role, a query runs as the connection's own user, which is safe
when that user is unprivileged. On a privileged connection (superuser, or a member of
``pg_read_server_files``, ``pg_write_server_files`` or ``pg_execute_server_program``)
that cannot use the role, a person's SQL is refused unless ``KERASPROV_ALLOW_SUPERUSER_SQL=1``
says to trust the sandbox's parser and the READ ONLY transaction alone.
"""

from __future__ import annotations

import contextlib
import os
import re
from typing import NamedTuple

from ..errors import SQLRefused

READER_ROLE = "kerasprov_reader"

#: Run where the views are rebuilt, in the same transaction: a view dropped and created
#: again has no grants, and a person's query running as the reader in between would be
#: refused ("permission denied for view epochs").
REGRANT_SQL = (
    "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kerasprov_reader') THEN "
    "EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO kerasprov_reader', "
    "current_schema()); END IF; END $$")
ALLOW_ENV = "KERASPROV_ALLOW_SUPERUSER_SQL"

_STATE = """
SELECT r.rolsuper OR pg_has_role(current_user, 'pg_read_server_files', 'MEMBER')
         OR pg_has_role(current_user, 'pg_write_server_files', 'MEMBER')
         OR pg_has_role(current_user, 'pg_execute_server_program', 'MEMBER') AS privileged,
       r.rolsuper OR r.rolcreaterole AS can_create,
       to_regrole(%(role)s) IS NOT NULL AS exists,
       CASE WHEN to_regrole(%(role)s) IS NOT NULL
            THEN pg_has_role(current_user, to_regrole(%(role)s), 'MEMBER') END AS member,
       current_schema() AS schema,
       CASE WHEN to_regrole(%(role)s) IS NOT NULL
            THEN has_schema_privilege(to_regrole(%(role)s), current_schema(), 'USAGE')
       END AS usage,
       CASE WHEN to_regrole(%(role)s) IS NOT NULL THEN ARRAY(
            SELECT c.relname::text FROM pg_class c
            WHERE c.relnamespace = to_regnamespace(current_schema())
              AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
              AND NOT has_table_privilege(to_regrole(%(role)s), c.oid, 'SELECT')
            ORDER BY 1) END AS missing
FROM pg_roles r WHERE r.rolname = current_user
"""


class ReaderState(NamedTuple):
    privileged: bool
    can_create: bool
    exists: bool
    member: bool | None
    schema: str | None
    usage: bool | None
    missing: list[str] | None


def superuser_sql_allowed() -> bool:
    return os.environ.get(ALLOW_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def _state(con) -> ReaderState:
    row = con.execute(_STATE, {"role": READER_ROLE}).fetchone()
    return ReaderState(*row)


def prepare(con) -> str | None:
    """Make the reader role ready on this (autocommit) connection, outside a transaction.

    Returns the role to ``SET LOCAL ROLE`` to, or None to run as the connection's own
    user. Raises SQLRefused on a privileged connection that cannot use the role, unless
    ``KERASPROV_ALLOW_SUPERUSER_SQL=1``.
    """
    psycopg = __import__("psycopg")
    from psycopg import sql
    st = _state(con)
    role = sql.Identifier(READER_ROLE)
    changed = False
    if not st.exists and st.can_create:
        with contextlib.suppress(psycopg.Error):  # another process may create it first
            con.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(role))
        changed = True
    if (not st.exists or not st.member) and st.can_create:
        # A CREATEROLE user (not superuser) must be granted the role to SET it (PG 16+
        # gives the creator only the ADMIN option by default).
        with contextlib.suppress(psycopg.Error):
            con.execute(sql.SQL("GRANT {} TO CURRENT_USER").format(role))
        changed = True
    if changed:
        st = _state(con)
    if st.exists and (st.usage is False or st.missing):
        _grant(con, st, role)
        st = _state(con)
    if st.exists and st.member and st.usage and not st.missing:
        return READER_ROLE
    if st.privileged and not superuser_sql_allowed():
        why = ("it does not exist and this user may not create it" if not st.exists else
               "this user is not a member of it" if not st.member else
               "it cannot read every table of the store: " + ", ".join(st.missing or [])
               if st.missing else f"it may not use schema {st.schema}")
        raise SQLRefused(
            f"SQL typed by a person is refused on this PostgreSQL connection: its user is a "
            f"superuser (or may read server files) and the least-privileged role "
            f"{READER_ROLE} cannot be used ({why}). Connect as an ordinary user, have a DBA "
            f"create the role (see kerasprov.store.pgreader), or set {ALLOW_ENV}=1 to rely "
            f"on the sandbox's parser and a READ ONLY transaction alone")
    return None


def _grant(con, st: ReaderState, role) -> None:
    """Grant what the reader lacks; a table this user does not own stays as it is."""
    psycopg = __import__("psycopg")
    from psycopg import sql
    if st.usage is False and st.schema:
        with contextlib.suppress(psycopg.Error):
            con.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(
                sql.Identifier(st.schema), role))
    for table in st.missing or []:
        # One statement per table: a table owned by someone else must not stop the rest.
        # Concurrent GRANTs on one table can fail with "tuple concurrently updated"; the
        # other process's grant is then the same one.
        with contextlib.suppress(psycopg.Error):
            con.execute(sql.SQL("GRANT SELECT ON TABLE {}.{} TO {}").format(
                sql.Identifier(st.schema), sql.Identifier(table), role))


# -- resource bounds of a person's query ----------------------------------------------------
WORK_MEM_ENV = "KERASPROV_SQL_WORK_MEM"
TEMP_LIMIT_ENV = "KERASPROV_SQL_TEMP_LIMIT"
DEFAULT_WORK_MEM = "64MB"
DEFAULT_TEMP_LIMIT = "1GB"
_SIZE = re.compile(r"^\s*(\d{1,12})\s*(kB|MB|GB|TB)?\s*$")


def _size(env: str, default: str) -> str:
    raw = os.environ.get(env, "").strip()
    if not raw:
        return default
    m = _SIZE.match(raw)
    if m is None:
        from ..errors import warn_once
        warn_once(f"pg-{env}", f"{env}={raw!r} is not a size such as 64MB or 1GB; "
                               f"using {default}")
        return default
    return m.group(1) + (m.group(2) or "kB")


def work_mem() -> str:
    """Memory one sort or hash of a person's query may use before it spills to disk."""
    return _size(WORK_MEM_ENV, DEFAULT_WORK_MEM)


def temp_limit() -> str:
    """Temporary disk a person's query may use in all (``temp_file_limit``)."""
    return _size(TEMP_LIMIT_ENV, DEFAULT_TEMP_LIMIT)


def bound(con) -> None:
    """Set ``work_mem`` and ``temp_file_limit`` for the sandbox's transaction (``SET
    LOCAL``), before it switches to the reader role.

    PostgreSQL lets only a superuser, or a user granted ``SET ON PARAMETER temp_file_limit``
    (PostgreSQL 15+), set the temporary-disk bound; elsewhere the server's own setting holds
    and a warning says so once.
    """
    psycopg = __import__("psycopg")
    con.execute("SELECT set_config('work_mem', %s, true)", [work_mem()])
    con.execute("SAVEPOINT kerasprov_bound")
    try:
        con.execute("SELECT set_config('temp_file_limit', %s, true)", [temp_limit()])
    except psycopg.Error as exc:
        con.execute("ROLLBACK TO SAVEPOINT kerasprov_bound")
        from ..errors import warn_once
        warn_once("pg-temp-limit", f"this PostgreSQL user may not set temp_file_limit "
                                   f"({(str(exc).strip().splitlines() or ['?'])[0]}): a "
                                   f"person's SQL spills to disk within the server's own "
                                   f"limit; a DBA can run GRANT SET ON PARAMETER "
                                   f"temp_file_limit TO <user>")
    con.execute("RELEASE SAVEPOINT kerasprov_bound")


def over_limit(exc: Exception) -> str | None:
    """The clear message for a query that went over a resource bound, or None."""
    from psycopg import errors as pge
    if isinstance(exc, pge.ConfigurationLimitExceeded):  # temp_file_limit
        return (f"the query needs more temporary disk than the sandbox allows (temp_file_limit "
                f"{temp_limit()}, set by {TEMP_LIMIT_ENV}); narrow it (filter, aggregate, "
                f"LIMIT) or raise the bound")
    if isinstance(exc, (pge.OutOfMemory, pge.ProgramLimitExceeded)):
        return (f"the query needs more memory than the server gives it ({_first(exc)}); "
                f"narrow it (filter, aggregate, LIMIT)")
    return None


def _first(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
