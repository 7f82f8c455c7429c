"""k nearest neighbours on scaled features."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from axpoc.config import Task
from axpoc.i18n import SkipReason
from axpoc.models.families._base import CLASSIFICATION, SUPERVISED, Family

if TYPE_CHECKING:
    import optuna


class KNN(Family):
    """k nearest neighbours on scaled features; no class weights (use resampling for rare classes).

    Defaults: n_neighbors = sqrt(rows) / 2 clipped to [3, 30], distance weighting.
    """

    def defaults(
        self, *, task: Task, n_rows: int, n_features: int, n_classes: int, curve_length: int | None = None
    ) -> dict[str, Any]:
        return {"n_neighbors": int(np.clip(round(math.sqrt(n_rows) / 2), 3, 30)), "weights": "distance"}

    def space(self, trial: optuna.Trial, *, task: Task, n_rows: int) -> dict[str, Any]:
        return {
            "n_neighbors": trial.suggest_int("n_neighbors", 1, max(2, min(50, n_rows // 5))),
            "weights": trial.suggest_categorical("weights", ["uniform", "distance"]),
            "p": trial.suggest_categorical("p", [1, 2]),
        }

    def make_estimator(self, *, task: Task, random_state: int, n_jobs: int, class_weight: str | None) -> Any:
        from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor

        cls = KNeighborsClassifier if task in CLASSIFICATION else KNeighborsRegressor
        return cls(n_jobs=n_jobs)


FAMILY = KNN(
    "knn",
    "k-NN",
    SUPERVISED,
    why_ko="최근접 이웃: 비슷한 과거 부품으로 판단",
    why_en="nearest neighbours: judges by similar past parts",
    needs_scaling=True,
    max_rows=100_000,
    max_rows_reason=SkipReason("all_pairs"),
)
