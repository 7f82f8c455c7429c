"""Small data has no test part: the evaluation scores the chosen model's out-of-fold outputs instead.

With too few labelled rows or defect cases for a holdout (`axpoc.data.SMALL_DATA_CASES`) the split keeps
every row on both sides and the comparison repeats its cross-validation on all of them. `out_of_fold_model`
gives the evaluation a stand-in for the registered model that answers, for each row, with the mean output
of the models that did not see that row, through the registered model's own decision rule (calibration
and threshold, both chosen on the same out-of-fold outputs), so KPIs and their intervals are out-of-sample.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from axpoc.errors import UserError


class OutOfFoldReplay(BaseEstimator):
    """Answers ``predict`` / ``predict_proba`` for known rows (by index label) with stored outputs."""

    def __init__(
        self, outputs: np.ndarray | None = None, index: pd.Index | None = None, task: str = "binary"
    ) -> None:
        self.outputs = outputs
        self.index = index
        self.task = task

    def _rows(self, X: pd.DataFrame) -> np.ndarray:
        assert self.outputs is not None and self.index is not None
        positions = self.index.get_indexer(X.index)
        if (positions < 0).any():
            raise UserError(
                "out-of-fold outputs exist only for the rows the comparison cross-validated; "
                "score new rows with the registered model."
            )
        return np.asarray(self.outputs)[positions]

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return self._rows(X)

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        values = self._rows(X)
        return values if values.ndim == 2 else np.column_stack([1 - values, values])


def out_of_fold_model(model: Any, split: Any, frame: pd.DataFrame) -> Any:
    """``model`` itself, or on small data (``split.resampled``) a copy that scores out of fold.

    ``frame`` is the prepared data whose rows the comparison cross-validated, in the same order. A binary
    model keeps its calibrator and threshold: the replay stands in for the fitted pipeline underneath.
    """
    if not getattr(split, "resampled", False):
        return model
    output = split.out_of_fold
    if output is None:
        raise UserError(
            "small data: the evaluation scores the comparison's out-of-fold predictions, but none were "
            "recorded; run the comparison (run_comparison) on this prepared data before evaluating."
        )
    replay = OutOfFoldReplay(np.asarray(output), frame.index, model.task)
    estimator: Any = replay
    calibrator = _calibrator(model.estimator)
    if model.task == "binary" and calibrator is not None:
        from axpoc.artifact import OofCalibratedClassifier

        estimator = OofCalibratedClassifier.from_fitted(replay, calibrator, classes=[0, 1])
    return dataclasses.replace(model, estimator=estimator, routes={})


def refitted_out_of_fold(
    model: Any,
    split: Any,
    frame: pd.DataFrame,
    y: np.ndarray,
    *,
    splits: list[tuple[np.ndarray, np.ndarray]],
    classes: np.ndarray,
) -> Any:
    """``model`` judged out of fold: its own configuration refitted on each of ``splits`` (positions in
    ``frame``), as a copy of ``model`` that answers every row with the mean output of the refits that did
    not see it, through ``model``'s own decision rule (`out_of_fold_model`).

    On small data a new model is judged on its out-of-fold outputs; a champion scored on rows it was
    trained on would look better than it is, so it is refitted on the same folds and judged the same way.
    Raises KeyError when ``frame`` lacks the model's columns, ValueError when a row was never validated,
    and whatever the refit raises.
    """
    from sklearn.base import clone

    from axpoc.compare._scoring import Scorer
    from axpoc.compare._search import _evaluate

    trained = _trained_pipeline(model.estimator)
    X = frame[model.features].reset_index(drop=True)
    run = _evaluate(
        lambda _params: clone(trained),
        {},
        X=X,
        y=np.asarray(y),
        classes=np.asarray(classes),
        splits=splits,
        scorer=Scorer.for_task(model.task),
        report=lambda _fold, _value: None,
        check_time=lambda _fold, _seconds: None,
    )
    if run.oof is None or not np.isfinite(run.oof).all():
        raise ValueError("some rows were never in a validation fold")
    return out_of_fold_model(model, dataclasses.replace(split, out_of_fold=run.oof), frame)


def _trained_pipeline(estimator: Any) -> Any:
    """The trained pipeline under a binary decision rule (threshold -> frozen -> calibrated), or itself."""
    from sklearn.frozen import FrozenEstimator
    from sklearn.model_selection import FixedThresholdClassifier

    from axpoc.artifact import OofCalibratedClassifier

    while isinstance(estimator, FixedThresholdClassifier | FrozenEstimator | OofCalibratedClassifier):
        estimator = estimator.estimator
    return estimator


def _calibrator(estimator: Any) -> Any:
    """The OOF calibrator inside a binary decision rule (threshold -> frozen -> calibrated), if any."""
    while estimator is not None:
        if hasattr(estimator, "calibrator"):
            return estimator.calibrator
        estimator = getattr(estimator, "estimator", None)
    return None


CROSS_FIT_FOLDS = 5


def cross_fitted_decisions(
    predictions: pd.DataFrame,
    model: Any,
    y: np.ndarray,
    *,
    raw: np.ndarray,
    pick: Callable[[np.ndarray, np.ndarray], tuple[Any, float]],
    seed: int = 0,
) -> pd.DataFrame:
    """``predictions`` of the out-of-fold replay whose binary flags come from thresholds chosen without the row.

    The registered threshold is chosen on all rows' out-of-fold outputs; judging recall or escapes with it
    on those same rows flatters them (on a 39-run DOE: recall 1.00 instead of 0.81). So each of
    ``CROSS_FIT_FOLDS`` stratified parts is flagged by ``pick(y, raw) -> (calibrator, threshold)`` chosen
    on the other parts, from ``raw``, the uncalibrated out-of-fold outputs of the same rows in the same
    order. ``predictions["score"]`` stays: ranking metrics need no threshold.
    """
    from sklearn.model_selection import StratifiedKFold

    raw = np.asarray(raw, dtype=float)
    y = np.asarray(y).astype(int)
    folds = min(CROSS_FIT_FOLDS, int(np.bincount(y, minlength=2).min()))
    if folds < 2:
        return predictions
    flags = np.zeros(len(y), dtype=bool)
    for train, valid in StratifiedKFold(folds, shuffle=True, random_state=seed).split(raw.reshape(-1, 1), y):
        calibrator, threshold = pick(y[train], raw[train])
        flags[valid] = np.clip(calibrator.transform(raw[valid]), 0.0, 1.0) >= threshold
    result = predictions.copy()
    result["decision"] = flags
    result["prediction"] = np.where(flags, model.positive_label, model.negative_label)
    return result
