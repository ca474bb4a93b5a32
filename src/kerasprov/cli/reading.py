"""Commands that read runs: ``sql``, ``runs``, ``show``, ``compare``, ``query``."""

from __future__ import annotations

import json

import click

from ..query.records import records
from .base import cli, emit, handle_errors, need, open_reader, output_options


@cli.command()
@click.argument("query")
@click.option("--limit", default=10_000, show_default=True, help="Maximum rows returned.")
@click.option("--timeout", default=30.0, show_default=True, help="Seconds before the query "
              "is stopped.")
@output_options
@handle_errors
def sql(query, limit, timeout, store, fmt):
    """Run one read-only SQL QUERY on the store (tables, ds_* sets and the views runs,
    epochs, adaptations, tests, data_dependency)."""
    emit(open_reader(store).sql(query, limit=limit, timeout=timeout), fmt)


@cli.command()
@click.option("--dataflow", default=None, help="Only runs of this dataflow tag.")
@click.option("--status", default=None,
              help="running, finished, failed, interrupted, terminated or crashed.")
@click.option("--limit", default=None, type=int, help="Newest N runs.")
@click.option("--all", "all_columns", is_flag=True,
              help="Table: every column (best_, min_, max_, end_time, host) as well.")
@click.option("--search", default=None, help="Only the runs (executions) of this KerasTuner "
              "search, with their trial, best trial first.")
@output_options
@handle_errors
def runs(dataflow, status, limit, all_columns, search, store, fmt):
    """List runs: one row each with status, model, hyperparameters, epochs, final and test
    metrics. The table leaves out columns no listed run has, and the best_/min_/max_
    metrics unless --all (`kerasprov compare` and `show` have them); JSON and CSV have
    every column. --search S: the executions of a KerasTuner search, best trial first.
    A search's own run (no epochs: its Search and Trial tasks) is listed by
    `kerasprov searches`, not here; `kerasprov show` still opens it."""
    if search is not None:
        from ..query.searches import search_runs
        emit(search_runs(open_reader(store), search), fmt)
        return
    df = open_reader(store).runs(dataflow=dataflow, status=status, limit=limit)
    if fmt == "table" and not all_columns:
        from ..query.display import runs_for_table
        df = runs_for_table(df)
    emit(df, fmt, drop_empty=fmt == "table")


@cli.command()
@click.argument("run_id", required=False)
@output_options
@handle_errors
def show(run_id, store, fmt):
    """Everything about run RUN_ID: hyperparameters, layers, epochs, adaptations, tests,
    tasks and files."""
    sections = open_reader(store).run(need(run_id, "RUN_ID"))
    if fmt == "json":
        click.echo(json.dumps({name: records(df) for name, df in sections.items()},
                              indent=2, ensure_ascii=False))
        return
    if fmt == "csv":
        for name, df in sections.items():
            click.echo(f"# {name}")
            emit(df, "csv")
        return
    from ..query.display import show_sections
    for i, (name, text) in enumerate(show_sections(sections)):
        click.echo(("\n" if i else "") + f"== {name} ==")
        click.echo(text)


@cli.command()
@click.argument("run_ids", nargs=-1)
@output_options
@handle_errors
def compare(run_ids, store, fmt):
    """Runs side by side: differing hyperparameters, final, best and test metrics
    (one row per field, one column per run)."""
    emit(open_reader(store).compare(need(run_ids, "RUN_IDs (at least two)")), fmt)


@cli.command()
@click.option("--dataflow", default=None, help="Dataflow tag, e.g. alexnet.")
@click.option("--source", multiple=True, help="Source data set, e.g. itrainingmodel "
              "(repeatable).")
@click.option("--target", multiple=True, help="Target data set, e.g. otestingmodel "
              "(repeatable).")
@click.option("--include", multiple=True, help="Data set the path must go through "
              "(repeatable).")
@click.option("--exclude", multiple=True, help="Data set the path must not go through "
              "(repeatable).")
@click.option("--mapping", type=click.Choice(["physical", "logical", "hybrid"]),
              default="physical", show_default=True,
              help="Join on task identifiers, on shared domain attributes, or on both.")
@click.option("--dataflow-version", type=int, default=None,
              help="Only runs of this dataflow version (see --versions).")
@click.option("--versions", is_flag=True, help="List the versions of --dataflow and stop.")
@click.option("--project", multiple=True, help="set.attribute to show (repeatable; "
              "default: every attribute of source and target).")
@click.option("--select", multiple=True, help="Condition over set.attribute, e.g. "
              "\"itrainingmodel.optimizer_name = 'Adam'\" (repeatable; all must hold).")
@click.option("--distinct", is_flag=True, help="Drop repeated rows.")
@click.option("--sql-only", is_flag=True, help="Print the generated SQL, do not run it.")
@click.option("--limit", default=10_000, show_default=True, help="Maximum rows returned.")
@output_options
@handle_errors
def query(dataflow, source, target, include, exclude, mapping, dataflow_version, versions,
          project, select, distinct, sql_only, limit, store, fmt):
    """Join the data sets on the paths of data dependencies from each --source to each
    --target (DfAnalyzer's query): prints the generated SQL and its result."""
    if versions:
        emit(open_reader(store).dataflow_versions(need(dataflow, "--dataflow")), fmt)
        return
    q = open_reader(store).query(need(dataflow, "--dataflow"), list(need(source, "--source")),
                            list(need(target, "--target")), list(project), list(select),
                            limit=limit, distinct=distinct, execute=not sql_only,
                            include=list(include), exclude=list(exclude), mapping=mapping,
                            dataflow_version=dataflow_version)
    if sql_only:
        click.echo(q.sql)
        return
    if fmt == "table":
        click.echo(q.sql + "\n")
    emit(q.df, fmt)
