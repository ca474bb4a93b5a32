"""Rows of a KerasTuner search's data sets, built from KerasTuner's own objects
(``tuner.py`` decides when each is recorded)."""

from __future__ import annotations

import json

from .values import jsonable


def space_row(hp) -> dict:
    cfg = hp.get_config()
    row = {"name": str(cfg.get("name")), "type": type(hp).__name__,
           "default": json.dumps(jsonable(cfg.get("default")))}
    for key in ("min_value", "max_value", "step"):
        if cfg.get(key) is not None:
            row[key] = float(cfg[key])
    if cfg.get("sampling") is not None:
        row["sampling"] = str(cfg["sampling"])
    if "values" in cfg:
        row["choices"] = json.dumps([jsonable(v) for v in cfg["values"]])
        row["ordered"] = bool(cfg.get("ordered"))
    if cfg.get("value") is not None:  # Fixed
        row["choices"] = json.dumps([jsonable(cfg["value"])])
    if cfg.get("conditions"):
        row["conditions"] = json.dumps(cfg["conditions"], default=str)
    return row


def best_metrics(trial) -> str | None:
    try:
        names = list(trial.metrics.metrics)
        best = {n: number(trial.metrics.get_best_value(n)) for n in names}
        return json.dumps(best, sort_keys=True) if best else None
    except Exception:
        return None


def number(value):
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def integer(value):
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


def error_text(error: BaseException | None) -> str | None:
    return None if error is None else f"{type(error).__name__}: {error}"[:10_000]
