"""LightGBM: gradient-boosted trees, with exact SHAP contributions for explanations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from axpoc.config import Task
from axpoc.models.families._base import CLASSIFICATION, SUPERVISED, Family, pinned, size_tier
from axpoc.models.families._boosting import boosting_class_weight, class_weight_space, min_leaf

if TYPE_CHECKING:
    import optuna


class LightGBM(Family):
    """LightGBM, always with ``deterministic=True`` and ``force_row_wise=True`` so that the same data,
    seed and thread count give the same model (comparisons and retraining must be repeatable).

    Defaults: tiny data 100 trees at learning_rate 0.1, otherwise 300 (large: 500) at 0.05;
    num_leaves = rows / 20 clipped to [4, 31] (63 from 100,000 rows); min_child_samples = rows per
    class / 25 clipped to [3, 20]; colsample_bytree 0.8 except on tiny data; binary: no class weights
    (`boosting_class_weight`). Tuning also tries class weights on and off. Unlisted LightGBM
    parameters (e.g. ``max_bin``) are passed through to LightGBM, which checks them itself.
    """

    open_params: ClassVar[bool] = True

    def defaults(
        self, *, task: Task, n_rows: int, n_features: int, n_classes: int, curve_length: int | None = None
    ) -> dict[str, Any]:
        tier = size_tier(n_rows)
        return {
            "n_estimators": {"tiny": 100, "small": 300, "large": 500}[tier],
            "learning_rate": 0.1 if tier == "tiny" else 0.05,
            "num_leaves": 63 if n_rows >= 100_000 else int(np.clip(n_rows // 20, 4, 31)),
            "min_child_samples": min_leaf(n_rows, n_classes),
            "colsample_bytree": 1.0 if tier == "tiny" else 0.8,
            **boosting_class_weight(task),
        }

    def space(self, trial: optuna.Trial, *, task: Task, n_rows: int) -> dict[str, Any]:
        return {
            "n_estimators": trial.suggest_int("n_estimators", 50, 1000, log=True),
            "learning_rate": trial.suggest_float("learning_rate", 0.01, 0.3, log=True),
            "num_leaves": trial.suggest_int("num_leaves", 4, max(8, min(255, n_rows // 5)), log=True),
            "min_child_samples": trial.suggest_int(
                "min_child_samples", 2, max(3, min(100, n_rows // 10)), log=True
            ),
            "subsample": trial.suggest_float("subsample", 0.5, 1.0),
            "subsample_freq": 1,
            "colsample_bytree": trial.suggest_float("colsample_bytree", 0.4, 1.0),
            "reg_lambda": trial.suggest_float("reg_lambda", 1e-4, 10.0, log=True),
            **class_weight_space(trial, task),
        }

    def make_estimator(self, *, task: Task, random_state: int, n_jobs: int, class_weight: str | None) -> Any:
        from lightgbm import LGBMClassifier, LGBMRegressor

        common = {
            "random_state": random_state,
            "n_jobs": n_jobs,
            "verbose": -1,
            "deterministic": True,
            "force_row_wise": True,
        }
        if task in CLASSIFICATION:
            return LGBMClassifier(class_weight=class_weight, **common)
        return LGBMRegressor(**common)

    def contributions(self, model: Any, X: Any) -> np.ndarray | None:
        """Exact SHAP values from LightGBM's own ``pred_contrib`` (log-odds for classifiers)."""
        return np.asarray(model.predict(X, pred_contrib=True))


FAMILY = LightGBM(
    "lightgbm",
    "LightGBM",
    SUPERVISED,
    why_ko="빠르고 정확한 그래디언트 부스팅 트리: 표 형태 공정 데이터의 기본 강자",
    why_en="fast, accurate gradient-boosted trees: the usual strongest family on tabular process data",
    pip_requirements=(pinned("lightgbm"),),
    screen_rank=1,
)
