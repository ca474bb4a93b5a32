"""Names shared by every layer: the built-in transformations and the rule for tags.

Tags become parts of table names, so capture checks them where the user gives them, and the
store checks them again on ingest; both use this one rule.
"""

from __future__ import annotations

import re

TRAINING, ADAPTATION, TESTING = "TrainingModel", "Adaptation", "TestingModel"
PREDICTION = "Prediction"
#: The transformations kerasprov records by itself (DNNProv-Df's, plus predict); every other
#: transformation of a dataflow is the user's (a Filter, a LoadData...). The one definition.
BUILT_IN = frozenset({TRAINING, ADAPTATION, TESTING, PREDICTION})


def is_built_in(transformation: object) -> bool:
    """Whether a transformation tag is one of kerasprov's own (any case: stores fold it)."""
    return str(transformation).lower() in {t.lower() for t in BUILT_IN}
#: The roles of a file in a run (``file.role``): read by it, or written by it.
USED, GENERATED = "used", "generated"

#: What a run's status can be (the CLI's --status choices, the runs page's filter).
RUN_STATUSES = ("running", "finished", "failed", "interrupted", "terminated", "crashed")

_TAG = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,40}$")


def check_tag(tag: object, what: str) -> str:
    """Validate a dataflow/transformation tag (it becomes part of table names)."""
    if not isinstance(tag, str) or not _TAG.match(tag):
        raise ValueError(
            f"{what} must start with a letter and use only letters, digits and '_' "
            f"(at most 41 characters). Received: {what}={tag!r}")
    return tag


# -- people's names for runs ---------------------------------------------------------------
#: A run reference that means something else than a name (the newest run).
LATEST = "latest"
MAX_RUN_NAME, MAX_TAG, MAX_TAGS = 100, 64, 32
#: A run name or a tag: printable, on one line (it is shown in tables, legends, terminals).
_PRINTABLE = re.compile(r"^[^\x00-\x1f\x7f]+$")


def check_run_name(name: object) -> str | None:
    """Validate ``run_name=`` (None: the run gets an automatic label)."""
    if name is None:
        return None
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_RUN_NAME \
            or not _PRINTABLE.match(name):
        raise ValueError(f"run_name must be a non-empty string of at most {MAX_RUN_NAME} "
                         f"printable characters on one line. Received: run_name={name!r}")
    if name.strip().lower() == LATEST:
        raise ValueError(f"run_name {name!r} is reserved: commands read it as the newest "
                         f"run. Received: run_name={name!r}")
    return name.strip()


def check_tags(tags: object) -> list[str]:
    """Validate ``tags=``: strings (``["baseline", "gpu"]``) or a dict whose items become
    ``key=value`` tags (``{"team": "vision"}``); a single string is one tag."""
    if tags is None:
        return []
    if isinstance(tags, str):
        tags = [tags]
    elif isinstance(tags, dict):
        tags = [f"{k}={v}" for k, v in tags.items()]
    elif isinstance(tags, (set, frozenset)):
        tags = sorted(tags, key=str)
    elif not isinstance(tags, (list, tuple)):
        raise ValueError("tags must be a list of strings or a dict of key -> value. "
                         f"Received: tags={tags!r}")
    out = []
    for tag in tags:
        if not isinstance(tag, str) or not tag.strip() or len(tag) > MAX_TAG or "," in tag \
                or not _PRINTABLE.match(tag):
            raise ValueError(f"each tag must be a non-empty string of at most {MAX_TAG} "
                             "printable characters without ','. Received: tags="
                             f"{list(tags)!r}")
        if tag.strip() not in out:
            out.append(tag.strip())
    if len(out) > MAX_TAGS:
        raise ValueError(f"at most {MAX_TAGS} tags. Received: {len(out)} tags")
    return out
