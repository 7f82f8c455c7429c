"""Small models with one informative column, fitted once per session (a few hundred rows, few trees)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from explain_toys import TREES, fit_model, parts


@pytest.fixture(scope="session")
def toy() -> dict[str, Any]:
    """Training parts, a binary label and a value that rise with the temperature only."""
    frame = parts(400, seed=1)
    rng = np.random.default_rng(2)
    value = (frame["금형온도"] - 210.0) / 10.0
    return {
        "frame": frame,
        "binary": (rng.uniform(size=len(frame)) < 1 / (1 + np.exp(-2 * value))).astype(int),
        "regression": value.to_numpy() + rng.normal(0.0, 0.1, len(frame)),
        "multiclass": np.digitize(value.to_numpy(), [-1.0, 1.0]),
    }


@pytest.fixture(scope="session")
def model(toy: dict[str, Any]) -> Callable[[str, str], Any]:
    """``model(family, task)``: fitted once per pair in the session."""
    fitted: dict[tuple[str, str], Any] = {}

    def get(family: str, task: str) -> Any:
        if (family, task) not in fitted:
            params = TREES if family == "lightgbm" else {}
            fitted[family, task] = fit_model(family, task, toy["frame"], toy[task], params)
        return fitted[family, task]

    return get
