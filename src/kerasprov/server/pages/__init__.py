"""The web UI, one module per page family (as Datasette's views/): ``runs`` (``/``),
``run`` (``/runs/<id>``), ``dataflow`` (the provenance graph that writes SQL), ``sql`` (the
read-only console), ``compare``, ``lineage``, ``search`` (KerasTuner searches); ``static``
serves scripts and styles. A page renders what declared read methods return
(``common.ask``; query/surface.py declares them) and has a JSON twin (append ``.json``)
with the same context. Every request is one short unit of work on the store, so trainings
can write to the embedded store between requests.
"""

from __future__ import annotations

from fastapi import APIRouter

from . import compare, dataflow, lineage, proof, run, runs, search, sql, static

router = APIRouter()
for _family in (runs, proof, run, dataflow, sql, compare, lineage, search, static):
    router.include_router(_family.router)
