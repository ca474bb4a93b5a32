"""What every page family shares: the template environment, rendering, JSON twins, and
``ask``, the one way a page gets its data (a declared Store read method).

Everything a user's script produced (hyperparameter names, layer names, paths...) is data:
templates autoescape, the graph SVG is drawn by a template from a layout dict, and charts
receive names through JSON and show them as text.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote as quote_url

import jinja2
from fastapi import Body, Request
from fastapi.responses import HTMLResponse, JSONResponse

from ..api import ask as api_ask

SERVER = Path(__file__).resolve().parent.parent
STATIC = SERVER / "static"
_env = jinja2.Environment(loader=jinja2.FileSystemLoader(SERVER / "templates"),
                          autoescape=True, undefined=jinja2.StrictUndefined)
JsonBody = Annotated[dict, Body()]


def ask(request: Request, method: str, *args, **kwargs) -> Any:
    """The answer of the declared read ``method`` (query/surface.py): a page only renders
    what a Store method returns, checked and bounded as on every other entry."""
    return api_ask(request, method, *args, **kwargs)


def whole_epochs(rows: list[dict]) -> list[dict]:
    """Epochs are counts: a column that held a NULL came back as floats ("epoch 9.0")."""
    for r in rows:
        for k, v in r.items():
            if (k == "epoch" or k.endswith("_epoch")) and isinstance(v, float) \
                    and v.is_integer():
                r[k] = int(v)
    return rows


def short_sha(v: Any) -> str | None:
    """The first 12 hex digits of a sha256: enough to tell files apart on a page."""
    return str(v)[:12] if v else None


def readable_size(v: Any) -> str:
    if not isinstance(v, (int, float)) or isinstance(v, bool):
        return "—"
    for unit in ("B", "KB", "MB", "GB"):
        if abs(v) < 1024 or unit == "GB":
            return f"{v:.0f} {unit}" if unit == "B" else f"{v:.1f} {unit}"
        v /= 1024
    return str(v)


def page(request: Request, template: str, ctx: dict) -> HTMLResponse:
    """Render a page; its data also goes into the page as JSON for the page's script."""
    url = request.url
    # Re-encode the decoded path: a run id or tag may hold '%', '?', '#', spaces, quotes.
    path = quote_url(request.scope["path"].rstrip("/") or "/", safe="/")
    json_url = path + ".json" + (f"?{url.query}" if url.query else "")
    policy = getattr(request.app.state, "security", None)
    signed_in = policy is not None and policy.signed_in(request.cookies)
    return HTMLResponse(_env.get_template(template).render(
        ctx=ctx, json_url=json_url, signed_in=signed_in, **ctx))


_ERROR_TITLES = {400: "Bad request", 401: "Sign-in needed", 403: "Not allowed",
                 404: "Not found", 409: "Conflict", 413: "Too large", 422: "Invalid request",
                 429: "Too many requests", 500: "Internal error", 503: "Busy"}


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """The HTML twin of the JSON error envelope: the message, the navigation, a way back."""
    title = _ERROR_TITLES.get(status, "Error")
    resp = page(request, "error.html", {"title": title, "status": status, "error": message,
                                         "path": request.url.path})
    resp.status_code = status
    return resp


def render(template: str, **ctx) -> str:
    return _env.get_template(template).render(**ctx)


def as_json(ctx: dict) -> JSONResponse:
    return JSONResponse({"ok": True, **ctx})


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def parse_ts(v: Any) -> dt.datetime | None:
    if not v:
        return None
    try:
        return dt.datetime.fromisoformat(str(v))
    except ValueError:
        return None


def _fmt(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


def _dur(v: Any) -> str:
    if not isinstance(v, (int, float)) or isinstance(v, bool):
        return "—"
    if v < 60:
        return f"{v:.1f} s"
    m, s = divmod(int(v), 60)
    return f"{m // 60}h {m % 60:02d}m" if m >= 60 else f"{m}m {s:02d}s"


def _qs(query: dict, **changes: Any) -> str:
    """This page's query string with some parameters changed (sort links, pager)."""
    from urllib.parse import urlencode
    merged = {**{k: v for k, v in query.items() if v != ""}, **changes}
    return "?" + urlencode({k: v for k, v in merged.items() if v is not None})


_env.filters.update(fmt=_fmt, dur=_dur, size=readable_size, sha=short_sha,
                    basename=lambda p: str(p or "").replace("\\", "/").rsplit("/", 1)[-1],
                    pretty=lambda v: json.dumps(v, indent=2, ensure_ascii=False, default=str))
_env.globals["qs"] = _qs
