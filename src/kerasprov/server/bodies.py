"""Request bodies bounded while they stream, before any route or token check runs.

A ``Content-Length`` over the bound is refused at once. A body without one (``Transfer-
Encoding: chunked``) is counted as it arrives: ``bounded`` wraps the ASGI ``receive`` so
that whatever reads the body (``request.body()``, ``.stream()``, ``.form()``) gets
PayloadTooLarge (413) past the bound, and ``drain`` reads and drops a body nothing will
read (a GET, a refused request), so an oversized one is answered 413 too. Nothing keeps
more than the bound in memory; the server (uvicorn) drops whatever the client sends after
the answer.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import JSONResponse, Response

from ..errors import PayloadTooLarge


def too_large_text(limit: int) -> str:
    return (f"request body larger than {limit} bytes: this server takes at most that much "
            f"here (kerasprov serve --max-body sets the bound; the sign-in form takes 64 KiB)")


def body_too_large(limit: int) -> Response:
    """The 413 answer, in the JSON envelope."""
    return JSONResponse({"ok": False, "error": too_large_text(limit), "status": 413,
                         "max_body": limit}, status_code=413)


def streamed(headers: Headers) -> bool:
    """Whether a body comes without a declared length (``Transfer-Encoding: chunked``)."""
    return "content-length" not in headers and "transfer-encoding" in headers


async def drain(receive, limit: int) -> bool:
    """Read and drop a request body; False as soon as it passes ``limit`` bytes."""
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return True  # the client went away
        size += len(message.get("body", b""))
        if size > limit:
            return False
        if not message.get("more_body", False):
            return True


def bounded(receive, limit: int):
    """``receive`` that raises PayloadTooLarge (413) once the body passes ``limit`` bytes,
    however the route reads it (``request.body()``, ``.stream()``, ``.form()``)."""
    size = 0

    async def bounded_receive():
        nonlocal size
        message = await receive()
        if message["type"] == "http.request":
            size += len(message.get("body", b""))
            if size > limit:
                raise PayloadTooLarge(too_large_text(limit), max_body=limit)
        return message
    return bounded_receive
