"""The ``kerasprov`` command: a thin shell over the Python API (``kerasprov.open_store``)."""

from __future__ import annotations

import functools
import json
import math
import sys

import click

from .errors import KerasProvError


def _jsonable(v):
    if v is None:
        return None
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if hasattr(v, "item"):
        try:
            return _jsonable(v.item())
        except (ValueError, AttributeError):
            pass
    if isinstance(v, (int, str, bool)):
        return v
    return str(v)


def records(df) -> list[dict]:
    """A DataFrame as JSON-safe records (NaN and infinities become null)."""
    cols = list(df.columns)
    return [{str(c): _jsonable(v) for c, v in zip(cols, row)}
            for row in df.itertuples(index=False, name=None)]


def emit(df, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(records(df), indent=2, ensure_ascii=False))
    elif fmt == "csv":
        click.echo(df.to_csv(index=False), nl=False)
    else:
        if df.empty:
            click.echo("(no rows)" if len(df.columns) else "(nothing)")
        else:
            import pandas as pd
            with pd.option_context("display.max_rows", 500, "display.max_columns", 60,
                                   "display.width", 200, "display.max_colwidth", 60):
                click.echo(df.to_string(index=False))
        if df.attrs.get("truncated"):
            click.echo(f"(truncated to {len(df)} rows)", err=True)


def output_options(fn):
    """Shared by every query command: --store and --format."""
    @click.option("--store", "store", default=None, envvar="KERASPROV_STORE",
                  help="Store directory, postgresql:// URL or http:// server URL "
                       "(default: $KERASPROV_STORE, then ./kerasprov).")
    @click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]),
                  default="table", show_default=True, help="Output format.")
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)
    return wrapper


def handle_errors(fn):
    """Expected mistakes reach the user once, as one line, with exit code 1."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except KerasProvError as exc:
            click.echo(f"Error: {exc.message}", err=True)
            sys.exit(1)
    return wrapper


def _store(store):
    from .query.api import open_store
    return open_store(store)


@click.group()
@click.version_option(package_name="kerasprov")
def cli():
    """kerasprov: provenance of Keras training runs, queryable with SQL."""


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
    emit(_store(store).sql(query, limit=limit, timeout=timeout), fmt)


@cli.command()
@click.option("--dataflow", default=None, help="Only runs of this dataflow tag.")
@click.option("--status", default=None, help="running, finished, failed or crashed.")
@click.option("--limit", default=None, type=int, help="Newest N runs.")
@output_options
@handle_errors
def runs(dataflow, status, limit, store, fmt):
    """List runs: one row each with status, hyperparameters and last/best metrics."""
    emit(_store(store).runs(dataflow=dataflow, status=status, limit=limit), fmt)


def main(argv=None):
    cli.main(args=argv, prog_name="kerasprov")
