"""The ``kerasprov`` command: a thin shell over the Python API (``kerasprov.open_store``).

Long because it is flat: one small function per command (about 20 of them), each only
parsing options, calling one Store method and printing; the logic lives in query/.
"""

from __future__ import annotations

import functools
import json
import sys

import click

from .errors import KerasProvError, ProvenanceWarning
from .query.records import records


def emit(df, fmt: str, drop_empty: bool = False) -> None:
    """Print ``df``: JSON records, CSV, or a table for people (see query/display.py;
    ``drop_empty`` leaves out the columns missing in every row, tables only)."""
    if fmt == "json":
        click.echo(json.dumps(records(df), indent=2, ensure_ascii=False))
    elif fmt == "csv":
        click.echo(df.to_csv(index=False), nl=False)
    else:
        from .query.display import table_text
        click.echo(table_text(df, drop_empty=drop_empty))
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
@click.option("--status", default=None,
              help="running, finished, failed, interrupted or crashed.")
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
        from .query.searches import search_runs
        emit(search_runs(_store(store), search), fmt)
        return
    df = _store(store).runs(dataflow=dataflow, status=status, limit=limit)
    if fmt == "table" and not all_columns:
        from .query.display import runs_for_table
        df = runs_for_table(df)
    emit(df, fmt, drop_empty=fmt == "table")


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
@click.option("--allow-host", "allow_host", multiple=True, metavar="NAME",
              help="Also answer to this Host name (repeatable; '*' for any). By default "
                   "only the bind address and the loopback names, against DNS rebinding.")
@handle_errors
def serve(store, host, port, token_file, max_body, allow_host):
    """Serve a store over HTTP: event ingest from trainings, the query API and the web UI."""
    import os

    from . import config
    from .server.app import create_app
    from .server.runner import serve_app
    from .server.security import allowed_hosts
    from .store import kinds
    spec = config.store_spec(store)
    if not kinds.kind_of(spec).sql:
        raise click.UsageError("serve needs a store directory or a postgresql:// or "
                               "monetdb:// URL, not another server. Received: --store "
                               f"{config.shown(spec)}")
    token = os.environ.get("KERASPROV_TOKEN") or None
    if token_file:
        try:
            with open(token_file, encoding="utf-8") as fh:
                token = fh.read().strip()
        except OSError as exc:
            raise click.UsageError(f"cannot read --token-file {token_file}: {exc}") from None
        if not token:
            raise click.UsageError(f"--token-file {token_file} is empty")
    app = create_app(spec, token=token, max_body=max_body, ingest=True,
                     hosts=allowed_hosts(host, allow_host))
    click.echo(f"kerasprov: serving {config.shown(spec)} at http://{host}:{port}"
               + (" (token required)" if token else ""), err=True)
    _warn_open(host, allow_host, bool(token))
    serve_app(app, host, port)


@cli.command()
@output_options
@handle_errors
def status(store, fmt):
    """Where provenance goes and what waits: the store and its kind, journal segments not
    yet delivered, and journal lines kept in rejected/ because they could not be stored."""
    import pandas as pd

    from . import config
    from .outbox.journal import list_segments
    from .outbox.replay import REJECTED, rejected_count
    from .store import kinds
    spec = config.store_spec(store)
    directory = kinds.journal_dir(spec)
    emit(pd.DataFrame([{
        "store": config.shown(spec), "kind": kinds.kind_of(spec).label,
        "journals": str(directory), "waiting_segments": len(list_segments(directory)),
        "rejected_lines": rejected_count(directory),
        "rejected_in": str(directory / REJECTED)}]), fmt)


@cli.command()
@click.option("--store", "store", default=None, envvar="KERASPROV_STORE",
              help="Store the waiting journals go to (http://, postgresql://, monetdb:// "
                   "or a directory).")
@handle_errors
def sync(store):
    """Deliver every journal waiting in the outbox (runs that ended before delivery)."""
    from .store import kinds
    n = kinds.deliver(store, wait=60.0)
    click.echo(f"delivered {n} event(s) from {kinds.journal_dir(store)}")


@cli.command()
@click.option("--store", "store", default=None, envvar="KERASPROV_STORE",
              help="Store directory or postgresql:// URL (default: $KERASPROV_STORE, "
                   "then ./kerasprov).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind (this machine only by default).")
@click.option("--port", default=8765, show_default=True, type=int, help="Port to listen on.")
@click.option("--allow-host", "allow_host", multiple=True, metavar="NAME",
              help="Also answer to this Host name (repeatable; '*' for any). By default "
                   "only the bind address and the loopback names, against DNS rebinding.")
@handle_errors
def ui(store, host, port, allow_host):
    """Open the web UI: runs, live run dashboards, the provenance graph, SQL, compare.

    A viewer: it takes no events over HTTP (trainings deliver to the store themselves),
    and it trusts whoever can reach its address (no token; see docs/security.md).
    """
    from . import config
    from .server.app import create_app
    from .server.runner import serve_app
    from .server.security import allowed_hosts
    from .store import kinds
    spec = config.store_spec(store)
    if not kinds.kind_of(spec).sql:
        raise click.UsageError("ui reads a store directory or a postgresql:// or monetdb:// "
                               f"URL; a kerasprov serve already serves its UI at {spec}")
    app = create_app(spec, hosts=allowed_hosts(host, allow_host))
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"kerasprov UI for {config.shown(spec)}: "
               f"http://{shown}:{port}/  (Ctrl+C to stop)")
    _warn_open(host, allow_host, False)
    serve_app(app, host, port)


def _warn_open(host: str, allow_host: tuple[str, ...], has_token: bool) -> None:
    """One line on stderr for a server that trusts more than this machine's own users."""
    if host not in ("127.0.0.1", "localhost", "::1") and not has_token:
        click.echo("kerasprov: warning: listening beyond this machine without a token: "
                   "anyone who can reach it can read the store", err=True)
    if "*" in allow_host:
        click.echo("kerasprov: warning: --allow-host '*' turns off the guard against DNS "
                   "rebinding", err=True)


# -- reading runs: show, compare, query, prov, analyze ------------------------------------
def _need(value, what: str):
    """A missing argument is an expected mistake: one line, exit code 1 (not click's 2)."""
    if value is None or value == () or value == "":
        from .errors import BadRequest
        raise BadRequest(f"missing {what}; see --help")
    return value


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
    if fmt == "csv":
        for name, df in sections.items():
            click.echo(f"# {name}")
            emit(df, "csv")
        return
    from .query.display import show_sections
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
    emit(_store(store).compare(_need(run_ids, "RUN_IDs (at least two)")), fmt)


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
        emit(_store(store).dataflow_versions(_need(dataflow, "--dataflow")), fmt)
        return
    q = _store(store).query(_need(dataflow, "--dataflow"), list(_need(source, "--source")),
                            list(_need(target, "--target")), list(project), list(select),
                            limit=limit, distinct=distinct, execute=not sql_only,
                            include=list(include), exclude=list(exclude), mapping=mapping,
                            dataflow_version=dataflow_version)
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


# -- why runs differ, lineage, export (issue #12) ------------------------------------------
@cli.command()
@click.argument("run_ids", nargs=-1)
@click.option("--rtol", default=0.05, show_default=True, type=float,
              help="Relative tolerance below which metric values count as noise.")
@click.option("--atol", default=1e-3, show_default=True, type=float,
              help="Absolute tolerance below which metric values count as noise.")
@output_options
@handle_errors
def diff(run_ids, rtol, atol, store, fmt):
    """Every difference between two or more runs (RUN_IDS), grouped and ordered by how
    likely it explains the outcome: user transformations, data, hyperparameters,
    configuration, architecture, schedule, seed, code, environment, files, then the outcome
    (metrics and the epoch where the curves part)."""
    emit(_store(store).diff(*_need(run_ids, "RUN_IDS (at least two)"), rtol=rtol,
                            atol=atol), fmt)


@cli.command()
@click.argument("entity", required=False)
@click.option("--up", "direction", flag_value="up", default=True,
              help="What ENTITY was made from (default).")
@click.option("--down", "direction", flag_value="down", help="What was made from ENTITY.")
@click.option("--sql", "sql_only", is_flag=True, help="Print the recursive SQL, do not run it.")
@click.option("--prov", "prov_format", default=None,
              help="Print the lineage as W3C PROV: provn, json, xml, rdf or jsonld.")
@output_options
@handle_errors
def lineage(entity, direction, sql_only, prov_format, store, fmt):
    """Everything upstream (--up) or downstream (--down) of ENTITY: a file path, a run id
    or a sha256, across runs and processes (one recursive SQL query)."""
    lin = _store(store).lineage(_need(entity, "ENTITY (a file path, run id or sha256)"),
                                direction, execute=not sql_only)
    if sql_only:
        click.echo(lin.sql)
        return
    if prov_format:
        from .provexport import check_format, serialize
        check_format(prov_format)
        click.echo(serialize(lin.prov(), prov_format))
        return
    if lin.note:
        click.echo(f"note: {lin.note}", err=True)
    df = lin.df
    if fmt == "table":
        cols = ["depth", "relation", "run_id", "transformation", "data_set", "path", "sha256",
                "epoch", "learning_rate"]
        df = df[[c for c in cols if c in df.columns]].copy()
        df["sha256"] = df["sha256"].map(lambda v: v[:12] if isinstance(v, str) else v)
    emit(df, fmt)


@cli.command()
@click.argument("run_id", required=False)
@click.option("--ro-crate", "ro_crate", type=click.Path(file_okay=False), default=None,
              help="Write the run as a Research Object Crate into this new directory.")
@click.option("--max-copy", default=10 * 1024 * 1024, show_default=True, type=int,
              help="Files larger than this (bytes) are described by sha256, not copied.")
@click.option("--openlineage", "openlineage", type=click.Path(dir_okay=False), default=None,
              help="Append the run's OpenLineage events to this file (one JSON per line; "
                   "needs kerasprov[openlineage]).")
@click.option("--store", "store", default=None, envvar="KERASPROV_STORE",
              help="Store directory, postgresql:// URL or http:// server URL "
                   "(default: $KERASPROV_STORE, then ./kerasprov).")
@handle_errors
def export(run_id, ro_crate, max_copy, openlineage, store):
    """Export run RUN_ID for others: an RO-Crate (PROV, environment, files, HTML preview)
    and/or OpenLineage events."""
    from .errors import BadRequest
    run_id = _need(run_id, "RUN_ID")
    if not ro_crate and not openlineage:
        raise BadRequest("choose what to export: --ro-crate DIR and/or --openlineage FILE")
    st = _store(store)
    if ro_crate:
        from .provexport.rocrate_export import export_ro_crate
        out = export_ro_crate(st, run_id, ro_crate, max_copy=max_copy)
        click.echo(f"wrote RO-Crate {out}", err=True)
    if openlineage:
        from .provexport.openlineage_export import emit_openlineage
        n = emit_openlineage(st, run_id, openlineage)
        click.echo(f"wrote {n} OpenLineage event(s) to {openlineage}", err=True)


# -- KerasTuner searches (issue #13) -----------------------------------------------------------
@cli.command()
@output_options
@handle_errors
def searches(store, fmt):
    """List KerasTuner searches: tuner, objective, trials, best trial and score."""
    emit(_store(store).searches(), fmt)


@cli.command()
@click.argument("search", required=False)
@click.option("--best-history", is_flag=True, help="The best trial's checkpoint and its "
              "per-epoch learning rate and metrics instead.")
@output_options
@handle_errors
def trials(search, best_history, store, fmt):
    """List the trials of a KerasTuner SEARCH (id or unique prefix; default: the newest),
    best first: hyperparameters, status, score, best epoch and the runs of its executions."""
    emit(_store(store).trials(search, best_history=best_history), fmt)


def main(argv=None):
    cli.main(args=argv, prog_name="kerasprov")
