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
import importlib
import pkgutil
import re
import threading
from collections.abc import Iterator, Mapping
from importlib import metadata

from axpoc.errors import UserError
from axpoc.models.families._base import TASKS, Family

ENTRY_POINT_GROUP = "axpoc.families"
_NAME = re.compile(r"[a-z][a-z0-9_]*")


class FamilyRegistry(Mapping[str, Family]):
    """Every candidate family by config name: axpoc's own (alphabetical), then plug-ins, then registered."""

    def __init__(self) -> None:
        self._families: dict[str, Family] = {}
        self._loaded = False
        self._loading = False
        self._lock = threading.RLock()

    def __getitem__(self, name: str) -> Family:
        self._load()
        return self._families[name]

    def __iter__(self) -> Iterator[str]:
        self._load()
        return iter(list(self._families))

    def __len__(self) -> int:
        self._load()
        return len(self._families)

    def __repr__(self) -> str:
        return f"FamilyRegistry({', '.join(self)})"

    def add(self, family: object, *, source: str, replace: bool = False) -> Family:
        """Check ``family`` and register it; ``source`` names where it came from in error messages."""
        if not isinstance(family, Family):
            raise UserError(
                f"{source}: expected an axpoc.models.Family instance, got {type(family).__name__}. "
                "Subclass axpoc.models.Family and register an instance of it."
            )
        if not _NAME.fullmatch(family.name):
            raise UserError(
                f"{source}: family name {family.name!r} is not a config name; use lower-case letters, "
                "digits and '_' (e.g. 'acme_boost')."
            )
        unknown = sorted(set(family.tasks) - TASKS)
        if not family.tasks or unknown:
            raise UserError(
                f"{source}: family '{family.name}' declares tasks {sorted(family.tasks)}; "
                f"each must be one of {', '.join(sorted(TASKS))}."
            )
        if not (family.why_ko and family.why_en):
            raise UserError(
                f"{source}: family '{family.name}' has no why_ko/why_en text; the report says in one line "
                "(Korean and English) why the family is worth trying. Set both."
            )
        with self._lock:
            if family.name in self._families and not replace:
                raise UserError(
                    f"{source}: a family named '{family.name}' is already registered; choose another name "
                    "or pass replace=True."
                )
            self._families[family.name] = family
        return family

    def _load(self) -> None:
        if self._loaded:
            return
        with self._lock:
            if self._loaded or self._loading:  # loading: a plug-in importing axpoc.models, same thread
                return
            self._loading = True
            try:
                self._load_all()
                self._loaded = True
            except BaseException:
                self._families.clear()  # half a registry would hide the error on the next lookup
                raise
            finally:
                self._loading = False

    def _load_all(self) -> None:
        package = importlib.import_module(__package__)
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
            if info.name.startswith("_"):
                continue
            module = importlib.import_module(f"{__package__}.{info.name}")
            self.add(getattr(module, "FAMILY", None), source=f"axpoc/models/families/{info.name}.py FAMILY")
        for entry in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            source = _entry_source(entry)
            try:
                family = entry.load()
            except Exception as exc:  # any import failure of a foreign package: said, not raised raw
                raise UserError(
                    f"{source}: loading it failed ({type(exc).__name__}: {exc}). Fix or uninstall that package."
                ) from exc
            self.add(family, source=source)


def _entry_source(entry: metadata.EntryPoint) -> str:
    dist = entry.dist.name if entry.dist is not None else "an installed package"
    return f"entry point '{entry.name} = {entry.value}' (group {ENTRY_POINT_GROUP}) of {dist}"


FAMILIES = FamilyRegistry()
"""Every candidate family by config name."""


def register_family(family: Family, *, replace: bool = False) -> Family:
    """Add ``family`` to the registry, so a config may name it; returns it.

    A second family of the same name is refused unless ``replace`` is true.
    """
    FAMILIES._load()
    return FAMILIES.add(
        family, source=f"register_family({getattr(family, 'name', family)!r})", replace=replace
    )


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
