"""Intervals are shown within the range a KPI can take, the same in the console, JSON, report and MLflow."""

from __future__ import annotations

import math

import pytest

from axpoc.kpi import clip_to_range, metric_range


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("roc_auc", 1.544, 1.0),
        ("roc_auc", -0.127, 0.0),
        ("average_precision", 0.42, 0.42),
        ("r2", -3.5, -3.5),
        ("r2", 1.2, 1.0),
        ("rmse", -0.4, 0.0),
        ("rmse", 12.0, 12.0),
        ("log_loss", 7.0, 7.0),
        ("defects_caught_per_1000", 1200.0, 1000.0),
        ("monthly_saving", -5e6, -5e6),
    ],
)
def test_clip_to_range(name: str, value: float, expected: float) -> None:
    assert clip_to_range(value, name) == expected


def test_undefined_bounds_stay_undefined_and_unknown_names_are_open() -> None:
    assert math.isnan(clip_to_range(float("nan"), "roc_auc"))
    assert metric_range("not_a_kpi") == (-math.inf, math.inf)
