"""Drift statistics of one column, reference vs. current: PSI, KS, Wasserstein, chi².

Why not Evidently: it does not import under pandas 3, and the statistics are a few lines on numpy and
scipy. A missing value (numeric: NaN or infinite) is a bin or a category of its own, so a sensor
that starts dropping out shows up as drift.

Severity needs *both* a significant test and a large enough effect. With 50 000 rows per side every
tiny shift is significant, so the p-value alone would flag everything; with 100 rows the PSI of two
samples of one distribution is about 0.2 by chance, so the effect alone would flag noise:

- effect: PSI < 0.1 none, 0.1-0.25 moderate, >= 0.25 major (the usual credit-scoring bands). Numeric
  columns also use the Wasserstein distance over the reference standard deviation (W/σ) with bands
  0.3 and 0.5, which is what a normal mean shift of 0.3σ / 0.5σ gives (PSI 0.09 / 0.24 there), and
  which catches what quantile bins miss: values moving further out inside the outer bins. The effect
  level is the higher of the two.
- test: KS (numeric) or chi² (categorical) p-value below ``alpha``; otherwise severity is "none".
- a column with no value on one side is "major".

``scipy.stats`` takes about a second to import, so it is imported inside the two functions that test.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from axpoc.i18n import DriftNote

Severity = Literal["none", "moderate", "major"]
Kind = Literal["numeric", "categorical", "curve"]

SEVERITIES: tuple[Severity, ...] = ("none", "moderate", "major")
PSI_MODERATE = 0.1
PSI_MAJOR = 0.25
W_MODERATE = 0.3
W_MAJOR = 0.5
RATIO_MODERATE = 1.5
RATIO_MAJOR = 2.0
EPSILON = 1e-4
"""Share given to an empty bin so that PSI stays finite; a bin empty on both sides adds exactly 0."""

MAX_SHARES = 20
"""Categories listed in a categorical column's details (by the larger of the two shares)."""

MAX_NEW_VALUES = 50
"""Never-seen values listed per column, most frequent first: a serial-number column has thousands."""


@dataclass(frozen=True)
class FeatureDrift:
    """Drift of one column (or one curve summary, named ``<column>:mean``).

    ``test`` is "ks", "chi2" or "none" (no test possible); ``statistic`` is the KS D or the chi²
    value; ``new_values`` are values of the current data never seen in the reference; ``reason`` says
    in one line why the severity is what it is; ``details`` holds the numbers behind it (means,
    medians, missing shares, W/σ, category shares).
    """

    name: str
    kind: Kind
    psi: float
    test: Literal["ks", "chi2", "none"]
    statistic: float
    p_value: float
    severity: Severity
    reason: str
    new_values: list[Any] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)


def psi(reference: Any, current: Any, *, bins: int = 10) -> float:
    """Population stability index of a numeric column: < 0.1 stable, 0.1-0.25 moderate, > 0.25 major.

    Bins are quantiles of the reference (right-closed, outer bins open; tied quantiles merge), plus
    one bin for missing values; an empty bin counts as a share of ``EPSILON``.
    """
    ref, ref_missing = _sorted_present(reference)
    cur, cur_missing = _sorted_present(current)
    return _psi_counts(*_binned_counts(ref, cur, ref_missing, cur_missing, bins=bins))


def psi_categorical(reference: Any, current: Any) -> float:
    """PSI over the categories of both sides plus one for missing; same bands as :func:`psi`."""
    _, ref_counts, cur_counts = _aligned_counts(reference, current)
    return _psi_counts(ref_counts, cur_counts)


def numeric_drift(
    reference: Any, current: Any, *, name: str = "value", bins: int = 10, alpha: float = 0.01
) -> FeatureDrift:
    """PSI, two-sample KS test and W/σ of a numeric column, with means, medians and missing shares.

    KS D and the Wasserstein distance are those of ``scipy.stats.ks_2samp`` and
    ``scipy.stats.wasserstein_distance``, computed in one pass over the merged sorted values (scipy
    sorts and searches twice each, the slow part at 50 000 rows). The p-value is the one
    ``ks_2samp(method="asymp")`` gives. When either side has missing values, the chi² p-value of the
    missing share joins the KS one (the smaller, Bonferroni-corrected).
    """
    from scipy import stats

    ref, ref_missing = _sorted_present(reference)
    cur, cur_missing = _sorted_present(current)
    n_ref, n_cur = ref.size + ref_missing, cur.size + cur_missing
    details: dict[str, Any] = {
        "n_reference": int(ref.size),
        "n_current": int(cur.size),
        "missing_reference": ref_missing / n_ref if n_ref else math.nan,
        "missing_current": cur_missing / n_cur if n_cur else math.nan,
    }
    empty = _empty_side(name, "numeric", ref.size, cur.size, details)
    if empty is not None:
        return empty
    ref_std = float(ref.std())
    d, w = _ks_wasserstein(ref, cur)
    w_norm = w / ref_std if ref_std > 0 else (0.0 if w == 0 else math.inf)
    en = max(1, round(ref.size * cur.size / (ref.size + cur.size)))
    p_value = float(stats.kstwo.sf(d, en))
    if ref_missing or cur_missing:
        missing_table = np.array([[ref_missing, ref.size], [cur_missing, cur.size]])
        p_missing = float(stats.chi2_contingency(missing_table).pvalue)
        details["p_missing"] = p_missing
        p_value = min(1.0, 2 * min(p_value, p_missing))
    details |= {
        "mean_reference": float(ref.mean()),
        "mean_current": float(cur.mean()),
        "median_reference": float(_sorted_quantiles(ref, np.array([0.5]))[0]),
        "median_current": float(_sorted_quantiles(cur, np.array([0.5]))[0]),
        "std_reference": ref_std,
        "wasserstein": w,
        "wasserstein_norm": w_norm,
        "outside_range_current": float(np.mean((cur < ref[0]) | (cur > ref[-1]))),
    }
    value = _psi_counts(*_binned_counts(ref, cur, ref_missing, cur_missing, bins=bins))
    severity, reason = _grade(
        {"PSI": (value, PSI_MODERATE, PSI_MAJOR), "W/σ": (w_norm, W_MODERATE, W_MAJOR)},
        p_value=p_value,
        alpha=alpha,
    )
    return FeatureDrift(name, "numeric", value, "ks", d, p_value, severity, reason, [], details)


def categorical_drift(
    reference: Any, current: Any, *, name: str = "value", alpha: float = 0.01, share_ratio: bool = False
) -> FeatureDrift:
    """PSI and chi² test (``scipy.stats.chi2_contingency`` on the aligned counts) of a categorical column.

    Missing values count as one more category. ``share_ratio`` also grades the effect by the largest
    ratio of a category's share between the sides (1.5 moderate, 2 major): PSI hides a defect rate
    that doubles from 2 % to 4 % (PSI 0.014), which is why the label and class predictions use it.
    """
    from scipy import stats

    labels, ref_counts, cur_counts = _aligned_counts(reference, current)
    n_ref, n_cur = int(ref_counts.sum()), int(cur_counts.sum())
    ref_present, cur_present = int(ref_counts[:-1].sum()), int(cur_counts[:-1].sum())
    ref_shares = ref_counts / n_ref if n_ref else np.zeros(ref_counts.size)
    cur_shares = cur_counts / n_cur if n_cur else np.zeros(cur_counts.size)
    new = _new_counts(labels, ref_counts, cur_counts)
    listed = np.argsort(-np.maximum(ref_shares[:-1], cur_shares[:-1]), kind="stable")[:MAX_SHARES]
    details: dict[str, Any] = {
        "n_reference": ref_present,
        "n_current": cur_present,
        "missing_reference": ref_counts[-1] / n_ref if n_ref else math.nan,
        "missing_current": cur_counts[-1] / n_cur if n_cur else math.nan,
        "shares_reference": {labels[i]: float(ref_shares[i]) for i in listed},
        "shares_current": {labels[i]: float(cur_shares[i]) for i in listed},
        "n_categories": len(labels) - 1,
        "new_value_counts": new,
        "new_value_share": float(cur_counts[:-1][ref_counts[:-1] == 0].sum() / n_cur) if n_cur else math.nan,
    }
    new_values = [value for value, _ in new]
    empty = _empty_side(name, "categorical", ref_present, cur_present, details)
    if empty is not None:
        return replace(empty, new_values=new_values)
    table = np.vstack([ref_counts, cur_counts])
    table = table[:, table.sum(axis=0) > 0]
    test = stats.chi2_contingency(table)
    value = _psi_counts(ref_counts, cur_counts)
    effects = {"PSI": (value, PSI_MODERATE, PSI_MAJOR)}
    if share_ratio:
        both = (ref_shares > 0) & (cur_shares > 0)
        before, after = ref_shares[both], cur_shares[both]
        ratio = float(np.max(np.maximum(before / after, after / before), initial=1.0))
        details["max_share_ratio"] = ratio
        effects["share ratio"] = (ratio, RATIO_MODERATE, RATIO_MAJOR)
    severity, reason = _grade(effects, p_value=float(test.pvalue), alpha=alpha)
    statistic, p_value = float(test.statistic), float(test.pvalue)
    return FeatureDrift(
        name, "categorical", value, "chi2", statistic, p_value, severity, reason, new_values, details
    )


def new_value_counts(reference: Any, current: Any) -> list[tuple[Any, int]]:
    """Values of ``current`` never seen in ``reference`` with their counts; the ``MAX_NEW_VALUES`` most frequent."""
    return _new_counts(*_aligned_counts(reference, current))


def severity_rank(severity: Severity) -> int:
    """0 for "none", 1 for "moderate", 2 for "major"; for sorting and thresholds."""
    if severity not in SEVERITIES:
        raise ValueError(f"severity must be one of {', '.join(SEVERITIES)}, got {severity!r}")
    return SEVERITIES.index(severity)


def _sorted_present(values: Any) -> tuple[np.ndarray, int]:
    """The sorted finite values as float64, and how many were missing (NaN or infinite)."""
    if isinstance(values, pd.Series | pd.Index):
        array = values.to_numpy(dtype="float64", na_value=np.nan)
    else:
        array = np.asarray(values, dtype="float64").ravel()
    present = array[np.isfinite(array)]
    present.sort()
    return present, int(array.size - present.size)


def _binned_counts(
    ref: np.ndarray, cur: np.ndarray, ref_missing: int, cur_missing: int, *, bins: int
) -> tuple[np.ndarray, np.ndarray]:
    """Counts per reference-quantile bin, missing last; both inputs sorted."""
    if isinstance(bins, bool) or not isinstance(bins, int) or bins < 2:
        raise ValueError(f"bins must be an integer >= 2, got {bins!r}")
    edges = np.unique(_sorted_quantiles(ref, np.linspace(0, 1, bins + 1)[1:-1])) if ref.size else np.empty(0)

    def counts(values: np.ndarray, missing: int) -> np.ndarray:
        upto = np.searchsorted(values, edges, side="right")
        return np.append(np.diff(np.concatenate([[0], upto, [values.size]])), missing).astype(float)

    return counts(ref, ref_missing), counts(cur, cur_missing)


def _sorted_quantiles(values: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """``np.quantile(values, probs)`` (linear) of sorted values, without partitioning them again."""
    position = probs * (values.size - 1)
    low = np.floor(position).astype(int)
    high = np.minimum(low + 1, values.size - 1)
    return values[low] + (position - low) * (values[high] - values[low])


def _psi_counts(ref_counts: np.ndarray, cur_counts: np.ndarray) -> float:
    ref_total, cur_total = ref_counts.sum(), cur_counts.sum()
    if not ref_total or not cur_total:
        return math.nan
    p = np.maximum(ref_counts / ref_total, EPSILON)
    q = np.maximum(cur_counts / cur_total, EPSILON)
    return float(np.sum((q - p) * np.log(q / p)))


def _aligned_counts(reference: Any, current: Any) -> tuple[list[Any], np.ndarray, np.ndarray]:
    """Category labels of both sides and their counts on each, with missing as the last entry."""
    ref = reference if isinstance(reference, pd.Series) else pd.Series(reference)
    cur = current if isinstance(current, pd.Series) else pd.Series(current)
    codes, uniques = pd.factorize(pd.concat([ref, cur], ignore_index=True), use_na_sentinel=True)
    size = len(uniques) + 1
    codes = np.where(codes < 0, size - 1, codes)
    ref_counts = np.bincount(codes[: len(ref)], minlength=size).astype(float)
    cur_counts = np.bincount(codes[len(ref) :], minlength=size).astype(float)
    labels = [_plain(value) for value in uniques] + [None]
    return labels, ref_counts, cur_counts


def _new_counts(labels: list[Any], ref_counts: np.ndarray, cur_counts: np.ndarray) -> list[tuple[Any, int]]:
    unseen = np.flatnonzero((cur_counts[:-1] > 0) & (ref_counts[:-1] == 0))
    top = unseen[np.argsort(-cur_counts[unseen], kind="stable")[:MAX_NEW_VALUES]]
    return [(labels[i], int(cur_counts[i])) for i in top]


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value it holds, so reports print ``7`` and not ``np.int64(7)``."""
    return value.item() if isinstance(value, np.generic) else value


def _ks_wasserstein(ref: np.ndarray, cur: np.ndarray) -> tuple[float, float]:
    """KS D and Wasserstein-1 distance of two sorted samples from one stable merge.

    After the k-th merged value, c of which came from the reference, the ECDF gap is
    c / n - (k - c) / m. D is its largest size where the value changes (ties count together);
    W integrates it over the steps between values.
    """
    merged = np.concatenate([ref, cur])
    order = np.argsort(merged, kind="stable")
    steps = np.diff(merged[order])
    from_ref = np.cumsum(order[:-1] < ref.size)
    gap = np.abs(from_ref * (1 / ref.size + 1 / cur.size) - np.arange(1, merged.size) / cur.size)
    return float(np.max(gap, where=steps > 0, initial=0.0)), float(np.sum(gap * steps))


def _empty_side(
    name: str, kind: Kind, n_ref: int, n_cur: int, details: dict[str, Any]
) -> FeatureDrift | None:
    """The result for a column without any value on one or both sides; None when both have values."""
    if n_ref and n_cur:
        return None
    if not n_ref and not n_cur:
        severity: Severity = "none"
        reason = DriftNote("no_values")
    else:
        severity = "major"
        reason = DriftNote("all_missing_reference" if not n_ref else "all_missing_current")
    return FeatureDrift(name, kind, math.nan, "none", math.nan, math.nan, severity, reason, [], details)


def _grade(
    effects: dict[str, tuple[float, float, float]], *, p_value: float, alpha: float
) -> tuple[Severity, str]:
    """Severity from effect sizes (value, moderate band, major band) gated by the test's p-value."""
    shown = DriftNote.listing(
        [
            DriftNote("effect", {"label": label, "value": f"{value:.3g}"})
            for label, (value, _, _) in effects.items()
        ]
    )
    p = f"{p_value:.2g}"
    if not p_value < alpha:
        return "none", DriftNote("not_significant", {"p": p, "alpha": f"{alpha:g}", "shown": shown})
    levels = {
        label: int(value >= moderate) + int(value >= major)
        for label, (value, moderate, major) in effects.items()
    }
    level = max(levels.values())
    if level == 0:
        return "none", DriftNote("small", {"p": p, "shown": shown})
    crossed = DriftNote.listing(
        [
            DriftNote(
                "crossed_one",
                {"label": label, "value": f"{effects[label][0]:.3g}", "band": f"{effects[label][level]:g}"},
            )
            for label, lv in levels.items()
            if lv == level
        ]
    )
    return SEVERITIES[level], DriftNote("crossed", {"crossed": crossed, "p": p})
