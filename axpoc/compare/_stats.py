"""Is #1 really better than #2? Corrected resampled t-statistics over the same CV folds.

Plain t-tests over CV folds are over-confident because training sets overlap; Nadeau & Bengio (2003)
inflate the variance by ``1/k + n_test/n_train``. Folds are whole groups or time blocks when the
split has them, so the intervals never resample single rows of one lot.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class Interval:
    mean: float
    low: float
    high: float


def _corrected_se(values: np.ndarray, test_train_ratio: float) -> float:
    k = len(values)
    if k < 2:
        return float("nan")
    return float(np.sqrt((1.0 / k + test_train_ratio) * np.var(values, ddof=1)))


def corrected_interval(fold_scores: np.ndarray, *, test_train_ratio: float, level: float = 0.95) -> Interval:
    """Mean of fold scores with a Nadeau-Bengio corrected t interval."""
    values = np.asarray(fold_scores, dtype=float)
    values = values[~np.isnan(values)]
    if len(values) == 0:
        return Interval(float("nan"), float("nan"), float("nan"))
    mean = float(values.mean())
    se = _corrected_se(values, test_train_ratio)
    if not np.isfinite(se):
        return Interval(mean, float("nan"), float("nan"))
    half = float(stats.t.ppf(0.5 + level / 2, df=len(values) - 1)) * se
    return Interval(mean, mean - half, mean + half)


@dataclass(frozen=True)
class PairedTest:
    mean_diff: float
    t: float
    p_value: float
    significant: bool


def corrected_paired_test(
    scores_a: np.ndarray, scores_b: np.ndarray, *, test_train_ratio: float, alpha: float = 0.05
) -> PairedTest:
    """Two-sided corrected resampled t-test on per-fold differences (same folds for both)."""
    diff = np.asarray(scores_a, dtype=float) - np.asarray(scores_b, dtype=float)
    diff = diff[~np.isnan(diff)]
    if len(diff) < 2:
        return PairedTest(
            float(diff.mean()) if len(diff) else float("nan"), float("nan"), float("nan"), False
        )
    mean = float(diff.mean())
    se = _corrected_se(diff, test_train_ratio)
    if se == 0:
        return PairedTest(mean, float("inf") if mean else 0.0, 0.0 if mean else 1.0, bool(mean))
    t = mean / se
    p = float(2 * stats.t.sf(abs(t), df=len(diff) - 1))
    return PairedTest(mean, float(t), p, p < alpha)
