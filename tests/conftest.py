"""Shared fixtures: every test gets its own store directory; Keras runs on torch by default."""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import pytest  # noqa: E402


@pytest.fixture
def store_dir(tmp_path, monkeypatch):
    """A fresh embedded store directory, configured for this process and for children."""
    import kerasprov

    d = tmp_path / "store"
    monkeypatch.setenv("KERASPROV_STORE", str(d))
    kerasprov.configure(store=d)
    yield d
    kerasprov.flush()
