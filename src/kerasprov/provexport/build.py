"""Store rows -> one ``prov.model.ProvDocument`` (a run, or every run of a dataflow).

The mapping (W3C PROV-DM; arguments in the order PROV-DM defines):

- **Activities**: the run (``kerasprov:Execution``) and each task: ``dnnprov:Training``,
  ``dnnprov:Adaptation``, ``dnnprov:Testing``, ``dnnprov:Prediction``, and user
  transformations typed ``dnnprov:<Tag>`` and ``kerasprov:UserTransformation``. Each task
  ``wasStartedBy`` / ``wasEndedBy`` its run (the starter/ender), with times, and
  ``wasInformedBy`` the task it follows.
- **Entities**: every row of every data set of the run (hyperparameters ``dnnprov:
  iTrainingModel``, configuration, layers, each epoch ``dnnprov:oTrainingModel``, each
  adaptation, each test, user sets), with one ``dnnprov:<column>`` attribute per non-null
  value; and every file, identified by its sha256 (``kerasprov:file/<sha256>``), so the
  same bytes used by two runs are one entity.
- **Relations**: a task ``used`` the rows of its input sets (of a per-epoch set: the epoch
  before each row it wrote, else the last epoch before it started) and the files it read;
  rows and files ``wasGeneratedBy`` the task that wrote them; an epoch ``wasDerivedFrom``
  the previous one, an adaptation or test row from the epoch it used, a generated file from
  the files its task used.
- **Agents**: the machine, the user (``prov:Person``) and the software (Keras and its
  backend, ``prov:SoftwareAgent``), each ``wasAssociatedWith`` the run; the processes of a
  distributed run (``kerasprov:Worker``, rank, host, devices) too.
- **KerasTuner**: a search's ``kerasprov:Search`` and ``kerasprov:Trial`` activities; a
  trial ``wasInformedBy`` its search and each execution's training ``wasInformedBy`` its
  trial, across runs when the document holds both.

Times in the store are naive UTC; they are exported as UTC ``xsd:dateTime``. A NaN metric
has no equal in any serialization (NaN != NaN), so it is exported as the string ``"NaN"``.

The rows come from rows.py; the whole store-to-PROV mapping stays in this one module so
that each relation's argument order can be checked against PROV-DM beside the others.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import math
import re
from collections import defaultdict

from prov.constants import PROV_TYPE
from prov.model import ProvDocument, QualifiedName

from ..store.schema import task_column
from . import proof_prov
from .rows import Rows

DNNPROV_URI = "https://w3id.org/dnnprov#"
KERASPROV_URI = "https://w3id.org/kerasprov#"

#: Built-in transformations and data sets under the names the paper uses.
ACTIVITY_TYPES = {"TrainingModel": "Training", "Adaptation": "Adaptation",
                  "TestingModel": "Testing", "Prediction": "Prediction"}
SET_TYPES = {"itrainingmodel": "iTrainingModel", "itrainingconfig": "iTrainingConfig",
             "ilayers": "iLayers", "otrainingmodel": "oTrainingModel",
             "oadaptation": "oAdaptation", "otestingmodel": "oTestingModel",
             "oprediction": "oPrediction", "itrainingdata": "iTrainingData",
             "itestingdata": "iTestingData", "obatch": "oBatch"}
#: Activities of kerasprov's own (capture/tuner.py), typed in its namespace.
KERASPROV_ACTIVITIES = ("Search", "Trial")
_RUN_ATTRS = ("status", "host", "username", "pid", "script", "command", "keras_version",
              "backend", "environment", "error")


def _local(text: str) -> str:
    """A local name safe in PROV-N, XML and Turtle; unsafe text gets a short hash."""
    text = str(text)
    safe = re.sub(r"[^A-Za-z0-9_.\-/]", "_", text)
    if safe.endswith((".", "/")):
        safe += "_"
    if safe != text:
        safe += "-" + hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()[:8]
    return safe


def _attr_name(col: str) -> str:
    """An attribute local name: also a valid XML element name."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", col)
    return name if re.match(r"[A-Za-z_]", name) else "_" + name


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


def _value(value):
    """A store value as a PROV attribute value (None: leave the attribute out)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()  # numpy scalars
    if isinstance(value, decimal.Decimal):
        value = float(value)
    if isinstance(value, float):
        return "NaN" if math.isnan(value) else value
    if isinstance(value, dt.datetime):
        return _utc(value)
    if isinstance(value, (int, str)):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class _Builder:
    def __init__(self, rows: Rows):
        self.rows = rows
        self.doc = ProvDocument()
        self.dnn = self.doc.add_namespace("dnnprov", DNNPROV_URI)
        self.kp = self.doc.add_namespace("kerasprov", KERASPROV_URI)
        self.agents: set[str] = set()
        self.files: dict[str, QualifiedName] = {}
        self.informed: set[tuple] = set()
        self.used: set[tuple] = set()
        self.derived: set[tuple] = set()
        self.derived_out: set = set()

    # -- identifiers ------------------------------------------------------------------------
    def run_id(self, run):
        return self.kp[_local(f"run/{run}")]

    def task_id(self, task):
        return self.kp[_local(f"task/{task}")]

    def attrs(self, row: dict, skip=()) -> list[tuple]:
        out, seen = [], set()
        for col, value in row.items():
            if col == "run_id" or col.endswith("_task_id") or col in skip:
                continue
            v = _value(value)
            if v is None:
                continue
            name = _attr_name(col)
            while name in seen:
                name += "_"
            seen.add(name)
            out.append((self.dnn[name], v))
        return out

    # -- the document -------------------------------------------------------------------------
    def build(self) -> ProvDocument:
        tasks_by_run: dict[str, list[dict]] = defaultdict(list)
        for task in self.rows.tasks:
            tasks_by_run[task["run_id"]].append(task)
        files_by_run: dict[str, list[dict]] = defaultdict(list)
        for f in self.rows.files:
            files_by_run[f["run_id"]].append(f)
        self.all_tasks = {t["task_id"] for t in self.rows.tasks}
        for run in self.rows.runs:
            self.run(run, tasks_by_run[run["run_id"]], files_by_run[run["run_id"]])
        return self.doc

    def run(self, run: dict, tasks: list[dict], files: list[dict]):
        doc, rid = self.doc, run["run_id"]
        act = self.run_id(rid)
        attrs = [(PROV_TYPE, self.kp["Execution"]), (self.dnn["dataflow"], run["dataflow_tag"])]
        attrs += [(self.kp[c], _value(run.get(c))) for c in _RUN_ATTRS
                  if _value(run.get(c)) is not None]
        doc.activity(act, _utc(run.get("start_time")), _utc(run.get("end_time")), attrs)
        self.run_agents(run, act)
        proof_prov.add(self, run, act, _local)
        by_tr: dict[str, list[dict]] = defaultdict(list)
        for t in tasks:
            by_tr[t["transformation_tag"]].append(t)
            self.task(t, act)
        for t in tasks:
            # A resumed fit is informed by the fit of another run that it goes on from.
            if t.get("informed_by"):
                self.inform(t["task_id"], t["informed_by"])
        io = [r for r in self.rows.io if r[0] == run["dataflow_tag"]]
        produced = defaultdict(list)  # set -> transformations writing it
        consumed = defaultdict(list)  # set -> transformations reading it
        for _, tr, set_tag, role in io:
            (produced if role == "output" else consumed)[set_tag].append(tr)
        entities = {}  # set -> [(row, qualified name)]
        for set_tag, all_rows in self.rows.sets.items():
            mine = [r for r in all_rows if r["run_id"] == rid]
            entities[set_tag] = self.set_rows(rid, set_tag, mine)
        generated_by: dict[QualifiedName, str] = {}
        for set_tag, ents in entities.items():
            for row, ent in ents:
                task = self.generator(row, produced.get(set_tag, ()), by_tr)
                if task is not None:
                    generated_by[ent] = task["task_id"]
                    self.doc.wasGeneratedBy(ent, self.task_id(task["task_id"]),
                                            _utc(row.get("timestamp")) or _utc(task.get(
                                                "end_time")))
        for set_tag, ents in entities.items():
            for tr in consumed.get(set_tag, ()):
                for task in by_tr.get(tr, ()):
                    self.consume(task, set_tag, ents, entities, produced, generated_by)
        for ents in entities.values():
            if ents and "epoch" in ents[0][0]:
                self.epoch_chain(ents, generated_by)
        self.run_files(rid, act, files)

    def run_agents(self, run: dict, act):
        doc, kp = self.doc, self.kp
        agents = []
        if run.get("host"):
            agents.append((kp[_local(f"host/{run['host']}")], kp["Machine"],
                           {kp["hostname"]: run["host"]}))
        if run.get("username"):
            agents.append((kp[_local(f"user/{run['username']}")],
                           self.doc.valid_qualified_name("prov:Person"),
                           {kp["username"]: run["username"]}))
        if run.get("keras_version"):
            name = f"keras-{run['keras_version']}" + (f"-{run['backend']}"
                                                      if run.get("backend") else "")
            extra = {kp["keras_version"]: run["keras_version"]}
            if run.get("backend"):
                extra[kp["backend"]] = run["backend"]
            agents.append((kp[_local(f"software/{name}")],
                           self.doc.valid_qualified_name("prov:SoftwareAgent"), extra))
        for w in self.rows.workers:
            if w["run_id"] == run["run_id"]:
                extra = {kp[c]: _value(w[c]) for c in ("rank", "world_size", "host", "pid",
                                                        "devices", "job", "activity")
                         if _value(w.get(c)) is not None}
                agents.append((kp[_local(f"worker/{w['agent_id']}")], kp["Worker"], extra))
        for ident, typ, extra in agents:
            if str(ident) not in self.agents:
                self.agents.add(str(ident))
                doc.agent(ident, [(PROV_TYPE, typ), *extra.items()])
            doc.wasAssociatedWith(act, ident)

    def task(self, task: dict, run_act):
        tr = task["transformation_tag"]
        ident = self.task_id(task["task_id"])
        attrs = [(PROV_TYPE, self.kp[tr] if tr in KERASPROV_ACTIVITIES else
                  self.dnn[_attr_name(ACTIVITY_TYPES.get(tr, tr))])]
        if tr not in ACTIVITY_TYPES and tr not in KERASPROV_ACTIVITIES:
            attrs.append((PROV_TYPE, self.kp["UserTransformation"]))
        attrs.append((self.kp["transformation"], tr))
        for col in ("status", "error"):
            if _value(task.get(col)) is not None:
                attrs.append((self.kp[col], _value(task[col])))
        start, end = _utc(task.get("start_time")), _utc(task.get("end_time"))
        self.doc.activity(ident, start, end, attrs)
        self.doc.wasStartedBy(ident, None, run_act, start)
        if end is not None:
            self.doc.wasEndedBy(ident, None, run_act, end)

    def inform(self, informed: str, informant: str):
        key = (informed, informant)
        if informed != informant and key not in self.informed:
            self.informed.add(key)
            self.doc.wasInformedBy(self.task_id(informed), self.task_id(informant))

    def set_type(self, set_tag: str) -> str:
        """The entity type of a set, cased as the paper's: ``iTrainingModel``, and for a
        user transformation ``Filter`` its sets ``iFilter`` / ``oFilter``."""
        if set_tag in SET_TYPES:
            return SET_TYPES[set_tag]
        for _, tr, _, _ in self.rows.io:
            if set_tag[:1] in ("i", "o") and set_tag[1:] == tr.lower():
                return set_tag[0] + tr
        return set_tag

    def set_rows(self, rid: str, set_tag: str, rows: list[dict]) -> list[tuple]:
        typ = self.dnn[_attr_name(self.set_type(set_tag))]
        out = []
        for i, row in enumerate(rows):
            ent = self.kp[_local(f"data/{rid}/{set_tag}/{i}")]
            self.doc.entity(ent, [(PROV_TYPE, typ), *self.attrs(row)])
            out.append((row, ent))
        return out

    @staticmethod
    def generator(row: dict, transformations, by_tr) -> dict | None:
        """The task that wrote a row: the one its link column names, else the only one."""
        for tr in transformations:
            tasks = by_tr.get(tr, ())
            linked = row.get(task_column(tr))
            for t in tasks:
                if t["task_id"] == linked:
                    return t
            if linked is None and len(tasks) == 1:
                return tasks[0]
        return None

    def epoch_chain(self, ents, generated_by):
        """The model after epoch k derives from the model after epoch k-1 (same task).

        Rows already derived from an epoch they read (adaptations) are not a chain.
        """
        prev = None
        for row, ent in ents:
            if ent in self.derived_out:
                continue
            if prev is not None and generated_by.get(ent) is not None \
                    and generated_by.get(ent) == generated_by.get(prev[1]) \
                    and row.get("epoch") is not None and prev[0].get("epoch") is not None:
                self.derive(ent, prev[1], generated_by[ent])
            prev = (row, ent)

    def derive(self, out, src, task_id: str):
        key = (out, src)
        if key not in self.derived:
            self.derived.add(key)
            self.derived_out.add(out)
            self.doc.wasDerivedFrom(out, src, self.task_id(task_id))

    def use(self, task: dict, ent, time, generated_by):
        key = (task["task_id"], ent)
        if key in self.used:
            return
        self.used.add(key)
        self.doc.used(self.task_id(task["task_id"]), ent, time)
        producer = generated_by.get(ent)
        if producer is not None:
            self.inform(task["task_id"], producer)

    def consume(self, task, set_tag, ents, entities, produced, generated_by):
        """``task`` read the rows of its input set ``set_tag``."""
        link = task_column(task["transformation_tag"])
        start = _utc(task.get("start_time"))
        if not ents:
            return
        if "epoch" not in ents[0][0]:
            for row, ent in ents:
                if row.get(link) in (None, task["task_id"]):
                    self.use(task, ent, start, generated_by)
            return
        # A per-epoch stream: which epoch did the task read?
        outputs = [e for s, tr_list in produced.items()
                   if task["transformation_tag"] in tr_list for e in entities.get(s, ())
                   if generated_by.get(e[1]) == task["task_id"]]
        by_epoch = {row.get("epoch"): ent for row, ent in ents}
        if outputs and all("epoch" in row for row, _ in outputs):
            for row, ent in outputs:  # each output row follows the epoch before it
                epoch = row.get("epoch")
                src = by_epoch.get(epoch - 1) if isinstance(epoch, int) else None
                if src is not None:
                    self.use(task, src, _utc(row.get("timestamp")), generated_by)
                    self.derive(ent, src, task["task_id"])
            return
        before = [(row, ent) for row, ent in ents if start is None or row.get("timestamp")
                  is None or _utc(row["timestamp"]) <= start]
        if not before:
            return
        _, src = before[-1]  # the model as trained when the task started
        self.use(task, src, start, generated_by)
        for _, ent in outputs:
            self.derive(ent, src, task["task_id"])

    def run_files(self, rid: str, act, files: list[dict]):
        used_by_task: dict[str | None, list] = defaultdict(list)
        made_by_task: dict[str | None, list] = defaultdict(list)
        for n, f in enumerate(files):
            ent = self.file_entity(rid, n, f)
            when = _utc(f.get("time"))
            activity = self.task_id(f["task_id"]) if f.get("task_id") else act
            extra = {self.kp["path"]: f["path"]} if f.get("path") else {}
            for col in ("kind", "epoch"):
                if _value(f.get(col)) is not None:
                    extra[self.kp[col]] = _value(f[col])
            if f.get("role") == "generated":
                self.doc.wasGeneratedBy(ent, activity, when, other_attributes=extra)
                made_by_task[f.get("task_id")].append(ent)
            else:
                self.doc.used(activity, ent, when, other_attributes=extra)
                used_by_task[f.get("task_id")].append(ent)
        for task, made in made_by_task.items():
            for out in made:
                for src in used_by_task.get(task, ()):
                    if out != src:
                        key = (out, src)
                        if key not in self.derived:
                            self.derived.add(key)
                            self.doc.wasDerivedFrom(
                                out, src, self.task_id(task) if task else act)

    def file_entity(self, rid: str, n: int, f: dict):
        sha = f.get("sha256")
        key = sha if sha else f"{rid}/{n}"
        if key in self.files:
            return self.files[key]
        ident = self.kp[_local(f"file/{key}")]
        attrs = [(PROV_TYPE, self.kp["File"])]
        if sha:
            attrs.append((self.kp["sha256"], sha))
        if _value(f.get("size")) is not None:
            attrs.append((self.kp["size"], _value(f["size"])))
        if f.get("hash_method"):  # how it was hashed, or why not (a FIFO, a device...)
            attrs.append((self.kp["hash_method"], str(f["hash_method"])))
        if f.get("path"):
            attrs.append((self.doc.valid_qualified_name("prov:label"),
                          str(f["path"]).replace("\\", "/").rsplit("/", 1)[-1]))
        self.doc.entity(ident, attrs)
        self.files[key] = ident
        return ident


def document(be, run_id: str | None = None, dataflow: str | None = None) -> ProvDocument:
    """The PROV document of one run or of every run of one dataflow, from an open Backend.

    Records carry W3C ML Schema types next to the dnnprov: ones (see ``mls.py``)."""
    from .mls import add_mls_types
    return add_mls_types(_Builder(Rows(be, run_id, dataflow)).build())


__all__ = ["DNNPROV_URI", "KERASPROV_URI", "document"]
