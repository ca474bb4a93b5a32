"""Helpers for the lineage tests (issue #4): SQL over the test store, pending-run cleanup."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path


def end_pending() -> None:
    """End a run a test left pending (transformations without a fit), in its own store."""
    from kerasprov.capture import session
    run = session.adopt_pending()
    if run is not None:
        run.end("finished")


def sql(store_dir, query: str):
    import kerasprov
    return kerasprov.open_store(str(store_dir)).sql(query)


def sha256_of(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def run_script(code: str | None, cwd, store_dir, name: str = "script.py", timeout: int = 300,
               args=()):
    """Run ``code`` as a real script in a fresh interpreter (its own process and run);
    ``code=None`` runs the script already at ``cwd/name``."""
    path = Path(cwd) / name
    if code is not None:
        path.write_text(textwrap.dedent(code))
    env = {**os.environ, "KERASPROV_STORE": str(store_dir), "KERAS_BACKEND": "torch"}
    out = subprocess.run([sys.executable, str(path), *args], cwd=cwd, env=env,
                         capture_output=True,
                         text=True, timeout=timeout, check=False)
    assert out.returncode == 0, out.stdout + out.stderr
    return out
