"""Small estimators that get pickled into registered models, so they live in axpoc, never in pipelines/.

- `IsolationForestAnomaly`: scikit-learn's IsolationForest with the anomaly conventions of
  `TorchAutoencoderAnomaly` (higher score = more anomalous, 1 = anomaly, ``predict_proba``), so both
  anomaly families compete on the same labels and metrics.
- `Resampled`: random over- or undersampling of the training fold, applied in ``fit`` only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.ensemble import IsolationForest
from sklearn.utils import Tags, check_random_state
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from axpoc.errors import UserError


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
        if not 0.0 < self.contamination_quantile <= 1.0:
            raise ValueError(f"contamination_quantile={self.contamination_quantile!r} must be in (0, 1]")
        data = validate_data(self, X, dtype=np.float64)
        if y is not None:
            labels = column_or_1d(np.asarray(y))
            if len(labels) != len(data) or not np.isin(labels, [0, 1]).all():
                raise UserError(
                    "IsolationForestAnomaly: y must hold one label per row, 0 (good) or 1 (defect); got "
                    f"{len(labels)} labels for {len(data)} rows with values {np.unique(labels.astype(str))[:5]}."
                )
            data = data[labels == 0]
            if len(data) == 0:
                raise UserError("IsolationForestAnomaly needs good rows (y == 0) to learn from; y has none.")
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

    def fit(self, X: Any, y: Any, **fit_params: Any) -> Resampled:
        labels = column_or_1d(np.asarray(y))
        rows = _balanced_rows(labels, self.strategy, check_random_state(self.random_state))
        sampled = X.iloc[rows] if isinstance(X, pd.DataFrame) else np.asarray(X)[rows]
        if fit_params.get("sample_weight") is not None:
            fit_params["sample_weight"] = np.asarray(fit_params["sample_weight"])[rows]
        self.estimator_ = clone(self.estimator).fit(sampled, labels[rows], **fit_params)
        self.classes_ = self.estimator_.classes_
        self.n_resampled_ = len(rows)
        return self

    def predict(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict(X)

    @available_if(_inner_has("predict_proba"))
    def predict_proba(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict_proba(X)

    @available_if(_inner_has("decision_function"))
    def decision_function(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "estimator_")
        return self.estimator_.decision_function(X)


def _balanced_rows(labels: np.ndarray, strategy: str, rng: np.random.RandomState) -> np.ndarray:
    """Sorted row indices in which every class appears equally often."""
    classes, counts = np.unique(labels, return_counts=True)
    if strategy == "oversample":
        target = counts.max()
    elif strategy == "undersample":
        target = counts.min()
    else:
        raise ValueError(f"strategy={strategy!r}: expected 'oversample' or 'undersample'")
    parts = []
    for label, count in zip(classes, counts, strict=True):
        rows = np.flatnonzero(labels == label)
        if count < target:
            parts += [rows, rng.choice(rows, size=target - count, replace=True)]
        else:
            parts.append(rng.choice(rows, size=target, replace=False) if count > target else rows)
    return np.sort(np.concatenate(parts))
