"""The model artifact is ONE object: preprocessing + estimator + decision rule (+ contract, + routing).

Training evaluation, batch scoring, HTTP serving and retraining all call :meth:`PocModel.predict_frame`,
so there is no train/serve skew. Everything here is pickled into the registered model, so it lives in
axpoc (never in ``pipelines/``) and depends only on scikit-learn-compatible estimators.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin

OUTPUT_COLUMNS = ("score", "prediction", "decision")


class OofCalibratedClassifier(ClassifierMixin, BaseEstimator):
    """A fitted binary classifier whose P(positive) goes through a calibrator (``.transform``) fitted on OOF outputs.

    Calibrating on out-of-fold outputs of the training part avoids the optimism of in-sample
    probabilities. Both parts are fitted elsewhere, so there is nothing to fit here: build it with
    `from_fitted` (then ``FrozenEstimator`` and ``FixedThresholdClassifier`` can wrap it as it is).
    """

    def __init__(self, estimator: Any = None, calibrator: Any = None) -> None:
        self.estimator = estimator
        self.calibrator = calibrator

    @classmethod
    def from_fitted(cls, estimator: Any, calibrator: Any, *, classes: Any = None) -> OofCalibratedClassifier:
        """The composition of a fitted binary ``estimator`` and a fitted ``calibrator``, itself fitted.

        ``classes``: the estimator's classes when it has no ``classes_`` of its own (a replay of stored outputs).
        """
        composed = cls(estimator, calibrator)
        composed.classes_ = np.asarray(estimator.classes_ if classes is None else classes)
        return composed

    def fit(self, X: Any, y: Any = None) -> OofCalibratedClassifier:
        """Refused: the calibrator learned from out-of-fold outputs, which ``X`` and ``y`` cannot give."""
        raise TypeError(
            "OofCalibratedClassifier is composed of parts fitted elsewhere; build it with "
            "OofCalibratedClassifier.from_fitted(estimator, calibrator) and wrap it in FrozenEstimator."
        )

    def predict_proba(self, X: Any) -> np.ndarray:
        raw = np.asarray(self.estimator.predict_proba(X), dtype=float)[:, 1]
        p = raw if self.calibrator is None else np.clip(self.calibrator.transform(raw), 0.0, 1.0)
        return np.column_stack([1 - p, p])

    def predict(self, X: Any) -> np.ndarray:
        return self.classes_[(self.predict_proba(X)[:, 1] >= 0.5).astype(int)]


@dataclass
class PocModel:
    """What a registered version holds; ``predict_frame`` is the only way to score."""

    estimator: Any
    task: str
    features: list[str]
    target: str
    family: str
    classes: list[Any] = field(default_factory=list)
    positive_label: Any = None
    negative_label: Any = None
    defect_classes: list[Any] = field(default_factory=list)
    threshold: float | None = None
    calibrated: bool = False
    spec: dict[str, float | None] | None = None
    guard_band: float = 0.0
    id_column: str | None = None
    product_column: str | None = None
    routes: dict[Any, Any] = field(default_factory=dict)
    contract_json: str | None = None
    axpoc_version: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)

    def _raw_scores(self, estimator: Any, X: pd.DataFrame) -> tuple[np.ndarray, np.ndarray | None]:
        """(score, class probabilities or None)."""
        if self.task == "regression":
            return np.asarray(estimator.predict(X), dtype=float), None
        proba = np.asarray(estimator.predict_proba(X), dtype=float)
        if self.task == "multiclass":
            defect_idx = [self.classes.index(c) for c in self.defect_classes if c in self.classes]
            score = proba[:, defect_idx].sum(axis=1) if defect_idx else 1 - proba.max(axis=1)
            return score, proba
        return proba[:, 1], proba

    @property
    def input_columns(self) -> list[str]:
        """What scoring reads: the features, plus the product column when it routes rows but is no feature."""
        routing = self.routes and self.product_column and self.product_column not in self.features
        return [*self.features, self.product_column] if routing else list(self.features)

    def _scores(
        self, X: pd.DataFrame, products: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Each row by its product's sub-model (``routes``); other products and rows without by the shared one."""
        if not self.routes or self.product_column is None:
            return self._raw_scores(self.estimator, X)
        score = np.empty(len(X))
        proba = np.empty((len(X), len(self.classes))) if self.task == "multiclass" else None
        if products is None:
            products = np.full(len(X), None)
        routed = np.zeros(len(X), dtype=bool)
        for product, estimator in self.routes.items():
            mask = products == product
            if mask.any():
                s, p = self._raw_scores(estimator, X.loc[mask])
                score[mask], routed[mask] = s, True
                if proba is not None:
                    proba[mask] = p
        if (~routed).any():
            s, p = self._raw_scores(self.estimator, X.loc[~routed])
            score[~routed] = s
            if proba is not None:
                proba[~routed] = p
        return score, proba

    def decide(self, score: np.ndarray, proba: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """(prediction, decision) where decision = flag the part as a (likely) defect."""
        if self.task == "regression":
            lsl, usl = (self.spec or {}).get("lsl"), (self.spec or {}).get("usl")
            flag = np.zeros(len(score), dtype=bool)
            if lsl is not None:
                flag |= score < lsl + self.guard_band
            if usl is not None:
                flag |= score > usl - self.guard_band
            return score, flag
        if self.task == "multiclass":
            prediction = np.asarray(self.classes, dtype=object)[np.argmax(proba, axis=1)]
            return prediction, np.isin(prediction, self.defect_classes)
        threshold = 0.5 if self.threshold is None else self.threshold
        flag = score >= threshold
        prediction = np.where(flag, self.positive_label, self.negative_label)
        return prediction, flag

    def predict_frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        """score (P(defect), anomaly score or value), prediction (label/value), decision (flag)."""
        missing = [c for c in self.features if c not in frame.columns]
        if missing:
            raise KeyError(f"input lacks the model's columns: {', '.join(map(str, missing))}")
        X = frame[self.features]
        if X.empty:  # a chunk whose rows were all rejected; estimators refuse zero rows
            empty = np.array([], dtype=object if self.task == "multiclass" else float)
            return pd.DataFrame(
                {
                    "score": np.array([], dtype=float),
                    "prediction": empty,
                    "decision": np.array([], dtype=bool),
                },
                index=frame.index,
            )
        products = frame[self.product_column].to_numpy() if self.product_column in frame.columns else None
        score, proba = self._scores(X, products)
        prediction, decision = self.decide(score, proba)
        return pd.DataFrame(
            {"score": score, "prediction": prediction, "decision": decision.astype(bool)}, index=frame.index
        )

    def input_example(self, frame: pd.DataFrame, n: int = 3) -> pd.DataFrame:
        return frame[self.features].head(n)
