"""Scoring inside cross-validation: one primary metric per task, computed from the model's raw output."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn import metrics

from axpoc.kpi import KPIS

Output = np.ndarray
"""Binary/anomaly: P(defect) per row. Multiclass: class-probability matrix. Regression: predicted values."""

DEFAULT_PRIMARY = {
    "binary": "average_precision",
    "anomaly": "average_precision",
    "multiclass": "macro_f1",
    "regression": "rmse",
}


def _binary(fn: Callable[..., float]) -> Callable[[np.ndarray, Output, np.ndarray], float]:
    def score(y: np.ndarray, out: Output, classes: np.ndarray) -> float:
        if len(np.unique(y)) < 2:
            return float("nan")
        return float(fn(y, out))

    return score


def _multi_labels(fn: Callable[..., float]) -> Callable[[np.ndarray, Output, np.ndarray], float]:
    def score(y: np.ndarray, out: Output, classes: np.ndarray) -> float:
        return float(fn(y, classes[np.argmax(out, axis=1)]))

    return score


def _multi_auc(y: np.ndarray, out: Output, classes: np.ndarray) -> float:
    present = np.isin(classes, np.unique(y))
    if present.sum() < 2:
        return float("nan")
    if not present.all():
        return float("nan")
    return float(metrics.roc_auc_score(y, out, multi_class="ovr", labels=classes))


def _multi_log_loss(y: np.ndarray, out: Output, classes: np.ndarray) -> float:
    return float(metrics.log_loss(y, np.clip(out, 1e-15, 1), labels=classes))


def _regression(fn: Callable[..., float]) -> Callable[[np.ndarray, Output, np.ndarray], float]:
    def score(y: np.ndarray, out: Output, classes: np.ndarray) -> float:
        return float(fn(y, out))

    return score


_SCORERS: dict[str, dict[str, Callable[[np.ndarray, Output, np.ndarray], float]]] = {
    "binary": {
        "average_precision": _binary(metrics.average_precision_score),
        "roc_auc": _binary(metrics.roc_auc_score),
        "brier": _binary(metrics.brier_score_loss),
        "log_loss": _binary(lambda y, p: metrics.log_loss(y, np.clip(p, 1e-15, 1 - 1e-15), labels=[0, 1])),
        "f1": _binary(lambda y, p: metrics.f1_score(y, p >= 0.5, zero_division=0)),
        "balanced_accuracy": _binary(lambda y, p: metrics.balanced_accuracy_score(y, p >= 0.5)),
    },
    "multiclass": {
        "macro_f1": _multi_labels(lambda y, p: metrics.f1_score(y, p, average="macro", zero_division=0)),
        "accuracy": _multi_labels(metrics.accuracy_score),
        "balanced_accuracy": _multi_labels(metrics.balanced_accuracy_score),
        "roc_auc": _multi_auc,
        "log_loss": _multi_log_loss,
    },
    "regression": {
        "rmse": _regression(metrics.root_mean_squared_error),
        "mae": _regression(metrics.mean_absolute_error),
        "r2": _regression(metrics.r2_score),
    },
}
_SCORERS["anomaly"] = {k: _SCORERS["binary"][k] for k in ("average_precision", "roc_auc")}


@dataclass(frozen=True)
class Scorer:
    """The metrics of one task; ``primary`` decides the ranking."""

    task: str
    primary: str

    @classmethod
    def for_task(cls, task: str, primary: str | None = None) -> Scorer:
        primary = primary or DEFAULT_PRIMARY[task]
        if primary not in _SCORERS[task]:
            from axpoc.errors import ConfigError

            raise ConfigError(
                f"kpi.primary: '{primary}' cannot rank {task} models; use one of {', '.join(_SCORERS[task])}."
            )
        return cls(task=task, primary=primary)

    @property
    def names(self) -> list[str]:
        return [self.primary, *[n for n in _SCORERS[self.task] if n != self.primary]]

    @property
    def higher_is_better(self) -> bool:
        return KPIS[self.primary].higher_is_better

    def score(self, y: np.ndarray, out: Output, classes: np.ndarray, name: str | None = None) -> float:
        return _SCORERS[self.task][name or self.primary](y, out, classes)

    def score_all(self, y: np.ndarray, out: Output, classes: np.ndarray) -> dict[str, float]:
        return {name: self.score(y, out, classes, name) for name in self.names}

    def better(self, a: float, b: float) -> bool:
        """Whether score ``a`` beats ``b`` (NaN never wins)."""
        if np.isnan(a):
            return False
        if np.isnan(b):
            return True
        return a > b if self.higher_is_better else a < b


def model_output(model: object, X: object, task: str) -> Output:
    """The raw output used for scoring: P(defect) for binary/anomaly, probabilities, or values."""
    if task == "regression":
        return np.asarray(model.predict(X), dtype=float)
    proba = np.asarray(model.predict_proba(X), dtype=float)
    if task in ("binary", "anomaly"):
        # A fold whose training rows hold one class gives a one-column model: P(defect) is 0 or 1 then.
        fitted = np.asarray(getattr(model, "classes_", [0, 1]))
        column = np.flatnonzero(fitted == 1)
        return proba[:, column[0]] if column.size else np.zeros(len(proba))
    return proba
