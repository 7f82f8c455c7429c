"""Candidate model families, the preprocessing inside each model pipeline, and the PyTorch estimators.

The torch estimators are loaded on first access, so ``import axpoc.models`` stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

from axpoc.i18n import SkipReason
from axpoc.models._adapters import EstimatorInputError, IsolationForestAnomaly, Resampled
from axpoc.models._ensemble import BlendClassifier, BlendRegressor
from axpoc.models._pipeline import DataShape, build_pipeline, data_shape, nested_estimators
from axpoc.models._preprocess import Preprocessor, build_preprocessor
from axpoc.models.families import (
    ANOMALY,
    CLASSIFICATION,
    FAMILIES,
    SUPERVISED,
    Family,
    get_family,
    register_family,
    size_tier,
)

_TORCH_NAMES = (
    "TorchAutoencoderAnomaly",
    "TorchCNN1DClassifier",
    "TorchCNN1DRegressor",
    "TorchInputError",
    "TorchMLPClassifier",
    "TorchMLPRegressor",
)

__all__ = [
    "ANOMALY",
    "CLASSIFICATION",
    "FAMILIES",
    "SUPERVISED",
    "BlendClassifier",
    "BlendRegressor",
    "DataShape",
    "EstimatorInputError",
    "Family",
    "IsolationForestAnomaly",
    "Preprocessor",
    "Resampled",
    "SkipReason",
    "build_pipeline",
    "build_preprocessor",
    "data_shape",
    "get_family",
    "nested_estimators",
    "register_family",
    "size_tier",
    *_TORCH_NAMES,
]


def __getattr__(name: str) -> Any:
    if name in _TORCH_NAMES:
        return getattr(importlib.import_module("axpoc.models._torch"), name)
    raise AttributeError(f"module 'axpoc.models' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
