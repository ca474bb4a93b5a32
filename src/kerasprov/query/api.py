"""The Python API over a store: ``kerasprov.open_store()`` and the ``Store`` it returns.

Every method returns pandas DataFrames (or a PROV document). The CLI, the web UI and the
server are thin shells over this class.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable

import pandas as pd

from .. import config
from ..errors import BadRequest, NotFound, QueryError, StoreBusy
from ..store.schema import quote
from . import sandbox


def open_store(spec: str | None = None, lock_timeout: float = 60.0) -> Store:
    """Open the store at ``spec`` (default: ``KERASPROV_STORE``, then ``./kerasprov``).

    Args:
        spec: a store directory, a ``postgresql://`` or ``monetdb://`` URL (MonetDB needs
            ``pip install "kerasprov[monetdb]"``) or a ``http(s)://`` server URL.
        lock_timeout: seconds to wait for the embedded DuckDB file while another process
            holds it.
    """
    spec = config.store_spec(spec)
    if spec.startswith(("http://", "https://")):
        from ..server.client import RemoteStore
        return RemoteStore(spec)
    if spec.startswith(("postgresql://", "postgres://")):
        from ..store.postgres import PostgresStore
        return Store(PostgresStore(spec), spec)
    if spec.startswith("monetdb://"):
        from ..store.monetdb import MonetDBStore
        return Store(MonetDBStore(spec), spec)
    from ..store.embedded import EmbeddedStore
    return Store(EmbeddedStore(spec, lock_timeout=lock_timeout), spec)


def _shown(spec: str) -> str:
    """A store spec for messages: a database URL without its password."""
    import re
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", str(spec))


class Store:
    """Read (and ingest) one store; each call is one short unit of work."""

    def __init__(self, backend_store, spec: str):
        self._store = backend_store
        self.spec = spec

    def __repr__(self):
        return f"<kerasprov.Store {_shown(self.spec)}>"

    @contextlib.contextmanager
    def unit(self):
        """A Backend for one unit of work (journals ingested first)."""
        from ..capture import session
        session.flush(5.0)  # this process's own events first
        with self._store.unit() as be:
            yield be

    # -- raw reads -----------------------------------------------------------------------
    def _read(self, be, sql: str, params: Iterable = ()) -> pd.DataFrame:
        if be.dialect == "duckdb":
            cur = be.con.execute(sql, list(params))
            cols = [d[0] for d in cur.description]
            return pd.DataFrame(cur.fetchall(), columns=cols)
        return be.read_df(sql, list(params))

    def read(self, sql: str, params: Iterable = ()) -> pd.DataFrame:
        """Run trusted SQL written by kerasprov itself (not sandboxed)."""
        with self.unit() as be:
            return self._read(be, sql, params)

    def sql(self, query: str, limit: int = sandbox.DEFAULT_LIMIT,
            timeout: float = sandbox.DEFAULT_TIMEOUT_S) -> pd.DataFrame:
        """Run one read-only query typed by a person; at most ``limit`` rows.

        ``df.attrs["truncated"]`` is True when more rows existed.
        """
        query = sandbox.check_sql(query)
        with self.unit() as be:
            return run_sandboxed(be, query, limit, timeout)

    # -- the common questions ------------------------------------------------------------
    def runs(self, dataflow: str | None = None, status: str | None = None,
             limit: int | None = None) -> pd.DataFrame:
        """One row per run: tag, status, times, hyperparameters, last/best/test metrics."""
        where, params = [], []
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
        return self.read(sql, params)

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
            self._check_run(be, run_id)
            return self._read(be, sql, [run_id])

    def _check_run(self, be, run_id):
        if not be.fetchall("SELECT 1 FROM execution WHERE run_id = ?", [run_id]):
            near = [r[0] for r in be.fetchall(
                "SELECT run_id FROM execution WHERE run_id LIKE ? ORDER BY run_id LIMIT 5",
                [str(run_id)[:8] + "%"])]
            hint = f"; similar: {', '.join(near)}" if near else ""
            raise NotFound(f"no run {run_id!r} in {_shown(self.spec)}{hint}", run_id=run_id)

    def run(self, run_id: str) -> dict[str, pd.DataFrame]:
        """Everything about one run, as named DataFrames (for ``kerasprov show``)."""
        with self.unit() as be:
            self._check_run(be, run_id)
            out = {"run": self._read(be, "SELECT * FROM runs WHERE run_id = ?", [run_id])}
            for name, sql in (
                    ("hyperparameters", "SELECT * FROM ds_itrainingmodel WHERE run_id = ?"),
                    ("config", "SELECT * FROM ds_itrainingconfig WHERE run_id = ?"),
                    ("layers", "SELECT * FROM ds_ilayers WHERE run_id = ?"),
                    ("epochs", "SELECT * FROM epochs WHERE run_id = ? ORDER BY epoch"),
                    ("adaptations", "SELECT * FROM adaptations WHERE run_id = ? ORDER BY epoch"),
                    ("tests", 'SELECT * FROM tests WHERE run_id = ? ORDER BY "timestamp"'),
                    ("tasks", "SELECT * FROM task WHERE run_id = ? ORDER BY start_time"),
                    ("files", "SELECT * FROM file WHERE run_id = ? ORDER BY time"),
                    ("execution", "SELECT * FROM execution WHERE run_id = ?")):
                out[name] = self._read(be, sql, [run_id])
            return out

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
                self._check_run(be, rid)
            return compare_rows(be, self._read, ids)

    def query(self, dataflow: str, source: str, target: str,
              project: Iterable[str] | None = None, select: Iterable[str] | None = None,
              limit: int = sandbox.DEFAULT_LIMIT, distinct: bool = False,
              execute: bool = True):
        """The dataflow-path query from ``source`` to ``target`` (see ``pathquery.py``).

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
                              distinct=distinct, limit=limit, execute=execute)

    def prov(self, run_id: str | None = None, dataflow: str | None = None):
        """The W3C PROV document (``prov.model.ProvDocument``) of a run or a dataflow.

        ``store.prov(run_id).serialize(format="json")``, or ``kerasprov.provexport.
        serialize(doc, "provn" | "json" | "xml" | "rdf" | "jsonld")``.
        """
        from ..provexport import document
        with self.unit() as be:
            if run_id is not None:
                self._check_run(be, run_id)
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
        return transformation_impact(self, transformation, parameter, metric, dataflow)

    def convergence(self, run_id: str, metric: str = "accuracy") -> pd.DataFrame:
        """Per epoch: training metric, validation metric and their gap."""
        from .analyses import convergence
        return convergence(self, run_id, metric)


def run_sandboxed(be, query: str, limit: int, timeout: float) -> pd.DataFrame:
    """Execute a checked query with a row cap and a timeout on this backend."""
    limit = max(1, int(limit))
    if be.dialect != "duckdb":
        return be.read_only_df(query, limit, timeout)
    import duckdb
    sandbox.check_duckdb_statement(be.con, query)
    timer = threading.Timer(timeout, be.con.interrupt)
    timer.start()
    try:
        cur = be.con.execute(query)
        rows = cur.fetchmany(limit + 1)
        cols = [d[0] for d in cur.description]
    except duckdb.InterruptException:
        raise QueryError(f"the query ran longer than {timeout:g} s and was stopped") from None
    except duckdb.PermissionException as exc:
        from ..errors import SQLRefused
        raise SQLRefused(f"refused: {str(exc).splitlines()[0]}") from None
    except duckdb.Error as exc:
        raise QueryError(str(exc).split("\n")[0]) from None
    finally:
        timer.cancel()
    df = pd.DataFrame(rows[:limit], columns=_unique(cols))
    df.attrs["truncated"] = len(rows) > limit
    return df


def _unique(cols):
    seen, out = {}, []
    for c in cols:
        n = seen.get(c, 0)
        seen[c] = n + 1
        out.append(c if n == 0 else f"{c}_{n + 1}")
    return out


__all__ = ["open_store", "Store", "StoreBusy", "quote"]
