"""A PyTorch 1D-CNN that reads the raw sensor curves."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from axpoc.config import Task
from axpoc.models.families._base import CLASSIFICATION, SUPERVISED, Family, size_tier
from axpoc.models.families._torch_training import (
    TORCH_REQUIREMENTS,
    torch_common,
    torch_space,
    torch_training,
)

if TYPE_CHECKING:
    import optuna


class CNN1D(Family):
    """PyTorch 1D-CNN over the raw sensor curves (resampled inside to ``length`` points) plus scalars.

    Defaults: length = the data's median curve length clipped to [16, 256] (128 when unknown);
    n_filters 8/16/32 and kernel_size 5/7/7 for tiny/small/large; n_blocks 2 on tiny data, else 3,
    fewer when the curve is too short to halve that often; training as the MLP.
    """

    def defaults(
        self, *, task: Task, n_rows: int, n_features: int, n_classes: int, curve_length: int | None = None
    ) -> dict[str, Any]:
        tier = size_tier(n_rows)
        length = int(np.clip(curve_length or 128, 16, 256))
        blocks = min(2 if tier == "tiny" else 3, int(math.log2(length / 4)))
        return {
            "length": length,
            "n_filters": {"tiny": 8, "small": 16, "large": 32}[tier],
            "kernel_size": 5 if tier == "tiny" else 7,
            "n_blocks": blocks,
            **torch_training(n_rows),
        }

    def space(self, trial: optuna.Trial, *, task: Task, n_rows: int) -> dict[str, Any]:
        return {
            "n_filters": trial.suggest_categorical("n_filters", [8, 16, 32]),
            "kernel_size": trial.suggest_categorical("kernel_size", [3, 5, 7, 9]),
            "n_blocks": trial.suggest_int("n_blocks", 1, 3),
            **torch_space(trial, n_rows),
        }

    def make_estimator(self, *, task: Task, random_state: int, n_jobs: int, class_weight: str | None) -> Any:
        from axpoc.models._torch import TorchCNN1DClassifier, TorchCNN1DRegressor

        if task in CLASSIFICATION:
            return TorchCNN1DClassifier(class_weight=class_weight, **torch_common(random_state, n_jobs))
        return TorchCNN1DRegressor(**torch_common(random_state, n_jobs))


FAMILY = CNN1D(
    "cnn1d",
    "1D-CNN (PyTorch)",
    SUPERVISED,
    why_ko="센서 곡선을 직접 읽는 1D-CNN",
    why_en="a 1D-CNN reading the sensor curves directly",
    uses_curves=True,
    min_rows=20,
    pip_requirements=TORCH_REQUIREMENTS,
)
