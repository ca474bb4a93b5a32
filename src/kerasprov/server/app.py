"""The FastAPI application behind ``kerasprov ui`` and ``kerasprov serve``.

One JSON envelope for every answer: success ``{"ok": true, ...}``, failure
``{"ok": false, "error": "...", "status": N}``. The HTTP status lives on the exception class
(``kerasprov.errors``). Routers: ``api.py`` (event ingest + JSON query API, issue #6) and
``pages.py`` (HTML pages and their ``.json`` twins, issue #5).
"""

from __future__ import annotations

import hmac

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import KerasProvError


def envelope_error(status: int, message: str, **extra) -> JSONResponse:
    return JSONResponse({"ok": False, "error": message, "status": status, **extra},
                        status_code=status)


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
        if app.state.token is not None:
            given = request.headers.get("authorization", "")
            expected = f"Bearer {app.state.token}"
            if not hmac.compare_digest(given.encode(), expected.encode()):
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
    return app
