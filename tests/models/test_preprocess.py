"""Preprocessing inside the model pipeline: learned on training rows only, positional names out, user names kept."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import Pipeline

from axpoc.errors import UserError
from axpoc.models import Preprocessor, build_preprocessor


@pytest.fixture
def frame() -> pd.DataFrame:
    """20 rows: numbers with a gap, a clean number, a category with a gap, a wide code, flags, a time."""
    return pd.DataFrame(
        {
            "금형온도": [200.0, np.nan, 210.0, 190.0, 205.0] * 4,
            "Air temperature [K]": np.linspace(295.0, 305.0, 20),
            "재질": ["A", "B", None, "A", "B"] * 4,
            "lot": [f"L{i}" for i in range(10)] * 2,
            "양품": pd.array([True, False, None, True, True] * 4, dtype="boolean"),
            "timestamp": pd.date_range("2025-03-01", periods=20, freq="h"),
            "비고": [None] * 20,
        }
    )


FEATURES = ["금형온도", "Air temperature [K]", "재질", "lot", "양품", "timestamp", "비고"]


def _fitted(
    frame: pd.DataFrame, *, scale: bool = False, rows: slice = slice(None), **options
) -> Preprocessor:
    prep = build_preprocessor(frame, FEATURES, scale=scale, curves="features")
    return prep.set_params(**options).fit(frame.iloc[rows])


def test_kinds_and_dropped_reasons(frame: pd.DataFrame) -> None:
    ids = pd.DataFrame({"serial": [f"S{i:04d}" for i in range(60)], "x": np.arange(60.0)})
    prep = build_preprocessor(frame, FEATURES, scale=False, curves="features")
    assert prep.kinds == {
        "금형온도": "numeric",
        "Air temperature [K]": "numeric",
        "재질": "category",
        "lot": "category",
        "양품": "boolean",
    }
    assert prep.dropped["timestamp"].startswith("date/time column")
    assert prep.dropped["비고"] == "every value is missing"
    id_prep = build_preprocessor(ids, ["serial", "x"], scale=False, curves="features")
    assert id_prep.dropped["serial"].startswith("looks like an identifier (60 distinct values in 60 rows)")
    with pytest.raises(UserError, match="No usable feature column"):
        build_preprocessor(frame, ["timestamp", "비고"], scale=False, curves="features")
    with pytest.raises(UserError, match=r"\['없는열'\] are not in the data"):
        build_preprocessor(frame, ["없는열"], scale=False, curves="features")


def test_positional_names_out_user_names_kept(frame: pd.DataFrame) -> None:
    prep = _fitted(frame)
    out = prep.transform(frame)
    assert list(out.columns) == [f"f{i}" for i in range(out.shape[1])]
    assert out.index.equals(frame.index) and (out.dtypes == np.float64).all()
    assert list(prep.get_feature_names_out()) == [
        "금형온도",
        "Air temperature [K]",
        "양품",
        "금형온도 (missing)",
        "양품 (missing)",
        "재질=A",
        "재질=B",
        "재질=(rare)",  # the 4 missing values are fewer than min_frequency=5
        "lot=(rare)",  # 10 lots seen twice each
    ]
    assert prep.feature_names_map_["f1"] == "Air temperature [K]"
    assert list(prep.feature_names_in_) == ["금형온도", "Air temperature [K]", "재질", "lot", "양품"]


def test_each_output_column_names_the_user_column_it_comes_from(frame: pd.DataFrame) -> None:
    """Explanations sum output columns back to the user's columns through this map, not through names."""
    prep = _fitted(frame)
    assert list(prep.feature_sources_) == list(prep.transform(frame).columns)
    assert list(prep.feature_sources_.values()) == [
        "금형온도",
        "Air temperature [K]",
        "양품",
        "금형온도",  # its missing-value indicator
        "양품",
        "재질",  # A, B and the rare bucket
        "재질",
        "재질",
        "lot",
    ]
    ordinal = _fitted(frame, max_onehot=3)
    assert list(ordinal.feature_sources_.values())[-2:] == ["재질", "lot"]
    older = pickle.loads(pickle.dumps(prep))
    del older.feature_sources_  # as fitted before axpoc recorded the map
    assert pickle.loads(pickle.dumps(older)).feature_sources_ == prep.feature_sources_


def test_statistics_come_from_training_rows_only(frame: pd.DataFrame) -> None:
    train = slice(0, 10)
    prep = _fitted(frame, rows=train)
    medians = prep.column_transformer_.named_transformers_["num"]["impute"].statistics_
    expected = frame.iloc[train][["금형온도", "Air temperature [K]"]].median().to_numpy()
    np.testing.assert_allclose(medians[:2], expected)
    assert medians[1] != frame["Air temperature [K]"].median()  # not the full data's median
    out = prep.transform(frame)
    assert out.loc[1, "f0"] == 202.5  # a gap is filled with the training median
    assert out.loc[1, "f3"] == 1.0 and out.loc[0, "f3"] == 0.0  # and flagged
    assert out["f2"].tolist()[:5] == [1.0, 0.0, 1.0, 1.0, 1.0]  # boolean as 0/1, its gap -> median 1


def test_missing_indicator_only_for_columns_missing_in_training(frame: pd.DataFrame) -> None:
    complete_rows = frame.dropna(subset=["금형온도"]).index
    prep = build_preprocessor(frame, FEATURES, scale=False, curves="features").fit(frame.loc[complete_rows])
    names = list(prep.get_feature_names_out())
    assert "금형온도 (missing)" not in names and "양품 (missing)" in names
    out = prep.transform(frame)  # a gap at predict time is still imputed
    assert out.loc[1, "f0"] == frame.loc[complete_rows, "금형온도"].median()


def test_unseen_and_rare_categories(frame: pd.DataFrame) -> None:
    new = frame.iloc[:2].copy()
    new["재질"] = ["처음 보는 재질", "A"]
    new["lot"] = ["L99", "L3"]
    prep = _fitted(frame, max_onehot=3, min_frequency=5)
    assert prep.encodings_ == {"재질": "one-hot", "lot": "ordinal"}
    out = prep.transform(new).set_axis(prep.get_feature_names_out(), axis=1)
    assert out["재질=(rare)"].tolist() == [1.0, 0.0] and out["재질=A"].tolist() == [0.0, 1.0]
    assert out["lot"].tolist() == [-1.0, 3.0]  # ordinal code; unseen -> -1
    every_level = _fitted(frame, min_frequency=1)
    out = every_level.transform(new).set_axis(every_level.get_feature_names_out(), axis=1)
    material = out.filter(like="재질=")
    assert list(material.columns) == ["재질=(missing)", "재질=A", "재질=B"]
    assert material.sum(axis=1).tolist() == [0.0, 1.0]  # no rare bucket: an unseen level is all zeros


def test_scaling_uses_training_statistics(frame: pd.DataFrame) -> None:
    prep = _fitted(frame, scale=True, rows=slice(0, 15))
    train = prep.transform(frame.iloc[:15])
    np.testing.assert_allclose(train[["f0", "f1"]].mean(), 0.0, atol=1e-12)
    np.testing.assert_allclose(train[["f0", "f1"]].std(ddof=0), 1.0)
    assert prep.transform(frame.iloc[15:])["f1"].min() > 1.0  # later rows lie beyond the training range


def test_curves_as_features_raw_or_dropped() -> None:
    rng = np.random.default_rng(0)
    curves = pd.DataFrame(
        {
            "하중 곡선": [
                np.sin(np.linspace(0, 3, 40 + i % 5)) + rng.normal(0, 0.1, 40 + i % 5) for i in range(30)
            ],
            "speed": rng.normal(size=30),
        }
    )
    raw = build_preprocessor(curves, ["하중 곡선", "speed"], scale=True, curves="raw").fit(curves)
    out = raw.transform(curves)
    assert list(out.columns) == ["f0", "c0"] and raw.raw_curve_names == ["c0"]
    assert raw.feature_names_map_ == {"f0": "speed", "c0": "하중 곡선"}
    assert raw.feature_sources_ == {"f0": "speed", "c0": "하중 곡선"}
    np.testing.assert_array_equal(out.loc[3, "c0"], curves.loc[3, "하중 곡선"])
    dropped = build_preprocessor(curves, ["하중 곡선", "speed"], scale=False, curves="drop")
    assert dropped.kinds == {"speed": "numeric"} and "sensor curve" in dropped.dropped["하중 곡선"]
    pytest.importorskip("axpoc.features", reason="CurveFeatures comes with axpoc.features")
    features = build_preprocessor(curves, ["하중 곡선", "speed"], scale=False, curves="features").fit(curves)
    names = list(features.get_feature_names_out())
    assert names[0] == "speed" and "하중 곡선__max" in names and features.raw_curve_names == []
    assert list(features.feature_sources_.values()) == ["speed"] + ["하중 곡선"] * (len(names) - 1)
    table = features.transform(curves)
    assert table.shape == (30, len(names)) and not table.isna().any().any()


def test_clone_pickle_and_cross_validation(frame: pd.DataFrame) -> None:
    y = np.array([0, 1] * 10)
    pipe = Pipeline(
        [
            ("prep", build_preprocessor(frame, FEATURES, scale=True, curves="features")),
            ("model", LogisticRegression()),
        ]
    )
    scores = cross_val_score(pipe, frame, y, cv=4)
    assert scores.shape == (4,)
    fitted = clone(pipe).fit(frame, y)
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.predict_proba(frame), fitted.predict_proba(frame))
    assert list(fitted.feature_names_in_) == ["금형온도", "Air temperature [K]", "재질", "lot", "양품"]


def test_scoring_data_with_a_missing_column_is_a_user_error(frame: pd.DataFrame) -> None:
    prep = _fitted(frame)
    with pytest.raises(UserError, match=r"lacks the feature column\(s\) \['재질'\]"):
        prep.transform(frame.drop(columns=["재질"]))
    extra = frame.assign(target=1, id=range(20))  # extra columns are ignored
    pd.testing.assert_frame_equal(prep.transform(extra), prep.transform(frame))


def test_kinds_decided_in_fit_follow_build_preprocessors_rule(frame: pd.DataFrame) -> None:
    """``kinds=None``: the same kinds and reasons as `build_preprocessor`, from every column of the frame."""
    built = build_preprocessor(frame, FEATURES, scale=False, curves="features")
    prep = Preprocessor().fit(frame)
    assert prep.kinds_ == built.kinds and prep.dropped_ == built.dropped
    assert list(prep.feature_names_in_) == list(frame.columns) and prep.n_features_in_ == 7
    pd.testing.assert_frame_equal(prep.transform(frame), clone(built).fit(frame).transform(frame))


def test_numbers_held_as_objects_are_numbers_not_categories() -> None:
    """An object column of Python numbers (SQL decimals, an object array) was read as 60 distinct text levels
    and dropped as identifier-like; it is a number column."""
    from decimal import Decimal

    values = pd.DataFrame({"두께": pd.Series([Decimal(f"1.{i:02d}") for i in range(60)], dtype=object)})
    prep = build_preprocessor(values, ["두께"], scale=False, curves="features")
    assert prep.kinds == {"두께": "numeric"}
    assert prep.fit(values).transform(values)["f0"].iloc[5] == pytest.approx(1.05)


def test_an_array_is_read_as_the_kinds_columns_in_order(frame: pd.DataFrame) -> None:
    numbers = frame[["금형온도", "Air temperature [K]"]]
    prep = Preprocessor(kinds={"금형온도": "numeric", "Air temperature [K]": "numeric"}).fit(numbers)
    with pytest.warns(UserWarning, match="X does not have valid feature names"):  # scikit-learn's own word
        np.testing.assert_array_equal(prep.transform(numbers.to_numpy()), prep.transform(numbers))
    with pytest.raises(ValueError, match="X has 3 features, but Preprocessor is expecting 2 features"):
        prep.transform(np.zeros((4, 3)))
    fitted_on_array = Preprocessor().fit(numbers.to_numpy())
    assert list(fitted_on_array.kinds_) == ["x0", "x1"] and not hasattr(fitted_on_array, "feature_names_in_")
