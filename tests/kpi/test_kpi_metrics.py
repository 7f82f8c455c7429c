"""ML metrics against hand arithmetic and scikit-learn, and the three bootstrap schemes."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sklearn.metrics as skm

from axpoc.kpi import (
    KPIS,
    Undefined,
    bootstrap_ci,
    compute_metrics,
    paired_bootstrap_diff,
    point_metric,
)

# Binary hand case: 3 defects, 5 good parts.
Y = np.array([1, 1, 1, 0, 0, 0, 0, 0])
PRED = np.array([1, 1, 0, 1, 0, 0, 0, 0])  # TP=2, FN=1, FP=1, TN=4
SCORE = np.array([0.9, 0.8, 0.3, 0.7, 0.3, 0.2, 0.1, 0.1])


def test_binary_metrics_by_hand() -> None:
    m = compute_metrics("binary", Y, PRED, SCORE)
    assert m["precision"] == pytest.approx(2 / 3)  # TP / (TP + FP) = 2 / 3
    assert m["recall"] == pytest.approx(2 / 3)  # TP / (TP + FN) = 2 / 3
    assert m["f1"] == pytest.approx(2 / 3)  # 2*2 / (2*2 + 1 + 1) = 4 / 6
    assert m["accuracy"] == pytest.approx(0.75)  # (2 + 4) / 8
    assert m["balanced_accuracy"] == pytest.approx((2 / 3 + 4 / 5) / 2)  # (TPR + TNR) / 2 = 0.7333
    # class 1: F1 = 2/3; class 0: TP0=4, FP0=1 (a defect called good), FN0=1 -> 8 / 10 = 0.8
    assert m["macro_f1"] == pytest.approx((2 / 3 + 0.8) / 2)
    # 15 defect/good pairs: 0.9 and 0.8 beat all 5 good (10); 0.3 beats 0.2, 0.1, 0.1 (3),
    # ties 0.3 (0.5) and loses to 0.7 -> 13.5 / 15
    assert m["roc_auc"] == pytest.approx(0.9)
    # thresholds 0.9: P=1, R=1/3; 0.8: P=1, R=2/3; 0.7: recall unchanged; 0.3: P=3/5, R=1
    # AP = 1/3 * 1 + 1/3 * 1 + 1/3 * 0.6 = 0.8667
    assert m["average_precision"] == pytest.approx(2.6 / 3)
    # (0.1² + 0.2² + 0.7² + 0.7² + 0.3² + 0.2² + 0.1² + 0.1²) / 8 = 1.18 / 8
    assert m["brier"] == pytest.approx(0.1475)
    # -(3 ln 0.9 + 2 ln 0.8 + 2 ln 0.3 + ln 0.7) / 8 = 3.52699 / 8 = 0.44087
    expected = -(3 * math.log(0.9) + 2 * math.log(0.8) + 2 * math.log(0.3) + math.log(0.7)) / 8
    assert m["log_loss"] == pytest.approx(expected)
    assert m["log_loss"] == pytest.approx(0.440874, abs=1e-6)


def test_multiclass_metrics_by_hand() -> None:
    y = np.array(["a", "a", "b", "b", "c", "c"])
    pred = np.array(["a", "b", "b", "b", "c", "a"])
    m = compute_metrics("multiclass", y, pred)
    assert m["accuracy"] == pytest.approx(4 / 6)
    # a: TP1 FP1 FN1 -> 2/4; b: TP2 FP1 FN0 -> 4/5; c: TP1 FP0 FN1 -> 2/3
    assert m["macro_f1"] == pytest.approx((0.5 + 0.8 + 2 / 3) / 3)
    assert m["balanced_accuracy"] == pytest.approx((1 / 2 + 1 + 1 / 2) / 3)  # recalls a, b, c


def test_multiclass_score_metrics_by_hand() -> None:
    y = np.array([0, 0, 1, 2])
    proba = np.array([[0.6, 0.3, 0.1], [0.3, 0.4, 0.3], [0.4, 0.5, 0.1], [0.2, 0.2, 0.6]])
    m = compute_metrics("multiclass", y, proba.argmax(axis=1), proba)
    # one-vs-rest: class 0 pos {.6, .3} vs neg {.4, .2}: 3 of 4 pairs; class 1: .5 vs {.3,.4,.2}: 1;
    # class 2: .6 vs {.1,.3,.1}: 1 -> (0.75 + 1 + 1) / 3
    assert m["roc_auc"] == pytest.approx(2.75 / 3)
    # -(ln .6 + ln .3 + ln .5 + ln .6) / 4 = 2.9188 / 4 = 0.7297
    assert m["log_loss"] == pytest.approx(-(2 * math.log(0.6) + math.log(0.3) + math.log(0.5)) / 4)


def test_regression_metrics_by_hand() -> None:
    y = np.array([1.0, 2.0, 3.0, 4.0])
    pred = np.array([1.5, 2.0, 2.5, 5.0])  # errors 0.5, 0, -0.5, 1
    m = compute_metrics("regression", y, pred)
    assert m["mae"] == pytest.approx(0.5)  # (0.5 + 0 + 0.5 + 1) / 4
    assert m["rmse"] == pytest.approx(math.sqrt(0.375))  # (0.25 + 0 + 0.25 + 1) / 4 = 0.375
    assert m["r2"] == pytest.approx(0.7)  # 1 - 1.5 / 5, SS_tot = 2.25 + 0.25 + 0.25 + 2.25
    assert m["mape"] == pytest.approx((0.5 / 1 + 0 + 0.5 / 3 + 1 / 4) / 4)  # 0.22917


def _random_binary(n: int = 3000, seed: int = 3) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.05).astype(int)
    score = np.clip(0.1 + 0.3 * y + rng.normal(0, 0.15, n), 0, 1).round(2)  # rounding makes ties
    return y, (score >= 0.3).astype(int), score


def test_binary_metrics_agree_with_sklearn_on_tied_scores() -> None:
    y, pred, score = _random_binary()
    m = compute_metrics("binary", y, pred, score)
    reference = {
        "roc_auc": skm.roc_auc_score(y, score),
        "average_precision": skm.average_precision_score(y, score),
        "f1": skm.f1_score(y, pred),
        "macro_f1": skm.f1_score(y, pred, average="macro"),
        "accuracy": skm.accuracy_score(y, pred),
        "balanced_accuracy": skm.balanced_accuracy_score(y, pred),
        "precision": skm.precision_score(y, pred),
        "recall": skm.recall_score(y, pred),
        "brier": skm.brier_score_loss(y, score),
        "log_loss": skm.log_loss(y, score),
    }
    assert m.keys() == reference.keys()
    for name, value in reference.items():
        assert m[name] == pytest.approx(value, rel=1e-10), name


def test_multiclass_and_regression_agree_with_sklearn() -> None:
    rng = np.random.default_rng(5)
    y = rng.integers(0, 4, 1500)
    proba = rng.dirichlet(np.ones(4), 1500)
    proba[np.arange(1500), y] += 0.4
    proba /= proba.sum(axis=1, keepdims=True)
    pred = proba.argmax(axis=1)
    m = compute_metrics("multiclass", y, pred, proba)
    assert m["roc_auc"] == pytest.approx(skm.roc_auc_score(y, proba, multi_class="ovr"))
    assert m["log_loss"] == pytest.approx(skm.log_loss(y, proba))
    assert m["macro_f1"] == pytest.approx(skm.f1_score(y, pred, average="macro"))
    assert m["balanced_accuracy"] == pytest.approx(skm.balanced_accuracy_score(y, pred))
    # a precise dimension, 50 mm +- 5 µm: naive sums of squares would lose every digit of R²
    yr = 50 + rng.normal(0, 0.005, 2000)
    pr = yr + rng.normal(0, 0.002, 2000)
    r = compute_metrics("regression", yr, pr)
    assert r["r2"] == pytest.approx(skm.r2_score(yr, pr), rel=1e-9)
    assert r["rmse"] == pytest.approx(skm.root_mean_squared_error(yr, pr))
    assert r["mae"] == pytest.approx(skm.mean_absolute_error(yr, pr))
    assert r["mape"] == pytest.approx(skm.mean_absolute_percentage_error(yr, pr))


def test_default_names_follow_task_and_inputs() -> None:
    assert set(compute_metrics("binary", Y, PRED)) == {
        "f1", "macro_f1", "accuracy", "balanced_accuracy", "precision", "recall"
    }  # fmt: skip
    anomaly = compute_metrics("anomaly", Y, PRED, SCORE * 10)  # anomaly scores are not probabilities
    assert {"roc_auc", "average_precision"} <= set(anomaly) and "brier" not in anomaly
    assert set(compute_metrics("regression", [1.0, 2.0], [1.0, 2.5])) == {"r2", "rmse", "mae", "mape"}


def test_undefined_metrics_are_nan_with_a_reason() -> None:
    m = compute_metrics("binary", [0, 0, 0], [0, 1, 0], [0.1, 0.6, 0.2])
    assert isinstance(m["roc_auc"], Undefined) and "only one class" in m["roc_auc"].reason
    assert isinstance(m["recall"], Undefined) and "TP + FN = 0" in m["recall"].reason
    assert isinstance(m["balanced_accuracy"], Undefined)
    assert m["accuracy"] == pytest.approx(2 / 3)
    nothing_flagged = compute_metrics("binary", [1, 0], [0, 0], names=["precision"])["precision"]
    assert "no part is flagged" in nothing_flagged.reason
    r = compute_metrics("regression", [0.0, 1.0, 1.0], [0.1, 1.0, 1.0])
    assert "contains 0" in r["mape"].reason and r["mae"] == pytest.approx(0.1 / 3)
    assert "constant" in compute_metrics("regression", [2.0, 2.0], [2.0, 2.1])["r2"].reason


def test_compute_metrics_rejects_misuse() -> None:
    with pytest.raises(ValueError, match="did you mean 'roc_auc'"):
        compute_metrics("binary", Y, PRED, SCORE, names=["roc_aux"])
    with pytest.raises(ValueError, match="not an ML metric"):
        compute_metrics("binary", Y, PRED, names=["monthly_saving"])
    with pytest.raises(ValueError, match="not defined for task 'binary'"):
        compute_metrics("binary", Y, PRED, names=["r2"])
    with pytest.raises(ValueError, match="needs y_score"):
        compute_metrics("binary", Y, PRED, names=["roc_auc"])
    with pytest.raises(ValueError, match="0/1"):
        compute_metrics("binary", ["ok", "ng"], ["ok", "ok"], names=["recall"])
    with pytest.raises(ValueError, match="unknown task"):
        compute_metrics("ranking", Y, PRED)
    with pytest.raises(ValueError, match="contain NaN"):
        compute_metrics("binary", Y, PRED, np.r_[SCORE[:-1], np.nan])


def test_multiclass_labels_follow_predict_proba_columns() -> None:
    """A test part without class 'c' still scores against a 3-column predict_proba."""
    y = np.array(["a", "b", "a", "b"])
    proba = np.array([[0.7, 0.2, 0.1], [0.2, 0.7, 0.1], [0.5, 0.4, 0.1], [0.4, 0.5, 0.1]])
    with pytest.raises(ValueError, match="pass labels="):
        compute_metrics("multiclass", y, y, proba, names=["log_loss"])
    m = compute_metrics("multiclass", y, y, proba, names=["log_loss"], labels=["a", "b", "c"])
    assert m["log_loss"] == pytest.approx(skm.log_loss(y, proba, labels=["a", "b", "c"]))


def test_quality_kpis_resample_like_metrics() -> None:
    # defect_escape_rate = FN / (TP + FN) = 1 / 3; false_alarm_rate = FP / (FP + TN) = 1 / 5
    assert point_metric("defect_escape_rate", Y, PRED) == pytest.approx(1 / 3)
    assert point_metric("false_alarm_rate", Y, PRED) == pytest.approx(1 / 5)
    assert point_metric("defects_caught_per_1000", Y, PRED) == pytest.approx(250.0)  # 1000 * 2 / 8
    assert point_metric("manual_inspection_share", Y, PRED) == pytest.approx(3 / 8)
    assert point_metric("defect_rate_passed", Y, PRED) == pytest.approx(1 / 5)  # FN / (FN + TN)
    assert KPIS["defect_escape_rate"].resamplable and not KPIS["monthly_saving"].resamplable


# ---------------------------------------------------------------- bootstrap


def test_row_bootstrap_interval_brackets_the_point() -> None:
    y, pred, score = _random_binary()
    for name, values in (("roc_auc", score), ("accuracy", pred), ("recall", pred), ("brier", score)):
        point, low, high = bootstrap_ci(name, y, values, n_boot=300)
        assert low < point < high, name
        assert point == pytest.approx(compute_metrics("binary", y, pred, score, names=[name])[name])


def test_bootstrap_is_reproducible_and_accepts_a_callable() -> None:
    y, _, score = _random_binary(n=600)
    first = bootstrap_ci("roc_auc", y, score, n_boot=200, random_state=7)
    assert bootstrap_ci("roc_auc", y, score, n_boot=200, random_state=7) == first
    # the same resamples through sklearn's own function give the same interval
    looped = bootstrap_ci(skm.roc_auc_score, y, score, n_boot=200, random_state=7)
    assert looped == pytest.approx(first, rel=1e-10)


def test_cluster_bootstrap_is_wider_on_clustered_data() -> None:
    """Rows of one lot share its quality: resampling rows pretends there are 2000 independent parts."""
    rng = np.random.default_rng(11)
    lots = np.repeat(np.arange(40), 50)
    lot_accuracy = rng.beta(8, 2, 40)  # some lots are much harder than others
    correct = rng.random(lots.size) < lot_accuracy[lots]
    y = rng.integers(0, 2, lots.size)
    pred = np.where(correct, y, 1 - y)
    _, row_low, row_high = bootstrap_ci("accuracy", y, pred, n_boot=400)
    point, lot_low, lot_high = bootstrap_ci("accuracy", y, pred, groups=lots, n_boot=400)
    assert lot_low < point < lot_high
    assert lot_high - lot_low > 2 * (row_high - row_low)


def test_block_bootstrap_is_wider_on_autocorrelated_errors() -> None:
    rng = np.random.default_rng(12)
    err = np.zeros(2000)
    for i in range(1, err.size):  # AR(1) drift: slow tool wear, temperature swings
        err[i] = 0.95 * err[i - 1] + rng.normal(0, 0.1)
    y = 10 + rng.normal(0, 1, err.size)
    _, row_low, row_high = bootstrap_ci("mae", y, y + err, n_boot=400)
    point, blk_low, blk_high = bootstrap_ci("mae", y, y + err, block_size=100, n_boot=400)
    assert blk_low < point < blk_high
    assert blk_high - blk_low > 2 * (row_high - row_low)


def test_bootstrap_with_too_few_defined_resamples_says_so() -> None:
    # one defect at row 0, blocks of 5 over 10 rows: a resample holds row 0 only when a block
    # starts there, (5/6)^2 = 69 % of resamples have no defect and recall is undefined
    y = np.array([1, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    point, low, high = bootstrap_ci("recall", y, y, block_size=5, n_boot=200)
    assert point == 1.0
    assert isinstance(low, Undefined) and "too few for an interval" in low.reason
    point, low, high = bootstrap_ci("roc_auc", [0, 0, 0], [0.1, 0.2, 0.3])
    assert isinstance(point, Undefined) and math.isnan(low) and math.isnan(high)


def test_bootstrap_rejects_contradictory_options() -> None:
    with pytest.raises(ValueError, match="not both"):
        bootstrap_ci("accuracy", Y, PRED, groups=np.arange(8) // 4, block_size=2)
    with pytest.raises(ValueError, match="at least 2 groups"):
        bootstrap_ci("accuracy", Y, PRED, groups=np.zeros(8))
    with pytest.raises(ValueError, match="block_size"):
        bootstrap_ci("accuracy", Y, PRED, block_size=9)
    with pytest.raises(ValueError, match="resamplable KPIs"):
        bootstrap_ci("cpk", Y, PRED)


def test_paired_diff_uses_the_same_resamples() -> None:
    y, _, score = _random_binary(n=2000)
    assert tuple(paired_bootstrap_diff("roc_auc", y, score, score, n_boot=200)) == (0.0, 0.0, 0.0)
    rng = np.random.default_rng(4)
    other = np.clip(score + rng.normal(0, 0.05, score.size), 0, 1)
    diff, low, high = paired_bootstrap_diff("roc_auc", y, score, other, n_boot=400)
    auc_a, auc_b = skm.roc_auc_score(y, score), skm.roc_auc_score(y, other)
    assert diff == pytest.approx(auc_a - auc_b)
    assert low < diff < high
    # pairing cancels the noise both models share: far narrower than the two intervals apart
    _, a_low, a_high = bootstrap_ci("roc_auc", y, score, n_boot=400)
    _, b_low, b_high = bootstrap_ci("roc_auc", y, other, n_boot=400)
    assert high - low < 0.5 * ((a_high - a_low) + (b_high - b_low))


def test_paired_mean_diff_with_strata_holds_each_share_fixed():
    """Post-stratified resamples: a difference that only depends on the stratum has no spread at all."""
    from axpoc.kpi import paired_mean_diff

    strata = np.array([1] * 10 + [0] * 90)
    a = np.where(strata == 1, 5.0, 1.0)
    plain = paired_mean_diff(a, np.zeros_like(a), n_boot=300)
    fixed = paired_mean_diff(a, np.zeros_like(a), n_boot=300, strata=strata)
    assert (
        fixed.point == pytest.approx(1.4)
        and fixed.low == pytest.approx(1.4)
        and fixed.high == pytest.approx(1.4)
    )
    assert plain.high - plain.low > 0.3
    with pytest.raises(ValueError, match="strata"):
        paired_mean_diff(a, a, strata=strata[:5])
