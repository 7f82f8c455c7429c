"""Random forest and extra trees share one family class; `extra` picks the tree kind."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from axpoc.config import Task
from axpoc.models.families._base import CLASSIFICATION, Family

if TYPE_CHECKING:
    import optuna


@dataclass(frozen=True)
class Forest(Family):
    """Random forest or extra trees.

    Defaults: 200 trees up to 100,000 rows, then 100 (one thread must finish); min_samples_leaf 1,
    rising by one per 10,000 rows up to 10; max_features the library's.
    """

    extra: bool = False

    def defaults(
        self, *, task: Task, n_rows: int, n_features: int, n_classes: int, curve_length: int | None = None
    ) -> dict[str, Any]:
        trees = 200 if n_rows <= 100_000 else 100
        return {"n_estimators": trees, "min_samples_leaf": int(np.clip(n_rows // 10_000, 1, 10))}

    def space(self, trial: optuna.Trial, *, task: Task, n_rows: int) -> dict[str, Any]:
        return {
            "n_estimators": trial.suggest_int("n_estimators", 100, 500, step=50),
            "max_depth": trial.suggest_int("max_depth", 2, 32, log=True),
            "min_samples_leaf": trial.suggest_int(
                "min_samples_leaf", 1, max(2, min(50, n_rows // 20)), log=True
            ),
            "max_features": trial.suggest_float("max_features", 0.1, 1.0),
        }

    def make_estimator(self, *, task: Task, random_state: int, n_jobs: int, class_weight: str | None) -> Any:
        from sklearn import ensemble

        kind = "ExtraTrees" if self.extra else "RandomForest"
        if task in CLASSIFICATION:
            return getattr(ensemble, f"{kind}Classifier")(
                n_jobs=n_jobs, random_state=random_state, class_weight=class_weight
            )
        return getattr(ensemble, f"{kind}Regressor")(n_jobs=n_jobs, random_state=random_state)
