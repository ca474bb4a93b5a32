"""The paper's analyses, KerasTuner searches and the demo: ``analyze``, ``searches``,
``trials``, ``demo``."""

from __future__ import annotations

import click

from .base import cli, emit, handle_errors, open_reader, output_options, resolved, store_option


@cli.group()
def analyze():
    """The paper's analyses: adaptation (Table 1), impact (Table 2), convergence."""


@analyze.command("adaptation")
@click.argument("run_id", required=False)
@output_options
@handle_errors
def analyze_adaptation(run_id, store, fmt):
    """Learning-rate changes of RUN_ID: epoch, learning_rate, technique (paper Table 1)."""
    st = open_reader(store)
    emit(st.adaptation(resolved(st, run_id, "RUN_ID")), fmt)


@analyze.command("impact")
@click.option("--transformation", default="Filter", show_default=True,
              help="User transformation tag.")
@click.option("--parameter", default=None, help="Input attribute to show (default: all).")
@click.option("--metric", default="accuracy", show_default=True, help="Test metric.")
@click.option("--dataflow", default=None, help="Only runs of this dataflow.")
@output_options
@handle_errors
def analyze_impact(transformation, parameter, metric, dataflow, store, fmt):
    """A user transformation's parameter vs test metric and epochs, per run (Table 2)."""
    emit(open_reader(store).transformation_impact(transformation, parameter, metric, dataflow), fmt)


@analyze.command("convergence")
@click.argument("run_id", required=False)
@click.option("--metric", default="accuracy", show_default=True,
              help="Metric with a val_ twin, e.g. accuracy or loss.")
@output_options
@handle_errors
def analyze_convergence(run_id, metric, store, fmt):
    """Per epoch of RUN_ID: training metric, validation metric and the gap."""
    st = open_reader(store)
    emit(st.convergence(resolved(st, run_id, "RUN_ID"), metric), fmt)


@cli.command()
@output_options
@handle_errors
def searches(store, fmt):
    """List KerasTuner searches: tuner, objective, trials, best trial and score."""
    emit(open_reader(store).searches(), fmt)


@cli.command()
@click.argument("search", required=False)
@click.option("--best-history", is_flag=True, help="The best trial's checkpoint and its "
              "per-epoch learning rate and metrics instead.")
@output_options
@handle_errors
def trials(search, best_history, store, fmt):
    """List the trials of a KerasTuner SEARCH (id or unique prefix; default: the newest),
    best first: hyperparameters, status, score, best epoch and the runs of its executions."""
    emit(open_reader(store).trials(search, best_history=best_history), fmt)


@cli.command()
@store_option
@click.option("--epochs", default=None, type=click.IntRange(min=1),
              help="Epochs per run (default 10; 30 with --full).")
@click.option("--full", is_flag=True, help="The paper's scale: 224x224 AlexNet, more images "
              "and epochs (for a GPU).")
@click.option("--data-dir", type=click.Path(exists=True, file_okay=False), default=None,
              help="Real Oxford 17 Flowers images, one folder per class, instead of the "
                   "built-in synthetic flowers (needs TensorFlow, or grain and Pillow).")
@handle_errors
def demo(store, epochs, full, data_dir):
    """The paper's demonstration: AlexNet on 17 flower classes, without and with a
    gray-scale Filter; prints Table 1 and Table 2 computed by SQL over the store."""
    import os
    os.environ.setdefault("KERAS_BACKEND", "torch")
    from ..demo import DemoConfig, run_demo
    cfg = DemoConfig.for_full(epochs=epochs) if full else DemoConfig(epochs=epochs or 10)
    cfg.data_dir, cfg.verbose = data_dir, 2
    try:
        run_demo(cfg, store=store, echo=click.echo)
    except (ValueError, RuntimeError) as exc:
        raise click.ClickException(str(exc)) from None
