"""What a process module (``pipelines/<name>.py``) hands to axpoc: plain data, no pickled classes."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

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

    @property
    def curve_channels(self) -> list[str]:
        return [c.name for c in self.columns if c.kind == "curve"]

    def column(self, name: str) -> ColumnSpec | None:
        return next((c for c in self.columns if c.name == name), None)


def load_process(name: str) -> ProcessTemplate:
    """Find the process module a config names (``pipelines.<name>``) and return its ``TEMPLATE``."""
    try:
        module = importlib.import_module(f"pipelines.{name}")
    except ModuleNotFoundError as exc:
        if exc.name not in (f"pipelines.{name}", "pipelines"):
            raise
        raise UserError(
            f"process: no process module 'pipelines/{name}.py'. Use one of {', '.join(available_processes())}, "
            "or 'generic' for data that fits no template."
        ) from None
    template = getattr(module, "TEMPLATE", None)
    if not isinstance(template, ProcessTemplate):
        raise UserError(
            f"process: pipelines/{name}.py defines no TEMPLATE (an axpoc.process.ProcessTemplate)."
        )
    return template


def available_processes() -> list[str]:
    """Process modules installed beside axpoc."""
    import pkgutil

    try:
        package = importlib.import_module("pipelines")
    except ModuleNotFoundError:
        return []
    return sorted(m.name for m in pkgutil.iter_modules(package.__path__) if not m.name.startswith("_"))
