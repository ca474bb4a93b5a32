"""Regenerate the README screenshots: a small real store, `kerasprov ui`, headless Chromium.

Run from the repository root: ``KERAS_BACKEND=torch python docs/screenshots/make_screenshots.py``
(needs Debian's /usr/bin/chromium and the playwright Python package; takes about a minute).
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

import ui_util
from test_ui_browser import ARGS, CHROMIUM


def main() -> None:
    import httpx
    from playwright.sync_api import sync_playwright

    import kerasprov
    work = Path(tempfile.mkdtemp(prefix="kp-shots-"))
    store = work / "store"
    kerasprov.configure(store=store)
    for lr, filt, dropout in ((1e-2, "none", 0.1), (1e-2, "gray-scale", 0.1), (1e-3, "none", 0.3)):
        ui_util.train("tiny_mlp", epochs=8, lr=lr, filter_name=filt, workdir=str(work),
                      hyperparameters={"dropout": dropout, "activation": "relu"})
    server = ui_util.Server(store)
    live = subprocess.Popen([sys.executable, str(ROOT / "tests" / "ui_util.py"), "--dataflow",
                             "tiny_mlp", "--epochs", "30", "--sleep", "1"],
                            env={**os.environ, "KERASPROV_STORE": str(store)})
    try:
        url = server.url
        runs = sorted(httpx.get(url + "/.json").json()["rows"], key=lambda r: r["start_time"])
        ids = [r["run_id"] for r in runs]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1300, "height": 850})
            page.goto(url + "/")
            page.locator("tr.status-running").wait_for(timeout=60_000)
            page.screenshot(path=str(OUT / "runs.png"), full_page=True)
            page.goto(f"{url}/runs/{ids[0]}")
            page.wait_for_timeout(1500)
            page.screenshot(path=str(OUT / "run.png"), full_page=True)
            page.goto(url + "/dataflows/tiny_mlp")
            page.click('.ds-node[data-set="ifilter"]')
            page.click('.ds-node[data-set="otestingmodel"]')
            page.check('[data-attr="ifilter.filter_name"]')
            page.check('[data-attr="otestingmodel.accuracy"]')
            page.check("#distinct")
            page.wait_for_function("document.getElementById('sql').value.includes('DISTINCT') "
                                   "&& !document.getElementById('sql').value.includes('loss')")
            page.click("#run")
            page.wait_for_selector("#result table")
            page.screenshot(path=str(OUT / "graph.png"), full_page=True)
            query = ("SELECT run_id, epoch, previous_learning_rate, learning_rate, technique\n"
                     "FROM adaptations ORDER BY run_id, epoch")
            page.goto(url + "/sql?sql=" + urllib.parse.quote(query))
            page.wait_for_selector("#result table")
            page.screenshot(path=str(OUT / "sql.png"), full_page=False)
            page.goto(f"{url}/compare?runs={','.join(ids[:3])}")
            page.wait_for_timeout(1500)
            page.screenshot(path=str(OUT / "compare.png"), full_page=True)
            browser.close()
    finally:
        live.kill()
        server.stop()
    print("screenshots in", OUT)


if __name__ == "__main__":
    main()
