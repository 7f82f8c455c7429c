"""Kernel SVM for small data (calibrated SVC, SVR on a standardised target)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from axpoc.config import Task
from axpoc.i18n import SkipReason
from axpoc.models.families._base import CLASSIFICATION, SUPERVISED, Family

if TYPE_CHECKING:
    import optuna


KERNEL_PARAMS = frozenset(
    {"C", "gamma", "epsilon", "kernel", "degree", "coef0", "shrinking", "tol", "max_iter"}
)


class SVM(Family):
    """RBF-kernel SVM for small data.

    Classification: ``CalibratedClassifierCV(SVC(), method="sigmoid", cv=3, ensemble=False)``, the
    replacement scikit-learn 1.9 names for the deprecated ``SVC(probability=True)``: one SVC on all
    rows plus a Platt sigmoid fitted on 3-fold out-of-fold decision values, so ``predict_proba`` and
    ``predict`` agree and the thresholds chosen on probabilities are honest (3 folds need 3 rows of
    each class, which an outer 5-fold stratified split already guarantees). Regression: SVR on a
    standardised target (``TransformedTargetRegressor``), so ``epsilon`` means the same for any unit.
    Parameters are given by their SVC/SVR names (``C``, ``gamma``, ``epsilon``). Defaults: C=1,
    gamma="scale" at every size.
    """

    def defaults(
        self, *, task: Task, n_rows: int, n_features: int, n_classes: int, curve_length: int | None = None
    ) -> dict[str, Any]:
        return {"C": 1.0, "gamma": "scale", **({"epsilon": 0.1} if task == "regression" else {})}

    def space(self, trial: optuna.Trial, *, task: Task, n_rows: int) -> dict[str, Any]:
        params = {
            "C": trial.suggest_float("C", 1e-2, 1e3, log=True),
            "gamma": trial.suggest_float("gamma", 1e-4, 1.0, log=True),
        }
        if task == "regression":
            params["epsilon"] = trial.suggest_float("epsilon", 0.01, 1.0, log=True)
        return params

    def make_estimator(self, *, task: Task, random_state: int, n_jobs: int, class_weight: str | None) -> Any:
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.compose import TransformedTargetRegressor
        from sklearn.preprocessing import StandardScaler
        from sklearn.svm import SVC, SVR

        if task in CLASSIFICATION:
            svc = SVC(class_weight=class_weight, random_state=random_state)
            return CalibratedClassifierCV(svc, method="sigmoid", cv=3, ensemble=False)
        return TransformedTargetRegressor(regressor=SVR(), transformer=StandardScaler())

    def route_param(self, key: str, task: Task) -> str:
        if key not in KERNEL_PARAMS:
            return key
        return f"{'estimator' if task in CLASSIFICATION else 'regressor'}__{key}"


FAMILY = SVM(
    "svm",
    "SVM",
    SUPERVISED,
    why_ko="커널 SVM: 작은 데이터에서 비선형 경계",
    why_en="kernel SVM: non-linear boundaries on small data",
    needs_scaling=True,
    max_rows=20_000,
    max_rows_reason=SkipReason("quadratic_time"),
)
