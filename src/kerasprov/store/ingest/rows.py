"""``rows`` events: rows of a data set, grouped per set (a run's consecutive rows with the
same links become one group), and read column by column when the set is written."""

from __future__ import annotations

from itertools import chain, repeat

from ...errors import InvalidEvent
from ..schema import task_column
from .batch import Batch, Group, on, text


@on("rows")
def collect_rows(b: Batch, ev: dict, ts) -> None:
    # A training sends one row per event: the set's links are worked out once per
    # (set, transformation, task), and a run's consecutive rows become one group.
    tail, rows = b.tail, ev["rows"]
    if tail is not None and type(rows) is list and len(rows) == 1 and \
            type(rows[0]) is dict and tail[0] == (ev["run"], ev["set"], ev["task"],
                                                  ev.get("transformation")) \
            and not ev.get("links"):
        group = tail[1]  # the same run, set and task as the last rows event: its row
        group.rows.append(rows[0])  # joins the group (the common case, made cheap)
        group.n += 1
        return
    b.tail = None
    given, tr, task, set_name = ev.get("links"), ev.get("transformation"), ev["task"], ev["set"]
    key = (set_name, tr, task) if not given and type(set_name) is str and \
        type(task) is str and (tr is None or type(tr) is str) else None
    known = b.links.get(key) if key is not None else None
    if known is None:
        set_tag = str(set_name).lower()
        links = {task_column(str(tr or "task")): str(task)}
        for col, linked in (given or {}).items():
            links[str(col)] = text(linked)
        known = (set_tag, links)
        if key is not None:
            b.links[key] = known
    set_tag, links = known
    rows, run = ev["rows"], ev["run"]
    if isinstance(rows, dict):  # columnar: {"columns": {name: [value, ...]}}
        columns = _columnar(rows, set_tag)
        n = len(next(iter(columns.values()))) if columns else 0
        if n:
            b.rows_by_set[set_tag].append(Group(run, links, n, columns))
        return
    if not (len(rows) == 1 and type(rows[0]) is dict or set(map(type, rows)) <= {dict}):
        raise InvalidEvent(f"rows of set {set_tag!r} must be JSON objects")
    if not rows:
        return
    groups = b.rows_by_set[set_tag]
    last = groups[-1] if groups else None
    if last is not None and last.links is links and last.run == run and \
            isinstance(last.rows, list):
        if not last.owned:  # a list of our own: the event's list is left as it was
            last.rows, last.owned = list(last.rows), True
        last.rows.extend(rows)
        last.n += len(rows)
        if key is not None:
            b.tail = ((run, set_name, task, tr), last)
    else:
        groups.append(Group(run, links, len(rows), rows))


def _columnar(rows: dict, set_tag: str) -> dict[str, list]:
    """The columns of a columnar ``rows`` payload, checked: names to equally long lists."""
    columns = rows.get("columns")
    if set(rows) != {"columns"} or not isinstance(columns, dict):
        raise InvalidEvent(f"rows of set {set_tag!r}: a columnar payload is "
                           '{"columns": {name: [value, ...]}}')
    if not all(isinstance(k, str) and isinstance(v, list) for k, v in columns.items()):
        raise InvalidEvent(f"rows of set {set_tag!r}: every column needs a name and a list")
    if len(set(map(len, columns.values()))) > 1:
        raise InvalidEvent(f"rows of set {set_tag!r}: columns differ in length")
    return columns


def gather(groups) -> tuple[list[str], dict[str, list]]:
    """Attribute names in first-seen order, and each one's values over all rows of
    ``groups`` in order (None where a row lacks it), a column at a time."""
    segments: list = []  # runs of row dicts (one list), or columnar dicts with their length
    for group in groups:
        if isinstance(group.rows, dict):
            segments.append((group.n, group.rows))
        elif segments and segments[-1][0] is None:
            segments[-1][1].extend(group.rows)
        else:
            segments.append((None, list(group.rows)))
    order: dict[str, None] = {}
    for n, seg in segments:
        order.update(dict.fromkeys(chain.from_iterable(seg) if n is None else seg))
    values_of = {}
    for name in order:
        parts = [list(map(dict.get, seg, repeat(name))) if n is None else
                 seg.get(name) or [None] * n for n, seg in segments]
        values_of[name] = parts[0] if len(parts) == 1 else list(chain.from_iterable(parts))
    return list(order), values_of


def fold_alike(set_tag: str, order: list[str], values_of: dict[str, list],
                stored) -> list[str]:
    """Names that ``stored`` maps alike become the one name it stores, their values merged
    (a row gives a value under one of them); a row with values under two is refused:
    keeping either would lose the other."""
    if all(stored(name) == name for name in order):
        return order
    folded: dict[str, str] = {}  # stored name -> the first name that stores as it
    values = {}
    for name in order:
        key = stored(name)
        if key not in folded:
            folded[key], values[key] = name, values_of[name]
            continue
        merged = values[key] = list(values[key])  # (never the event's own list)
        for i, v in enumerate(values_of[name]):
            if v is not None:
                if merged[i] is not None:
                    raise InvalidEvent(f"set {set_tag!r}: attribute names {folded[key]!r} and "
                                       f"{name!r} are one name in this store (it cannot hold "
                                       "NUL characters); a row with both is refused",
                                       field=name)
                merged[i] = v
    values_of.clear()
    values_of.update(values)
    return list(folded)
