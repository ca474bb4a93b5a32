"""The dataflow-path SQL generator on a real store: same answers as hand-written SQL,
clear errors, and generated SQL that always passes the sandbox and runs."""

from __future__ import annotations

import math

import pytest
from analysis_util import EPOCHS, build
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pg_util import pg_admin_url, pg_url  # noqa: F401  (fixtures)

import kerasprov
from kerasprov.errors import PathQueryError
from kerasprov.query import sandbox
from kerasprov.query.api import run_sandboxed
from kerasprov.query.pathquery import build as build_sql


@pytest.fixture(scope="module")
def built():
    return build()


@pytest.fixture(scope="module")
def store(built):
    return kerasprov.open_store(str(built["store"]))


def _rows(df):
    """Rows as a sorted list of tuples, floats rounded (order-free comparison)."""
    def norm(v):
        if hasattr(v, "item"):
            v = v.item()
        return round(v, 9) if isinstance(v, float) and math.isfinite(v) else v
    return sorted(tuple(norm(v) for v in row) for row in df.itertuples(index=False))


def test_paper_query_equals_hand_written_sql(store, built):
    q = store.query("alexnet", "itrainingmodel", "otestingmodel",
                    project=["itrainingmodel.learning_rate", "otestingmodel.accuracy"],
                    select=["itrainingmodel.optimizer_name = 'Adam'"])
    assert q.path == ["itrainingmodel", "otrainingmodel", "otestingmodel"]
    assert q.transformations == ["TrainingModel", "TestingModel"]
    assert list(q.df.columns) == ["itrainingmodel.learning_rate", "otestingmodel.accuracy"]
    hand = store.sql("""
        SELECT h.learning_rate, t.accuracy
        FROM ds_itrainingmodel h
        JOIN execution e ON e.run_id = h.run_id
        JOIN ds_otrainingmodel o ON o.trainingmodel_task_id = h.trainingmodel_task_id
        JOIN ds_otestingmodel t ON t.trainingmodel_task_id = o.trainingmodel_task_id
        WHERE e.dataflow_tag = 'alexnet' AND h.optimizer_name = 'Adam'""")
    assert _rows(q.df) == _rows(hand)
    # Only the Adam run of alexnet: one row per epoch it trained, all with its test accuracy.
    gray_test = store.tests(built["runs"]["gray"])["accuracy"].iloc[-1]
    assert len(q.df) == EPOCHS["gray"]
    assert set(q.df["otestingmodel.accuracy"].round(9)) == {round(gray_test, 9)}
    assert q.df["itrainingmodel.learning_rate"].round(6).tolist() == [0.01] * EPOCHS["gray"]
    # The SQL shown to the person runs as is.
    assert _rows(store.sql(q.sql)) == _rows(q.df)


def test_user_transformation_to_test_through_run_link(store, built):
    q = store.query("alexnet", "ifilter", "otestingmodel", distinct=True,
                    project=["ifilter.filter_name", "otestingmodel.accuracy"])
    assert q.path == ["ifilter", "ofilter", "otrainingmodel", "otestingmodel"]
    # ofilter and otrainingmodel share no task column: they are joined by run.
    assert 'ds_otrainingmodel."run_id" = ds_ofilter."run_id"' in q.sql
    assert q.sql.startswith("SELECT DISTINCT")
    hand = store.sql("""
        SELECT DISTINCT f.filter_name, t.accuracy
        FROM ds_ifilter f JOIN execution e ON e.run_id = f.run_id
        JOIN ds_otestingmodel t ON t.run_id = f.run_id
        WHERE e.dataflow_tag = 'alexnet'""")
    assert _rows(q.df) == _rows(hand)
    assert sorted(q.df["ifilter.filter_name"]) == ["gray", "none"]


def test_undirected_path_and_attribute_names(store):
    forward = store.query("alexnet", "itrainingmodel", "otestingmodel",
                          project=["itrainingmodel.optimizer_name", "otestingmodel.loss"])
    backward = store.query("alexnet", "OTestingModel", "iTrainingModel",
                           project=["otestingmodel.loss", "ITRAININGMODEL.Optimizer_Name"])
    assert backward.path == ["otestingmodel", "otrainingmodel", "itrainingmodel"]
    assert _rows(forward.df) == _rows(backward.df[list(reversed(backward.df.columns))])
    # Sibling inputs of one transformation meet through its output.
    q = store.query("alexnet", "ilayers", "itrainingmodel",
                    project=["ilayers.class_name", "itrainingmodel.optimizer_name"],
                    distinct=True)
    assert q.path == ["ilayers", "otrainingmodel", "itrainingmodel"]
    assert _rows(q.df) == [("Dense", "Adam"), ("Dense", "SGD"), ("Dropout", "Adam"),
                           ("Dropout", "SGD")]


def test_adaptations_join_their_run_only(store, built):
    q = store.query("alexnet", "oadaptation", "itrainingmodel", distinct=True,
                    project=["oadaptation.epoch", "oadaptation.learning_rate",
                             "itrainingmodel.optimizer_name"])
    hand = store.sql("""
        SELECT DISTINCT a.epoch, a.learning_rate, h.optimizer_name
        FROM ds_oadaptation a JOIN execution e ON e.run_id = a.run_id
        JOIN ds_itrainingmodel h ON h.trainingmodel_task_id = a.trainingmodel_task_id
        WHERE e.dataflow_tag = 'alexnet'""")
    assert _rows(q.df) == _rows(hand)
    assert [r[0] for r in _rows(q.df)] == [1, 2]


def test_dataflow_restricts_shared_tables(store, built):
    q = store.query("other", "itrainingmodel", "otrainingmodel",
                    project=["itrainingmodel.learning_rate", "otrainingmodel.epoch"])
    assert sorted(q.df["otrainingmodel.epoch"]) == list(range(EPOCHS["other"]))
    assert q.df["itrainingmodel.learning_rate"].round(6).unique().tolist() == [0.001]


def test_sql_only_does_not_run(store):
    q = store.query("alexnet", "itrainingmodel", "otrainingmodel", execute=False)
    assert q.df is None
    assert "ds_otrainingmodel" in q.sql
    assert sandbox.check_sql(q.sql)


@pytest.mark.parametrize("kwargs, message", [
    ({"dataflow": "nope", "source": "itrainingmodel", "target": "otestingmodel"},
     "unknown dataflow 'nope'; the store has: alexnet, other"),
    ({"source": "itrainingmodels", "target": "otestingmodel"},
     "unknown source data set 'itrainingmodels' in dataflow 'alexnet'; it has: ifilter,"),
    ({"source": "itrainingmodel", "target": "oloaddata"},
     "unknown target data set 'oloaddata'"),
    ({"project": ["itrainingmodel.nope"]},
     "unknown attribute 'nope' of data set 'itrainingmodel'; it has: batch_size,"),
    ({"project": ["oadaptation.epoch"]},
     ("data set 'oadaptation' is not on the path in 'oadaptation.epoch'; the path is "
      "itrainingmodel -> otrainingmodel -> otestingmodel")),
    ({"project": ["learning_rate"]}, "write attributes as set.attribute"),
    ({"select": ["itrainingmodel.learning_rate > (SELECT 1)"]}, "'SELECT' is not allowed"),
    ({"select": ["read_csv('/etc/passwd') IS NOT NULL"]}, "'read_csv' is not allowed"),
    ({"select": ["itrainingmodel.learning_rate > 0; DROP TABLE task"]}, "without comments"),
    ({"select": ["itrainingmodel.learning_rate > 0 -- hi"]}, "without comments"),
    ({"select": ["1 = 1"]}, "refers to no attribute"),
    ({"select": ["(itrainingmodel.learning_rate > 0"]}, "unbalanced parentheses"),
    ({"select": ["itrainingmodel.learning_rate::text = 'x'"]}, "cannot use \"::text"),
])
def test_errors_name_what_exists(store, kwargs, message):
    args = {"dataflow": "alexnet", "source": "itrainingmodel", "target": "otestingmodel"}
    args.update(kwargs)
    with pytest.raises(PathQueryError) as info:
        store.query(**args)
    assert message in str(info.value)


def test_no_path(store):
    with pytest.raises(PathQueryError) as info:
        store.query("other", "itrainingmodel", "oloaddata")
    msg = str(info.value)
    assert "no path of data dependencies between 'itrainingmodel' and 'oloaddata'" in msg
    assert "otrainingmodel" in msg


def test_literal_values_stay_literals(store):
    sneaky = "x''); DROP TABLE task; SELECT (''"  # in SQL: the value x'); DROP TABLE...
    q = store.query("alexnet", "itrainingmodel", "otestingmodel",
                    select=[f"itrainingmodel.optimizer_name = '{sneaky}'"])
    assert q.df.empty
    assert len(store.sql("SELECT * FROM task")) > 0


# -- property: any valid choice gives SQL that passes the sandbox and runs -------------------
def _catalog(store):
    with store.unit() as be:
        sets = [r[0] for r in be.fetchall(
            "SELECT tag FROM data_set WHERE dataflow_tag = 'alexnet' ORDER BY tag")]
        attrs = {}
        for s, name, typ in be.fetchall(
                "SELECT data_set_tag, name, type FROM attribute ORDER BY 1, 2"):
            if s in sets:
                attrs.setdefault(s, []).append((name, typ))
    return sets, attrs


# "--" and "/*" inside a literal are left out until the sandbox scans literals before
# comments (see test_comment_markers_inside_literals below).
_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00-/"),
                max_size=12)


def test_comment_markers_inside_literals(store):
    q = store.query("alexnet", "itrainingmodel", "otestingmodel",
                    select=["itrainingmodel.optimizer_name <> 'a; b -- c'"])
    assert len(q.df) > 0


@st.composite
def _choices(draw, sets):
    src = draw(st.sampled_from(sets))
    dst = draw(st.sampled_from(sets))
    return src, dst, draw(st.randoms(use_true_random=False))


def _condition(rnd, tag, name, typ, text):
    ref = f"{tag}.{name}" if name.isidentifier() else f'{tag}."{name}"'
    literal = "'" + text.replace("'", "''") + "'"
    if typ in ("integer", "real"):
        return rnd.choice([f"{ref} > {rnd.uniform(-1, 10):.4f}", f"{ref} BETWEEN 0 AND 5",
                           f"abs({ref}) >= 0 OR {ref} IS NULL"])
    if typ == "text":
        return rnd.choice([f"{ref} = {literal}", f"{ref} <> {literal}",
                           f"lower({ref}) LIKE {literal}", f"{ref} IN ({literal}, 'Adam')"])
    return rnd.choice([f"{ref} IS NULL", f"NOT ({ref} IS NOT NULL)"])


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(data=st.data())
def test_generated_sql_always_passes_the_sandbox_and_runs(store, data):
    sets, attrs = _catalog(store)
    src, dst, rnd = data.draw(_choices(sets))
    with store.unit() as be:
        plain = build_sql(be, "alexnet", src, dst)
        path = plain.path
        pool = [(t, n, ty) for t in path for n, ty in attrs.get(t, [])]
        picks = rnd.sample(pool, k=min(len(pool), rnd.randint(1, 4))) if pool else []
        project = [f"{t}.{n.upper() if rnd.random() < 0.2 else n}" for t, n, _ in picks]
        select = [_condition(rnd, t, n, ty, data.draw(_TEXT))
                  for t, n, ty in rnd.sample(pool, k=min(len(pool), rnd.randint(0, 2)))]
        q = build_sql(be, "alexnet", src, dst, project, select,
                      distinct=rnd.random() < 0.5)
        assert sandbox.check_sql(q.sql)
        assert q.path == path
        df = run_sandboxed(be, q.sql, 100, 10.0)
    assert list(df.columns) == q.columns


# -- the same store on PostgreSQL: the generated SQL, analyses and PROV agree ---------------
def test_same_answers_on_postgres(store, built, pg_url, tmp_path):  # noqa: F811
    import shutil

    from kerasprov.store.postgres import deliver_journals
    journals = built["store"] / "journals"
    for seg in [*journals.glob("*.jsonl"), *journals.glob("done/*.jsonl")]:
        shutil.copy(seg, tmp_path / seg.name)  # the same events, delivered once more
    assert deliver_journals(pg_url, tmp_path) > 0
    pg = kerasprov.open_store(pg_url)
    cases = [
        ("alexnet", "itrainingmodel", "otestingmodel",
         ["itrainingmodel.learning_rate", "otestingmodel.accuracy"],
         ["itrainingmodel.optimizer_name IN ('Adam', 'SGD')"]),
        ("alexnet", "ifilter", "otestingmodel", ["ifilter.filter_name", "otrainingmodel.epoch"],
         ["lower(ifilter.filter_name) LIKE 'g%' OR otrainingmodel.epoch BETWEEN 0 AND 1"]),
        ("alexnet", "otestingmodel", "ilayers", [], []),
        ("other", "otrainingmodel", "itrainingmodel", [], ["otrainingmodel.loss > 0"]),
    ]
    for dataflow, src, dst, project, select in cases:
        here = store.query(dataflow, src, dst, project, select)
        there = pg.query(dataflow, src, dst, project, select)
        assert there.sql == here.sql
        assert len(there.df) == len(here.df) > 0
        assert _rows(there.df.astype(object).where(there.df.notna(), None)) == \
            _rows(here.df.astype(object).where(here.df.notna(), None))
    gray = built["runs"]["gray"]
    assert _rows(pg.adaptation(gray)) == _rows(store.adaptation(gray))
    assert _rows(pg.convergence(gray)) == _rows(store.convergence(gray))
    assert _rows(pg.transformation_impact(parameter="filter_name")) == \
        _rows(store.transformation_impact(parameter="filter_name"))
    assert pg.prov(gray) == store.prov(gray)
    assert pg.prov(dataflow="alexnet") == store.prov(dataflow="alexnet")
