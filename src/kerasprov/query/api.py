"""The Python API over a store: ``kerasprov.open_store()`` and the ``Store`` it returns.

Every method returns pandas DataFrames (or a PROV document). The CLI, the web UI and the
server are thin shells over this class.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

import pandas as pd

from .. import config
from ..errors import BadRequest, NotFound, StoreBusy
from ..outbox.writer import flush_all
from ..store import kinds
from ..store.schema import quote
from . import sandbox
from .protocol import StoreAPI


def open_store(spec: str | None = None, lock_timeout: float = 60.0,
               create: bool = False) -> StoreAPI:
    """Open the store at ``spec`` (default: ``KERASPROV_STORE``, then ``./kerasprov``).

    Reading never creates a store: where none is (a mistyped path, the wrong folder, a
    database without kerasprov's tables) it raises ``NoStore``. Capture creates stores.

    Args:
        spec: a store directory, a ``postgresql://`` or ``monetdb://`` URL (MonetDB needs
            ``pip install "kerasprov[monetdb]"``) or a ``http(s)://`` server URL.
        lock_timeout: seconds to wait for the embedded DuckDB file while another process
            holds it.
        create: make the store where there is none (a server that receives events).

    Returns:
        An object with the ``StoreAPI`` methods: ``Store`` for a database kerasprov opens
        itself, ``HttpStore`` for a ``kerasprov serve``; both give the same answers.
    """
    spec = config.store_spec(spec)
    kind = kinds.kind_of(spec)
    if not kind.sql:
        from .remote import HttpStore
        return HttpStore(spec)
    if not create:
        flush_all(5.0)  # this process's own captured runs first: their journals make a store
    return Store(kind.open(spec, lock_timeout, create), spec)


class Store:
    """Read (and ingest) one store; each call is one short unit of work."""

    def __init__(self, backend_store, spec: str):
        self._store = backend_store
        self.spec = spec

    def __repr__(self):
        return f"<kerasprov.Store {config.shown(self.spec)}>"

    @property
    def kind(self) -> kinds.Kind:
        return kinds.kind_of(self.spec)

    @contextlib.contextmanager
    def unit(self):
        """A Backend for one unit of work (journals ingested first)."""
        flush_all(5.0)  # this process's own events first: read your own writes
        with self._store.unit() as be:
            yield be

    # -- raw reads -----------------------------------------------------------------------
    def read(self, sql: str, params: Iterable = ()) -> pd.DataFrame:
        """Run trusted SQL written by kerasprov itself (not sandboxed)."""
        with self.unit() as be:
            return be.read_df(sql, list(params))

    def sql(self, query: str, limit: int = sandbox.DEFAULT_LIMIT,
            timeout: float = sandbox.DEFAULT_TIMEOUT_S) -> pd.DataFrame:
        """Run one read-only query typed by a person; at most ``limit`` rows.

        ``df.attrs["truncated"]`` is True when more rows existed.
        """
        query = sandbox.check_text(query)  # the full check needs the store's dialect
        with self.unit() as be:
            return run_sandboxed(be, query, limit, timeout)

    # -- the common questions ------------------------------------------------------------
    def runs(self, dataflow: str | None = None, status: str | None = None,
             limit: int | None = None) -> pd.DataFrame:
        """One row per training run: tag, status, times, hyperparameters, last/best/test
        metrics. A KerasTuner search's own run is not one (``searches()`` lists it)."""
        from ..store.views import NOT_A_SEARCH
        where, params = [NOT_A_SEARCH], []
        if dataflow:
            where.append("dataflow_tag = ?")
            params.append(dataflow)
        if status:
            where.append("status = ?")
            params.append(status)
        sql = "SELECT * FROM runs" + (" WHERE " + " AND ".join(where) if where else "")
        sql += " ORDER BY start_time DESC, run_id DESC"
        if limit:
            sql += f" LIMIT {int(limit)}"
        from .labels import check_dataflow, check_status, with_labels
        if status:
            check_status(status)
        with self.unit() as be:
            if dataflow:
                check_dataflow(be, dataflow, self.spec)
            return with_labels(be, be.read_df(sql, params))

    def epochs(self, run_id: str) -> pd.DataFrame:
        """Per-epoch metrics and learning rate of one run."""
        return self._one_run("SELECT * FROM epochs WHERE run_id = ? ORDER BY epoch", run_id)

    def adaptations(self, run_id: str) -> pd.DataFrame:
        return self._one_run("SELECT * FROM adaptations WHERE run_id = ? ORDER BY epoch",
                             run_id)

    def tests(self, run_id: str) -> pd.DataFrame:
        return self._one_run('SELECT * FROM tests WHERE run_id = ? ORDER BY "timestamp"',
                             run_id)

    def _one_run(self, sql, run_id):
        with self.unit() as be:
            check_run(be, run_id, self.spec)
            return be.read_df(sql, [run_id])

    def check_run(self, run_id: str) -> None:
        """Raise ``NotFound`` (naming similar run ids) unless ``run_id`` is in the store."""
        with self.unit() as be:
            check_run(be, run_id, self.spec)


    def run(self, run_id: str) -> dict[str, pd.DataFrame]:
        """Everything about one run, as named DataFrames (for ``kerasprov show``); the
        ``run`` section carries its ``label``, ``transformations`` the values its user
        transformations (a Filter...) took and gave."""
        from .labels import transformation_rows, with_labels
        with self.unit() as be:
            check_run(be, run_id, self.spec)
            sections = run_sections(be, run_id)
            sections["run"] = with_labels(be, sections["run"], inputs=False)
            sections["transformations"] = transformation_rows(be, run_id)
            return sections

    # -- people's names for runs (labels.py) ---------------------------------------------
    def resolve_run(self, ref: str) -> str:
        """The id of the run ``ref`` names: a full id, a unique prefix of one, a run name,
        a label or ``latest``. A reference that could mean several runs is refused with
        the runs it could mean (``BadRequest``)."""
        from .labels import resolve_run
        with self.unit() as be:
            return resolve_run(be, ref, self.spec)

    def run_labels(self, run_ids: Iterable[str] | None = None) -> dict[str, str]:
        """Run id -> what people read for it: its ``run_name``, else its dataflow and what
        varies between the dataflow's runs (``alexnet · filter_name=gray-scale``)."""
        from .labels import run_labels
        with self.unit() as be:
            return run_labels(be, None if run_ids is None else [str(r) for r in run_ids])

    # -- comparison, path queries, analyses, PROV (see pathquery.py, analyses.py) --------
    def compare(self, run_ids: Iterable[str]) -> pd.DataFrame:
        """Runs side by side: one row per field, one column per run.

        Rows, in order: ``dataflow_tag``, ``status``, ``model``, ``model_class``,
        ``epochs``, ``duration_s``; the hyperparameters whose values differ between the runs
        (kind ``hyperparameter``); the fit's weighting and continuation where any run has
        them (kind ``config``: ``class_weight`` values, ``sample_weight`` fingerprint,
        ``initial_epoch``, ``continues_run``); then the ``last_*``, ``best_*`` (``min_*``/
        ``max_*`` for metrics of unknown direction) and ``test_*`` metrics of the ``runs``
        view that some run has. The ``kind`` column says which group a row belongs to.
        Fields as rows keep a comparison of a few runs readable however many
        hyperparameters they have.
        """
        from .compare import compare_rows
        ids = list(dict.fromkeys(str(r) for r in run_ids))
        if len(ids) < 2:
            raise BadRequest(f"compare needs at least two different runs; got {ids}")
        with self.unit() as be:
            for rid in ids:
                check_run(be, rid, self.spec)
            return compare_rows(be, ids)

    def query(self, dataflow: str, source: str | Iterable[str], target: str | Iterable[str],
              project: Iterable[str] | None = None, select: Iterable[str] | None = None,
              limit: int = sandbox.DEFAULT_LIMIT, distinct: bool = False,
              execute: bool = True, include: Iterable[str] | None = None,
              exclude: Iterable[str] | None = None, mapping: str = "physical",
              dataflow_version: int | None = None):
        """The dataflow-path query from ``source`` to ``target`` (see ``pathquery.py``):
        each may be a list; ``include``/``exclude`` data sets the paths must/must not go
        through; ``mapping`` physical, logical or hybrid; ``dataflow_version`` one version.

        Returns a ``PathQuery``: ``.sql`` (the generated SQL, to read, edit and run with
        ``sql()``), ``.path`` (the data sets joined) and ``.df`` (the result, at most
        ``limit`` rows; None when ``execute`` is False).

        Example:
        ```python
        q = store.query("alexnet", "itrainingmodel", "otestingmodel",
                        project=["itrainingmodel.learning_rate", "otestingmodel.accuracy"],
                        select=["itrainingmodel.optimizer_name = 'Adam'"])
        ```
        """
        from .pathquery import path_query
        with self.unit() as be:
            return path_query(be, dataflow, source, target, project, select,
                              distinct=distinct, limit=limit, execute=execute,
                              include=include, exclude=exclude, mapping=mapping,
                              dataflow_version=dataflow_version)

    def dataflow_versions(self, dataflow: str) -> pd.DataFrame:
        """Versions of a dataflow: when its structure grew and what it added (dfversions)."""
        from .dfversions import versions
        with self.unit() as be:
            rows = versions(be, dataflow)
        def added(v):
            if v.version > 1:
                return ", ".join(v.added)
            n = sum(a.startswith("transformation ") for a in v.added)
            return f"initial: {n} transformations, {len(v.added) - n} attributes"
        return pd.DataFrame([{"version": v.version, "first_run": v.first_run,
                              "start_time": v.start_time, "runs": len(v.runs),
                              "added": added(v)} for v in rows],
                            columns=["version", "first_run", "start_time", "runs", "added"])

    def prov(self, run_id: str | None = None, dataflow: str | None = None):
        """The W3C PROV document (``prov.model.ProvDocument``) of a run or a dataflow.

        ``store.prov(run_id).serialize(format="json")``, or ``kerasprov.provexport.
        serialize(doc, "provn" | "json" | "xml" | "rdf" | "jsonld")``.
        """
        from ..provexport import document
        from .labels import check_dataflow
        with self.unit() as be:
            if run_id is not None:
                check_run(be, run_id, self.spec)
            if dataflow is not None:
                check_dataflow(be, dataflow, self.spec)
            return document(be, run_id=run_id, dataflow=dataflow)

    def adaptation(self, run_id: str) -> pd.DataFrame:
        """Paper Table 1: epoch, learning_rate, technique (``adaptations`` has every column)."""
        from .analyses import adaptation
        return adaptation(self, run_id)

    def transformation_impact(self, transformation: str = "Filter",
                              parameter: str | None = None, metric: str = "accuracy",
                              dataflow: str | None = None) -> pd.DataFrame:
        """Paper Table 2: a user transformation's parameter vs test metric and epochs."""
        from .analyses import transformation_impact
        from .labels import check_dataflow
        if dataflow is not None:
            with self.unit() as be:
                check_dataflow(be, dataflow, self.spec)
        return transformation_impact(self, transformation, parameter, metric, dataflow)

    def convergence(self, run_id: str, metric: str = "accuracy") -> pd.DataFrame:
        """Per epoch: training metric, validation metric and their gap."""
        from .analyses import convergence
        return convergence(self, run_id, metric)

    # -- why runs differ, lineage (issue #12: diff.py, lineage.py) -----------------------
    def diff(self, *run_ids: str, rtol: float = 0.05, atol: float = 1e-3) -> pd.DataFrame:
        """Every difference between two or more runs, most likely cause first (diff.py)."""
        from .diff import diff
        return diff(self, run_ids, rtol=rtol, atol=atol)

    def searches(self) -> pd.DataFrame:
        """KerasTuner searches, newest first (the ``searches`` view; see searches.py)."""
        from .searches import searches
        return searches(self)

    def trials(self, search: str | None = None, best_history: bool = False) -> pd.DataFrame:
        """The trials of a search (an id, a unique prefix, or the newest), best first; with
        ``best_history``, the best trial's checkpoint and learning rate per epoch."""
        from .searches import best_trial_history, trials
        return (best_trial_history if best_history else trials)(self, search)

    def lineage(self, entity: str, direction: str = "up", execute: bool = True):
        """Everything upstream (``"up"``) or downstream (``"down"``) of a file path, a run
        id or a sha256: a ``Lineage`` with ``.sql``, ``.df`` (None when ``execute`` is
        False) and ``.prov()`` (lineage.py)."""
        from .lineage import lineage
        return lineage(self, entity, direction, execute=execute)


    # -- proof (issue #22: proofread.py, proof/) ----------------------------------------
    def attestation(self, run_id: str) -> dict | None:
        """The run's newest signed attestation (``envelope``, ``keyid``, ``public_key``,
        ``facts_sha256``), or None when its training process did not sign it."""
        from .proofread import attestation
        with self.unit() as be:
            check_run(be, run_id, self.spec)
            return attestation(be, run_id)

    def facts(self, run_id: str) -> dict:
        """The run's canonical facts recomputed from the store's rows (proof/facts.py)."""
        from .proofread import run_facts
        with self.unit() as be:
            check_run(be, run_id, self.spec)
            return run_facts(be, run_id)

    def proof_status(self, run_id: str) -> dict:
        """The run's signature verdict (recomputed now) and its reruns' verdicts."""
        from .proofread import proof_status
        self.check_run(run_id)
        return proof_status(self, run_id)

    def statement(self, run_id: str) -> dict:
        """An in-toto Statement (SLSA Provenance v1) of the run, built from the store."""
        from ..proof.statement import build
        from .proofread import run_facts, run_info
        with self.unit() as be:
            check_run(be, run_id, self.spec)
            return build(run_info(be, run_id), run_facts(be, run_id))


#: ``Store.run``'s sections: name -> SQL over one run (its id is the one parameter).
RUN_SECTIONS = {
    "run": "SELECT * FROM runs WHERE run_id = ?",
    "hyperparameters": "SELECT * FROM ds_itrainingmodel WHERE run_id = ?",
    "config": "SELECT * FROM ds_itrainingconfig WHERE run_id = ?",
    "layers": "SELECT * FROM ds_ilayers WHERE run_id = ?",
    "epochs": "SELECT * FROM epochs WHERE run_id = ? ORDER BY epoch",
    "adaptations": "SELECT * FROM adaptations WHERE run_id = ? ORDER BY epoch",
    "tests": 'SELECT * FROM tests WHERE run_id = ? ORDER BY "timestamp"',
    "tasks": "SELECT * FROM task WHERE run_id = ? ORDER BY start_time",
    "files": "SELECT * FROM file WHERE run_id = ? ORDER BY time",
    "execution": "SELECT * FROM execution WHERE run_id = ?",
}


def run_sections(be, run_id: str, only: Iterable[str] | None = None) -> dict[str, pd.DataFrame]:
    """The sections of one run (all, or ``only`` those named), read in one unit of work."""
    return {name: be.read_df(sql, [run_id]) for name, sql in RUN_SECTIONS.items()
            if only is None or name in only}


def check_run(be, run_id: str, spec: str) -> None:
    """Raise ``NotFound`` unless ``run_id`` is in the store behind ``be``."""
    if not be.fetchall("SELECT 1 FROM execution WHERE run_id = ?", [run_id]):
        near = [r[0] for r in be.fetchall(
            "SELECT run_id FROM execution WHERE run_id LIKE ? ORDER BY run_id LIMIT 5",
            [str(run_id)[:8] + "%"])]
        hint = f"; similar: {', '.join(near)}" if near else ""
        raise NotFound(f"no run {run_id!r} in {config.shown(spec)}{hint}", run_id=run_id)


def run_sandboxed(be, query: str, limit: int, timeout: float,
                  max_bytes: int = sandbox.DEFAULT_MAX_BYTES) -> pd.DataFrame:
    """Check a person's query with the sandbox, then run it with the backend's guards.

    At most ``limit`` rows and about ``max_bytes`` bytes; stopped after ``timeout`` seconds
    (see ``Backend.read_only_df``).
    """
    query = sandbox.check_sql(query, be.dialect, engine=be)
    return be.read_only_df(query, max(1, int(limit)), float(timeout), int(max_bytes))


__all__ = ["open_store", "Store", "StoreBusy", "quote"]
