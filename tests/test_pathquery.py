"""The dataflow-path SQL generator on a real store: same answers as hand-written SQL,
clear errors, and generated SQL that always passes the sandbox and runs."""

from __future__ import annotations

import math

import pytest
from analysis_util import EPOCHS, built, store  # noqa: F401  (fixtures)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pg_util import pg_admin_url, pg_url  # noqa: F401  (fixtures)

import kerasprov
from kerasprov.errors import InvalidArgument, PathQueryError
from kerasprov.query import sandbox
from kerasprov.query.api import run_sandboxed
from kerasprov.query.pathquery import build as build_sql


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
    assert '"ds_otrainingmodel"."run_id" = "ds_ofilter"."run_id"' in q.sql
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
    for kwargs in ({"source": ["itrainingmodel", "ifilter"], "target": "otestingmodel",
                    "distinct": True},
                   {"source": "oadaptation", "target": "otrainingmodel", "mapping": "hybrid"},
                   {"source": "ifilter", "target": "ofilter", "mapping": "logical"},
                   {"source": "itrainingmodel", "target": ["otestingmodel", "oadaptation"],
                    "include": ["ofilter"]}):
        here, there = store.query("alexnet", **kwargs), pg.query("alexnet", **kwargs)
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


# -- DfAnalyzer parity (issue #12): several sources/targets, include/exclude, mapping types,
# -- dataflow versions, quoted identifiers; each against hand-written SQL -------------------
def test_several_sources_one_target_equals_hand_written_sql(store):
    q = store.query("alexnet", ["itrainingmodel", "ifilter"], "otestingmodel", distinct=True,
                    project=["ifilter.filter_name", "itrainingmodel.optimizer_name",
                             "otestingmodel.accuracy"])
    assert q.paths == [["itrainingmodel", "otrainingmodel", "otestingmodel"],
                       ["ifilter", "ofilter", "otrainingmodel", "otestingmodel"]]
    assert sorted(q.path) == ["ifilter", "itrainingmodel", "ofilter", "otestingmodel",
                              "otrainingmodel"]
    hand = store.sql("""
        SELECT DISTINCT f.filter_name, h.optimizer_name, t.accuracy
        FROM ds_itrainingmodel h JOIN execution e ON e.run_id = h.run_id
        JOIN ds_otrainingmodel o ON o.trainingmodel_task_id = h.trainingmodel_task_id
        JOIN ds_otestingmodel t ON t.trainingmodel_task_id = o.trainingmodel_task_id
        JOIN ds_ofilter g ON g.run_id = o.run_id
        JOIN ds_ifilter f ON f.filter_task_id = g.filter_task_id
        WHERE e.dataflow_tag = 'alexnet'""")
    assert _rows(q.df) == _rows(hand) and len(hand) == 2
    assert {r[0]: r[1] for r in _rows(q.df)} == {"gray": "Adam", "none": "SGD"}


def test_one_source_several_targets(store):
    q = store.query("alexnet", "itrainingmodel", ["otestingmodel", "oadaptation"],
                    project=["itrainingmodel.optimizer_name", "otestingmodel.accuracy",
                             "oadaptation.epoch"], distinct=True)
    hand = store.sql("""
        SELECT DISTINCT h.optimizer_name, t.accuracy, a.epoch
        FROM ds_itrainingmodel h JOIN execution e ON e.run_id = h.run_id
        JOIN ds_otrainingmodel o ON o.trainingmodel_task_id = h.trainingmodel_task_id
        JOIN ds_otestingmodel t ON t.trainingmodel_task_id = o.trainingmodel_task_id
        JOIN ds_oadaptation a ON a.trainingmodel_task_id = o.trainingmodel_task_id
        WHERE e.dataflow_tag = 'alexnet'""")
    assert _rows(q.df) == _rows(hand)
    assert [r[2] for r in _rows(q.df)] == [1, 2]  # only the Adam run adapted


def test_include_forces_the_path_through_a_set(store):
    plain = store.query("alexnet", "itrainingmodel", "otestingmodel", execute=False)
    assert "ofilter" not in plain.path
    q = store.query("alexnet", "itrainingmodel", "otestingmodel", include=["ofilter"],
                    project=["itrainingmodel.optimizer_name", "ofilter.channels",
                             "otestingmodel.accuracy"], distinct=True)
    assert q.paths == [["itrainingmodel", "otrainingmodel", "ofilter", "otrainingmodel",
                        "otestingmodel"]]
    hand = store.sql("""
        SELECT DISTINCT h.optimizer_name, g.channels, t.accuracy
        FROM ds_itrainingmodel h JOIN execution e ON e.run_id = h.run_id
        JOIN ds_otrainingmodel o ON o.trainingmodel_task_id = h.trainingmodel_task_id
        JOIN ds_ofilter g ON g.run_id = o.run_id
        JOIN ds_otestingmodel t ON t.trainingmodel_task_id = o.trainingmodel_task_id
        WHERE e.dataflow_tag = 'alexnet'""")
    assert _rows(q.df) == _rows(hand) == [("Adam", 1, pytest.approx(_rows(hand)[0][2])),
                                          ("SGD", 3, pytest.approx(_rows(hand)[1][2]))]


def test_exclude_and_include_errors(store):
    with pytest.raises(PathQueryError, match="no path of data dependencies between "
                                             "'ifilter' and 'otestingmodel' avoiding "
                                             "otrainingmodel"):
        store.query("alexnet", "ifilter", "otestingmodel", exclude=["otrainingmodel"])
    with pytest.raises(PathQueryError, match="both excluded and on the path"):
        store.query("alexnet", "ifilter", "otestingmodel", include=["ofilter"],
                    exclude=["ofilter"])
    with pytest.raises(PathQueryError, match="unknown include data set 'nope'"):
        store.query("alexnet", "ifilter", "otestingmodel", include=["nope"])
    with pytest.raises(InvalidArgument, match="argument mapping: Input should be 'physical', "
                                              "'logical' or 'hybrid'"):
        store.query("alexnet", "ifilter", "otestingmodel", mapping="fuzzy")


def test_hybrid_mapping_gives_the_epoch_of_each_adaptation(store, built):
    physical = store.query("alexnet", "oadaptation", "otrainingmodel",
                           project=["oadaptation.epoch", "otrainingmodel.epoch"])
    hybrid = store.query("alexnet", "oadaptation", "otrainingmodel", mapping="hybrid",
                         project=["oadaptation.epoch", "otrainingmodel.epoch",
                                  "otrainingmodel.learning_rate"])
    # Physical: every epoch of the training that adapted, once per adaptation.
    assert len(physical.df) == 2 * EPOCHS["gray"]
    hand = store.sql("""
        SELECT a.epoch, o.epoch, o.learning_rate
        FROM ds_oadaptation a JOIN execution e ON e.run_id = a.run_id
        JOIN ds_otrainingmodel o ON o.trainingmodel_task_id = a.trainingmodel_task_id
         AND o.epoch = a.epoch AND o.learning_rate = a.learning_rate
        WHERE e.dataflow_tag = 'alexnet'""")
    assert _rows(hybrid.df) == _rows(hand)
    assert [(r[0], r[1]) for r in _rows(hybrid.df)] == [(1, 1), (2, 2)]
    assert [r[2] for r in _rows(hybrid.df)] == [pytest.approx(0.005), pytest.approx(0.0025)]
    assert hybrid.joins == ['"ds_otrainingmodel"."trainingmodel_task_id" = '
                            '"ds_oadaptation"."trainingmodel_task_id" AND '
                            '"ds_otrainingmodel"."epoch" = "ds_oadaptation"."epoch" AND '
                            '"ds_otrainingmodel"."learning_rate" = '
                            '"ds_oadaptation"."learning_rate"']


def test_logical_mapping_matches_domain_attributes_only(store):
    q = store.query("alexnet", "ifilter", "ofilter", mapping="logical",
                    project=["ifilter.filter_name", "ofilter.channels"])
    hand = store.sql("""
        SELECT i.filter_name, o.channels FROM ds_ifilter i JOIN execution e
          ON e.run_id = i.run_id JOIN ds_ofilter o ON o.images = i.images
        WHERE e.dataflow_tag = 'alexnet'""")
    # Both runs filtered the same number of images: by value, every pair matches.
    assert _rows(q.df) == _rows(hand) and len(hand) == 4
    with pytest.raises(PathQueryError, match="share none; use mapping='physical' or "
                                             "'hybrid'"):
        store.query("alexnet", "ilayers", "otestingmodel", mapping="logical")


def _ev(run, seq, type_, **payload):
    import time
    return {"v": 1, "run": run, "seq": seq, "type": type_, "ts": time.time() + seq * 1e-3,
            **payload}


def _diamond_run(run, t0, with_c=True, extra=None):
    """A run of the dataflow a -> (T1) -> b -> (T3) -> d and a -> (T2) -> c -> (T4) -> d,
    with data set and attribute names that need quoting."""
    a, b, c = "a set", "b ç", 'c "q"'
    ev, seq = [_ev(run, 0, "run_start", dataflow="dia", start=t0, environment={})], 1
    steps = [("T1", a, b, {}), ("T3", b, "d", {"t1_task_id": f"{run}-t1"})]
    if with_c:
        steps += [("T2", a, c, {}), ("T4", c, "d", {"t2_task_id": f"{run}-t2"})]
    for tr, src, dst, links in steps:
        task = f"{run}-{tr.lower()}"
        ev.append(_ev(run, seq, "task_start", task=task, transformation=tr, inputs=[src],
                      outputs=[dst], start=t0 + seq))
        if src == a:  # later steps read rows an earlier step wrote: not recorded again
            row = {"x value": seq, 'q"uote': f"{tr}'s", "é": seq / 2}
            ev.append(_ev(run, seq + 1, "rows", task=task, transformation=tr, set=src,
                          rows=[row], links={}))
        out = {"made by": tr, **(extra or {})}
        ev.append(_ev(run, seq + 2, "rows", task=task, transformation=tr, set=dst,
                      rows=[out], links=links))
        ev.append(_ev(run, seq + 3, "task_end", task=task, status="finished"))
        seq += 4
    ev.append(_ev(run, seq, "run_end", status="finished"))
    return ev


@pytest.fixture(scope="module")
def diamond(tmp_path_factory):
    from kerasprov.store.ingest import Ingestor
    st = kerasprov.open_store(str(tmp_path_factory.mktemp("dia") / "s"), create=True)
    with st.unit() as be:
        Ingestor(be).apply(_diamond_run("r1", 1000.0, with_c=False)
                           + _diamond_run("r2", 2000.0)
                           + _diamond_run("r3", 3000.0)
                           + _diamond_run("r4", 4000.0, extra={"val auc": 0.9}))
    return st


def test_names_with_spaces_quotes_and_unicode(diamond):
    q = diamond.query("dia", "a set", "b ç",
                      project=['"a set"."x value"', 'a set.q"uote', '"b ç"."made by"'],
                      select=['"a set"."é" > 0.1 AND "a set"."q""uote" LIKE \'T%\''])
    assert '"ds_a set"' in q.sql and '"ds_b ç"' in q.sql
    hand = diamond.sql("""
        SELECT a."x_value", a."q""uote", b."made_by"
        FROM "ds_a set" a JOIN execution e ON e.run_id = a.run_id
        JOIN "ds_b ç" b ON b.t1_task_id = a.t1_task_id
        WHERE e.dataflow_tag = 'dia' AND a."é" > 0.1 AND a."q""uote" LIKE 'T%'""")
    assert _rows(q.df) == _rows(hand) and len(hand) == 4
    assert list(q.df.columns) == ["a set.x_value", 'a set.q"uote', "b ç.made_by"]


def test_exclude_and_include_choose_the_route(diamond):
    direct = diamond.query("dia", "a set", "d", project=['"d"."made by"'], distinct=True)
    assert direct.path == ["a set", "b ç", "d"]
    via_c = diamond.query("dia", "a set", "d", exclude=["b ç"], project=['"d"."made by"'],
                          distinct=True)
    assert via_c.path == ["a set", 'c "q"', "d"]
    same = diamond.query("dia", "a set", "d", include=['c "q"'], project=['"d"."made by"'],
                         distinct=True)
    assert same.sql == via_c.sql
    hand_b = diamond.sql("""
        SELECT DISTINCT d."made_by" FROM "ds_a set" a JOIN execution e ON e.run_id = a.run_id
        JOIN "ds_b ç" b ON b.t1_task_id = a.t1_task_id JOIN ds_d d ON d.t1_task_id = b.t1_task_id
        WHERE e.dataflow_tag = 'dia'""")
    c_table = '"ds_c ""q"""'  # the table of data set c "q", quoted
    hand_c = diamond.sql(
        'SELECT DISTINCT d."made_by" FROM "ds_a set" a JOIN execution e ON e.run_id = a.run_id '
        f"JOIN {c_table} c ON c.t2_task_id = a.t2_task_id "
        "JOIN ds_d d ON d.t2_task_id = c.t2_task_id WHERE e.dataflow_tag = 'dia'")
    assert _rows(direct.df) == _rows(hand_b) == [("T3",)]
    assert _rows(via_c.df) == _rows(hand_c) == [("T4",)]


def test_dataflow_versions(diamond):
    versions = diamond.dataflow_versions("dia")
    assert versions["version"].tolist() == [1, 2, 3]
    assert versions["first_run"].tolist() == ["r1", "r2", "r4"]
    assert versions["runs"].tolist() == [1, 2, 1]
    assert "transformation T2" in versions["added"][1]
    assert versions["added"][2] == 'attribute b ç.val auc, attribute c "q".val auc, ' \
        "attribute d.val auc"
    q = diamond.query("dia", "a set", "d", project=['"a set"."x value"', "d.made by"],
                      dataflow_version=2)
    hand = diamond.sql("""
        SELECT a."x_value", d."made_by" FROM "ds_a set" a JOIN execution e
          ON e.run_id = a.run_id JOIN "ds_b ç" b ON b.t1_task_id = a.t1_task_id
        JOIN ds_d d ON d.t1_task_id = b.t1_task_id
        WHERE e.dataflow_tag = 'dia' AND e.run_id IN ('r2', 'r3')""")
    assert _rows(q.df) == _rows(hand) and len(hand) == 2
    with pytest.raises(PathQueryError, match="has versions 1 to 3; got 7"):
        diamond.query("dia", "a set", "d", dataflow_version=7)


def test_cli_query_parity_options(diamond):
    import json

    from click.testing import CliRunner

    from kerasprov.cli import cli
    runner = CliRunner()

    def kp(*args):
        return runner.invoke(cli, [*args, "--store", diamond.spec], catch_exceptions=False)
    out = kp("query", "--dataflow", "dia", "--source", "a set", "--target", "d",
             "--exclude", "b ç", "--project", "d.made by", "--distinct", "--format", "json")
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout) == [{"d.made_by": "T4"}]
    sql = kp("query", "--dataflow", "dia", "--source", "a set", "--source", "b ç",
             "--target", "d", "--mapping", "hybrid", "--dataflow-version", "2", "--sql-only")
    assert sql.exit_code == 0
    assert "\"execution\".\"run_id\" IN ('r2', 'r3')" in sql.stdout
    assert sql.stdout == diamond.query("dia", ["a set", "b ç"], "d", mapping="hybrid",
                                       dataflow_version=2, execute=False,
                                       distinct=True).sql + "\n"  # the CLI's default
    versions = kp("query", "--dataflow", "dia", "--versions", "--format", "json")
    assert [v["version"] for v in json.loads(versions.stdout)] == [1, 2, 3]
    bad = kp("query", "--dataflow", "dia", "--source", "a set", "--target", "d",
             "--include", "nope")
    assert bad.exit_code == 1 and "unknown include data set 'nope'" in bad.stderr
