"""A store's answers as the exporters need them, checked: an ``http://`` store's answers
come from a server, which may be broken or hostile, so a missing section or a row of the
wrong shape is one ``MalformedAnswer``, never a KeyError deep in an exporter."""

from __future__ import annotations

import pandas as pd

from ..errors import MalformedAnswer

RUN_NEEDS = ("run", "execution", "files")


def run_sections(store, run_id: str, needs: tuple[str, ...] = RUN_NEEDS) -> dict:
    """``store.run(run_id)`` with the sections ``needs`` present as DataFrames and its
    ``execution`` holding the run's one row."""
    sections = store.run(run_id)
    where = f"the store's answer for run {run_id!r}"
    if not isinstance(sections, dict):
        raise MalformedAnswer(f"{where} is not a set of sections")
    for name in needs:
        if not isinstance(sections.get(name), pd.DataFrame):
            raise MalformedAnswer(f"{where} lacks its {name!r} section")
    for name, df in sections.items():
        if not isinstance(name, str) or not isinstance(df, pd.DataFrame):
            raise MalformedAnswer(f"{where} has a section that is not a table")
    if "execution" in needs and len(sections["execution"]) != 1:
        raise MalformedAnswer(f"{where} has {len(sections['execution'])} execution rows, "
                              "not one")
    return sections


def field_text(value) -> str | None:
    """A string field of an answer's row, or None when it is anything else."""
    return value if isinstance(value, str) and value else None


def field_int(value) -> int | None:
    """A whole-number field of an answer's row (not a bool), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if isinstance(value, int) else None


__all__ = ["RUN_NEEDS", "field_int", "field_text", "run_sections"]
