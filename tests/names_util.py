"""A small real store for the CLI message and run-name tests: three trainings of dataflow
``flowers`` in a fresh process (so no capture state leaks into the test process).

- ``none``: a ``Filter`` with filter_name "none" before the fit, Adam 0.01.
- ``gray``: the same with filter_name "gray-scale", tagged ``["gpu"]``.
- ``named``: filter "gray-scale", Adam 0.001, ``run_name="baseline"``, tags
  ``{"team": "vision"}``, through ``ProvenanceCallback``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

TESTS = Path(__file__).resolve().parent
SCRIPT = """
import json, sys
sys.path.insert(0, {tests!r})
import keras
import kerasprov
from kp_util import data, mlp

x, y = data(n=96)
ids = {{}}
for key, filt, lr in (("none", "none", 1e-2), ("gray", "gray-scale", 1e-2),
                      ("named", "gray-scale", 1e-3)):
    with kerasprov.transformation("Filter", dataflow="flowers",
                                  inputs={{"filter_name": filt}}) as t:
        t.output(channels=3 if filt == "none" else 1)
    m = mlp(lr=lr)
    callbacks = []
    if key == "named":
        callbacks = [kerasprov.ProvenanceCallback("flowers", run_name="baseline",
                                                  tags={{"team": "vision"}})]
    else:
        m.provenance("flowers", tags=["gpu"] if key == "gray" else None)
    m.fit(x, y, epochs=2, batch_size=32, validation_split=0.25, verbose=0,
          callbacks=callbacks)
    m.evaluate(x, y, verbose=0)
    ids[key] = m._kerasprov_state.run.id
kerasprov.flush()
print(json.dumps(ids))
"""


def train_store(root: Path) -> tuple[Path, dict[str, str]]:
    """Train the three runs into ``root/store``; returns the store and {key: run id}."""
    store = root / "store"
    script = root / "train.py"
    script.write_text(textwrap.dedent(SCRIPT.format(tests=str(TESTS))))
    env = {**os.environ, "KERASPROV_STORE": str(store), "KERAS_BACKEND": "torch"}
    out = subprocess.run([sys.executable, str(script)], cwd=root, env=env,
                         capture_output=True, text=True, timeout=600, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    return store, json.loads(out.stdout.strip().splitlines()[-1])


def kp(*args: str, env: dict | None = None, cwd=None, timeout: int = 120):
    """``kerasprov ARGS`` in a real process: (exit code, stdout, stderr)."""
    out = subprocess.run([sys.executable, "-m", "kerasprov", *args], capture_output=True,
                         text=True, timeout=timeout, cwd=cwd,
                         env={**os.environ, **(env or {})}, check=False)
    return out.returncode, out.stdout, out.stderr
