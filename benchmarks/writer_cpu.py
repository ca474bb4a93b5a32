"""CPU of kerasprov's outbox writer thread per fit and per epoch, in fresh processes.

    KERAS_BACKEND=torch .venv/bin/python benchmarks/writer_cpu.py [--procs 3] [--fits 5]
        [--workloads mlp,cnn,callbacks] [--baseline /path/to/other/src] [--no-profile]

The workloads are those of ``overhead.py`` (same models, data and callbacks): the plain
30-epoch MLP, the plain 5-epoch CNN and the MLP with a LearningRateScheduler, a
ReduceLROnPlateau and a ModelCheckpoint every epoch. Each process is fresh (its first fit
pays what a training script pays once: the environment, the writer thread's start) and runs
``--fits`` fits of one workload; torch runs on one thread.

- **writer CPU**: the thread's CPU time from ``/proc`` (schedstat, nanoseconds) from just
  before ``fit`` until its events are journaled (``kerasprov.flush``), as ``overhead.py``
  measures it; the first fit of each process and the later fits are reported apart
  (median over processes / over every later fit). kerasprov's other background thread,
  the hash thread (file hashes, and array fingerprints in trees that compute them there),
  is measured the same way and printed beside it, with the sum of both.
- **breakdown** (one more process per workload, not counted above: the profiler slows what
  it measures): the writer's ``Outbox._process`` runs under cProfile with a CPU-time clock,
  one profile for the first fit and one for the later ones; the rest of the thread's CPU
  (waiting, waking up, the loop) is the thread's total minus ``_process``.
- ``--baseline SRC``: also run every process with ``PYTHONPATH=SRC`` (another kerasprov
  source tree, e.g. a checkout of the commit before a change), alternating with this tree,
  so both see the same load.

Prints figures; asserts nothing.
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

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(os.path.dirname(HERE), "src")

# (label, how to find it in a profile: (file name ends with, function name)), disjoint
# activities first; "other" is what _process spends outside them.
ACTIVITIES = [
    ("environment (packages, git, devices)", ("extract.py", "environment")),
    ("layer rows", ("extract.py", "layer_rows")),
    ("data fingerprint (sha256 of arrays)", ("files.py", "array_fingerprint")),
    ("architecture file (json + write + hash)", ("files.py", "write")),
    ("waiting for the hash thread (file hashes)", ("_base.py", "result")),
    ("epoch row (shortest floats)", ("callback.py", "_shortest")),
    ("codec.encode", ("codec.py", "encode")),
    ("_utf8", ("writer.py", "_utf8")),
    ("journal write()", ("~", "<method 'write' of '_io.TextIOWrapper' objects>")),
    ("fsync", ("~", "<built-in method posix.fsync>")),
    ("flush()", ("~", "<method 'flush' of '_io.TextIOWrapper' objects>")),
    ("segment open/close", ("writer.py", "_segment")),
]


# -- child: one fresh process ------------------------------------------------------------------
def child(workload: str, fits: int, profile: bool) -> dict:
    os.environ.setdefault("KERAS_BACKEND", "torch")
    sys.path.insert(0, HERE)
    import bench_util as bu
    import keras

    import kerasprov
    if keras.backend.backend() == "torch":
        import torch
        torch.set_num_threads(1)
    import overhead

    tmp = tempfile.mkdtemp(prefix="kp-writer-cpu-")
    kerasprov.configure(store=os.path.join(tmp, "store"))
    chosen = {"mlp": 0, "cnn": 1, "callbacks": 2}[workload]
    w = overhead.workloads(False, tmp)[chosen]

    phase = {"name": "first"}
    profiles: dict = {}
    inside: dict = {}
    if profile:
        import cProfile

        from kerasprov.outbox import writer
        orig = writer.Outbox._process

        def process(self, batch):
            name = phase["name"]
            prof = profiles.setdefault(name, cProfile.Profile(time.thread_time))
            t0 = time.thread_time()
            prof.enable()
            try:
                return orig(self, batch)
            finally:
                prof.disable()
                inside[name] = inside.get(name, 0.0) + time.thread_time() - t0
        writer.Outbox._process = process

    out = {"workload": workload, "epochs": w.epochs, "fits": []}
    for i in range(fits):
        phase["name"] = "first" if i == 0 else "later"
        model = w.build()
        callbacks = w.callbacks()
        model.provenance("bench", adaptation=True)
        c0 = bu.thread_cpu_s(bu.writer_thread())
        h0 = bu.thread_cpu_s(_hash_thread())
        t0 = time.perf_counter()
        model.fit(w.x, w.y, epochs=w.epochs, batch_size=64, verbose=0, callbacks=callbacks)
        fit_s = time.perf_counter() - t0
        kerasprov.flush(60)
        c1 = bu.thread_cpu_s(bu.writer_thread())
        h1 = bu.thread_cpu_s(_hash_thread())
        out["fits"].append({"writer_s": c1 - c0, "hash_s": h1 - h0, "fit_s": fit_s})
    if profile:
        import pstats
        phase["name"] = "done"  # whatever the writer does from now on is not reported
        out["profile"] = {}
        for name, prof in list(profiles.items()):
            if name == "done":
                continue
            stats = pstats.Stats(prof).stats
            acts = {}
            for label, (suffix, func) in ACTIVITIES:
                acts[label] = sum(v[3] for k, v in stats.items()
                                  if k[0].endswith(suffix) and k[2] == func)
            out["profile"][name] = {"process_s": inside[name], "activities": acts}
    return out


def _hash_thread():
    """kerasprov's hash thread (file hashes, array fingerprints), if started."""
    import threading
    for t in threading.enumerate():
        if t.name.startswith("kerasprov-hash") and t.is_alive():
            return t
    return None


# -- parent -------------------------------------------------------------------------------------
def spawn(src: str, workload: str, fits: int, profile: bool) -> dict:
    env = dict(os.environ, PYTHONPATH=src, KERAS_BACKEND=os.environ.get("KERAS_BACKEND",
                                                                        "torch"))
    cmd = [sys.executable, os.path.abspath(__file__), "--child", workload, "--fits", str(fits)]
    if profile:
        cmd.append("--profile")
    res = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if res.returncode != 0:
        raise SystemExit(f"child failed ({src}, {workload}):\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def _ms(x: float) -> str:
    return f"{x * 1e3:7.2f}"


def report(label: str, runs: list[dict]) -> None:
    epochs = runs[0]["epochs"]
    first = [r["fits"][0]["writer_s"] for r in runs]
    later = [f["writer_s"] for r in runs for f in r["fits"][1:]]
    fit_s = [f["fit_s"] for r in runs for f in r["fits"][1:]]
    line = (f"  {label:<10} first fit {_ms(statistics.median(first))} ms "
            f"({_ms(statistics.median(first) / epochs)} ms/epoch)")
    if later:
        lq = statistics.quantiles(later, n=4) if len(later) > 1 else [later[0]] * 3
        line += (f" | later fits {_ms(statistics.median(later))} ms "
                 f"({_ms(statistics.median(later) / epochs)} ms/epoch, IQR "
                 f"{lq[0] / epochs * 1e3:.2f}-{lq[2] / epochs * 1e3:.2f}; "
                 f"n={len(later)}; fit {statistics.median(fit_s):.2f} s)")
    print(line)
    # The hash thread (file hashes; array fingerprints where they run there): kerasprov's
    # background CPU is the writer's plus this.
    h_first = [r["fits"][0].get("hash_s", 0.0) for r in runs]
    h_later = [f.get("hash_s", 0.0) for r in runs for f in r["fits"][1:]]
    both = [f["writer_s"] + f.get("hash_s", 0.0) for r in runs for f in r["fits"][1:]]
    line = (f"  {'':<10} hash thread: first fit {_ms(statistics.median(h_first))} ms")
    if later:
        line += (f" | later fits {_ms(statistics.median(h_later))} ms "
                 f"({_ms(statistics.median(h_later) / epochs)} ms/epoch); writer + hash "
                 f"threads, later fits: {statistics.median(both) / epochs * 1e3:.2f} ms/epoch")
    print(line)


def report_profile(label: str, prof: dict, epochs: int, later_fits: int,
                   totals: dict) -> None:
    for phase, div in (("first", 1), ("later", max(1, later_fits))):
        p = prof.get(phase)
        if not p:
            continue
        total = totals[phase] / div
        inside = p["process_s"] / div
        print(f"  {label} / {phase} fit{'s (per fit)' if phase == 'later' else ''}: thread "
              f"{total * 1e3:.2f} ms (profiled, slower), of which _process {inside * 1e3:.2f} ms,"
              f" outside it (waits, wake-ups, loop) {(total - inside) * 1e3:.2f} ms")
        named = 0.0
        for act, sec in p["activities"].items():
            if sec / div >= 5e-6:
                print(f"      {act:<48} {sec / div * 1e3:8.3f} ms  "
                      f"({sec / div / epochs * 1e3:.3f} ms/epoch)")
            named += sec / div
        print(f"      {'other inside _process':<48} {(inside - named) * 1e3:8.3f} ms")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procs", type=int, default=3, help="fresh processes per workload")
    parser.add_argument("--fits", type=int, default=5, help="fits per process")
    parser.add_argument("--workloads", default="mlp,cnn,callbacks")
    parser.add_argument("--baseline", help="another kerasprov src tree to run alternately")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--profile", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.fits, args.profile)))
        return
    sources = [("this tree", SRC)] + ([("baseline", args.baseline)] if args.baseline else [])
    load = os.getloadavg()
    print(f"writer thread CPU, {args.procs} fresh processes x {args.fits} fits per workload, "
          f"torch 1 thread; load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    for wl in args.workloads.split(","):
        runs: dict[str, list[dict]] = {name: [] for name, _ in sources}
        for p in range(args.procs):
            order = sources if p % 2 == 0 else sources[::-1]
            for name, src in order:
                runs[name].append(spawn(src, wl, args.fits, False))
        print(f"\n== {wl} ({runs[sources[0][0]][0]['epochs']} epochs per fit)")
        for name, _ in sources:
            report(name, runs[name])
        if args.no_profile:
            continue
        for name, src in sources:
            r = spawn(src, wl, args.fits, True)
            totals = {"first": r["fits"][0]["writer_s"],
                      "later": sum(f["writer_s"] for f in r["fits"][1:])}
            report_profile(f"{wl} [{name}]", r["profile"], r["epochs"], args.fits - 1, totals)
    load = os.getloadavg()
    print(f"\nload after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
