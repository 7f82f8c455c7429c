"""The blend estimators: averaged member outputs, own preprocessing per member, checked member specs."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from axpoc.errors import UserError
from axpoc.models import BlendClassifier, BlendRegressor, build_pipeline


def _data(n: int = 300, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.normal(size=(n, 4)), columns=["온도", "압력", "속도", "Torque [Nm]"])
    frame["type"] = rng.choice(["L", "M", "H"], size=n)
    y = (
        ((frame["온도"] * frame["압력"] + 0.5 * frame["속도"] + rng.normal(0, 0.3, n)) > 0)
        .astype(int)
        .to_numpy()
    )
    return frame, y


MEMBERS = {
    "members": [
        {"family": "logistic", "params": {"C": 0.5}, "weight": 1},
        {"family": "random_forest", "params": {"n_estimators": 30}, "weight": 2},
    ]
}


def test_blend_averages_its_members_probabilities_with_the_weights() -> None:
    frame, y = _data()
    features = list(frame.columns)
    blend = build_pipeline("ensemble", MEMBERS, frame=frame, features=features, task="binary").fit(frame, y)
    assert isinstance(blend, BlendClassifier)
    alone = [
        build_pipeline(m["family"], m["params"], frame=frame, features=features, task="binary").fit(frame, y)
        for m in MEMBERS["members"]
    ]
    expected = (alone[0].predict_proba(frame) + 2 * alone[1].predict_proba(frame)) / 3
    np.testing.assert_allclose(blend.predict_proba(frame), expected)
    np.testing.assert_array_equal(blend.classes_, [0, 1])
    np.testing.assert_array_equal(blend.predict(frame), expected.argmax(axis=1))
    # every member keeps its own preprocessing: the logistic one scales, the forest one does not
    steps = [member.named_steps["prep"] for _, member in blend.members_]
    assert steps[0].scale and not steps[1].scale


def test_blend_regressor_averages_values_and_survives_clone_and_pickle() -> None:
    frame, y = _data()
    target = frame["온도"].to_numpy() * 2 + y
    params = {"members": [{"family": "ridge"}, {"family": "lightgbm", "params": {"n_estimators": 20}}]}
    blend = build_pipeline("ensemble", params, frame=frame, features=list(frame.columns), task="regression")
    assert isinstance(blend, BlendRegressor)
    fitted = clone(blend).fit(frame, target)
    values = fitted.predict(frame)
    parts = [member.predict(frame) for _, member in fitted.members_]
    np.testing.assert_allclose(values, (parts[0] + parts[1]) / 2)
    np.testing.assert_allclose(pickle.loads(pickle.dumps(fitted)).predict(frame), values)
    assert np.corrcoef(values, target)[0, 1] > 0.9


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "non-empty list"),
        ({"members": [{"family": "ensemble"}]}, "cannot contain another ensemble"),
        ({"members": [{"family": "lightgbm", "weight": 0}]}, "positive number"),
        ({"members": [{"params": {}}]}, "mapping with 'family'"),
        ({"members": [{"family": "lightgbm"}], "weights": [1]}, "unknown parameter 'weights'"),
        ({"members": [{"family": "lightgbmm"}]}, "Did you mean 'lightgbm'"),
    ],
)
def test_malformed_member_lists_are_user_errors_naming_the_key(params: dict, message: str) -> None:
    frame, _ = _data(50)
    with pytest.raises(UserError, match=message):
        build_pipeline("ensemble", params, frame=frame, features=list(frame.columns), task="binary")


def test_an_ensemble_is_not_offered_for_anomaly_detection() -> None:
    from axpoc.models import get_family

    reason = get_family("ensemble").applicable(task="anomaly", n_rows=500, n_features=4, has_curves=False)
    assert reason and "anomaly" in reason
