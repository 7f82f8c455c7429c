"""Each row's contribution of each of the user's columns to its score."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # the model object pulls scikit-learn in; explanations import lazily
    from axpoc.artifact import PocModel


@dataclass(frozen=True)
class Contributions:
    """Rows x ``columns`` contributions to each row's score, by ``method``.

    ``exact``: the family's own values (`Family.contributions`; LightGBM: SHAP) in the model's raw units,
    log-odds for classifiers (before calibration), target units for regression; they add up to the raw
    score minus a base value. ``occlusion``: the score minus the score with that column set missing
    (which the pipeline fills with the training median or the "(missing)" level), in score units.
    """

    columns: list[str]
    values: np.ndarray
    method: Literal["exact", "occlusion"]

    def top(self, n: int, *, index: pd.Index) -> pd.DataFrame:
        """``top1_feature``, ``top1_contribution``, ... per row, ranked by absolute contribution."""
        n = min(n, len(self.columns))
        order = np.argsort(-np.abs(self.values), axis=1, kind="stable")[:, :n]
        labels = np.asarray(self.columns, dtype=object)[order]
        picked = np.take_along_axis(self.values, order, axis=1)
        out: dict[str, Any] = {}
        for i in range(n):
            out[f"top{i + 1}_feature"] = labels[:, i]
            out[f"top{i + 1}_contribution"] = picked[:, i]
        return pd.DataFrame(out, index=index)


def contributions(model: PocModel, frame: pd.DataFrame) -> Contributions:
    """Each row's contribution of each of the model's feature columns, exact where the family gives them.

    Exact needs a registered family with `Family.contributions` and one axpoc ``prep`` + ``model``
    pipeline inside the model; multiclass models give the predicted class's values. Blends of pipelines
    and per-product routed models get :func:`occlusion`.
    """
    parts = None if model.routes else _exact_parts(model)
    if parts is None:
        return occlusion(model, frame)
    family, prep, fitted = parts
    positional = prep.transform(frame[model.features])
    raw = family.contributions(fitted, positional)
    if raw is None:
        return occlusion(model, frame)
    width = positional.shape[1] + 1
    if raw.shape[1] > width:  # multiclass: one block per class, the predicted class's block
        blocks = raw.reshape(len(raw), -1, width)
        chosen = np.asarray(fitted.predict_proba(positional)).argmax(axis=1)
        raw = blocks[np.arange(len(raw)), chosen]
    sources = [prep.feature_sources_[name] for name in positional.columns]
    columns = list(dict.fromkeys(sources))
    summing = np.zeros((len(sources), len(columns)))
    summing[np.arange(len(sources)), [columns.index(s) for s in sources]] = 1.0
    return Contributions(columns, raw[:, : len(sources)] @ summing, "exact")


def occlusion(model: PocModel, frame: pd.DataFrame) -> Contributions:
    """Per feature column, the score minus the score with that column missing (any model, in score units)."""
    base = model.predict_frame(frame)["score"].to_numpy(dtype=float)
    values = np.empty((len(frame), len(model.features)))
    for i, feature in enumerate(model.features):
        probe = frame.copy(deep=False)
        probe[feature] = None
        values[:, i] = base - model.predict_frame(probe)["score"].to_numpy(dtype=float)
    return Contributions(list(model.features), values, "occlusion")


def _exact_parts(model: PocModel) -> tuple[Any, Any, Any] | None:
    """(family, fitted axpoc Preprocessor, fitted estimator) of the model's ``prep`` + ``model`` pipeline.

    None when the model's family is not registered here or is a blend of pipelines: occlusion then.
    """
    from sklearn.pipeline import Pipeline

    from axpoc.models import FAMILIES, Preprocessor, nested_estimators

    family = FAMILIES.get(model.family)
    if family is None or family.combines_members:
        return None
    for candidate in nested_estimators(model.estimator):
        if not isinstance(candidate, Pipeline) or len(candidate.steps) != 2:
            continue
        prep, fitted = candidate.steps[0][1], candidate.steps[1][1]
        fitted = getattr(fitted, "estimator_", fitted)  # Resampled keeps the fitted model here
        if isinstance(prep, Preprocessor) and hasattr(prep, "feature_sources_"):
            return family, prep, fitted
    return None
