"""What keeps a web page on another site, or a rebound DNS name, out of the store.

``kerasprov ui`` has no token: it trusts whoever can reach its address. A browser on the
same machine can reach it too, on behalf of any web site the user visits, so the app
refuses, before any route runs:

- a ``Host`` header that is not one of this server's names (DNS rebinding: a site whose name
  resolves to 127.0.0.1 reads the store through the user's browser). Jupyter does the same;
- a cross-site request that changes state or runs SQL (``Sec-Fetch-Site`` / ``Origin``). A
  client that sends neither header is not a browser (curl, httpx, our own delivery) and is
  let through: on ``serve`` it still needs the token;
- a POST body that is not JSON (415). Forms and ``text/plain`` are what a page on another
  site can send without a CORS preflight; ``/login`` is the one form;
- a body larger than its route's bound (413), checked first, before authentication, and
  counted while it streams: a chunked body with no ``Content-Length`` is cut off at the
  bound, whether a route reads it (``/login``, the JSON API), ignores it (every GET) or the
  request is refused anyway. Nothing buffers more than the bound;
- on ``serve``, a request without the bearer token or a valid session cookie. The cookie
  holds a session id signed with a per-process secret, never the token itself, and wrong
  tokens are rate-limited per client address.

Every answer, error or not, carries the security headers (a CSP without inline script,
nosniff, no framing, referrer only to ourselves, resources for this origin only).
"""

from __future__ import annotations

import collections
import hashlib
import hmac
import html
import ipaddress
import math
import secrets
import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from starlette.datastructures import Headers, QueryParams
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from ..errors import PayloadTooLarge
from .bodies import body_too_large, bounded, read_capped, replay, streamed

#: Host names every server answers to: a loopback address is never an attacker's DNS name.
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
WILDCARD_BINDS = ("0.0.0.0", "::", "")

# style-src needs 'unsafe-inline': plotly.js writes <style> elements and style attributes
# at run time, and the graph SVG carries its own <style>. Scripts come only from /static.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    # "same-origin", not "no-referrer": with no-referrer, browsers send "Origin: null" on
    # our own POSTs, and the origin check below would refuse the UI's own requests.
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}
_RAW_HEADERS = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in SECURITY_HEADERS.items()]

SESSION_COOKIE = "kerasprov_session"
#: Paths that run user SQL on a GET (``/sql`` runs its ``sql=`` at once in the page): only
#: same-origin pages (or non-browsers) may open them with a query.
SQL_GET_PATHS = ("/sql.json", "/sql.csv", "/sql")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
_FORM_PATHS = ("/login", "/logout")
FORM_MAX_BODY = 64 * 1024


def add_headers(response: Response) -> Response:
    """Put the security headers on a response built outside the middleware (500 handler)."""
    for k, v in SECURITY_HEADERS.items():
        response.headers.setdefault(k, v)
    return response


# -- Host allow-list ---------------------------------------------------------------------------
def split_host(value: str) -> str | None:
    """The host name of a ``Host`` header (port dropped, lower case), or None if malformed."""
    value = value.strip().lower()
    if not value or any(c.isspace() or c in "/\\@?#,;" for c in value):
        return None
    if value.startswith("["):  # [::1]:8765
        end = value.find("]")
        if end < 0 or (value[end + 1:] and not _is_port(value[end + 1:])):
            return None
        name = value[1:end]
        try:
            ipaddress.IPv6Address(name)
        except ValueError:
            return None
        return name
    if value.count(":") == 1:
        name, port = value.split(":")
        if not _is_port(":" + port):
            return None
        value = name
    elif ":" in value:
        return None  # a bare IPv6 address must be in brackets
    value = value[:-1] if value.endswith(".") else value
    return value or None


def _is_port(text: str) -> bool:
    return text.startswith(":") and text[1:].isdigit() and 0 < int(text[1:]) < 65536


def allowed_hosts(bind: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """The names a server listening on ``bind`` answers to.

    Loopback names, the bind address itself, and ``extra`` (``--allow-host``; ``*`` turns the
    check off). A wildcard bind (0.0.0.0, ::) adds this machine's host names and addresses,
    since clients on other machines reach it by those.
    """
    names = set(LOOPBACK_NAMES)
    bind = bind.strip().lower().strip("[]")
    if bind in WILDCARD_BINDS:
        names.update(_machine_names())
    elif bind:
        names.add(bind)
    for name in extra:
        name = name.strip().lower()
        if name == "*":
            return frozenset({"*"})
        parsed = split_host(name)
        if parsed:
            names.add(parsed)
    return frozenset(names)


def _machine_names() -> set[str]:
    names: set[str] = set()
    try:
        host = socket.gethostname()
        names.update({host.lower(), socket.getfqdn().lower()})
        for info in socket.getaddrinfo(host, None):
            names.add(str(info[4][0]).lower())
    except OSError:
        pass  # an unresolvable own name: the loopback names and --allow-host still work
    return {n for n in names if n}


# -- sessions ----------------------------------------------------------------------------------
class Sessions:
    """Signed session ids: ``<id>.<issued>.<hmac>``, the HMAC keyed by a per-process secret.

    Only signed-out sessions are stored server-side (their ids, until they would have aged
    out anyway): a cookie copied before sign-out no longer opens anything. A restart (new
    secret) signs everyone out, and so does the age limit. The token never leaves the login
    request.
    """

    #: Signed-out ids kept at most; past it the secret changes (everyone signs in again),
    #: so sign-outs cannot grow the memory without bound.
    MAX_REVOKED = 100_000

    def __init__(self, max_age_s: float = 7 * 24 * 3600):
        self._secret = secrets.token_bytes(32)
        self.max_age_s = max_age_s
        self._revoked: dict[str, int] = {}  # session id -> issued (POSIX seconds)
        self._lock = threading.Lock()

    def _mac(self, payload: str) -> str:
        return hmac.new(self._secret, payload.encode(), hashlib.sha256).hexdigest()

    def issue(self) -> str:
        payload = f"{secrets.token_urlsafe(24)}.{int(time.time())}"
        return f"{payload}.{self._mac(payload)}"

    def _parse(self, cookie: str | None) -> tuple[str, int] | None:
        """(session id, issued) of a cookie this server signed and that has not aged out."""
        if not cookie or cookie.count(".") != 2 or len(cookie) > 200:
            return None
        sid, issued, mac = cookie.split(".")
        if not hmac.compare_digest(mac.encode(), self._mac(f"{sid}.{issued}").encode()):
            return None
        if not issued.isdigit() or not 0 <= time.time() - int(issued) <= self.max_age_s:
            return None
        return sid, int(issued)

    def valid(self, cookie: str | None) -> bool:
        parsed = self._parse(cookie)
        return parsed is not None and parsed[0] not in self._revoked

    def revoke(self, cookie: str | None) -> bool:
        """Sign a session out for good (its cookie stops working); False if not valid."""
        parsed = self._parse(cookie)
        if parsed is None:
            return False
        with self._lock:
            cutoff = time.time() - self.max_age_s
            for sid in [k for k, t in self._revoked.items() if t < cutoff]:
                del self._revoked[sid]  # aged out: invalid without the list
            if len(self._revoked) >= self.MAX_REVOKED:
                self._secret = secrets.token_bytes(32)
                self._revoked.clear()
            else:
                self._revoked[parsed[0]] = parsed[1]
        return True


# -- rate limit --------------------------------------------------------------------------------
class FailureLimiter:
    """At most ``limit`` failed logins (or wrong bearer tokens) per client address per
    ``window_s``; past it, every attempt from that address gets 429 until the oldest failure
    leaves the window (a right token too: otherwise guessing would just go on)."""

    def __init__(self, limit: int = 10, window_s: float = 60.0, max_clients: int = 10_000):
        self.limit, self.window_s, self.max_clients = limit, window_s, max_clients
        self._fails: dict[str, collections.deque] = {}
        self._lock = threading.Lock()

    def retry_after(self, client: str) -> float:
        """Seconds this client must wait; 0 when it may try."""
        with self._lock:
            q = self._prune(client)
            if q is None or len(q) < self.limit:
                return 0.0
            return max(0.0, q[0] + self.window_s - time.monotonic())

    def fail(self, client: str) -> None:
        with self._lock:
            if client not in self._fails and len(self._fails) >= self.max_clients:
                for key in list(self._fails):  # bound the memory: drop stale clients
                    self._prune(key)
                if len(self._fails) >= self.max_clients:
                    self._fails.pop(next(iter(self._fails)))
            self._fails.setdefault(client, collections.deque()).append(time.monotonic())

    def _prune(self, client: str):
        q = self._fails.get(client)
        if q is None:
            return None
        cutoff = time.monotonic() - self.window_s
        while q and q[0] < cutoff:
            q.popleft()
        if not q:
            del self._fails[client]
            return None
        return q


# -- the policy and the middleware -------------------------------------------------------------
@dataclass
class Policy:
    """What one app enforces; built by ``create_app``."""

    hosts: frozenset[str] = frozenset(LOOPBACK_NAMES)
    token: str | None = None
    max_body: int = 16 * 1024 * 1024
    #: The sign-in and sign-out forms hold one token: no reason to take megabytes there.
    form_max_body: int = FORM_MAX_BODY
    sessions: Sessions = field(default_factory=Sessions)
    limiter: FailureLimiter = field(default_factory=FailureLimiter)

    def body_limit(self, path: str) -> int:
        """The most bytes a request body to ``path`` may have."""
        return min(self.form_max_body, self.max_body) if path in _FORM_PATHS else self.max_body

    def host_ok(self, host_header: str | None) -> bool:
        if "*" in self.hosts:
            return True
        name = split_host(host_header or "")
        return name is not None and name in self.hosts

    def authorized(self, headers: Headers, cookies: dict[str, str]) -> bool:
        """The bearer header (programs) or a valid session cookie (browsers)."""
        if self.token is None:
            return True
        given = headers.get("authorization", "")
        if given and hmac.compare_digest(given.encode(), f"Bearer {self.token}".encode()):
            return True
        return self.sessions.valid(cookies.get(SESSION_COOKIE))

    def signed_in(self, cookies: dict[str, str]) -> bool:
        """Whether the request comes with a valid session (a browser signed in)."""
        return self.token is not None and self.sessions.valid(cookies.get(SESSION_COOKIE))

    def token_matches(self, given: str) -> bool:
        return self.token is not None and hmac.compare_digest(given.encode(),
                                                              self.token.encode())


def cross_site(headers: Headers) -> str | None:
    """Why a request is not same-origin, or None when it is (or comes from no browser).

    ``Sec-Fetch-Site`` and ``Origin`` are set by the browser and cannot be forged by a page;
    a client that sends neither is not a browser acting for a web site.
    """
    site = headers.get("sec-fetch-site")
    if site is not None:
        return None if site in ("same-origin", "none") else f"Sec-Fetch-Site: {site}"
    origin = headers.get("origin")
    if origin is None:
        return None
    if origin == "null":
        return "Origin: null"
    try:
        parts = urlsplit(origin)
        port = parts.port
    except ValueError:
        return f"malformed Origin: {origin[:100]}"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"Origin: {origin[:100]}"
    default = 80 if parts.scheme == "http" else 443
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    mine = (headers.get("host") or "").strip().lower()
    mine = mine[:-len(f":{default}")] if mine.endswith(f":{default}") else mine
    theirs = host if port in (None, default) else f"{host}:{port}"
    return None if theirs == mine else f"Origin: {origin[:100]}"


def needs_same_origin(method: str, path: str, query: str) -> bool:
    """Whether the request changes state or runs user SQL."""
    if method not in SAFE_METHODS:
        return True
    return path in SQL_GET_PATHS and (path == "/sql.csv" or any(
        v.strip() for v in QueryParams(query).getlist("sql")))


def client_address(scope) -> str:
    """The address failed logins are counted under: the direct peer (no proxy header is
    trusted, since any client can write one)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def _wants_html(method: str, path: str, headers: Headers) -> bool:
    return method == "GET" and "text/html" in headers.get("accept", "") \
        and not path.startswith("/api/") and not path.endswith((".json", ".csv", ".svg"))


def refusal(status: int, message: str, html_page: bool, **extra) -> Response:
    """The JSON envelope, or a small HTML page for a person in a browser."""
    if html_page:
        body = (f"<!doctype html><meta charset='utf-8'><title>kerasprov: {status}</title>"
                f"<link rel='stylesheet' href='/static/ui.css'><main><h1>{status}</h1>"
                f"<p class='error'>{html.escape(message)}</p></main>")
        return HTMLResponse(body, status_code=status, headers=extra.pop("headers", None))
    headers = extra.pop("headers", None)
    return JSONResponse({"ok": False, "error": message, "status": status, **extra},
                        status_code=status, headers=headers)


class SecurityMiddleware:
    """Pure ASGI (no BaseHTTPMiddleware): checks run before the app reads the body, the body
    is counted while it streams, the headers go on every response (streamed ones too)."""

    def __init__(self, app, policy: Policy):
        self.app, self.policy = app, policy

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def send_with_headers(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                present = {k.lower() for k, _ in message.get("headers", [])}
                message = {**message, "headers": [*message.get("headers", []), *(
                    (k, v) for k, v in _RAW_HEADERS if k not in present)]}
            await send(message)

        limit = self.policy.body_limit(scope["path"])
        response = self.check(scope)
        if streamed(Headers(scope=scope)):  # no length to judge it by: read up to the bound
            body = await read_capped(receive, limit, keep=response is None)
            if body is None:
                response = body_too_large(limit)
            elif response is None:
                receive = replay(body, receive)
        if response is not None:
            return await response(scope, receive, send_with_headers)
        try:
            return await self.app(scope, bounded(receive, limit), send_with_headers)
        except PayloadTooLarge:
            if started:  # the route answered and then read on: nothing left to say
                raise
            return await body_too_large(limit)(scope, receive, send_with_headers)

    def check(self, scope) -> Response | None:
        """The refusal for this request, or None to let it through."""
        p = self.policy
        headers = Headers(scope=scope)
        method, path = scope["method"], scope["path"]
        page = _wants_html(method, path, headers)
        # First of all, before the token: a body too large is refused whoever sends it.
        length = headers.get("content-length")
        if length is not None and length.strip().isdigit() and \
                int(length) > p.body_limit(path):
            return body_too_large(p.body_limit(path))
        host = headers.get("host")
        if not p.host_ok(host):
            name = (host or "")[:100]
            return refusal(403, f"this server does not answer to the host name {name!r} "
                           "(a guard against DNS rebinding); open it by the address it "
                           "listens on, or start it with --allow-host NAME", page)
        if needs_same_origin(method, path, scope.get("query_string", b"").decode("latin-1")):
            why = cross_site(headers)
            if why is not None:
                return refusal(403, f"cross-site request refused ({why}): this request "
                               "changes the store or runs SQL, so it must come from this "
                               "server's own pages", page)
        # /logout only ever clears this browser's own session: an expired one may go too.
        public = path in ("/login", "/logout", "/favicon.ico") or path.startswith("/static/")
        if not public and p.token is not None:
            cookies = _cookies(headers)
            client = client_address(scope)
            guessing = bool(headers.get("authorization"))
            # Checked before the token: otherwise a right guess would still answer 200.
            wait = p.limiter.retry_after(client) if guessing else 0.0
            if wait > 0:
                return too_many(wait, page)
            if not p.authorized(headers, cookies):
                if guessing:
                    p.limiter.fail(client)  # a wrong token: a guess, counted like a login
                if page:
                    return RedirectResponse("/login", status_code=303)
                return refusal(401, "missing or wrong token (Authorization: Bearer ...)",
                               False)
        if method not in SAFE_METHODS:
            media = headers.get("content-type", "").split(";")[0].strip().lower()
            wanted = "application/x-www-form-urlencoded" if path in _FORM_PATHS \
                else "application/json"
            if media != wanted:
                return refusal(415, f"{method} {path} needs Content-Type: {wanted}; "
                               f"received {media or 'none'!r}", False)
        return None


def too_many(wait: float, page: bool) -> Response:
    seconds = max(1, math.ceil(wait))
    return refusal(429, f"too many failed logins from this address; try again in "
                   f"{seconds} s", page, headers={"Retry-After": str(seconds)},
                   retry_after=seconds)


def _cookies(headers: Headers) -> dict[str, str]:
    from starlette.requests import cookie_parser
    return cookie_parser(headers.get("cookie", ""))
