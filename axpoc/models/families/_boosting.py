"""Size-adaptive leaf sizes and class-weight choices shared by the boosting families."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from axpoc.config import Task
from axpoc.models.families._base import CLASSIFICATION

if TYPE_CHECKING:
    import optuna


def min_leaf(n_rows: int, n_classes: int) -> int:
    """Rows per leaf for boosting: the libraries' 20 from 500 rows per class, down to 3 on tiny data."""
    return int(np.clip(n_rows / max(n_classes, 1) // 25, 3, 20))


def boosting_class_weight(task: Task) -> dict[str, Any]:
    """Binary boosting starts unweighted, whatever the comparison chose for rare defects.

    The decision threshold is chosen afterwards on the out-of-fold probabilities and the costs, and
    "balanced" weights (x15 for 3.4 % defects) distort exactly those probabilities: on ai4i2020 they
    cost LightGBM and HistGradientBoosting 0.01-0.02 average precision, in cross-validation and on the
    test part alike. A multiclass model decides by argmax, where weights lift the rare classes, so
    there the comparison's choice stands. Tuning tries both either way (`class_weight_space`).
    """
    return {"class_weight": None} if task == "binary" else {}


def class_weight_space(trial: optuna.Trial, task: Task) -> dict[str, Any]:
    """Whether "balanced" class weights help boosting is tuned, not assumed (classification only).

    With ``tuning.resample`` a trial may then weight the resampled classes too; cross-validation judges it.
    """
    if task not in CLASSIFICATION:
        return {}
    return {"class_weight": trial.suggest_categorical("class_weight", ["balanced", None])}
