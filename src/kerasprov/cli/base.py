"""What every ``kerasprov`` command shares: the group, the one ``--store`` option, the
output options, error handling and printing. Commands live in the sibling modules, each a
thin shell over one Store method (the logic lives in query/)."""

from __future__ import annotations

import functools
import json
import sys

import click

from ..errors import KerasProvError, ProvenanceWarning
from ..query.records import records

FORMATS = ("table", "json", "csv")


@click.group()
@click.version_option(package_name="kerasprov")
def cli():
    """kerasprov: provenance of Keras training runs, queryable with SQL."""


def store_option(fn):
    """The one ``--store`` option every command takes (declared here only)."""
    return click.option(
        "--store", "store", default=None, envvar="KERASPROV_STORE",
        help="Store directory, postgresql:// or monetdb:// URL, or http:// server URL "
             "(default: $KERASPROV_STORE, then ./kerasprov).")(fn)


def output_options(fn):
    """Shared by every query command: --store and --format."""
    @store_option
    @click.option("--format", "fmt", type=click.Choice(FORMATS), default="table",
                  show_default=True, help="Output format.")
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)
    return wrapper


def emit(df, fmt: str, drop_empty: bool = False) -> None:
    """Print ``df``: JSON records, CSV, or a table for people (see query/display.py;
    ``drop_empty`` leaves out the columns missing in every row, tables only)."""
    if fmt == "json":
        click.echo(json.dumps(records(df), indent=2, ensure_ascii=False))
    elif fmt == "csv":
        click.echo(df.to_csv(index=False), nl=False)
    else:
        from ..query.display import table_text
        click.echo(table_text(df, drop_empty=drop_empty))
        if df.attrs.get("truncated"):
            click.echo(f"(truncated to {len(df)} rows)", err=True)


def handle_errors(fn):
    """Expected mistakes reach the user once, as one line, with the error's exit code (1;
    2 for a store that cannot be used). kerasprov's notes (ProvenanceWarning) are one line
    on stderr too, without Python's file:line prefix."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        import warnings
        shown = warnings.showwarning

        def note(message, category, *rest, **kw):
            if issubclass(category, ProvenanceWarning):
                click.echo(f"Note: {str(message).removeprefix('kerasprov: ')}", err=True)
            else:
                shown(message, category, *rest, **kw)
        warnings.showwarning = note
        try:
            return fn(*args, **kwargs)
        except KerasProvError as exc:
            click.echo(f"Error: {exc.message}", err=True)
            sys.exit(getattr(exc, "exit_code", 1))
        finally:
            warnings.showwarning = shown
    return wrapper


def open_reader(store):
    """The store a read command reads."""
    from ..query.api import open_store
    return open_store(store)


def need(value, what: str):
    """A missing argument is an expected mistake: one line, exit code 1 (not click's 2)."""
    if value is None or value == () or value == "":
        from ..errors import BadRequest
        raise BadRequest(f"missing {what}; see --help")
    return value
