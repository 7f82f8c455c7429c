"""The model pipeline of one candidate: ``Pipeline([("prep", Preprocessor), ("model", estimator)])``.

It is the object that gets tuned, cross-validated, registered and served, so preprocessing is fitted
on each training fold only and serving takes the raw columns (and raw curves).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from axpoc.config import Task
from axpoc.errors import UserError
from axpoc.models._adapters import Resampled
from axpoc.models._ensemble import BlendClassifier, BlendRegressor, member_specs
from axpoc.models._preprocess import _kind, build_preprocessor
from axpoc.models.families import CLASSIFICATION, Family, get_family

Resample = Literal["none", "oversample", "undersample"]


@dataclass(frozen=True)
class DataShape:
    """What the families need to know about the training data to judge and size themselves."""

    n_rows: int
    n_features: int
    n_classes: int
    has_curves: bool
    curve_length: int | None

    def applicable_args(self) -> dict[str, Any]:
        """Keyword arguments for `Family.applicable` (add ``task``)."""
        return {"n_rows": self.n_rows, "n_features": self.n_features, "has_curves": self.has_curves}

    def defaults_args(self) -> dict[str, Any]:
        """Keyword arguments for `Family.defaults` (add ``task``)."""
        return {
            "n_rows": self.n_rows,
            "n_features": self.n_features,
            "n_classes": self.n_classes,
            "curve_length": self.curve_length,
        }


def data_shape(frame: pd.DataFrame, features: list[str], y: Any = None, *, task: Task) -> DataShape:
    """Rows, feature columns, classes (0 for regression and anomaly) and curves of the training data.

    ``curve_length`` is the median number of samples per curve over all curve columns (None: no curves).
    """
    curves = [name for name in features if _kind(frame[name])[0] == "curve"]
    lengths = [len(cell) for name in curves for cell in frame[name].dropna()]
    n_classes = len(pd.unique(np.asarray(y))) if task in CLASSIFICATION and y is not None else 0
    return DataShape(
        n_rows=len(frame),
        n_features=len(features),
        n_classes=n_classes,
        has_curves=bool(curves),
        curve_length=int(np.median(lengths)) if lengths else None,
    )


def build_pipeline(
    family: Family | str,
    params: dict[str, Any],
    *,
    frame: pd.DataFrame,
    features: list[str],
    task: Task,
    random_state: int = 0,
    n_jobs: int = 1,
    class_weight: str | None = None,
    resample: Resample = "none",
) -> Pipeline | BlendClassifier | BlendRegressor:
    """An unfitted ``prep`` + ``model`` pipeline for one candidate (a blend of such pipelines for ``ensemble``).

    ``frame`` is read for column types only (no statistics leak into the pipeline). Scaling follows
    ``family.needs_scaling``; the 1D-CNN gets the raw curves (its ``channels`` are set to their
    positional names ``c0``, ...), every other family gets `CurveFeatures` output.

    Imbalance: ``class_weight="balanced"`` weights the loss (all classifiers but k-NN). ``resample``
    ("oversample" / "undersample", classification only) instead wraps the model in `Resampled`, which
    balances the classes of the training fold in ``fit`` and never touches prediction rows; it replaces
    ``class_weight`` (both would correct twice). The wrapped estimator's parameters are then
    ``model__estimator__...`` (e.g. a torch model's ``epoch_callback``).
    """
    family = get_family(family) if isinstance(family, str) else family
    if family.combines_members:
        if task not in family.tasks:
            raise UserError(
                f"{family.label} cannot be built for a {task} task; it handles {sorted(family.tasks)}."
            )
        specs = member_specs(params)
        members = [
            (
                f"{index}_{spec['family']}",
                build_pipeline(
                    spec["family"],
                    spec["params"],
                    frame=frame,
                    features=features,
                    task=task,
                    random_state=random_state,
                    n_jobs=n_jobs,
                    class_weight=class_weight,
                    resample=resample,
                ),
            )
            for index, spec in enumerate(specs)
        ]
        blend = BlendClassifier if task in CLASSIFICATION else BlendRegressor
        return blend(members=members, weights=[float(spec["weight"]) for spec in specs])
    prep = build_preprocessor(
        frame, features, scale=family.needs_scaling, curves="raw" if family.uses_curves else "features"
    )
    if family.uses_curves:
        params = {**params, "channels": prep.raw_curve_names}
    if resample == "none":
        model = family.build(
            params, task=task, random_state=random_state, n_jobs=n_jobs, class_weight=class_weight
        )
    elif task in CLASSIFICATION:
        inner = family.build(params, task=task, random_state=random_state, n_jobs=n_jobs, class_weight=None)
        model = Resampled(inner, strategy=resample, random_state=random_state)
    else:
        raise UserError(
            f"tuning.resample: '{resample}' balances classes and needs a binary or multiclass target, but the "
            f"task is {task}. Set tuning.resample: none."
        )
    return Pipeline([("prep", prep), ("model", model)])


def nested_estimators(root: Any) -> Iterator[Any]:
    """``root`` and every estimator inside it: pipeline steps, wrapped and fitted inner estimators."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        estimator = stack.pop()
        if estimator is None or id(estimator) in seen:
            continue
        seen.add(id(estimator))
        yield estimator
        for attr in ("estimator_", "estimator"):
            child = getattr(estimator, attr, None)
            if hasattr(child, "predict") or hasattr(child, "transform"):
                stack.append(child)
        steps = getattr(estimator, "steps", None)
        if isinstance(steps, list):
            stack.extend(step for _, step in steps)
