"""Scoring inside cross-validation: each KPI's own evaluator (`axpoc.kpi.Kpi.evaluator`) on the model's raw
output, the one the KPI table uses; one primary KPI ranks.

The decision threshold of a binary or anomaly model is chosen after the comparison, from the winner's
out-of-fold outputs, so a KPI that reads labels is scored here at the fixed threshold
``P(defect) >= 0.5`` and named so in the leaderboard: ``f1@0.5``, never plain ``f1`` (which the KPI table
reports at the chosen threshold).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from axpoc.kpi import KPIS, point_metric

Output = np.ndarray
"""Binary/anomaly: P(defect) per row. Multiclass: class-probability matrix. Regression: predicted values."""

DEFAULT_PRIMARY = {
    "binary": "average_precision",
    "anomaly": "average_precision",
    "multiclass": "macro_f1",
    "regression": "rmse",
}
FIXED_THRESHOLD = 0.5
"""P(defect) at or above which a binary or anomaly model's output counts as a flag while comparing."""


def leaderboard_name(task: str, kpi: str) -> str:
    """The leaderboard's name for KPI ``kpi``: its own, or ``kpi@0.5`` when it reads labels that a binary or
    anomaly model only has at the fixed threshold :data:`FIXED_THRESHOLD`."""
    if KPIS[kpi].reads == "labels" and task in ("binary", "anomaly"):
        return f"{kpi}@{FIXED_THRESHOLD:g}"
    return kpi


def kpi_of(column: str) -> str:
    """The KPI a leaderboard column measures (``f1@0.5`` -> ``f1``)."""
    return column.split("@", 1)[0]


@dataclass(frozen=True)
class Scorer:
    """The leaderboard's KPIs of one task (``Kpi.leaderboard``); ``primary`` (a leaderboard name) ranks."""

    task: str
    primary: str

    @classmethod
    def for_task(cls, task: str, primary: str | None = None) -> Scorer:
        """The scorer ranking by KPI ``primary`` (default: the task's :data:`DEFAULT_PRIMARY`)."""
        primary = primary or DEFAULT_PRIMARY[task]
        rankable = _rankable(task)
        if primary not in rankable:
            from axpoc.errors import ConfigError

            raise ConfigError(
                f"kpi.primary: '{primary}' cannot rank {task} models; use one of {', '.join(rankable)}."
            )
        return cls(task=task, primary=leaderboard_name(task, primary))

    @property
    def names(self) -> list[str]:
        """Every leaderboard column of the task, primary first."""
        names = [leaderboard_name(self.task, kpi) for kpi in _rankable(self.task)]
        return [self.primary, *[n for n in names if n != self.primary]]

    @property
    def higher_is_better(self) -> bool:
        return KPIS[kpi_of(self.primary)].higher_is_better

    def score(self, y: np.ndarray, out: Output, classes: np.ndarray, name: str | None = None) -> float:
        """Leaderboard column ``name`` (default: the primary) of raw output ``out``; NaN when undefined."""
        kpi = KPIS[kpi_of(name or self.primary)]
        if kpi.reads == "scores" or self.task == "regression":
            given = out
        elif self.task == "multiclass":
            given = classes[np.argmax(out, axis=1)]
        else:
            given = (out >= FIXED_THRESHOLD).astype(int)
        labels = classes if self.task == "multiclass" else None
        return point_metric(kpi.name, y, given, labels=labels)

    def score_all(self, y: np.ndarray, out: Output, classes: np.ndarray) -> dict[str, float]:
        return {name: self.score(y, out, classes, name) for name in self.names}

    def better(self, a: float, b: float) -> bool:
        """Whether score ``a`` beats ``b`` (NaN never wins)."""
        if np.isnan(a):
            return False
        if np.isnan(b):
            return True
        return a > b if self.higher_is_better else a < b


def _rankable(task: str) -> list[str]:
    return [name for name, kpi in KPIS.items() if task in kpi.leaderboard]


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
