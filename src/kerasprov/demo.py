"""The paper's demonstration: AlexNet on 17 classes of flowers, without and with a gray filter.

Keras-Prov (SBBD 2021) trained AlexNet on the Oxford 17 Flowers images with Adam (learning
rate 0.001), relu, a step-decay learning-rate scheduler and ``adaptation=True``, once on the
colour images and once after a gray-scale ``Filter``, and answered two questions with SQL:
when did the learning rate change (Table 1: epoch / learning rate / technique), and did the
filter help (Table 2: filter / accuracy / epochs). This module does the same, offline.

Data: by default a built-in, deterministic synthetic "flowers" set drawn with numpy. Each of
the 17 classes is one of three petal shapes (eight thin pointed petals, five broad round
ones, three round ones) in one of six hues of equal luminance, on a noisy background, with
random size, rotation, position and brightness. Classes that share a shape differ only in
hue, and the hues have the same gray value, so the gray-scale filter honestly removes
information the colour model uses: gray-scale can tell the shape (1 in 6 among the classes
that share it), colour can tell both.
``data_dir`` loads the real Oxford 17 Flowers images instead (one folder per class) with
``keras.utils.image_dataset_from_directory``.

Both runs pass through the ``Filter`` transformation (``filter_name`` ``"none"`` or
``"gray-scale"``; outputs ``channels`` and ``n_images``), so Table 2 is one query over
``ds_ifilter`` and the test metrics.
"""

from __future__ import annotations

import math
import os
import shlex
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

DATAFLOW = "alexnet"
N_CLASSES = 17
FILTERS = ("none", "gray-scale")
#: ITU-R BT.601 luma, as keras.ops.image.rgb_to_grayscale.
LUMA = np.array([0.2989, 0.5870, 0.1140], dtype=np.float32)
#: Six hues of equal luma (0.45): magenta, orange, green, cyan, blue, purple.
HUES = np.array([[0.95, 0.166, 0.60], [1.00, 0.250, 0.00], [0.10, 0.696, 0.10],
                 [0.00, 0.620, 0.75], [0.35, 0.394, 1.00], [0.70, 0.200, 1.00]],
                dtype=np.float32)
#: Petal shapes: (number of petals, sharpness exponent, inner radius as a fraction).
SHAPES = ((8, 8.0, 0.25), (5, 0.5, 0.75), (3, 1.0, 0.2))


@dataclass
class DemoConfig:
    """Sizes of the demonstration (the defaults run in about 1-2 minutes on 2 CPU cores)."""

    epochs: int = 10
    image_size: int = 64
    train_per_class: int = 40
    val_per_class: int = 10
    test_per_class: int = 10
    batch_size: int = 32
    full: bool = False
    data_dir: str | None = None
    seed: int = 1
    filters: tuple[str, ...] = FILTERS
    verbose: int = 0
    out_dir: str | None = None
    decay_every: int = 0  # 0: a third of the epochs (at least 2)
    extra: dict = field(default_factory=dict)

    @classmethod
    def for_full(cls, **overrides) -> DemoConfig:
        """The paper's scale: 224x224 AlexNet, more images and epochs (for a GPU)."""
        values = {"epochs": 30, "image_size": 224, "train_per_class": 60, "val_per_class": 10,
                  "test_per_class": 10, "full": True}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


# -- data -------------------------------------------------------------------------------------
def class_specs() -> list[tuple[int, int]]:
    """The 17 classes as (shape index, hue index): 3 shapes x 6 hues, less one."""
    return [(shape, hue) for shape in range(len(SHAPES)) for hue in range(len(HUES))][:N_CLASSES]


def synthetic_flowers(per_class: int, size: int = 64, seed: int = 1
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Deterministic colour flower images: ``(x float32 [n, size, size, 3] in 0..1, y int)``.

    The same ``(per_class, size, seed)`` always gives the same bytes.
    """
    rng = np.random.default_rng(seed)
    specs = class_specs()
    n = per_class * len(specs)
    labels = np.repeat(np.arange(len(specs)), per_class)
    rng.shuffle(labels)
    grid = (np.arange(size, dtype=np.float32) + 0.5) / size * 2 - 1  # -1..1
    gy, gx = np.meshgrid(grid, grid, indexing="ij")
    x = np.empty((n, size, size, 3), dtype=np.float32)
    gold = np.array([0.9, 0.8, 0.2], dtype=np.float32)
    for i, label in enumerate(labels):
        shape, hue = specs[label]
        petals, sharp, inner = SHAPES[shape]
        cx, cy = rng.uniform(-0.12, 0.12, 2)
        radius = rng.uniform(0.6, 0.85)
        dx, dy = gx - cx, gy - cy
        r = np.hypot(dx, dy)
        theta = np.arctan2(dy, dx) + rng.uniform(0, 2 * math.pi)
        petal = np.abs(np.cos(petals * theta / 2)) ** sharp
        flower = r < radius * (inner + (1 - inner) * petal)
        centre = r < radius * 0.15
        img = np.array([0.25, 0.30, 0.20], dtype=np.float32) \
            + rng.normal(0, 0.06, (size, size, 3)).astype(np.float32)
        colour = HUES[hue] * rng.uniform(0.85, 1.15)  # brightness varies, hue does not
        img[flower] = colour + rng.normal(0, 0.04, (int(flower.sum()), 3))
        img[centre] = gold
        x[i] = np.clip(img, 0, 1)
    return x, labels.astype(np.int64)


def load_directory(data_dir: str | os.PathLike, size: int, seed: int = 1
                   ) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Images of a folder with one sub-folder per class, as arrays in 0..1.

    Uses ``keras.utils.image_dataset_from_directory``, which needs TensorFlow (or grain
    and Pillow) installed.
    """
    import keras
    if not os.path.isdir(data_dir):
        raise ValueError(f"data_dir must be a directory with one folder per class. "
                         f"Received: data_dir={os.fspath(data_dir)!r}")
    fmt = "tf"
    try:
        import tensorflow  # noqa: F401
    except ImportError:
        fmt = "grain"
    try:
        ds = keras.utils.image_dataset_from_directory(
            data_dir, image_size=(size, size), batch_size=64, shuffle=True, seed=seed,
            label_mode="int", format=fmt, verbose=False)
    except ImportError as exc:
        raise RuntimeError(
            "--data-dir reads images with keras.utils.image_dataset_from_directory, which "
            "needs TensorFlow (pip install tensorflow-cpu) or grain and Pillow "
            f"(pip install grain pillow): {exc}") from None
    xs, ys = [], []
    for images, labels in ds:
        xs.append(np.asarray(images, dtype=np.float32) / 255.0)
        ys.append(np.asarray(labels, dtype=np.int64))
    if not xs:
        raise ValueError(f"no images found under {os.fspath(data_dir)!r}")
    return np.concatenate(xs), np.concatenate(ys), list(getattr(ds, "class_names", []))


def split(x: np.ndarray, y: np.ndarray, val: float, test: float):
    """Stratified split into train / validation / test (deterministic: data are shuffled)."""
    parts = {"train": [], "val": [], "test": []}
    for label in np.unique(y):
        idx = np.flatnonzero(y == label)
        n_test = max(1, round(len(idx) * test))
        n_val = max(1, round(len(idx) * val))
        parts["test"].append(idx[:n_test])
        parts["val"].append(idx[n_test:n_test + n_val])
        parts["train"].append(idx[n_test + n_val:])
    out = []
    for name in ("train", "val", "test"):
        idx = np.sort(np.concatenate(parts[name]))
        out += [x[idx], y[idx]]
    return out


def to_grayscale(x: np.ndarray) -> np.ndarray:
    """``[n, h, w, 3]`` -> ``[n, h, w, 1]`` with the BT.601 luma weights."""
    return (x @ LUMA)[..., None].astype(np.float32)


# -- model ------------------------------------------------------------------------------------
def alexnet(input_shape: tuple[int, int, int], classes: int = N_CLASSES, full: bool = False,
            dropout: float = 0.4, adapt_to: np.ndarray | None = None):
    """AlexNet: five convolutions (relu), three max-poolings, two dense layers with dropout.

    ``full`` is Krizhevsky et al.'s 224x224 network (96-256-384-384-256 filters, 4096-unit
    dense layers) with batch normalization after each block, as in the Keras AlexNet for
    the 17 Flowers that the paper's hyperparameters (Adam 0.001, dropout 0.4) come from;
    without it this network diverges at that learning rate. Otherwise the same structure,
    narrower and without batch normalization, for small images on a CPU.
    ``adapt_to``: training images; the inputs are then standardized per channel (without it
    the low-contrast gray images leave the small network stuck at chance for many epochs).
    """
    import keras
    from keras import layers
    if full:
        convs = [(96, 11, 4, True), (256, 5, 1, True), (384, 3, 1, False), (384, 3, 1, False),
                 (256, 3, 1, True)]
        dense = 4096
    else:
        convs = [(32, 5, 2, True), (64, 3, 1, True), (96, 3, 1, False), (96, 3, 1, False),
                 (64, 3, 1, True)]
        dense = 256
    model = keras.Sequential(name="alexnet")
    model.add(keras.Input(input_shape))
    if adapt_to is not None:
        norm = layers.Normalization()
        norm.adapt(adapt_to)
        model.add(norm)
    for filters, kernel, stride, pool in convs:
        model.add(layers.Conv2D(filters, kernel, strides=stride, padding="same",
                                activation="relu"))
        if pool:
            model.add(layers.MaxPooling2D(3 if full else 2, strides=2, padding="same"))
        if full:
            model.add(layers.BatchNormalization())
    model.add(layers.Flatten())
    for _ in range(2):
        model.add(layers.Dense(dense, activation="relu"))
        model.add(layers.Dropout(dropout))
        if full:
            model.add(layers.BatchNormalization())
    model.add(layers.Dense(classes, activation="softmax"))
    return model


def step_decay_schedule(every: int, drop: float = 0.5, initial: float = 1e-3
                        ) -> Callable[[int, float], float]:
    """The paper's step decay: the rate is multiplied by ``drop`` every ``every`` epochs."""
    def step_decay(epoch: int, lr: float) -> float:
        return float(initial * drop ** (epoch // every))
    return step_decay


# -- the two runs -----------------------------------------------------------------------------
def _data(cfg: DemoConfig):
    """Load the images as the ``LoadData`` transformation (called inside each run)."""
    import kerasprov

    source = os.path.abspath(cfg.data_dir) if cfg.data_dir else "synthetic"
    with kerasprov.transformation("LoadData", dataflow=DATAFLOW, inputs={
            "source": source, "image_size": cfg.image_size, "seed": cfg.seed}) as t:
        if cfg.data_dir:
            t.use_file(cfg.data_dir)  # the directory's content hash identifies the data
            x, y, _names = load_directory(cfg.data_dir, cfg.image_size, cfg.seed)
            per_class = max(len(x) / len(np.unique(y)), 1)
            # A small folder keeps at least 60 % of each class for training.
            parts = split(x, y, val=min(cfg.val_per_class / per_class, 0.2),
                          test=min(cfg.test_per_class / per_class, 0.2))
        else:
            per = cfg.train_per_class + cfg.val_per_class + cfg.test_per_class
            x, y = synthetic_flowers(per, cfg.image_size, cfg.seed)
            parts = split(x, y, val=cfg.val_per_class / per, test=cfg.test_per_class / per)
        classes = int(y.max()) + 1
        t.output(n_classes=classes, n_train=len(parts[0]), n_val=len(parts[2]),
                 n_test=len(parts[4]))
    return parts, classes


def train_once(filter_name: str, cfg: DemoConfig, out_dir: Path) -> str:
    """One run: LoadData -> Filter -> AlexNet fit -> evaluate. Returns the run id."""
    import keras

    import kerasprov

    from .capture.patch import STATE_ATTR

    if filter_name not in FILTERS:
        raise ValueError(f"filter_name must be one of {FILTERS}. Received: {filter_name!r}")
    (x_train, y_train, x_val, y_val, x_test, y_test), classes = _data(cfg)
    with kerasprov.transformation("Filter", dataflow=DATAFLOW,
                                  inputs={"filter_name": filter_name}) as t:
        if filter_name == "gray-scale":
            x_train, x_val, x_test = (to_grayscale(a) for a in (x_train, x_val, x_test))
        t.output(channels=int(x_train.shape[-1]),
                 n_images=len(x_train) + len(x_val) + len(x_test))

    keras.utils.set_random_seed(cfg.seed)
    dropout = 0.4
    model = alexnet(tuple(x_train.shape[1:]), classes, full=cfg.full, dropout=dropout,
                    adapt_to=x_train)
    hyps = {"OPTIMIZER_NAME": True, "LEARNING_RATE": True, "DECAY": True, "MOMENTUM": True,
            "NUM_EPOCHS": True, "BATCH_SIZE": True, "NUM_LAYERS": True}
    model.provenance(dataflow_tag=DATAFLOW, adaptation=True, hyps=hyps,
                     hyperparameters={"dropout": dropout, "activation": "relu",
                                      "image_size": cfg.image_size, "full": cfg.full})
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    every = cfg.decay_every or max(2, cfg.epochs // 3)
    tag = filter_name.replace("-", "")
    out_dir.mkdir(parents=True, exist_ok=True)
    callbacks = [
        keras.callbacks.LearningRateScheduler(step_decay_schedule(every)),
        keras.callbacks.ModelCheckpoint(str(out_dir / f"alexnet-{tag}-best.keras"),
                                        monitor="val_accuracy", mode="max",
                                        save_best_only=True),
    ]
    model.fit(x_train, y_train, epochs=cfg.epochs, batch_size=cfg.batch_size,
              validation_data=(x_val, y_val), callbacks=callbacks, verbose=cfg.verbose)
    model.evaluate(x_test, y_test, batch_size=cfg.batch_size, verbose=0)
    model.save(str(out_dir / f"alexnet-{tag}-final.keras"))
    return getattr(model, STATE_ATTR).run.id


# -- the tables, by SQL over the store ----------------------------------------------------------
def _in(run_ids: list[str]) -> str:
    return ", ".join("'" + r.replace("'", "''") + "'" for r in run_ids)


def table1(store, run_id: str):
    """Paper Table 1: epoch / learning rate / technique of one run."""
    if hasattr(store, "adaptation"):  # the analyses of kerasprov.query.analyses
        return store.adaptation(run_id)
    return store.sql("SELECT epoch, learning_rate, technique FROM adaptations "
                     f"WHERE run_id IN ({_in([run_id])}) ORDER BY epoch")


def table2(store, run_ids: list[str]):
    """Paper Table 2: filter / test accuracy / epochs, one row per run."""
    if not hasattr(store, "transformation_impact"):  # e.g. a remote store: plain SQL
        return table2_sql(store, run_ids)
    df = store.transformation_impact("Filter", "filter_name", "accuracy", dataflow=DATAFLOW)
    df = df[df["run_id"].isin(run_ids)].rename(columns={"filter_name": "filter"})
    return df[["filter", "accuracy", "epochs"]].reset_index(drop=True)


def table2_sql(store, run_ids: list[str]):
    """Table 2 as one SQL statement over the Filter's inputs, the tests and the epochs."""
    return store.sql(
        "SELECT f.filter_name AS filter, t.accuracy, "
        "(SELECT COUNT(*) FROM epochs e WHERE e.run_id = f.run_id) AS epochs "
        "FROM ds_ifilter f JOIN execution x ON x.run_id = f.run_id "
        "JOIN tests t ON t.run_id = f.run_id "
        f"WHERE f.run_id IN ({_in(run_ids)}) ORDER BY x.start_time, x.run_id")


def checkpoints(store, run_ids: list[str]):
    """Which epoch produced each best-model checkpoint, under which learning rate (one join)."""
    return store.sql(
        "SELECT x.filter_name AS filter, f.epoch, e.learning_rate, e.val_accuracy, "
        "f.path, substr(f.sha256, 1, 16) AS sha256_prefix "
        "FROM file f JOIN epochs e ON e.run_id = f.run_id AND e.epoch = f.epoch "
        "JOIN ds_ifilter x ON x.run_id = f.run_id "
        f"WHERE f.kind = 'checkpoint' AND f.run_id IN ({_in(run_ids)}) "
        "AND f.time = (SELECT MAX(g.time) FROM file g WHERE g.run_id = f.run_id "
        "AND g.kind = 'checkpoint') ORDER BY f.time")


@dataclass
class DemoResult:
    run_ids: list[str]
    table1: object
    table2: object
    checkpoints: object
    store: str


def run_demo(cfg: DemoConfig | None = None, store: str | None = None,
             echo: Callable[[str], None] = print) -> DemoResult:
    """Train the two runs, then print Tables 1 and 2 computed by SQL over the store."""
    import pandas as pd

    import kerasprov

    from . import config

    cfg = cfg or DemoConfig()
    if cfg.epochs < 1:
        raise ValueError(f"epochs must be >= 1. Received: epochs={cfg.epochs}")
    if store is not None:
        kerasprov.configure(store=store)
    spec = config.store_spec()
    out_dir = Path(cfg.out_dir) if cfg.out_dir else (
        Path("kerasprov-models") if config.is_remote(spec) else Path(spec) / "models")
    source = cfg.data_dir or "built-in synthetic colour flowers"
    echo(f"kerasprov demo: AlexNet{' (full)' if cfg.full else ''}, {N_CLASSES} flower "
         f"classes ({source}), {cfg.image_size}x{cfg.image_size} pixels, epochs: {cfg.epochs}, "
         f"store: {spec}")
    run_ids = []
    for name in cfg.filters:
        echo(f"- training with filter {name!r} ...")
        began = time.monotonic()
        run_ids.append(train_once(name, cfg, out_dir))
        echo(f"  trained in {time.monotonic() - began:.0f} s ({_load()})")
    kerasprov.flush()
    st = kerasprov.open_store(spec)
    t1, t2, ck = table1(st, run_ids[0]), table2(st, run_ids), checkpoints(st, run_ids)
    with pd.option_context("display.width", 120, "display.max_columns", 20,
                           "display.float_format", "{:.6g}".format):
        echo("\nTable 1 - learning-rate adaptations (run " + run_ids[0] + ")")
        if len(t1):
            first = int(t1["epoch"].iloc[0])
            echo(f"(epochs count from 0, as Keras's callbacks and the store number them: "
                 f'epoch {first} is the one Keras printed as "Epoch {first + 1}/{cfg.epochs}")')
        echo(t1.to_string(index=False) if len(t1) else "(no change)")
        echo("\nTable 2 - filter / test accuracy / epochs")
        echo(t2.to_string(index=False))
        echo("\nBest checkpoint of each run: the epoch that produced it and its learning rate")
        echo(ck.to_string(index=False) if len(ck) else "(none)")
    for line in next_commands(spec, run_ids):
        echo(line)
    return DemoResult(run_ids, t1, t2, ck, spec)


def _load() -> str:
    """The load while training: a loaded machine trains several times slower."""
    try:
        return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    except OSError:
        return f"{os.cpu_count()} CPUs"


def command_name(where: str) -> str:
    """How to type ``kerasprov`` from the folder ``where``: ``kerasprov`` where PATH finds
    this installation, else the console script next to this Python (``.venv/bin/...``)."""
    script = Path(sys.executable).parent / "kerasprov"  # not resolved: a venv's python
    found = shutil.which("kerasprov")
    if found and os.path.realpath(found) == os.path.realpath(script):
        return "kerasprov"
    if not script.exists():
        return f"{shlex.quote(sys.executable)} -m kerasprov"
    rel = os.path.relpath(script, where)
    return shlex.quote(str(script) if rel.startswith(os.path.join(os.pardir, os.pardir)) else
                       rel if rel.startswith(os.curdir) else os.path.join(os.curdir, rel))


def next_commands(spec: str, run_ids: list[str], where: str | None = None) -> list[str]:
    """The demo's closing lines: the exact commands to type next, from ``where`` (default:
    the working folder, or the caller's that ``scripts/demo`` names)."""
    from . import config
    where = where or os.environ.get("KERASPROV_DEMO_CWD") or os.getcwd()
    cmd = command_name(where)
    default = (not os.environ.get("KERASPROV_STORE")
               and spec == os.path.abspath(os.path.join(where, config.DEFAULT_STORE)))
    store = "" if default else " --store " + shlex.quote(
        spec if config.is_remote(spec) else os.path.relpath(spec, where))
    todo = [("runs", "the runs, labelled by their filter"),
            ("show latest", "everything about the last run"),
            *([(f"diff {' '.join(run_ids[:2])}", "why the two runs differ (the Filter first)")]
              if len(run_ids) > 1 else []),
            ("ui", "the web UI (it prints its address)")]
    width = max(len(f"{cmd} {what}{store}") for what, _ in todo)
    return [f"\nNext, from {where}:"] + [
        f"  {(cmd + ' ' + what + store).ljust(width)}  # {note}" for what, note in todo]


__all__ = ["DemoConfig", "DemoResult", "alexnet", "run_demo", "synthetic_flowers",
           "to_grayscale", "train_once"]
