"""Why a row scored as it did: each of the user's columns' contribution (SHAP for LightGBM, else occlusion)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from axpoc.serve._model import nested_estimators

_INDICATOR = "missingindicator_"


def contributions(model: Any, frame: pd.DataFrame) -> tuple[list[str], np.ndarray]:
    """(feature names, rows x features) contribution of each of the user's columns to each row's score.

    Models whose family gives exact contributions (`Family.contributions`; LightGBM: SHAP values from
    its ``pred_contrib``) inside an axpoc pipeline: those values in the model's raw units (log-odds for classifiers, before calibration; target units for regression),
    summed from the model's columns back to the user's (one-hot levels, missing-value indicators and
    curve features count for their source column); multiclass: the predicted class's values. Any other
    model (and per-product routed models): occlusion, the score minus the score with that column set
    missing, which the pipeline fills with the training median or the "(missing)" level.
    """
    parts = None if model.routes else _exact_parts(model)
    raw = None
    if parts is not None:
        family, prep, fitted = parts
        positional = prep.transform(frame[model.features])
        raw = family.contributions(fitted, positional)
    if raw is None:
        return _occlusion(model, frame)
    width = positional.shape[1] + 1
    if raw.shape[1] > width:  # multiclass: one block per class, the predicted class's block
        blocks = raw.reshape(len(raw), -1, width)
        chosen = np.asarray(fitted.predict_proba(positional)).argmax(axis=1)
        raw = blocks[np.arange(len(raw)), chosen]
    sources = _positional_sources(prep)
    names = list(dict.fromkeys(sources))
    summing = np.zeros((len(sources), len(names)))
    summing[np.arange(len(sources)), [names.index(s) for s in sources]] = 1.0
    return names, raw[:, : len(sources)] @ summing


def top_contributions(names: list[str], values: np.ndarray, top: int, *, index: pd.Index) -> pd.DataFrame:
    """``top1_feature``, ``top1_contribution``, ... per row, ranked by absolute contribution."""
    top = min(top, len(names))
    order = np.argsort(-np.abs(values), axis=1, kind="stable")[:, :top]
    labels = np.asarray(names, dtype=object)[order]
    picked = np.take_along_axis(values, order, axis=1)
    columns: dict[str, Any] = {}
    for i in range(top):
        columns[f"top{i + 1}_feature"] = labels[:, i]
        columns[f"top{i + 1}_contribution"] = picked[:, i]
    return pd.DataFrame(columns, index=index)


def _exact_parts(model: Any) -> tuple[Any, Any, Any] | None:
    """(family, fitted axpoc Preprocessor, fitted estimator) of the model's ``prep`` + ``model`` pipeline.

    None when the model's family is not registered here or is a blend of pipelines: occlusion then.
    """
    from sklearn.pipeline import Pipeline

    from axpoc.models import FAMILIES

    family = FAMILIES.get(model.family)
    if family is None or family.combines_members:
        return None
    for candidate in nested_estimators(model.estimator):
        if not isinstance(candidate, Pipeline) or len(candidate.steps) != 2:
            continue
        prep, fitted = candidate.steps[0][1], candidate.steps[1][1]
        fitted = getattr(fitted, "estimator_", fitted)  # Resampled keeps the fitted model here
        if hasattr(prep, "column_transformer_"):
            return family, prep, fitted
    return None


def _positional_sources(prep: Any) -> list[str]:
    """For each output column of the preprocessor (``f0``, ``f1``, ...), the user's column it comes from."""
    transformer = prep.column_transformer_
    raw_names = list(transformer.get_feature_names_out())
    sources = list(raw_names)
    for name, _, columns in transformer.transformers_:
        if name not in transformer.output_indices_:
            continue
        span = transformer.output_indices_[name]
        for i in range(span.start, span.stop):
            label = raw_names[i].split("__", 1)[1]
            label = label.removeprefix(_INDICATOR)
            matches = [c for c in columns if label == c or label.startswith(str(c))]
            sources[i] = str(max(matches, key=len)) if matches else label
    return sources


def _occlusion(model: Any, frame: pd.DataFrame) -> tuple[list[str], np.ndarray]:
    base = model.predict_frame(frame)["score"].to_numpy(dtype=float)
    values = np.empty((len(frame), len(model.features)))
    for i, feature in enumerate(model.features):
        probe = frame.copy(deep=False)
        probe[feature] = None
        values[:, i] = base - model.predict_frame(probe)["score"].to_numpy(dtype=float)
    return list(model.features), values
