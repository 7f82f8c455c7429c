"""The numpy replay of the fitted preprocessing gives exactly the fitted ColumnTransformer's numbers."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from axpoc.models import Preprocessor, build_preprocessor

FEATURES = ["금형온도", "사출압력", "재질", "금형번호", "양품"]


def _training(rng: np.random.Generator, n: int = 300) -> pd.DataFrame:
    """Numbers with gaps, a narrow category with rare levels and gaps, a wide code (ordinal), flags."""
    temperature = rng.normal(200.0, 10.0, n)
    temperature[rng.uniform(size=n) < 0.1] = np.nan
    material = rng.choice(["A", "B", "C", "희귀1", "희귀2"], p=[0.5, 0.3, 0.19, 0.005, 0.005], size=n)
    return pd.DataFrame(
        {
            "금형온도": temperature,
            "사출압력": rng.normal(80.0, 5.0, n),
            "재질": np.where(rng.uniform(size=n) < 0.05, None, material),
            "금형번호": [f"M{i}" for i in rng.integers(0, 40, n)],
            "양품": rng.uniform(size=n) < 0.9,
        }
    )


def _scoring(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Rows unlike the training ones: gaps everywhere, unseen and rare levels, text in a number column."""
    temperature = rng.normal(200.0, 30.0, n)
    temperature[rng.uniform(size=n) < 0.3] = np.nan
    pressure = rng.normal(80.0, 5.0, n)
    pressure[rng.uniform(size=n) < 0.3] = np.nan
    levels = ["A", "B", "C", "희귀1", "신규", "", "(missing)", None]
    return pd.DataFrame(
        {
            "금형온도": temperature,
            "사출압력": pressure,
            "재질": rng.choice(np.asarray(levels, dtype=object), size=n),
            "금형번호": rng.choice(np.asarray(["M1", "M39", "M99", None], dtype=object), size=n),
            "양품": rng.choice(np.asarray([True, False, None], dtype=object), size=n),
        }
    )


def _reference(prep: Preprocessor, X: pd.DataFrame) -> np.ndarray:
    """What the fitted ColumnTransformer itself outputs for ``X``."""
    return np.asarray(prep.column_transformer_.transform(prep._coerce(X)), dtype=np.float64)


@pytest.mark.parametrize("scale", [False, True])
def test_replay_matches_the_column_transformer_on_any_rows(scale: bool) -> None:
    rng = np.random.default_rng(0)
    train = _training(rng)
    prep = build_preprocessor(train, FEATURES, scale=scale, curves="features").set_params(max_onehot=10)
    prep.fit(train)
    assert prep.encodings_ == {"재질": "one-hot", "금형번호": "ordinal"}
    assert prep._plan is not None
    for n in (1, 1, 2, 3, 7, 50, 400):
        X = _scoring(rng, n)
        out = prep.transform(X)
        assert list(out.columns) == [f"f{i}" for i in range(out.shape[1])]
        assert out.index.equals(X.index)
        np.testing.assert_array_equal(out.to_numpy(), _reference(prep, X), strict=True)


def test_one_row_json_like_frames_and_column_orders() -> None:
    """All-float frames take the one-copy path; reordered, extra, integer and text columns do not."""
    rng = np.random.default_rng(1)
    train = pd.DataFrame({"x": rng.normal(size=100), "압력 [bar]": rng.normal(size=100)})
    train.loc[::7, "x"] = np.nan
    prep = build_preprocessor(train, ["x", "압력 [bar]"], scale=True, curves="features").fit(train)
    frames = [
        pd.DataFrame([{"x": 0.5, "압력 [bar]": -1.25}]),
        pd.DataFrame([{"x": None, "압력 [bar]": -1.25}]),
        pd.DataFrame([{"압력 [bar]": 3.0, "x": 1.0}]),
        pd.DataFrame([{"id": "P1", "x": 1.0, "압력 [bar]": 2.0}]),
        pd.DataFrame([{"x": 3, "압력 [bar]": 2}]),
        pd.DataFrame([{"x": "12.5", "압력 [bar]": "N/A"}]),
        pd.DataFrame({"x": [1.0, np.nan], "압력 [bar]": [np.nan, 2.0]}, index=[10, 4]),
    ]
    for X in frames:
        np.testing.assert_array_equal(prep.transform(X).to_numpy(), _reference(prep, X), strict=True)


def test_scikit_learn_still_answers_for_no_rows_and_infinity() -> None:
    rng = np.random.default_rng(2)
    train = pd.DataFrame({"x": rng.normal(size=50)})
    prep = build_preprocessor(train, ["x"], scale=False, curves="features").fit(train)
    for X in (train.iloc[:0], pd.DataFrame({"x": [1.0, np.inf]})):
        with pytest.raises(ValueError) as replayed:
            prep.transform(X)
        with pytest.raises(ValueError) as direct:
            _reference(prep, X)
        assert str(replayed.value) == str(direct.value)


def test_the_plan_is_never_pickled_and_is_rebuilt_after_loading() -> None:
    rng = np.random.default_rng(3)
    train = _training(rng)
    prep = build_preprocessor(train, FEATURES, scale=True, curves="features").fit(train)
    X = _scoring(rng, 5)
    state = dict(vars(prep))
    before = prep.transform(X)
    assert vars(prep).keys() == state.keys()  # transform changes no state; fit built the plan
    assert all(vars(prep)[key] is value for key, value in state.items())
    data = pickle.dumps(prep)
    assert b"_FastPlan" not in data  # as a model pickled before the plan existed
    loaded = pickle.loads(data)
    assert loaded._plan is not None
    pd.testing.assert_frame_equal(loaded.transform(X), before)
    prep.fit(_training(np.random.default_rng(4)))  # a refit forgets the plan of the old statistics
    np.testing.assert_array_equal(prep.transform(X).to_numpy(), _reference(prep, X), strict=True)


def test_curve_columns_keep_the_column_transformer() -> None:
    rng = np.random.default_rng(5)
    curves = [rng.normal(size=30) for _ in range(40)]
    train = pd.DataFrame({"x": rng.normal(size=40), "압력곡선": curves})
    prep = build_preprocessor(train, ["x", "압력곡선"], scale=False, curves="features").fit(train)
    assert prep._plan is None
    np.testing.assert_array_equal(prep.transform(train.head(3)).to_numpy(), _reference(prep, train.head(3)))
