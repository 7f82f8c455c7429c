"""A PyTorch multi-layer perceptron on scaled tabular features."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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


class MLP(Family):
    """PyTorch MLP on scaled tabular features (and curve features).

    Defaults per tier: hidden layers (32,) tiny, (64, 32) small, (128, 64) large; batch 16/64/256,
    learning_rate 3e-3/1e-3/1e-3, weight_decay 1e-3/1e-4/1e-4, max_epochs 300/200/100 with early
    stopping patience 30/15/10. Tuning draws ``n_layers`` (1-3) and ``width``; layers halve in width.
    """

    def defaults(
        self, *, task: Task, n_rows: int, n_features: int, n_classes: int, curve_length: int | None = None
    ) -> dict[str, Any]:
        hidden = {"tiny": (32,), "small": (64, 32), "large": (128, 64)}[size_tier(n_rows)]
        return {"hidden_layer_sizes": hidden, **torch_training(n_rows)}

    def space(self, trial: optuna.Trial, *, task: Task, n_rows: int) -> dict[str, Any]:
        layers = trial.suggest_int("n_layers", 1, 3)
        width = trial.suggest_categorical("width", [16, 32, 64, 128, 256])
        hidden = tuple(max(8, width // 2**i) for i in range(layers))
        return {"hidden_layer_sizes": hidden, **torch_space(trial, n_rows)}

    def make_estimator(self, *, task: Task, random_state: int, n_jobs: int, class_weight: str | None) -> Any:
        from axpoc.models._torch import TorchMLPClassifier, TorchMLPRegressor

        if task in CLASSIFICATION:
            return TorchMLPClassifier(class_weight=class_weight, **torch_common(random_state, n_jobs))
        return TorchMLPRegressor(**torch_common(random_state, n_jobs))


FAMILY = MLP(
    "mlp",
    "MLP (PyTorch)",
    SUPERVISED,
    why_ko="다층 퍼셉트론(MLP) 신경망",
    why_en="a multi-layer perceptron neural network",
    needs_scaling=True,
    min_rows=20,
    pip_requirements=TORCH_REQUIREMENTS,
)
