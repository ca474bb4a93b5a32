"""The FastAPI application behind ``kerasprov ui`` and ``kerasprov serve``.

One JSON envelope for every answer: success ``{"ok": true, ...}``, failure
``{"ok": false, "error": "...", "status": N}``. The HTTP status lives on the exception class
(``kerasprov.errors``). Routers: ``api.py`` (event ingest + JSON query API, issue #6) and
``pages.py`` (HTML pages and their ``.json`` twins, issue #5).
"""

from __future__ import annotations

import hmac
import urllib.parse

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import KerasProvError


def envelope_error(status: int, message: str, **extra) -> JSONResponse:
    return JSONResponse({"ok": False, "error": message, "status": status, **extra},
                        status_code=status)


COOKIE = "kerasprov_token"
_LOGIN_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>kerasprov</title>
<link rel="stylesheet" href="/static/ui.css"></head><body><main>
<h1>kerasprov</h1><p>This server needs its token.</p>
<form method="post" action="/login"><input type="password" name="token" autofocus>
<button type="submit">Open</button></form></main></body></html>"""


def _authorized(request: Request, token: str) -> bool:
    """The bearer header (programs) or the login cookie (browsers), compared in constant time."""
    header = request.headers.get("authorization", "")
    cookie = request.cookies.get(COOKIE, "")
    return hmac.compare_digest(header.encode(), f"Bearer {token}".encode()) or \
        hmac.compare_digest(cookie.encode(), token.encode())


def create_app(store_spec: str | None = None, token: str | None = None,
               max_body: int = 16 * 1024 * 1024) -> FastAPI:
    """Build the app over one store.

    Args:
        store_spec: store directory or postgresql:// URL (default: the configured store).
        token: when set, every request must carry ``Authorization: Bearer <token>``.
        max_body: largest request body accepted, in bytes (413 beyond).
    """
    from ..query.api import open_store

    app = FastAPI(title="kerasprov", docs_url=None, redoc_url=None)
    app.state.store = open_store(store_spec)
    app.state.token = token
    app.state.max_body = max_body

    @app.middleware("http")
    async def guard(request: Request, call_next):
        public = request.url.path == "/login" or request.url.path.startswith("/static/")
        if app.state.token is not None and not public \
                and not _authorized(request, app.state.token):
            if request.method == "GET" and "text/html" in request.headers.get("accept", ""):
                return RedirectResponse("/login", status_code=303)  # a person in a browser
            return envelope_error(401, "missing or wrong token (Authorization: Bearer ...)")
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > app.state.max_body:
            return envelope_error(413, f"request body larger than {app.state.max_body} bytes")
        return await call_next(request)

    @app.exception_handler(KerasProvError)
    async def on_error(request: Request, exc: KerasProvError):
        return envelope_error(exc.status, exc.message,
                              **{k: v for k, v in exc.details.items()
                                 if isinstance(v, (str, int, float, bool))})

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException):
        return envelope_error(exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def on_validation(request: Request, exc: RequestValidationError):
        return envelope_error(422, "invalid request: " + "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', []))}: {e.get('msg')}"
            for e in exc.errors()))

    @app.exception_handler(Exception)
    async def on_crash(request: Request, exc: Exception):
        return envelope_error(500, f"internal error: {type(exc).__name__}")

    @app.get("/login", include_in_schema=False)
    async def login_form():
        return HTMLResponse(_LOGIN_PAGE)

    @app.post("/login", include_in_schema=False)
    async def login(request: Request):
        """Browsers cannot send a bearer header: a correct token becomes an HttpOnly cookie."""
        form = urllib.parse.parse_qs((await request.body()).decode("utf-8", "replace"))
        given = (form.get("token") or [""])[0]
        if app.state.token is None or not hmac.compare_digest(given.encode(),
                                                              app.state.token.encode()):
            return envelope_error(401, "wrong token")
        resp = RedirectResponse("/", status_code=303)
        resp.set_cookie(COOKIE, given, httponly=True, samesite="strict", path="/")
        return resp

    try:
        from .api import router as api_router
        app.include_router(api_router)
    except ImportError:
        pass
    try:
        from .pages import router as pages_router
        app.include_router(pages_router)
    except ImportError:
        pass
    from .search_pages import router as search_router
    app.include_router(search_router)  # KerasTuner searches (issue #13)
    return app
