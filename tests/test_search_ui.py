"""The KerasTuner search page in a real headless Chromium against ``kerasprov ui``: a real
seeded search (a hostile hyperparameter value, a trial that fails) captured in a
subprocess; the trials table best first, the parallel coordinates of the hyperparameters
against the objective, the objective over trials, and a trial's curves on click."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("keras_tuner")

import ui_util  # noqa: E402
from ui_util import (
    CHROMIUM,  # noqa: E402
    XSS_HP,  # noqa: E402
)

SRC = str(Path(__file__).resolve().parents[1] / "src")

pytestmark = pytest.mark.skipif(not shutil.which(CHROMIUM),
                                reason=f"needs Debian's chromium at {CHROMIUM}")

SCRIPT = textwrap.dedent('''
    import sys
    import kerasprov
    kerasprov.autolog(dataflow_tag="uisearch")
    import numpy as np
    import keras
    import keras_tuner as kt

    keras.utils.set_random_seed(1)
    x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
    y = x.sum(axis=1, keepdims=True)

    def broken(y_true, y_pred):
        raise ValueError("boom")

    def build(hp):
        units = hp.Int("units", 2, 8, step=2)
        hp.Fixed("note", sys.argv[2])
        fail = hp.Boolean("fail")
        act = hp.Choice("act", ["relu", "tanh"])
        lr = hp.Float("lr", 1e-3, 1e-1, sampling="log")
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(units, activation=act),
                                  keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.Adam(lr), loss=broken if fail else "mse")
        return model

    tuner = kt.RandomSearch(build, objective="val_loss", max_trials=5, executions_per_trial=2,
                            seed=4, directory=sys.argv[1], project_name="ui", overwrite=True,
                            max_consecutive_failed_trials=5)
    tuner.search(x, y, epochs=3, validation_split=0.25, verbose=0)
    print("STATUSES", sorted(t.status for t in tuner.oracle.trials.values()))
''')


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    d = tmp_path_factory.mktemp("searchui")
    script = d / "search.py"
    script.write_text(SCRIPT)
    env = dict(os.environ, PYTHONPATH=SRC, KERAS_BACKEND="torch",
               KERASPROV_STORE=str(d / "store"))
    proc = subprocess.run([sys.executable, str(script), str(d / "work"), XSS_HP], env=env,
                          cwd=d, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "FAILED" in proc.stdout and "COMPLETED" in proc.stdout, proc.stdout
    server = ui_util.Server(d / "store")
    yield {"url": server.url, "dir": d}
    server.stop()


def _traces(pg, div_id):
    return pg.evaluate("""id => {
        const div = document.getElementById(id);
        return div && div.data ? div.data.map(t => ({type: t.type || "scatter", name: t.name,
            n: (t.dimensions || []).length, labels: (t.dimensions || []).map(d => d.label),
            x: t.x ? Array.from(t.x) : [], y: t.y ? Array.from(t.y) : []})) : null;
    }""", div_id)


def test_search_page(site, page, tmp_path):
    page.goto(site["url"] + "/searches")
    link = page.locator("table a[href^='/searches/']").first
    link.click()
    page.wait_for_selector("#chart-parcoords svg.pc")
    rows = page.locator("tr.trial-row")
    assert rows.count() == 5
    ranks = [int(t) for t in page.locator("tr.trial-row td:first-child").all_inner_texts()]
    assert ranks == sorted(ranks) and ranks[0] == 1  # best first
    statuses = page.locator("tr.trial-row td:nth-child(3)").all_inner_texts()
    assert "FAILED" in statuses and statuses[0] == "COMPLETED"
    assert XSS_HP in page.locator("#trials").inner_text()  # shown as text, never run

    # Parallel coordinates drawn in SVG under the page's CSP: one axis per hyperparameter
    # plus the score, with ticks; one line per completed trial through every axis.
    axes = page.locator("#chart-parcoords g.pc-axis").evaluate_all("""gs => gs.map(g => ({
        label: g.dataset.axis, scale: g.dataset.scale,
        ticks: Array.from(g.querySelectorAll('.tick text')).map(t => t.firstChild.nodeValue)}))""")
    assert [a["label"] for a in axes] == ["units", "note", "fail", "act", "lr",
                                          "val_loss (score)"]
    assert all(a["ticks"] for a in axes)
    scales = {a["label"]: a["scale"] for a in axes}
    # the tuner sampled lr on a log scale, units linearly; choices are categories
    assert scales["lr"] == "log" and scales["units"] == "linear"
    assert scales["act"] == "category" and set(axes[3]["ticks"]) == {"relu", "tanh"}
    assert all(float(t) > 0 for t in axes[4]["ticks"])
    completed = statuses.count("COMPLETED")
    lines = page.locator("#chart-parcoords path.pc-line").evaluate_all(
        "ps => ps.map(p => ({trial: p.dataset.trial, d: p.getAttribute('d')}))")
    assert len(lines) == completed
    assert all(ln["d"].count("L") == len(axes) - 1 for ln in lines)  # through every axis
    # the hostile value is an axis tick, as text
    assert page.locator("#chart-parcoords script").count() == 0
    assert "ValueError: boom" in page.locator("tr.trial-row td.error-cell").last.inner_text()
    objective = _traces(page, "chart-objective")
    assert sum(v is not None for v in objective[0]["y"]) == completed

    # The best trial's curves are shown first; a click shows another trial's two executions.
    page.wait_for_function("() => window.KP_SEARCH && window.KP_SEARCH.shown() !== null")
    other = page.locator("tr.trial-row").nth(1)
    tid = other.get_attribute("data-trial")
    other.click()
    page.wait_for_function(f"() => window.KP_SEARCH.shown() === {tid!r}")
    curves = _traces(page, "chart-curves")
    names = [c["name"] for c in curves]
    assert any(n.startswith("execution 1") for n in names) and any(
        n.startswith("execution 2") for n in names)
    assert all(c["x"] == [0, 1, 2] for c in curves)
    # one metric per y axis: val_loss and loss never share a scale
    axes_of = page.evaluate("""() => {
        const div = document.getElementById('chart-curves'), out = {};
        div.data.forEach(t => { const m = t.name.split(': ')[1];
                                (out[m] = out[m] || new Set()).add(t.yaxis || 'y'); });
        return Object.fromEntries(Object.entries(out).map(([m, s]) => [m, [...s]]));
    }""")
    assert sorted(axes_of) == ["loss", "val_loss"]
    assert all(len(a) == 1 for a in axes_of.values())
    assert axes_of["loss"] != axes_of["val_loss"]
    drawn = page.locator("#chart-curves .scatterlayer path.js-line").count()
    assert drawn == len(curves)  # every trace has a drawn line
    assert page.locator("#curves-trial").inner_text() == tid
    # clicking a parcoords line shows that trial's curves too
    best = page.locator("tr.trial-row").first.get_attribute("data-trial")
    page.locator(f"#chart-parcoords path.pc-line[data-trial='{best}']").dispatch_event("click")
    page.wait_for_function(f"() => window.KP_SEARCH.shown() === {best!r}")
    assert page.locator("#chart-parcoords path.pc-line.selected").get_attribute(
        "data-trial") == best
    # a phone: the page fits 390 px (the parallel coordinates scroll inside their box)
    page.set_viewport_size({"width": 390, "height": 900})
    page.wait_for_timeout(300)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    out = Path(os.environ.get("KERASPROV_SCREENSHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out / "search.png"), full_page=True)


def test_failed_trial_curves_and_json_twin(site, page):
    import httpx
    searches = httpx.get(site["url"] + "/searches.json").json()["searches"]
    sid = searches[0]["search_id"]
    ctx = httpx.get(f"{site['url']}/searches/{sid}.json").json()
    failed = [t for t in ctx["trials"] if t["status"] == "FAILED"]
    assert failed and "boom" in failed[0]["error"] and len(failed[0]["run_ids"]) == 1
    page.goto(f"{site['url']}/searches/{sid}")
    page.locator(f"tr.trial-row[data-trial='{failed[0]['trial_id']}']").click()
    page.wait_for_function(f"() => window.KP_SEARCH.shown() === {failed[0]['trial_id']!r}")
    assert "failed before training" in page.locator("#curves-error").inner_text()
    missing = httpx.get(f"{site['url']}/searches/{sid}/trials/nope.json")
    assert missing.status_code == 404 and missing.json()["ok"] is False
