"""The FastAPI application behind ``kerasprov ui`` and ``kerasprov serve``.

One JSON envelope for every answer: success ``{"ok": true, ...}``, failure
``{"ok": false, "error": "...", "status": N}``. The HTTP status lives on the exception class
(``kerasprov.errors``). Routers: ``api.py`` (event ingest + JSON query API, issue #6) and
``pages.py`` (HTML pages and their ``.json`` twins, issue #5).
"""

from __future__ import annotations

import html
import urllib.parse
from collections.abc import Iterable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import BadRequest, KerasProvError
from .security import (
    LOOPBACK_NAMES,
    SESSION_COOKIE,
    Policy,
    SecurityMiddleware,
    add_headers,
    client_address,
    too_many,
)


def envelope_error(status: int, message: str, **extra) -> JSONResponse:
    return JSONResponse({"ok": False, "error": message, "status": status, **extra},
                        status_code=status)


def wants_page(request: Request) -> bool:
    """A browser navigating to a page gets an HTML error page; programs keep the envelope.

    Datasette's rule: ``.json`` (and ``.csv``, ``.svg``) URLs and the API always answer
    JSON; elsewhere an ``Accept`` that names ``text/html`` (what a browser sends when it
    navigates, never what ``fetch``, httpx or curl send by default) asks for a page.
    """
    path = request.url.path
    if path.startswith("/api/") or path.rsplit("/", 1)[-1].endswith((".json", ".csv", ".svg")):
        return False
    return "text/html" in request.headers.get("accept", "")


def error_answer(request: Request, status: int, message: str, **extra) -> Response:
    if wants_page(request):
        from .pages.common import error_page
        try:
            return error_page(request, status, message)
        except Exception:  # noqa: BLE001 - the page itself broke: the envelope still answers
            pass
    return envelope_error(status, message, **extra)


_LOGIN_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>kerasprov</title>
<link rel="stylesheet" href="/static/ui.css"></head><body><main>
<h1>kerasprov</h1><p>This server needs its token.</p>{error}
<form method="post" action="/login"><input type="password" name="token" autofocus>
<button type="submit">Open</button></form></main></body></html>"""


def create_app(store_spec: str | None = None, token: str | None = None,
               max_body: int = 16 * 1024 * 1024, *, ingest: bool = False,
               hosts: Iterable[str] | None = None, create: bool = True) -> FastAPI:
    """Build the app over one store.

    Args:
        store_spec: store directory or postgresql:// URL (default: the configured store).
        token: when set, every request must carry ``Authorization: Bearer <token>`` or the
            session cookie that ``POST /login`` gives for it.
        max_body: largest request body accepted, in bytes (413 beyond).
        ingest: serve ``POST /api/events`` and ``/api/heartbeat`` (``kerasprov serve``).
            Off for the viewer (``kerasprov ui``): no web page can write to its store.
        hosts: the host names the server answers to (``Host`` header, any port;
            ``security.allowed_hosts`` builds them from the bind address and
            ``--allow-host``). Default: the loopback names only.
        create: make the store where there is none; ``kerasprov ui`` (a reader) passes
            False and gets ``NoStore`` for a store that is not there.
    """
    from ..query.api import open_store

    app = FastAPI(title="kerasprov", docs_url=None, redoc_url=None)
    app.state.store = open_store(store_spec, create=create)
    if not app.state.store.kind.sql:
        raise BadRequest("the app serves a store directory or a postgresql:// or monetdb:// "
                         f"database, not another server ({app.state.store.spec})")
    # A request never opens a file by the name it carries: lineage resolves what was recorded.
    app.state.store.local_files = False
    app.state.token = token
    app.state.max_body = max_body
    policy = Policy(hosts=frozenset(hosts) if hosts is not None else frozenset(LOOPBACK_NAMES),
                    token=token, max_body=max_body)
    app.state.security = policy
    app.add_middleware(SecurityMiddleware, policy=policy)

    @app.exception_handler(KerasProvError)
    async def on_error(request: Request, exc: KerasProvError):
        return error_answer(request, exc.status, exc.message,
                            **{k: v for k, v in exc.details.items()
                                 if isinstance(v, (str, int, float, bool))})

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException):
        message = str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"no page at {request.url.path}"
        return error_answer(request, exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def on_validation(request: Request, exc: RequestValidationError):
        errors = exc.errors()
        where = errors[0].get("loc") if errors else None  # named, as the declared reads do
        return error_answer(request, 422, "invalid request: " + "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', []))}: {e.get('msg')}"
            for e in errors), **({"field": str(where[-1])} if where else {}))

    @app.exception_handler(Exception)
    async def on_crash(request: Request, exc: Exception):
        # Starlette answers this one outside every middleware: the headers go on here.
        return add_headers(error_answer(request, 500,
                                        f"internal error: {type(exc).__name__}"))

    @app.get("/login", include_in_schema=False)
    async def login_form():
        return HTMLResponse(_LOGIN_PAGE.format(error=""))

    @app.post("/login", include_in_schema=False)
    async def login(request: Request):
        """Browsers cannot send a bearer header: a right token gives a signed session cookie.

        Failed attempts count per client address; past the limit every attempt gets 429.
        """
        client = client_address(request.scope)
        page = "text/html" in request.headers.get("accept", "")
        wait = policy.limiter.retry_after(client)
        if wait > 0:
            return too_many(wait, page)
        body = await request.body()
        form = urllib.parse.parse_qs(body[:4096].decode("utf-8", "replace"))
        given = (form.get("token") or [""])[0]
        if not policy.token_matches(given):
            policy.limiter.fail(client)
            if page:
                return HTMLResponse(_LOGIN_PAGE.format(error=(
                    f'<p class="error">{html.escape("wrong token")}</p>')), status_code=401)
            return envelope_error(401, "wrong token")
        resp = RedirectResponse("/", status_code=303)
        resp.set_cookie(SESSION_COOKIE, policy.sessions.issue(), httponly=True,
                        samesite="strict", path="/", max_age=int(policy.sessions.max_age_s))
        return resp

    @app.post("/logout", include_in_schema=False)
    async def logout(request: Request):
        """Sign this browser out: its session id is revoked, its cookie cleared, and the
        next page asks for the token again. Same-origin only, like every write."""
        policy.sessions.revoke(request.cookies.get(SESSION_COOKIE))
        resp = RedirectResponse("/login", status_code=303)
        resp.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
        return resp

    from .api import ingest_router
    from .api import router as api_router
    from .pages import router as pages_router
    from .store_api import router as store_router
    if ingest:
        app.include_router(ingest_router)
    app.include_router(api_router)
    app.include_router(store_router)
    app.include_router(pages_router)
    return app
