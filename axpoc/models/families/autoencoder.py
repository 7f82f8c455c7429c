"""A PyTorch autoencoder for anomaly detection, trained on good parts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from axpoc.config import Task
from axpoc.models.families._base import ANOMALY, Family
from axpoc.models.families._torch_training import (
    TORCH_REQUIREMENTS,
    torch_common,
    torch_space,
    torch_training,
)

if TYPE_CHECKING:
    import optuna


class Autoencoder(Family):
    """PyTorch autoencoder trained on good parts only (y == 0); reconstruction error = anomaly score.

    Defaults: encoding_dim = features / 3 clipped to [2, 16], one hidden layer of 4 x encoding_dim
    (at least 16), contamination_quantile 0.99; training as the MLP.
    """

    def defaults(
        self, *, task: Task, n_rows: int, n_features: int, n_classes: int, curve_length: int | None = None
    ) -> dict[str, Any]:
        encoding = int(np.clip(n_features // 3, 2, 16))
        return {
            "encoding_dim": encoding,
            "hidden": (max(16, 4 * encoding),),
            "contamination_quantile": 0.99,
            **torch_training(n_rows),
        }

    def space(self, trial: optuna.Trial, *, task: Task, n_rows: int) -> dict[str, Any]:
        return {
            "encoding_dim": trial.suggest_int("encoding_dim", 2, 16, log=True),
            "hidden": (trial.suggest_categorical("hidden_width", [16, 32, 64, 128]),),
            **torch_space(trial, n_rows),
        }

    def make_estimator(self, *, task: Task, random_state: int, n_jobs: int, class_weight: str | None) -> Any:
        from axpoc.models._torch import TorchAutoencoderAnomaly

        return TorchAutoencoderAnomaly(**torch_common(random_state, n_jobs))


FAMILY = Autoencoder(
    "autoencoder",
    "Autoencoder (PyTorch)",
    ANOMALY,
    why_ko="양품만으로 학습한 오토인코더: 재구성 오차로 이상 탐지",
    why_en="an autoencoder trained on good parts: flags parts it cannot reconstruct",
    needs_scaling=True,
    min_rows=20,
    pip_requirements=TORCH_REQUIREMENTS,
)
