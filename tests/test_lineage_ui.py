"""Issue #12 in a real headless Chromium against `kerasprov ui`: "What differs" on the compare
page, the runs page's varying columns, and the lineage graph from a run and a file page."""

import os
import shutil

import httpx
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")

import ui_util
from ui_util import CHROMIUM

pytestmark = pytest.mark.skipif(not shutil.which(CHROMIUM),
                                reason=f"needs Debian's chromium at {CHROMIUM}")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    import kerasprov
    d = tmp_path_factory.mktemp("linui")
    store = d / "store"
    kerasprov.configure(store=store)
    for name in ("none", "gray"):
        ui_util.train("linui", epochs=3, filter_name=name, workdir=str(d))
    server = ui_util.Server(store)
    rows = httpx.get(server.url + "/.json").json()["rows"]
    ids = {r["filter.filter_name"]: r["run_id"] for r in rows}
    yield {"url": server.url, "ids": ids, "dir": d}
    server.stop()


def test_compare_page_says_what_differs_first(site, page):
    none, gray = site["ids"]["none"], site["ids"]["gray"]
    page.goto(f"{site['url']}/compare?runs={none},{gray}")
    section = page.locator("#what-differs")
    assert section.is_visible()
    first = section.locator("tr.diff-row").first
    cells = first.locator("th, td").all_inner_texts()
    assert cells[:4] == ["transformation", "Filter.filter_name", "none", "gray"]
    heads = section.locator("thead th").all_inner_texts()  # each run by its name, then id
    assert "filter_name=none" in heads[2] and none in heads[2], heads
    assert "filter_name=gray" in heads[3] and gray in heads[3], heads
    # It sits above the hyperparameter table.
    headings = page.locator("main h2").all_inner_texts()
    assert headings[0].startswith("What differs")


def test_runs_page_shows_the_filter_and_test_metrics_up_front(site, page):
    page.goto(site["url"] + "/")
    heads = [h.strip(" ▲▼") for h in page.locator("#runs-table thead tr").first
             .locator("th").all_inner_texts()]
    assert heads.index("filter.filter_name") < heads.index("test_accuracy") < \
        heads.index("learning_rate")
    col = heads.index("filter.filter_name")
    row = page.locator(f"#runs-body tr[data-run='{site['ids']['gray']}'] td").nth(col)
    assert row.inner_text() == "gray"


def test_lineage_graph_from_run_and_file_pages(site, page):
    gray = site["ids"]["gray"]
    page.goto(f"{site['url']}/runs/{gray}")
    page.click("#lineage-down")
    page.wait_for_selector("#lineage-graph")
    assert "direction=down" in page.url
    nodes = page.locator("#lineage-graph .lin-node")
    labels = nodes.evaluate_all("els => els.map(e => e.textContent)")  # SVG: no innerText
    assert any("TrainingModel" in t for t in labels) and any("Filter" in t for t in labels)
    assert page.locator("#lineage-sql").inner_text().startswith("WITH RECURSIVE")
    # From the run page's file list: the Filter's output file, traced upstream.
    page.goto(f"{site['url']}/runs/{gray}")
    page.locator("#file-lineage a", has_text="filtered-gray.npy").click()
    page.wait_for_selector("#lineage-graph")
    start = page.locator("#lineage-graph .lin-node.start")
    assert "filtered-gray.npy" in start.text_content()
    table = page.locator("#lineage-table tbody tr").all_inner_texts()
    assert len(table) == 1 and "generated" in table[0] and "Filter" in table[0]
    # Clicking the task opens its run.
    page.locator("#lineage-graph .lin-node.task").first.click()
    page.wait_for_url(f"**/runs/{gray}")
