"""Commands that serve or move a store: ``serve``, ``ui``, ``status``, ``sync``."""

from __future__ import annotations

import errno
import socket

import click

from ..errors import KerasProvError
from .base import cli, emit, handle_errors, open_reader, output_options, store_option

PORT = click.IntRange(0, 65535)


class CannotListen(KerasProvError):
    """The address or port cannot be bound (busy, not this machine's, privileged)."""

    exit_code = 2


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``, bound here so that a busy port is one clear
    line before anything is announced, and ``--port 0`` announces the port it got."""
    try:
        family, kind, proto, _, addr = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    except socket.gaierror as exc:
        raise CannotListen(f"cannot listen on {host!r}: {exc.strerror}; choose another "
                           "--host") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        sock.bind(addr)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            why = (f"port {port} on {host} is already in use by another program; "
                   "choose another with --port (--port 0 picks a free one)")
        elif exc.errno == errno.EACCES:
            why = (f"no permission to listen on port {port} of {host} (ports below 1024 "
                   "need privileges); choose another with --port")
        elif exc.errno == errno.EADDRNOTAVAIL:
            why = f"{host} is not an address of this machine; choose another --host"
        else:
            why = f"cannot listen on {host}:{port}: {exc.strerror or exc}"
        raise CannotListen(why) from None
    return sock


def url_of(host: str, sock: socket.socket) -> str:
    """The address people open: the bound port (the real one for ``--port 0``)."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{sock.getsockname()[1]}/"


@cli.command()
@store_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; use 0.0.0.0 to accept other machines (set a token).")
@click.option("--port", default=8765, show_default=True, type=PORT,
              help="Port to listen on (0: any free port, announced).")
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

    from .. import config
    from ..server.app import create_app
    from ..server.runner import serve_app
    from ..server.security import allowed_hosts
    from ..store import kinds
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
    sock = listen(host, port)
    click.echo(f"kerasprov: serving {config.shown(spec)} at {url_of(host, sock)}"
               + (" (token required)" if token else ""), err=True)
    _warn_open(host, allow_host, bool(token))
    serve_app(app, host, port, sock=sock)


@cli.command()
@output_options
@handle_errors
def status(store, fmt):
    """Where provenance goes and what waits: the store and its kind, journal segments not
    yet delivered, and journal lines kept in rejected/ because they could not be stored."""
    import pandas as pd

    from .. import config
    from ..outbox.journal import list_segments
    from ..outbox.replay import REJECTED, rejected_count
    from ..store import kinds
    spec = config.store_spec(store)
    if kinds.kind_of(spec).sql:
        open_reader(spec)  # a store directory that is not there is said (NoStore)
    directory = kinds.journal_dir(spec)
    emit(pd.DataFrame([{
        "store": config.shown(spec), "kind": kinds.kind_of(spec).label,
        "journals": str(directory), "waiting_segments": len(list_segments(directory)),
        "rejected_lines": rejected_count(directory),
        "rejected_in": str(directory / REJECTED)}]), fmt)


@cli.command()
@store_option
@handle_errors
def sync(store):
    """Deliver every journal waiting in the outbox (runs that ended before delivery)."""
    from ..store import kinds
    n = kinds.deliver(store, wait=60.0)
    click.echo(f"delivered {n} event(s) from {kinds.journal_dir(store)}")


@cli.command()
@store_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind (this machine only by default).")
@click.option("--port", default=8765, show_default=True, type=PORT,
              help="Port to listen on (0: any free port, announced).")
@click.option("--allow-host", "allow_host", multiple=True, metavar="NAME",
              help="Also answer to this Host name (repeatable; '*' for any). By default "
                   "only the bind address and the loopback names, against DNS rebinding.")
@handle_errors
def ui(store, host, port, allow_host):
    """Open the web UI: runs, live run dashboards, the provenance graph, SQL, compare.

    A viewer: it takes no events over HTTP (trainings deliver to the store themselves),
    and it trusts whoever can reach its address (no token; see docs/security.md).
    """
    from .. import config
    from ..server.app import create_app
    from ..server.runner import serve_app
    from ..server.security import allowed_hosts
    from ..store import kinds
    spec = config.store_spec(store)
    if not kinds.kind_of(spec).sql:
        raise click.UsageError("ui reads a store directory or a postgresql:// or monetdb:// "
                               f"URL; a kerasprov serve already serves its UI at {spec}")
    app = create_app(spec, hosts=allowed_hosts(host, allow_host), create=False)  # NoStore
    sock = listen(host, port)
    click.echo(f"kerasprov UI for {config.shown(spec)}: {url_of(host, sock)}  "
               "(Ctrl+C to stop)")
    _warn_open(host, allow_host, False)
    serve_app(app, host, port, sock=sock)


def _warn_open(host: str, allow_host: tuple[str, ...], has_token: bool) -> None:
    """One line on stderr for a server that trusts more than this machine's own users."""
    if host not in ("127.0.0.1", "localhost", "::1") and not has_token:
        click.echo("kerasprov: warning: listening beyond this machine without a token: "
                   "anyone who can reach it can read the store", err=True)
    if "*" in allow_host:
        click.echo("kerasprov: warning: --allow-host '*' turns off the guard against DNS "
                   "rebinding", err=True)
