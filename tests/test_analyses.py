"""The paper's analyses on real captured runs: Table 1 (adaptation), Table 2 (impact of a
user transformation), convergence, and Store.compare."""

from __future__ import annotations

import math

import pytest
from analysis_util import EPOCHS, built, store  # noqa: F401  (fixtures)

from kerasprov.errors import BadRequest, NotFound
from kerasprov.query import analyses


@pytest.fixture(scope="module")
def runs(built):
    return built["runs"]


def test_adaptation_is_table_1(store, runs):
    df = analyses.adaptation(store, runs["gray"])
    assert list(df.columns) == ["epoch", "learning_rate", "technique"]
    # The scheduler halved 0.01 before epochs 1 and 2.
    assert df["epoch"].tolist() == [1, 2]
    assert df["learning_rate"].tolist() == pytest.approx([0.005, 0.0025], rel=1e-6)
    assert set(df["technique"]) == {"LearningRateScheduler"}
    # Each new rate is the one the epoch trained with.
    epochs = store.epochs(runs["gray"]).set_index("epoch")
    for epoch, lr in zip(df["epoch"], df["learning_rate"]):
        assert epochs.at[epoch, "learning_rate"] == pytest.approx(lr)
    assert store.adaptation(runs["gray"]).equals(df)


def test_adaptation_without_changes_is_empty(store, runs):
    df = store.adaptation(runs["none"])
    assert df.empty
    assert list(df.columns) == ["epoch", "learning_rate", "technique"]
    with pytest.raises(NotFound, match="no run 'nope'"):
        store.adaptation("nope")


def test_transformation_impact_is_table_2(store, runs):
    df = analyses.transformation_impact(store, "Filter", parameter="filter_name")
    assert list(df.columns) == ["run_id", "dataflow_tag", "filter_name", "accuracy", "epochs"]
    assert df["run_id"].tolist() == [runs["gray"], runs["none"]]  # the "other" run has none
    assert df["filter_name"].tolist() == ["gray", "none"]
    assert df["epochs"].tolist() == [EPOCHS["gray"], EPOCHS["none"]]
    for run_id, acc in zip(df["run_id"], df["accuracy"]):
        assert acc == pytest.approx(store.tests(run_id)["accuracy"].iloc[-1])


def test_transformation_impact_options(store, runs):
    every = store.transformation_impact("filter", dataflow="alexnet", metric="loss")
    assert {"filter_name", "images", "threshold", "loss", "epochs"} <= set(every.columns)
    assert every["threshold"].iloc[0] == 0.5 and math.isnan(every["threshold"].iloc[1])
    with pytest.raises(NotFound, match="no transformation 'Filter' in dataflow 'other'; "
                                       "user transformations: LoadData"):
        store.transformation_impact("Filter", dataflow="other")
    with pytest.raises(BadRequest, match="unknown parameter 'size' in ifilter; it has: "
                                         "filter_name, images, threshold"):
        store.transformation_impact(parameter="size")
    with pytest.raises(BadRequest, match="unknown test metric 'f1'.*accuracy"):
        store.transformation_impact(metric="f1")


def test_convergence(store, runs):
    df = analyses.convergence(store, runs["gray"])
    assert list(df.columns) == ["epoch", "accuracy", "val_accuracy", "gap"]
    epochs = store.epochs(runs["gray"])
    assert df["epoch"].tolist() == list(range(EPOCHS["gray"]))
    assert df["accuracy"].tolist() == pytest.approx(epochs["accuracy"].tolist())
    assert df["val_accuracy"].tolist() == pytest.approx(epochs["val_accuracy"].tolist())
    assert df["gap"].tolist() == pytest.approx((epochs["accuracy"]
                                                 - epochs["val_accuracy"]).tolist())
    loss = store.convergence(runs["gray"], metric="loss")
    assert list(loss.columns) == ["epoch", "loss", "val_loss", "gap"]
    with pytest.raises(BadRequest, match="no metric 'f1' with a validation twin 'val_f1'; "
                                         "metrics that have one: accuracy, loss"):
        store.convergence(runs["gray"], metric="f1")


def test_compare(store, runs):
    df = store.compare([runs["gray"], runs["none"], runs["gray"]])
    assert list(df.columns) == ["field", "kind", runs["gray"], runs["none"]]
    rows = {f: (k, a, b) for f, k, a, b in df.itertuples(index=False)}
    assert rows["optimizer_name"] == ("hyperparameter", "Adam", "SGD")
    assert rows["num_epochs"] == ("hyperparameter", EPOCHS["gray"], EPOCHS["none"])
    assert "dropout" not in rows and "batch_size" not in rows  # equal: not shown
    assert rows["epochs"][1:] == (EPOCHS["gray"], EPOCHS["none"])
    assert rows["dataflow_tag"] == ("run", "alexnet", "alexnet")
    gray_test = store.tests(runs["gray"])["accuracy"].iloc[-1]
    assert rows["test_accuracy"][0] == "test"
    assert rows["test_accuracy"][1] == pytest.approx(gray_test)
    last = store.epochs(runs["none"])["val_loss"].iloc[-1]
    assert rows["last_val_loss"][2] == pytest.approx(last)
    assert rows["best_accuracy"][0] == "best"
    with pytest.raises(BadRequest, match="at least two different runs"):
        store.compare([runs["gray"], runs["gray"]])
    with pytest.raises(NotFound, match="no run 'missing'"):
        store.compare([runs["gray"], "missing"])
