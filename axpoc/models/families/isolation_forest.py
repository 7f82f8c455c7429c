"""Isolation forest for anomaly detection."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from axpoc.config import Task
from axpoc.models.families._base import ANOMALY, Family, size_tier

if TYPE_CHECKING:
    import optuna


class IsolationForest(Family):
    """Isolation forest on good parts only (`IsolationForestAnomaly`: higher score = more anomalous).

    Defaults: 100 trees on tiny data, else 200; max_samples "auto" (256 rows per tree);
    contamination_quantile 0.99.
    """

    def defaults(
        self, *, task: Task, n_rows: int, n_features: int, n_classes: int, curve_length: int | None = None
    ) -> dict[str, Any]:
        trees = 100 if size_tier(n_rows) == "tiny" else 200
        return {"n_estimators": trees, "max_samples": "auto", "contamination_quantile": 0.99}

    def space(self, trial: optuna.Trial, *, task: Task, n_rows: int) -> dict[str, Any]:
        return {
            "n_estimators": trial.suggest_int("n_estimators", 100, 500, step=50),
            "max_samples": trial.suggest_float("max_samples", 0.1, 1.0),
            "max_features": trial.suggest_float("max_features", 0.5, 1.0),
        }

    def make_estimator(self, *, task: Task, random_state: int, n_jobs: int, class_weight: str | None) -> Any:
        from axpoc.models._adapters import IsolationForestAnomaly

        return IsolationForestAnomaly(random_state=random_state, n_jobs=n_jobs)


FAMILY = IsolationForest(
    "isolation_forest",
    "Isolation forest",
    ANOMALY,
    why_ko="아이솔레이션 포레스트: 레이블 없이 이상 탐지",
    why_en="isolation forest: anomaly detection without labels",
)
