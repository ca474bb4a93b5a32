"""Web UI over HTTP (in-process TestClient on real stores): every page and its JSON twin,
the JSON error envelope, user values shown as text, pagination over a generated store."""

import html
import os
import re
from pathlib import Path

import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")

import ui_util
from ui_util import XSS_HP, XSS_LAYER


def client(store):
    from starlette.testclient import TestClient

    from kerasprov.server.app import create_app
    # A Host the app answers to (the default "testserver" is refused, as any unknown name is).
    return TestClient(create_app(str(store)), raise_server_exceptions=False,
                      base_url="http://127.0.0.1:8765")


@pytest.fixture(scope="module")
def captured(tmp_path_factory):
    """Two real captured runs of dataflow `uitest`; the first with hostile names."""
    import kerasprov
    d = tmp_path_factory.mktemp("ui")
    store = d / "store"
    kerasprov.configure(store=store)
    ui_util.train("uitest", epochs=4, hyperparameters={XSS_HP: "x<b>y</b>", "dropout": 0.1},
                  layer_name=XSS_LAYER, filter_name="none", workdir=str(d))
    ui_util.train("uitest", epochs=3, lr=1e-3, hyperparameters={"dropout": 0.3},
                  filter_name="gray", workdir=str(d))
    c = client(store)
    rows = c.get("/.json").json()["rows"]
    # The first run has 4 epochs, the second 3 (start times may fall in the same second).
    ids = [r["run_id"] for r in sorted(rows, key=lambda r: -r["epochs"])]
    return {"store": store, "client": c, "ids": ids}


def assert_envelope(resp, status):
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    body = resp.json()
    assert body["ok"] is False and body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    assert "Traceback" not in resp.text
    return body


def test_runs_page_and_twin(captured):
    c, (a, b) = captured["client"], captured["ids"]
    twin = c.get("/.json").json()
    assert twin["ok"] and twin["total"] == 2
    assert {r["run_id"] for r in twin["rows"]} == {a, b}
    assert {"learning_rate", "optimizer_name", "dropout"} <= set(twin["hyperparameters"])
    assert {"last_val_loss", "best_val_accuracy"} <= set(twin["metrics"])
    by_id = {r["run_id"]: r for r in twin["rows"]}
    assert by_id[a]["status"] == "finished" and by_id[a]["epochs"] == 4
    assert by_id[b]["learning_rate"] == pytest.approx(1e-3)
    assert twin["rows"][0]["run_id"] == b  # newest first by default
    page = c.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for rid in (a, b):
        assert f'href="/runs/{rid}"' in page.text
    assert 'href="/.json"' in page.text
    # sorting by any column, ascending and descending
    asc = c.get("/.json?sort=learning_rate&desc=0").json()["rows"]
    assert [r["run_id"] for r in asc] == [b, a]
    desc = c.get("/.json?sort=epochs&desc=1").json()["rows"]
    assert [r["run_id"] for r in desc] == [a, b]
    # filters: dataflow, status, hyperparameter value (number and text, with operators)
    assert c.get("/.json?dataflow=nope").json()["total"] == 0
    assert c.get("/.json?status=finished").json()["total"] == 2
    assert [r["run_id"] for r in c.get("/.json?hp.learning_rate=>0.005").json()["rows"]] == [a]
    assert [r["run_id"] for r in c.get("/.json?hp.dropout=0.3").json()["rows"]] == [b]
    assert c.get("/.json?hp.optimizer_name=Adam").json()["total"] == 2
    assert c.get("/.json?hp.optimizer_name=!=Adam").json()["total"] == 0


def test_run_page_and_twin(captured):
    c, (a, _) = captured["client"], captured["ids"]
    twin = c.get(f"/runs/{a}.json").json()
    assert twin["ok"] and twin["run"]["run_id"] == a
    assert [e["epoch"] for e in twin["epochs"]] == [0, 1, 2, 3]
    charts = {ch["metric"]: [s["column"] for s in ch["series"]] for ch in twin["charts"]}
    assert charts["loss"] == ["loss", "val_loss"]
    assert charts["accuracy"] == ["accuracy", "val_accuracy"]
    lrs = [e["learning_rate"] for e in twin["epochs"]]
    assert lrs[:2] == pytest.approx([1e-2, 1e-2]) and lrs[2:] == pytest.approx([5e-3, 5e-3])
    assert [(ad["epoch"], ad["technique"]) for ad in twin["adaptations"]] == \
        [(2, "LearningRateScheduler")]
    assert len(twin["tests"]) == 1 and 0 <= twin["tests"][0]["accuracy"] <= 1
    assert twin["hyperparameters"]["dropout"] == 0.1
    assert twin["hyperparameters"][XSS_HP] == "x<b>y</b>"
    assert [layer["name"] for layer in twin["layers"]] == [XSS_LAYER, "out"]
    assert twin["environment"]["backend"] == "torch"
    (filt,) = twin["transformations"]
    assert filt["task"]["transformation_tag"] == "Filter"
    sets = {s["set"]: s["rows"] for s in filt["sets"]}
    assert sets["ifilter"][0]["filter_name"] == "none"
    assert sets["ofilter"][0]["n_samples"] == 200
    (f,) = [f for f in twin["files"] if f["kind"] == "data"]
    assert {f["kind"] for f in twin["files"]} == {"data", "architecture"}
    assert f["path"].endswith("filtered-none.npy") and re.fullmatch(r"[0-9a-f]{64}", f["sha256"])
    page = c.get(f"/runs/{a}")
    assert page.status_code == 200
    assert '<script src="/static/plotly.min.js"></script>' in page.text
    assert 'id="chart-lr"' in page.text and f["sha256"] in page.text
    for fmt in ("provn", "json", "xml", "rdf", "jsonld"):
        assert f'href="/runs/{a}/prov?format={fmt}"' in page.text


def test_prov_downloads(captured):
    from kerasprov.provexport import read
    c, (a, _) = captured["client"], captured["ids"]
    for fmt, marker in (("provn", "document"), ("json", '"activity"'), ("xml", "prov:document"),
                        ("rdf", "@prefix"), ("jsonld", '"@id"')):
        r = c.get(f"/runs/{a}/prov?format={fmt}")
        assert r.status_code == 200, r.text
        assert "attachment" in r.headers["content-disposition"]
        assert marker in r.text and a in r.text
        assert read(r.text, fmt).get_records()  # a PROV reader loads what the link gives
    assert "unknown PROV format" in assert_envelope(c.get(f"/runs/{a}/prov?format=pdf"),
                                                    400)["error"]


def test_user_values_are_text_never_html(captured):
    c, ids = captured["client"], captured["ids"]
    a = ids[0]
    pages = ["/", f"/runs/{a}", f"/compare?runs={','.join(ids)}", "/dataflows/uitest",
             "/dataflows/uitest.svg", "/sql"]
    escaped_hp = html.escape(XSS_HP, quote=False)
    for url in pages:
        text = c.get(url).text
        assert "alert(1)" in text or url.endswith(".svg"), url  # the hostile names are shown...
        for raw in (XSS_HP, XSS_LAYER, "<b>y</b>", "<script>alert"):
            assert raw not in text, (url, raw)  # ...but only as text
    run_page = c.get(f"/runs/{a}").text
    assert escaped_hp in run_page and html.escape(XSS_LAYER, quote=False) in run_page
    assert html.escape("x<b>y</b>", quote=False) in run_page
    # the page's embedded JSON escapes "<" too, so it can never close its <script> element
    embedded = re.search(r'<script type="application/json" id="ctx">(.*?)</script>', run_page,
                         re.DOTALL).group(1)
    assert "<" not in embedded and "\\u003cscript\\u003e" in embedded
    runs_page = c.get("/").text
    assert escaped_hp in runs_page  # the hyperparameter's column header, as text
    # the JSON twin keeps the exact values (JSON is data, not markup)
    assert c.get(f"/runs/{a}.json").json()["hyperparameters"][XSS_HP] == "x<b>y</b>"


def test_error_envelope_everywhere(captured):
    c, (a, _) = captured["client"], captured["ids"]
    for url in ("/runs/nope", "/runs/nope.json", "/runs/nope/prov?format=provn",
                "/compare?runs=nope", f"/compare.json?runs={a},nope", "/dataflows/nope",
                "/dataflows/nope.json", "/no/such/page"):
        assert_envelope(c.get(url), 404)
    assert "no run 'nope'" in c.get("/runs/nope").json()["error"]
    for url in ("/?sort=nope", "/.json?hp.nope=1", "/.json?hp.learning_rate=big",
                "/compare", "/compare.json?runs=", "/sql.json?sql=", "/sql.json?sql=select%20%27"):
        assert_envelope(c.get(url), 400)
    # A wrong type or a value out of bounds: 422 naming the argument (issue #19).
    for url, field in (("/?page=x", "page"), ("/sql.json?sql=7&limit=x", "limit"),
                       ("/.json?per_page=0", "per_page"), ("/sql.json?sql=select%201&limit=0",
                                                           "limit")):
        assert assert_envelope(c.get(url), 422)["field"] == field, url
    refused = assert_envelope(c.post("/sql.json", json={"sql": "DROP TABLE execution"}), 400)
    assert "read-only" in refused["error"]
    refused = assert_envelope(c.get("/sql.csv", params={"sql": "DELETE FROM task"}), 400)
    assert "read-only" in refused["error"] or "DELETE" in refused["error"]
    assert_envelope(c.post("/sql.json", content=b"[1, 2", headers={
        "content-type": "application/json"}), 422)
    assert_envelope(c.post("/sql.json", json=[1, 2]), 422)
    assert_envelope(c.post("/dataflows/uitest/query", json={"source": "nope"}), 400)
    assert c.get("/.json").json()["total"] == 2  # nothing was written


def test_static_files_refuse_paths(captured):
    c = captured["client"]
    import plotly
    bundled = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    r = c.get("/static/plotly.min.js")
    assert r.status_code == 200 and r.content == bundled.read_bytes()
    assert "javascript" in r.headers["content-type"]
    assert c.get("/static/ui.css").status_code == 200
    for url in ("/static/..%2Fpages.py", "/static/..%2F..%2Fcli.py", "/static/%2e%2e%2fapp.py",
                "/static/pages.py", "/static/.hidden.js", "/static/%2Fetc%2Fpasswd",
                "/static/..%5Capp.py", "/static/../app.py", "/static/ui.js%00.py"):
        r = c.get(url)
        assert r.status_code == 404, url
        assert "import" not in r.text and "root:" not in r.text
    for url in ("/", f"/runs/{captured['ids'][0]}", "/sql", "/dataflows/uitest",
                f"/compare?runs={captured['ids'][0]}"):
        assert not re.search(r'(src|href)="(https?:)?//', c.get(url).text), url


def test_dataflow_graph_and_path_query(captured):
    c = captured["client"]
    twin = c.get("/dataflows/uitest.json").json()
    assert twin["ok"] and twin["runs"] == 2
    assert {"ifilter", "ofilter", "itrainingmodel", "otrainingmodel", "otestingmodel",
            "oadaptation"} <= set(twin["sets"])
    edges = {(e["source"], e["target"], e["transformation"]) for e in twin["graph"]["edges"]}
    assert ("ifilter", "ofilter", "Filter") in edges
    assert ("itrainingmodel", "otrainingmodel", "TrainingModel") in edges
    assert ("otrainingmodel", "oadaptation", "Adaptation") in edges
    x = {n["id"]: n["x"] for n in twin["graph"]["nodes"]}
    for s, t, _ in edges:  # layered: every edge goes left to right
        assert x[s] < x[t], (s, t)
    assert {a["name"] for a in twin["attributes"]["itrainingmodel"]} >= {"learning_rate", XSS_HP}
    page = c.get("/dataflows/uitest").text
    assert page.count('class="ds-node"') == len(twin["sets"])
    assert 'data-set="itrainingmodel"' in page
    svg = c.get("/dataflows/uitest.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.startswith("<svg") and "TrainingModel" in svg.text
    # the generated SQL runs in the sandbox and returns what hand-written SQL returns
    q = c.post("/dataflows/uitest/query", json={
        "source": "itrainingmodel", "target": "otestingmodel",
        "project": ["itrainingmodel.learning_rate", "otestingmodel.accuracy"],
        "select": ["itrainingmodel.learning_rate > 0.005"]}).json()
    assert q["ok"] and "ds_otestingmodel" in q["sql"]
    got = c.post("/sql.json", json={"sql": q["sql"]}).json()
    want = c.post("/sql.json", json={"sql": """
        SELECT h.learning_rate, t.accuracy FROM ds_itrainingmodel h
        JOIN ds_otrainingmodel o ON o.trainingmodel_task_id = h.trainingmodel_task_id
        JOIN ds_otestingmodel t ON t.trainingmodel_task_id = o.trainingmodel_task_id
        WHERE h.learning_rate > 0.005"""}).json()
    assert got["ok"] and len(got["rows"]) == 4  # run a only: one row per epoch on the path
    assert sorted(tuple(r.values()) for r in got["rows"]) == \
        sorted(tuple(r.values()) for r in want["rows"])
    assert [r["itrainingmodel.learning_rate"] for r in got["rows"]] == pytest.approx([1e-2] * 4)
    assert c.get("/dataflows.json").json()["dataflows"] == [{"tag": "uitest", "runs": 2}]
    assert "/dataflows/uitest" in c.get("/dataflows").text


def test_sql_console(captured):
    c, (a, b) = captured["client"], captured["ids"]
    schema = c.get("/sql.json").json()["schema"]
    kinds = {r["name"]: r["kind"] for r in schema}
    assert kinds["runs"] == "view" and kinds["execution"] == "table"
    assert not any(name.startswith("_") for name in kinds)
    cols = {r["name"]: {col["name"]: col["type"] for col in r["columns"]} for r in schema}
    assert cols["execution"]["run_id"] == "text"  # a portable type: the same on every kind
    page = c.get("/sql").text
    assert 'data-name="ds_otrainingmodel"' in page and "<textarea" in page
    r = c.post("/sql.json", json={"sql": "SELECT run_id, epoch FROM epochs ORDER BY run_id, "
                                  "epoch", "limit": 5}).json()
    assert r["columns"] == ["run_id", "epoch"] and len(r["rows"]) == 5 and r["truncated"]
    r = c.get("/sql.json", params={"sql": "SELECT COUNT(*) AS n FROM epochs"}).json()
    assert r["rows"] == [{"n": 7}]
    csv = c.get("/sql.csv", params={"sql": "SELECT run_id FROM runs ORDER BY run_id"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.split() == ["run_id", *sorted([a, b])]


def test_compare(captured):
    c, (a, b) = captured["client"], captured["ids"]
    twin = c.get(f"/compare.json?runs={a},{b}").json()
    assert twin["run_ids"] == [a, b]
    hp = {h["name"]: h for h in twin["hyperparameters"]}
    assert hp["learning_rate"]["differs"] and hp["dropout"]["differs"]
    assert not hp["optimizer_name"]["differs"] and hp["optimizer_name"]["values"] == ["Adam"] * 2
    assert twin["series"][a]["epoch"] == [0, 1, 2, 3] and twin["series"][b]["epoch"] == [0, 1, 2]
    assert {ch["metric"] for ch in twin["charts"]} >= {"loss", "accuracy", "learning_rate"}
    page = c.get(f"/compare?runs={a}&runs={b}").text
    rows = re.findall(r'<tr class="(differs)?"><th>([^<]*)</th>', page)
    flagged = {name for cls, name in rows if cls}
    assert {"learning_rate", "dropout"} <= flagged and "optimizer_name" not in flagged


def test_pagination_on_generated_store(tmp_path):
    store = tmp_path / "gen"
    ui_util.generate_store(store, 250, epochs=3, running_every=10)
    c = client(store)
    seen = []
    for page in (1, 2, 3):
        r = c.get(f"/.json?per_page=100&page={page}&sort=run_id&desc=0").json()
        assert r["total"] == 250 and r["pages"] == 3 and r["page"] == page
        seen += [row["run_id"] for row in r["rows"]]
    assert seen == [f"gen{i:06d}" for i in range(250)]
    assert c.get("/.json?per_page=100&page=9").json()["rows"] == []
    by_loss = [r["last_loss"] for r in c.get("/.json?sort=last_loss&per_page=500").json()["rows"]]
    assert by_loss == sorted(by_loss) and len(by_loss) == 250
    assert c.get("/.json?status=running").json()["total"] == 25
    running = c.get("/.json?status=running&per_page=1").json()["rows"][0]
    assert running["duration_s"] > 0  # still running: its age so far
    assert c.get("/.json?hp.optimizer_name=SGD").json()["total"] == 83
    assert c.get("/.json?hp.batch_size=>=48&hp.optimizer_name=Adam").json()["total"] == \
        len([i for i in range(250) if i % 3 == 0 and 16 * (1 + i % 4) >= 48])
    page = c.get("/?per_page=100&page=2")
    assert page.status_code == 200 and page.text.count('name="runs"') == 100
    assert 'rel="next"' in page.text and 'rel="prev"' in page.text
    assert "pulse" in c.get("/?status=running").text  # a running run is visibly live
    refused = c.get("/.json?per_page=100000").json()  # refused, not silently clamped
    assert refused["status"] == 422 and "per_page" in refused["error"] and "500" in refused["error"]
    assert len(c.get("/.json?per_page=500").json()["rows"]) == 250
