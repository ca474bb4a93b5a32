"""Data-set rows into their ``ds_<set>`` tables: each attribute typed over the whole batch,
a column at a time; new attributes become columns while the set has room for them
(``MAX_SET_COLUMNS``), and the rest go to the long table (``extra.py``), so no row is ever
refused for its width. kerasprov's own attributes (``BUILTIN_TYPES``) are always columns
and keep their types: no event widens them."""

from __future__ import annotations

from itertools import chain, repeat

from ...errors import InvalidEvent
from ..schema import (
    BUILTIN_TYPES,
    INT64,
    column_name,
    convert,
    infer_type,
    quote,
    set_table,
    widen,
)
from .batch import Batch, at_end
from .extra import insert_extra
from .rows import fold_alike, gather

REAL_MAX = 2**1023  # integers up to this convert to a double
#: Attributes of one data set stored as columns; the others are rows of ``extra_value``.
#: PostgreSQL allows 1,600 columns, 8 KB rows and 1,664 columns in a view (``runs`` shows
#: two or three per metric), so a set stays far below those.
MAX_SET_COLUMNS = 250
# Python types kerasprov's own attributes take, by column type (a bool is no epoch).
_FIXED_KINDS = {"integer": {int}, "real": {int, float}, "timestamp": {int, float}}
# Python types whose values a column of this lattice type stores as they are.
_NATIVE = {"real": {float}, "integer": {int}, "text": {str}, "boolean": {bool}}


@at_end(30)
def insert_sets(b: Batch) -> None:
    for set_tag, groups in b.rows_by_set.items():
        insert_set(b, set_tag, groups)


def insert_set(b: Batch, set_tag: str, groups: list) -> None:
    """Insert one set's rows, given as ``Group``s (one per event or run of events)."""
    be = b.be
    table = set_table(set_tag)
    attrs = b.attrs(set_tag)
    tables = b.tables()
    ddl = []
    if table in tables:
        existing = list(b.columns(table))
    else:
        ddl.append(f"CREATE TABLE {quote(table)} (run_id {be.sql_type('text')})")
        existing = ["run_id"]
    taken = set(existing)
    link_cols = []
    for group in groups:
        for col in group.links:
            if col not in taken and col not in link_cols:
                link_cols.append(col)
    for col in link_cols:
        ddl.append(f"ALTER TABLE {quote(table)} ADD COLUMN {quote(col)} {be.sql_type('text')}")
        taken.add(col)
    # Type every attribute over the whole batch before touching the table, a column at a
    # time (a million cells a second: the per-cell work is in C where it can be).
    order, values_of = gather(groups)
    # A name the database stores differently (PostgreSQL drops NUL characters) is the
    # attribute it is stored as: "a\x00" and "a" are one attribute there.
    order = fold_alike(set_tag, order, values_of, be.stored_text)
    order, overflow = _split(order, attrs)
    kinds_of: dict[str, set] = {}
    new_types: dict[str, str | None] = {}
    for name in order:
        fixed = BUILTIN_TYPES.get(name)  # exact: "Epoch" is a user attribute of its own
        start = attrs[name][1] if name in attrs else fixed
        kinds = set(map(type, values_of[name]))
        kinds.discard(type(None))
        kinds_of[name] = kinds
        new_types[name] = typ = _column_type(start, kinds, values_of[name])
        if fixed is not None and (typ != start or not kinds <= _FIXED_KINDS.get(start,
                                                                                 kinds)):
            # The schema (outbox/events.py) refuses these before; this holds for events
            # given straight to apply().
            raise InvalidEvent(f"set {set_tag!r}: {name!r} is an attribute kerasprov "
                               f"types itself ({start}); values of another type are "
                               "refused", field=name)
    changed_types, new_attrs, new_cols = [], [], []
    for name in order:
        typ = new_types[name] or "real"
        if name in attrs:
            col, old = attrs[name]
            if typ != old:
                changed_types.append((name, col, typ))
                attrs[name] = (col, typ)
        else:
            col = column_name(name, taken)
            taken.add(col)
            attrs[name] = (col, typ)
            new_attrs.append([set_tag, name, col, typ])
            new_cols.append(col)
            ddl.append(f"ALTER TABLE {quote(table)} ADD COLUMN {quote(col)} "
                       f"{be.sql_type(typ)}")
    be.insert("attribute", ["data_set_tag", "name", "column_name", "type"], ["text"] * 4,
              new_attrs)
    if ddl or changed_types:
        b.reshape()  # PostgreSQL cannot retype a column a view reads
        for stmt in ddl:
            be.execute(stmt)
        for name, col, typ in changed_types:
            be.alter_type(table, col, typ)
            be.execute("UPDATE attribute SET type = ? WHERE data_set_tag = ? AND name = ?",
                       [typ, set_tag, name])
        tables.add(table)
        b.cache.setdefault("columns", {})[table] = existing + link_cols + new_cols
    all_links = [c for c in be_cols_order(existing, link_cols) if c != "run_id"]
    names = list(order)
    columns = ["run_id"] + all_links + [attrs[n][0] for n in names]
    types = ["text"] * (1 + len(all_links)) + [attrs[n][1] for n in names]
    cols = [list(chain.from_iterable(repeat(g.run, g.n) for g in groups))]
    cols += [list(chain.from_iterable(repeat(g.links.get(c), g.n) for g in groups))
             for c in all_links]
    for n in names:
        typ = attrs[n][1]
        if typ == "timestamp":
            cols.append(_datetimes(values_of[n], kinds_of[n]))
        elif kinds_of[n] <= _NATIVE.get(typ, set()):
            cols.append(values_of[n])
        else:
            cols.append([convert(v, typ) for v in values_of[n]])
    if overflow:  # before the rows: it counts the rows each task has stored
        insert_extra(b, set_tag, table, groups, overflow, values_of)
    be.insert_columns(table, columns, types, cols)


def _split(order: list[str], attrs: dict) -> tuple[list[str], list[str]]:
    """The attributes stored as columns (those that are, kerasprov's own, and new ones while
    the set has room), and the others, in order."""
    room = MAX_SET_COLUMNS - len(attrs)
    wide, overflow = [], []
    for name in order:
        if name in attrs or name in BUILTIN_TYPES:
            wide.append(name)
        elif room > 0:
            wide.append(name)
            room -= 1
        else:
            overflow.append(name)
    return wide, overflow


def _datetimes(values: list, kinds: set) -> list:
    """POSIX seconds as naive UTC datetimes, converted in C (numpy) when all are numbers;
    a number outside the years 1-9999 (or NaN, inf) is stored as NULL."""
    if not kinds <= {int, float} or not values:
        return values
    import numpy as np
    seconds = np.array(values, dtype="float64")
    ok = (seconds > -6.2e10) & (seconds < 2.5e11)  # NaN compares False
    us = np.round(np.where(ok, seconds, 0.0) * 1e6).astype("int64").astype("datetime64[us]")
    return np.where(ok, us, np.datetime64("NaT"))


def _column_type(start: str | None, kinds: set, values: list) -> str | None:
    """The lattice type of a column that starts as ``start`` and receives ``values``."""
    if start == "timestamp":
        kinds = kinds - {int, float}  # numbers are POSIX seconds (a bool is no time)
        if not kinds:
            return start
    if kinds <= {float}:
        found = "real" if kinds else None
    elif kinds == {int}:
        ints = values if None not in values else [v for v in values if v is not None]
        lo, hi = min(ints), max(ints)
        found = "integer" if INT64[0] <= lo and hi <= INT64[1] else _wide_int(lo, hi)
    elif kinds == {int, float}:
        ints = [v for v in values if type(v) is int]
        found = widen("real", _wide_int(min(ints), max(ints)))
    elif kinds in ({bool}, {str}):
        found = "boolean" if kinds == {bool} else "text"
    else:  # mixed or nested values: one at a time
        found = None
        for v in values:
            if start == "timestamp" and type(v) in (int, float):
                continue
            found = widen(found, infer_type(v))
    return widen(start, found)


def _wide_int(lo: int, hi: int) -> str:
    """Integers beyond 64 bits are stored as doubles, or as text beyond a double's range
    (only from Python callers: decoding reads such literals as text already)."""
    return "real" if -REAL_MAX <= lo and hi <= REAL_MAX else "text"


def be_cols_order(existing, link_cols):
    """Task-id link columns present in the table, in table order."""
    cols = [c for c in existing if c.endswith("_task_id") or c == "run_id"]
    return cols + [c for c in link_cols if c not in cols]
