"""The range a KPI's value can take, so an interval is never shown outside it.

Corrected t-intervals of cross-validation scores are symmetric around the mean and can leave a metric's
range (ROC AUC above 1, recall below 0). Every place that shows or logs an interval (console, JSON, report,
MLflow) clips it with :func:`clip_to_range`, so they all say the same numbers.
"""

from __future__ import annotations

import math

_OPEN = (-math.inf, math.inf)
_BY_UNIT = {
    "ratio": (0.0, 1.0),
    "nats": (0.0, math.inf),
    "target unit": (0.0, math.inf),
    "parts/1000": (0.0, 1000.0),
}
_BY_NAME = {"r2": (-math.inf, 1.0), "mape": (0.0, math.inf)}
"""Ratios that are not shares: R² has no lower bound, a percentage error no upper one."""


def metric_range(name: str) -> tuple[float, float]:
    """(lowest, highest) value the KPI ``name`` can take; unbounded for money, hours and indices."""
    from axpoc.kpi._definitions import KPIS

    if name in _BY_NAME:
        return _BY_NAME[name]
    kpi = KPIS.get(name)
    return _OPEN if kpi is None else _BY_UNIT.get(kpi.unit, _OPEN)


def clip_to_range(value: float, name: str) -> float:
    """``value`` within the range of KPI ``name``; NaN (an undefined bound) stays NaN."""
    value = float(value)
    if math.isnan(value):
        return value
    low, high = metric_range(name)
    return min(max(value, low), high)
