"""The ``kerasprov`` command: a thin shell over the Python API (``kerasprov.open_store``)."""

from __future__ import annotations

import functools
import json
import sys

import click

from .errors import KerasProvError, ProvenanceWarning
from .query.records import records


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


@cli.command()
@click.option("--store", "store", default=None, envvar="KERASPROV_STORE",
              help="Store directory or postgresql:// URL the server writes to "
                   "(default: $KERASPROV_STORE, then ./kerasprov).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; use 0.0.0.0 to accept other machines (set a token).")
@click.option("--port", default=8765, show_default=True, type=int, help="Port to listen on.")
@click.option("--token-file", type=click.Path(dir_okay=False), default=None,
              help="File holding the bearer token every request must carry "
                   "(default: $KERASPROV_TOKEN; none: no token required).")
@click.option("--max-body", default=16 * 1024 * 1024, show_default=True, type=int,
              help="Largest request body accepted, in bytes (413 beyond).")
@handle_errors
def serve(store, host, port, token_file, max_body):
    """Serve a store over HTTP: event ingest from trainings, the query API and the web UI."""
    import os

    import uvicorn

    from . import config
    from .server.app import create_app
    spec = config.store_spec(store)
    if spec.startswith(("http://", "https://")):
        raise click.UsageError("serve needs a store directory or a postgresql:// URL, "
                               f"not another server. Received: --store {spec}")
    token = os.environ.get("KERASPROV_TOKEN") or None
    if token_file:
        try:
            with open(token_file, encoding="utf-8") as fh:
                token = fh.read().strip()
        except OSError as exc:
            raise click.UsageError(f"cannot read --token-file {token_file}: {exc}") from None
        if not token:
            raise click.UsageError(f"--token-file {token_file} is empty")
    app = create_app(spec, token=token, max_body=max_body)
    from .store.postgres import _redact
    shown = _redact(spec) if config.is_remote(spec) else spec
    click.echo(f"kerasprov: serving {shown} at http://{host}:{port}"
               + (" (token required)" if token else ""), err=True)
    if host not in ("127.0.0.1", "localhost", "::1") and not token:
        click.echo("kerasprov: warning: listening beyond this machine without a token",
                   err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


@cli.command()
@click.option("--store", "store", default=None, envvar="KERASPROV_STORE",
              help="Store the waiting journals go to (http://, postgresql://, monetdb:// "
                   "or a directory).")
@handle_errors
def sync(store):
    """Deliver every journal waiting in the outbox (runs that ended before delivery)."""
    from . import config
    spec = config.store_spec(store)
    directory = config.journal_dir(spec)
    from .outbox.delivery import deliver
    n = deliver(spec, directory, wait=60.0)
    click.echo(f"delivered {n} event(s) from {directory}")


@cli.command()
@click.option("--store", "store", default=None, envvar="KERASPROV_STORE",
              help="Store directory or postgresql:// URL (default: $KERASPROV_STORE, "
                   "then ./kerasprov).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind (this machine only by default).")
@click.option("--port", default=8765, show_default=True, type=int, help="Port to listen on.")
@handle_errors
def ui(store, host, port):
    """Open the web UI: runs, live run dashboards, the provenance graph, SQL, compare."""
    import uvicorn

    from . import config
    from .server.app import create_app
    spec = config.store_spec(store)
    if spec.startswith(("http://", "https://")):
        raise click.UsageError("ui reads a store directory or a postgresql:// URL; a "
                               f"kerasprov serve already serves its UI at {spec}")
    app = create_app(spec)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"kerasprov UI for {spec if not config.is_remote(spec) else 'PostgreSQL'}: "
               f"http://{shown}:{port}/  (Ctrl+C to stop)")
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


# -- reading runs: show, compare, query, prov, analyze ------------------------------------
def _need(value, what: str):
    """A missing argument is an expected mistake: one line, exit code 1 (not click's 2)."""
    if value is None or value == () or value == "":
        from .errors import BadRequest
        raise BadRequest(f"missing {what}; see --help")
    return value


_SINGLE_ROW = ("run", "hyperparameters", "config", "execution")


@cli.command()
@click.argument("run_id", required=False)
@output_options
@handle_errors
def show(run_id, store, fmt):
    """Everything about run RUN_ID: hyperparameters, layers, epochs, adaptations, tests,
    tasks and files."""
    sections = _store(store).run(_need(run_id, "RUN_ID"))
    if fmt == "json":
        click.echo(json.dumps({name: records(df) for name, df in sections.items()},
                              indent=2, ensure_ascii=False))
        return
    for i, (name, df) in enumerate(sections.items()):
        if fmt == "csv":
            click.echo(f"# {name}")
            emit(df, "csv")
            continue
        click.echo(("\n" if i else "") + f"== {name} ==")
        if name in _SINGLE_ROW and len(df) == 1:
            import pandas as pd
            df = pd.DataFrame({"field": [str(c) for c in df.columns],
                               "value": [str(v) for v in df.iloc[0].tolist()]})
        emit(df, "table")


@cli.command()
@click.argument("run_ids", nargs=-1)
@output_options
@handle_errors
def compare(run_ids, store, fmt):
    """Runs side by side: differing hyperparameters, final, best and test metrics
    (one row per field, one column per run)."""
    emit(_store(store).compare(_need(run_ids, "RUN_IDs (at least two)")), fmt)


@cli.command()
@click.option("--dataflow", default=None, help="Dataflow tag, e.g. alexnet.")
@click.option("--source", default=None, help="Source data set, e.g. itrainingmodel.")
@click.option("--target", default=None, help="Target data set, e.g. otestingmodel.")
@click.option("--project", multiple=True, help="set.attribute to show (repeatable; "
              "default: every attribute of source and target).")
@click.option("--select", multiple=True, help="Condition over set.attribute, e.g. "
              "\"itrainingmodel.optimizer_name = 'Adam'\" (repeatable; all must hold).")
@click.option("--distinct", is_flag=True, help="Drop repeated rows.")
@click.option("--sql-only", is_flag=True, help="Print the generated SQL, do not run it.")
@click.option("--limit", default=10_000, show_default=True, help="Maximum rows returned.")
@output_options
@handle_errors
def query(dataflow, source, target, project, select, distinct, sql_only, limit, store, fmt):
    """Join the data sets on the path of data dependencies from --source to --target
    (DfAnalyzer's query): prints the generated SQL and its result."""
    q = _store(store).query(_need(dataflow, "--dataflow"), _need(source, "--source"),
                            _need(target, "--target"), list(project), list(select),
                            limit=limit, distinct=distinct, execute=not sql_only)
    if sql_only:
        click.echo(q.sql)
        return
    if fmt == "table":
        click.echo(q.sql + "\n")
    emit(q.df, fmt)


@cli.command()
@click.argument("run_id", required=False)
@click.option("--dataflow", default=None, help="Export every run of this dataflow instead.")
@click.option("--format", "prov_format", default="provn", show_default=True,
              help="provn, json, xml, rdf (PROV-O Turtle) or jsonld (PROV-O JSON-LD).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write to this file instead of standard output.")
@click.option("--store", "store", default=None, envvar="KERASPROV_STORE",
              help="Store directory, postgresql:// URL or http:// server URL "
                   "(default: $KERASPROV_STORE, then ./kerasprov).")
@handle_errors
def prov(run_id, dataflow, prov_format, output, store):
    """Export the W3C PROV document of run RUN_ID (or of --dataflow TAG)."""
    from .errors import BadRequest
    from .provexport import check_format, serialize
    if (run_id is None) == (dataflow is None):
        raise BadRequest("give either a RUN_ID or --dataflow TAG")
    check_format(prov_format)
    text = serialize(_store(store).prov(run_id=run_id, dataflow=dataflow), prov_format)
    if output is None:
        click.echo(text)
        return
    try:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        raise BadRequest(f"cannot write {output}: {exc.strerror or exc}") from None
    click.echo(f"wrote {output} ({prov_format}, {len(text.encode('utf-8'))} bytes)", err=True)


@cli.group()
def analyze():
    """The paper's analyses: adaptation (Table 1), impact (Table 2), convergence."""


@analyze.command("adaptation")
@click.argument("run_id", required=False)
@output_options
@handle_errors
def analyze_adaptation(run_id, store, fmt):
    """Learning-rate changes of RUN_ID: epoch, learning_rate, technique (paper Table 1)."""
    emit(_store(store).adaptation(_need(run_id, "RUN_ID")), fmt)


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
    emit(_store(store).transformation_impact(transformation, parameter, metric, dataflow), fmt)


@analyze.command("convergence")
@click.argument("run_id", required=False)
@click.option("--metric", default="accuracy", show_default=True,
              help="Metric with a val_ twin, e.g. accuracy or loss.")
@output_options
@handle_errors
def analyze_convergence(run_id, metric, store, fmt):
    """Per epoch of RUN_ID: training metric, validation metric and the gap."""
    emit(_store(store).convergence(_need(run_id, "RUN_ID"), metric), fmt)


@cli.command()
@click.option("--store", "store", default=None, envvar="KERASPROV_STORE",
              help="Where the runs go (default: $KERASPROV_STORE, then ./kerasprov).")
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
    from .demo import DemoConfig, run_demo
    cfg = DemoConfig.for_full(epochs=epochs) if full else DemoConfig(epochs=epochs or 10)
    cfg.data_dir, cfg.verbose = data_dir, 2
    try:
        run_demo(cfg, store=store, echo=click.echo)
    except (ValueError, RuntimeError) as exc:
        raise click.ClickException(str(exc)) from None


def main(argv=None):
    cli.main(args=argv, prog_name="kerasprov")
