"""Control charts of the model score: is the process (or the model's view of it) stable?"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from axpoc.i18n import Reason
from axpoc.kpi._capability import D2_MOVING_RANGE
from axpoc.kpi._definitions import Undefined
from axpoc.kpi._metrics import _as_finite


@dataclass(frozen=True, eq=False)
class ControlResult:
    """A control chart of the score: what to plot (statistic, limits) and which points signal."""

    rate: float
    """Share of all points outside the limits (the ``control_signal_rate`` KPI)."""
    signals: np.ndarray
    statistic: np.ndarray
    """What is plotted: the score itself (Shewhart) or its EWMA."""
    center: float
    sigma: float
    ucl: np.ndarray
    lcl: np.ndarray


def control_signals(
    score: Any,
    *,
    method: Literal["shewhart", "ewma"] = "shewhart",
    baseline_n: int | None = None,
    lam: float = 0.2,
    L: float = 3.0,
) -> ControlResult:
    """Out-of-control points of a Shewhart individuals chart or an EWMA chart, in the given order.

    Center and sigma come from the first ``baseline_n`` points (default: all), sigma as the
    average moving range / 1.128 so that a drift inside the baseline does not widen the limits.
    EWMA limits use the exact time-varying variance, ``sigma^2 * lam / (2 - lam) * (1 - (1 - lam)^(2i))``,
    so early points are not judged against the wider asymptotic band.
    """
    x = _as_finite(score, "score")
    if x.ndim != 1:
        raise ValueError(f"score must be one-dimensional, got shape {x.shape}")
    m = x.size if baseline_n is None else baseline_n
    if not 2 <= m <= x.size:
        raise ValueError(f"baseline_n must be between 2 and the number of points ({x.size}), got {m}")
    if not 0 < lam <= 1:
        raise ValueError(f"lam must be in (0, 1], got {lam!r}")
    if not L > 0:
        raise ValueError(f"L must be positive, got {L!r}")
    base = x[:m]
    center = float(base.mean())
    sigma = float(np.abs(np.diff(base)).mean()) / D2_MOVING_RANGE
    if method == "shewhart":
        statistic = x
        half_width = np.full(x.size, L * sigma)
    elif method == "ewma":
        statistic = np.empty_like(x)
        z = center
        for i, value in enumerate(x.tolist()):
            z = lam * value + (1 - lam) * z
            statistic[i] = z
        steps = np.arange(1, x.size + 1)
        half_width = L * sigma * np.sqrt(lam / (2 - lam) * (1 - (1 - lam) ** (2 * steps)))
    else:
        raise ValueError(f"method must be 'shewhart' or 'ewma', got {method!r}")
    ucl, lcl = center + half_width, center - half_width
    signals = (statistic > ucl) | (statistic < lcl)
    rate = float(signals.mean()) if sigma > 0 else Undefined(Reason("control_no_variation"))
    return ControlResult(
        rate=rate, signals=signals, statistic=statistic, center=center, sigma=sigma, ucl=ucl, lcl=lcl
    )
