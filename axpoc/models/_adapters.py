"""Small estimators that get pickled into registered models, so they live in axpoc, never in pipelines/.

- `IsolationForestAnomaly`: scikit-learn's IsolationForest with the anomaly conventions of
  `TorchAutoencoderAnomaly` (higher score = more anomalous, 1 = anomaly, ``predict_proba``), so both
  anomaly families compete on the same labels and metrics.
- `Resampled`: random over- or undersampling of the training fold, applied in ``fit`` only.
"""

from __future__ import annotations

from collections.abc import Callable
from numbers import Integral, Real
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.ensemble import IsolationForest
from sklearn.utils import Tags, _safe_indexing, check_random_state, get_tags
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    check_array,
    check_consistent_length,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from axpoc.errors import UserError


class EstimatorInputError(UserError, ValueError):
    """Bad data or settings for one of axpoc's estimators.

    A ``UserError`` so the CLI prints one paragraph, and a ``ValueError`` so scikit-learn tooling
    (``check_estimator``, ``cross_validate(error_score=...)``) treats it like its own validation errors.
    """


def good_rows(owner: str, y: Any, n_rows: int) -> np.ndarray:
    """The rows an anomaly detector learns from: those labelled 0 (good) in ``y`` (1 = defect).

    The anomaly task's labels are 0 and 1 whatever the data said (the target is mapped before); anything
    else is an `EstimatorInputError` naming what came instead.
    """
    from sklearn.utils.multiclass import type_of_target

    labels = column_or_1d(check_array(y, ensure_2d=False, dtype=None, input_name="y"), warn=True)
    check_consistent_length(labels, np.empty(n_rows))
    kind = type_of_target(labels, input_name="y")
    if kind not in ("binary", "multiclass"):
        raise EstimatorInputError(f"{owner}: Unknown label type: {kind}; y must be 0 (good) or 1 (defect).")
    if kind == "multiclass":
        raise EstimatorInputError(
            f"{owner}: Only binary classification is supported. y must be 0 (good) or 1 (defect); got the "
            f"labels {np.unique(labels.astype(str))[:5].tolist()}."
        )
    if not np.isin(labels, [0, 1]).all():
        raise EstimatorInputError(
            f"{owner}: y must be 0 (good) or 1 (defect); got the labels {np.unique(labels.astype(str)).tolist()}."
        )
    good = labels == 0
    if not good.any():
        raise EstimatorInputError(f"{owner} needs good rows (y == 0) to learn from; y has none.")
    return good


def checked_input(
    owner: str, X: Any, y: Any = None, *, fitting: bool = False
) -> tuple[Any, np.ndarray | None]:
    """(X, y) checked the way scikit-learn checks them, for a wrapper whose inner estimators read X.

    A DataFrame passes through as it is (its columns may hold curves or text the inner pipeline
    reads); anything else becomes a 2-D array (sparse input CSR or CSC, which rows can be taken from). When ``fitting``, y is required,
    made 1-D and must have one label per row.
    """
    if not isinstance(X, pd.DataFrame):
        X = check_array(X, accept_sparse=["csr", "csc"], dtype=None, ensure_all_finite=False)
    if not fitting:
        return X, None
    if y is None:
        raise ValueError(f"{owner} requires y to be passed, but the target y is None.")
    labels = column_or_1d(check_array(y, ensure_2d=False, dtype=None, input_name="y"), warn=True)
    check_consistent_length(X, labels)
    return X, labels


class AnomalyScoreMixin:
    """Decisions of a detector whose ``score_samples`` is higher for more anomalous rows and which learned
    ``threshold_``; shared by the isolation forest and the autoencoder so both compete as classifiers."""

    def decision_function(self, X: Any) -> np.ndarray:
        """``score_samples(X) - threshold_``: positive for rows flagged as anomalies."""
        return self.score_samples(X) - self.threshold_

    def predict(self, X: Any) -> np.ndarray:
        """1 for anomaly (score above ``threshold_``), 0 for normal."""
        return (self.decision_function(X) > 0).astype(np.int64)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Columns [normal, anomaly]; a monotone squashing of the score, not a calibrated probability."""
        score = self.score_samples(X)
        anomaly = score / (score + max(self.threshold_, np.finfo(np.float64).tiny))
        return np.column_stack([1.0 - anomaly, anomaly])


class IsolationForestAnomaly(AnomalyScoreMixin, ClassifierMixin, BaseEstimator):
    """Isolation forest fitted on good parts only, scored so that higher = more anomalous.

    ``fit(X, y=None)``: when y is given (0 = good, 1 = defect) only the y == 0 rows are used.
    ``score_samples`` is the forest's anomaly score (the negated ``IsolationForest.score_samples``,
    in (0, 1]); ``threshold_`` is its ``contamination_quantile`` quantile on the training rows;
    ``decision_function`` = score - threshold (> 0: anomaly); ``predict`` returns 1 for anomaly;
    ``predict_proba[:, 1]`` = score / (score + threshold), 0.5 at the threshold: a monotone score for
    ranking and ROC curves, not a calibrated probability.
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "max_samples": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
            Interval(Real, 0, 1, closed="right"),
        ],
        "max_features": [Interval(Integral, 1, None, closed="left"), Interval(Real, 0, 1, closed="right")],
        "contamination_quantile": [Interval(Real, 0, 1, closed="right")],
        "random_state": ["random_state"],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        *,
        n_estimators: int = 200,
        max_samples: float | int | str = "auto",
        max_features: float = 1.0,
        contamination_quantile: float = 0.99,
        random_state: int | None = 0,
        n_jobs: int | None = 1,
    ) -> None:
        self.n_estimators = n_estimators
        self.max_samples = max_samples
        self.max_features = max_features
        self.contamination_quantile = contamination_quantile
        self.random_state = random_state
        self.n_jobs = n_jobs

    def fit(self, X: Any, y: Any = None) -> IsolationForestAnomaly:
        """Fit the forest on the good rows and set the anomaly threshold from their scores."""
        self._validate_params()
        data = validate_data(self, X, dtype=np.float64)
        if y is not None:
            data = data[good_rows(type(self).__name__, y, len(data))]
        self.forest_ = IsolationForest(
            n_estimators=self.n_estimators,
            max_samples=self.max_samples,
            max_features=self.max_features,
            random_state=self.random_state,
            n_jobs=self.n_jobs,
        ).fit(data)
        self.classes_ = np.array([0, 1])
        self.threshold_ = float(np.quantile(-self.forest_.score_samples(data), self.contamination_quantile))
        return self

    def score_samples(self, X: Any) -> np.ndarray:
        """Anomaly score per row in (0, 1]: higher = more anomalous (unlike IsolationForest's own)."""
        check_is_fitted(self, "forest_")
        data = validate_data(self, X, dtype=np.float64, reset=False)
        return -self.forest_.score_samples(data)

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False
        tags.classifier_tags.multi_class = False
        return tags


def _inner_has(method: str) -> Callable[[Any], bool]:
    """``available_if`` check: the wrapped estimator offers ``method``."""

    def check(self: Any) -> bool:
        return hasattr(self.estimator, method)

    return check


class Resampled(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Fit ``estimator`` on a class-balanced random resample of the training rows; predict unchanged.

    ``strategy="oversample"`` draws extra rows of every smaller class (with replacement) up to the
    largest class's count; ``"undersample"`` keeps a random subset of every larger class down to the
    smallest class's count. Prediction rows are never resampled. A ``sample_weight`` fit parameter
    follows its rows. The fitted estimator is ``estimator_`` (e.g. for ``feature_importances_``).
    """

    def __init__(
        self,
        estimator: Any,
        *,
        strategy: Literal["oversample", "undersample"] = "oversample",
        random_state: int | None = 0,
    ) -> None:
        self.estimator = estimator
        self.strategy = strategy
        self.random_state = random_state

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "estimator": [HasMethods(["fit", "predict"])],
        "strategy": [StrOptions({"oversample", "undersample"})],
        "random_state": ["random_state"],
    }

    def fit(self, X: Any, y: Any, **fit_params: Any) -> Resampled:
        self._validate_params()
        X, labels = checked_input(type(self).__name__, X, y, fitting=True)
        validate_data(self, X, skip_check_array=True)  # the inner estimator checks the values itself
        check_classification_targets(labels)
        rows = _balanced_rows(labels, self.strategy, check_random_state(self.random_state))
        sampled = _safe_indexing(X, rows)
        if fit_params.get("sample_weight") is not None:
            fit_params["sample_weight"] = np.asarray(fit_params["sample_weight"])[rows]
        self.estimator_ = clone(self.estimator).fit(sampled, labels[rows], **fit_params)
        self.classes_ = self.estimator_.classes_
        self.n_resampled_ = len(rows)
        return self

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator).input_tags
        tags.input_tags.sparse, tags.input_tags.allow_nan = inner.sparse, inner.allow_nan
        return tags

    def predict(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "estimator_")
        X, _ = checked_input(type(self).__name__, X)
        validate_data(self, X, skip_check_array=True, reset=False)
        return self.estimator_.predict(X)

    @available_if(_inner_has("predict_proba"))
    def predict_proba(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "estimator_")
        X, _ = checked_input(type(self).__name__, X)
        validate_data(self, X, skip_check_array=True, reset=False)
        return self.estimator_.predict_proba(X)

    @available_if(_inner_has("decision_function"))
    def decision_function(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "estimator_")
        X, _ = checked_input(type(self).__name__, X)
        validate_data(self, X, skip_check_array=True, reset=False)
        return self.estimator_.decision_function(X)


def _balanced_rows(labels: np.ndarray, strategy: str, rng: np.random.RandomState) -> np.ndarray:
    """Sorted row indices in which every class appears equally often."""
    classes, counts = np.unique(labels, return_counts=True)
    target = counts.max() if strategy == "oversample" else counts.min()
    parts = []
    for label, count in zip(classes, counts, strict=True):
        rows = np.flatnonzero(labels == label)
        if count < target:
            parts += [rows, rng.choice(rows, size=target - count, replace=True)]
        else:
            parts.append(rng.choice(rows, size=target, replace=False) if count > target else rows)
    return np.sort(np.concatenate(parts))
