"""``Store``: every read kerasprov offers, declared once.

Each method marked ``@read_method`` is the one declaration of a read (signature, annotated types
and bounds from ``declare.py``, docstring): the local ``Store`` checks its arguments against
it, ``POST /api/store/<method>`` allows and dispatches exactly these, ``HttpStore`` mirrors
them, and tests/test_read_surface.py tries each on every kind of store. To add a read: one
method here (its work in a module of query/ taking a backend), plus a page in server/pages/
if people should see it. ``unit`` and ``read`` take trusted SQL and are local only.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import Annotated, Any

import pandas as pd
from pydantic import Field

from .. import config
from ..errors import BadRequest
from ..outbox.writer import flush_all
from ..proof import card as proof_card
from ..proof import statement as proof_statement
from ..store import kinds
from ..store.views import NOT_A_SEARCH
from . import (
    analyses,
    details,
    dfversions,
    diff,
    labels,
    lineage,
    overview,
    pathquery,
    proofread,
    sandbox,
    task_values,
)
from . import compare as compare_mod
from . import searches as search_mod
from .declare import (
    Conditions,
    Direction,
    Entity,
    Filters,
    Flag,
    Limit,
    Mapping,
    Name,
    Names,
    Page,
    RunId,
    RunIds,
    SQLText,
    Timeout,
    Tolerance,
    Version,
    read_method,
)
from .reads import check_run, one_run, run_sandboxed, run_sections

PerPage = Annotated[int, Field(strict=True, ge=1, le=500, title="per page")]
RunIdList = Annotated[list[RunId], Field(max_length=10_000, title="run ids")]
TaskIds = Annotated[list[Name], Field(max_length=2000, title="names")]
OneOrMore = Name | Names


class Store:
    """Read (and ingest) one store; each call is one short unit of work.

    ``local_files``: this is the user's own process, where ``lineage`` may hash a local
    file by content; a server sets it False (a request never opens a file by its name).
    """

    def __init__(self, backend_store, spec: str, local_files: bool = True):
        self._store = backend_store
        self.spec = spec
        self.local_files = local_files

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

    def read(self, sql: str, params: Iterable = ()) -> pd.DataFrame:
        """Run trusted SQL written by kerasprov itself (not sandboxed; never over HTTP)."""
        with self.unit() as be:
            return be.read_df(sql, list(params))

    def _in_unit(self, fn, *args):
        with self.unit() as be:
            return fn(be, *args)

    # -- SQL and the common questions ---------------------------------------------------------
    @read_method
    def sql(self, query: SQLText, limit: Limit = sandbox.DEFAULT_LIMIT,
            timeout: Timeout = sandbox.DEFAULT_TIMEOUT_S) -> pd.DataFrame:
        """Run one read-only query typed by a person; at most ``limit`` rows, stopped after
        ``timeout`` seconds. ``df.attrs["truncated"]`` is True when more rows existed."""
        query = sandbox.check_text(query)  # the full check needs the store's dialect
        with self.unit() as be:
            return run_sandboxed(be, query, limit, timeout)

    @read_method
    def runs(self, dataflow: Name | None = None, status: Name | None = None,
             limit: Limit | None = None) -> pd.DataFrame:
        """One row per training run: tag, status, times, hyperparameters, last/best/test
        metrics, newest first. A KerasTuner search's own run is not one (``searches()``)."""
        where, params = [NOT_A_SEARCH], []
        for col, value in (("dataflow_tag", dataflow), ("status", status)):
            if value:
                where.append(f"{col} = ?")
                params.append(value)
        sql = "SELECT * FROM runs WHERE " + " AND ".join(where)
        sql += " ORDER BY start_time DESC NULLS LAST, run_id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        if status:
            labels.check_status(status)
        with self.unit() as be:
            if dataflow:
                labels.check_dataflow(be, dataflow, self.spec)
            return labels.with_labels(be, be.read_df(sql, params))

    @read_method
    def runs_table(self, dataflow: Name | None = None, status: Name | None = None,
                   filters: Filters | None = None, sort: Name = "start_time",
                   desc: Flag | None = None, page: Page = 1, per_page: PerPage = 50) -> dict:
        """One page of the runs table (the UI's ``/``): ``filters`` maps a column of ``runs``
        to ``0.01``, ``>0.01`` or ``!=adam``; sorted by ``sort`` (``desc`` default: newest
        first); ``per_page`` rows of page ``page``, with the total and the columns."""
        return overview.runs_table(self, dataflow, status, filters or {}, sort, desc, page,
                                   per_page)

    @read_method
    def epochs(self, run_id: RunId) -> pd.DataFrame:
        """Per-epoch metrics and learning rate of one run."""
        return self._one_run("epochs", run_id, "epoch")

    @read_method
    def adaptations(self, run_id: RunId) -> pd.DataFrame:
        """Learning-rate changes of one run (every column of the ``adaptations`` view)."""
        return self._one_run("adaptations", run_id, "epoch", '"timestamp"')

    @read_method
    def tests(self, run_id: RunId) -> pd.DataFrame:
        """The ``evaluate`` results of one run."""
        return self._one_run("tests", run_id, '"timestamp"')

    def _one_run(self, relation, run_id, *keys):
        with self.unit() as be:
            check_run(be, run_id, self.spec)
            return one_run(be, relation, run_id, *keys)

    @read_method
    def check_run(self, run_id: RunId) -> None:
        """Raise ``NotFound`` (naming similar run ids) unless ``run_id`` is in the store."""
        with self.unit() as be:
            check_run(be, run_id, self.spec)

    @read_method
    def run(self, run_id: RunId) -> dict[str, pd.DataFrame]:
        """Everything about one run, as named DataFrames (for ``kerasprov show``); the
        ``run`` section carries its ``label``, ``transformations`` the values its user
        transformations (a Filter...) took and gave."""
        with self.unit() as be:
            check_run(be, run_id, self.spec)
            sections = run_sections(be, run_id)
            sections["run"] = labels.with_labels(be, sections["run"], inputs=False)
            sections["transformations"] = labels.transformation_rows(be, run_id)
            return sections

    # -- people's names for runs (labels.py) ---------------------------------------------------
    @read_method
    def resolve_run(self, ref: Name) -> str:
        """The id of the run ``ref`` names: a full id, a unique prefix of one, a run name,
        a label or ``latest``. A reference that could mean several runs is refused with
        the runs it could mean (``BadRequest``)."""
        with self.unit() as be:
            return labels.resolve_run(be, ref, self.spec)

    @read_method
    def run_labels(self, run_ids: RunIdList | None = None) -> dict[str, str]:
        """Run id -> what people read for it: its ``run_name``, else its dataflow and what
        varies between the dataflow's runs (``alexnet · filter_name=gray-scale``)."""
        with self.unit() as be:
            return labels.run_labels(be, run_ids)

    @read_method
    def run_details(self, run_id: RunId) -> dict:
        """What the run page shows: the run, its execution and environment, hyperparameters,
        configuration, layers, epochs with their charts, adaptations, tests, tasks, files,
        and each user transformation with its data (JSON-safe)."""
        return self._in_unit(details.run_details, run_id, self.spec)

    # -- comparison, path queries, analyses, PROV ----------------------------------------------
    @read_method
    def compare(self, run_ids: RunIds) -> pd.DataFrame:
        """Runs side by side: one row per field, one column per run (see compare.py):
        ``dataflow_tag``, ``status``, ``model``...; the hyperparameters that differ (kind
        ``hyperparameter``); the fit's weighting and continuation (kind ``config``); then
        the ``last_*``, ``best_*`` and ``test_*`` metrics some run has."""
        ids = list(dict.fromkeys(run_ids))
        if len(ids) < 2:
            raise BadRequest(f"compare needs at least two different runs; got {ids}",
                             field="run_ids")
        with self.unit() as be:
            for rid in ids:
                check_run(be, rid, self.spec)
            return compare_mod.compare_rows(be, ids)

    @read_method
    def comparison(self, run_ids: RunIds) -> dict:
        """What the compare page shows: hyperparameters and metrics side by side, every
        difference (most likely cause first), and each run's curves."""
        return details.comparison(self, list(dict.fromkeys(run_ids)))

    @read_method
    def query(self, dataflow: Name, source: OneOrMore, target: OneOrMore,
              project: Conditions | None = None, select: Conditions | None = None,
              limit: Limit = sandbox.DEFAULT_LIMIT, distinct: Flag = False,
              execute: Flag = True, include: Names | None = None,
              exclude: Names | None = None, mapping: Mapping = "physical",
              dataflow_version: Version | None = None) -> pathquery.PathQuery:
        """The dataflow-path query from ``source`` to ``target`` (see ``pathquery.py``):
        each may be a list; ``include``/``exclude`` data sets the paths must/must not go
        through; ``mapping`` physical, logical or hybrid; ``dataflow_version`` one version.

        Returns a ``PathQuery``: ``.sql`` (to read, edit and run with ``sql()``), ``.path``
        (the data sets joined) and ``.df`` (at most ``limit`` rows; None unless ``execute``).

        Example:
        ```python
        q = store.query("alexnet", "itrainingmodel", "otestingmodel",
                        project=["itrainingmodel.learning_rate", "otestingmodel.accuracy"],
                        select=["itrainingmodel.optimizer_name = 'Adam'"])
        ```
        """
        with self.unit() as be:
            return pathquery.path_query(be, dataflow, source, target, project, select,
                                        distinct=distinct, limit=limit, execute=execute,
                                        include=include, exclude=exclude, mapping=mapping,
                                        dataflow_version=dataflow_version)

    @read_method
    def dataflow_versions(self, dataflow: Name) -> pd.DataFrame:
        """Versions of a dataflow: when its structure grew and what it added (dfversions)."""
        rows = self._in_unit(dfversions.versions, dataflow)

        def added(v):
            if v.version > 1:
                return ", ".join(v.added)
            n = sum(a.startswith("transformation ") for a in v.added)
            return f"initial: {n} transformations, {len(v.added) - n} attributes"
        return pd.DataFrame([{"version": v.version, "first_run": v.first_run,
                              "start_time": v.start_time, "runs": len(v.runs),
                              "added": added(v)} for v in rows],
                            columns=["version", "first_run", "start_time", "runs", "added"])

    @read_method
    def dataflows(self) -> list[dict]:
        """Every dataflow (``tag``) and its number of ``runs``."""
        return self._in_unit(overview.dataflows)

    @read_method
    def dataflow(self, tag: Name) -> dict:
        """One dataflow's structure: data sets and their attributes, transformations, the
        dependencies between them, and its number of runs (the dataflow page's graph)."""
        return self._in_unit(overview.dataflow, tag)

    @read_method
    def schema(self) -> list[dict]:
        """The tables and views a query may read, with their columns and types."""
        return self._in_unit(overview.schema)

    @read_method
    def prov(self, run_id: RunId | None = None, dataflow: Name | None = None) -> Any:
        """The W3C PROV document (``prov.model.ProvDocument``) of a run or a dataflow.

        ``store.prov(run_id).serialize(format="json")``, or ``kerasprov.provexport.
        serialize(doc, "provn" | "json" | "xml" | "rdf" | "jsonld")``.
        """
        from ..provexport import document  # a sibling layer: PROV builds on store rows
        with self.unit() as be:
            if run_id is not None:
                check_run(be, run_id, self.spec)
            if dataflow is not None:
                labels.check_dataflow(be, dataflow, self.spec)
            return document(be, run_id=run_id, dataflow=dataflow)

    @read_method
    def adaptation(self, run_id: RunId) -> pd.DataFrame:
        """Paper Table 1: epoch, learning_rate, technique (``adaptations`` has every column)."""
        return analyses.adaptation(self, run_id)

    @read_method
    def transformation_impact(self, transformation: Name = "Filter",
                              parameter: Name | None = None, metric: Name = "accuracy",
                              dataflow: Name | None = None) -> pd.DataFrame:
        """Paper Table 2: a user transformation's parameter vs test metric and epochs."""
        if dataflow is not None:
            with self.unit() as be:
                labels.check_dataflow(be, dataflow, self.spec)
        return analyses.transformation_impact(self, transformation, parameter, metric, dataflow)

    @read_method
    def convergence(self, run_id: RunId, metric: Name = "accuracy") -> pd.DataFrame:
        """Per epoch: training metric, validation metric and their gap."""
        return analyses.convergence(self, run_id, metric)

    # -- why runs differ, lineage, searches -------------------------------------------------------
    @read_method
    def diff(self, *run_ids: RunId, rtol: Tolerance = diff.RTOL,
             atol: Tolerance = diff.ATOL) -> pd.DataFrame:
        """Every difference between two or more runs, most likely cause first (diff.py)."""
        return diff.diff(self, run_ids, rtol=rtol, atol=atol)

    @read_method
    def lineage(self, entity: Entity, direction: Direction = "up",
                execute: Flag = True) -> lineage.Lineage:
        """Everything upstream (``"up"``) or downstream (``"down"``) of a file path as
        recorded, a run id or a sha256: a ``Lineage`` with ``.sql``, ``.df`` (None when
        ``execute`` is False) and ``.prov()`` (lineage.py)."""
        return lineage.lineage(self, entity, direction, execute=execute,
                               local_files=self.local_files)

    @read_method
    def task_inputs(self, task_ids: TaskIds) -> dict:
        """``{task_id: {attribute: value}}``: a few input values of each task (a
        Filter's ``filter_name``, a training's learning rate), as the lineage graph shows."""
        return task_values.task_inputs(self, task_ids)

    @read_method
    def searches(self) -> pd.DataFrame:
        """KerasTuner searches, newest first (the ``searches`` view; see searches.py)."""
        return self._in_unit(search_mod.searches_of)

    @read_method
    def trials(self, search: Name | None = None, best_history: Flag = False) -> pd.DataFrame:
        """The trials of a search (an id, a unique prefix, or the newest), best first; with
        ``best_history``, the best trial's checkpoint and learning rate per epoch."""
        return self._in_unit(search_mod.best_trial_history_of if best_history else
                             search_mod.trials_of, search)

    @read_method
    def search_runs(self, search: Name | None = None) -> pd.DataFrame:
        """The runs of a search's executions (one per fit), with their trial, best first."""
        return self._in_unit(search_mod.search_runs_of, search)

    @read_method
    def search(self, search_id: Name) -> dict:
        """What a search page shows: the search, its space, its trials (best first) and the
        hyperparameter columns with their names."""
        return self._in_unit(search_mod.search_of, search_id)

    @read_method
    def trial(self, search_id: Name, trial_id: Name) -> dict:
        """One trial's executions and each one's metrics per epoch."""
        return self._in_unit(search_mod.trial_of, search_id, trial_id)

    # -- proof (issue #22: proofread.py, proof/) ----------------------------------------------
    @read_method
    def attestation(self, run_id: RunId) -> dict | None:
        """The run's newest signed attestation (``envelope``, ``keyid``, ``public_key``,
        ``facts_sha256``), or None when its training process did not sign it."""
        with self.unit() as be:
            check_run(be, run_id, self.spec)
            return proofread.attestation(be, run_id)

    @read_method
    def facts(self, run_id: RunId) -> dict:
        """The run's canonical facts recomputed from the store's rows (proof/facts.py)."""
        with self.unit() as be:
            check_run(be, run_id, self.spec)
            return proofread.run_facts(be, run_id)

    @read_method
    def proof_status(self, run_id: RunId) -> dict:
        """The run's signature verdict (recomputed now) and its reruns' verdicts."""
        self.check_run(run_id)
        return proofread.proof_status(self, run_id)

    @read_method
    def statement(self, run_id: RunId) -> dict:
        """An in-toto Statement (SLSA Provenance v1) of the run, built from the store."""
        with self.unit() as be:
            check_run(be, run_id, self.spec)
            return proof_statement.build(proofread.run_info(be, run_id),
                                         proofread.run_facts(be, run_id))

    @read_method
    def card(self, run_id: RunId) -> str:
        """The run's Hugging Face model card (Markdown with YAML front matter)."""
        self.check_run(run_id)
        return proof_card.build(self, run_id)


__all__ = ["Store"]
