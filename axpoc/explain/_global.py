"""How much each column matters over a whole data set, and the model's average response to it (the report)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # the model object pulls scikit-learn in; explanations import lazily
    from axpoc.artifact import PocModel


class Scorer(Protocol):
    """What importance needs of a leaderboard scorer (`axpoc.compare.Scorer`): its primary KPI."""

    @property
    def higher_is_better(self) -> bool: ...

    def score(self, y: np.ndarray, out: Any, classes: np.ndarray) -> float: ...


def permutation_importance(
    model: PocModel,
    X: pd.DataFrame,
    y: np.ndarray,
    scorer: Scorer,
    *,
    n_repeats: int = 3,
    max_rows: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """Drop of the primary metric when one column is shuffled (curve columns shuffle whole curves).

    One row per feature column (``feature``, ``importance``, ``std`` over the repeats), most important first.
    """
    rng = np.random.default_rng(seed)
    if len(X) > max_rows:
        keep = np.sort(rng.choice(len(X), size=max_rows, replace=False))
        X, y = X.iloc[keep], y[keep]
    X = X.reset_index(drop=True)
    base = _score(model, X, y, scorer)
    sign = 1.0 if scorer.higher_is_better else -1.0
    rows = []
    for feature in model.features:
        drops = []
        for _ in range(n_repeats):
            shuffled = X.copy()
            shuffled[feature] = X[feature].to_numpy()[rng.permutation(len(X))]
            drops.append(sign * (base - _score(model, shuffled, y, scorer)))
        rows.append(
            {"feature": feature, "importance": float(np.nanmean(drops)), "std": float(np.nanstd(drops))}
        )
    return pd.DataFrame(rows).sort_values("importance", ascending=False, ignore_index=True)


def average_effects(
    model: PocModel,
    X: pd.DataFrame,
    features: list[str],
    *,
    grid: int = 12,
    max_rows: int = 300,
    seed: int = 0,
) -> dict[str, pd.DataFrame]:
    """Mean model score when a numeric feature is set to each grid value (partial dependence)."""
    rng = np.random.default_rng(seed)
    sample = X if len(X) <= max_rows else X.iloc[np.sort(rng.choice(len(X), size=max_rows, replace=False))]
    effects = {}
    for feature in features:
        values = pd.to_numeric(sample[feature], errors="coerce") if sample[feature].dtype != object else None
        if values is None or values.notna().sum() < 5:
            continue
        points = np.unique(np.nanquantile(values, np.linspace(0.05, 0.95, grid)))
        means = []
        for point in points:
            probe = sample.copy()
            probe[feature] = point
            means.append(float(model.predict_frame(probe)["score"].mean()))
        effects[feature] = pd.DataFrame({"value": points, "mean_prediction": means})
    return effects


def _score(model: PocModel, X: pd.DataFrame, y: np.ndarray, scorer: Scorer) -> float:
    """The primary metric of the model's output on ``X``: class probabilities for multiclass, else the score."""
    if model.task == "multiclass":
        out = np.asarray(model.estimator.predict_proba(X[model.features]), dtype=float)
    else:
        out = model.predict_frame(X)["score"].to_numpy(dtype=float)
    return scorer.score(y, out, np.asarray(model.classes))
