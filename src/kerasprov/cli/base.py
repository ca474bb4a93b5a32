"""What every ``kerasprov`` command shares: the group, the one ``--store`` option, the
output options, error handling and printing. Commands live in the sibling modules, each a
thin shell over one Store method (the logic lives in query/)."""

from __future__ import annotations

import contextlib
import functools
import json
import sys

import click

from ..errors import KerasProvError, ProvenanceWarning
from ..query.records import records

FORMATS = ("table", "json", "csv")


class _UsageLine(click.ClickException):
    exit_code = 2  # click's code for a usage mistake


@contextlib.contextmanager
def _one_line():
    """A usage mistake (an unknown option, a value outside the choices, which the message
    lists) as one line naming where help is, not click's usage block."""
    try:
        yield
    except click.exceptions.NoArgsIsHelpError:
        raise  # `kerasprov` alone prints the help
    except click.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx is not None else "kerasprov"
        raise _UsageLine(f"{exc.format_message().rstrip('.')} (see '{where} --help')") \
            from None


class Group(click.Group):
    """The ``kerasprov`` group and its subgroups: usage mistakes are one line."""

    def make_context(self, *args, **kwargs):
        with _one_line():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx):
        with _one_line():
            return super().invoke(ctx)

    def group(self, *args, **kwargs):
        kwargs.setdefault("cls", Group)
        return super().group(*args, **kwargs)


@click.group(cls=Group)
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


def resolved(st, ref, what: str = "RUN") -> str:
    """The run id a person's reference names (an id, a unique prefix, a run name, a label
    or ``latest``)."""
    return st.resolve_run(need(ref, what))


def resolved_many(st, refs, what: str = "RUN_IDS (at least two)") -> list[str]:
    """``resolved`` for each of two or more references (a command that sets runs side by
    side says first that it needs two)."""
    refs = need(refs, what)
    if len(set(refs)) < 2:
        from ..errors import BadRequest
        raise BadRequest(f"give at least two different runs; got {list(refs)}")
    return [resolved(st, r) for r in refs]


def need(value, what: str):
    """A missing argument is an expected mistake: one line, exit code 1 (not click's 2)."""
    if value is None or value == () or value == "":
        from ..errors import BadRequest
        raise BadRequest(f"missing {what}; see --help")
    return value
