"""PocModel: the one object that scores, with its decision rule for each task, and the OOF calibration wrapper."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LinearRegression, LogisticRegression

from axpoc.artifact import OUTPUT_COLUMNS, OofCalibratedClassifier, PocModel

X = pd.DataFrame({"temp": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "pressure": [3.0, 1.0, 4.0, 1.0, 5.0, 9.0]})
Y = np.array([0, 0, 0, 1, 1, 1])


def _binary(threshold: float | None) -> PocModel:
    return PocModel(
        estimator=LogisticRegression().fit(X, Y),
        task="binary",
        features=["temp", "pressure"],
        target="ng",
        family="logistic",
        classes=[0, 1],
        positive_label=1,
        negative_label=0,
        threshold=threshold,
    )


def test_binary_scores_are_the_defect_probability_and_the_threshold_decides() -> None:
    strict, lenient = _binary(0.9), _binary(0.1)
    out = strict.predict_frame(X)
    assert tuple(out.columns) == OUTPUT_COLUMNS
    assert out.index.equals(X.index)
    assert np.allclose(out["score"], strict.estimator.predict_proba(X)[:, 1])
    assert out["decision"].sum() < lenient.predict_frame(X)["decision"].sum()
    assert (out["prediction"] == np.where(out["decision"], 1, 0)).all()


def test_regression_flags_values_outside_the_spec_limits_less_the_guard_band() -> None:
    y = X["temp"] * 10.0
    model = PocModel(
        estimator=LinearRegression().fit(X[["temp"]], y),
        task="regression",
        features=["temp"],
        target="length",
        family="ridge",
        spec={"lsl": 15.0, "usl": 55.0},
        guard_band=0.0,
    )
    assert model.predict_frame(X)["decision"].tolist() == [True, False, False, False, False, True]
    model.guard_band = 6.0
    assert model.predict_frame(X)["decision"].tolist() == [True, True, False, False, True, True]


def test_a_frame_without_a_model_column_is_refused_by_name() -> None:
    with pytest.raises(KeyError, match="pressure"):
        _binary(0.5).predict_frame(X[["temp"]])


def test_zero_rows_score_to_an_empty_table() -> None:
    out = _binary(0.5).predict_frame(X.head(0))
    assert out.empty and tuple(out.columns) == OUTPUT_COLUMNS


def test_the_model_survives_pickling_and_scores_the_same() -> None:
    model = _binary(0.4)
    again = pickle.loads(pickle.dumps(model))
    pd.testing.assert_frame_equal(again.predict_frame(X), model.predict_frame(X))


def test_oof_calibration_maps_the_probability_and_refuses_a_fit() -> None:
    fitted = LogisticRegression().fit(X, Y)
    raw = fitted.predict_proba(X)[:, 1]
    calibrator = IsotonicRegression(out_of_bounds="clip").fit(raw, Y)
    composed = OofCalibratedClassifier.from_fitted(fitted, calibrator)
    assert np.allclose(composed.predict_proba(X)[:, 1], np.clip(calibrator.transform(raw), 0, 1))
    assert composed.predict(X).tolist() == Y.tolist()
    with pytest.raises(TypeError, match="from_fitted"):
        OofCalibratedClassifier().fit(X, Y)
