"""Ridge regression: the linear baseline for regression."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from axpoc.config import Task
from axpoc.models.families._base import Family

if TYPE_CHECKING:
    import optuna


class Ridge(Family):
    """Ridge regression. Default alpha=1 at every size."""

    def defaults(
        self, *, task: Task, n_rows: int, n_features: int, n_classes: int, curve_length: int | None = None
    ) -> dict[str, Any]:
        return {"alpha": 1.0}

    def space(self, trial: optuna.Trial, *, task: Task, n_rows: int) -> dict[str, Any]:
        return {"alpha": trial.suggest_float("alpha", 1e-3, 1e3, log=True)}

    def make_estimator(self, *, task: Task, random_state: int, n_jobs: int, class_weight: str | None) -> Any:
        from sklearn.linear_model import Ridge

        return Ridge(random_state=random_state)


FAMILY = Ridge(
    "ridge",
    "Ridge regression",
    frozenset({"regression"}),
    why_ko="정규화된 선형 회귀: 해석이 쉬움",
    why_en="regularised linear regression: easy to explain",
    needs_scaling=True,
)
