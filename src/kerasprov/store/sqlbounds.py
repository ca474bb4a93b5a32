"""How much memory and temporary disk a person's SQL may take on DuckDB.

DuckDB runs inside our process (the CLI, the UI, ``serve``), and by default may use 80 % of
the machine's memory and spill to 90 % of the free disk: one ``string_agg`` over
``repeat(...)`` took 11 GB. A sandboxed query therefore runs under:

- ``memory_limit``: ``KERASPROV_SQL_MEMORY`` (default ``1GB``), what DuckDB's buffer
  manager may hold (hash tables, sorts, aggregates);
- ``max_temp_directory_size``: ``KERASPROV_SQL_TEMP_LIMIT`` (default ``1GB``), what it may spill
  to its temporary directory (``<store>/kerasprov.duckdb.tmp``) once memory is full;
- an address-space cap on the process (``RLIMIT_AS``): while a query runs, the process
  may map at most three times the memory limit more than it did (counting what earlier
  queries left mapped for reuse). DuckDB does not count every allocation against
  ``memory_limit`` (a vector of 2,048 strings built by ``repeat`` or ``lpad`` is allocated
  outside it: 2 GB for strings of 1 MB); the cap makes those fail as well.

Going over any of them is one clear QueryError naming the bound and how to raise it. The
settings are put back after the query (ingest and kerasprov's own reads are not bounded).
"""

from __future__ import annotations

import contextlib
import os
import re
import threading

DEFAULT_MEMORY = "1GB"
DEFAULT_TEMP = "1GB"
MEMORY_ENV = "KERASPROV_SQL_MEMORY"
#: While a query runs, the process may grow by this many times the memory limit.
ADDRESS_SPACE_FACTOR = 3
TEMP_ENV = "KERASPROV_SQL_TEMP_LIMIT"

# Read as PostgreSQL reads sizes (pgreader shares KERASPROV_SQL_TEMP_LIMIT): binary units,
# a bare number in kB; the IEC spellings (MiB, GiB) mean the same.
_UNITS = {"": 1024, "b": 1, "bytes": 1, "k": 1024, "kb": 1024, "kib": 1024,
          "m": 1024**2, "mb": 1024**2, "mib": 1024**2, "g": 1024**3, "gb": 1024**3,
          "gib": 1024**3, "t": 1024**4, "tb": 1024**4, "tib": 1024**4}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$")


def parse_size(text: str, name: str) -> int:
    """``512MB``, ``2GB``, ``1.5GiB``, ``1048576`` (kB) -> bytes; ValueError naming ``name``."""
    m = _SIZE.match(str(text))
    unit = m.group(2).lower() if m else ""
    if not m or unit not in _UNITS:
        raise ValueError(f"{name} must be a size such as 512MB or 2GB; received {text!r}")
    return int(float(m.group(1)) * _UNITS[unit])


def _setting(env: str, default: str) -> int:
    from ..errors import BadRequest
    try:
        return parse_size(os.environ.get(env) or default, env)
    except ValueError as exc:
        raise BadRequest(str(exc)) from None


def memory_limit() -> int:
    """Bytes a sandboxed query's engine may hold in memory (``KERASPROV_SQL_MEMORY``)."""
    return _setting(MEMORY_ENV, DEFAULT_MEMORY)


def temp_limit() -> int:
    """Bytes a sandboxed query may spill to temporary files (``KERASPROV_SQL_TEMP_LIMIT``)."""
    return _setting(TEMP_ENV, DEFAULT_TEMP)


def shown(n: int) -> str:
    for unit, size in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n} bytes"


def over_limit_message(detail: str = "") -> str:
    return (f"the query needs more memory than the SQL sandbox allows ({shown(memory_limit())}"
            f" of memory, {shown(temp_limit())} of temporary files; {MEMORY_ENV} and "
            f"{TEMP_ENV} raise them): select or aggregate less"
            + (f" ({detail})" if detail else ""))


@contextlib.contextmanager
def duckdb_bounds(con):
    """Run the body (one sandboxed query) under the memory and temp-file bounds."""
    mem, temp = memory_limit(), temp_limit()
    try:
        con.execute(f"SET memory_limit = '{mem}B'")
        con.execute(f"SET max_temp_directory_size = '{temp}B'")
    except Exception as exc:  # noqa: BLE001 - DuckDB holds more than the limit right now
        from ..errors import QueryError
        text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise QueryError(over_limit_message(text)) from None
    try:
        with _address_space(ADDRESS_SPACE_FACTOR * mem):
            yield
    finally:
        for name in ("memory_limit", "max_temp_directory_size"):
            with contextlib.suppress(Exception):  # a closed connection: nothing to restore
                con.execute(f"RESET {name}")


# -- the address-space backstop -----------------------------------------------------------------
_as_lock = threading.Lock()
_as_users = 0
_as_saved: tuple[int, int] | None = None
_as_start = 0      # the process's size when the running queries began
_as_retained = 0   # address space earlier bounded queries left mapped (and reusable)


def _vm_size() -> int | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


@contextlib.contextmanager
def _address_space(headroom: int):
    """Cap this process's address space (Linux ``RLIMIT_AS``) while the body runs.

    The cap is the process's size now plus ``headroom``, less what earlier bounded queries
    left mapped (but at least a third of ``headroom``): DuckDB's allocator keeps the
    address space of memory it freed and reuses it, so without that each query could add
    ``headroom`` again. (What the rest of the process maps between queries, e.g. importing
    a library, is not counted.)
    Process-wide: overlapping queries share the first one's cap, and the last one out puts
    the old limit back.
    """
    global _as_users, _as_saved, _as_start, _as_retained
    try:
        import resource
    except ImportError:  # not a POSIX system: DuckDB's own limit still holds
        yield
        return
    with _as_lock:
        if _as_users == 0:
            size = _vm_size()
            if size is not None:
                _as_start = size
                soft, hard = resource.getrlimit(resource.RLIMIT_AS)
                # At least one memory limit of new room: what was retained is not always
                # reusable for the next query's pattern (one large block, another arena).
                cap = size + max(headroom // ADDRESS_SPACE_FACTOR, headroom - _as_retained)
                if hard != resource.RLIM_INFINITY:
                    cap = min(cap, hard)
                if soft == resource.RLIM_INFINITY or cap < soft:
                    try:
                        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
                        _as_saved = (soft, hard)
                    except (ValueError, OSError):
                        _as_saved = None
        _as_users += 1
    try:
        yield
    finally:
        with _as_lock:
            _as_users -= 1
            if _as_users == 0:
                size = _vm_size()
                if size is not None and _as_start:
                    _as_retained += max(0, size - _as_start)
                if _as_saved is not None:
                    resource.setrlimit(resource.RLIMIT_AS, _as_saved)
                    _as_saved = None
