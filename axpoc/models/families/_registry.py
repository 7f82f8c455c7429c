"""The registry of candidate families: axpoc's own, plug-ins from other packages, and registered ones.

Three ways in, one registry:

- a module in ``axpoc/models/families/`` (no leading underscore) that defines ``FAMILY``;
- an entry point in the group ``axpoc.families`` of any installed package, pointing at a `Family`
  instance (``acme_family = "acme_axpoc.family:FAMILY"`` in its ``pyproject.toml``), so a company's own
  family lives in its own package;
- `register_family` at run time (a notebook, a test).

The registry loads on first use, so ``import axpoc.models`` imports no plug-in.
"""

from __future__ import annotations

import difflib
import re

from axpoc._plugins import PluginRegistry
from axpoc.errors import UserError
from axpoc.models.families._base import TASKS, Family

ENTRY_POINT_GROUP = "axpoc.families"
_NAME = re.compile(r"[a-z][a-z0-9_]*")


class FamilyRegistry(PluginRegistry[Family]):
    """Every candidate family by config name: axpoc's own (alphabetical), then plug-ins, then registered."""

    def __init__(self) -> None:
        super().__init__(kind="family", package=__package__, attribute="FAMILY", group=ENTRY_POINT_GROUP)

    def check(self, item: object, *, source: str) -> Family:
        """A family must be a `Family` with a config name, known tasks and its why-texts in both languages."""
        if not isinstance(item, Family):
            raise UserError(
                f"{source}: expected an axpoc.models.Family instance, got {type(item).__name__}. "
                "Subclass axpoc.models.Family and register an instance of it."
            )
        if not _NAME.fullmatch(item.name):
            raise UserError(
                f"{source}: family name {item.name!r} is not a config name; use lower-case letters, "
                "digits and '_' (e.g. 'acme_boost')."
            )
        unknown = sorted(set(item.tasks) - TASKS)
        if not item.tasks or unknown:
            raise UserError(
                f"{source}: family '{item.name}' declares tasks {sorted(item.tasks)}; "
                f"each must be one of {', '.join(sorted(TASKS))}."
            )
        if not (item.why_ko and item.why_en):
            raise UserError(
                f"{source}: family '{item.name}' has no why_ko/why_en text; the report says in one line "
                "(Korean and English) why the family is worth trying. Set both."
            )
        return item


FAMILIES = FamilyRegistry()
"""Every candidate family by config name."""


def register_family(family: Family, *, replace: bool = False) -> Family:
    """Add ``family`` to the registry, so a config may name it; returns it.

    A second family of the same name is refused unless ``replace`` is true.
    """
    return FAMILIES.register(family, call="register_family", replace=replace)


def get_family(name: str) -> Family:
    """The family a config names; an unknown name is a `UserError` with the closest valid name."""
    try:
        return FAMILIES[name]
    except KeyError:
        close = difflib.get_close_matches(str(name), list(FAMILIES), n=1, cutoff=0.5)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise UserError(
            f"candidates: unknown model family '{name}'.{hint} Valid names: {', '.join(FAMILIES)}."
        ) from None
