"""Request bodies bounded while they stream, before any route or token check runs.

A ``Content-Length`` over the bound is refused at once. A body without one (``Transfer-
Encoding: chunked``) is read first, up to the bound (``read_capped``): past it the answer
is 413 whatever the route (one that reads its body, one that ignores it, a request that
is refused anyway), and under it the route gets the body as if it had just arrived
(``replay``). ``bounded`` wraps the ASGI ``receive`` of every request as well, so whatever
reads a body (``request.body()``, ``.stream()``, ``.form()``) gets PayloadTooLarge (413)
past the bound. Nothing keeps more than the bound in memory; the server (uvicorn) drops
whatever the client sends after the answer.
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


async def read_capped(receive, limit: int, keep: bool = True) -> bytes | None:
    """Read a whole request body, or None as soon as it passes ``limit`` bytes (what was
    read is dropped). ``keep=False`` drops it as it comes (nothing will use it)."""
    parts, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break  # the client went away
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        if keep and chunk:
            parts.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(parts)


def replay(body: bytes, receive):
    """``receive`` that gives ``body`` (already read) first, then what the server says next
    (a disconnect)."""
    sent = False

    async def replayed():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()
    return replayed


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
