"""A real PostgreSQL server for tests: started once per test session, shared by every module.

``KERASPROV_TEST_PG_URL`` (e.g. set by ``scripts/pg-test-server``) points the tests at a
server that is already running. Otherwise the Debian binaries in /usr/lib/postgresql/*/bin
start a throw-away cluster on a free loopback port; PostgreSQL refuses to run as root, so as
root the server runs as the ``postgres`` user. Each test gets its own fresh database.

tests/conftest.py loads this module as a plugin (``pytest_plugins``), so ``pg_admin_url``,
``pg_url`` and ``unit`` need no import. Modules that still import them (``from pg_util
import pg_admin_url``) get a fixture of their own, and pytest would run a session fixture
once per such module: the server itself is therefore one per process (``shared_admin_url``),
stopped when the session ends.
"""

from __future__ import annotations

import atexit
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest

ADMIN_USER = "kp"


def pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    return Path(found[-1]).parent if found else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--"] + cmd


class PgServer:
    """One throw-away cluster: ``start()``, ``url(db)``, ``new_database()``, ``stop()``."""

    def __init__(self):
        self.bin = pg_bin()
        self.dir = Path(tempfile.mkdtemp(prefix="kp-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()

    def start(self, fsync: bool = False) -> PgServer:
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        subprocess.run(_as_server_user([
            str(self.bin / "initdb"), "-D", str(self.data), "-U", ADMIN_USER, "-A", "trust",
            "-E", "UTF8", "--no-sync"]), check=True, capture_output=True, cwd=self.dir)
        opts = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
                "-c max_connections=100 -c shared_buffers=64MB")
        if not fsync:  # a test cluster is thrown away: durability only costs time here
            opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        subprocess.run(_as_server_user([
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "log"),
            "-o", opts, "-w", "-t", "60", "start"]), check=True, capture_output=True,
            cwd=self.dir)
        return self

    def url(self, db: str = "postgres") -> str:
        return f"postgresql://{ADMIN_USER}@127.0.0.1:{self.port}/{db}"

    def stop(self) -> None:
        subprocess.run(_as_server_user([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m",
                                        "immediate", "-w", "stop"]),
                       check=False, capture_output=True, cwd=self.dir)
        shutil.rmtree(self.dir, ignore_errors=True)


def new_database(admin_url: str) -> str:
    """A fresh empty database on the server of ``admin_url``; returns its URL."""
    import psycopg
    name = "kp_" + uuid.uuid4().hex[:12]
    with psycopg.connect(admin_url, autocommit=True) as con:
        con.execute(f"CREATE DATABASE {name}")
    return admin_url.rsplit("/", 1)[0] + "/" + name


def _wait_ready(url: str, timeout: float = 30.0) -> None:
    import psycopg
    deadline = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(url, connect_timeout=2):
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


_shared: dict[str, object] = {}  # "server": PgServer, or "error": why it did not start


def shared_admin_url() -> str:
    """The URL of this process's one test server (started on first use), or of the server
    ``KERASPROV_TEST_PG_URL`` names."""
    given = os.environ.get("KERASPROV_TEST_PG_URL")
    if given:
        _wait_ready(given)
        return given
    if "error" in _shared:  # failed once: fail fast in every later module
        raise RuntimeError(f"the test PostgreSQL did not start: {_shared['error']}")
    if "server" not in _shared:
        server = PgServer()
        try:
            server.start()
            _wait_ready(server.url())
        except Exception as exc:
            _shared["error"] = repr(exc)
            server.stop()
            raise
        _shared["server"] = server
        atexit.register(stop_shared)  # also when this module is not loaded as a plugin
    return _shared["server"].url()


def stop_shared() -> None:
    server = _shared.pop("server", None)
    if server is not None:
        server.stop()


def pytest_sessionfinish(session, exitstatus) -> None:
    """A plugin hook: the session's server goes when the session ends."""
    stop_shared()


@pytest.fixture(scope="session")
def pg_admin_url():
    """URL of a running PostgreSQL server's ``postgres`` database (one per session)."""
    pytest.importorskip("psycopg", reason="psycopg (the 'postgres' extra) is not installed")
    if not os.environ.get("KERASPROV_TEST_PG_URL") and pg_bin() is None:
        pytest.skip("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); "
                    "install the Debian package 'postgresql' or set KERASPROV_TEST_PG_URL")
    return shared_admin_url()


@pytest.fixture
def pg_url(pg_admin_url):
    """A fresh, empty database for one test."""
    return new_database(pg_admin_url)


def store_unit(kind: str, tmp_path, pg: str | None = None):
    """A unit of work (no journal ingest) on a fresh store of ``kind``."""
    if kind == "postgres":
        from kerasprov.store.postgres import PostgresStore
        return PostgresStore(pg).unit(ingest=False)
    from kerasprov.store.embedded import EmbeddedStore
    return EmbeddedStore(tmp_path / "store").unit(ingest=False)


@pytest.fixture(params=["duckdb", "postgres"])
def unit(request, tmp_path):
    """Opens a unit of work on a DuckDB directory store, then on a real PostgreSQL."""
    pg = request.getfixturevalue("pg_url") if request.param == "postgres" else None
    return lambda: store_unit(request.param, tmp_path, pg)
