"""Shared fixtures and markers for every test module.

Fixtures: ``store_dir`` (a fresh embedded store), ``browser``/``page`` (headless Chromium),
and, through ``pytest_plugins``, ``pg_admin_url``/``pg_url``/``unit`` (pg_util: one real
PostgreSQL per session) and ``built``/``store`` (analysis_util: one trained store per
process). A module uses them by name; no import needed.

Markers (registered in pyproject.toml), applied here so that new tests get them too:
``pg`` (needs the PostgreSQL server: a ``pg_*`` fixture, or a ``postgres`` parameter),
``browser`` (needs Chromium: the ``browser`` or ``page`` fixture), ``slow`` (trains Keras
models or runs whole scripts: marked in the module, or listed in ``SLOW`` below).
``scripts/test --fast`` leaves all three out.
"""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import pytest  # noqa: E402
import ui_util  # noqa: E402

pytest_plugins = ["pg_util", "analysis_util"]

#: Test modules (or ``module::test`` names) that take long and are not marked ``slow`` in
#: their own file: they train Keras models (in this process or in scripts), start servers
#: and CLI processes, run the demo or a tuner search. What is left is the inner loop
#: (``scripts/test --fast``): the SQL sandbox, ingest, hostile input, the analyses on one
#: shared trained store.
SLOW: frozenset[str] = frozenset("""
test_bad_input test_batch_capture test_capture test_cli_analysis test_concurrency test_crash
test_demo test_diff test_distributed test_faults test_fidelity test_files test_fingerprint
test_ingest_gaps test_jax_backend test_lean_capture test_lineage test_lineage_ui
test_live_and_cli test_many_trainers test_never_breaks test_prov_interop test_remote_crash
test_replay test_search_ui test_server test_store_kinds test_transform test_tuner
test_ui_api test_ui_browser test_ui_token test_web_security
test_durability test_preemption test_special_files test_fidelity_real test_proof test_rerun
test_card test_cli_messages test_run_names test_read_surface test_ui_draw
test_width::test_a_real_training_with_1100_logged_metrics
test_bounds::test_chunked_login_of_hundreds_of_megabytes_is_refused_while_it_streams
test_bounds::test_every_route_bounds_a_chunked_body_before_authentication
test_sql_sandbox::test_cli_and_ui_show_the_hints
test_sql_sandbox::test_streaming_recursive_cte_stops_at_its_timeout
test_hostile_ingest::test_forged_journal_lines_never_block_the_store
test_hostile_ingest::test_broken_stores_give_one_line_and_exit_2
""".split())

_PG_FIXTURES = {"pg_admin_url", "pg_url", "pg_backend"}
_BROWSER_FIXTURES = {"browser", "page"}


def _module(path) -> str:
    return os.path.basename(str(path)).removesuffix(".py")


def pytest_ignore_collect(collection_path, config):
    """Under ``-m "not slow"`` a module that is slow as a whole is not even imported."""
    if "not slow" in (config.getoption("markexpr") or "") and \
            _module(collection_path) in SLOW:
        return True
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        params = getattr(getattr(item, "callspec", None), "params", {})
        if names & _PG_FIXTURES or "postgres" in map(str, params.values()):
            item.add_marker(pytest.mark.pg)
        if names & _BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        module = _module(item.nodeid.split("::")[0])
        if module in SLOW or f"{module}::{item.originalname}" in SLOW:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _own_configuration():
    """What a test gives ``kerasprov.configure`` (store, outbox, attest...) ends with it: a
    later test in the same process never inherits another test's outbox."""
    from kerasprov import config
    saved = dict(config._settings)
    yield
    config._settings.clear()
    config._settings.update(saved)


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
