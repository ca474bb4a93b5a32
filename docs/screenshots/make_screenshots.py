"""Regenerate the screenshots: a small real store (three runs of a tiny model, one with a
checkpoint per epoch, a live one, and a KerasTuner search), `kerasprov ui`, headless
Chromium. Every page at 1366 px (``NAME.png``) and at a 390 px phone (``NAME-phone.png``).

Run from the repository root: ``KERAS_BACKEND=torch python docs/screenshots/make_screenshots.py``
(needs Debian's /usr/bin/chromium, the playwright Python package and keras-tuner; takes a
few minutes).
"""

import os
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "torch")
ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "tests"))

import ui_util  # noqa: E402
from ui_util import ARGS, CHROMIUM  # noqa: E402


def make_store(work: Path) -> Path:
    import kerasprov
    store = work / "store"
    kerasprov.configure(store=store)
    for lr, filt, dropout in ((1e-2, "none", 0.1), (1e-2, "gray-scale", 0.1), (1e-3, "none", 0.3)):
        ui_util.train("tiny_mlp", epochs=8, lr=lr, filter_name=filt, workdir=str(work),
                      hyperparameters={"dropout": dropout, "activation": "relu"},
                      checkpoint=filt == "gray-scale")
    from test_search_ui import SCRIPT  # the search the search page's test captures
    script = work / "search.py"
    script.write_text(SCRIPT)
    subprocess.run([sys.executable, str(script), str(work / "tuner"), "demo"], check=True,
                   env={**os.environ, "KERASPROV_STORE": str(store),
                        "PYTHONPATH": str(ROOT / "src")}, cwd=work, capture_output=True)
    return store


def main() -> None:
    import httpx
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="kp-shots-"))
    store = make_store(work)
    server = ui_util.Server(store)
    live = subprocess.Popen([sys.executable, str(ROOT / "tests" / "ui_util.py"), "--dataflow",
                             "tiny_mlp", "--epochs", "60", "--sleep", "1"],
                            env={**os.environ, "KERASPROV_STORE": str(store)})
    try:
        url = server.url
        runs = sorted(httpx.get(url + "/.json?dataflow=tiny_mlp").json()["rows"],
                      key=lambda r: r["start_time"])
        ids = [r["run_id"] for r in runs]
        gray = next(r["run_id"] for r in runs if r.get("filter.filter_name") == "gray-scale")
        search = httpx.get(url + "/searches.json").json()["searches"][0]["search_id"]
        query = ("SELECT run_id, epoch, previous_learning_rate, learning_rate, technique\n"
                 "FROM adaptations ORDER BY run_id, epoch")
        pages = {"runs": "/", "run": f"/runs/{gray}", "graph": "/dataflows/tiny_mlp",
                 "sql": "/sql?sql=" + urllib.parse.quote(query),
                 "compare": f"/compare?runs={','.join(ids[:3])}", "dataflows": "/dataflows",
                 "searches": "/searches", "search": f"/searches/{search}",
                 "lineage": f"/lineage?entity={gray}&direction=down",
                 "not-found": "/runs/no-such-run"}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for width, suffix in ((1366, ""), (390, "-phone")):
                page = browser.new_page(viewport={"width": width, "height": 850})
                for name, path in pages.items():
                    page.goto(url + path)
                    if name == "runs":
                        page.locator("tr.status-running").wait_for(timeout=60_000)
                        for rid in ids[:2]:
                            page.check(f'input[name="runs"][value="{rid}"]')
                        page.wait_for_function("""() => (document.getElementById(
                            'chart-runs-curves').dataset.runs || '').split(',').length == 2
                            && document.querySelector('#chart-runs-curves path.js-line')""")
                    if name == "graph":
                        page.click('.ds-node[data-set="ifilter"]')
                        page.click('.ds-node[data-set="otestingmodel"]')
                        page.check('[data-attr="ifilter.filter_name"]')
                        page.check('[data-attr="otestingmodel.accuracy"]')
                        page.wait_for_function("() => !document.getElementById('run').disabled"
                                               " && document.getElementById('sql').value")
                        page.click("#run")
                        page.wait_for_selector("#result table, #error:not([hidden])")
                    page.wait_for_timeout(1500)
                    page.screenshot(path=str(OUT / f"{name}{suffix}.png"), full_page=True)
                page.close()
            browser.close()
    finally:
        live.kill()
        server.stop()
    print("screenshots in", OUT)


if __name__ == "__main__":
    main()
