"""Views for people: ``runs``, ``epochs``, ``adaptations``, ``tests``, ``data_dependency``,
``used_files``.

Data-set tables gain columns as new metrics and hyperparameters appear, and PostgreSQL
freezes a view's column list at creation, so views are generated from the current columns
and recreated after every schema change (DuckDB and PostgreSQL alike).
"""

from __future__ import annotations

import hashlib

from .schema import quote

VIEWS = ("runs", "epochs", "adaptations", "tests", "data_dependency", "used_files",
         "searches", "trials")
#: The long table of attributes beyond a set's columns (store/ingest/extra.py); a view of a
#: set that has some shows them in one JSON text column, ``extra_<what>``.
EXTRA_TABLE = "extra_value"
_NOT_METRICS = {"run_id", "epoch", "learning_rate", "elapsed_time", "timestamp"}


def drop_views(be) -> None:
    for name in VIEWS:
        be.execute(f"DROP VIEW IF EXISTS {name}")


def _attrs(be, set_tag):
    return be.fetchall("SELECT column_name, type FROM attribute WHERE data_set_tag = ? ",
                       [set_tag])


def _cols(be, table):
    return be.table_columns(table)


def _fit(name: str) -> str:
    """PostgreSQL cuts identifiers at 63 bytes: keep aliases like best_<60 chars> distinct."""
    if len(name.encode()) <= 63:
        return name
    digest = hashlib.sha1(name.encode()).hexdigest()[:8]
    return name.encode()[:50].decode("utf-8", "ignore") + "_" + digest


# Which way a metric improves, judged from the words of its name (``val_`` and a numeric
# suffix such as ``_1`` ignored). Lower is better for losses, errors and error counts.
_MIN_WORDS = {"loss", "error", "errors", "mse", "mae", "mape", "msle", "rmse", "hinge",
              "crossentropy", "divergence", "kld", "kl", "poisson", "logcosh", "fn", "fp",
              "perplexity", "wer", "cer", "distance"}
_MIN_PHRASES = ("false_negatives", "false_positives")
_MAX_WORDS = {"accuracy", "acc", "auc", "precision", "recall", "tp", "tn", "f1", "fbeta",
              "score", "iou", "r2", "sensitivity", "specificity", "psnr", "ssim", "dice",
              "bleu", "rouge", "map", "similarity", "proximity", "prc"}
_MAX_PHRASES = ("true_positives", "true_negatives")


def metric_direction(name: str) -> str | None:
    """``"min"`` when lower is better, ``"max"`` when higher is better, None when unknown.

    Losses, errors (mae, mse, rmse, ...), and error counts (fn, fp, false_negatives,
    false_positives): min. Accuracy-like (accuracy, auc, precision, recall, f1, iou, tp,
    tn, ...): max. A metric of an unknown name gets no "best": the ``runs`` view shows its
    ``min_`` and ``max_`` instead, and says nothing it does not know.
    """
    n = name.lower()
    if n.startswith("val_"):
        n = n[4:]
    n = n.rstrip("0123456789").rstrip("_") or n
    if any(p in n for p in _MIN_PHRASES):
        return "min"
    if any(p in n for p in _MAX_PHRASES):
        return "max"
    words = set(n.replace("-", "_").split("_"))
    if words & _MIN_WORDS or n.endswith(("loss", "error", "crossentropy")):
        return "min"
    if words & _MAX_WORDS or n.endswith(("accuracy", "auc")):
        return "max"
    return None


def create_views(be) -> None:
    drop_views(be)
    be.execute("""CREATE VIEW data_dependency AS
        SELECT COALESCE(o.dataflow_tag, i.dataflow_tag) AS dataflow_tag,
               o.transformation_tag AS previous_transformation,
               i.transformation_tag AS next_transformation,
               COALESCE(o.data_set_tag, i.data_set_tag) AS data_set_tag
        FROM (SELECT * FROM data_transformation_io WHERE role = 'output') o
        FULL OUTER JOIN (SELECT * FROM data_transformation_io WHERE role = 'input') i
          ON o.dataflow_tag = i.dataflow_tag AND o.data_set_tag = i.data_set_tag""")
    tables = be.table_names()
    extra = _extra_sets(be, tables)
    if "ds_otrainingmodel" in tables:
        cols = _cols(be, "ds_otrainingmodel")
        metrics = [c for c in cols if c not in _NOT_METRICS and not c.endswith("_task_id")]
        ordered = ["run_id"] + [c for c in ("epoch",) if c in cols] + metrics + \
            [c for c in ("learning_rate", "elapsed_time", "timestamp", "trainingmodel_task_id")
             if c in cols]
        sel = ", ".join(f"o.{quote(c)}" for c in ordered)
        more, join = _extra_of(be, extra, "otrainingmodel", "o", cols, "extra_metrics")
        be.execute(f"CREATE VIEW epochs AS SELECT e.dataflow_tag, {sel}{more} "
                   f"FROM ds_otrainingmodel o JOIN execution e ON e.run_id = o.run_id{join}")
    for view, set_tag, name in (("adaptations", "oadaptation", "extra_attributes"),
                                ("tests", "otestingmodel", "extra_metrics")):
        table = "ds_" + set_tag
        if table in tables:
            cols = _cols(be, table)
            sel = ", ".join(f"x.{quote(c)}" for c in cols)
            more, join = _extra_of(be, extra, set_tag, "x", cols, name)
            be.execute(f"CREATE VIEW {view} AS SELECT e.dataflow_tag, {sel}{more} FROM {table} x "
                       f"JOIN execution e ON e.run_id = x.run_id{join}")
    be.execute(_runs_sql(be, tables, extra))
    be.execute(USED_FILES_SQL)
    create_search_views(be, tables)
    if be.dialect == "postgres":
        from .pgreader import REGRANT_SQL
        be.execute(REGRANT_SQL)


def _extra_sets(be, tables) -> set[str]:
    """The sets that have attributes in the long table."""
    if EXTRA_TABLE not in tables:
        return set()
    return {r[0] for r in be.fetchall(f"SELECT DISTINCT data_set_tag FROM {EXTRA_TABLE}")}


def _json_object(be) -> str:
    """An aggregate of ``name`` and ``value``/``text_value`` rows as one JSON object (text)."""
    if be.dialect == "postgres":
        return ("CAST(json_object_agg(name, COALESCE(to_jsonb(value), to_jsonb(text_value)) "
                "ORDER BY name) AS TEXT)")
    if be.dialect == "monetdb":  # no JSON aggregate: "name": value pairs, joined
        return ("'{' || group_concat('\"' || name || '\": ' || COALESCE(CAST(value AS "
                "VARCHAR(64)), '\"' || text_value || '\"'), ', ') || '}'")
    # json_group_object keeps the rows' scan order (and takes no ORDER BY): the same
    # object text, its keys sorted as on PostgreSQL
    return ("'{' || string_agg(CAST(to_json(name) AS VARCHAR) || ':' || CAST(COALESCE("
            "to_json(value), to_json(text_value)) AS VARCHAR), ',' ORDER BY name) || '}'")


def _extra_of(be, extra: set[str], set_tag: str, alias: str, cols: list[str],
              name: str, taken: set[str] | None = None) -> tuple[str, str]:
    """The select item and join that show a set's long attributes beside its rows: one
    JSON object per row (matched on run, task and epoch), as ``name``; none where the set
    has no long attributes."""
    link = next((c for c in cols if c.endswith("_task_id")), None)
    if set_tag not in extra or link is None:
        return "", ""
    key = "epoch" if "epoch" in cols else None
    by = "run_id, task_id" + (", epoch" if key else "")
    on = f"x_{alias}.run_id = {alias}.run_id AND x_{alias}.task_id = {alias}.{quote(link)}"
    if key:
        on += f" AND x_{alias}.epoch = {alias}.epoch"
    taken = set(cols) if taken is None else taken
    while name in taken:
        name = "_" + name
    taken.add(name)
    return (f", x_{alias}.extra AS {quote(name)}",
            f" LEFT JOIN (SELECT {by}, {_json_object(be)} AS extra FROM {EXTRA_TABLE} "
            f"WHERE data_set_tag = '{set_tag}' GROUP BY {by}) x_{alias} ON {on}")


def _runs_sql(be, tables, extra: set[str] = frozenset()) -> str:
    if be.dialect == "postgres":
        duration = "EXTRACT(EPOCH FROM (e.end_time - e.start_time))"
    else:
        duration = "(epoch(e.end_time) - epoch(e.start_time))"
    out = ["e.dataflow_tag", "e.run_id", "e.run_name", "e.tags", "e.status", "e.start_time",
           "e.end_time", f"{duration} AS duration_s", "e.host"]
    taken = {"dataflow_tag", "run_id", "run_name", "tags", "status", "start_time", "end_time",
             "duration_s", "host", "error", "epochs", "model", "model_class"}
    joins = []

    def alias(name):
        a = _fit(name)
        while a in taken:
            a = _fit("hp_" + a)
        taken.add(a)
        return quote(a)

    # Which model: a teacher and its student differ here. A run that only evaluated (a
    # loaded model) has its model from the Testing task's input (ds_itestingmodel).
    sources = []
    for table, alias_, sql in (
            ("ds_itrainingconfig", "c", "ds_itrainingconfig"),
            ("ds_itestingmodel", "tm", "(SELECT run_id, MIN(model_name) AS model_name, "
                                       "MIN(model_class) AS model_class FROM ds_itestingmodel "
                                       "GROUP BY run_id)")):
        if table in tables and {"model_name", "model_class"} <= set(_cols(be, table)):
            joins.append(f"LEFT JOIN {sql} {alias_} ON {alias_}.run_id = e.run_id")
            sources.append(alias_)
    for c, a in (("model_name", "model"), ("model_class", "model_class")):
        if sources:
            out.append(f"COALESCE({', '.join(f'{x}.{quote(c)}' for x in sources)}, NULL) "
                       f"AS {quote(a)}")
    if "ds_itrainingmodel" in tables:
        joins.append("LEFT JOIN ds_itrainingmodel h ON h.run_id = e.run_id")
        hcols = _cols(be, "ds_itrainingmodel")
        for col in hcols:
            if col != "run_id" and not col.endswith("_task_id"):
                out.append(f"h.{quote(col)} AS {alias(col)}")
        more, join = _extra_of(be, extra, "itrainingmodel", "h", hcols,
                               "extra_hyperparameters", taken)
        if more:  # hyperparameters beyond the set's columns
            joins.append(join.strip())
            out.append(more[2:])
    if "ds_otrainingmodel" in tables:
        numeric = [c for c, t in _attrs(be, "otrainingmodel")
                   if t in ("real", "integer") and c not in _NOT_METRICS]
        # best_ follows the metric's direction; a metric of unknown direction gets its
        # min_ and max_ instead of a best_ that could be the worst.
        summary = []
        for c in numeric:
            way = metric_direction(c)
            if way is not None:
                summary.append((c, way.upper(), "best_" + c))
            else:
                summary += [(c, "MIN", "min_" + c), (c, "MAX", "max_" + c)]
        best = ", ".join(f"{fn}({quote(c)}) AS {quote(_fit(name))}" for c, fn, name in summary)
        be_cols = _cols(be, "ds_otrainingmodel")
        if "epoch" in be_cols:
            joins.append(
                "LEFT JOIN (SELECT run_id, COUNT(*) AS n_epochs, MAX(epoch) AS last_epoch"
                + (", " + best if best else "") + " FROM ds_otrainingmodel GROUP BY run_id) agg "
                "ON agg.run_id = e.run_id")
            joins.append("LEFT JOIN ds_otrainingmodel l ON l.run_id = e.run_id "
                         "AND l.epoch = agg.last_epoch")
            out.append("agg.n_epochs AS epochs")
            for c in numeric:
                out.append(f"l.{quote(c)} AS {alias('last_' + c)}")
            more, join = _extra_of(be, extra, "otrainingmodel", "l", be_cols,
                                   "last_extra_metrics", taken)
            if more:  # the last epoch's metrics beyond the set's columns
                joins.append(join.strip())
                out.append(more[2:])
            for _, _, name in summary:
                out.append(f"agg.{quote(_fit(name))} AS {alias(name)}")
    if "ds_otestingmodel" in tables:
        tcols = [c for c, t in _attrs(be, "otestingmodel") if t in ("real", "integer")]
        if tcols:
            joins.append(
                "LEFT JOIN (SELECT * FROM ds_otestingmodel t1 WHERE t1.testingmodel_task_id = "
                "(SELECT MAX(t2.testingmodel_task_id) FROM ds_otestingmodel t2 "
                "WHERE t2.run_id = t1.run_id)) t ON t.run_id = e.run_id")
            for c in tcols:
                out.append(f"t.{quote(c)} AS {alias('test_' + c)}")
            more, join = _extra_of(be, extra, "otestingmodel", "t",
                                   _cols(be, "ds_otestingmodel"), "test_extra_metrics", taken)
            if more:
                joins.append(join.strip())
                out.append(more[2:])
    out.append("e.error")
    return ("CREATE VIEW runs AS SELECT " + ", ".join(out) + " FROM execution e "
            + " ".join(joins))


#: Each file a task used, beside the first file generated with the same bytes (same sha256;
#: a later save of the same weights is a copy): "which run, task and epoch wrote the
#: checkpoint this test loaded". Join it to ``tests`` on ``testingmodel_task_id = task_id``
#: and to ``runs`` or ``ds_itrainingmodel`` on ``source_run_id`` for the hyperparameters
#: behind a restored checkpoint (README, "Which training wrote the checkpoint I tested?").
USED_FILES_SQL = """CREATE VIEW used_files AS
    SELECT u.run_id, u.task_id, t.transformation_tag, u.path, u.kind, u.size, u.sha256,
           u.time, g.run_id AS source_run_id, g.task_id AS source_task_id,
           g.epoch AS source_epoch, g.path AS source_path, g.kind AS source_kind
    FROM file u
    LEFT JOIN task t ON t.task_id = u.task_id
    LEFT JOIN (SELECT x.* FROM (SELECT f.*, ROW_NUMBER() OVER (
                   PARTITION BY f.sha256 ORDER BY f.time, f.run_id, f.task_id, f.path) AS nth
               FROM file f WHERE f.role = 'generated' AND f.sha256 IS NOT NULL) x
               WHERE x.nth = 1) g ON g.sha256 = u.sha256
    WHERE u.role = 'used'"""
# -- KerasTuner searches (capture/tuner.py) ---------------------------------------------------
#: Columns of ``trials`` before the hyperparameters, and of ``searches``: a view over an
#: empty store has them too, so queries and pages work before the first search.
TRIAL_COLS = ("search_id", "trial_id", "status", "score", "best_epoch", "rank", "executions",
              "run_ids", "best_run_id", "checkpoint_path", "attempts", "tuner_id", "start_time",
              "end_time", "error", "trial_task_id", "search_run_id")
SEARCH_COLS = ("search_id", "dataflow_tag", "tuner", "oracle", "objective", "direction",
               "max_trials", "executions_per_trial", "status", "start_time", "end_time",
               "trials", "completed", "failed", "best_trial_id", "best_score", "project_dir",
               "run_id", "search_task_id", "error")


#: The run lists (``kerasprov runs``, ``/api/runs``, the UI's runs page) show training runs:
#: a KerasTuner search's own run (its Search and Trial tasks, no epochs) is listed by
#: ``kerasprov searches`` and the Searches page instead. The ``runs`` view keeps it, so SQL,
#: ``kerasprov show`` and the run page still reach it.
NOT_A_SEARCH = "run_id NOT IN (SELECT run_id FROM searches WHERE run_id IS NOT NULL)"


def create_search_views(be, tables) -> None:
    """``trials``: one row per trial (its hyperparameters as typed columns, score, status,
    best epoch, rank in its search, the run ids of its executions, the run and file of its
    checkpoint); ``searches``: one row per search. See capture/tuner.py for the sets."""
    if not {"ds_isearch", "ds_itrial", "ds_otrial"} <= set(tables):
        text, none = be.sql_type("text"), " WHERE 1 = 0"
        for view, cols in (("trials", TRIAL_COLS), ("searches", SEARCH_COLS)):
            sel = ", ".join(f"CAST(NULL AS {text}) AS {quote(c)}" for c in cols)
            be.execute(f"CREATE VIEW {view} AS SELECT {sel} FROM execution{none}")
        return
    be.execute(_trials_sql(be))
    be.execute(_searches_sql(be))


def _col(cols, alias: str, name: str, as_name: str | None = None) -> str:
    """``alias.name`` if the set has that column, else NULL (a set grows with its rows)."""
    expr = f"{alias}.{quote(name)}" if name in cols else "NULL"
    return f"{expr} AS {quote(as_name or name)}"


def _trials_sql(be) -> str:
    scols, ocols = _cols(be, "ds_isearch"), _cols(be, "ds_otrial")
    if be.dialect == "monetdb":
        agg = "group_concat(x.run_id, ',')"
    else:
        agg = "string_agg(x.run_id, ',' ORDER BY x.start_time, x.run_id)"
    direction = "s.direction" if "direction" in scols else "'min'"
    out = ["s.search_id", _col(ocols, "o", "trial_id"),
           "COALESCE(o.status, 'RUNNING') AS status", _col(ocols, "o", "score"),
           _col(ocols, "o", "best_step", "best_epoch"),
           "RANK() OVER (PARTITION BY s.search_id ORDER BY CASE WHEN o.status = 'COMPLETED' "
           "AND o.score IS NOT NULL THEN 0 ELSE 1 END, CASE WHEN " + direction +
           " = 'max' THEN -o.score ELSE o.score END) AS rank",
           "COALESCE(r.executions, 0) AS executions", "r.run_ids",
           "COALESCE(c.run_id, l.run_id) AS best_run_id", "c.path AS checkpoint_path",
           _col(ocols, "o", "attempt", "attempts"), _col(ocols, "o", "tuner_id"),
           "k.start_time", "k.end_time", "k.error", "k.task_id AS trial_task_id",
           "k.run_id AS search_run_id"]
    taken = set(TRIAL_COLS)
    for col in _cols(be, "ds_itrial"):
        if col in ("run_id", "trial_id") or col.endswith("_task_id"):
            continue
        name = col
        while name in taken:
            name = "hp_" + name
        taken.add(name)
        out.append(f"h.{quote(col)} AS {quote(_fit(name))}")
    return (
        "CREATE VIEW trials AS SELECT " + ", ".join(out) + " FROM task k "
        "JOIN ds_isearch s ON s.search_task_id = k.informed_by "
        "LEFT JOIN (SELECT trial_task_id, MAX(attempt) AS attempt FROM ds_otrial "
        "GROUP BY trial_task_id) la ON la.trial_task_id = k.task_id "
        "LEFT JOIN ds_otrial o ON o.trial_task_id = k.task_id AND o.attempt = la.attempt "
        "LEFT JOIN ds_itrial h ON h.trial_task_id = k.task_id "
        f"LEFT JOIN (SELECT x.informed_by, COUNT(*) AS executions, {agg} AS run_ids "
        "FROM task x WHERE x.transformation_tag = 'TrainingModel' AND x.informed_by IS NOT NULL "
        "GROUP BY x.informed_by) r ON r.informed_by = k.task_id "
        # The trial's checkpoint: KerasTuner keeps the best epoch over all executions in one
        # file, so the last checkpoint written is the best one, and its run is the best run.
        "LEFT JOIN (SELECT x.informed_by, f.run_id, f.path, ROW_NUMBER() OVER (PARTITION BY "
        "x.informed_by ORDER BY f.time DESC NULLS LAST, f.epoch DESC NULLS LAST, f.run_id DESC, "
        "f.path DESC) AS n FROM file f "
        "JOIN task x ON x.task_id = f.task_id WHERE f.role = 'generated' AND "
        "f.kind = 'checkpoint' AND x.informed_by IS NOT NULL) c "
        "ON c.informed_by = k.task_id AND c.n = 1 "
        "LEFT JOIN (SELECT x.informed_by, x.run_id, ROW_NUMBER() OVER (PARTITION BY "
        "x.informed_by ORDER BY x.start_time DESC NULLS LAST, x.run_id DESC) AS n FROM task x "
        "WHERE x.transformation_tag = 'TrainingModel' AND x.informed_by IS NOT NULL) l "
        "ON l.informed_by = k.task_id AND l.n = 1 "
        "WHERE k.transformation_tag = 'Trial'")


def _searches_sql(be) -> str:
    scols = _cols(be, "ds_isearch")
    out = ["s.search_id", "e.dataflow_tag"]
    out += [_col(scols, "s", c) for c in ("tuner", "oracle", "objective", "direction",
                                          "max_trials", "executions_per_trial")]
    out += ["k.status", "k.start_time", "k.end_time", "COALESCE(n.trials, 0) AS trials",
            "COALESCE(n.completed, 0) AS completed", "COALESCE(n.failed, 0) AS failed",
            "b.trial_id AS best_trial_id", "b.score AS best_score",
            _col(scols, "s", "project_dir"), "k.run_id", "k.task_id AS search_task_id",
            "k.error"]
    return (
        "CREATE VIEW searches AS SELECT " + ", ".join(out) + " FROM ds_isearch s "
        "JOIN task k ON k.task_id = s.search_task_id "
        "JOIN execution e ON e.run_id = k.run_id "
        "LEFT JOIN (SELECT search_id, COUNT(*) AS trials, "
        "SUM(CASE WHEN status = 'COMPLETED' THEN 1 ELSE 0 END) AS completed, "
        "SUM(CASE WHEN status IN ('FAILED', 'INVALID') THEN 1 ELSE 0 END) AS failed "
        "FROM trials GROUP BY search_id) n ON n.search_id = s.search_id "
        "LEFT JOIN (SELECT search_id, trial_id, score FROM trials WHERE rank = 1 "
        "AND status = 'COMPLETED') b ON b.search_id = s.search_id")
