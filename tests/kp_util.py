"""Tiny real models and data for tests (a few hundred samples: seconds on 2 CPU cores)."""

from __future__ import annotations

import numpy as np


def data(n=200, features=8, classes=2, seed=0):
    import keras
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features)).astype("float32")
    labels = (x[:, 0] + 0.5 * x[:, 1] > 0).astype(int) % classes
    return x, keras.utils.to_categorical(labels, classes)


def mlp(features=8, classes=2, units=16, dropout=0.1, compile=True, lr=1e-3, optimizer=None):
    import keras
    model = keras.Sequential([
        keras.Input((features,)),
        keras.layers.Dense(units, activation="relu", name="hidden"),
        keras.layers.Dropout(dropout),
        keras.layers.Dense(classes, activation="softmax", name="out"),
    ])
    if compile:
        model.compile(optimizer=optimizer or keras.optimizers.Adam(lr),
                      loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def sql_json(store, query, env=None):
    """Run `kerasprov sql --format json` in a real subprocess and parse its output."""
    import json
    import os
    import subprocess
    import sys
    out = subprocess.run([sys.executable, "-m", "kerasprov", "sql", query, "--store", str(store),
                          "--format", "json"], capture_output=True, text=True, timeout=120,
                         env={**os.environ, **(env or {})})
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)
