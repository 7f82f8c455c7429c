"""CurveFeatures and curves_from_long: hand-checked values, ragged lengths, missing samples, pipelines."""

from __future__ import annotations

import cloudpickle
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.base import clone
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from axpoc.errors import UserError
from axpoc.features import CurveFeatures, curves_from_long, feature_groups
from axpoc.features._curve_kernels import resample

RNG = np.random.default_rng(7)


def frame_of(*curves: np.ndarray | None, name: str = "p") -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(list(curves), dtype=object)})


def features_of(curve: np.ndarray, **params: object) -> pd.Series:
    """Features of one curve, with the transformer fitted on that curve alone."""
    frame = frame_of(curve)
    return (
        CurveFeatures(**params).fit(frame).transform(frame).iloc[0].rename(lambda name: name.split("__")[1])
    )


def test_ramp_has_hand_computed_values() -> None:
    ramp = np.arange(101.0)  # 0, 1, ..., 100
    got = features_of(ramp)
    expected = {
        "mean": 50.0,
        "min": 0.0,
        "max": 100.0,
        "range": 100.0,
        "q10": 10.0,
        "q25": 25.0,
        "q50": 50.0,
        "q75": 75.0,
        "q90": 90.0,
        "skew": 0.0,
        "kurtosis": -6 * (101**2 + 1) / (5 * (101**2 - 1)),  # discrete uniform distribution
        "rms": np.sqrt(3350.0),  # mean of k^2 for k = 0..100
        "crest_factor": 100.0 / np.sqrt(3350.0),
        "peak_value": 100.0,
        "peak_position": 1.0,
        "rise_time": 0.8,  # 10 at sample 10, 90 at sample 90, over 100 sample steps
        "area": 5000.0,
        "time_above": 50 / 101,  # the reference is the ramp itself: level 50, samples 51..100 above
        "initial_slope": 1.0,
        "final_slope": 1.0,
        "ref_rmse": 0.0,
        "ref_max_abs_dev": 0.0,
        "ref_corr": 1.0,
    }
    assert got["std"] == pytest.approx(np.sqrt((101**2 - 1) / 12))
    for name, value in expected.items():
        assert got[name] == pytest.approx(value, abs=1e-9), name


def test_triangle_peak_rise_and_area() -> None:
    triangle = np.concatenate([np.linspace(0, 1, 101), np.linspace(1, 0, 101)[1:]])  # 201 samples
    got = features_of(triangle, resample_to=201)  # reference = the triangle itself, peak 1
    assert got["peak_position"] == pytest.approx(0.5)
    assert got["rise_time"] == pytest.approx(80 / 200)
    assert got["area"] == pytest.approx(100 * 1.0)  # base 200 samples x height 1 / 2
    assert got["initial_slope"] == pytest.approx(0.01)
    assert got["final_slope"] == pytest.approx(-0.01)
    assert got["time_above"] == pytest.approx(99 / 201)  # samples strictly above 0.5


def test_pure_sine_lands_in_its_frequency_bin_and_band() -> None:
    t = np.arange(2048) / 2048
    sine = 3.0 * np.sin(2 * np.pi * 40 * t) + 5.0  # 40 cycles per curve; resampled to 256 points
    got = features_of(sine)
    assert got["mean"] == pytest.approx(5.0)
    assert got["rms"] == pytest.approx(np.sqrt(25.0 + 9.0 / 2))
    assert got["dominant_freq"] == pytest.approx(40 / 128)
    assert got["band_1"] == pytest.approx(1.0, abs=1e-9)  # band 1 holds bins 33..64 of 128
    bands = got[[f"band_{j}" for j in range(4)]]
    assert bands.sum() == pytest.approx(1.0)


def test_statistics_match_numpy_and_scipy() -> None:
    curves = [RNG.gamma(2.0, 3.0, n) for n in (50, 50, 257, 1999)]
    table = CurveFeatures(features="stats").fit_transform(frame_of(*curves))
    for row, curve in zip(table.itertuples(index=False), curves, strict=True):
        got = dict(zip(table.columns.str.split("__").str[1], row, strict=True))
        quantiles = np.quantile(curve, [0.1, 0.25, 0.5, 0.75, 0.9])
        assert [got[f"q{q}"] for q in (10, 25, 50, 75, 90)] == pytest.approx(quantiles, rel=1e-12)
        assert got["std"] == pytest.approx(curve.std(), rel=1e-12)
        assert got["skew"] == pytest.approx(stats.skew(curve), rel=1e-9)
        assert got["kurtosis"] == pytest.approx(stats.kurtosis(curve), rel=1e-9)


def test_slopes_and_area_match_least_squares_and_trapezoid() -> None:
    curve = np.cumsum(RNG.normal(0.0, 1.0, 300))
    got = features_of(curve)
    assert got["initial_slope"] == pytest.approx(np.polyfit(np.arange(30), curve[:30], 1)[0])
    assert got["final_slope"] == pytest.approx(np.polyfit(np.arange(30), curve[-30:], 1)[0])
    assert got["area"] == pytest.approx(np.trapezoid(curve))


def test_resample_averages_down_interpolates_up_and_keeps_equal_length() -> None:
    block = np.array([[1.0, 3.0, 5.0, 7.0]])
    assert resample(block, 4) == pytest.approx(block)
    assert resample(block, 2) == pytest.approx(np.array([[2.0, 6.0]]))
    assert resample(block, 3) == pytest.approx(
        np.array([[(1 + 3 / 3) / (4 / 3), 4.0, (7 + 5 / 3) / (4 / 3)]])
    )
    assert resample(np.array([[0.0, 4.0]]), 4) == pytest.approx(np.array([[0.0, 1.0, 3.0, 4.0]]))


def test_unequal_lengths_give_the_same_features_as_each_cycle_alone() -> None:
    many = RNG.normal(0, 1, (300, 1000)).cumsum(axis=1)  # one length over several row chunks
    many[150, 500] = np.nan
    curves = [RNG.normal(0, 1, n).cumsum() for n in (40, 73, 73, 200, 1500, 73, 3, 2)] + [
        np.r_[np.nan, RNG.normal(0, 1, 99), np.nan],
        *many,
        None,
        np.empty(0),
    ]
    frame = frame_of(*curves)
    fitted = CurveFeatures().fit(frame)
    together = fitted.transform(frame)
    alone = pd.concat([fitted.transform(frame.iloc[[i]]) for i in range(len(frame))])
    pd.testing.assert_frame_equal(together, alone, rtol=1e-12)
    assert together.iloc[:-2].notna().all(axis=None)
    assert together.iloc[-2:].isna().all(axis=None)


def test_missing_samples_are_interpolated_inside_and_trimmed_at_the_edges() -> None:
    clean = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 2.0])
    holes = np.array([np.nan, 0.0, 1.0, np.nan, np.inf, 4.0, 2.0, np.nan, np.nan])
    frame = frame_of(clean, holes, np.array([np.nan, np.nan]), np.array([5.0]), None, np.empty(0))
    table = CurveFeatures().fit(frame.iloc[:1]).transform(frame)
    pd.testing.assert_series_equal(table.iloc[1], table.iloc[0], check_names=False)
    assert table.iloc[2:].isna().all(axis=None)  # all missing, one sample, absent cell, empty


def test_flat_curve_has_nan_shape_statistics_not_rounding_noise() -> None:
    got = features_of(np.full(500, 0.1), features="all")
    assert got["std"] == pytest.approx(0.0, abs=1e-15)
    assert np.isnan(got[["skew", "kurtosis", "band_0", "dominant_freq"]]).all()
    assert got["rise_time"] == 0.0


def test_reference_comes_from_fit_rows_only_and_from_good_rows_when_y_is_binary() -> None:
    t = np.linspace(0, 1, 300)
    good = [np.sin(np.pi * t) * (1 + 0.01 * k) for k in range(5)]
    bad = [np.sin(np.pi * t) * 3 + 2 for _ in range(3)]
    train = frame_of(*good, *bad)
    fitted = CurveFeatures(resample_to=300).fit(train, y=np.r_[np.zeros(5), np.ones(3)])
    assert fitted.reference_["p"] == pytest.approx(good[2])  # median of the good rows only
    reference = fitted.reference_["p"].copy()

    other = frame_of(*[np.cos(3 * t) * 50 for _ in range(4)])
    fitted.transform(other)
    assert fitted.reference_["p"] == pytest.approx(reference, abs=0)
    first = fitted.transform(train.iloc[:2])
    mixed = fitted.transform(pd.concat([train.iloc[:2], other], ignore_index=True)).iloc[:2]
    pd.testing.assert_frame_equal(first, mixed)

    unlabeled = CurveFeatures(resample_to=300).fit(train, y=np.r_[np.full(5, 2.0), np.full(3, 3.0)])
    assert unlabeled.reference_["p"] == pytest.approx((good[3] + good[4]) / 2)  # median of all 8 rows


def test_params_clone_and_unfitted_clone() -> None:
    params = {
        "channels": ["캐비티압력"],
        "features": ("stats", "ref_rmse"),
        "n_bands": 8,
        "threshold": 0.3,
        "resample_to": 128,
        "passthrough": False,
    }
    estimator = CurveFeatures(**params)
    assert estimator.get_params() == params
    copy = clone(estimator)
    assert copy.get_params() == params
    frame = frame_of(np.arange(10.0), np.arange(12.0), name="캐비티압력")
    estimator.fit(frame)
    assert not hasattr(clone(estimator), "reference_")
    assert list(estimator.get_feature_names_out()) == [
        *(f"캐비티압력__{name}" for name in feature_groups()["stats"]),
        "캐비티압력__ref_rmse",
    ]


def test_passthrough_keeps_other_columns_in_front_and_drops_unused_curves() -> None:
    frame = pd.DataFrame(
        {
            "lot": ["A", "B"],
            "금형온도": [60.5, 61.0],
            "캐비티압력": pd.Series([np.arange(5.0), np.arange(7.0)], dtype=object),
            "vib": pd.Series([np.ones(4), np.ones(4)], dtype=object),
        }
    ).set_axis([10, 10])  # duplicate ids must not break the join
    out = CurveFeatures(channels=["캐비티압력"], features="stats").fit_transform(frame)
    assert list(out.columns[:2]) == ["lot", "금형온도"]
    assert "vib" not in out.columns and "vib__mean" not in out.columns
    assert list(out.index) == [10, 10]
    assert out["캐비티압력__mean"].tolist() == [2.0, 3.0]
    assert out["lot"].tolist() == ["A", "B"]
    bare = CurveFeatures(features="stats", passthrough=False).fit_transform(frame)
    assert list(bare.columns) == [
        f"{c}__{n}" for c in ("캐비티압력", "vib") for n in feature_groups()["stats"]
    ]


def _defect_data(n: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(int)
    lengths = rng.integers(180, 220, n)
    curves = []
    for defect, length in zip(y, lengths, strict=True):
        t = np.linspace(0, 1, length)
        peak = 0.7 if defect else 1.0
        curves.append(peak * np.exp(-((t - 0.3) ** 2) / 0.02) + rng.normal(0, 0.02, length))
    frame = pd.DataFrame({"금형온도": rng.normal(60, 1, n), "캐비티압력": pd.Series(curves, dtype=object)})
    return frame, y


def test_pipeline_with_logistic_regression_learns_and_pickles() -> None:
    X, y = _defect_data(160, seed=1)
    X_test, y_test = _defect_data(80, seed=2)
    model = make_pipeline(
        CurveFeatures(), SimpleImputer(), StandardScaler(), LogisticRegression(max_iter=500)
    )
    model.fit(X, y)
    assert (model.predict(X_test) == y_test).mean() >= 0.95
    names = model[:-1].get_feature_names_out()
    assert names[0] == "금형온도" and "캐비티압력__peak_value" in names
    restored = cloudpickle.loads(cloudpickle.dumps(model))
    assert restored.predict_proba(X_test) == pytest.approx(model.predict_proba(X_test), abs=0)


def test_feature_selection_and_user_errors() -> None:
    frame = frame_of(np.arange(20.0), np.arange(30.0))
    picked = CurveFeatures(features=("spectrum", "mean"), n_bands=2).fit_transform(frame)
    assert list(picked.columns) == ["p__mean", "p__band_0", "p__band_1", "p__dominant_freq"]
    with pytest.raises(UserError, match="'peak'"):
        CurveFeatures(features=("peak",)).fit(frame)
    with pytest.raises(UserError, match="n_bands"):
        CurveFeatures(n_bands=200).fit(frame)
    with pytest.raises(UserError, match="DataFrame"):
        CurveFeatures().fit({"p": [np.zeros(3)]})
    with pytest.raises(UserError, match="no curve column"):
        CurveFeatures().fit(pd.DataFrame({"a": [1.0, 2.0]}))
    with pytest.raises(UserError, match="'q'"):
        CurveFeatures(channels=["q"]).fit(frame)
    fitted = CurveFeatures().fit(frame)
    with pytest.raises(UserError, match=r"\['p'\]"):
        fitted.transform(frame.rename(columns={"p": "x"}))
    with pytest.raises(UserError, match="row 1"):
        fitted.transform(pd.DataFrame({"p": pd.Series([np.arange(3.0), "abc"], dtype=object)}))


def test_curves_from_long_round_trip_with_order_and_missing_channel() -> None:
    wide = {
        ("c2", "캐비티압력"): np.array([1.0, 2.0, np.nan, 4.0]),
        ("c1", "캐비티압력"): np.array([5.0, 6.0]),
        ("c1", "사출속도"): np.array([7.0, 8.0, 9.0]),
    }
    rows = [
        {"shot": shot, "ch": channel, "t": 0.1 * i, "v": value}
        for (shot, channel), values in wide.items()
        for i, value in enumerate(values)
    ]
    long = pd.DataFrame(rows).sample(frac=1.0, random_state=3)
    curves = curves_from_long(long, cycle="shot", channel="ch", value="v", order="t")
    assert list(curves.index) == ["c1", "c2"] and curves.index.name == "shot"
    assert sorted(curves.columns) == ["사출속도", "캐비티압력"]
    for (shot, channel), values in wide.items():
        np.testing.assert_array_equal(curves.loc[shot, channel], values)
    assert curves.loc["c2", "사출속도"] is None
    table = CurveFeatures(features="stats").fit_transform(curves)
    assert table.loc["c2", "캐비티압력__mean"] == pytest.approx(2.5)  # 1, 2, (3), 4 interpolated
    assert np.isnan(table.loc["c2", "사출속도__mean"])


def test_curves_from_long_without_order_keeps_row_order_and_checks_columns() -> None:
    long = pd.DataFrame({"cyc": [3, 1, 3, 1, 3], "ch": ["a"] * 5, "v": [9.0, 8.0, 7.0, 6.0, 5.0]})
    curves = curves_from_long(long, cycle="cyc", channel="ch", value="v")
    np.testing.assert_array_equal(curves.loc[3, "a"], [9.0, 7.0, 5.0])
    np.testing.assert_array_equal(curves.loc[1, "a"], [8.0, 6.0])
    timed = curves_from_long(
        long.assign(t=[2.0, np.nan, 1.0, 0.5, 1.0]), cycle="cyc", channel="ch", value="v", order="t"
    )
    np.testing.assert_array_equal(timed.loc[3, "a"], [7.0, 5.0, 9.0])  # ties keep row order
    np.testing.assert_array_equal(timed.loc[1, "a"], [8.0, 6.0])  # a missing time sorts first
    with pytest.raises(UserError, match="'value'"):
        curves_from_long(long, cycle="cyc", channel="ch", value="value")
    with pytest.raises(UserError, match="not numbers"):
        curves_from_long(long.assign(v=["1,5"] * 5), cycle="cyc", channel="ch", value="v")


def test_the_six_shared_with_tsfresh_minimal_have_its_definitions() -> None:
    """mean, q50, std, rms, max, min are tsfresh's mean, median, standard_deviation, root_mean_square,
    maximum and minimum (numpy definitions, population std), so benchmarks/tsfresh_compare.py may time
    both on that set as the same work; that script also checks the values against tsfresh itself."""
    curves = [RNG.normal(5.0, 2.0, size=n) for n in (7, 8, 200, 201)]  # odd and even medians
    tsfresh = {
        "mean": np.mean,
        "q50": np.median,
        "std": np.std,
        "rms": lambda x: np.sqrt(np.mean(np.square(x))),
        "max": np.max,
        "min": np.min,
    }
    frame = frame_of(*curves)
    got = CurveFeatures(features=tuple(tsfresh), passthrough=False).fit(frame).transform(frame)
    for name, definition in tsfresh.items():
        expected = [definition(curve) for curve in curves]
        np.testing.assert_allclose(got[f"p__{name}"], expected, rtol=1e-12, err_msg=name)
