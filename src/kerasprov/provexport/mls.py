"""W3C ML Schema (``mls:``) types next to the ``dnnprov:`` and ``kerasprov:`` ones.

DNNProv's vocabulary says what the paper's tools expect; ML Schema
(https://www.w3.org/community/ml-schema/, namespace ``http://www.w3.org/ns/mls#``) is the
W3C community vocabulary that generic ML metadata tools (OpenML, MEX, catalogues reading
PROV-O) understand. Every record keeps its own types and gains the ML Schema class that
means the same thing:

====================================================  =========================================
kerasprov / dnnprov type                              ML Schema type
====================================================  =========================================
``kerasprov:Execution``, ``dnnprov:Training``,         ``mls:Run``
``dnnprov:Testing``
``dnnprov:iTrainingModel``, ``dnnprov:iTrainingConfig``  ``mls:HyperParameterSetting``
``dnnprov:iLayers``                                   ``mls:ModelCharacteristic``
``dnnprov:oTrainingModel``, ``dnnprov:oTestingModel``  ``mls:ModelEvaluation``
``dnnprov:iTrainingData``, ``dnnprov:iTestingData``    ``mls:Data``
a file a task generated as a model, checkpoint or     ``mls:Model``
weights
any other file (data read or written)                 ``mls:Data``
the software agent (Keras and its backend)            ``mls:Implementation``, ``mls:Software``
====================================================  =========================================

The mapping matches type names case-insensitively, so it holds whatever case the
``dnnprov:`` names are written in.
"""

from __future__ import annotations

from prov.model import (
    ProvActivity,
    ProvAgent,
    ProvDocument,
    ProvEntity,
    ProvGeneration,
    ProvUsage,
    QualifiedName,
)

MLS_URI = "http://www.w3.org/ns/mls#"

#: Local names of our types (lower case) -> ML Schema classes.
BY_TYPE = {
    "execution": ("Run",), "training": ("Run",), "testing": ("Run",),
    "itrainingmodel": ("HyperParameterSetting",), "itrainingconfig": ("HyperParameterSetting",),
    "ilayers": ("ModelCharacteristic",),
    "otrainingmodel": ("ModelEvaluation",), "otestingmodel": ("ModelEvaluation",),
    "itrainingdata": ("Data",), "itestingdata": ("Data",),
    "softwareagent": ("Implementation", "Software"),
}
MODEL_KINDS = {"model", "checkpoint", "weights"}


def _local(value) -> str:
    if isinstance(value, QualifiedName):
        return value.localpart.lower()
    return str(value).rsplit(":", 1)[-1].lower()


def add_mls_types(doc: ProvDocument) -> ProvDocument:
    """Add the ML Schema type of every record that has one (see the module doc); returns
    ``doc``, changed in place."""
    mls = doc.add_namespace("mls", MLS_URI)
    files: dict[QualifiedName, str] = {}
    for rec in doc.get_records():
        if isinstance(rec, ProvGeneration) and rec.args and rec.args[0] is not None:
            kind = next((str(v) for k, v in rec.extra_attributes if _local(k) == "kind"), "")
            if kind.lower() in MODEL_KINDS:
                files[rec.args[0]] = "Model"
            else:
                files.setdefault(rec.args[0], "Data")
        elif isinstance(rec, ProvUsage) and len(rec.args) > 1 and rec.args[1] is not None:
            files.setdefault(rec.args[1], "Data")
    for rec in doc.get_records((ProvEntity, ProvActivity, ProvAgent)):
        types = {_local(t) for t in rec.get_asserted_types()}
        wanted: list[str] = []
        for t in sorted(types):
            wanted += BY_TYPE.get(t, ())
        if "file" in types:
            wanted.append(files.get(rec.identifier, "Data"))
        have = {str(t) for t in rec.get_asserted_types()}
        for name in dict.fromkeys(wanted):
            if str(mls[name]) not in have:
                rec.add_asserted_type(mls[name])
    return doc


__all__ = ["MLS_URI", "add_mls_types"]
