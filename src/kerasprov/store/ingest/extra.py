"""Attributes beyond a set's column budget: rows of the long table ``extra_value``.

One row per (row of the set, attribute) with a value: ``run_id``, ``data_set_tag``,
``task_id`` (the task the row's link names), ``epoch`` (the row's, where it has one),
``row_no`` (the row's place among the rows its task stored in that set, from 0), ``name``,
and the value: ``value`` for numbers (and booleans as 0/1), ``text_value`` for the rest.
A row of the set and its extra values share (run_id, task, epoch), or (run_id, task,
row_no) in a set without epochs. No DDL: a new name is a new value of ``name``, so a run
with thousands of metrics keeps them all, and a later run with one more is stored whole.
"""

from __future__ import annotations

from ..schema import convert, quote
from .batch import Batch, Group

EXTRA_TABLE = "extra_value"
EXTRA_COLS = ["run_id", "data_set_tag", "task_id", "epoch", "row_no", "name", "value",
              "text_value"]
EXTRA_TYPES = ["text", "text", "text", "integer", "integer", "text", "real", "text"]
_EXACT = 2**53  # integers a double holds exactly; larger ones are kept as text


def split_value(value) -> tuple[float | None, str | None]:
    """A JSON value as (number, text): one of them is None."""
    if isinstance(value, bool):
        return float(value), None
    if isinstance(value, float) or (isinstance(value, int) and -_EXACT <= value <= _EXACT):
        return float(value), None
    return None, convert(value, "text")


def insert_extra(b: Batch, set_tag: str, table: str, groups: list[Group], names: list[str],
                 values_of: dict[str, list]) -> None:
    """Insert the values of ``names`` (attributes the set keeps no column for) of the rows
    of ``groups``; called before the set's own rows are inserted."""
    be = b.be
    known = b.cache.get("extra_sets")
    if known is None:
        known = b.cache["extra_sets"] = {r[0] for r in be.fetchall(
            f"SELECT DISTINCT data_set_tag FROM {EXTRA_TABLE}")}
    if set_tag not in known:  # the views show a set's extra values once it has some
        b.reshape()
        known.add(set_tag)
    epochs = values_of.get("epoch")
    stored: dict[tuple, int] = {}  # (run, link column, task) -> rows before this one
    out = []
    i = 0
    for g in groups:
        col, task = next(iter(g.links.items()))
        key = (g.run, col, task)
        if key not in stored:
            stored[key] = be.fetchall(f"SELECT COUNT(*) FROM {quote(table)} WHERE run_id = ? "
                                      f"AND {quote(col)} = ?", [g.run, task])[0][0]
        first = stored[key]
        stored[key] += g.n
        for j in range(g.n):
            epoch = epochs[i + j] if epochs is not None else None
            epoch = epoch if type(epoch) is int else None
            for name in names:
                value = values_of[name][i + j]
                if value is None:
                    continue
                number, text = split_value(value)
                out.append([g.run, set_tag, task, epoch, first + j, name, number, text])
        i += g.n
    be.insert(EXTRA_TABLE, EXTRA_COLS, EXTRA_TYPES, out)
