"""Why runs differ and where things came from, and exports for others: ``diff``,
``lineage``, ``prov``, ``export``."""

from __future__ import annotations

import click

from .base import (
    cli,
    emit,
    handle_errors,
    need,
    open_reader,
    output_options,
    resolved,
    resolved_many,
    store_option,
)


@cli.command()
@click.argument("run_id", required=False)
@click.option("--dataflow", default=None, help="Export every run of this dataflow instead.")
@click.option("--format", "prov_format", default="provn", show_default=True,
              help="provn, json, xml, rdf (PROV-O Turtle) or jsonld (PROV-O JSON-LD).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write to this file instead of standard output.")
@store_option
@handle_errors
def prov(run_id, dataflow, prov_format, output, store):
    """Export the W3C PROV document of run RUN_ID (an id, a unique prefix, a run name or
    `latest`), or of --dataflow TAG."""
    from ..errors import BadRequest
    from ..provexport import check_format, serialize
    if (run_id is None) == (dataflow is None):
        raise BadRequest("give either a RUN_ID or --dataflow TAG")
    check_format(prov_format)
    st = open_reader(store)
    if run_id is not None:
        run_id = resolved(st, run_id, "RUN_ID")
    text = serialize(st.prov(run_id=run_id, dataflow=dataflow), prov_format)
    if output is None:
        click.echo(text)
        return
    try:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        raise BadRequest(f"cannot write {output}: {exc.strerror or exc}") from None
    click.echo(f"wrote {output} ({prov_format}, {len(text.encode('utf-8'))} bytes)", err=True)


@cli.command()
@click.argument("run_ids", nargs=-1)
@click.option("--rtol", default=0.05, show_default=True, type=float,
              help="Relative tolerance below which metric values count as noise.")
@click.option("--atol", default=1e-3, show_default=True, type=float,
              help="Absolute tolerance below which metric values count as noise.")
@output_options
@handle_errors
def diff(run_ids, rtol, atol, store, fmt):
    """Every difference between two or more runs (RUN_IDS: ids, unique prefixes, run names
    or `latest`), grouped and ordered by how likely it explains the outcome: user
    transformations, data, hyperparameters, configuration, architecture, schedule, seed,
    code, environment, files, then the outcome (metrics and the epoch where the curves
    part). The table opens with each run's label."""
    st = open_reader(store)
    ids = resolved_many(st, run_ids)
    df = st.diff(*ids, rtol=rtol, atol=atol)
    if fmt == "table":
        labels = st.run_labels(ids)
        for rid in dict.fromkeys(ids):
            click.echo(f"{rid}  {labels.get(rid, '')}")
        click.echo("")
    emit(df, fmt)


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
    """Everything upstream (--up) or downstream (--down) of ENTITY: a file path, a sha256
    or a run (an id, a unique prefix, a run name or `latest`), across runs and processes
    (one recursive SQL query)."""
    from ..provexport import check_format
    if prov_format:
        check_format(prov_format)
    st = open_reader(store)
    entity = _entity(st, need(entity, "ENTITY (a file path, run id or sha256)"))
    lin = st.lineage(entity, direction, execute=not sql_only)
    if sql_only:
        click.echo(lin.sql)
        return
    if prov_format:
        from ..provexport import serialize
        click.echo(serialize(lin.prov(), prov_format))
        return
    if lin.note:
        click.echo(f"note: {lin.note}", err=True)
    df = lin.df
    if fmt == "table":
        cols = ["depth", "relation", "run_id", "label", "transformation", "data_set", "path",
                "sha256", "epoch", "learning_rate"]
        if "run_id" in df.columns:
            labels = st.run_labels([r for r in df["run_id"].dropna().unique()])
            df = df.assign(label=[labels.get(r) for r in df["run_id"]])
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
@store_option
@handle_errors
def export(run_id, ro_crate, max_copy, openlineage, store):
    """Export run RUN_ID (an id, a unique prefix, a run name or `latest`) for others: an
    RO-Crate (PROV, environment, files, HTML preview) and/or OpenLineage events."""
    from ..errors import BadRequest
    need(run_id, "RUN_ID")
    if not ro_crate and not openlineage:
        raise BadRequest("choose what to export: --ro-crate DIR and/or --openlineage FILE")
    st = open_reader(store)
    run_id = resolved(st, run_id, "RUN_ID")
    if ro_crate:
        from ..provexport.rocrate_export import export_ro_crate
        out = export_ro_crate(st, run_id, ro_crate, max_copy=max_copy)
        click.echo(f"wrote RO-Crate {out}", err=True)
    if openlineage:
        from ..provexport.openlineage_export import emit_openlineage
        n = emit_openlineage(st, run_id, openlineage)
        click.echo(f"wrote {n} OpenLineage event(s) to {openlineage}", err=True)


def _entity(st, entity: str) -> str:
    """A run reference (a prefix, a name, ``latest``) as its run id; a path that exists
    here, a sha256 or anything no run answers to goes to lineage as given."""
    import os
    import re

    from ..errors import KerasProvError
    if os.path.exists(entity) or re.fullmatch(r"[0-9a-fA-F]{64}", entity):
        return entity
    try:
        return st.resolve_run(entity)
    except KerasProvError:
        return entity  # lineage says what it could not find, in its own words
