"""A set's attributes beyond its columns (the store's long table ``extra_value``), put back
into the rows they belong to, so the PROV entities carry every attribute."""

from __future__ import annotations

from collections import Counter, defaultdict

EXTRA_TABLE = "extra_value"


def attach_extra(be, sets: dict[str, list[dict]], join: str, params: list) -> None:
    """Add to each row of ``sets`` (set tag -> rows as dicts, in export order) its long
    attributes: a row and its values share run, task and epoch, or run, task and the row's
    place among its task's rows (``row_no``) in a set without epochs.

    ``join`` restricts ``extra_value x`` to the exported runs (as for the sets' rows).
    """
    if not sets or EXTRA_TABLE not in be.table_names():
        return
    found: dict[tuple, dict] = defaultdict(dict)
    for set_tag, run, task, epoch, row_no, name, value, text in be.fetchall(
            "SELECT x.data_set_tag, x.run_id, x.task_id, x.epoch, x.row_no, x.name, x.value, "
            f"x.text_value FROM {EXTRA_TABLE} x {join} ORDER BY x.name, 1, 2, 3 NULLS LAST, "
            "4 NULLS LAST, 5 NULLS LAST, 7 NULLS LAST, 8 NULLS LAST", list(params)):
        place = epoch if epoch is not None else ("row", row_no)
        found[(set_tag, run, task, place)][name] = value if value is not None else text
    if not found:
        return
    for set_tag, rows in sets.items():
        seen: Counter = Counter()
        for row in rows:
            link = next((c for c in row if c.endswith("_task_id")), None)
            task = row.get(link) if link else None
            nth = seen[(row.get("run_id"), task)]
            seen[(row.get("run_id"), task)] += 1
            epoch = row.get("epoch")
            place = epoch if epoch is not None else ("row", nth)
            for name, value in found.get((set_tag, row.get("run_id"), task, place), {}).items():
                key = name
                while key in row:  # a column of that name: the attribute keeps its own
                    key = "extra_" + key
                row[key] = value
