"""Dimension rows (dataflow, transformations, sets, their links): noted while the events
are read, looked up and inserted in bulk at the end of the batch."""

from __future__ import annotations

import time

from ..schema import quote, to_datetime
from .batch import Batch, at_end

#: Dimension tables: key columns, other columns, and the lattice types of both.
DIMS = {
    "dataflow": (["tag"], ["created_at"], ["text", "timestamp"]),
    "data_transformation": (["dataflow_tag", "tag"], [], ["text"] * 2),
    "data_set": (["dataflow_tag", "tag"], [], ["text"] * 2),
    "data_transformation_io": (["dataflow_tag", "transformation_tag", "data_set_tag", "role"],
                               [], ["text"] * 4),
}


def need(b: Batch, table: str, key: tuple, extra: list | None = None) -> None:
    """This dimension row must exist by the end of the batch (looked up in bulk)."""
    if (table, *key) not in b.present:
        b.pending.setdefault(table, {}).setdefault(key, extra or [])

@at_end(20)
def flush_dims(b: Batch) -> None:
    """Insert the dimension rows this batch needs and the store lacks: one look-up and
    one insert per table, not per row."""
    pending, b.pending = b.pending, {}
    for table, rows in list(pending.items()):
        if any("\x00" in v for key in rows for v in key):
            # PostgreSQL drops NUL characters from text: let the database compare.
            keys, extra_cols, _ = DIMS[table]
            for key, extra in rows.items():
                insert_missing(b, table, keys, list(key), extra, extra_cols)
            del pending[table]
    if not pending:
        return
    dims_of = b.cache.setdefault("dims_of", set())
    ask = {table: rows for table, rows in pending.items()
           if any((table, key[0]) not in dims_of for key in rows)}
    if ask:  # dataflows whose rows were not looked up with the batch's first look-up
        b.present.update(dims_present(b, ask))
        dims_of.update((table, key[0]) for table, rows in ask.items() for key in rows)
    for table, rows in pending.items():
        keys, extra_cols, types = DIMS[table]
        b.be.insert(table, keys + extra_cols, types,
                       [list(key) + extra for key, extra in rows.items()
                        if (table, *key) not in b.present])
        b.present.update((table, *key) for key in rows)

def dims_present(b: Batch, pending: dict[str, dict[tuple, list]]) -> set[tuple]:
    """``(table, *key)`` of the existing rows of the dimension tables in ``pending``,
    for the dataflows it names: one look-up for all the tables."""
    be = b.be
    text = be.sql_type("text")
    parts: list[tuple[str, list]] = []
    for table, rows in pending.items():
        keys = DIMS[table][0]
        cols = ", ".join([quote(k) for k in keys] +
                         [f"CAST(NULL AS {text})"] * (4 - len(keys)))
        tags = sorted({k[0] for k in rows})
        for i in range(0, len(tags), 250):
            in_tags, params = be.in_list(tags[i:i + 250])
            parts.append((f"SELECT '{table}', {cols} FROM {quote(table)} "
                          f"WHERE {quote(keys[0])} IN {in_tags}", params))
    found = set()
    for i in range(0, len(parts), 4):  # statements of bounded size
        chunk = parts[i:i + 4]
        for row in be.fetchall(" UNION ALL ".join(sql for sql, _ in chunk),
                               [v for _, params in chunk for v in params]):
            found.add((row[0], *row[1:1 + len(DIMS[row[0]][0])]))
    return found

def insert_missing(b: Batch, table, keys, values, extra=(), extra_cols=()) -> None:
    key = (table, *values)
    if key in b.present:
        return
    b.present.add(key)
    cond = " AND ".join(f"{quote(k)} = ?" for k in keys)
    if b.be.fetchall(f"SELECT 1 FROM {table} WHERE {cond}", values):
        return
    cols = ", ".join(quote(c) for c in list(keys) + list(extra_cols))
    marks = ", ".join("?" for _ in list(keys) + list(extra_cols))
    b.be.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})",
                    list(values) + list(extra))


def retag(b: Batch, run: str, old: str, new: str) -> None:
    """A run that began with user transformations joins the dataflow of its fit."""
    be = b.be
    flush_dims(b)  # what this batch added so far is read below
    b.present.clear()  # rows are deleted below
    b.cache.pop("dims_of", None)
    insert_missing(b, "dataflow", ["tag"], [new], extra=[to_datetime(time.time())],
                         extra_cols=["created_at"])
    moved = [r[0] for r in be.fetchall(
        "SELECT DISTINCT transformation_tag FROM task WHERE run_id = ?", [run])]
    be.execute("UPDATE task SET dataflow_tag = ? WHERE run_id = ?", [new, run])
    for tr in moved:
        insert_missing(b, "data_transformation", ["dataflow_tag", "tag"], [new, tr])
        for set_tag, role in be.fetchall(
                "SELECT data_set_tag, role FROM data_transformation_io WHERE "
                "dataflow_tag = ? AND transformation_tag = ?", [old, tr]):
            insert_missing(b, "data_set", ["dataflow_tag", "tag"], [new, set_tag])
            insert_missing(b,
                "data_transformation_io",
                ["dataflow_tag", "transformation_tag", "data_set_tag", "role"],
                [new, tr, set_tag, role])
        if not be.fetchall("SELECT 1 FROM task WHERE dataflow_tag = ? AND "
                           "transformation_tag = ?", [old, tr]):
            for table, col in (("data_transformation_io", "transformation_tag"),
                               ("data_transformation", "tag")):
                be.execute(f"DELETE FROM {table} WHERE dataflow_tag = ? AND {col} = ?",
                           [old, tr])
    be.execute("UPDATE execution SET dataflow_tag = ? WHERE run_id = ?", [new, run])
    if not be.fetchall("SELECT 1 FROM execution WHERE dataflow_tag = ?", [old]):
        for table, col in (("data_set", "dataflow_tag"), ("data_transformation_io",
                                                           "dataflow_tag"),
                           ("data_transformation", "dataflow_tag"), ("dataflow", "tag")):
            be.execute(f"DELETE FROM {table} WHERE {col} = ?", [old])
