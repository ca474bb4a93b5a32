"""100 concurrent simulated trainers deliver real journal segments over HTTP into
``kerasprov serve`` over PostgreSQL (benchmarks/many_trainers.py), and the server is
killed once in the middle of the load and started again: every event is stored exactly
once, and every event was delivered (its latency measured)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from pg_util import pg_admin_url, pg_url  # noqa: F401 (fixtures)

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "many_trainers.py"


def _bench():
    spec = importlib.util.spec_from_file_location("many_trainers", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules["many_trainers"] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def test_hundred_trainers_and_a_killed_server(pg_url, tmp_path):  # noqa: F811
    r = _bench().bench(pg_url, trainers=100, epochs=6, epoch_s=0.05, kill_at=0.5,
                       workdir=tmp_path)
    c = r["check"]
    assert c["ok"], c
    assert c["runs"] == 100 and c["epoch_rows"] == 600 == c["distinct_epoch_rows"]
    assert r["killed_at_s"] is not None and r["failed_deliveries"] > 0  # it was down mid-load
    assert r["delivered"] == r["events"] == 100 * (6 + 5)
    assert 0 < r["p50_s"] <= r["p99_s"] <= r["max_s"]
