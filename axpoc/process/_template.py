"""What a process module (``pipelines/<name>.py`` or a plug-in's) hands to axpoc, and where axpoc finds it.

A template is plain data, no pickled classes. axpoc's own templates live in the repo's top-level
``pipelines/`` folder, installed as ``axpoc_pipelines`` so that installing axpoc claims no generic
top-level name; other packages add theirs through the entry-point group ``axpoc.processes``.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Literal

import numpy as np
import pandas as pd

from axpoc._plugins import entry_source
from axpoc.errors import UserError

ColumnKind = Literal["numeric", "category", "curve", "time", "id", "group", "product", "target"]


@dataclass(frozen=True)
class ColumnSpec:
    """A typical column of the process, under its canonical name."""

    name: str
    kind: ColumnKind = "numeric"
    unit: str = ""
    min: float | None = None
    max: float | None = None
    label_ko: str = ""
    label_en: str = ""


@dataclass(frozen=True)
class QualityCharacteristic:
    """The measured quality characteristic a field period monitors (a part weight, a roughness).

    Why: after deployment the plant measures parts at inspection; capability (Cpk/Ppk) and control-chart
    signals of that measurement tell whether the process stayed stable while the model ran. ``measure``
    computes it for demo rows from their generated settings (None: the generated data holds the column).
    """

    name: str
    unit: str = ""
    lsl: float | None = None
    usl: float | None = None
    label_ko: str = ""
    label_en: str = ""
    measure: Callable[[pd.DataFrame, np.random.Generator], np.ndarray] | None = None


@dataclass(frozen=True)
class ProcessTemplate:
    """Defaults of one process; a config overrides any of them."""

    name: str
    title_ko: str
    title_en: str
    columns: tuple[ColumnSpec, ...] = ()
    target: str | None = None
    task: Literal["binary", "multiclass", "regression", "anomaly"] = "binary"
    positive_class: str | int | None = None
    roles: dict[str, str] = field(default_factory=dict)
    candidates: tuple[str, ...] = ("logistic", "random_forest", "hist_gradient_boosting", "lightgbm")
    gates: dict[str, str] = field(default_factory=dict)
    costs: dict[str, float] = field(default_factory=dict)
    spec: dict[str, float] = field(default_factory=dict)
    """Spec limits of a regression target, ``{"lsl": ..., "usl": ...}`` (either may be absent)."""
    generate: Callable[..., pd.DataFrame] | None = None
    """``generate(*, rows, defect_rate, drift, seed) -> DataFrame`` with the canonical column names."""
    quality: QualityCharacteristic | None = None
    """What a field period measures at inspection (see `QualityCharacteristic`)."""

    @property
    def curve_channels(self) -> list[str]:
        return [c.name for c in self.columns if c.kind == "curve"]

    def column(self, name: str) -> ColumnSpec | None:
        return next((c for c in self.columns if c.name == name), None)


ENTRY_POINT_GROUP = "axpoc.processes"
INSTALLED_PACKAGE = "axpoc_pipelines"
"""The name the repo's ``pipelines/`` folder is installed under (a generic top-level name would clash)."""
_REGISTERED: dict[str, ProcessTemplate] = {}


def register_process(template: ProcessTemplate, *, replace: bool = False) -> ProcessTemplate:
    """Make ``template`` available under its name for this session (a notebook, a test); returns it."""
    if not isinstance(template, ProcessTemplate):
        raise UserError(
            f"register_process: expected an axpoc.process.ProcessTemplate, got {type(template).__name__}."
        )
    if template.name in _REGISTERED and not replace:
        raise UserError(
            f"register_process: a process template named '{template.name}' is already registered; "
            "choose another name or pass replace=True."
        )
    _REGISTERED[template.name] = template
    return template


def load_process(name: str) -> ProcessTemplate:
    """The process template a config names.

    Looked up in this order: `register_process`, the entry-point group ``axpoc.processes`` of installed
    packages (a company's own templates), then axpoc's own ``pipelines/<name>.py`` (its ``TEMPLATE``).
    """
    if name in _REGISTERED:
        return _REGISTERED[name]
    entry = _entry_points().get(name)
    if entry is not None:
        return _template_of(_load_entry(entry), entry_source(entry), name)
    package = _builtin_package()
    module = None
    if package is not None:
        try:
            module = importlib.import_module(f"{package.__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{package.__name__}.{name}":
                raise
    if module is None:
        raise UserError(
            f"process: no process module 'pipelines/{name}.py' and no package's '{ENTRY_POINT_GROUP}' entry point "
            f"named '{name}'. Use one of {', '.join(available_processes())}, or 'generic' for data that fits no "
            "template."
        )
    return _template_of(module, f"pipelines/{name}.py", name)


def available_processes() -> list[str]:
    """The names `load_process` accepts: axpoc's own templates, plug-ins' and registered ones."""
    import pkgutil

    package = _builtin_package()
    own = [] if package is None else [m.name for m in pkgutil.iter_modules(package.__path__)]
    names = {*(n for n in own if not n.startswith("_")), *_entry_points(), *_REGISTERED}
    return sorted(names)


def _template_of(found: object, source: str, name: str) -> ProcessTemplate:
    """The template of a module (its ``TEMPLATE``) or the template itself; it must carry the name it is found by."""
    template = found if isinstance(found, ProcessTemplate) else getattr(found, "TEMPLATE", None)
    if not isinstance(template, ProcessTemplate):
        raise UserError(f"process: {source} defines no TEMPLATE (an axpoc.process.ProcessTemplate).")
    if template.name != name:
        raise UserError(
            f"process: {source} is found as '{name}' but its TEMPLATE is named '{template.name}'; "
            "make the two names the same."
        )
    return template


def _builtin_package() -> ModuleType | None:
    """axpoc's own templates: the ``pipelines/`` folder beside the ``axpoc`` folder of a source checkout,
    else the installed copy (`INSTALLED_PACKAGE`). A foreign top-level ``pipelines`` is never taken."""
    checkout = Path(__file__).resolve().parents[2] / "pipelines"
    spec = importlib.util.find_spec("pipelines")
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if any(Path(location).resolve() == checkout for location in locations):
        return importlib.import_module("pipelines")
    if importlib.util.find_spec(INSTALLED_PACKAGE) is not None:
        return importlib.import_module(INSTALLED_PACKAGE)
    return None


def _entry_points() -> dict[str, metadata.EntryPoint]:
    return {entry.name: entry for entry in metadata.entry_points(group=ENTRY_POINT_GROUP)}


def _load_entry(entry: metadata.EntryPoint) -> object:
    try:
        return entry.load()
    except Exception as exc:  # any import failure of a foreign package: said, not raised raw
        raise UserError(
            f"process: {entry_source(entry)} failed to load ({type(exc).__name__}: {exc}). Fix or uninstall "
            "that package."
        ) from exc
