"""Toy parts whose only informative column is the mold temperature, and models fitted as the flow fits them."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

FEATURES = ["금형온도", "잡음", "재질"]
"""The mold temperature drives the target; the noise and the material do not."""


def parts(n: int, *, seed: int) -> pd.DataFrame:
    """Parts with a uniform temperature, a noise column with gaps and a three-level material with gaps."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "금형온도": rng.uniform(180.0, 240.0, n),
            "잡음": rng.normal(0.0, 1.0, n),
            "재질": rng.choice(["A", "B", "C"], n).astype(object),
        }
    )
    frame.loc[frame.index % 17 == 3, "잡음"] = np.nan  # a missing-value indicator column
    frame.loc[frame.index % 23 == 5, "재질"] = None  # a "(missing)" level
    return frame


def fit_model(
    family: str, task: str, frame: pd.DataFrame, y: np.ndarray, params: dict[str, Any] | None = None
) -> Any:
    """A PocModel of ``family`` fitted on ``frame``, as the flow builds it (Preprocessor + estimator)."""
    from axpoc.artifact import PocModel
    from axpoc.models import build_pipeline

    pipeline = build_pipeline(family, params or {}, frame=frame, features=FEATURES, task=task, n_jobs=1)
    pipeline.fit(frame[FEATURES], y)
    classes = sorted(set(y.tolist())) if task != "regression" else []
    return PocModel(
        estimator=pipeline,
        task=task,
        features=list(FEATURES),
        target="y",
        family=family,
        classes=classes,
        positive_label=1 if task == "binary" else None,
        negative_label=0 if task == "binary" else None,
    )


TREES = {"n_estimators": 60, "num_leaves": 7, "min_child_samples": 10, "learning_rate": 0.1}
