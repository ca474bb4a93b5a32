"""Issue #19: everything a server answers is untrusted on the client.

A tiny real HTTP server plays a broken or hostile ``kerasprov serve``: its answers name
modules to import, carry file rows whose role and path climb out of the crate
(``../../..``), lack sections, or are not answers at all. The client must raise one clear
kerasprov error (the CLI: one line, no traceback), import nothing, and write nothing outside
the folder the user chose.
"""

from __future__ import annotations

import hashlib
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from prov.model import ProvDocument

import kerasprov
from kerasprov.cli import cli
from kerasprov.errors import KerasProvError, MalformedAnswer
from kerasprov.provexport.rocrate_export import export_ro_crate

RUN = "20260101000000-hostile0"


class Hostile:
    """A real HTTP server whose answer to ``POST /api/store/<method>`` is set per method."""

    def __init__(self):
        self.answers: dict[str, tuple[int, bytes]] = {}
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _answer(self):
                length = int(self.headers.get("content-length") or 0)
                self.rfile.read(length)
                method = self.path.rsplit("/", 1)[-1]
                status, body = outer.answers.get(method, (200, b'{"ok": true}'))
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, method: str, answer, status: int = 200, raw: bytes | None = None):
        self.answers[method] = (status, raw if raw is not None else
                                json.dumps({"ok": status < 400, **answer}).encode())


@pytest.fixture
def hostile():
    srv = Hostile()
    srv.thread.start()
    yield srv
    srv.server.shutdown()
    srv.server.server_close()


def _frame(rows: list[dict]) -> dict:
    cols = list(rows[0]) if rows else []
    return {"columns": cols, "rows": rows, "datetime_columns": [], "object_columns": [],
            "truncated": False}


def _run_answer(files: list[dict], drop: str | None = None) -> dict:
    sections = {
        "run": _frame([{"run_id": RUN, "dataflow_tag": "alexnet", "status": "finished"}]),
        "execution": _frame([{"run_id": RUN, "dataflow_tag": "alexnet", "environment": "{}"}]),
        "files": _frame(files),
        "epochs": _frame([]),
    }
    sections.pop(drop, None)
    return {"answer": {"type": "frames", "frames": sections}}


def _prov_answer() -> dict:
    doc = ProvDocument()
    doc.set_default_namespace("https://example.org/")
    doc.entity("model")
    return {"answer": {"type": "prov", "json": doc.serialize(format="json")}}


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def test_an_answer_naming_a_module_imports_nothing(hostile):
    store = kerasprov.open_store(hostile.url)
    before = set(sys.modules)
    for module, cls in (("kerasprov.__main__", "cli"), ("os", "system"),
                        ("kerasprov.query.lineage", "Lineage.__init__"), (None, "Popen")):
        hostile.answer("lineage", {"answer": {"type": "dataclass", "module": module,
                                              "class": cls, "fields": {}}})
        with pytest.raises(MalformedAnswer, match="refusing to rebuild"):
            store.lineage(RUN)
    assert "kerasprov.__main__" not in sys.modules
    assert not {m for m in set(sys.modules) - before if m.startswith("kerasprov")}
    # A registered class with a field it does not have, or of the wrong type: refused too.
    for fields in ({"entity": "x", "evil": 1}, {"entity": 7, "direction": "up", "kind": "run",
                                                 "start": [], "sql": ""}):
        hostile.answer("lineage", {"answer": {"type": "dataclass", "class": "Lineage",
                                              "fields": fields}})
        with pytest.raises(MalformedAnswer):
            store.lineage(RUN)


@pytest.mark.parametrize("status, raw", [
    (200, b'{"ok": true}'),                                     # no answer at all
    (200, b'{"ok": true, "answer": "frame"}'),                  # not an object
    (200, b'{"ok": true, "answer": {"type": "frame", "columns": "abc", "rows": 5}}'),
    (200, b'{"ok": true, "answer": {"type": "frames", "frames": [1, 2]}}'),
    (200, b'{"ok": true, "answer": {"type": "prov", "json": {"entity": 1}}}'),
    (200, b'{"ok": true, "answer": {"type": "pickle", "value": "x"}}'),
    (200, b"not json at all"),
    (200, b"[1, 2, 3]"),
    (500, b'{"ok": false, "error": "boom", "kind": "SystemExit", "message": "x"}'),
    (404, b'{"ok": false, "error": "gone", "kind": "__class__", "status": "x"}'),
    (400, b'{"ok": false, "error": ["a", "list"], "kind": 7, "args": [1]}'),
])
def test_a_malformed_answer_is_one_clear_error(hostile, status, raw):
    hostile.answers["epochs"] = (status, raw)
    with pytest.raises(KerasProvError) as caught:
        kerasprov.open_store(hostile.url).epochs(RUN)
    assert caught.value.message and "\n" not in caught.value.message
    out = CliRunner().invoke(cli, ["show", RUN, "--store", hostile.url])
    assert out.exit_code != 0 and out.output.startswith("Error: "), out.output
    assert "Traceback" not in out.output and out.exception is None or \
        isinstance(out.exception, SystemExit), out.output


def test_the_ro_crate_stays_inside_its_folder(hostile, tmp_path):
    work = tmp_path / "work"
    (work / "data").mkdir(parents=True)
    real = work / "data" / "weights.bin"
    real.write_bytes(b"the bytes a hostile server knows the hash of")
    sha = hashlib.sha256(real.read_bytes()).hexdigest()
    climbing = [
        {"path": str(real), "role": "../../..", "sha256": sha, "size": real.stat().st_size},
        {"path": str(work / "data" / ".."), "role": "used", "sha256": sha, "size": 1},
        {"path": "../../../escape.txt", "role": "../../../../tmp", "sha256": sha, "size": 9},
        {"path": "..\\..\\win.txt", "role": "/etc", "sha256": "x" * 64, "size": "big"},
        {"path": 17, "role": None, "sha256": ["a"], "size": True},
    ]
    hostile.answer("run", _run_answer(climbing))
    hostile.answer("prov", _prov_answer())
    hostile.answer("attestation", {"answer": {"type": "json", "value": None}})  # unsigned
    before = _tree(tmp_path)
    crate = work / "out" / "crate"
    export_ro_crate(kerasprov.open_store(hostile.url), RUN, crate)
    written = _tree(tmp_path) - before
    assert written and all(p.startswith("work/out") for p in written), written
    copied = [p for p in _tree(crate) if p.startswith("files/")]
    assert "files/other/weights.bin" in copied, copied  # a real copy, in a folder of its own
    meta = json.loads((crate / "ro-crate-metadata.json").read_text())
    ids = [e["@id"] for e in meta["@graph"]]
    climbs = [i for i in ids if i.startswith(("../", "/")) or "/../" in i]
    assert not climbs, climbs


def test_an_answer_missing_a_section_exports_nothing(hostile, tmp_path):
    hostile.answer("prov", _prov_answer())
    hostile.answer("resolve_run", {"answer": {"type": "json", "value": RUN}})  # the CLI asks
    for drop in ("files", "execution"):
        hostile.answer("run", _run_answer([], drop=drop))
        crate = tmp_path / f"crate-{drop}"
        with pytest.raises(MalformedAnswer, match=f"lacks its '{drop}' section"):
            export_ro_crate(kerasprov.open_store(hostile.url), RUN, crate)
        out = CliRunner().invoke(cli, ["export", RUN, "--ro-crate", str(crate), "--store",
                                       hostile.url])
        assert out.exit_code == 1 and out.output.count("\n") == 1, out.output
        assert f"lacks its '{drop}' section" in out.output and "Traceback" not in out.output
        assert not crate.exists()
