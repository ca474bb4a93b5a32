"""OpenLineage events for a run and its transformations (optional: ``openlineage-python``).

Data catalogues (Marquez, DataHub, ...) read lineage as OpenLineage run events. For one
kerasprov run this emits, through any OpenLineage transport (a file, HTTP, Kafka...):

- a ``START`` and a ``COMPLETE`` / ``FAIL`` event for the run, job ``<dataflow>``;
- the same pair for every task (``LoadData``, ``Filter``, ``TrainingModel``...), job
  ``<dataflow>.<transformation>``, with a ``parent`` run facet naming the run;
- as each task's inputs and outputs, the files it read and wrote: namespace
  ``file://<host>``, name the path, and the standard ``version`` dataset facet carrying the
  file's sha256 (so equal bytes are one dataset version in the catalogue).

Run ids are UUIDs derived from kerasprov's ids (uuid5), so emitting twice gives the same ids.
Install with ``pip install "kerasprov[openlineage]"``.

Example:
```python
emit_openlineage(store, run_id, path="events.ndjson")   # the file transport
```
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid

from ..errors import BadRequest
from .answers import run_sections

PRODUCER = "https://github.com/kerasprov/kerasprov"
NAMESPACE = "kerasprov"


def _client_modules():
    try:
        from openlineage.client import OpenLineageClient, event_v2
        from openlineage.client.facet_v2 import dataset_version_dataset, parent_run
        from openlineage.client.transport.file import FileConfig, FileTransport
    except ImportError:
        raise BadRequest('OpenLineage export needs the openlineage-python client: pip install '
                         '"kerasprov[openlineage]"') from None
    return OpenLineageClient, event_v2, dataset_version_dataset, parent_run, FileConfig, \
        FileTransport


def run_uuid(ident: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"kerasprov:{ident}"))


def _time(value, fallback: str) -> str:
    if value is None or type(value).__name__ == "NaTType":
        return fallback
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return value.isoformat()
    return str(value)


def events(store, run_id: str) -> list:
    """The OpenLineage ``RunEvent`` objects of one run (not yet sent)."""
    _, ev, version_facet, parent_facet, _, _ = _client_modules()
    sections = run_sections(store, run_id, ("execution", "files", "tasks"))
    execution = sections["execution"].to_dict("records")[0]
    dataflow = execution["dataflow_tag"]
    host = execution.get("host") or "localhost"
    now = dt.datetime.now(dt.timezone.utc).isoformat()
    start = _time(execution.get("start_time"), now)
    end = _time(execution.get("end_time"), now)
    status = execution.get("status")
    run = ev.Run(runId=run_uuid(run_id))
    job = ev.Job(namespace=NAMESPACE, name=dataflow)

    def datasets(task_id, role, cls):
        out, seen = [], set()
        for f in sections["files"].to_dict("records"):
            if f.get("task_id") != task_id or f.get("role") != role or not f.get("path"):
                continue
            key = (f["path"], f.get("sha256"))
            if key in seen:
                continue
            seen.add(key)
            facets = {}
            if f.get("sha256"):
                facets["version"] = version_facet.DatasetVersionDatasetFacet(
                    datasetVersion=f["sha256"], producer=PRODUCER)
            out.append(cls(namespace=f"file://{host}", name=str(f["path"]), facets=facets))
        return out

    parent = {"parent": parent_facet.ParentRunFacet(
        run=parent_facet.Run(runId=run.runId),
        job=parent_facet.Job(namespace=NAMESPACE, name=dataflow), producer=PRODUCER)}
    out = [ev.RunEvent(eventType=ev.RunState.START, eventTime=start, run=run, job=job,
                       producer=PRODUCER, inputs=datasets(None, "used", ev.InputDataset),
                       outputs=[])]
    for task in sections["tasks"].to_dict("records"):
        t_run = ev.Run(runId=run_uuid(task["task_id"]), facets=parent)
        t_job = ev.Job(namespace=NAMESPACE, name=f"{dataflow}.{task['transformation_tag']}")
        ins = datasets(task["task_id"], "used", ev.InputDataset)
        outs = datasets(task["task_id"], "generated", ev.OutputDataset)
        out.append(ev.RunEvent(eventType=ev.RunState.START,
                               eventTime=_time(task.get("start_time"), start), run=t_run,
                               job=t_job, producer=PRODUCER, inputs=ins, outputs=[]))
        state = {"finished": ev.RunState.COMPLETE, "running": ev.RunState.RUNNING}.get(
            task.get("status"), ev.RunState.FAIL)
        out.append(ev.RunEvent(eventType=state, eventTime=_time(task.get("end_time"), end),
                               run=t_run, job=t_job, producer=PRODUCER, inputs=ins,
                               outputs=outs))
    final = {"finished": ev.RunState.COMPLETE, "running": ev.RunState.RUNNING}.get(
        status, ev.RunState.FAIL)
    out.append(ev.RunEvent(eventType=final, eventTime=end, run=run, job=job,
                           producer=PRODUCER, inputs=[],
                           outputs=datasets(None, "generated", ev.OutputDataset)))
    return out


def emit_openlineage(store, run_id: str, path: str | os.PathLike | None = None,
                     transport=None) -> int:
    """Send the run's events through ``transport`` (default: append to the file ``path``,
    one JSON event per line). Returns the number of events."""
    client_cls, *_, file_config, file_transport = _client_modules()
    if transport is None:
        if path is None:
            raise BadRequest("give a file path or an OpenLineage transport")
        transport = file_transport(file_config(log_file_path=str(path), append=True))
    client = client_cls(transport=transport)
    found = events(store, run_id)
    for event in found:
        client.emit(event)
    return len(found)


def read_events(path: str | os.PathLike) -> list[dict]:
    """Events written by the file transport, parsed (one JSON object per line)."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


__all__ = ["emit_openlineage", "events", "read_events", "run_uuid"]
