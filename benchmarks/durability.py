"""How soon an epoch is on disk after it ends, and what the writer pays for it.

    KERAS_BACKEND=torch .venv/bin/python benchmarks/durability.py [--procs 2] [--fits 4]
        [--baseline /path/to/other/src]

"An epoch ends" is the moment kerasprov hands the epoch's row to its outbox (the end of
its last ``on_epoch_end``); "on disk" is the moment the ``fsync`` of the journal segment
holding that row returns. Both are read in the training process by wrapping
``Outbox.put`` and the writer's ``_sync`` (the clocks are ``perf_counter``), so the figure
is the delay a SIGKILL or a power cut could lose, per epoch.

Workloads (those of ``overhead.py``): the plain 30-epoch MLP (epochs of a few tens of ms)
and the same MLP with a LearningRateScheduler, a ReduceLROnPlateau and a checkpoint every
epoch; each in fresh processes (``--procs``) of ``--fits`` fits, torch on one thread. For
each: the delay's median, p90, p99 and maximum over every epoch of every fit, the writes
(groups) and fsyncs per fit, and the writer thread's CPU per epoch. ``--baseline SRC``
runs the same in processes with another kerasprov source tree (alternating), so the two
see the same load. Prints figures; asserts nothing.
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


def child(workload: str, fits: int) -> dict:
    os.environ.setdefault("KERAS_BACKEND", "torch")
    sys.path.insert(0, HERE)
    import bench_util as bu
    import keras
    if keras.backend.backend() == "torch":
        import torch
        torch.set_num_threads(1)
    import overhead

    import kerasprov
    from kerasprov.outbox import writer

    tmp = tempfile.mkdtemp(prefix="kp-durability-")
    kerasprov.configure(store=os.path.join(tmp, "store"))
    w = overhead.workloads(False, tmp)[{"mlp": 0, "callbacks": 2}[workload]]

    from kerasprov.capture import session

    handed: dict[tuple, float] = {}  # (run, seq) of an epoch row -> when it was handed over
    delays: list[float] = []
    counts = {"fsync": 0}
    put, sync = writer.Outbox.put, writer.Outbox._sync
    put_built = getattr(writer.Outbox, "put_built", None)  # older trees: put only
    epoch_event = getattr(session, "_epoch_event", None)

    def timed_put(self, event, sync=False, close=False, **more):
        if event.get("set") == "otrainingmodel":
            handed[(event["run"], event["seq"])] = time.perf_counter()
        return put(self, event, sync=sync, close=close, **more)

    def timed_put_built(self, item, **more):
        if item[0] is epoch_event:  # (build, run, seq, ...): built on the writer
            handed[(item[1], item[2])] = time.perf_counter()
        return put_built(self, item, **more)

    def timed_sync(seg):
        items = list(seg.unsynced)
        dirty = seg.dirty
        sync(seg)
        if dirty:
            counts["fsync"] += 1
        now = time.perf_counter()
        for item in items:
            t0 = handed.pop((item[0].get("run"), item[0].get("seq")), None)
            if t0 is not None:
                delays.append(now - t0)

    writer.Outbox.put = timed_put
    if put_built is not None:
        writer.Outbox.put_built = timed_put_built
    writer.Outbox._sync = staticmethod(timed_sync)
    out = {"workload": workload, "epochs": w.epochs, "fits": []}
    for _ in range(fits):
        model = w.build()
        model.provenance("bench", adaptation=True)
        delays.clear()
        counts["fsync"] = 0
        c0 = bu.thread_cpu_s(bu.writer_thread())
        t0 = time.perf_counter()
        model.fit(w.x, w.y, epochs=w.epochs, batch_size=64, verbose=0,
                  callbacks=w.callbacks())
        fit_s = time.perf_counter() - t0
        kerasprov.flush(60)
        out["fits"].append({"delays": list(delays), "fsyncs": counts["fsync"],
                            "writer_s": bu.thread_cpu_s(bu.writer_thread()) - c0,
                            "fit_s": fit_s, "missing": len(handed)})
        handed.clear()
    return out


def spawn(src: str, workload: str, fits: int) -> dict:
    env = dict(os.environ, PYTHONPATH=src,
               KERAS_BACKEND=os.environ.get("KERAS_BACKEND", "torch"))
    res = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", workload,
                          "--fits", str(fits)], env=env, capture_output=True, text=True,
                         check=False)
    if res.returncode != 0:
        raise SystemExit(f"child failed ({src}, {workload}):\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def _q(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p * (len(values) - 1))))]


def report(label: str, runs: list[dict]) -> None:
    fits = [f for r in runs for f in r["fits"][1:]] or [f for r in runs for f in r["fits"]]
    epochs = runs[0]["epochs"]
    delays = [d * 1e3 for f in fits for d in f["delays"]]
    fit_ms = statistics.median(f["fit_s"] for f in fits) * 1e3
    print(f"  {label:<10} on disk after the epoch's end: median {statistics.median(delays):.2f}"
          f" ms, p90 {_q(delays, 0.9):.2f}, p99 {_q(delays, 0.99):.2f}, max {max(delays):.2f}"
          f" (n={len(delays)} epochs; epoch {fit_ms / epochs:.1f} ms)")
    print(f"  {'':<10} fsyncs per fit {statistics.median(f['fsyncs'] for f in fits):.0f}; "
          f"writer CPU {statistics.median(f['writer_s'] for f in fits) / epochs * 1e3:.3f} "
          f"ms/epoch, {statistics.median(f['writer_s'] for f in fits) * 1e3:.1f} ms/fit; "
          f"rows never fsynced: {sum(f['missing'] for f in fits)}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--fits", type=int, default=4)
    parser.add_argument("--workloads", default="mlp,callbacks")
    parser.add_argument("--baseline", help="another kerasprov src tree, run alternately")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.fits)))
        return
    sources = [("this tree", SRC)] + ([("baseline", args.baseline)] if args.baseline else [])
    load = os.getloadavg()
    print(f"epoch -> on disk, {args.procs} fresh processes x {args.fits} fits per workload "
          f"(the first fit of each process not counted), torch 1 thread, {os.cpu_count()} "
          f"CPU cores; load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    for wl in args.workloads.split(","):
        runs: dict[str, list[dict]] = {name: [] for name, _ in sources}
        for p in range(args.procs):
            for name, src in (sources if p % 2 == 0 else sources[::-1]):
                runs[name].append(spawn(src, wl, args.fits))
        print(f"\n== {wl} ({runs[sources[0][0]][0]['epochs']} epochs per fit)")
        for name, _ in sources:
            report(name, runs[name])
    load = os.getloadavg()
    print(f"\nload after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
