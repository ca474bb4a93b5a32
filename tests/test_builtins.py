"""Issue #19: "built-in transformation" has one definition (names.BUILT_IN). A run with a
``predict`` has a Prediction task, and no reader lists it as the user's transformation."""

from __future__ import annotations

import kp_util
import pytest

import kerasprov
from kerasprov.names import BUILT_IN, is_built_in

pytestmark = pytest.mark.slow


def test_prediction_is_built_in_everywhere(store_dir):
    x, y = kp_util.data(n=64)
    with kerasprov.transformation("Filter", inputs={"filter_name": "gray"}):
        x = x * 0.5
    m = kp_util.mlp()
    m.provenance(dataflow_tag="builtins")
    m.fit(x, y, epochs=1, batch_size=32, verbose=0)
    m.predict(x, verbose=0)
    assert kerasprov.flush()
    store = kerasprov.open_store(str(store_dir))
    (run_id,) = store.runs()["run_id"]
    tags = set(store.sql(f"SELECT transformation_tag FROM task WHERE run_id = '{run_id}'")
               ["transformation_tag"])
    assert {"Prediction", "Filter", "TrainingModel"} <= tags
    shown = [t["task"]["transformation_tag"] for t in store.run_details(run_id)
             ["transformations"]]
    assert shown == ["Filter"]  # the run page's user transformations
    assert all(is_built_in(t) for t in BUILT_IN) and is_built_in("prediction")
    assert not is_built_in("Filter")
