"""The settings an operator can change (``columns.controllable``), each with its safe range and step.

A bound the user leaves out comes from ``columns.limits`` or the process template's plausible range (the
template's canonical name is found through ``columns.map``); a user range may narrow that range, never
widen it: a template says what a machine of the kind can physically run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from axpoc.config import PocConfig
from axpoc.errors import ConfigError
from axpoc.process import ProcessTemplate


@dataclass(frozen=True)
class Control:
    """One controllable setting: the data's column, its safe range, the machine's step (None = continuous)."""

    column: str
    low: float
    high: float
    step: float | None = None
    unit: str = ""
    label_ko: str = ""
    label_en: str = ""

    def label(self, language: str) -> str:
        """The setting's name for a reader: the template's label, else the column."""
        named = self.label_ko if language == "ko" else self.label_en
        return named or self.column

    def grid(self, low: float, high: float) -> tuple[float, float]:
        """``[low, high]`` clipped to the safe range and moved inwards onto the step grid (anchored at the
        range's lower end), so every value Optuna suggests is one the machine can be set to."""
        low, high = max(low, self.low), min(high, self.high)
        if self.step is None:
            return low, high
        first = self.low + math.ceil((low - self.low) / self.step - 1e-9) * self.step
        last = self.low + math.floor((high - self.low) / self.step + 1e-9) * self.step
        return round(first, 10), round(max(first, last), 10)

    def values(self, low: float, high: float, *, most: int = 41) -> np.ndarray:
        """Up to ``most`` settable values between ``low`` and ``high`` (on the step grid when there is one)."""
        if self.step is None or high <= low:
            return np.linspace(low, high, most if high > low else 1)
        grid = np.round(np.arange(low, high + self.step / 2, self.step), 10)
        return grid[:: max(1, -(-len(grid) // most))]

    def snap(self, value: float) -> float:
        """``value`` clipped to the safe range and rounded to the nearest step."""
        value = float(np.clip(value, self.low, self.high))
        if self.step is None:
            return value
        snapped = self.low + round((value - self.low) / self.step) * self.step
        return round(float(min(snapped, self.grid(self.low, self.high)[1])), 10)


def resolve_controls(config: PocConfig, template: ProcessTemplate, features: list[str]) -> list[Control]:
    """The config's controllable settings with their ranges; a mistake is a config error naming the key."""
    declared = config.columns.controllable
    if not declared:
        raise ConfigError(
            "columns.controllable is empty: name the settings an operator can change, each with its safe "
            "range, e.g.\n  columns:\n    controllable:\n      holding_pressure_bar: {min: 550, max: 700, "
            "step: 5}\nEverything else in a row is held fixed as context."
        )
    canonical_of = {actual: name for name, actual in config.columns.map.items()}
    controls = []
    for column, wanted in declared.items():
        key = f"columns.controllable.{column}"
        if column not in features:
            raise ConfigError(
                f"{key}: '{column}' is not a feature of the model (features: {', '.join(features)}). Name a "
                "column the champion reads, or train again with it included."
            )
        spec = template.column(canonical_of.get(column, column))
        limits = config.columns.limits.get(column)
        plausible = (
            spec.min if spec is not None else None,
            spec.max if spec is not None else None,
        )
        low = _first(wanted.min, limits.min if limits else None, plausible[0])
        high = _first(wanted.max, limits.max if limits else None, plausible[1])
        if low is None or high is None:
            raise ConfigError(
                f"{key}: no safe range: the process template '{template.name}' gives none for '{column}'. "
                f"Set both bounds, e.g. {column}: {{min: ..., max: ...}}."
            )
        too_low = plausible[0] is not None and low < plausible[0]
        if too_low or (plausible[1] is not None and high > plausible[1]):
            raise ConfigError(
                f"{key}: the range {low:g}..{high:g} is wider than what the process template '{template.name}' "
                f"calls plausible ({_bound(plausible[0])}..{_bound(plausible[1])} {spec.unit if spec else ''}). "
                "Narrow it, or check the unit of the column."
            )
        if low >= high:
            raise ConfigError(f"{key}: min ({low:g}) must be below max ({high:g}).")
        if wanted.step is not None and wanted.step > high - low:
            raise ConfigError(
                f"{key}: step ({wanted.step:g}) is wider than the safe range {low:g}..{high:g}; use a smaller step."
            )
        controls.append(
            Control(
                column=column,
                low=float(low),
                high=float(high),
                step=wanted.step,
                unit=spec.unit if spec else "",
                label_ko=spec.label_ko if spec else "",
                label_en=spec.label_en if spec else "",
            )
        )
    return controls


def _first(*values: float | None) -> float | None:
    return next((v for v in values if v is not None), None)


def _bound(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"
