"""Commands that prove a run (issue #22): ``key``, ``attest``, ``verify``, ``rerun``,
``card``. Exit codes: 0 verified (or reproduced), 1 failed (each problem one line), 2
cannot verify or rerun (no key, an unreadable file, a run of a kind that cannot be rerun)."""

from __future__ import annotations

import json
import sys

import click

from ..proof import card as card_mod
from ..proof import envelope, keys
from ..proof import rerun as rerun_mod
from ..proof import verify as verify_mod
from .base import cli, handle_errors, need, open_reader, store_option

_KEY = click.option("--key", "key_files", multiple=True, type=click.Path(),
                    help="A trusted public key (PEM, or a securesystemslib key as JSON); "
                         "repeatable. Default: this user's own signing key.")


def _report(verdict: verify_mod.Verdict, what: str) -> None:
    for line in verdict.problems:
        click.echo(f"FAIL {line}")
    if verdict.ok:
        click.echo(f"OK {what}: signed by {verdict.keyid}, verified "
                   f"({verdict.subjects} subject file(s) checked)")
    sys.exit(verdict.exit_code)


@cli.command()
@handle_errors
def key():
    """Print this user's public signing key and its id (created on first use, mode 0600,
    in ~/.kerasprov, or the file named by KERASPROV_SIGNING_KEY)."""
    signer = keys.signer(create=True)
    click.echo(f"key id: {signer.public_key.keyid}")
    click.echo(f"key file: {keys.key_path()}")
    click.echo(keys.public_pem(signer.public_key), nl=False)


@cli.command()
@click.argument("run_id", required=False)
@click.option("-o", "--output", type=click.Path(), default=None,
              help="Write the DSSE envelope here (default: standard output).")
@click.option("--resign", is_flag=True, help="Sign a new statement built from the store "
              "with this user's key, even when the training process signed one.")
@store_option
@handle_errors
def attest(run_id, output, resign, store):
    """Write RUN_ID's signed in-toto attestation (a DSSE envelope of an in-toto Statement
    v1 with a SLSA Provenance v1 predicate). The envelope the training process signed when
    there is one; else one signed now, from the store, with this user's key."""
    reader = open_reader(store)
    run_id = need(run_id, "RUN_ID")
    att = None if resign else reader.attestation(run_id)
    if att is not None:
        env = att["envelope"]
        how = f"signed by the training process (key {att.get('keyid')})"
    else:
        signer = keys.signer(create=True)
        env = envelope.sign(reader.statement(run_id), signer)
        how = f"signed now from the store (key {signer.public_key.keyid})"
    text = json.dumps(env, indent=2) + "\n"
    if output:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text)
        click.echo(f"wrote {output}: {how}", err=True)
    else:
        click.echo(text, nl=False)


@cli.command()
@click.argument("run_id", required=False)
@click.option("--attestation", "attestation", type=click.Path(), default=None,
              help="Verify this attestation file and the files it names, without a store.")
@_KEY
@store_option
@handle_errors
def verify(run_id, attestation, key_files, store):
    """Check that RUN_ID is what its training process signed: the signature under a trusted
    key, the store's facts (metrics, learning rates, hyperparameters, tests, files, data)
    against the signed ones, and each model file on disk. One line per problem."""
    if attestation:
        _report(verify_mod.verify_file(attestation, key_files), attestation)
    run_id = need(run_id, "RUN_ID (or --attestation FILE)")
    _report(verify_mod.verify_run(open_reader(store), run_id, key_files), f"run {run_id}")


@cli.command()
@click.argument("run_id", required=False)
@click.option("--anyway", is_flag=True, help="Run it even when inputs changed (a comparison, "
              "not a reproduction).")
@click.option("--rtol", default=1e-5, show_default=True, help="Relative tolerance.")
@click.option("--atol", default=1e-8, show_default=True, help="Absolute tolerance.")
@click.option("--timeout", default=None, type=float, help="Seconds the rerun may take.")
@store_option
@handle_errors
def rerun(run_id, anyway, rtol, atol, timeout, store):
    """Run RUN_ID's recorded command again into the same store and say whether it
    reproduces: identical, within tolerance, or diverged at epoch k. A preflight first
    names every input that changed since (script, git, data files, packages, backend,
    Python)."""
    reader = open_reader(store)
    run_id = need(run_id, "RUN_ID")
    rec = rerun_mod.recorded(reader, run_id)
    why = rerun_mod.refusal(reader, rec)
    if why:
        raise rerun_mod.CannotRerun(why)
    changes = rerun_mod.preflight(rec)
    for group, text in changes:
        click.echo(f"changed [{group}] {text}")
    if changes and not anyway:
        click.echo(f"not a reproduction: {len(changes)} input(s) changed since run {run_id} "
                   "(--anyway runs it for a comparison)")
        sys.exit(1)
    if not changes:
        click.echo("preflight: script, git, data files, packages, backend and Python as "
                   "recorded")
    argv = " ".join((rec.environment.get("rerun") or {}).get("argv") or [])
    click.echo(f"running: {argv}", err=True)
    before = rerun_mod.outputs_on_disk(rec)
    done = rerun_mod.launch(rec, reader.spec, timeout)
    for path in rerun_mod.overwritten(before):
        click.echo(f"note: the rerun wrote {path} again: run {run_id}'s signed file is gone "
                   "(verify names it)")
    new = rerun_mod.new_run_of(open_reader(store), run_id)
    if done.returncode != 0 or new is None:
        click.echo(f"the rerun failed (exit status {done.returncode}"
                   f"{'' if new else ', no new run recorded'})")
        sys.exit(1)
    verdict = rerun_mod.judge(open_reader(store), run_id, new, rtol=rtol, atol=atol)
    click.echo(f"new run {new} reproduces {run_id}")
    for line in verdict.lines:
        click.echo(line)
    sys.exit(1 if changes else verdict.exit_code)


@cli.command()
@click.argument("run_id", required=False)
@click.option("-o", "--output", type=click.Path(), default=None,
              help="Write the card here (default: standard output).")
@store_option
@handle_errors
def card(run_id, output, store):
    """Write a Hugging Face model card (README.md with YAML front matter) for RUN_ID from
    its provenance: architecture, data lineage, training procedure, results, versions,
    and how to verify it."""
    text = card_mod.build(open_reader(store), need(run_id, "RUN_ID"))
    if output:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text)
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)
