"""Run the app under uvicorn so that SIGTERM and Ctrl+C stop it within seconds.

uvicorn's graceful shutdown waits for open requests with no time limit, and a request that
runs a query in a worker thread cannot be cancelled from the event loop: the query keeps its
thread, and the process waits for it at exit. So: a short graceful window, and a watchdog
armed by the first signal that ends the process if it is still alive shortly after.
"""

from __future__ import annotations

import os
import socket
import threading

import uvicorn

#: Seconds open requests get to finish after a stop signal.
GRACE_S = 2.0
#: Seconds after the stop signal at which the process ends whatever still runs.
HARD_STOP_S = 4.0


class _Server(uvicorn.Server):
    def handle_exit(self, sig: int, frame) -> None:
        super().handle_exit(sig, frame)
        _arm_watchdog(sig)


_armed = threading.Event()


def _arm_watchdog(sig: int) -> None:
    if _armed.is_set():
        return
    _armed.set()

    def stop() -> None:
        # Still alive: a query holds a worker thread, and asyncio or the interpreter waits
        # for it. End now, with the shell's status for that signal (130 Ctrl+C, 143 TERM).
        # (signal.signal cannot be called here: this is not the main thread.)
        try:
            os.write(2, b"kerasprov: stopped while a request was still running\n")
        finally:
            os._exit(128 + sig)

    timer = threading.Timer(HARD_STOP_S, stop)
    timer.daemon = True
    timer.start()


def serve_app(app, host: str, port: int, sock: socket.socket | None = None) -> None:
    """Serve ``app`` on ``host:port`` (or on ``sock``, already bound and listening: the
    caller says a busy port its own way) until SIGTERM or Ctrl+C (then within ~4 s)."""
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                            timeout_graceful_shutdown=GRACE_S)
    _Server(config).run(sockets=[sock] if sock is not None else None)
