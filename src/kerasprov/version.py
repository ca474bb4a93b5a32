"""The package version (a module of its own: importing it does not import the package's
capture hooks, as ``from kerasprov import __version__`` would inside kerasprov)."""

__version__ = "0.1.0"
