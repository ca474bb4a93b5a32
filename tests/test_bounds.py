"""Issue #20 (5, 6): nothing a client sends or a query builds grows the server without bound.

- Request bodies: real ``kerasprov serve`` (token) and ``kerasprov ui`` processes get
  chunked bodies (no Content-Length) of many times their bound on every route the app
  has, with and without the token: each answers 413 and the server's peak memory stays
  flat. Bodies under the bound still reach the routes (positive controls).
- SQL: queries that build gigabytes on DuckDB (an aggregate, a sort that spills, strings
  built outside DuckDB's own accounting) stop with one clear error naming the bound, in
  the CLI and over HTTP, the process stays small, and the store answers afterwards with
  its settings put back.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import time

import httpx
import pytest
import ui_util

TOKEN = "bounds-t0ken"
MiB = 1024 * 1024


# -- helpers -----------------------------------------------------------------------------------
class Live:
    """``kerasprov serve|ui`` in a subprocess; ``peak_mib()`` reads its VmHWM."""

    def __init__(self, command: str, store, *args: str, token: str | None = None):
        self.port = ui_util.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        argv = [sys.executable, "-m", "kerasprov", command, "--store", str(store), "--port",
                str(self.port), *args]
        env = {k: v for k, v in os.environ.items() if k != "KERASPROV_TOKEN"}
        if token:
            env["KERASPROV_TOKEN"] = token
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"kerasprov {command} exited"
            try:
                if httpx.get(self.url + "/api/health", headers=self.headers,
                             timeout=2).is_success:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"kerasprov {command} did not answer within 90 s")

    def peak_mib(self) -> float:
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        raise AssertionError("no VmHWM")

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait(10)


def chunks(total: int, size: int = MiB):
    """A body with no length: httpx sends a generator chunked."""
    block = b"x" * size
    for _ in range(total // size):
        yield block


def send(srv: Live, method: str, path: str, mib: int, auth: bool, content_type: str):
    headers = {"content-type": content_type, **(srv.headers if auth else {})}
    return httpx.request(method, srv.url + path, content=chunks(mib * MiB), headers=headers,
                         timeout=120)


def every_route(store) -> list[tuple[str, str]]:
    """(method, concrete path) of every route the app serves, parameters filled in: a route
    added later is covered without editing this test."""
    from kerasprov.server.app import create_app
    app = create_app(str(store), token="x", ingest=True)
    found = []

    def walk(routes, prefix=""):
        for r in routes:
            inner = getattr(r, "original_router", None)
            if inner is not None:
                walk(inner.routes, prefix + (r.include_context.prefix or ""))
            elif getattr(r, "methods", None):
                path = re.sub(r"\{[^}]+\}", "x", prefix + r.path)
                found.extend((m, path) for m in sorted(r.methods) if m != "HEAD")
            elif getattr(r, "path", None):  # a mount (static files)
                found.append(("GET", prefix + r.path + "/x"))
    walk(app.routes)
    assert ("POST", "/login") in found and ("POST", "/api/events") in found, found
    return found


@pytest.fixture(scope="module")
def body_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("bounds") / "store"
    ui_util.generate_store(path, 2)
    return path


def _assert_413(r, path: str) -> None:
    assert r.status_code == 413, (path, r.status_code, r.text[:200])
    body = r.json()
    assert body["ok"] is False and "larger than" in body["error"], (path, body)


# -- request bodies ----------------------------------------------------------------------------
@pytest.mark.slow
def test_chunked_login_of_hundreds_of_megabytes_is_refused_while_it_streams(body_store):
    """The issue's case: 400 MiB chunked to POST /login (read whole before: +730 MiB)."""
    srv = Live("serve", body_store, token=TOKEN)
    try:
        before = srv.peak_mib()
        r = send(srv, "POST", "/login", 400, False, "application/x-www-form-urlencoded")
        _assert_413(r, "/login")
        r = send(srv, "POST", "/api/events", 300, False, "application/json")
        _assert_413(r, "/api/events")  # no token: still the body's bound that answers
        grown = srv.peak_mib() - before
        assert grown < 64, f"the server grew by {grown:.0f} MiB for 700 MiB sent"
        # Positive controls: a small chunked form still signs in; a wrong one is 401.
        ok = httpx.post(srv.url + "/login", content=iter([f"token={TOKEN}".encode()]),
                        headers={"content-type": "application/x-www-form-urlencoded"})
        assert ok.status_code == 303 and "kerasprov_session" in ok.headers["set-cookie"]
        bad = httpx.post(srv.url + "/login", content=iter([b"token=nope"]),
                         headers={"content-type": "application/x-www-form-urlencoded"})
        assert bad.status_code == 401
    finally:
        srv.stop()


@pytest.mark.slow
def test_every_route_bounds_a_chunked_body_before_authentication(body_store):
    """Every route of ``serve`` (1 MB bound here) and ``ui`` (its default 16 MiB), with and
    without the token: 64 MiB chunked gets 413, and the servers' peak memory stays flat."""
    routes = every_route(body_store)
    serve = Live("serve", body_store, "--max-body", "1000000", token=TOKEN)
    ui = Live("ui", body_store)
    try:
        before = {s: s.peak_mib() for s in (serve, ui)}
        for method, path in routes:
            ctype = "application/x-www-form-urlencoded" if path in ("/login", "/logout") \
                else "application/json"
            for srv, auth in ((serve, True), (serve, False), (ui, False)):
                _assert_413(send(srv, method, path, 64, auth, ctype), f"{method} {path}")
        for srv, bound in ((serve, 1), (ui, 16)):
            grown = srv.peak_mib() - before[srv]
            assert grown < 3 * bound + 40, f"grew {grown:.0f} MiB with a {bound} MiB bound"
        # Under the bound, a chunked body still reaches its route and is answered.
        r = httpx.post(serve.url + "/api/sql", headers={**serve.headers,
                       "content-type": "application/json"},
                       content=iter([b'{"sql": "SELECT count(*) AS n FROM runs"}']))
        assert r.status_code == 200 and r.json()["rows"] == [{"n": 2}]
        r = httpx.post(serve.url + "/api/sql", headers={"content-type": "application/json"},
                       content=iter([b'{"sql": "SELECT 1"}']))
        assert r.status_code == 401  # small and without the token: the token decides
    finally:
        serve.stop()
        ui.stop()


def test_a_declared_length_over_the_bound_is_refused_before_the_token(body_store):
    from starlette.testclient import TestClient

    from kerasprov.server.app import create_app
    client = TestClient(create_app(str(body_store), token=TOKEN, max_body=1000),
                        base_url="http://127.0.0.1:8765", raise_server_exceptions=False)
    for path, ctype in (("/api/sql", "application/json"), ("/runs.json", "text/plain"),
                        ("/login", "application/x-www-form-urlencoded")):
        r = client.post(path, content=b"x" * (70 * 1024), headers={"content-type": ctype})
        assert r.status_code == 413 and r.json()["max_body"] in (1000, 64 * 1024), path
        assert r.headers["x-content-type-options"] == "nosniff"  # still a guarded answer
    r = client.post("/api/sql", content=b'{"sql": "SELECT 1"}',
                    headers={"content-type": "application/json"})
    assert r.status_code == 401


# -- SQL that builds gigabytes (DuckDB) --------------------------------------------------------
GIGABYTE_QUERIES = {
    # the query: one string of 3.6 GB built by an aggregate
    "string_agg": "SELECT max(length(s)) FROM (SELECT string_agg(repeat('q', 400000), '') "
                  "AS s FROM range(9000))",
    # a list of 900 MB of strings
    "list": "SELECT length(list(repeat('z', 1000 + i % 7))::VARCHAR) FROM range(900000) t(i)",
    # vectors of 2,048 big strings, allocated outside DuckDB's memory accounting
    "strings": "SELECT max(length(repeat(i::VARCHAR, 300000))) FROM range(50000) t(i)",
    "lpad": "SELECT max(length(lpad(i::VARCHAR, 1500000, '.'))) FROM range(30000) t(i)",
}


# Runs `kerasprov sql` as its only child and prints the child's peak memory (KiB) last.
_PEAK = ("import resource, subprocess, sys; "
         "r = subprocess.run(sys.argv[1:]); "
         "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(r.returncode)")


def _sql_cli(store, query: str, **env: str) -> tuple[subprocess.CompletedProcess, float]:
    """``kerasprov sql`` in a process of its own: (its result, its peak memory in MiB)."""
    out = subprocess.run([sys.executable, "-c", _PEAK, sys.executable, "-m", "kerasprov",
                          "sql", query, "--store", str(store), "--timeout", "120"],
                         capture_output=True, text=True, timeout=300,
                         env={**os.environ, **env})
    *lines, peak = out.stdout.rstrip("\n").split("\n")
    out.stdout = "\n".join(lines)
    return out, int(peak) / 1024


@pytest.mark.slow
@pytest.mark.parametrize("name", list(GIGABYTE_QUERIES))
def test_sql_that_builds_gigabytes_stops_with_one_clear_error(body_store, name):
    """Each query in its own `kerasprov sql` process with a 256 MiB limit: one line naming
    the bound and how to raise it, exit 1, and the process never near the gigabytes."""
    out, peak_mib = _sql_cli(body_store, GIGABYTE_QUERIES[name], KERASPROV_SQL_MEMORY="256MiB")
    assert out.returncode != 0, out.stdout[-300:]
    err = out.stderr.strip()
    assert err.startswith("Error: the query needs more memory than the SQL sandbox allows "
                          "(256 MiB of memory"), err
    assert "KERASPROV_SQL_MEMORY" in err and "Traceback" not in err and len(
        err.splitlines()) == 1, err
    # 256 MiB for DuckDB, 3 x 256 MiB of address space beyond the process's own size
    assert peak_mib < 1200, f"{name}: the sql process peaked at {peak_mib:.0f} MiB"


@pytest.mark.slow
def test_a_sort_past_the_temp_bound_stops_and_the_temp_folder_is_bounded(body_store):
    q = ("SELECT count(*) FROM (SELECT i::VARCHAR || repeat('x', 60) AS s "
         "FROM range(4000000) t(i) ORDER BY s DESC)")
    out, _ = _sql_cli(body_store, q, KERASPROV_SQL_MEMORY="64MB",
                      KERASPROV_SQL_TEMP_LIMIT="32MB")
    assert out.returncode != 0 and "32 MiB of temporary files" in out.stderr, out.stderr
    tmp = body_store / "kerasprov.duckdb.tmp"
    size = sum(p.stat().st_size for p in tmp.rglob("*") if p.is_file()) if tmp.exists() else 0
    assert size <= 32 * MiB
    # With room, the same sort runs: the bound is what stopped it.
    ok, _ = _sql_cli(body_store, q, KERASPROV_SQL_MEMORY="2GB",
                     KERASPROV_SQL_TEMP_LIMIT="2GB")
    assert ok.returncode == 0 and "4000000" in ok.stdout, ok.stderr


def test_over_the_bound_leaves_the_process_and_store_as_they_were(body_store, monkeypatch):
    """In this process: the error, then the address-space limit and DuckDB's settings are
    back, and ordinary queries run; a bad setting is one clear error too."""
    import kerasprov
    from kerasprov.errors import BadRequest, QueryError
    monkeypatch.setenv("KERASPROV_SQL_MEMORY", "128MiB")
    store = kerasprov.open_store(str(body_store))
    limit_before = resource.getrlimit(resource.RLIMIT_AS)
    with pytest.raises(QueryError, match=r"needs more memory .*128 MiB of memory"):
        store.sql(GIGABYTE_QUERIES["string_agg"])
    with pytest.raises(QueryError, match="needs more memory"):
        store.sql(GIGABYTE_QUERIES["strings"])
    assert resource.getrlimit(resource.RLIMIT_AS) == limit_before
    assert store.sql("SELECT count(*) AS n FROM runs")["n"].tolist() == [2]
    with store.unit() as be:  # kerasprov's own work is not bounded by the sandbox
        (mem,), = be.fetchall("SELECT current_setting('memory_limit')")
        assert "128" not in mem and "MiB" not in mem, mem
    monkeypatch.setenv("KERASPROV_SQL_MEMORY", "lots")
    with pytest.raises(BadRequest, match="KERASPROV_SQL_MEMORY must be a size such as 512MB"):
        store.sql("SELECT 1")


def test_the_ui_answers_the_memory_error_in_its_envelope(body_store, monkeypatch):
    from starlette.testclient import TestClient

    from kerasprov.server.app import create_app
    monkeypatch.setenv("KERASPROV_SQL_MEMORY", "128MiB")
    client = TestClient(create_app(str(body_store)), base_url="http://127.0.0.1:8765",
                        raise_server_exceptions=False)
    r = client.get("/sql.json", params={"sql": GIGABYTE_QUERIES["string_agg"]})
    assert r.status_code == 400 and "needs more memory" in r.json()["error"]
    r = client.get("/sql.json", params={"sql": "SELECT count(*) AS n FROM runs"})
    assert r.status_code == 200 and r.json()["rows"] == [{"n": 2}]
