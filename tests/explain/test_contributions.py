"""Each row's contributions: in the user's columns, exact for LightGBM, occlusion for any other model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
import pytest
from explain_toys import FEATURES, TREES, parts

from axpoc.explain import Contributions, contributions, occlusion


@pytest.mark.parametrize(
    ("family", "task", "method"),
    [
        ("lightgbm", "binary", "exact"),
        ("lightgbm", "regression", "exact"),
        ("logistic", "binary", "occlusion"),
        ("ridge", "regression", "occlusion"),
    ],
)
def test_the_only_informative_column_contributes_most(
    model: Callable[[str, str], Any], family: str, task: str, method: str
) -> None:
    explained = contributions(model(family, task), parts(200, seed=3))
    assert explained.method == method and explained.columns == FEATURES
    size = np.abs(explained.values).mean(axis=0)
    assert size.argmax() == FEATURES.index("금형온도")
    assert size[0] > 2 * max(size[1:])


def test_shap_values_and_occlusion_agree_in_sign_on_a_monotone_toy(model: Callable[[str, str], Any]) -> None:
    """The value rises with the temperature: a part hotter than usual is pushed up by both methods."""
    fitted = model("lightgbm", "regression")
    new = parts(200, seed=4)
    shap, occluded = contributions(fitted, new), occlusion(fitted, new)
    assert shap.method == "exact" and occluded.method == "occlusion"
    temperature = new["금형온도"].to_numpy()
    clear = np.abs(temperature - 210.0) > 6.0  # away from the median the blank is filled with
    i = FEATURES.index("금형온도")
    assert clear.sum() > 150
    np.testing.assert_array_equal(np.sign(shap.values[clear, i]), np.sign(occluded.values[clear, i]))
    np.testing.assert_array_equal(np.sign(shap.values[clear, i]), np.sign(temperature[clear] - 210.0))


def test_encoded_columns_are_summed_back_and_shap_values_add_up(model: Callable[[str, str], Any]) -> None:
    """Material's one-hot levels and the noise's missing indicator count for their column: the sum over the
    user's columns plus one base value gives each row's raw score."""
    fitted = model("lightgbm", "regression")
    new = parts(50, seed=5)
    explained = contributions(fitted, new)
    assert explained.values.shape == (50, len(FEATURES))
    base = fitted.predict_frame(new)["score"].to_numpy() - explained.values.sum(axis=1)
    assert np.ptp(base) < 1e-9
    binary = model("lightgbm", "binary")
    score = binary.predict_frame(new)["score"].to_numpy()
    base = np.log(score / (1 - score)) - contributions(binary, new).values.sum(axis=1)  # log-odds
    assert np.ptp(base) < 1e-9


def test_multiclass_rows_are_explained_for_their_predicted_class(model: Callable[[str, str], Any]) -> None:
    fitted = model("lightgbm", "multiclass")
    new = parts(60, seed=6)
    explained = contributions(fitted, new)
    assert explained.columns == FEATURES and explained.values.shape == (60, 3)
    booster = fitted.estimator.steps[-1][1]
    raw = booster.predict(fitted.estimator[0].transform(new[FEATURES]), raw_score=True)
    chosen = raw[np.arange(60), raw.argmax(axis=1)]
    assert np.ptp(chosen - explained.values.sum(axis=1)) > 0  # the base value differs by class
    for klass in range(3):
        rows = raw.argmax(axis=1) == klass
        if rows.sum() > 1:
            assert np.ptp((chosen - explained.values.sum(axis=1))[rows]) < 1e-9


def test_occlusion_is_the_score_minus_the_score_with_the_column_missing(
    model: Callable[[str, str], Any],
) -> None:
    fitted = model("logistic", "binary")
    new = parts(8, seed=7)
    explained = contributions(fitted, new)
    probe = new.copy()
    probe["재질"] = None
    expected = fitted.predict_frame(new)["score"] - fitted.predict_frame(probe)["score"]
    np.testing.assert_allclose(explained.values[:, FEATURES.index("재질")], expected, rtol=1e-12)


def test_per_product_models_are_explained_by_occlusion(model: Callable[[str, str], Any]) -> None:
    fitted = model("lightgbm", "binary")
    routed = replace(fitted, product_column="재질", routes={"A": fitted.estimator})
    assert contributions(routed, parts(10, seed=8)).method == "occlusion"


def test_top_ranks_each_rows_columns_by_absolute_contribution() -> None:
    explained = Contributions(["a", "b", "c"], np.array([[0.1, -0.5, 0.2], [0.0, 0.0, -0.3]]), "exact")
    top = explained.top(2, index=pd.Index([10, 11]))
    assert list(top.columns) == ["top1_feature", "top1_contribution", "top2_feature", "top2_contribution"]
    assert top.loc[10].tolist() == ["b", -0.5, "c", 0.2]
    assert top.loc[11].tolist() == ["c", -0.3, "a", 0.0]  # a tie keeps the column order
    assert list(explained.top(9, index=pd.Index([10, 11])).columns)[-1] == "top3_contribution"


def test_curve_features_count_for_their_curve_column() -> None:
    """The target follows the curve's height: the features computed from the curve are summed back to it."""
    from axpoc.artifact import PocModel
    from axpoc.models import build_pipeline

    rng = np.random.default_rng(13)
    height = rng.uniform(1.0, 3.0, 150)
    frame = pd.DataFrame(
        {
            "압력곡선": [h * np.sin(np.linspace(0, 3, 40)) + rng.normal(0, 0.05, 40) for h in height],
            "속도": rng.normal(size=150),
        }
    )
    features = ["압력곡선", "속도"]
    pipeline = build_pipeline("lightgbm", TREES, frame=frame, features=features, task="regression", n_jobs=1)
    pipeline.fit(frame, 2 * height)
    fitted = PocModel(estimator=pipeline, task="regression", features=features, target="y", family="lightgbm")
    explained = contributions(fitted, frame.iloc[:20])
    assert explained.method == "exact" and sorted(explained.columns) == sorted(features)
    size = dict(zip(explained.columns, np.abs(explained.values).mean(axis=0), strict=True))
    assert size["압력곡선"] > 20 * size["속도"]
    base = fitted.predict_frame(frame.iloc[:20])["score"].to_numpy() - explained.values.sum(axis=1)
    assert np.ptp(base) < 1e-9
