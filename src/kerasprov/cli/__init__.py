"""The ``kerasprov`` command: a thin shell over the Python API (``kerasprov.open_store``).

``base`` holds the group and what commands share (the one ``--store`` option, output
formats, error handling); each sibling module adds a family of commands to the group when
imported here. A new family is a new module plus one line below.
"""

from __future__ import annotations

from . import analysis, export, proof, reading, serving  # noqa: F401  (each registers its commands)
from .base import cli


def main(argv=None) -> None:
    """The console script ``kerasprov``."""
    cli.main(args=argv, prog_name="kerasprov")


__all__ = ["cli", "main"]
