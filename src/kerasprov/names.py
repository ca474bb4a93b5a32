"""Names shared by every layer: the built-in transformations and the rule for tags.

Tags become parts of table names, so capture checks them where the user gives them, and the
store checks them again on ingest; both use this one rule.
"""

from __future__ import annotations

import re

TRAINING, ADAPTATION, TESTING = "TrainingModel", "Adaptation", "TestingModel"

_TAG = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,40}$")


def check_tag(tag: object, what: str) -> str:
    """Validate a dataflow/transformation tag (it becomes part of table names)."""
    if not isinstance(tag, str) or not _TAG.match(tag):
        raise ValueError(
            f"{what} must start with a letter and use only letters, digits and '_' "
            f"(at most 41 characters). Received: {what}={tag!r}")
    return tag
