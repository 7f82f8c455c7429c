"""The drift room: PSI by hand, KS/W against scipy, chi², severity gating, label, scores, curves, sampling."""

from __future__ import annotations

import json
import math
import time

import numpy as np
import pandas as pd
import pytest
from rich.console import Console
from scipy import stats

from axpoc.drift import (
    EPSILON,
    MAX_NEW_VALUES,
    DriftReport,
    categorical_drift,
    curve_summaries,
    drift_report,
    new_value_counts,
    numeric_drift,
    psi,
    psi_categorical,
    severity_rank,
)
from axpoc.errors import UserError

TWO_BIN_SHIFT = 0.3 * math.log(0.8 / 0.5) + 0.3 * math.log(0.5 / 0.2)
"""50/50 -> 80/20: (0.8 - 0.5) ln(0.8/0.5) + (0.2 - 0.5) ln(0.2/0.5) = 0.4159."""


def normal(seed: int, n: int, loc: float = 0.0, scale: float = 1.0) -> np.ndarray:
    return np.random.default_rng(seed).normal(loc, scale, n)


# PSI by hand


def test_psi_of_identical_data_is_zero() -> None:
    x = normal(0, 1000)
    assert psi(x, x.copy()) == 0.0
    assert psi_categorical(["a", "b", "b", None], ["a", "b", "b", None]) == 0.0


def test_psi_two_bin_shift_matches_the_hand_computation() -> None:
    reference = np.arange(100.0)  # median 49.5: bins (-inf, 49.5] and (49.5, inf), 50/50
    current = np.r_[np.full(80, 10.0), np.full(20, 90.0)]  # 80/20
    assert psi(reference, current, bins=2) == pytest.approx(TWO_BIN_SHIFT, abs=1e-12)
    assert round(TWO_BIN_SHIFT, 4) == 0.4159
    assert psi_categorical(["A"] * 50 + ["B"] * 50, ["A"] * 80 + ["B"] * 20) == pytest.approx(TWO_BIN_SHIFT)


def test_psi_gives_an_empty_bin_the_epsilon_share() -> None:
    reference = np.arange(100.0)
    current = np.full(100, 1.0)  # everything in the lower bin, the upper one is empty
    expected = (1 - 0.5) * math.log(1 / 0.5) + (EPSILON - 0.5) * math.log(EPSILON / 0.5)
    assert psi(reference, current, bins=2) == pytest.approx(expected)


def test_psi_counts_missing_values_as_a_bin() -> None:
    reference = np.r_[np.arange(50.0), np.arange(50.0)]
    current = np.r_[np.arange(50.0), np.full(50, np.nan)]  # same values, half of them missing
    # bins (-inf, 24.5], (24.5, inf), missing: 0.5/0.5/0 -> 0.25/0.25/0.5
    expected = 2 * (0.25 - 0.5) * math.log(0.25 / 0.5) + (0.5 - EPSILON) * math.log(0.5 / EPSILON)
    assert psi(reference, current, bins=2) == pytest.approx(expected)


def test_psi_rejects_one_bin() -> None:
    with pytest.raises(ValueError, match="bins"):
        psi([1.0, 2.0], [1.0, 2.0], bins=1)


# numeric drift


@pytest.mark.parametrize(
    ("reference", "current"),
    [
        (normal(1, 3000), normal(2, 2000, loc=0.3)),
        (
            np.random.default_rng(3).integers(0, 5, 700).astype(float),
            np.random.default_rng(4).integers(0, 6, 500),
        ),
    ],
    ids=["continuous", "ties"],
)
def test_ks_and_wasserstein_equal_scipy(reference: np.ndarray, current: np.ndarray) -> None:
    drift = numeric_drift(reference, current)
    ks = stats.ks_2samp(reference, current, method="asymp")
    assert drift.statistic == pytest.approx(ks.statistic, abs=1e-12)
    assert drift.p_value == pytest.approx(ks.pvalue, rel=1e-9)
    assert drift.details["wasserstein"] == pytest.approx(
        stats.wasserstein_distance(reference, current), abs=1e-12
    )
    assert drift.details["wasserstein_norm"] == pytest.approx(
        drift.details["wasserstein"] / np.std(reference)
    )


def test_ks_detects_a_mean_shift_and_not_a_resample() -> None:
    reference = normal(10, 2000)
    shifted = numeric_drift(reference, normal(11, 2000, loc=0.6), name="금형온도")
    assert shifted.test == "ks"
    assert shifted.p_value < 1e-20
    assert shifted.severity == "major"
    assert shifted.details["mean_current"] - shifted.details["mean_reference"] == pytest.approx(0.6, abs=0.08)
    resample = numeric_drift(reference, normal(12, 2000))
    assert resample.p_value > 0.05
    assert resample.severity == "none"
    assert resample.psi < 0.02


def test_severity_bands_of_a_mean_shift() -> None:
    reference = normal(20, 20_000)
    grades = {shift: numeric_drift(reference, normal(21, 20_000, loc=shift)) for shift in (0.05, 0.4, 0.7)}
    assert grades[0.05].p_value < 0.01  # big samples: a tiny shift is "significant" ...
    assert grades[0.05].severity == "none"  # ... but the effect gates it
    assert "small" in grades[0.05].reason
    assert grades[0.4].severity == "moderate"
    assert grades[0.7].severity == "major"
    assert "PSI" in grades[0.7].reason


def test_small_samples_need_a_significant_test() -> None:
    # 25 vs 25 draws of one distribution: PSI is large by chance, KS says it is noise
    drift = numeric_drift(normal(30, 25), normal(31, 25))
    assert drift.psi > 0.1
    assert drift.p_value > 0.01
    assert drift.severity == "none"
    assert "not significant" in drift.reason


def test_wasserstein_catches_values_running_out_in_the_tail() -> None:
    reference = normal(40, 20_000)
    current = normal(41, 20_000)
    current[:1000] += 8.0  # 5 % of parts now 8 sigma higher: W/σ ≈ 0.4, quantile bins barely move
    drift = numeric_drift(reference, current)
    assert drift.psi < 0.1
    assert drift.details["wasserstein_norm"] == pytest.approx(0.4, abs=0.03)
    assert drift.severity == "moderate"
    assert "W/σ" in drift.reason
    assert drift.details["outside_range_current"] > 0.04


def test_missing_values_on_one_side() -> None:
    reference = normal(50, 1000)
    gone = numeric_drift(reference, np.full(500, np.nan), name="sensor")
    assert gone.severity == "major"
    assert "every value is missing in the current data" in gone.reason
    assert gone.details["missing_current"] == 1.0
    current = normal(51, 1000)
    current[:300] = np.nan  # the sensor drops out on 30 % of parts, the rest unchanged
    dropout = numeric_drift(reference, current)
    assert dropout.details["missing_current"] == pytest.approx(0.3)
    assert dropout.details["p_missing"] < 1e-20
    assert dropout.severity == "major"
    both = numeric_drift(np.full(5, np.nan), np.full(5, np.nan))
    assert both.severity == "none"


# categorical drift


def test_categorical_new_value_is_reported() -> None:
    reference = ["A"] * 60 + ["B"] * 40
    current = ["A"] * 50 + ["B"] * 30 + ["C"] * 20
    drift = categorical_drift(reference, current, name="제품")
    assert drift.new_values == ["C"]
    assert drift.details["new_value_counts"] == [("C", 20)]
    assert drift.details["shares_current"]["C"] == pytest.approx(0.2)
    assert drift.severity == "major"
    assert new_value_counts(reference, current) == [("C", 20)]


def test_new_values_of_a_serial_number_column_are_capped() -> None:
    reference = [f"S{i:05d}" for i in range(300)]
    current = [f"S{i:05d}" for i in range(300, 400)] + ["S00001"] * 100
    drift = categorical_drift(reference, current, name="시리얼")
    assert len(drift.new_values) == MAX_NEW_VALUES
    assert drift.details["new_value_share"] == pytest.approx(0.5)
    assert drift.severity == "major"


def test_chi2_on_a_changed_mix() -> None:
    rng = np.random.default_rng(60)
    reference = rng.choice(["A", "B", "C"], 2000, p=[0.5, 0.3, 0.2])
    current = rng.choice(["A", "B", "C"], 2000, p=[0.3, 0.3, 0.4])
    drift = categorical_drift(reference, current)
    table = [[(reference == v).sum() for v in "ABC"], [(current == v).sum() for v in "ABC"]]
    expected = stats.chi2_contingency(table)
    assert drift.test == "chi2"
    assert drift.statistic == pytest.approx(expected.statistic)
    assert drift.p_value == pytest.approx(expected.pvalue)
    assert drift.p_value < 1e-30
    assert drift.severity == "major"
    assert drift.details["shares_reference"]["A"] == pytest.approx(0.5, abs=0.03)
    same = categorical_drift(reference, rng.choice(["A", "B", "C"], 2000, p=[0.5, 0.3, 0.2]))
    assert same.p_value > 0.01
    assert same.severity == "none"


def test_share_ratio_catches_a_doubled_defect_rate() -> None:
    reference = np.r_[np.zeros(9800), np.ones(200)]  # 2 % defects
    current = np.r_[np.zeros(9500), np.ones(500)]  # 5 %
    plain = categorical_drift(reference, current)
    assert plain.psi < 0.1  # PSI hides it
    assert plain.severity == "none"
    label = categorical_drift(reference, current, share_ratio=True)
    assert label.details["max_share_ratio"] == pytest.approx(2.5)
    assert label.severity == "major"


# the report


def molding_frames(seed: int = 0, n: int = 3000) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reference vs. new molding data: mold temperature up, a new product, defects up, hold time unchanged."""
    rng = np.random.default_rng(seed)
    reference = pd.DataFrame(
        {
            "금형온도": rng.normal(60, 2, n),
            "보압시간": rng.normal(5, 0.5, n),
            "제품": rng.choice(["P-01", "P-02"], n),
            "캐비티": rng.integers(1, 5, n),
            "불량": (rng.random(n) < 0.02).astype(int),
        }
    )
    current = pd.DataFrame(
        {
            "금형온도": rng.normal(62, 2, n),
            "보압시간": rng.normal(5, 0.5, n),
            "제품": rng.choice(["P-01", "P-02", "P-07"], n, p=[0.45, 0.45, 0.1]),
            "캐비티": rng.integers(1, 5, n),
            "불량": (rng.random(n) < 0.06).astype(int),
        }
    )
    return reference, current


FEATURES = ["금형온도", "보압시간", "제품", "캐비티"]


def test_report_on_korean_columns() -> None:
    reference, current = molding_frames()
    report = drift_report(reference, current, features=FEATURES, target="불량")
    by_name = {f.name: f for f in report.features}
    assert by_name["금형온도"].kind == "numeric"
    assert by_name["금형온도"].severity == "major"
    assert by_name["보압시간"].severity == "none"
    assert by_name["제품"].kind == "categorical"
    assert by_name["제품"].new_values == ["P-07"]
    assert by_name["캐비티"].kind == "categorical"  # 4 distinct integers: a code, not a quantity
    assert by_name["캐비티"].severity == "none"
    assert report.unseen == {"제품": [("P-07", by_name["제품"].details["new_value_counts"][0][1])]}
    assert 200 < report.unseen["제품"][0][1] < 400
    assert report.drifted() == ["금형온도", "제품"]
    assert report.drifted("none") == FEATURES
    assert not report.sampled
    assert (report.n_reference, report.n_current) == (3000, 3000)


def test_label_drift() -> None:
    reference, current = molding_frames()
    report = drift_report(reference, current, features=FEATURES, target="불량")
    assert report.label_drift is not None
    assert report.label_drift.name == "불량"
    assert report.label_drift.kind == "categorical"
    assert report.label_drift.severity == "major"
    assert report.label_drift.details["shares_current"][1] == pytest.approx(0.06, abs=0.01)
    unlabelled = current.assign(불량=np.nan)
    assert drift_report(reference, unlabelled, features=FEATURES, target="불량").label_drift is None
    assert (
        drift_report(reference, current.drop(columns="불량"), features=FEATURES, target="불량").label_drift
        is None
    )
    partly = current.assign(불량=current["불량"].where(np.arange(len(current)) < 1000))  # 1000 labelled rows
    label = drift_report(reference, partly, features=FEATURES, target="불량").label_drift
    assert label is not None
    assert label.details["n_current"] == 1000
    assert label.details["missing_current"] == 0.0


def test_label_drift_of_a_measured_dimension_is_numeric() -> None:
    reference = pd.DataFrame({"x": normal(70, 2000), "치수": normal(71, 2000, loc=10.0, scale=0.02)})
    current = pd.DataFrame({"x": normal(72, 2000), "치수": normal(73, 2000, loc=10.02, scale=0.02)})
    label = drift_report(reference, current, features=["x"], target="치수").label_drift
    assert label is not None
    assert label.kind == "numeric"
    assert label.severity == "major"


def test_prediction_drift() -> None:
    reference, current = molding_frames()
    rng = np.random.default_rng(80)
    before = rng.beta(1, 20, 3000)
    after = rng.beta(2, 20, 3000)
    report = drift_report(
        reference, current, features=FEATURES, reference_scores=before, current_scores=after
    )
    assert report.prediction_drift is not None
    assert report.prediction_drift.kind == "numeric"
    assert report.prediction_drift.severity == "major"
    assert report.prediction_drift.details["mean_current"] == pytest.approx(2 / 22, abs=0.01)
    two_columns = np.c_[1 - before, before]
    same = drift_report(
        reference,
        current,
        features=FEATURES,
        reference_scores=two_columns,
        current_scores=rng.beta(1, 20, 3000),
    )
    assert same.prediction_drift is not None
    assert same.prediction_drift.severity == "none"
    assert drift_report(reference, current, features=FEATURES).prediction_drift is None
    with pytest.raises(ValueError, match="both"):
        drift_report(reference, current, features=FEATURES, reference_scores=before)


def test_curve_summaries_by_hand() -> None:
    cells = pd.Series([np.array([1.0, 3.0]), None, np.array([]), np.array([2.0, np.nan, 8.0])], dtype=object)
    summaries = curve_summaries(cells)
    np.testing.assert_array_equal(summaries["mean"], [2.0, np.nan, np.nan, 5.0])
    np.testing.assert_array_equal(summaries["max"], [3.0, np.nan, np.nan, 8.0])
    np.testing.assert_array_equal(summaries["length"], [2.0, np.nan, 0.0, 3.0])


def test_curve_columns_report_their_summaries() -> None:
    rng = np.random.default_rng(90)
    t = np.linspace(0, 1, 100)

    def curves(peak: float, n: int) -> list[np.ndarray]:
        return [
            peak * (1 + 0.02 * rng.normal()) * np.sin(np.pi * t) + rng.normal(0, 1, t.size) for _ in range(n)
        ]

    reference = pd.DataFrame({"사출압력": curves(100.0, 800), "x": normal(91, 800)})
    current = pd.DataFrame({"사출압력": curves(110.0, 800), "x": normal(92, 800)})
    report = drift_report(reference, current, features=["사출압력", "x"])
    by_name = {f.name: f for f in report.features}
    assert list(by_name) == ["사출압력:mean", "사출압력:max", "사출압력:length", "x"]
    assert {by_name[f"사출압력:{s}"].kind for s in ("mean", "max", "length")} == {"curve"}
    assert by_name["사출압력:max"].severity == "major"
    assert by_name["사출압력:max"].details["mean_current"] == pytest.approx(112, abs=2)
    assert by_name["사출압력:length"].psi == 0.0  # every curve has 100 samples on both sides
    assert by_name["사출압력:length"].severity == "none"
    assert by_name["x"].severity == "none"


def test_sampling_is_seeded_and_flagged_and_counts_new_values_on_all_rows() -> None:
    rng = np.random.default_rng(100)
    n = 5000
    reference = pd.DataFrame({"v": rng.normal(0, 1, n), "제품": rng.choice(["A", "B"], n)})
    products = rng.choice(["A", "B"], n).astype(object)
    products[[7, 1234, 4321]] = "NEW"  # three parts of a new product: a sample may miss them
    current = pd.DataFrame({"v": rng.normal(0, 1, n), "제품": products})
    report = drift_report(reference, current, features=["v", "제품"], max_rows=1000, random_state=3)
    assert report.sampled
    assert (report.n_reference, report.n_current) == (5000, 5000)
    assert report.features[0].details["n_reference"] == 1000
    assert report.features[0].details["n_current"] == 1000
    assert report.unseen == {"제품": [("NEW", 3)]}
    assert report.features[1].new_values == ["NEW"]
    again = drift_report(reference, current, features=["v", "제품"], max_rows=1000, random_state=3)
    assert again.features[0].statistic == report.features[0].statistic
    other = drift_report(reference, current, features=["v", "제품"], max_rows=1000, random_state=4)
    assert other.features[0].statistic != report.features[0].statistic
    whole = drift_report(reference, current, features=["v", "제품"])
    assert not whole.sampled
    assert whole.features[0].details["n_reference"] == 5000


def test_absent_and_empty_columns_are_major_with_a_reason() -> None:
    reference, current = molding_frames(n=500)
    current = current.drop(columns="보압시간").assign(금형온도=np.nan)
    report = drift_report(reference, current, features=FEATURES)
    by_name = {f.name: f for f in report.features}
    assert by_name["보압시간"].severity == "major"
    assert by_name["보압시간"].reason == "column is absent from the current data"
    assert by_name["금형온도"].severity == "major"
    assert "every value is missing" in by_name["금형온도"].reason
    english = report.summary("en")
    assert "보압시간" in english
    assert "nan" not in english


def test_column_kinds_and_the_categorical_list() -> None:
    rng = np.random.default_rng(110)
    n = 500
    frame = pd.DataFrame(
        {
            "code": rng.integers(0, 3, n),
            "count": rng.integers(0, 500, n),
            "flag": rng.random(n) < 0.5,
            "lot": pd.Series(rng.choice(["L1", "L2"], n), dtype="category"),
            "temp": rng.normal(0, 1, n),
        }
    )
    kinds = {f.name: f.kind for f in drift_report(frame, frame, features=list(frame)).features}
    assert kinds == {
        "code": "categorical",
        "count": "numeric",
        "flag": "categorical",
        "lot": "categorical",
        "temp": "numeric",
    }
    given = drift_report(frame, frame, features=list(frame), categorical=["count"]).features
    assert {f.name: f.kind for f in given} == kinds | {"code": "numeric", "count": "categorical"}


def test_user_errors_name_the_column() -> None:
    reference, current = molding_frames(n=200)
    with pytest.raises(UserError, match="'사출속도'"):
        drift_report(reference, current, features=["사출속도"])
    with pytest.raises(UserError, match="target column '양불'"):
        drift_report(reference, current, features=FEATURES, target="양불")
    with pytest.raises(UserError, match="categorical"):
        drift_report(reference, current, features=FEATURES, categorical=["제풍"])


def test_summary_in_both_languages_mentions_the_drifted_feature() -> None:
    reference, current = molding_frames()
    report = drift_report(reference, current, features=FEATURES, target="불량")
    korean = report.summary("ko")
    english = report.summary("en")
    for text in (korean, english):
        assert "금형온도" in text
        assert "P-07" in text
        assert "보압시간" not in text
    assert "큰 드리프트 2개" in korean
    assert "기준 데이터에 없던 값: 제품 = P-07" in korean
    assert "레이블 분포: 큰 드리프트 (1: 2.3% → 6.4%)" in korean
    assert "Major drift in 2: " in english
    assert report.summary() == korean
    stable = drift_report(reference, reference.copy(), features=FEATURES)
    assert "눈에 띄게 변한 특성은 없습니다" in stable.summary("ko")
    assert "No feature drifted noticeably" in stable.summary("en")
    with pytest.raises(ValueError, match="language"):
        report.summary("de")  # type: ignore[arg-type]


def test_frame_dict_and_table() -> None:
    reference, current = molding_frames()
    report = drift_report(
        reference, current, features=FEATURES, target="불량",
        reference_scores=np.linspace(0, 1, 3000), current_scores=np.linspace(0, 1, 3000),
    )  # fmt: skip
    frame = report.to_frame()
    assert list(frame["name"]) == [*FEATURES, "불량", "prediction"]
    assert list(frame["role"]) == ["feature"] * 4 + ["label", "prediction"]
    assert frame.loc[0, "severity"] == "major"
    assert frame.loc[5, "psi"] == 0.0
    data = json.loads(json.dumps(report.to_dict(), allow_nan=False))
    assert data["drifted"] == ["금형온도", "제품"]
    assert data["unseen"]["제품"][0][0] == "P-07"
    assert data["features"][2]["details"]["shares_current"]["P-07"] > 0.05
    assert data["label_drift"]["severity"] == "major"
    console = Console(record=True, width=220)
    console.print(report.to_table())
    rendered = console.export_text()
    assert "2 major" in rendered
    assert "[label] 불량" in rendered
    assert rendered.index("금형온도") < rendered.index("보압시간")


def test_severity_rank() -> None:
    assert [severity_rank(s) for s in ("none", "moderate", "major")] == [0, 1, 2]
    with pytest.raises(ValueError):
        severity_rank("huge")  # type: ignore[arg-type]


def test_fifty_features_of_100k_rows_take_under_two_seconds() -> None:
    rng = np.random.default_rng(120)
    reference = pd.DataFrame(rng.normal(size=(100_000, 50)), columns=[f"x{i}" for i in range(50)])
    current = pd.DataFrame(rng.normal(size=(100_000, 50)), columns=reference.columns)
    start = time.process_time()
    report = drift_report(reference, current, features=list(reference.columns))
    assert time.process_time() - start < 2.0
    assert isinstance(report, DriftReport)
    assert report.sampled
    assert report.drifted("moderate") == []
