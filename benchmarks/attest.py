"""What signing costs (issue #22): the training thread and the writer thread, attest off/on.

Fresh processes, alternating off and on; each trains ``--fits`` MLPs of 20 epochs (each
fit, its evaluate and its model save are one run, signed at the fit's end and again after
the evaluate and the save) into its own DuckDB store and prints:

- training thread: ``fit`` + ``evaluate`` CPU of the training thread (``thread_time``) and
  wall per run (the only work signing adds there is reserving one sequence number per
  closing event);
- writer thread: CPU spent building the statements and signing them (``Observer.cpu_s``),
  per run and per signature, and the envelope size.

Run: ``KERAS_BACKEND=torch .venv/bin/python benchmarks/attest.py [--procs 3] [--fits 5]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

CHILD = r'''
import json, os, sys, tempfile, time
import numpy as np
import torch
torch.set_num_threads(1)
import keras
import kerasprov
from kerasprov.capture import session
store = tempfile.mkdtemp()
kerasprov.configure(store=store, attest=sys.argv[1] == "on")
rng = np.random.default_rng(0)
x = rng.normal(size=(512, 16)).astype("float32")
y = (x[:, :1] > 0).astype("float32")
walls, cpus = [], []
for i in range(int(sys.argv[2])):
    m = keras.Sequential([keras.Input((16,)), keras.layers.Dense(32, activation="relu"),
                          keras.layers.Dense(1, activation="sigmoid")])
    m.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    m.provenance(dataflow_tag="bench")
    t0, c0 = time.perf_counter(), time.thread_time()
    m.fit(x, y, epochs=20, batch_size=64, validation_split=0.2, verbose=0)
    m.evaluate(x, y, verbose=0)
    walls.append(time.perf_counter() - t0)
    cpus.append(time.thread_time() - c0)
    m.save(os.path.join(store, f"m{i}.keras"))
kerasprov.flush()
box = session.get_outbox()
obs = box.observe
s = kerasprov.open_store(store)
sizes = [len(e) for e in s.read("SELECT envelope FROM attestation")["envelope"]] \
    if obs is not None else []
print(json.dumps({"walls": walls[1:], "cpus": cpus[1:], "first": walls[0],
                  "sign_cpu_s": obs.cpu_s if obs else 0.0, "signed": obs.signed if obs else 0,
                  "runs": int(sys.argv[2]), "envelope_bytes": sizes}))
'''


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--procs", type=int, default=3)
    ap.add_argument("--fits", type=int, default=5)
    args = ap.parse_args()
    key = os.path.join(tempfile.mkdtemp(), "bench-key.pem")
    env = {**os.environ, "KERAS_BACKEND": "torch", "KERASPROV_SIGNING_KEY": key}
    env.pop("KERASPROV_ATTEST", None)
    got: dict[str, list[dict]] = {"off": [], "on": []}
    for _ in range(args.procs):
        for mode in ("off", "on"):
            out = subprocess.run([sys.executable, "-c", CHILD, mode, str(args.fits)], env=env,
                                 capture_output=True, text=True, check=True)
            got[mode].append(json.loads(out.stdout.strip().splitlines()[-1]))
    load = os.getloadavg()[0]
    print(f"attest off/on: {args.procs} fresh processes each, {args.fits} runs of 20 epochs "
          f"each (first run of a process apart), load {load:.1f}")
    for mode in ("off", "on"):
        for what, key in (("training-thread CPU", "cpus"), ("wall", "walls")):
            vals = [w for r in got[mode] for w in r[key]]
            q = statistics.quantiles(vals, n=4)
            print(f"  {mode:>3}: fit+evaluate {what} per run median "
                  f"{statistics.median(vals) * 1e3:.1f} ms [IQR {q[0] * 1e3:.1f}-"
                  f"{q[2] * 1e3:.1f}]")
    on = got["on"]
    cpu = sum(r["sign_cpu_s"] for r in on)
    runs = sum(r["runs"] for r in on)
    signed = sum(r["signed"] for r in on)
    sizes = [b for r in on for b in r["envelope_bytes"]]
    print(f"  writer CPU for statements and signatures: {cpu / runs * 1e3:.2f} ms per run, "
          f"{cpu / max(signed, 1) * 1e3:.2f} ms per signature ({signed / runs:.1f} signatures "
          f"per run: at the fit's end, after evaluate, after save), the first one of a "
          f"process includes loading (or creating) the key")
    print(f"  envelope size: median {statistics.median(sizes) / 1024:.1f} KiB")


if __name__ == "__main__":
    t0 = time.perf_counter()
    main()
    print(f"({time.perf_counter() - t0:.0f} s)")
