"""Issue #20 item 8: capture fidelity seen in real scripts.

- a GAN written as keras-io's "Customizing what happens in fit() with PyTorch" guide writes
  it (a custom ``compile(d_optimizer, g_optimizer, loss_fn)`` that calls
  ``super().compile()``, a ``train_step`` that steps its own optimizers), fed by a torch
  ``DataLoader``: recorded with the optimizers that stepped, never Keras's unused default
  RMSprop, and with the DataLoader's batch size;
- a KerasTuner Hyperband search whose ``build_model`` registers ``units_<i>`` only when
  ``num_layers`` asks for it: every trial's row holds what KerasTuner's trial holds;
- a loaded model that is only evaluated: its run has the model's name.
"""

from __future__ import annotations

import json

import keras
import numpy as np
import pytest
import torch
from kp_util import data, mlp
from pg_util import pg_admin_url, pg_url  # noqa: F401  (fixtures)

import kerasprov


@pytest.fixture(params=["duckdb", "postgres"])
def spec(request, tmp_path, monkeypatch):
    """A fresh store of each kind, configured for this process."""
    value = (request.getfixturevalue("pg_url") if request.param == "postgres"
             else str(tmp_path / "store"))
    monkeypatch.setenv("KERASPROV_STORE", value)
    monkeypatch.setenv("KERASPROV_OUTBOX", str(tmp_path / "outbox"))
    kerasprov.configure(store=value, outbox=tmp_path / "outbox")
    yield value
    kerasprov.flush()


def _records(spec, query):
    df = kerasprov.open_store(spec).sql(query)
    return df.astype(object).where(df.notna(), None).to_dict("records")


# -- the GAN of the keras-io torch guide, small ------------------------------------------------
LATENT = 4


class GAN(keras.Model):
    def __init__(self, discriminator, generator, latent_dim):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
        self.latent_dim = latent_dim
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.seed_generator = keras.random.SeedGenerator(1337)
        self.built = True

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_fn = loss_fn

    def train_step(self, real):
        if isinstance(real, (tuple, list)):
            real = real[0]
        batch_size = real.shape[0]
        noise = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        combined = torch.concat([self.generator(noise), torch.as_tensor(real)], axis=0)
        labels = torch.concat([torch.ones((batch_size, 1)), torch.zeros((batch_size, 1))])
        labels += 0.05 * keras.random.uniform(labels.shape, seed=self.seed_generator)

        self.zero_grad()
        d_loss = self.loss_fn(labels, self.discriminator(combined))
        d_loss.backward()
        grads = [v.value.grad for v in self.discriminator.trainable_weights]
        with torch.no_grad():
            self.d_optimizer.apply(grads, self.discriminator.trainable_weights)

        noise = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        self.zero_grad()
        g_loss = self.loss_fn(torch.zeros((batch_size, 1)),
                              self.discriminator(self.generator(noise)))
        g_loss.backward()
        grads = [v.value.grad for v in self.generator.trainable_weights]
        with torch.no_grad():
            self.g_optimizer.apply(grads, self.generator.trainable_weights)

        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}


def _gan(d_lr=0.0003, g_lr=0.0003):
    discriminator = keras.Sequential([keras.Input((6,)), keras.layers.Dense(8),
                                      keras.layers.LeakyReLU(negative_slope=0.2),
                                      keras.layers.Dense(1)], name="discriminator")
    generator = keras.Sequential([keras.Input((LATENT,)), keras.layers.Dense(8),
                                  keras.layers.LeakyReLU(negative_slope=0.2),
                                  keras.layers.Dense(6, activation="sigmoid")],
                                 name="generator")
    gan = GAN(discriminator=discriminator, generator=generator, latent_dim=LATENT)
    gan.compile(d_optimizer=keras.optimizers.Adam(learning_rate=d_lr),
                g_optimizer=keras.optimizers.SGD(learning_rate=g_lr, momentum=0.5),
                loss_fn=keras.losses.BinaryCrossentropy(from_logits=True))
    return gan


def _loader(batch_size):
    digits = np.random.default_rng(0).uniform(size=(96, 6)).astype("float32")
    dataset = torch.utils.data.TensorDataset(torch.from_numpy(digits),
                                             torch.from_numpy(digits))
    return torch.utils.data.DataLoader(dataset, batch_size=batch_size, shuffle=True)


def test_gan_records_the_optimizers_that_stepped_and_the_loader_batch_size(spec):
    gan = _gan(d_lr=0.0003, g_lr=0.0005)
    gan.provenance(dataflow_tag="gan")
    gan.fit(_loader(24), epochs=2, verbose=0)
    assert kerasprov.flush()
    (hyps,) = _records(spec, "SELECT * FROM ds_itrainingmodel")
    # Both optimizers stepped; compile's default RMSprop never did and is nowhere.
    assert hyps["d_optimizer"] == "Adam" and hyps["g_optimizer"] == "SGD"
    assert hyps["d_optimizer_learning_rate"] == pytest.approx(0.0003)
    assert hyps["g_optimizer_learning_rate"] == pytest.approx(0.0005)
    assert hyps["optimizer_name"] is None and hyps["learning_rate"] is None  # no common one
    assert hyps["momentum"] is None  # Adam has none, SGD has 0.5: not shared
    assert "optimizer" not in hyps  # the column of compile's optimizer would name RMSprop
    assert hyps["batch_size"] == 24 and hyps["num_epochs"] == 2
    (config,) = _records(spec, "SELECT optimizer_config FROM ds_itrainingconfig")
    opt_config = json.loads(config["optimizer_config"])
    assert sorted(opt_config) == ["d_optimizer", "g_optimizer"]
    assert "rmsprop" not in config["optimizer_config"].lower()
    epochs = _records(spec, "SELECT epoch, d_loss, g_loss, learning_rate FROM "
                            "ds_otrainingmodel ORDER BY epoch")
    assert [e["epoch"] for e in epochs] == [0, 1]
    assert all(e["d_loss"] is not None and e["learning_rate"] is None for e in epochs)


def test_gan_with_the_guides_shared_rate_has_it_and_no_rmsprop(spec):
    gan = _gan()  # the guide: both Adam... here Adam and SGD, both at 0.0003
    gan.provenance(dataflow_tag="gan")
    gan.fit(_loader(16), epochs=2, verbose=0)
    assert kerasprov.flush()
    (hyps,) = _records(spec, "SELECT * FROM ds_itrainingmodel")
    assert hyps["learning_rate"] == pytest.approx(0.0003)
    assert hyps["batch_size"] == 16
    assert "RMSprop" not in json.dumps(hyps, default=str)
    rates = _records(spec, "SELECT learning_rate FROM ds_otrainingmodel ORDER BY epoch")
    assert [r["learning_rate"] for r in rates] == [pytest.approx(0.0003)] * 2


class Frozen(keras.Model):
    """A custom train_step that only measures: no optimizer steps."""

    def __init__(self):
        super().__init__()
        self.dense = keras.layers.Dense(1)
        self.tracker = keras.metrics.Mean(name="mse")

    def call(self, x):
        return self.dense(x)

    def train_step(self, batch):
        x, y = batch
        self.tracker.update_state(keras.ops.mean((self(x) - y) ** 2))
        return {"mse": self.tracker.result()}


def test_a_fit_where_no_optimizer_steps_records_none(store_dir):
    model = Frozen()
    model.compile()  # Keras's default RMSprop, never applied
    model.provenance(dataflow_tag="frozen")
    x = np.ones((32, 3), "float32")
    model.fit(x, x[:, :1], epochs=1, batch_size=8, verbose=0)
    assert kerasprov.flush()
    (hyps,) = _records(str(store_dir), "SELECT * FROM ds_itrainingmodel")
    assert hyps["optimizer_name"] is None and hyps["learning_rate"] is None
    assert hyps["batch_size"] == 8


def test_a_plain_model_on_a_dataloader_has_its_batch_size(store_dir):
    x, y = data(90)
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)),
        batch_size=30)
    model = mlp(lr=0.01)
    model.provenance(dataflow_tag="loader")
    model.fit(loader, epochs=1, verbose=0)
    assert kerasprov.flush()
    (hyps,) = _records(str(store_dir), "SELECT optimizer_name, learning_rate, batch_size "
                                       "FROM ds_itrainingmodel")
    assert hyps == {"optimizer_name": "Adam", "learning_rate": pytest.approx(0.01),
                    "batch_size": 30}


# -- a loaded model, only evaluated ------------------------------------------------------------
def test_evaluating_a_loaded_model_records_its_name(spec, tmp_path):
    x, y = data(64)
    model = mlp()
    model.name = "churn_classifier"
    model.fit(x, y, epochs=1, verbose=0)  # not captured: no provenance asked
    path = tmp_path / "churn.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    loaded.provenance(dataflow_tag="evalonly")
    loaded.evaluate(x, y, verbose=0)
    assert kerasprov.flush()
    (run,) = _records(spec, "SELECT run_id, model, model_class FROM runs")
    assert run["model"] == "churn_classifier" and run["model_class"] == "Sequential"
    (used,) = _records(spec, "SELECT path, role FROM file")
    assert used == {"path": str(path), "role": "used"}


# -- KerasTuner: a conditional hyperparameter in the trial that registers it --------------------
def test_hyperband_conditional_hyperparameters_are_in_the_trial_that_registers_them(
        store_dir, tmp_path):
    kt = pytest.importorskip("keras_tuner")
    x, y = data(60, features=4, classes=1, seed=2)

    def build(hp):
        model = keras.Sequential([keras.Input((4,))])
        for i in range(hp.Int("num_layers", 1, 3)):
            model.add(keras.layers.Dense(hp.Int(f"units_{i}", 2, 8, step=2), "relu"))
        model.add(keras.layers.Dense(1))
        model.compile(optimizer="sgd", loss="mse")
        model.provenance("ktcond")
        return model

    tuner = kt.Hyperband(build, objective="loss", max_epochs=3, factor=3, seed=1,
                         directory=str(tmp_path), project_name="cond", overwrite=True)
    tuner.search(x, y, verbose=0)
    assert kerasprov.flush()
    rows = {r["trial_id"]: r for r in _records(str(store_dir), "SELECT * FROM ds_itrial")}
    trials = tuner.oracle.trials
    assert set(rows) == set(trials)
    first_with = {}  # hyperparameter name -> the first trial (in creation order) that has it
    for trial_id in sorted(trials):
        for name, value in trials[trial_id].hyperparameters.values.items():
            first_with.setdefault(name, trial_id)
            if not name.startswith("tuner/"):
                assert rows[trial_id][name] == value, (trial_id, name)
    deeper = [n for n in first_with if n.startswith("units_") and n != "units_0"]
    assert deeper, "no trial of this seed registered a second layer"
    for name in deeper:
        assert rows[first_with[name]][name] is not None
