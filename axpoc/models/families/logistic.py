"""Logistic regression: the linear baseline for classification."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from axpoc.config import Task
from axpoc.models.families._base import CLASSIFICATION, Family

if TYPE_CHECKING:
    import optuna


class Logistic(Family):
    """L2 logistic regression (lbfgs). Defaults: C=1, max_iter=1000 at every size."""

    def defaults(
        self, *, task: Task, n_rows: int, n_features: int, n_classes: int, curve_length: int | None = None
    ) -> dict[str, Any]:
        return {"C": 1.0, "max_iter": 1000}

    def space(self, trial: optuna.Trial, *, task: Task, n_rows: int) -> dict[str, Any]:
        return {"C": trial.suggest_float("C", 1e-3, 1e2, log=True)}

    def make_estimator(self, *, task: Task, random_state: int, n_jobs: int, class_weight: str | None) -> Any:
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(class_weight=class_weight, random_state=random_state)


FAMILY = Logistic(
    "logistic",
    "Logistic regression",
    CLASSIFICATION,
    why_ko="선형 모델: 해석이 쉽고 데이터가 적을 때 강함",
    why_en="a linear model: easy to explain, strong on small data",
    needs_scaling=True,
)
