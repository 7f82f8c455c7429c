"""Decision rules: the cost-optimal threshold, OOF calibration, anomaly and regression flags.

Every rule flags a part when ``score >= threshold``, the convention of scikit-learn's
``FixedThresholdClassifier``. Thresholds chosen from data sit halfway between two observed
scores, so a new part scoring a hair below the last flagged training part is treated alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import numpy as np

from axpoc.kpi._business import decision_cost_per_part
from axpoc.kpi._capability import SpecLimits
from axpoc.kpi._metrics import _as_binary, _as_finite

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class ThresholdResult:
    """The chosen threshold, its expected cost per part, and the whole cost curve behind it."""

    threshold: float
    expected_cost_per_part: float
    curve: pd.DataFrame
    """One row per distinct decision: threshold, cost, recall, false_alarm_rate."""

    def flags(self, scores: Any) -> np.ndarray:
        """Which parts the rule flags for inspection."""
        return np.asarray(scores, dtype=float) >= self.threshold


def _distinct_desc(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct scores from high to low, and each one's index for every part."""
    values, inverse = np.unique(scores, return_inverse=True)
    return values[::-1], values.size - 1 - inverse


def _cut_points(desc: np.ndarray) -> np.ndarray:
    """Thresholds flagging the top k distinct scores, k = 0..m: +inf, midpoints, -inf."""
    return np.r_[np.inf, (desc[:-1] + desc[1:]) / 2, -np.inf]


def cost_optimal_threshold(
    y_true: Any,
    proba: Any,
    *,
    escape_cost: float,
    false_alarm_cost: float,
    inspection_cost: float = 0.0,
) -> ThresholdResult:
    """The threshold on out-of-fold scores with the lowest expected cost per part.

    Cost per part = ((TP + FP) * inspection_cost + FP * false_alarm_cost + FN * escape_cost) / N.
    Every distinct cut is evaluated exactly; among equal costs the highest threshold (fewest
    parts flagged) wins. Use out-of-fold predictions: in-sample scores make any rule look cheap.
    """
    for name, value in (
        ("escape_cost", escape_cost),
        ("false_alarm_cost", false_alarm_cost),
        ("inspection_cost", inspection_cost),
    ):
        if not (math.isfinite(value) and value >= 0):
            raise ValueError(f"{name} must be a non-negative number, got {value!r}")
    pos = _as_binary(np.asarray(y_true), "y_true")
    scores = _as_finite(proba, "proba")
    if scores.shape != pos.shape:
        raise ValueError(f"proba has shape {scores.shape}, expected {pos.shape}")
    if pos.size == 0:
        raise ValueError("a threshold needs at least one part, got none")
    desc, rank = _distinct_desc(scores)
    tp = np.r_[0.0, np.cumsum(np.bincount(rank, weights=pos, minlength=desc.size))]
    flagged = np.r_[0.0, np.cumsum(np.bincount(rank, minlength=desc.size))]
    n, defects = float(pos.size), float(pos.sum())
    fp, fn = flagged - tp, defects - tp
    cost = decision_cost_per_part(
        n,
        tp,
        fp,
        fn,
        inspection_cost=inspection_cost,
        false_alarm_cost=false_alarm_cost,
        escape_cost=escape_cost,
    )
    import pandas as pd

    curve = pd.DataFrame(
        {
            "threshold": _cut_points(desc),
            "cost": cost,
            "recall": tp / defects if defects else np.nan,
            "false_alarm_rate": fp / (n - defects) if n > defects else np.nan,
        }
    )
    best = int(np.argmin(cost))
    return ThresholdResult(float(curve["threshold"].iloc[best]), float(cost[best]), curve)


class Calibrator:
    """A fitted monotone map from raw scores to calibrated probabilities; plain numpy, picklable."""

    method: ClassVar[str]

    def transform(self, proba: Any) -> np.ndarray:
        raise NotImplementedError

    def __call__(self, proba: Any) -> np.ndarray:
        return self.transform(proba)


@dataclass(frozen=True, eq=False)
class IsotonicCalibrator(Calibrator):
    """Piecewise-linear interpolation through the isotonic fit's knots, clipped at the ends."""

    method: ClassVar[str] = "isotonic"
    x: np.ndarray
    y: np.ndarray

    def transform(self, proba: Any) -> np.ndarray:
        return np.interp(np.asarray(proba, dtype=float), self.x, self.y)

    def __repr__(self) -> str:
        return f"IsotonicCalibrator({self.x.size} knots)"


@dataclass(frozen=True)
class SigmoidCalibrator(Calibrator):
    """Platt scaling on the log-odds: p' = 1 / (1 + exp(-(slope * logit(p) + intercept)))."""

    method: ClassVar[str] = "sigmoid"
    slope: float
    intercept: float

    def transform(self, proba: Any) -> np.ndarray:
        z = self.slope * _logit(np.asarray(proba, dtype=float)) + self.intercept
        return 1.0 / (1.0 + np.exp(-z))


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p) - np.log1p(-p)


def calibrate_oof(
    y_true: Any, oof_proba: Any, *, method: Literal["isotonic", "sigmoid"] = "isotonic"
) -> Calibrator:
    """Fit a calibration map on out-of-fold probabilities.

    Isotonic needs a few hundred rows and some defects to be stable; sigmoid (two parameters,
    fitted on the log-odds so an already calibrated model stays unchanged) suits small data.
    """
    y = _as_binary(np.asarray(y_true), "y_true")
    p = _as_finite(oof_proba, "oof_proba")
    if p.shape != y.shape:
        raise ValueError(f"oof_proba has shape {p.shape}, expected {y.shape}")
    if np.unique(y).size < 2:
        raise ValueError("calibration needs both defective and good parts in y_true")
    if method == "isotonic":
        from sklearn.isotonic import IsotonicRegression

        fit = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(p, y)
        return IsotonicCalibrator(np.asarray(fit.X_thresholds_), np.asarray(fit.y_thresholds_))
    if method == "sigmoid":
        from sklearn.linear_model import LogisticRegression

        fit = LogisticRegression(C=np.inf).fit(_logit(p)[:, None], y)
        return SigmoidCalibrator(float(fit.coef_[0, 0]), float(fit.intercept_[0]))
    raise ValueError(f"method must be 'isotonic' or 'sigmoid', got {method!r}")


def anomaly_threshold(scores_good: Any, *, false_alarm_rate: float) -> float:
    """Threshold on anomaly scores that flags at most ``false_alarm_rate`` of the good reference parts.

    This is the (1 - false_alarm_rate) quantile, placed between two observed scores; ties at the
    cut are kept below it, so the guarantee "at most" holds on the reference data.
    """
    if not 0 <= false_alarm_rate < 1:
        raise ValueError(f"false_alarm_rate must be in [0, 1), got {false_alarm_rate!r}")
    scores = _as_finite(scores_good, "scores_good").ravel()
    if scores.size == 0:
        raise ValueError("anomaly_threshold needs scores of good parts, got none")
    desc, rank = _distinct_desc(scores)
    flagged = np.cumsum(np.bincount(rank, minlength=desc.size))
    allowed = math.floor(false_alarm_rate * scores.size + 1e-9)
    k = int(np.searchsorted(flagged, allowed, side="right"))  # distinct top scores we may flag
    if k == 0:
        return float(np.nextafter(desc[0], np.inf))
    return float(_cut_points(desc)[k])


def regression_flags(pred: Any, spec: SpecLimits, *, guard_band: float = 0.0) -> np.ndarray:
    """Flag parts whose predicted dimension lies outside [LSL + guard_band, USL - guard_band].

    The guard band trades inspection for safety: it absorbs the prediction error. A NaN
    prediction is flagged, because a part that cannot be judged must be inspected.
    """
    if not (math.isfinite(guard_band) and guard_band >= 0):
        raise ValueError(f"guard_band must be a non-negative number, got {guard_band!r}")
    lo = -np.inf if spec.lsl is None else spec.lsl + guard_band
    hi = np.inf if spec.usl is None else spec.usl - guard_band
    if lo >= hi:
        raise ValueError(
            f"guard_band {guard_band:g} leaves no acceptance zone inside [{spec.lsl:g}, {spec.usl:g}]"
        )
    x = np.asarray(pred, dtype=float)
    return np.isnan(x) | (x < lo) | (x > hi)
