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


def metric_range(name: str) -> tuple[float, float]:
    """(lowest, highest) value the KPI ``name`` can take (its ``bounds``, else its unit's); unbounded for
    money, hours and indices. A leaderboard column at a fixed threshold (``f1@0.5``) is its KPI's range."""
    from axpoc.kpi._definitions import KPIS

    kpi = KPIS.get(name.split("@", 1)[0])
    if kpi is None:
        return _OPEN
    return kpi.bounds if kpi.bounds is not None else _BY_UNIT.get(kpi.unit, _OPEN)


def clip_to_range(value: float, name: str) -> float:
    """``value`` within the range of KPI ``name``; NaN (an undefined bound) stays NaN."""
    value = float(value)
    if math.isnan(value):
        return value
    low, high = metric_range(name)
    return min(max(value, low), high)
