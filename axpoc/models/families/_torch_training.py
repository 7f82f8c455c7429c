"""Training defaults and search space shared by the PyTorch families (MLP, 1D-CNN, autoencoder)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from axpoc.models.families._base import Tier, pinned, size_tier

if TYPE_CHECKING:
    import optuna

TORCH_REQUIREMENTS = (pinned("torch"),)

TORCH_TRAINING: dict[Tier, dict[str, Any]] = {
    "tiny": {
        "batch_size": 16,
        "learning_rate": 3e-3,
        "weight_decay": 1e-3,
        "max_epochs": 300,
        "patience": 30,
    },
    "small": {
        "batch_size": 64,
        "learning_rate": 1e-3,
        "weight_decay": 1e-4,
        "max_epochs": 200,
        "patience": 15,
    },
    "large": {
        "batch_size": 256,
        "learning_rate": 1e-3,
        "weight_decay": 1e-4,
        "max_epochs": 100,
        "patience": 10,
    },
}
"""Training defaults of the torch families per size tier (dropout 0.1 everywhere)."""


def torch_training(n_rows: int) -> dict[str, Any]:
    return {"dropout": 0.1, **TORCH_TRAINING[size_tier(n_rows)]}


def torch_space(trial: optuna.Trial, n_rows: int) -> dict[str, Any]:
    batch = TORCH_TRAINING[size_tier(n_rows)]["batch_size"]
    return {
        "dropout": trial.suggest_float("dropout", 0.0, 0.5),
        "learning_rate": trial.suggest_float("learning_rate", 1e-4, 1e-2, log=True),
        "weight_decay": trial.suggest_float("weight_decay", 1e-6, 1e-2, log=True),
        "batch_size": trial.suggest_categorical("batch_size", [batch // 2, batch, batch * 2]),
    }


def torch_common(random_state: int, n_jobs: int) -> dict[str, Any]:
    """Seed, threads (n_jobs < 1: torch's own default) and device ("auto": CUDA when present)."""
    return {"random_state": random_state, "n_threads": n_jobs if n_jobs >= 1 else None, "device": "auto"}
