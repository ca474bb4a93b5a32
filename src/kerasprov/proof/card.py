"""``kerasprov card``: a Hugging Face model card written from a run's provenance.

Markdown with YAML front matter (``library_name: keras``, tags, metrics and a
``model-index`` with the test results), built and checked with ``huggingface_hub``'s card
data classes; its sections come from the store: the architecture, the training data (paths,
sha256, array fingerprints and the user transformations that made it), the training
procedure (hyperparameters, optimizer, learning rate per epoch and its adaptations), the
results per epoch and on test, the framework versions, and a provenance section (run id,
attestation digest and key id, how to verify).
"""

from __future__ import annotations

import hashlib
import json
import math

from ..names import BUILT_IN
from .facts import SET_NAMES
from .keys import CannotVerify

_BUILTIN_TASKS = BUILT_IN
_QUIET = {"run_id", "dataflow_tag", "timestamp", "elapsed_time", "trainingmodel_task_id",
          "testingmodel_task_id", "adaptation_task_id", "config"}


def _hf():
    try:
        from huggingface_hub import EvalResult, ModelCard, ModelCardData
    except ImportError:
        raise CannotVerify('the model card needs huggingface_hub: pip install '
                           '"kerasprov[proof]"') from None
    return EvalResult, ModelCard, ModelCardData


def _plain(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if hasattr(v, "item"):
        return v.item()
    return v


def _records(df) -> list[dict]:
    return [{k: _plain(v) for k, v in r.items() if k not in _QUIET and _plain(v) is not None
             and not str(k).endswith("_task_id")} for r in df.to_dict("records")]


def _table(rows: list[dict]) -> str:
    if not rows:
        return "_none recorded_\n"
    cols = list(dict.fromkeys(k for r in rows for k in r))
    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        out.append("| " + " | ".join(_cell(r.get(c)) for c in cols) + " |")
    return "\n".join(out) + "\n"


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v).replace("|", "\\|").replace("\n", " ")[:120]


def build(store, run_id: str) -> str:
    """The model card of ``run_id`` as Markdown text (validated by parsing it back)."""
    EvalResult, ModelCard, ModelCardData = _hf()
    sections = store.run(run_id)
    run = _records(sections["run"])[0] if len(sections["run"]) else {}
    execution = sections["execution"].to_dict("records")[0]
    try:
        env = json.loads(execution.get("environment") or "{}")
    except ValueError:
        env = {}
    dataflow = str(execution.get("dataflow_tag"))
    tests = _records(sections["tests"])
    test = tests[-1] if tests else {}
    metric_names = [k for k, v in test.items() if isinstance(v, (int, float))
                    and not isinstance(v, bool)]
    results = [EvalResult(task_type="other", task_name=f"{dataflow} training",
                          dataset_type=dataflow, dataset_name=f"{dataflow} test data",
                          metric_type=m, metric_value=float(test[m]), metric_name=f"test {m}")
               for m in metric_names]
    att = store.attestation(run_id)
    data = ModelCardData(library_name="keras", model_name=dataflow,
                         tags=["keras", "kerasprov", f"backend-{env.get('backend', 'unknown')}",
                               dataflow], metrics=metric_names or None,
                         eval_results=results or None)
    body = "\n".join([
        f"# {dataflow} (run {run_id})\n",
        f"Trained by `{execution.get('command') or execution.get('script')}` on "
        f"{execution.get('start_time')} (status {execution.get('status')}). Written by "
        "kerasprov from the run's recorded provenance.\n",
        "## Model architecture\n", _architecture(sections, run),
        "## Training data\n", _data(store, run_id, sections),
        "## Training procedure\n", _procedure(sections),
        "## Results\n", "### Per epoch\n", _table(_records(sections["epochs"])),
        "### Test\n", _table(tests),
        "## Framework versions\n", _versions(env),
        "## Provenance\n", _provenance(run_id, att, store.spec),
    ])
    text = ModelCard.from_template(data, template_str="---\n{{ card_data }}\n---\n\n"
                                   "{{ body }}", body=body).content
    ModelCard(text)  # parses the front matter back (raises on invalid metadata)
    return text


def _architecture(sections, run) -> str:
    layers = _records(sections["layers"])
    head = f"Model `{run.get('model') or run.get('model_class') or '?'}`"
    config = _records(sections["config"])
    if config and config[0].get("total_params") is not None:
        head += f", {config[0]['total_params']} parameters"
    keep = ("layer_index", "name", "class_name", "activation", "units", "filters",
            "kernel_size", "rate", "output_shape", "params")
    return head + ".\n\n" + _table([{k: r[k] for k in keep if k in r} for r in layers])


def _data(store, run_id, sections) -> str:
    files = [f for f in _records(sections["files"])]
    used = [{"path": f.get("path"), "sha256": f.get("sha256"), "size": f.get("size")}
            for f in files if f.get("role") == "used"]
    facts = store.facts(run_id)["sets"]
    arrays = [{"set": tag, **{k: r.get(k) for k in ("role", "shape", "dtype", "n_samples",
                                                      "sha256")}}
              for tag, rows in facts.items() if tag.startswith("i") and tag.endswith("data")
              for r in rows if r.get("sha256")]
    tasks = [t for t in sections["tasks"].to_dict("records")
             if t.get("transformation_tag") not in _BUILTIN_TASKS]
    user_sets = {tag: rows for tag, rows in facts.items() if tag not in SET_NAMES
                 and not (tag.startswith("i") and tag.endswith("data"))
                 and tag not in ("obatch", "oprediction")}
    out = ["Files read:\n", _table(used), "Arrays given to fit/evaluate (content sha256):\n",
           _table(arrays)]
    if tasks:
        out.append("Transformations that made the data (in order):\n")
        out.append(_table([{"transformation": t["transformation_tag"],
                            "status": t.get("status")} for t in tasks]))
        for tag, rows in sorted(user_sets.items()):
            out.append(f"Data set `{tag}`:\n")
            out.append(_table(rows[:20]))
    return "\n".join(out)


def _procedure(sections) -> str:
    hyper = _records(sections["hyperparameters"])
    config = _records(sections["config"])
    opt = config[0].get("optimizer_config") if config else None
    out = ["Hyperparameters:\n", _table(hyper[:1])]
    if opt:
        out += ["Optimizer configuration:\n", f"```json\n{opt}\n```\n"]
    lr = [{"epoch": r.get("epoch"), "learning_rate": r.get("learning_rate")}
          for r in _records(sections["epochs"])]
    out += ["Learning rate per epoch:\n", _table(lr), "Adaptations of the learning rate:\n",
            _table(_records(sections["adaptations"]))]
    return "\n".join(out)


def _versions(env: dict) -> str:
    pk = env.get("packages") or {}
    rows = [{"framework": n, "version": v} for n, v in (
        ("python", env.get("python")), ("keras", env.get("keras_version")),
        (env.get("backend") or "backend", env.get("backend_version")),
        ("numpy", pk.get("numpy")), ("kerasprov", pk.get("kerasprov"))) if v]
    return _table(rows)


def _provenance(run_id: str, att: dict | None, spec: str) -> str:
    lines = [f"- kerasprov run id: `{run_id}`"]
    if att is not None:
        env_text = json.dumps(att["envelope"], sort_keys=True).encode()
        lines += [f"- attestation: signed by the training process, key id `{att.get('keyid')}`",
                  f"- attestation digest (sha256 of the DSSE envelope): "
                  f"`{hashlib.sha256(env_text).hexdigest()}`",
                  f"- facts digest: `{att.get('facts_sha256')}`",
                  f"- verify: `kerasprov verify {run_id}` (against the store), or "
                  f"`kerasprov attest {run_id} -o {run_id}.intoto.json` then "
                  f"`kerasprov verify --attestation {run_id}.intoto.json --key KEY.pem`"]
    else:
        lines.append("- attestation: none (train with `KERASPROV_ATTEST=1` to sign runs)")
    lines.append(f"- full provenance: `kerasprov show {run_id}`, "
                 f"`kerasprov export {run_id}` (W3C PROV)")
    return "\n".join(lines) + "\n"
