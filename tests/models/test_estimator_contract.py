"""Every estimator axpoc defines keeps scikit-learn's contract (``check_estimator``), with tags that tell the truth.

The estimators come from the family registry (each family's estimator for each task it serves, where
axpoc defines it) plus the wrappers that carry other estimators (resampling, blends). The 1D-CNN is
checked on curves: an array the checks generate is read as equally sampled curves, one per row. A
check is expected to fail only where it cannot apply, with the reason.
"""

from __future__ import annotations

import importlib.util
import pickle
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.estimator_checks import parametrize_with_checks

from axpoc.features import CurveFeatures
from axpoc.models import (
    FAMILIES,
    BlendClassifier,
    BlendRegressor,
    Preprocessor,
    Resampled,
    build_preprocessor,
)

FAST_TORCH = {"max_epochs": 30, "batch_size": 32, "patience": 5, "length": 16}
"""Enough training for the checks' accuracy bars on their small data; they fit each estimator some fifty times."""

ZERO_ONE = "anomaly labels are 0 (good) and 1 (defect) by the task's contract; the check fits on other labels"
ANOMALY_ONLY_CHECKS = {
    "check_estimators_dtypes": ZERO_ONE,
    "check_classifier_data_not_an_array": ZERO_ONE,
    "check_classifiers_classes": ZERO_ONE,
    "check_fit2d_1feature": ZERO_ONE,
    "check_fit2d_1sample": ZERO_ONE,
    "check_classifiers_one_label": (
        "a detector trained on good parts only (one label) is its normal use, and it still flags anomalies"
    ),
    "check_classifiers_train": (
        "the check wants 83 % accuracy on labelled blobs; a detector that learns the good rows alone is not "
        "trained to separate them (the autoencoder reaches it or not by its training length)"
    ),
}


NO_CURVES = (
    "the check also fits on a DataFrame of numeric columns: for the 1D-CNN those are scalars beside the curve "
    "columns, and with no curve column there is nothing for it to read (an array is read as curves)"
)
ONE_SAMPLE = "a curve of one sample has no shape to describe; CurveFeatures refuses it, naming the column"
CURVE_CHECKS = {
    "check_classifier_data_not_an_array": NO_CURVES,
    "check_regressor_data_not_an_array": NO_CURVES,
}


def _family_estimators() -> list[Any]:
    """Each family's estimator for each task, where axpoc defines the class (the others are the libraries')."""
    found: dict[type, Any] = {}
    for family in FAMILIES.values():
        if family.combines_members:
            continue
        for task in sorted(family.tasks):
            if any(r.startswith("torch") for r in family.pip_requirements) and not importlib.util.find_spec(
                "torch"
            ):
                continue
            estimator = family.make_estimator(task=task, random_state=0, n_jobs=1, class_weight=None)
            if type(estimator).__module__.startswith("axpoc.") and type(estimator) not in found:
                fast = {k: v for k, v in FAST_TORCH.items() if k in estimator.get_params()}
                found[type(estimator)] = estimator.set_params(**fast)
    return list(found.values())


def _others() -> list[Any]:
    """The wrappers that carry other estimators, the curve transformer and the Preprocessor (its kinds decided
    from the generated arrays: every column numeric, named x0, x1, ...)."""
    return [
        CurveFeatures(resample_to=32),
        Preprocessor(),
        Preprocessor(scale=True),
        Resampled(LogisticRegression()),
        BlendClassifier(
            members=[("logistic", LogisticRegression()), ("tree", DecisionTreeClassifier(max_depth=3))]
        ),
        BlendRegressor(members=[("ridge", Ridge()), ("tree", DecisionTreeRegressor(max_depth=3))]),
    ]


def _expected_failures(estimator: Any) -> dict[str, str]:
    if isinstance(estimator, CurveFeatures):
        return {"check_fit2d_1feature": ONE_SAMPLE}
    if hasattr(estimator, "channels"):
        return CURVE_CHECKS
    return ANOMALY_ONLY_CHECKS if hasattr(estimator, "contamination_quantile") else {}


def _is_torch(estimator: Any) -> bool:
    return type(estimator).__module__.startswith("axpoc.models._torch")


ESTIMATORS = _family_estimators() + _others()


@parametrize_with_checks(
    [e for e in ESTIMATORS if not _is_torch(e)], expected_failed_checks=_expected_failures
)
def test_estimator_keeps_the_scikit_learn_contract(estimator: Any, check: Any) -> None:
    check(estimator)


@pytest.mark.slow  # about a minute on two cores: each check trains the network again
@parametrize_with_checks([e for e in ESTIMATORS if _is_torch(e)], expected_failed_checks=_expected_failures)
def test_torch_estimator_keeps_the_scikit_learn_contract(estimator: Any, check: Any) -> None:
    check(estimator)


def test_the_registry_yields_axpoc_estimators() -> None:
    names = {type(e).__name__ for e in ESTIMATORS}
    assert {
        "IsolationForestAnomaly",
        "Resampled",
        "BlendClassifier",
        "BlendRegressor",
        "CurveFeatures",
        "Preprocessor",
    } <= names
    if importlib.util.find_spec("torch"):
        torch = {"TorchMLPClassifier", "TorchMLPRegressor", "TorchCNN1DClassifier", "TorchCNN1DRegressor"}
        assert torch | {"TorchAutoencoderAnomaly"} <= names


def test_preprocessor_keeps_the_contract_on_the_frames_it_is_built_for() -> None:
    """The generated checks above read arrays of numbers; the same promises (clone, fit returns self, idempotent
    fit, pure transform, pickling, the not-fitted error, parameter validation) hold on a plant-like frame with
    missing values, text, booleans and curves, whose columns its ``kinds`` name."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "금형온도": np.where(rng.random(80) < 0.1, np.nan, rng.normal(200, 5, 80)),
            "재질": rng.choice(["A", "B", None], 80),
            "양품여부": rng.random(80) < 0.5,
            "압력곡선": [rng.normal(size=int(n)) for n in rng.integers(20, 30, 80)],
        }
    )
    prep = build_preprocessor(frame, list(frame.columns), scale=True, curves="features")
    with pytest.raises(NotFittedError):
        prep.transform(frame)
    assert clone(prep).get_params() == prep.get_params()
    assert prep.fit(frame) is prep
    assert prep.n_features_in_ == 4 and list(prep.feature_names_in_) == list(frame.columns)
    first = prep.transform(frame)
    state = dict(vars(prep))
    again = prep.transform(frame.iloc[::-1]).iloc[::-1]
    assert vars(prep).keys() == state.keys() and all(vars(prep)[k] is v for k, v in state.items())
    pd.testing.assert_frame_equal(again, first)
    pd.testing.assert_frame_equal(clone(prep).fit(frame).transform(frame), first)  # idempotent, deterministic
    pd.testing.assert_frame_equal(pickle.loads(pickle.dumps(prep)).transform(frame), first)
    with pytest.raises(InvalidParameterError, match="'curves' parameter"):
        clone(prep).set_params(curves="smooth").fit(frame)
