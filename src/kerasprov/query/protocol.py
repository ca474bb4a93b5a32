"""The Store protocol: what every store answers, whatever its kind.

``Store`` (a database kerasprov opens itself: DuckDB, PostgreSQL, MonetDB) and ``HttpStore``
(a ``kerasprov serve`` over HTTP) both implement it, and tests/test_store_kinds.py checks
that they give the same answers. ``METHODS`` is also the allow-list of the server's
``/api/store/<method>`` endpoint, through which ``HttpStore`` calls them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol, runtime_checkable

import pandas as pd

#: The read methods a store offers over HTTP as well (``unit`` and ``read``, which take
#: trusted SQL, are local only).
METHODS = ("sql", "runs", "epochs", "adaptations", "tests", "run", "check_run", "compare",
           "query", "prov", "adaptation", "transformation_impact", "convergence", "diff",
           "lineage", "dataflow_versions", "searches", "trials", "resolve_run", "run_labels",
           "attestation", "facts", "statement", "proof_status")


@runtime_checkable
class StoreAPI(Protocol):
    spec: str

    def sql(self, query: str, limit: int = ..., timeout: float = ...) -> pd.DataFrame: ...

    def runs(self, dataflow: str | None = None, status: str | None = None,
             limit: int | None = None) -> pd.DataFrame: ...

    def epochs(self, run_id: str) -> pd.DataFrame: ...

    def adaptations(self, run_id: str) -> pd.DataFrame: ...

    def tests(self, run_id: str) -> pd.DataFrame: ...

    def run(self, run_id: str) -> dict[str, pd.DataFrame]: ...

    def check_run(self, run_id: str) -> None: ...

    def compare(self, run_ids: Iterable[str]) -> pd.DataFrame: ...

    def query(self, dataflow: str, source: str | Iterable[str], target: str | Iterable[str],
              project: Iterable[str] | None = None, select: Iterable[str] | None = None,
              limit: int = ..., distinct: bool = False, execute: bool = True,
              include: Iterable[str] | None = None, exclude: Iterable[str] | None = None,
              mapping: str = "physical", dataflow_version: int | None = None) -> Any: ...

    def prov(self, run_id: str | None = None, dataflow: str | None = None) -> Any: ...

    def adaptation(self, run_id: str) -> pd.DataFrame: ...

    def transformation_impact(self, transformation: str = "Filter",
                              parameter: str | None = None, metric: str = "accuracy",
                              dataflow: str | None = None) -> pd.DataFrame: ...

    def convergence(self, run_id: str, metric: str = "accuracy") -> pd.DataFrame: ...

    def diff(self, *run_ids: str, rtol: float = ..., atol: float = ...) -> pd.DataFrame: ...

    def lineage(self, entity: str, direction: str = "up", execute: bool = True) -> Any: ...

    def dataflow_versions(self, dataflow: str) -> pd.DataFrame: ...

    def searches(self) -> pd.DataFrame: ...

    def trials(self, search: str | None = None, best_history: bool = False) -> pd.DataFrame: ...

    def resolve_run(self, ref: str) -> str: ...

    def run_labels(self, run_ids: Iterable[str] | None = None) -> dict[str, str]: ...

    def attestation(self, run_id: str) -> dict | None: ...

    def facts(self, run_id: str) -> dict: ...

    def statement(self, run_id: str) -> dict: ...

    def proof_status(self, run_id: str) -> dict: ...
