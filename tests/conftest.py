"""Shared fixtures: every test gets its own store directory; Keras runs on torch by default."""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import pytest  # noqa: E402
import ui_util  # noqa: E402


@pytest.fixture
def store_dir(tmp_path, monkeypatch):
    """A fresh embedded store directory, configured for this process and for children."""
    import kerasprov

    d = tmp_path / "store"
    monkeypatch.setenv("KERASPROV_STORE", str(d))
    kerasprov.configure(store=d)
    yield d
    kerasprov.flush()


# -- the browser for the UI tests (test_ui_browser, test_lineage_ui, test_search_ui) ----------
@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=ui_util.CHROMIUM, args=ui_util.ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh page; any JS error, CSP violation or dialog (an alert() from injected markup)
    fails the test."""
    pg = browser.new_page(viewport={"width": 1300, "height": 900})
    problems = []
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    # The server's CSP (script-src 'self') must hold: a blocked script or handler is a bug.
    # (Predicates below are arrow functions: a bare expression string makes Playwright poll
    # it with eval(), which that CSP rightly blocks.)
    pg.on("console", lambda m: "Content Security Policy" in m.text and problems.append(
        f"CSP violation: {m.text}"))
    pg.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    pg.on("request", lambda r: r.url.startswith("http://127.0.0.1") or problems.append(
        f"request off this machine: {r.url}"))
    yield pg
    pg.close()
    assert not problems, problems

