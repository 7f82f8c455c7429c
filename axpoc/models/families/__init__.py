"""Candidate model families: one module per family, plus the registry that finds them and plug-ins.

To add a family, subclass `Family` in a module of this package that defines ``FAMILY`` (axpoc's own),
or in your own package, exposed through the entry-point group ``axpoc.families`` (see README,
"Extending axpoc"), or call `register_family`.
"""

from axpoc.models.families._base import (
    ANOMALY,
    CLASSIFICATION,
    SUPERVISED,
    TASKS,
    Family,
    pinned,
    size_tier,
)
from axpoc.models.families._registry import (
    ENTRY_POINT_GROUP,
    FAMILIES,
    FamilyRegistry,
    get_family,
    register_family,
)

__all__ = [
    "ANOMALY",
    "CLASSIFICATION",
    "ENTRY_POINT_GROUP",
    "FAMILIES",
    "SUPERVISED",
    "TASKS",
    "Family",
    "FamilyRegistry",
    "get_family",
    "pinned",
    "register_family",
    "size_tier",
]
