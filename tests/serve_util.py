"""``kerasprov serve`` in a subprocess for tests: start, kill (SIGKILL), start again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from pg_util import free_port

SRC = str(Path(__file__).resolve().parents[1] / "src")


class Served:
    """One server process on a fixed port (a restart keeps the URL)."""

    def __init__(self, store: str, log: Path):
        self.store, self.log = store, log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60.0) -> Served:
        env = {k: v for k, v in os.environ.items() if k != "KERASPROV_TOKEN"}
        env["PYTHONPATH"] = SRC + os.pathsep + env.get("PYTHONPATH", "")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kerasprov", "serve", "--store", self.store, "--port",
             str(self.port)], env=env, stdout=subprocess.DEVNULL,
            stderr=open(self.log, "ab"))  # noqa: SIM115 (the child owns it)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text()
            try:
                if httpx.get(self.url + "/api/health", timeout=1).is_success:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise AssertionError("server did not start: " + self.log.read_text())

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
