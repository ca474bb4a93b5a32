"""The runs page (``/``): every run, filtered, sorted and paged by ``Store.runs_table``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ...errors import InvalidArgument
from .common import as_json, ask, now_utc, page, parse_ts

router = APIRouter()


def _flag(name: str, text: str | None) -> bool | None:
    if text is None:
        return None
    if text.lower() in ("1", "true", "yes", "on"):
        return True
    if text.lower() in ("0", "false", "no", "off", ""):
        return False
    raise InvalidArgument(f"runs_table: argument {name}: Input should be a valid boolean; "
                          f"received {text[:80]!r}", field=name, bound="bool_type")


def _whole(name: str, text: str | None, default: int):
    """A whole number from the query string; anything else goes on to the declaration's
    check (which names the argument and its bound)."""
    if text is None or text == "":
        return default
    try:
        return int(text)
    except ValueError:
        return text


def runs_context(request: Request) -> dict:
    """The query string (``dataflow``, ``status``, ``hp.<column>=<filter>``, ``sort``,
    ``desc``, ``page``, ``per_page``) as ``Store.runs_table`` arguments, and its answer."""
    params = request.query_params
    filters = {k[3:]: v for k, v in params.items() if k.startswith("hp.")}
    ctx = ask(request, "runs_table", dataflow=params.get("dataflow") or None,
              status=params.get("status") or None, filters=filters,
              sort=params.get("sort") or "start_time", desc=_flag("desc", params.get("desc")),
              page=_whole("page", params.get("page"), 1),
              per_page=_whole("per_page", params.get("per_page"), 50))
    now = now_utc()
    for r in ctx["rows"]:  # a running run's duration so far, as of this page
        if r.get("status") == "running" and r.get("duration_s") is None:
            start = parse_ts(r.get("start_time"))
            r["duration_s"] = (now - start).total_seconds() if start else None
    return {"title": "Runs", **ctx}


def _chart_choices(ctx: dict) -> dict:
    """What the runs page's charts offer: a metric's curves (train and validation share
    one chart), and a hyperparameter (or varying input) against a final metric."""
    metrics = ctx["metrics"]
    curve = [m[5:] for m in metrics if m.startswith("last_") and not m.startswith("last_val_")]
    curve.sort(key=lambda m: m != "loss")  # the one metric every run has, first
    best = next((m for m in ("best_val_accuracy", "best_val_loss", "test_accuracy")
                 if m in metrics), metrics[0] if metrics else "")
    return {"curve_metrics": curve or ["loss"], "scatter_x": [*ctx["varying"],
                                                             *ctx["hyperparameters"]],
            "scatter_y": best,
            "scatter_x_default": "learning_rate" if "learning_rate" in ctx["hyperparameters"]
            else next(iter([*ctx["varying"], *ctx["hyperparameters"]]), "")}


@router.get("/.json")
def runs_json(request: Request):
    return as_json(runs_context(request))


@router.get("/", response_class=HTMLResponse)
def runs_page(request: Request):
    ctx = runs_context(request)
    ctx["query"] = dict(request.query_params)
    ctx.update(_chart_choices(ctx))
    return page(request, "runs.html", ctx)
