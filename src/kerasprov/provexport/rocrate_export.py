"""One run as a Research Object Crate (RO-Crate 1.1), the way Zenodo and WorkflowHub take
provenance today, written with the ``rocrate`` library.

The crate holds:

- ``provenance/prov.json``, ``prov.provn``, ``prov.xml`` (and ``prov.ttl`` when rdflib is
  installed): the run's W3C PROV document, with dnnprov:, kerasprov: and ML Schema types;
- ``environment.json``: the execution record (host, user, command, Keras, backend) and the
  environment captured at run start (Python, devices, git commit, packages hash...);
- ``run.json``: hyperparameters, configuration, layers, epochs, adaptations and tests;
- ``files/<used|generated>/<name>``: every file the run read or wrote that is still a
  regular file here with the recorded size and sha256 and is at most ``max_copy`` bytes
  (10 MiB by default); larger, changed or missing files are described (``file://`` id,
  sha256, size, role) but not copied. The store's answers are data (a server's may be
  hostile): a role is one of two folder names and a name one path part, so nothing is
  written outside ``directory``;
- ``ro-crate-preview.html``: the human-readable preview the library generates.

Example:
```python
export_ro_crate(store, run_id, "crate/")   # then: ROCrate("crate/")
```
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import tempfile
import urllib.parse
from pathlib import Path

from ..errors import BadRequest
from .answers import field_int, field_text, run_sections
from .formats import serialize

MAX_COPY = 10 * 1024 * 1024
_PROV_FILES = (("json", "prov.json", "application/json", "https://www.w3.org/TR/prov-json/"),
               ("provn", "prov.provn", "text/provenance-notation",
                "https://www.w3.org/TR/prov-n/"),
               ("xml", "prov.xml", "application/xml", "https://www.w3.org/TR/prov-xml/"),
               ("rdf", "prov.ttl", "text/turtle", "https://www.w3.org/TR/prov-o/"))


def records(df) -> list[dict]:
    """DataFrame rows as JSON-safe dicts (NaN -> None, times -> ISO text)."""
    out = []
    for row in df.to_dict("records"):
        clean = {}
        for k, v in row.items():
            if hasattr(v, "item") and not isinstance(v, (str, bytes)):
                try:
                    v = v.item()
                except (ValueError, AttributeError):
                    pass
            if isinstance(v, float) and v != v or type(v).__name__ == "NaTType":
                v = None
            elif hasattr(v, "isoformat"):
                v = v.isoformat()
            clean[str(k)] = v
        out.append(clean)
    return out


def _rocrate():
    try:
        from rocrate.rocrate import ROCrate
    except ImportError:  # pragma: no cover - a dependency; a broken install says so
        raise BadRequest("RO-Crate export needs the rocrate library: "
                         'pip install "kerasprov[rocrate]"') from None
    return ROCrate


def _sha256(path: Path) -> str | None:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return None
    return h.hexdigest()


#: The only folders under files/ a copy goes to: a row's role is data from the store (from a
#: server, perhaps hostile), never a path.
_ROLES = ("used", "generated")


def _safe_name(path: str) -> str:
    """The last part of a recorded path, as a file name that cannot leave its folder."""
    name = re.split(r"[\\/]", path)[-1]
    name = re.sub(r"[\x00-\x1f<>:\"|?*]", "_", name).strip().strip(".")
    return name[:200] or "file"


def _dest(role: str | None, path: str, taken: set[str]) -> str:
    folder = role if role in _ROLES else "other"
    name = _safe_name(path)
    dest, n = f"files/{folder}/{name}", 2
    while dest in taken:
        stem, dot, ext = name.partition(".")
        dest = f"files/{folder}/{stem}-{n}{dot}{ext}"
        n += 1
    taken.add(dest)
    return dest


def _inside(root: Path, dest: str) -> bool:
    root = root.resolve()
    return (root / dest).resolve().is_relative_to(root)


def _copyable(path: Path, size: int | None, sha: str | None, max_copy: int) -> bool:
    """A local regular file of the recorded size (at most ``max_copy``) and sha256."""
    try:
        st = path.stat()
    except (OSError, ValueError):
        return False
    return stat.S_ISREG(st.st_mode) and size is not None and st.st_size == size \
        and size <= max_copy and sha is not None and _sha256(path) == sha


def export_ro_crate(store, run_id: str, directory: str | os.PathLike,
                    max_copy: int = MAX_COPY) -> Path:
    """Write run ``run_id`` of ``store`` as an RO-Crate into ``directory`` (created; it
    must be empty or absent). Returns the directory."""
    ROCrate = _rocrate()
    out = Path(directory)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BadRequest(f"{out} exists and is not an empty directory; choose a new one")
    sections = run_sections(store, run_id)
    doc = store.prov(run_id)
    crate = ROCrate(gen_preview=True)
    run = records(sections["run"])[0] if len(sections["run"]) else {}
    crate.root_dataset["name"] = f"kerasprov run {run_id} ({run.get('dataflow_tag')})"
    crate.root_dataset["description"] = (
        "Provenance of one Keras training run captured by kerasprov: the W3C PROV document, "
        "the environment, the run's data and the files it read and wrote.")
    with tempfile.TemporaryDirectory(prefix="kp-crate-") as tmp:
        staging = Path(tmp)
        for fmt, name, media, spec in _PROV_FILES:
            try:
                text = serialize(doc, fmt)
            except Exception:  # noqa: BLE001 - PROV-O needs rdflib (an optional extra)
                if fmt == "rdf":
                    continue
                raise
            (staging / name).write_text(text, encoding="utf-8")
            crate.add_file(staging / name, dest_path=f"provenance/{name}", properties={
                "name": f"W3C PROV of run {run_id} ({fmt})", "encodingFormat": media,
                "conformsTo": {"@id": spec}, "about": {"@id": "./"}})
        execution = records(sections["execution"])[0] if len(sections["execution"]) else {}
        try:
            env = json.loads(execution.get("environment") or "{}")
        except ValueError:
            env = {"raw": execution.get("environment")}
        environment = {"execution": {k: v for k, v in execution.items() if k != "environment"},
                       "environment": env}
        (staging / "environment.json").write_text(json.dumps(environment, indent=2,
                                                             default=str), encoding="utf-8")
        crate.add_file(staging / "environment.json", dest_path="environment.json", properties={
            "name": "Execution environment", "encodingFormat": "application/json"})
        data = {name: records(df) for name, df in sections.items()
                if name not in ("execution", "files")}
        (staging / "run.json").write_text(json.dumps(data, indent=2, default=str),
                                          encoding="utf-8")
        crate.add_file(staging / "run.json", dest_path="run.json", properties={
            "name": "Hyperparameters, layers, epochs, adaptations and tests",
            "encodingFormat": "application/json"})
        att = store.attestation(run_id)
        if att is not None:  # the DSSE envelope the training process signed (proof/)
            (staging / "attestation.intoto.json").write_text(json.dumps(
                att["envelope"], indent=2), encoding="utf-8")
            crate.add_file(staging / "attestation.intoto.json",
                           dest_path="provenance/attestation.intoto.json", properties={
                               "name": f"Signed in-toto attestation (key {att.get('keyid')})",
                               "encodingFormat": "application/vnd.dsse.envelope.v1+json"})
        taken: set[str] = set()
        seen: set[tuple] = set()
        for f in records(sections["files"]):
            recorded, role = field_text(f.get("path")), field_text(f.get("role"))
            sha, size = field_text(f.get("sha256")), field_int(f.get("size"))
            key = (recorded, sha, role)
            if key in seen or not recorded:
                continue
            seen.add(key)
            props = {"name": _safe_name(recorded), "contentSize": size, "sha256": sha,
                     "kerasprovRole": role, "kerasprovKind": field_text(f.get("kind")),
                     "kerasprovEpoch": field_int(f.get("epoch")), "kerasprovPath": recorded}
            props = {k: v for k, v in props.items() if v is not None}
            path = Path(recorded)
            if _copyable(path, size, sha, max_copy):
                dest = _dest(role, recorded, taken)
                if not _inside(out, dest):  # cannot happen with _dest: a last guard
                    raise BadRequest(f"refusing to write {dest!r} outside the crate")
                crate.add_file(path, dest_path=dest, properties=props)
            else:
                big = size is not None and size > max_copy
                why = "larger than the copy limit" if big else \
                    "not copied (missing, changed or a directory)"
                props["description"] = f"Recorded by sha256 only: {why}."
                # A relative recorded path is no location here: a name, not a file: URI a
                # reader could resolve against the crate (``../..``).
                uri = path.as_uri() if path.is_absolute() and ".." not in path.parts else \
                    "urn:kerasprov:file:" + urllib.parse.quote(recorded, safe="")
                if sha:  # one entity per version of the path
                    uri += "#sha256=" + urllib.parse.quote(sha)
                crate.add_file(uri, fetch_remote=False, properties=props)
        out.mkdir(parents=True, exist_ok=True)
        crate.write(out)
    return out


__all__ = ["MAX_COPY", "export_ro_crate"]
