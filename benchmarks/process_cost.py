"""What capture costs a whole training process: prints figures, asserts nothing.

    KERAS_BACKEND=torch .venv/bin/python benchmarks/process_cost.py [--repeats 3] [--fits 20]

Fresh processes, one per measurement, alternating tools (the order rotates every repeat):
no capture, kerasprov, MLflow's Keras autolog (``log_models=False``, file store; when
``mlflow`` is installed) and a minimal W&B-like epoch logger (``bench_util``; W&B's own
service process is not counted). Each process trains a small MLP and exits as a user
script would (kerasprov's exit handler finishes its journal and delivery).

- **peak RSS**: one small fit per process; the whole process, exit included, as the
  kernel reports it to the parent (``os.wait4``'s ``ru_maxrss``);
- **many short fits**: ``--fits`` fits of about half a second in one process; the sum of
  the fits' wall times (measured inside), the process's CPU time (all threads, exit
  included, from ``os.wait4``) and its wall time (measured by the parent);
- which of duckdb, pandas and pyarrow the process had imported after its fits (for
  kerasprov, once its writer has journaled them: ``kerasprov.flush()``, outside the fits'
  wall time). Keras itself imports pandas (and with it pyarrow) when it is installed.

Medians [interquartile range] over the repeats, with the load average beside them.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
HEAVY = ("duckdb", "pandas", "pyarrow")


# -- child ----------------------------------------------------------------------------------
def child(mode: str, fits: int, epochs: int, tmp: str) -> None:
    os.environ.setdefault("KERAS_BACKEND", "torch")
    t_start = time.perf_counter()
    import keras
    import numpy as np
    if keras.backend.backend() == "torch":
        import torch
        torch.set_num_threads(1)
    callbacks = []
    if mode == "kerasprov":
        import kerasprov
        kerasprov.configure(store=os.path.join(tmp, "store"))
    elif mode == "mlflow":
        import logging

        import mlflow
        os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
        logging.getLogger("mlflow").setLevel(logging.ERROR)
        mlflow.set_tracking_uri("file:" + os.path.join(tmp, "mlruns"))
        mlflow.keras.autolog(log_models=False, silent=True)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2048, 32)).astype("float32")
    y = keras.utils.to_categorical((x[:, :4].sum(axis=1) > 0).astype(int), 2)
    walls = []
    for i in range(fits):
        keras.utils.set_random_seed(i)
        model = keras.Sequential([keras.Input((32,)), keras.layers.Dense(64, activation="relu"),
                                  keras.layers.Dense(64, activation="relu"),
                                  keras.layers.Dense(2, activation="softmax")])
        model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="categorical_crossentropy",
                      metrics=["accuracy"])
        if mode == "kerasprov":
            model.provenance("bench", adaptation=True)
        if mode == "wandb-like":
            from bench_util import epoch_logger
            callbacks = [epoch_logger(os.path.join(tmp, "wandb-like.jsonl"))]
        t0 = time.perf_counter()
        model.fit(x, y, epochs=epochs, batch_size=64, verbose=0, callbacks=callbacks)
        walls.append(time.perf_counter() - t0)
    if mode == "kerasprov":  # what its writer imports for the run's end, too
        import kerasprov
        kerasprov.flush(60)
    heavy = sorted({m.split(".")[0] for m in sys.modules if m.split(".")[0] in HEAVY})
    print(json.dumps({"walls": walls, "heavy": heavy,
                      "in_process_s": time.perf_counter() - t_start}), flush=True)


# -- parent ---------------------------------------------------------------------------------
def spawn(mode: str, fits: int, epochs: int) -> dict:
    tmp = tempfile.mkdtemp(prefix="kp-proc-")
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "--child", mode, "--fits", str(fits),
                             "--epochs", str(epochs), "--tmp", tmp],
                            stdout=subprocess.PIPE, stderr=open(os.path.join(tmp, "stderr"), "w"),
                            text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        with open(os.path.join(tmp, "stderr")) as fh:
            raise RuntimeError(f"{mode} child failed ({proc.returncode}):\n{fh.read()[-3000:]}")
    report = json.loads(out.strip().splitlines()[-1])
    report.update(wall=wall, cpu=usage.ru_utime + usage.ru_stime,
                  rss_mib=usage.ru_maxrss / 1024)  # Linux: KiB
    return report


def _summary(values):
    sys.path.insert(0, HERE)
    from bench_util import summary
    return summary(values)


def _fmt(values, unit, digits=1, scale=1.0):
    m, q1, q3 = _summary([v * scale for v in values])
    return f"{m:.{digits}f} {unit} [IQR {q1:.{digits}f}-{q3:.{digits}f}]"


def measure(modes, repeats, fits, epochs, title):
    from bench_util import load
    before = load()
    res = {m: [] for m in modes}
    for r in range(repeats):
        order = modes[r % len(modes):] + modes[:r % len(modes)]
        for mode in order:
            res[mode].append(spawn(mode, fits, epochs))
    print(f"\n== {title}: {repeats} fresh processes per tool, alternating; {before} before, "
          f"{load()} after")
    return res


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--fits", type=int, default=20)
    parser.add_argument("--epochs", type=int, default=10, help="per short fit (~0.5 s)")
    parser.add_argument("--no-mlflow", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--tmp", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sys.path.insert(0, HERE)
    if args.child:
        child(args.child, args.fits, args.epochs, args.tmp)
        return
    from bench_util import load
    modes = ["none", "kerasprov", "wandb-like"]
    if not args.no_mlflow and importlib.util.find_spec("mlflow") is not None:
        modes.insert(2, "mlflow")
    env_path = os.environ.get("PYTHONPATH", "")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPU cores, torch on 1 thread, "
          f"PYTHONPATH={env_path or '(unset)'}, {load()}")

    res = measure(modes, args.repeats, 1, args.epochs,
                  f"peak RSS, one small fit ({args.epochs} epochs) per process")
    base = _summary([r["rss_mib"] for r in res["none"]])[0]
    for mode in modes:
        rss = [r["rss_mib"] for r in res[mode]]
        heavy = ", ".join(res[mode][0]["heavy"]) or "none of " + "/".join(HEAVY)
        print(f"  {mode:<11} {_fmt(rss, 'MiB')}  +{_summary(rss)[0] - base:.1f} MiB vs none"
              f"   imported after fit: {heavy}")

    res = measure(modes, args.repeats, args.fits, args.epochs,
                  f"{args.fits} short fits ({args.epochs} epochs each) in one process")
    b_fit = _summary([sum(r["walls"]) for r in res["none"]])[0]
    b_cpu = _summary([r["cpu"] for r in res["none"]])[0]
    b_wall = _summary([r["wall"] for r in res["none"]])[0]
    print(f"  {'tool':<11} {'fits wall (sum)':<28} {'process CPU, exit incl.':<28} "
          f"{'process wall, exit incl.':<28} peak RSS")
    for mode in modes:
        fit = [sum(r["walls"]) for r in res[mode]]
        cpu = [r["cpu"] for r in res[mode]]
        wall = [r["wall"] for r in res[mode]]
        rss = [r["rss_mib"] for r in res[mode]]
        print(f"  {mode:<11} {_fmt(fit, 's', 2):<20} {_summary(fit)[0] / b_fit * 100 - 100:+5.1f}%"
              f"  {_fmt(cpu, 's', 2):<20} {_summary(cpu)[0] / b_cpu * 100 - 100:+5.1f}%"
              f"  {_fmt(wall, 's', 2):<20} {_summary(wall)[0] / b_wall * 100 - 100:+5.1f}%"
              f"  {_summary(rss)[0]:.0f} MiB")
    print("\ntargets: kerasprov <= 5 % wall on many short fits, <= 20 MiB more peak RSS, "
          "no duckdb/pandas/pyarrow in a training process")


if __name__ == "__main__":
    main()
