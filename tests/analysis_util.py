"""One real store with three captured runs, built once per test process and shared.

- ``gray``: dataflow ``alexnet``; a user ``Filter`` transformation (filter_name "gray")
  before the fit, Adam, a LearningRateScheduler that halves the rate at epochs 1 and 2
  (two adaptations), validation split, one evaluate, one file used and one generated.
- ``none``: dataflow ``alexnet``; Filter "none" (threshold NaN), SGD, no adaptation,
  one evaluate.
- ``other``: dataflow ``other``; Adam, no filter, no evaluate (must never leak into
  queries about ``alexnet``), and a ``LoadData`` step whose output set ``oloaddata`` no
  transformation reads (no path leads to it).

The Filter rows are emitted through ``pending_run`` exactly as the transformation API does.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import tempfile
import time
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "torch")

EPOCHS = {"gray": 3, "none": 2, "other": 2}
_BUILT: dict[str, object] = {}


def _filter(name: str, n: int, tmp: Path, dataflow: str) -> None:
    from kerasprov.capture import session
    run = session.pending_run(dataflow)
    task = run.task_start("Filter", inputs=["ifilter"], outputs=["ofilter"])
    # A NaN parameter (the "none" filter has no threshold) must survive every export.
    threshold = 0.5 if name == "gray" else float("nan")
    run.rows(task, "Filter", "ifilter", [{"filter_name": name, "images": n,
                                          "threshold": threshold}])
    src = tmp / f"raw-{name}.bin"
    src.write_bytes(b"the same raw images in every run")
    out = tmp / f"filtered-{name}.bin"
    out.write_bytes(f"filtered with {name}".encode())
    for path, role in ((src, "used"), (out, "generated")):
        data = path.read_bytes()
        run.emit("file", task=task, path=str(path), role=role, size=len(data),
                 sha256=hashlib.sha256(data).hexdigest(), time=time.time(), kind="data")
    run.rows(task, "Filter", "ofilter", [{"images": n, "channels": 1 if name == "gray" else 3}])
    run.task_end(task)
    run.upstream_sets.append("ofilter")


def build() -> dict:
    """Train the three runs (once per process); returns {"store": path, "runs": {...}}."""
    if _BUILT:
        return _BUILT
    import keras
    from kp_util import data, mlp

    import kerasprov
    from kerasprov import config
    from kerasprov.capture import session

    root = Path(tempfile.mkdtemp(prefix="kp-analysis-"))
    atexit.register(shutil.rmtree, root, True)
    store = root / "store"
    before = config._settings["store"]
    kerasprov.configure(store=store)
    x, y = data(n=160)
    runs = {}

    _filter("gray", len(x), root, "alexnet")
    m = mlp(lr=1e-2)
    m.provenance("alexnet", adaptation=True, hyperparameters={"dropout": 0.1})
    sched = keras.callbacks.LearningRateScheduler(
        lambda epoch, lr: lr * 0.5 if epoch in (1, 2) else lr)
    m.fit(x, y, epochs=EPOCHS["gray"], batch_size=32, validation_split=0.25, verbose=0,
          callbacks=[sched])
    m.evaluate(x, y, verbose=0)
    runs["gray"] = m._kerasprov_state.run.id

    _filter("none", len(x), root, "alexnet")
    m = mlp(compile=False)
    m.compile(optimizer=keras.optimizers.SGD(0.05), loss="categorical_crossentropy",
              metrics=["accuracy"])
    m.provenance("alexnet", adaptation=True, hyperparameters={"dropout": 0.1})
    m.fit(x, y, epochs=EPOCHS["none"], batch_size=32, validation_split=0.25, verbose=0)
    m.evaluate(x, y, verbose=0)
    runs["none"] = m._kerasprov_state.run.id

    # An upstream step the fit does not read: a data set with no path to the others.
    run = session.pending_run("other")
    task = run.task_start("LoadData", inputs=[], outputs=["oloaddata"])
    run.rows(task, "LoadData", "oloaddata", [{"source": "synthetic", "samples": len(x)}])
    run.task_end(task)
    m = mlp(lr=1e-3)
    m.provenance("other", hyperparameters={"dropout": 0.1})
    m.fit(x, y, epochs=EPOCHS["other"], batch_size=32, verbose=0)
    runs["other"] = m._kerasprov_state.run.id
    m._kerasprov_state.run.end()

    assert session.flush(30.0)
    config._settings["store"] = before  # other tests keep their own store
    _BUILT.update(store=store, runs=runs)
    return _BUILT


# -- fixtures (import them into a test module: ``from analysis_util import built, store``) --
import pytest  # noqa: E402


@pytest.fixture(scope="module")
def built():
    """The shared store's paths and run ids (``build()``)."""
    return build()


@pytest.fixture(scope="module")
def store(built):
    """The shared store, opened."""
    import kerasprov
    return kerasprov.open_store(str(built["store"]))
