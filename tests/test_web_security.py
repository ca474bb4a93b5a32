"""The UI and the server under attack from web pages, rebound DNS names and guessed tokens.

Real ``kerasprov ui`` / ``kerasprov serve`` processes on free loopback ports where the
class needs real HTTP (ingest, Host headers, signals); the in-process client for header
logic. Each test sends several hostile inputs of one class and checks the store is unchanged.
A positive control next to each refusal shows the same request would have landed.
Longer than our usual file on purpose: one test per attack class of issue #11, all sharing
the same three server processes (starting one costs seconds).
"""

from __future__ import annotations

import html
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")

import ui_util

TOKEN = "web-security-t0ken"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
EVIL = "http://evil.example"
ODD_TAG = "a/b c'é"
ODD_RUN = 'r/1 "q" é?#%&'
ODD_TAG2 = "x?y#z%20"
ODD_RUNS = (ODD_RUN, "ünï cødé 'x' <b>", "other/run")


# -- helpers -----------------------------------------------------------------------------------
class Proc:
    """``kerasprov ui|serve`` in a subprocess on a free 127.0.0.1 port."""

    def __init__(self, command: str, store: Path, *args: str, token: bool = False):
        self.port = ui_util.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.headers = dict(AUTH) if token else {}
        argv = [sys.executable, "-m", "kerasprov", command, "--store", str(store),
                "--port", str(self.port), *args]
        if token:
            tf = store.parent / f"token-{self.port}"
            tf.write_text(TOKEN)
            argv += ["--token-file", str(tf)]
        env = {k: v for k, v in os.environ.items() if k != "KERASPROV_TOKEN"}
        self.proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"kerasprov {command} exited: {self.proc.stdout.read()}")
            try:
                if httpx.get(self.url + "/api/health", headers=self.headers,
                             timeout=2).is_success:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"kerasprov {command} did not answer within 90 s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def post(self, path: str, body: bytes | str, content_type: str, **headers: str):
        return httpx.post(self.url + path, content=body, timeout=30,
                          headers={**self.headers, "content-type": content_type, **headers})

    def fingerprint(self) -> list[tuple]:
        """Every run with its status and epoch count, read as a non-browser client."""
        rows = httpx.get(self.url + "/api/runs", headers=self.headers, timeout=30).json()["rows"]
        return sorted((r["run_id"], r["status"], r["epochs"]) for r in rows)


def make_store(path: Path, n_runs: int = 3, **kw) -> Path:
    ui_util.generate_store(path, n_runs, **kw)
    return path


def make_odd_store(path: Path) -> Path:
    """Generated runs, plus dataflow tags and run ids full of URL-special characters (a
    store written through the ingest, which takes any run id; tags are not checked there)."""
    from kerasprov.store.embedded import EmbeddedStore
    from kerasprov.store.ingest import Ingestor
    events = ui_util.generated_events(3, dataflow="gen")
    odd = ui_util.generated_events(3, dataflow=ODD_TAG, start=1.8e9)
    other = ui_util.generated_events(1, dataflow=ODD_TAG2, start=1.9e9)
    for e in odd:
        e["run"] = {"gen000001": ODD_RUNS[0], "gen000002": ODD_RUNS[1]}.get(e["run"], "odd0")
    for e in other:
        e["run"] = ODD_RUNS[2]
    with EmbeddedStore(path).unit(ingest=False) as be:
        Ingestor(be).apply(events + odd + other)
    return path


def in_process(store: Path, token: str | None = None, **kw):
    from starlette.testclient import TestClient

    from kerasprov.server.app import create_app
    return TestClient(create_app(str(store), token=token, **kw), follow_redirects=False,
                      raise_server_exceptions=False, base_url="http://127.0.0.1:8765")


def forged_events(victim: str) -> dict:
    """A batch a hostile page would send: a made-up run, and the failure of a real one."""
    t = time.time()
    return {"events": [
        {"v": 1, "run": "forged-run", "seq": 0, "type": "run_start", "ts": t,
         "dataflow": "gen", "start": t},
        {"v": 1, "run": "forged-run", "seq": 1, "type": "run_end", "ts": t,
         "status": "finished", "end": t},
        {"v": 1, "run": victim, "seq": 10_000, "type": "run_end", "ts": t, "status": "failed",
         "end": t}], "allow_gaps": True}


# Several ways a page on another site reaches a server on this machine (what browsers send).
CROSS_SITE = [
    ("text/plain", {"Origin": EVIL, "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"}),
    ("text/plain", {"Origin": EVIL}),  # a browser without Sec-Fetch-* headers
    ("application/x-www-form-urlencoded", {"Sec-Fetch-Site": "cross-site"}),
    ("multipart/form-data; boundary=x", {"Origin": "null"}),  # a sandboxed iframe
    ("text/plain", {"Sec-Fetch-Site": "same-site", "Origin": "http://127.0.0.1:1"}),
    ("application/json", {"Origin": "http://127.0.0.1.evil.example"}),
]


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """A viewer, a token-less serve and a token serve, each over its own generated store."""
    d = tmp_path_factory.mktemp("websec")
    procs = {}
    try:
        procs["ui"] = Proc("ui", make_odd_store(d / "ui"), "--allow-host", "my-alias.test")
        procs["open"] = Proc("serve", make_store(d / "open"))
        procs["token"] = Proc("serve", make_store(d / "token"), token=True)
        yield procs
    finally:
        for p in procs.values():
            p.stop()


# -- 1. the viewer takes no events -------------------------------------------------------------
def test_viewer_has_no_ingest_or_heartbeat(servers):
    ui = servers["ui"]
    before = ui.fingerprint()
    victim = before[0][0]
    import json
    for path, body in (("/api/events", forged_events(victim)),
                       ("/api/heartbeat", {"runs": [victim]}),
                       ("/api/events", {"events": []})):
        resp = ui.post(path, json.dumps(body), "application/json")  # no browser headers
        assert resp.status_code in (404, 405), (path, resp.status_code, resp.text)
        assert resp.json()["ok"] is False
    assert ui.fingerprint() == before
    # serve does take them (with its token): the same batch lands there.
    srv = servers["token"]
    resp = srv.post("/api/events", json.dumps(forged_events(srv.fingerprint()[0][0])),
                    "application/json")
    assert resp.status_code == 200, resp.text
    assert "forged-run" in {r[0] for r in srv.fingerprint()}


# -- 2. cross-site writes and SQL --------------------------------------------------------------
def test_cross_site_posts_are_refused_and_change_nothing(servers):
    import json
    for name in ("ui", "open", "token"):
        srv = servers[name]
        before = srv.fingerprint()
        victim = next(r[0] for r in before if r[0] != "forged-run")
        bodies = {"/api/events": json.dumps(forged_events(victim)),
                  "/api/heartbeat": json.dumps({"runs": [victim]}),
                  "/api/sql": json.dumps({"sql": "SELECT 1 AS x"}),
                  "/sql.json": json.dumps({"sql": "SELECT 1 AS x"}),
                  "/dataflows/gen/query": json.dumps({"source": "itrainingmodel"})}
        for path, body in bodies.items():
            for ctype, headers in CROSS_SITE:
                resp = srv.post(path, body, ctype, **headers)
                assert resp.status_code == 403, (name, path, headers, resp.text)
                assert "cross-site" in resp.json()["error"]
        assert srv.fingerprint() == before, name
    # Positive control: the same batch from a non-browser client lands on a token-less
    # serve, so the refusals above are the guard, not a broken batch.
    srv = servers["open"]
    victim = next(r[0] for r in srv.fingerprint() if r[0] != "forged-run")
    ok = srv.post("/api/events", json.dumps(forged_events(victim)), "application/json")
    assert ok.status_code == 200, ok.text
    assert "forged-run" in {r[0] for r in srv.fingerprint()}
    # Same-origin requests from the UI's own pages pass.
    same = servers["ui"].post("/sql.json", json.dumps({"sql": "SELECT 1 AS x"}),
                              "application/json", **{"Sec-Fetch-Site": "same-origin",
                                                     "Origin": servers["ui"].url})
    assert same.status_code == 200 and same.json()["rows"] == [{"x": 1}], same.text


def test_post_bodies_must_be_json(tmp_path):
    c = in_process(make_store(tmp_path / "s"))
    same_origin = {"Sec-Fetch-Site": "same-origin", "Origin": "http://127.0.0.1:8765"}
    for path in ("/sql.json", "/api/sql", "/dataflows/gen/query", "/api/events"):
        for ctype in ("text/plain", "application/x-www-form-urlencoded",
                      "multipart/form-data; boundary=x", "", "application/jsonx",
                      "text/json"):
            for headers in ({}, same_origin):
                resp = c.post(path, content='{"sql": "SELECT 1"}',
                              headers={"content-type": ctype, **headers} if ctype else headers)
                assert resp.status_code == 415, (path, ctype, resp.text)
                assert "Content-Type: application/json" in resp.json()["error"]
    ok = c.post("/sql.json", content='{"sql": "SELECT 1 AS x"}',
                headers={"content-type": "application/json; charset=utf-8", **same_origin})
    assert ok.status_code == 200, ok.text


def test_sql_over_get_only_from_same_origin(tmp_path):
    c = in_process(make_store(tmp_path / "s"))
    slow = "SELECT count(*) AS n FROM epochs"
    refused = [{"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
               {"Origin": EVIL}, {"Origin": "null"}, {"Origin": "http://127.0.0.1:9"},
               {"Origin": "http://localhost:8765"}]
    allowed = [{}, {"Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "none"},
               {"Origin": "http://127.0.0.1:8765"}]
    for url in (f"/sql.json?sql={slow}", f"/sql.csv?sql={slow}", f"/sql?sql={slow}",
                f"/sql.json?sql={slow}&sql=", f"/sql.json?limit=5&sql={slow}"):
        for headers in refused:
            resp = c.get(url, headers=headers)
            assert resp.status_code == 403, (url, headers, resp.text)
            assert c.head(url, headers=headers).status_code == 403, url
        for headers in allowed:
            resp = c.get(url, headers=headers)
            # (the last sql= wins, as in FastAPI: an empty query is the app's 400)
            assert resp.status_code == (400 if url.endswith("&sql=") else 200), (url, headers)
    # Pages that run no user SQL open from a link on any site (a bookmark, a chat message).
    for url in ("/", "/sql", "/sql.json", "/dataflows", "/runs/gen000000"):
        assert c.get(url, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 200, url


# -- 3. Host allow-list (DNS rebinding) ----------------------------------------------------------
def test_unknown_host_names_are_refused(servers):
    ui, port = servers["ui"], servers["ui"].port
    bad = ["evil.example", f"evil.example:{port}", "127.0.0.1.evil.example",
           f"127.0.0.1.evil.example:{port}", "localhost.evil.example", "my-alias.test.evil",
           "0x7f000001", "127.1", f"127.0.0.1:{port}@evil.example", "127.0.0.1:notaport",
           "[::1", "::1", ""]
    for host in bad:
        for path in ("/", "/.json", "/api/runs", "/static/ui.js"):
            resp = httpx.get(ui.url + path, headers={"Host": host}, timeout=10)
            assert resp.status_code in (400, 403), (host, path, resp.status_code)
            if resp.status_code == 403:
                assert "host name" in resp.text and "--allow-host" in resp.text
    html_page = httpx.get(ui.url + "/", headers={"Host": "evil.example", "Accept": "text/html"})
    assert html_page.status_code == 403 and "text/html" in html_page.headers["content-type"]
    good = [f"127.0.0.1:{port}", "127.0.0.1", f"localhost:{port}", "LOCALHOST", "localhost.",
            f"[::1]:{port}", f"my-alias.test:{port}", "my-alias.test"]
    for host in good:
        resp = httpx.get(ui.url + "/.json", headers={"Host": host}, timeout=10)
        assert resp.status_code == 200, (host, resp.text)
    # No Host header at all (HTTP/1.0 allows it), or a blank one: refused too.
    for head in (b"GET /.json HTTP/1.0\r\n\r\n", b"GET /.json HTTP/1.0\r\nHost:  \r\n\r\n",
                 b"GET /.json HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n"):
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(head)
            answer = s.recv(200).decode("latin-1")
        assert answer.split()[1] in ("400", "403"), (head, answer)
    # serve checks it as well, before the token.
    srv = servers["token"]
    resp = httpx.get(srv.url + "/api/runs", headers={**AUTH, "Host": "evil.example"})
    assert resp.status_code == 403


def test_allowed_hosts_from_the_bind_address():
    from kerasprov.server.security import allowed_hosts, split_host
    assert allowed_hosts("127.0.0.1") == {"127.0.0.1", "localhost", "::1"}
    assert "10.1.2.3" in allowed_hosts("10.1.2.3")
    assert "::1" in allowed_hosts("[::1]")
    assert "box.lab" in allowed_hosts("127.0.0.1", ["Box.Lab:8765"])
    assert allowed_hosts("127.0.0.1", ["*"]) == {"*"}
    wild = allowed_hosts("0.0.0.0")
    assert socket.gethostname().lower() in wild and "evil.example" not in wild
    for value, name in (("Example.COM:80", "example.com"), ("[::1]:1", "::1"),
                        ("a.b.", "a.b"), ("a:b", None), ("a b", None), ("a/b", None),
                        ("[zz]:1", None), ("h:70000", None), ("", None)):
        assert split_host(value) == name, value


# -- 4. security headers -----------------------------------------------------------------------
def _assert_headers(resp, what):
    h = resp.headers
    csp = h.get("content-security-policy", "")
    script = next((d for d in csp.split(";") if d.strip().startswith("script-src")), "")
    assert script.strip() == "script-src 'self'", (what, csp)
    assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp, what
    assert h.get("x-content-type-options") == "nosniff", what
    assert h.get("x-frame-options") == "DENY", what
    assert h.get("referrer-policy") == "same-origin", what
    assert h.get("cross-origin-resource-policy") == "same-origin", what


def test_security_headers_on_every_answer(tmp_path):
    c = in_process(make_store(tmp_path / "s"))
    urls = ["/", "/.json", "/runs/gen000000", "/runs/gen000000.json", "/dataflows",
            "/dataflows/gen", "/dataflows/gen.svg", "/sql", "/sql.json?sql=SELECT%201",
            "/sql.csv?sql=SELECT%201", "/compare?runs=gen000000,gen000001", "/api/runs",
            "/api/health", "/static/ui.js", "/static/ui.css", "/static/plotly.min.js",
            "/runs/gen000000/prov?format=provn",
            "/runs/nope", "/nope", "/static/..%2Fapp.py", "/sql.json?sql=DELETE%20FROM%20task"]
    for url in urls:
        resp = c.get(url)
        assert resp.status_code != 500, (url, resp.text)
        _assert_headers(resp, url)
    _assert_headers(c.get("/", headers={"Host": "evil.example"}), "host refusal")
    _assert_headers(c.get("/sql.json?sql=SELECT%201", headers={"Sec-Fetch-Site": "cross-site"}),
                    "cross-site refusal")
    _assert_headers(c.post("/sql.json", content="x", headers={"content-type": "text/plain"}),
                    "415")
    tc = in_process(tmp_path / "s", token=TOKEN)
    for url in ("/login", "/", "/.json"):
        _assert_headers(tc.get(url), f"token {url}")


def test_pages_carry_no_inline_script(tmp_path):
    """Every <script> is a file from /static (or inert JSON data), and no tag has an on*=
    handler or a javascript: URL: the CSP (script-src 'self') would block them."""
    c = in_process(make_store(tmp_path / "s"))
    pages = ["/", "/runs/gen000000", "/dataflows", "/dataflows/gen", "/sql",
             "/sql?sql=SELECT%201", "/compare?runs=gen000000,gen000001"]
    texts = [c.get(p).text for p in pages] + [in_process(tmp_path / "s", TOKEN).get("/login").text]
    for page, text in zip(pages + ["/login"], texts):
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert re.search(r'\bsrc="/static/[A-Za-z0-9_.-]+"', tag) or \
                'type="application/json"' in tag, (page, tag)
        for tag in re.findall(r"<[a-zA-Z][^>]*>", text):
            assert not re.search(r"\son[a-z]+\s*=", tag), (page, tag)
            assert "javascript:" not in tag.lower(), (page, tag)


# -- 5. login: signed session cookie, rate limit -----------------------------------------------
def _login(c, token=TOKEN, **headers):
    return c.post("/login", content=f"token={token}",
                  headers={"content-type": "application/x-www-form-urlencoded", **headers})


def test_session_cookie_is_signed_and_not_the_token(tmp_path):
    store = make_store(tmp_path / "s")
    c = in_process(store, token=TOKEN)
    resp = _login(c)
    assert resp.status_code == 303, resp.text
    header = resp.headers["set-cookie"]
    assert TOKEN not in header
    assert "httponly" in header.lower() and "samesite=strict" in header.lower()
    value = resp.cookies["kerasprov_session"]
    assert c.get("/.json").status_code == 200  # the client sends the cookie
    sid, issued, mac = value.split(".")
    flipped = mac[:-1] + ("0" if mac[-1] != "0" else "1")
    forged = [f"{sid}.{issued}.{flipped}", f"{sid}x.{issued}.{mac}",
              f"{sid}.{int(issued) + 1}.{mac}", f"{sid}.{issued}", TOKEN, "", "...",
              f"{sid}.{issued}.{mac}.{mac}", value.upper()]
    other_app = in_process(store, token=TOKEN)  # another process: another secret
    for cookie in forged:
        fresh = in_process(store, token=TOKEN)
        fresh.cookies.set("kerasprov_session", cookie)
        assert fresh.get("/.json").status_code == 401, cookie
    other_app.cookies.set("kerasprov_session", value)
    assert other_app.get("/.json").status_code == 401
    old_style = in_process(store, token=TOKEN)
    old_style.cookies.set("kerasprov_token", TOKEN)  # the token itself is no longer a login
    assert old_style.get("/.json").status_code == 401
    # Sessions age out.
    c.app.state.security.sessions.max_age_s = -1
    assert c.get("/.json").status_code == 401
    # A login from another site is refused (login CSRF), and so is a JSON login body.
    assert _login(in_process(store, token=TOKEN), Origin=EVIL).status_code == 403
    assert in_process(store, token=TOKEN).post(
        "/login", json={"token": TOKEN}).status_code == 415


def test_failed_logins_are_rate_limited(tmp_path):
    store = make_store(tmp_path / "s")
    c = in_process(store, token=TOKEN)
    for i in range(10):
        resp = _login(c, token=f"guess-{i}")
        assert resp.status_code == 401, (i, resp.text)
    blocked = _login(c, token="guess-10")
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) >= 1
    assert "too many" in blocked.json()["error"]
    assert _login(c).status_code == 429  # the right token waits too: guessing stops
    assert c.get("/.json", headers=AUTH).status_code == 429
    # Wrong bearer tokens count the same way.
    b = in_process(store, token=TOKEN)
    codes = [b.get("/api/runs", headers={"Authorization": f"Bearer g{i}"}).status_code
             for i in range(12)]
    assert codes[:10] == [401] * 10 and codes[10:] == [429, 429], codes
    # Per address, and only for the window.
    from kerasprov.server.security import FailureLimiter
    lim = FailureLimiter(limit=3, window_s=0.5)
    for _ in range(3):
        lim.fail("10.0.0.1")
    assert lim.retry_after("10.0.0.1") > 0 and lim.retry_after("10.0.0.2") == 0
    time.sleep(0.6)
    assert lim.retry_after("10.0.0.1") == 0
    small = FailureLimiter(limit=1, window_s=60, max_clients=5)
    for i in range(50):
        small.fail(f"10.0.1.{i}")
    assert len(small._fails) <= 5


# -- 6. URL-special characters in tags and run ids -----------------------------------------------
def test_tags_and_run_ids_with_url_characters_open(servers):
    """A crawl from / over every link, over real HTTP (Starlette's TestClient decodes paths
    twice): dataflow tags and run ids with '/', spaces, quotes, unicode, '%', '?', '#', '&'
    all open (no 404), JSON twins included."""
    from urllib.parse import quote
    ui = servers["ui"]
    seen: dict[str, int] = {}
    todo = ["/", "/dataflows"]
    with httpx.Client(base_url=ui.url, timeout=30) as c:
        while todo:
            url = todo.pop()
            if url in seen:
                continue
            resp = c.get(url)
            seen[url] = resp.status_code
            if resp.headers.get("content-type", "").startswith("text/html"):
                for link in re.findall(r'href="([^"]+)"', resp.text):
                    link = html.unescape(link)
                    if link.startswith("/") and "sort=" not in link and "/static/" not in link:
                        todo.append(link)
        assert {u: s for u, s in seen.items() if s != 200} == {}
        for tag in (ODD_TAG, ODD_TAG2):
            assert f"/dataflows/{quote(tag)}" in seen, (tag, sorted(seen))
            for suffix in ("", ".json", ".svg"):
                url = f"/dataflows/{quote(tag, safe='')}{suffix}"
                assert c.get(url).status_code == 200, url
            assert c.get(f"/dataflows/{quote(tag, safe='')}.json").json()["dataflow"] == tag
            q = c.post(f"/dataflows/{quote(tag, safe='')}/query",
                       json={"source": "itrainingmodel"})
            assert q.status_code == 200, q.text
        for run in ODD_RUNS:
            assert f"/runs/{quote(run)}" in seen, (run, sorted(seen))
            for url in (f"/runs/{quote(run, safe='')}", f"/runs/{quote(run, safe='')}.json",
                        f"/api/runs/{quote(run, safe='')}/epochs",
                        f"/runs/{quote(run, safe='')}/prov?format=json",
                        f"/compare?runs={quote(run, safe='')}"):
                resp = c.get(url)
                assert resp.status_code == 200, (url, resp.text[:200])
            body = c.get(f"/runs/{quote(run, safe='')}.json").json()
            assert body["run_id"] == run and len(body["epochs"]) == 5
            # The page's JSON twin link points at the same run.
            page = c.get(f"/runs/{quote(run, safe='')}").text
            twin = html.unescape(re.search(r'href="([^"]+)" id="json-twin"', page).group(1))
            assert c.get(twin).json()["run_id"] == run


# -- 7. SIGTERM and Ctrl+C while a query runs -------------------------------------------------
SLOW_SQL = "SELECT count(*) AS n FROM epochs a, epochs b, epochs c, epochs d"


@pytest.mark.parametrize("command,sig", [("ui", signal.SIGTERM), ("serve", signal.SIGTERM),
                                         ("ui", signal.SIGINT)])
def test_stop_signals_end_the_server_during_a_query(tmp_path, command, sig):
    store = make_store(tmp_path / "s", n_runs=200)
    srv = Proc(command, store, token=command == "serve")
    try:
        answers: list = []
        path = "/sql.json" if command == "ui" else "/api/sql"

        def query():
            try:
                answers.append(httpx.post(srv.url + path, json={"sql": SLOW_SQL, "timeout": 120},
                                          headers=srv.headers, timeout=120).status_code)
            except httpx.HTTPError as exc:
                answers.append(type(exc).__name__)

        t = threading.Thread(target=query, daemon=True)
        t.start()
        time.sleep(1.5)
        assert t.is_alive() and not answers, f"the query ended before the signal: {answers}"
        started = time.monotonic()
        srv.proc.send_signal(sig)
        try:
            srv.proc.wait(15)
        except subprocess.TimeoutExpired:
            pytest.fail(f"kerasprov {command} still runs 15 s after {sig.name}")
        elapsed = time.monotonic() - started
        assert elapsed < 5.0, f"kerasprov {command} took {elapsed:.1f} s to stop ({sig.name})"
        # Killed by the signal, the shell's 128+N, or click's 1 after KeyboardInterrupt.
        assert srv.proc.returncode in (-sig, 128 + sig, 1), srv.proc.returncode
        t.join(10)
        assert answers and answers[0] != 200, answers  # the query did not finish
    finally:
        srv.stop()


# -- 8. in a real browser: the login flow under the CSP, and an attacking page ---------------
CHROMIUM = "/usr/bin/chromium"
needs_chromium = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                    reason=f"needs Debian's chromium at {CHROMIUM}")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update"])
        yield b
        b.close()


@needs_chromium
def test_browser_login_then_pages_and_sql_work_under_the_csp(servers, browser):
    srv = servers["token"]
    page = browser.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("console", lambda m: "Content Security Policy" in m.text and problems.append(m.text))
    try:
        page.goto(srv.url + "/")
        assert page.url.endswith("/login")
        page.fill("input[name=token]", "wrong")
        page.click("button[type=submit]")
        assert "wrong token" in page.content()
        page.goto(srv.url + "/login")
        page.fill("input[name=token]", TOKEN)
        page.click("button[type=submit]")
        page.wait_for_selector("#runs-table")
        cookies = {c["name"]: c for c in page.context.cookies()}
        assert TOKEN not in str(cookies) and cookies["kerasprov_session"]["httpOnly"]
        # The console's POST carries the cookie and the browser's own Origin: it passes.
        page.goto(srv.url + "/sql")
        page.fill("#sql", "SELECT count(*) AS n FROM runs")
        page.click("#run")
        page.wait_for_selector("#result td")
        assert int(page.text_content("#result td")) >= 3
        # The dataflow filter submits by itself (its handler moved out of the HTML).
        page.goto(srv.url + "/")
        with page.expect_navigation():
            page.select_option("select[name=dataflow]", "gen")
        assert "dataflow=gen" in page.url
    finally:
        page.close()
    assert not problems, problems


ATTACK = """<!doctype html><title>0</title><body>
<form id="f" method="POST" action="{target}/api/events" enctype="text/plain">
<input type="hidden" name="{form_name}" value='"}}'>
</form>
<img src="{target}/sql.json?sql=SELECT%201">
<script>
const t = "{target}", done = () => {{ document.title = String(Number(document.title) + 1); }};
const post = (path, body, type) => fetch(t + path, {{method: "POST", mode: "no-cors",
  headers: {{"Content-Type": type}}, body}}).then(done, done);
post("/api/events", JSON.stringify({events}), "text/plain");
post("/api/heartbeat", JSON.stringify({{runs: ["{victim}"]}}), "text/plain");
post("/api/sql", JSON.stringify({{sql: "SELECT 1"}}), "text/plain");
post("/sql.json", JSON.stringify({{sql: "SELECT 1"}}), "application/x-www-form-urlencoded");
</script></body>"""


@needs_chromium
def test_a_page_on_another_site_cannot_write(servers, browser):
    """A hostile page served from http://localhost:<other port> (another site than
    127.0.0.1) fires text/plain fetches, a form and an <img> at the servers."""
    import http.server
    import json
    for name in ("open", "ui"):
        srv = servers[name]
        before = srv.fingerprint()
        victim = next(r[0] for r in before if r[0] != "forged-run")
        # text/plain forms send name=value: this name makes the body one valid JSON batch.
        start = {"v": 1, "run": "browser-forged", "seq": 0, "type": "run_start",
                 "ts": 1.7e9, "dataflow": "gen", "start": 1.7e9}
        form_name = html.escape('{"events":[' + json.dumps(start) + '],"pad":"')
        body = ATTACK.format(target=srv.url, victim=victim, form_name=form_name,
                             events=json.dumps(forged_events(victim)["events"])).encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            page = body

            def do_GET(self):  # noqa: N802 - the stdlib's name
                self.send_response(200)
                self.send_header("content-type", "text/html")
                self.end_headers()
                self.wfile.write(self.page)

            def log_message(self, *args):
                pass

        evil = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=evil.serve_forever, daemon=True).start()
        page = browser.new_page()
        try:
            page.goto(f"http://localhost:{evil.server_address[1]}/")
            page.wait_for_function("() => document.title === '4'", timeout=30_000)
            with page.expect_navigation():
                page.evaluate("() => document.getElementById('f').submit()")
            assert "cross-site request refused" in page.content(), page.content()[:500]
        finally:
            page.close()
            evil.shutdown()
        after = srv.fingerprint()
        assert after == before, name
        assert "browser-forged" not in {r[0] for r in after}
