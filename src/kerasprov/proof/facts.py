"""A run's canonical facts: one form, computed from captured events (in the trainer, on the
writer thread) and from store rows (in a reader), so a signed digest of one can be checked
against the other.

The facts are every data-set row of the run (hyperparameters, layers, each epoch's metrics
and learning rate, adaptations, tests, data fingerprints, user transformations' inputs and
outputs) and every file it used or generated (path, role, kind, size, sha256, epoch). Left
out is what a store cannot keep exactly: the ``timestamp`` attribute (stored to the
microsecond) and the task-id link columns (structure, not values).

A value is put in one form whatever column type the store gave it (a column widens when
another run writes a string into it): numbers as their shortest decimal text (``1`` and
``1.0`` alike), booleans as ``true``/``false``, objects and lists as sorted JSON text, a text
that reads as a number as that number. NULL (a row without the attribute) is left out.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable

#: Attributes a store cannot hold exactly as the event had them.
LEFT_OUT = frozenset({"timestamp"})
#: Data sets people know by another name (the run page's sections).
SET_NAMES = {"itrainingmodel": "hyperparameters", "itrainingconfig": "config",
             "ilayers": "layers", "otrainingmodel": "epochs", "oadaptation": "adaptations",
             "otestingmodel": "tests"}
FILE_FIELDS = ("path", "role", "kind", "size", "sha256", "epoch")
_NUMBER = re.compile(r"^-?(\d+\.?\d*([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?|inf|nan)$")


def value(v: object) -> str | None:
    """One attribute value in its canonical text form (None: left out)."""
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return _number(v)
    if isinstance(v, str):
        return _number(_as_number(v)) if _NUMBER.match(v) and _is_number_text(v) else v
    if isinstance(v, (dict, list, tuple)):
        return json.dumps(v, sort_keys=True, default=str)
    return str(v)


def _is_number_text(text: str) -> bool:
    """Whether ``text`` is how a store writes a number into a text column (``convert``):
    ``"1.5"`` is, ``"0000"`` (a digest, a code) is not."""
    try:
        return text == str(int(text))
    except ValueError:
        try:
            return text == repr(float(text)) or text == str(float(text))
        except ValueError:
            return False


def _as_number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        return float(text)


def _number(v: int | float) -> str:
    if isinstance(v, int) and abs(v) < 2**53:
        return str(v)
    f = float(v)
    if not math.isfinite(f):
        return "nan" if f != f else ("inf" if f > 0 else "-inf")
    if f.is_integer() and abs(f) < 2**53:
        return str(int(f))
    return repr(f)


def row(attrs: dict) -> dict[str, str]:
    """A data-set row in canonical form."""
    out = {}
    for name, v in attrs.items():
        if name in LEFT_OUT or name.endswith("_task_id") or name == "run_id":
            continue
        text = value(v)
        if text is not None:
            out[str(name)] = text
    return out


def canonical(sets: dict[str, Iterable[dict]], files: Iterable[dict]) -> dict:
    """The facts of one run: ``{"sets": {tag: [row, ...]}, "files": [file, ...]}``, rows
    and files in a fixed order (their JSON text), empty sets left out."""
    out_sets = {}
    for tag, rows in sets.items():
        canon = [r for r in (row(r) for r in rows) if r]
        if canon:
            out_sets[str(tag).lower()] = sorted(canon, key=_key)
    out_files = sorted(({k: value(f.get(k)) for k in FILE_FIELDS
                         if value(f.get(k)) is not None} for f in files), key=_key)
    return {"sets": dict(sorted(out_sets.items())), "files": out_files}


def _key(obj: dict) -> str:
    return json.dumps(obj, sort_keys=True)


def encode(facts: dict) -> bytes:
    """The bytes the facts digest is taken of."""
    return json.dumps(facts, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=True).encode("ascii")


def digest(facts: dict) -> str:
    return hashlib.sha256(encode(facts)).hexdigest()


class FromEvents:
    """Collects a run's facts from its events as the writer writes them."""

    def __init__(self):
        self.sets: dict[str, list[dict]] = defaultdict(list)
        self.files: list[dict] = []

    def add(self, event: dict) -> None:
        kind = event.get("type")
        if kind == "rows":
            rows = event.get("rows")
            tag = str(event.get("set", "")).lower()
            if isinstance(rows, dict):  # columnar
                columns = rows.get("columns") or {}
                n = len(next(iter(columns.values()))) if columns else 0
                self.sets[tag].extend({k: col[i] for k, col in columns.items()}
                                      for i in range(n))
            elif isinstance(rows, list):
                self.sets[tag].extend(r for r in rows if isinstance(r, dict))
        elif kind == "file":
            self.files.append({k: event.get(k) for k in FILE_FIELDS})

    def facts(self) -> dict:
        return canonical(self.sets, self.files)


# -- naming what differs ------------------------------------------------------------------
def differences(signed: dict, stored: dict) -> list[str]:
    """One line per difference between the signed facts and the store's, naming the
    table, the field and the epoch (or the file)."""
    problems = []
    sets_a, sets_b = signed.get("sets", {}), stored.get("sets", {})
    for tag in sorted(set(sets_a) | set(sets_b)):
        problems += _set_differences(tag, sets_a.get(tag, []), sets_b.get(tag, []))
    problems += _file_differences(signed.get("files", []), stored.get("files", []))
    return problems


def _label(tag: str) -> str:
    name = SET_NAMES.get(tag)
    return f"ds_{tag} ({name})" if name else f"ds_{tag}"


def _set_differences(tag: str, signed: list[dict], stored: list[dict]) -> list[str]:
    where = _label(tag)
    if all("epoch" in r for r in signed + stored) and signed + stored:
        a, b = _by(signed, "epoch"), _by(stored, "epoch")
        keys = sorted(set(a) | set(b), key=lambda k: (float(k[0]), k[1]))
        name = lambda k: f"epoch {k[0]}" + (f" (row {k[1] + 1})" if k[1] else "")  # noqa: E731
    else:
        a = {("", i): r for i, r in enumerate(signed)}
        b = {("", i): r for i, r in enumerate(stored)}
        if len(signed) != len(stored):
            return [f"{where}: the store has {len(stored)} row(s), the signed facts "
                    f"{len(signed)}"]
        keys = sorted(set(a) | set(b))
        name = lambda k: f"row {k[1] + 1}" if len(a) > 1 else ""  # noqa: E731
    out = []
    for k in keys:
        at = f"{where}, {name(k)}".rstrip(", ")
        if k not in b:
            out.append(f"{at}: signed but missing from the store")
        elif k not in a:
            out.append(f"{at}: in the store but not in the signed facts")
        else:
            for field in sorted(set(a[k]) | set(b[k])):
                va, vb = a[k].get(field), b[k].get(field)
                if va != vb:
                    out.append(f"{at}: {field} in the store ({_show(vb)}) differs from the "
                               f"signed value ({_show(va)})")
    return out


def _by(rows: list[dict], field: str) -> dict[tuple, dict]:
    out, seen = {}, defaultdict(int)
    for r in rows:
        k = r[field]
        out[(k, seen[k])] = r
        seen[k] += 1
    return out


def _file_differences(signed: list[dict], stored: list[dict]) -> list[str]:
    def keyed(files):
        out, seen = {}, defaultdict(int)
        for f in files:
            k = (f.get("path"), f.get("role"), f.get("epoch"))
            out[(*k, seen[k])] = f
            seen[k] += 1
        return out
    a, b = keyed(signed), keyed(stored)
    out = []
    for k in sorted(set(a) | set(b), key=lambda k: tuple(str(x) for x in k)):
        path, role = k[0], k[1]
        at = f"file {path} ({role}" + (f", epoch {k[2]}" if k[2] is not None else "") + ")"
        if k not in b:
            out.append(f"{at}: signed but missing from the store")
        elif k not in a:
            out.append(f"{at}: in the store but not in the signed facts")
        else:
            for field in FILE_FIELDS:
                if a[k].get(field) != b[k].get(field):
                    out.append(f"{at}: {field} in the store ({_show(b[k].get(field))}) "
                               f"differs from the signed value ({_show(a[k].get(field))})")
    return out


def _show(v: str | None) -> str:
    if v is None:
        return "absent"
    return v if len(v) <= 70 else v[:67] + "..."
