"""Issue #2: capture works on another Keras backend (jax), in a real subprocess."""

import importlib.util
import json
import os
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(importlib.util.find_spec("jax") is None,
                                reason="jax is not installed (scripts/setup installs it)")

SCRIPT = textwrap.dedent("""
    import os
    os.environ["KERAS_BACKEND"] = "jax"
    import json, keras, numpy as np, kerasprov
    rng = np.random.default_rng(0)
    x = rng.normal(size=(96, 4)).astype("float32"); y = (x[:, :1] > 0).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(keras.optimizers.SGD(0.1, momentum=0.5), "binary_crossentropy",
                  metrics=["accuracy"])
    model.provenance("jaxrun", adaptation=True)
    sched = keras.callbacks.LearningRateScheduler(lambda e, lr: lr / 10 if e == 2 else lr)
    h = model.fit(x, y, epochs=3, validation_split=0.25, verbose=0, callbacks=[sched])
    t = model.evaluate(x, y, verbose=0, return_dict=True)
    print(json.dumps({"loss": h.history["loss"], "test": t}))
""")


def test_capture_on_jax(tmp_path):
    store = tmp_path / "store"
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                         timeout=300, env={**os.environ, "KERASPROV_STORE": str(store),
                                           "KERAS_BACKEND": "jax"})
    assert out.returncode == 0, out.stderr
    keras_said = json.loads(out.stdout.strip().splitlines()[-1])
    import kerasprov
    s = kerasprov.open_store(str(store))
    (run,) = s.runs().to_dict("records")
    assert run["status"] == "finished" and run["momentum"] == pytest.approx(0.5)
    assert run["test_accuracy"] == pytest.approx(keras_said["test"]["accuracy"])
    assert s.sql("SELECT backend FROM execution")["backend"].tolist() == ["jax"]
    assert list(s.epochs(run["run_id"])["loss"]) == pytest.approx(keras_said["loss"])
    ad = s.adaptations(run["run_id"])
    assert list(ad["epoch"]) == [2] and list(ad["technique"]) == ["LearningRateScheduler"]
