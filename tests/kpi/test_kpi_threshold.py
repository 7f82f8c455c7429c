"""Decision rules: cost-optimal threshold, calibration, anomaly and regression flags."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import sklearn.metrics as skm

from axpoc.kpi import (
    SpecLimits,
    anomaly_threshold,
    calibrate_oof,
    cost_optimal_threshold,
    regression_flags,
)


def test_cost_optimal_threshold_by_hand() -> None:
    y = [1, 1, 0, 1, 0, 0, 0, 0]  # N = 8, D = 3
    proba = [0.9, 0.8, 0.7, 0.6, 0.4, 0.3, 0.2, 0.1]
    r = cost_optimal_threshold(y, proba, escape_cost=100, false_alarm_cost=10, inspection_cost=1)
    # cost/part = ((TP+FP)*1 + FP*10 + FN*100) / 8 for flagging the top k:
    # k=0: 300/8 = 37.5; k=1: (1 + 200)/8 = 25.125; k=2: (2 + 100)/8 = 12.75;
    # k=3: (3 + 10 + 100)/8 = 14.125; k=4: (4 + 10 + 0)/8 = 1.75  <- best;
    # k=5: (5 + 20)/8 = 3.125; ... k=8: (8 + 50)/8 = 7.25
    assert r.expected_cost_per_part == pytest.approx(1.75)
    assert r.threshold == pytest.approx(0.5)  # halfway between 0.6 (flagged) and 0.4 (passed)
    assert r.curve["cost"].tolist() == pytest.approx(
        [37.5, 25.125, 12.75, 14.125, 1.75, 3.125, 4.5, 5.875, 7.25]
    )
    assert r.curve["threshold"].iloc[0] == np.inf and r.curve["threshold"].iloc[-1] == -np.inf
    best = r.curve.iloc[4]
    assert best["recall"] == 1.0 and best["false_alarm_rate"] == pytest.approx(1 / 5)
    assert r.flags(proba).tolist() == [True, True, True, True, False, False, False, False]


def test_ties_prefer_fewer_flags() -> None:
    r = cost_optimal_threshold([1, 0, 0], [0.9, 0.5, 0.1], escape_cost=0.0, false_alarm_cost=0.0)
    assert (
        r.threshold == np.inf and r.expected_cost_per_part == 0.0
    )  # nothing costs anything: inspect nothing


def test_tied_scores_are_one_decision() -> None:
    r = cost_optimal_threshold([1, 0, 1, 0], [0.8, 0.8, 0.2, 0.2], escape_cost=10, false_alarm_cost=1)
    assert r.curve["threshold"].tolist() == [np.inf, 0.5, -np.inf]
    # flag none: 2*10/4 = 5; flag the 0.8 pair: (1 + 10)/4 = 2.75; flag all: 2*1/4 = 0.5
    assert r.curve["cost"].tolist() == pytest.approx([5.0, 2.75, 0.5])
    assert r.threshold == -np.inf


def test_empirical_optimum_is_near_the_bayes_threshold_for_calibrated_scores() -> None:
    """With calibrated p, flagging pays when inspection + (1-p) * false alarm < p * escape,
    i.e. p > (1 + 10) / (100 + 10) = 0.1."""
    rng = np.random.default_rng(0)
    p = rng.beta(1, 8, 40_000)
    y = (rng.random(p.size) < p).astype(int)
    r = cost_optimal_threshold(y, p, escape_cost=100, false_alarm_cost=10, inspection_cost=1)
    assert r.threshold == pytest.approx(0.1, abs=0.03)


def test_cost_threshold_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="escape_cost"):
        cost_optimal_threshold([0, 1], [0.1, 0.9], escape_cost=-1, false_alarm_cost=1)
    with pytest.raises(ValueError, match="0/1"):
        cost_optimal_threshold([0, 2], [0.1, 0.9], escape_cost=1, false_alarm_cost=1)
    with pytest.raises(ValueError, match="NaN"):
        cost_optimal_threshold([0, 1], [0.1, np.nan], escape_cost=1, false_alarm_cost=1)


@pytest.mark.parametrize("method", ["isotonic", "sigmoid"])
def test_calibration_repairs_an_overconfident_score(method: str) -> None:
    rng = np.random.default_rng(1)
    p = rng.random(4000)
    y = (rng.random(p.size) < p).astype(int)
    raw = p**3  # systematically too low
    cal = calibrate_oof(y, raw, method=method)
    fixed = cal(raw)
    assert cal.method == method
    assert skm.brier_score_loss(y, fixed) < skm.brier_score_loss(y, raw) - 0.02
    assert fixed.mean() == pytest.approx(y.mean(), abs=0.02)
    assert np.all(np.diff(cal(np.linspace(0, 1, 50))) >= -1e-12)  # monotone: ranking, AUC unchanged
    again = pickle.loads(pickle.dumps(cal))
    assert np.array_equal(again.transform(raw), fixed)


def test_sigmoid_leaves_calibrated_scores_alone() -> None:
    rng = np.random.default_rng(2)
    p = rng.uniform(0.02, 0.98, 20_000)
    y = (rng.random(p.size) < p).astype(int)
    cal = calibrate_oof(y, p, method="sigmoid")
    assert cal.slope == pytest.approx(1.0, abs=0.1) and cal.intercept == pytest.approx(0.0, abs=0.1)


def test_calibration_rejects_one_class_and_unknown_method() -> None:
    with pytest.raises(ValueError, match="both defective and good"):
        calibrate_oof([0, 0, 0], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="isotonic"):
        calibrate_oof([0, 1], [0.1, 0.9], method="beta")  # type: ignore[arg-type]


def test_anomaly_threshold_is_the_upper_quantile_of_good_scores() -> None:
    good = np.arange(1.0, 11.0)  # 1 .. 10
    t = anomaly_threshold(good, false_alarm_rate=0.2)  # 2 of 10 may be flagged: 10 and 9
    assert t == pytest.approx(8.5)
    assert np.mean(good >= t) == pytest.approx(0.2)
    # two parts tie at 9 and only one may be flagged: the cut goes above both
    tied = np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 9.0])
    assert (
        anomaly_threshold(tied, false_alarm_rate=0.1) > 9
        and not (tied >= anomaly_threshold(tied, false_alarm_rate=0.1)).any()
    )
    assert anomaly_threshold(tied, false_alarm_rate=0.2) == pytest.approx(8.5)
    assert anomaly_threshold(good, false_alarm_rate=0.0) > 10
    with pytest.raises(ValueError, match="false_alarm_rate"):
        anomaly_threshold(good, false_alarm_rate=1.0)


def test_regression_flags_with_guard_band() -> None:
    spec = SpecLimits(10.0, 12.0)  # accept predictions in [10.2, 11.8] with a 0.2 guard band
    pred = [10.1, 10.2, 11.0, 11.8, 11.9, np.nan]
    assert regression_flags(pred, spec, guard_band=0.2).tolist() == [True, False, False, False, True, True]
    assert regression_flags(pred, spec).tolist() == [False, False, False, False, False, True]
    assert regression_flags([0.0, 11.7, 11.9], SpecLimits(usl=12.0), guard_band=0.2).tolist() == [
        False,
        False,
        True,
    ]
    with pytest.raises(ValueError, match="no acceptance zone"):
        regression_flags(pred, spec, guard_band=1.0)
    with pytest.raises(ValueError, match="guard_band"):
        regression_flags(pred, spec, guard_band=-0.1)
