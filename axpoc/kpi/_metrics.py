"""Evaluating KPIs: point values, bootstrap intervals and paired differences, on batched *weighted* evaluators.

Each KPI's evaluator is its `Kpi.evaluator` (``axpoc/kpi/kpis/``); this module runs them.

A bootstrap resample is a vector of integer counts (how often each row was drawn), so every
resampling scheme (rows, whole groups, moving blocks) becomes a weight matrix ``w`` of shape
(n_resamples, n_rows), and every metric here evaluates a whole batch of resamples with a few
matrix products. The point estimate is the same code with ``w = 1``, so point and interval can
never disagree about the definition. Undefined values (one class present, nothing flagged) are
NaN per resample and :class:`Undefined` with a reason for the point estimate.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from axpoc.i18n import Reason
from axpoc.kpi._definitions import KPIS, TASKS, Kpi, Undefined, get_kpi

Evaluator = Callable[[np.ndarray], np.ndarray]
"""Maps weights of shape (B, n) to metric values of shape (B,), NaN where undefined."""

MetricFn = str | Callable[[np.ndarray, np.ndarray], float]

_CELLS_PER_CHUNK = 2_000_000  # resample weights held at once (16 MB of float64)


class Estimate(NamedTuple):
    """A point estimate with a percentile bootstrap interval."""

    point: float
    low: float
    high: float


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    out = np.full(np.shape(num), np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _weighted_mean(values: np.ndarray) -> Evaluator:
    """Weighted mean of a per-row quantity: sum(w * v) / sum(w), in one pass over the weights."""
    columns = np.column_stack([values, np.ones_like(values)])

    def evaluate(w: np.ndarray) -> np.ndarray:
        total, count = (w @ columns).T
        return _ratio(total, count)

    return evaluate


def _stratified_mean(values: np.ndarray, strata: np.ndarray) -> Evaluator:
    """Mean of a per-row quantity with each resample re-weighted to the observed share of every stratum
    (post-stratification): the interval then says how sure the values within each stratum are, not how the
    strata's shares vary between resamples. A resample that lost a stratum is undefined (NaN)."""
    _, codes = np.unique(strata, return_inverse=True)
    shares = np.bincount(codes) / codes.size
    means = [_weighted_mean(values[codes == k]) for k in range(shares.size)]
    masks = [codes == k for k in range(shares.size)]

    def evaluate(w: np.ndarray) -> np.ndarray:
        return sum(share * mean(w[:, mask]) for share, mean, mask in zip(shares, means, masks, strict=True))

    return evaluate


def _as_binary(y: np.ndarray, what: str) -> np.ndarray:
    """0/1 floats from a bool or 0/1 array; anything else is a caller error worth naming."""
    if y.ndim != 1:
        raise ValueError(f"{what} must be one-dimensional, got shape {y.shape}")
    if y.dtype == bool:
        return y.astype(float)
    if not np.isin(y, (0, 1)).all():
        bad = np.unique(y[~np.isin(y, (0, 1))])[:5].tolist()
        raise ValueError(f"{what} must hold 0/1 or False/True for this metric, got values such as {bad}")
    return y.astype(float)


def _as_finite(y: np.ndarray, what: str) -> np.ndarray:
    y = np.asarray(y, dtype=float)
    if not np.isfinite(y).all():
        raise ValueError(f"{what} contains NaN or infinite values")
    return y


def _classes(y_true: np.ndarray, y_pred: np.ndarray, labels: Sequence[Any] | None) -> np.ndarray:
    return np.unique(np.concatenate([y_true, y_pred])) if labels is None else np.asarray(labels)


def _codes(values: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Index of each value in ``classes`` (any order); a value outside it is a caller error."""
    order = np.argsort(classes, kind="stable")
    ranked = classes[order]
    pos = np.searchsorted(ranked, values).clip(max=ranked.size - 1)
    if not np.array_equal(ranked[pos], values):
        missing = np.setdiff1d(values, classes)[:5].tolist()
        raise ValueError(f"labels {classes.tolist()} do not include the classes {missing} found in the data")
    return order[pos]


def _one_hots(
    y_true: np.ndarray, y_pred: np.ndarray, labels: Sequence[Any] | None
) -> tuple[np.ndarray, np.ndarray]:
    """(n, k) indicator matrices of the true and the predicted class."""
    classes = _classes(y_true, y_pred, labels)
    out = np.zeros((2, y_true.size, classes.size))
    for i, y in enumerate((y_true, y_pred)):
        out[i, np.arange(y.size), _codes(y, classes)] = 1.0
    return out[0], out[1]


def _mean_where(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Row means of ``values`` over the entries where ``mask`` holds (the classes present)."""
    return _ratio(np.where(mask, values, 0.0).sum(axis=1), mask.sum(axis=1).astype(float))


def _class_columns(
    y_true: np.ndarray, y_score: np.ndarray, labels: Sequence[Any] | None
) -> tuple[np.ndarray, np.ndarray]:
    """y_true as column indices into a (n, k) probability matrix whose columns follow ``labels``."""
    classes = np.unique(y_true) if labels is None else np.asarray(labels)
    if y_score.shape[1] != classes.size:
        raise ValueError(
            f"y_score has {y_score.shape[1]} columns but there are {classes.size} classes "
            f"{list(classes)}; pass labels= in the column order of predict_proba (model.classes_)"
        )
    return _codes(y_true, classes), classes


Counts = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], np.ndarray]
"""(TP, defects = TP + FN, flagged = TP + FP, N) per resample -> the KPI per resample; a division by zero
(nothing to divide by in that resample) is NaN, the KPI undefined there."""


@dataclass(frozen=True)
class ConfusionKpi(Kpi):
    """A KPI of the binary confusion counts of defect vs flag: ``counts(tp, defects, flagged, n)``.

    Reads 0/1 (or bool) truths and flags: labels of a binary or anomaly model (``reads="labels"``), or
    which parts are defects and which are flagged (``reads="flags"``, any task that defines defects).
    """

    counts: Counts | None = None

    def evaluator(self, y_true: Any, y: Any, labels: Sequence[Any] | None) -> Evaluator:
        if self.counts is None:
            raise TypeError(f"ConfusionKpi {self.name!r} has no counts formula")
        t, p = _as_binary(y_true, "y_true"), _as_binary(y, "y_pred (flags)")
        columns = np.column_stack([t * p, t, p, np.ones_like(t)])
        counts = self.counts

        def evaluate(w: np.ndarray) -> np.ndarray:
            tp, defects, flagged, n = (w @ columns).T  # one pass over the weights
            with np.errstate(divide="ignore", invalid="ignore"):
                values = np.asarray(counts(tp, defects, flagged, n), dtype=float)
            return np.where(np.isfinite(values), values, np.nan)

        return evaluate


# ---------------------------------------------------------------- evaluation


def _pair(y_true: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    y_true, y = np.asarray(y_true), np.asarray(y)
    if y_true.ndim != 1:
        raise ValueError(f"y_true must be one-dimensional, got shape {y_true.shape}")
    if y.shape[0] != y_true.shape[0]:
        raise ValueError(f"y_true has {y_true.shape[0]} rows but the predictions have {y.shape[0]}")
    if y.dtype.kind == "f" and np.isnan(y).any():
        raise ValueError("the predictions contain NaN")
    return y_true, y


def _evaluator(
    metric_fn: MetricFn, y_true: np.ndarray, y: np.ndarray, labels: Sequence[Any] | None
) -> tuple[Evaluator, Reason]:
    """A batched evaluator and the metric's undefined reason, for a name or a plain callable."""
    if isinstance(metric_fn, str):
        kpi = get_kpi(metric_fn)
        if not kpi.resamplable:
            resamplable = ", ".join(k.name for k in KPIS.values() if k.resamplable)
            raise ValueError(
                f"{metric_fn!r} is not computed from labels and predictions; resamplable KPIs are "
                f"{resamplable} (pass a callable for anything else)"
            )
        return kpi.evaluator(y_true, y, labels), Reason(
            "metric_undefined", {"metric": metric_fn, "why": Reason(kpi.undefined_when)}
        )
    name = getattr(metric_fn, "__name__", "metric")
    rows = np.arange(y_true.size)

    def loop(w: np.ndarray) -> np.ndarray:
        out = np.empty(w.shape[0])
        for i, counts in enumerate(w):
            idx = np.repeat(rows, counts.astype(np.intp))
            try:
                out[i] = metric_fn(y_true[idx], y[idx])
            except ValueError:  # e.g. sklearn refusing a resample that holds one class
                out[i] = np.nan
        return out

    return loop, Reason("callable_undefined", {"metric": name})


def _point(evaluate: Evaluator, n: int, reason: Reason) -> float:
    value = float(evaluate(np.ones((1, n)))[0]) if n else math.nan
    return Undefined(reason) if math.isnan(value) else value


def compute_metrics(
    task: str,
    y_true: Any,
    y_pred: Any,
    y_score: Any = None,
    *,
    names: Sequence[str] | None = None,
    labels: Sequence[Any] | None = None,
) -> dict[str, float]:
    """ML metrics of one prediction; undefined ones are :class:`Undefined` NaNs with a reason.

    ``y_pred`` are labels (classification, 1 = defect for binary/anomaly) or values (regression);
    ``y_score`` is P(defect) for binary, an anomaly score for anomaly, or an (n, k) probability
    matrix for multiclass whose columns follow ``labels`` (default: sorted classes of y_true).
    Default ``names``: every KPI of the task that reads labels, or scores when they were given.
    """
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; expected one of {', '.join(TASKS)}")
    y_true, y_pred = _pair(y_true, y_pred)
    if y_score is not None:
        y_score = _pair(y_true, y_score)[1].astype(float)
        expected = 2 if task == "multiclass" else 1
        if y_score.ndim != expected:
            raise ValueError(f"y_score for task {task!r} must be {expected}-D, got shape {y_score.shape}")
    if names is None:
        names = [
            k.name
            for k in KPIS.values()
            if task in k.tasks and (k.reads == "labels" or (k.reads == "scores" and y_score is not None))
        ]
    out: dict[str, float] = {}
    for name in names:
        kpi = get_kpi(name)
        if kpi.reads not in ("labels", "scores"):
            raise ValueError(
                f"{name!r} is a {kpi.group} KPI, not an ML metric; compute it with business_kpis, "
                "capability or control_signals"
            )
        if task not in kpi.tasks:
            raise ValueError(f"{name!r} is not defined for task {task!r}")
        y = y_pred if kpi.reads == "labels" else y_score
        if y is None:
            raise ValueError(f"{name!r} needs y_score (predicted probabilities or anomaly scores)")
        evaluate, reason = _evaluator(name, y_true, y, labels)
        out[name] = _point(evaluate, y_true.size, reason)
    return out


def _row_counts(idx: np.ndarray, m: int) -> np.ndarray:
    """How often each of m items was drawn, per row of an index matrix."""
    b = idx.shape[0]
    flat = (idx + (np.arange(b) * m)[:, None]).ravel()
    return np.bincount(flat, minlength=b * m).reshape(b, m).astype(float)


def _resample_weights(
    n: int,
    *,
    groups: Any,
    block_size: int | None,
    n_boot: int,
    rng: np.random.Generator,
) -> Iterator[np.ndarray]:
    """Bootstrap resamples as row-count matrices, a chunk at a time to bound memory."""
    if groups is not None and block_size is not None:
        raise ValueError("give groups (cluster bootstrap) or block_size (moving blocks), not both")
    if n_boot < 1:
        raise ValueError(f"n_boot must be at least 1, got {n_boot}")
    if groups is not None:
        groups = np.asarray(groups)
        if groups.shape != (n,):
            raise ValueError(f"groups has shape {groups.shape}, expected ({n},)")
        _, codes = np.unique(groups, return_inverse=True)
        k = int(codes.max()) + 1
        if k < 2:
            raise ValueError("a cluster bootstrap needs at least 2 groups, got 1")
    if block_size is not None and not 1 <= block_size <= n:
        raise ValueError(f"block_size must be between 1 and the number of rows ({n}), got {block_size}")
    chunk = max(1, min(n_boot, _CELLS_PER_CHUNK // max(n, 1)))
    for start in range(0, n_boot, chunk):
        b = min(chunk, n_boot - start)
        if groups is not None:
            yield _row_counts(rng.integers(0, k, (b, k)), k)[:, codes]
        elif block_size is not None:
            n_blocks = -(-n // block_size)
            starts = rng.integers(0, n - block_size + 1, (b, n_blocks))
            idx = (starts[:, :, None] + np.arange(block_size)).reshape(b, -1)[:, :n]
            yield _row_counts(idx, n)
        else:
            yield _row_counts(rng.integers(0, n, (b, n)), n)


def _interval(point: float, values: np.ndarray, alpha: float, reason: Reason) -> Estimate:
    """Percentile interval over the resamples where the metric is defined."""
    valid = values[~np.isnan(values)]
    if valid.size < 0.5 * values.size:
        bad = Undefined(
            Reason(
                "too_few_resamples",
                {"reason": reason, "failed": values.size - valid.size, "total": values.size},
            )
        )
        return Estimate(point, bad, bad)
    low, high = np.quantile(valid, [alpha / 2, 1 - alpha / 2])
    return Estimate(point, float(low), float(high))


def _check_alpha(alpha: float) -> None:
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha}")


def bootstrap_ci(
    metric_fn: MetricFn,
    y_true: Any,
    y_score_or_pred: Any,
    *,
    groups: Any = None,
    block_size: int | None = None,
    n_boot: int = 1000,
    alpha: float = 0.05,
    random_state: int | np.random.Generator | None = 0,
    labels: Sequence[Any] | None = None,
) -> Estimate:
    """Point estimate and percentile bootstrap interval of one metric.

    ``metric_fn`` is the name of a resamplable KPI (``Kpi.resamplable``, vectorised) or any callable
    ``f(y_true, y) -> float`` (looped). Rows are resampled independently by default; with
    ``groups`` whole groups (lots, molds) are resampled, because rows of one lot are not
    independent; with ``block_size`` moving blocks of consecutive rows are, for time-ordered data.
    Resamples where the metric is undefined are left out; fewer than half defined gives
    :class:`Undefined` bounds.
    """
    _check_alpha(alpha)
    y_true, y = _pair(y_true, y_score_or_pred)
    evaluate, reason = _evaluator(metric_fn, y_true, y, labels)
    point = _point(evaluate, y_true.size, reason)
    if math.isnan(point):
        return Estimate(point, point, point)
    rng = np.random.default_rng(random_state)
    weights = _resample_weights(y_true.size, groups=groups, block_size=block_size, n_boot=n_boot, rng=rng)
    return _interval(point, np.concatenate([evaluate(w) for w in weights]), alpha, reason)


def paired_bootstrap_diff(
    metric_fn: MetricFn,
    y_true: Any,
    score_a: Any,
    score_b: Any,
    *,
    groups: Any = None,
    block_size: int | None = None,
    n_boot: int = 1000,
    alpha: float = 0.05,
    random_state: int | np.random.Generator | None = 0,
    labels: Sequence[Any] | None = None,
) -> Estimate:
    """metric(a) - metric(b) on the full data, with an interval from the *same* resamples for both.

    Pairing removes the sample-to-sample noise both models share, so the interval is much
    narrower than two separate intervals: this is what a champion/challenger non-inferiority
    check (``low > -margin``) needs.
    """
    _check_alpha(alpha)
    y_true, a = _pair(y_true, score_a)
    b = _pair(y_true, score_b)[1]
    eval_a, reason = _evaluator(metric_fn, y_true, a, labels)
    eval_b, _ = _evaluator(metric_fn, y_true, b, labels)
    point_a, point_b = _point(eval_a, y_true.size, reason), _point(eval_b, y_true.size, reason)
    if math.isnan(point_a) or math.isnan(point_b):
        bad = point_a if math.isnan(point_a) else point_b
        return Estimate(bad, bad, bad)
    rng = np.random.default_rng(random_state)
    weights = _resample_weights(y_true.size, groups=groups, block_size=block_size, n_boot=n_boot, rng=rng)
    diffs = np.concatenate([eval_a(w) - eval_b(w) for w in weights])
    return _interval(point_a - point_b, diffs, alpha, reason)


def point_metric(name: str, y_true: Any, y: Any, *, labels: Sequence[Any] | None = None) -> float:
    """One resamplable KPI on the full data (:class:`Undefined` with a reason when undefined)."""
    y_true, y = _pair(y_true, y)
    evaluate, reason = _evaluator(name, y_true, y, labels)
    return _point(evaluate, y_true.size, reason)


def paired_mean_diff(
    values_a: Any,
    values_b: Any,
    *,
    groups: Any = None,
    block_size: int | None = None,
    n_boot: int = 1000,
    alpha: float = 0.05,
    random_state: int | np.random.Generator | None = 0,
    strata: Any = None,
) -> Estimate:
    """mean(a) - mean(b) of two per-row quantities on the same rows (a cost per part under two policies),
    with an interval from resampling the rows (or whole groups, or moving blocks) once for both.

    ``strata`` (one label per row, e.g. defect or not) holds each stratum's share at its observed value in
    every resample, so the interval reflects the spread within the strata only (see :func:`_stratified_mean`).
    """
    _check_alpha(alpha)
    a, b = _as_finite(np.asarray(values_a), "values_a"), _as_finite(np.asarray(values_b), "values_b")
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(f"values_a and values_b must be 1-D of one length, got {a.shape} and {b.shape}")
    if strata is not None and np.shape(strata) != a.shape:
        raise ValueError(f"strata has shape {np.shape(strata)}, expected {a.shape}")
    evaluate = _weighted_mean(a - b) if strata is None else _stratified_mean(a - b, np.asarray(strata))
    reason = Reason("metric_undefined", {"metric": "mean difference", "why": Reason("no_rows")})
    point = _point(evaluate, a.size, reason)
    if math.isnan(point):
        return Estimate(point, point, point)
    rng = np.random.default_rng(random_state)
    weights = _resample_weights(a.size, groups=groups, block_size=block_size, n_boot=n_boot, rng=rng)
    return _interval(point, np.concatenate([evaluate(w) for w in weights]), alpha, reason)
