"""The built-in acceptance rules: a model that loses money, flags nothing or is no better than a trivial
model never passes, and the evidence rule's numbers come from an exact binomial power calculation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from axpoc.i18n import Phrase
from axpoc.kpi import (
    Baseline,
    CostModel,
    Undefined,
    Volumes,
    beats_no_model,
    beats_trivial,
    catches_defects,
    defect_catches,
    enough_evidence,
    no_model_policies,
    not_applicable,
    required_defects,
    rule_of,
    switched_off,
    trivial_outputs,
)

COST = CostModel(inspection_cost=500, escape_cost=50_000, false_alarm_cost=2_000)
VOLUMES = Volumes(parts_per_day=2_000, working_days_per_month=22)
TODAY_ALL = Baseline("all", detection_rate=0.9)


def _parts(n: int = 2_000, rate: float = 0.03, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.random(n) < rate


def _good_model(defects: np.ndarray, seed: int = 1) -> np.ndarray:
    """Flags 95 % of the defects and 2 % of the good parts."""
    rng = np.random.default_rng(seed)
    return np.where(defects, rng.random(defects.size) < 0.95, rng.random(defects.size) < 0.02)


def _by_name(rows: list) -> dict:
    return {row.name: row for row in rows}


# ---------------------------------------------------------------- beats every no-model policy


def test_model_that_loses_money_against_todays_inspection_fails():
    """The issue's case: half the defects caught, more of them escaping than today: today's practice wins."""
    defects = _parts()
    rng = np.random.default_rng(2)
    flagged = np.where(defects, rng.random(defects.size) < 0.5, rng.random(defects.size) < 0.05)
    result = beats_no_model(defects, flagged, baseline=TODAY_ALL, cost=COST, volumes=VOLUMES)
    rows = _by_name(result.rules)
    assert not rows["beats_today"].passed
    assert rows["beats_today"].value > 0 and rows["beats_today"].used_value > 0
    assert rows["beats_today"].kind == "rule"
    assert "today's practice" in rows["beats_today"].reason
    assert "기존 검사 방식" in rows["beats_today"].reason.text("ko")


def test_good_model_beats_every_policy_and_earns_its_own_saving():
    defects = _parts()
    result = beats_no_model(defects, _good_model(defects), baseline=TODAY_ALL, cost=COST, volumes=VOLUMES)
    rows = _by_name(result.rules)
    # inspecting everything with today's detection rate is today's practice: listed once
    assert set(rows) == {"beats_today", "beats_inspect_none"}
    assert all(row.passed and row.used_value < 0 for row in rows.values())
    saving = result.kpis["saving_vs_best_policy"]
    assert saving > 0 and result.kpis["no_model_saving"] == pytest.approx(0.0)
    assert result.best_policy == "today"


def test_gain_a_no_model_policy_achieves_is_the_policys():
    """Escapes are cheap: inspecting nothing beats today's inspection, and that gain is not the model's."""
    defects = _parts()
    cheap = CostModel(inspection_cost=500, escape_cost=2_000, false_alarm_cost=100)
    flagged = np.zeros(defects.size, dtype=bool)
    flagged[np.flatnonzero(defects)[:1]] = True  # catches a single defect
    result = beats_no_model(defects, flagged, baseline=TODAY_ALL, cost=cheap, volumes=VOLUMES)
    assert result.best_policy == "inspect_none"
    monthly_today_minus_model = result.kpis["no_model_saving"] + result.kpis["saving_vs_best_policy"]
    assert result.kpis["no_model_saving"] > 0
    assert result.kpis["saving_vs_best_policy"] < monthly_today_minus_model
    assert not _by_name(result.rules)["beats_inspect_none"].passed


def test_model_catching_nothing_never_headlines_a_saving():
    """The shot log: the model flags nothing; every won won comes from not inspecting, which needs no model."""
    defects = _parts(rate=0.0015, n=4_000)
    flagged = np.zeros(defects.size, dtype=bool)
    result = beats_no_model(defects, flagged, baseline=TODAY_ALL, cost=COST, volumes=VOLUMES)
    assert isinstance(result.kpis["saving_vs_best_policy"], Undefined)
    assert "catches no defect" in result.kpis["saving_vs_best_policy"].reason
    none = _by_name(result.rules)["beats_inspect_none"]
    assert not none.passed and none.value == pytest.approx(0.0)


def test_interval_is_judged_on_its_upper_bound():
    """A model cheaper on the point estimate but not surely so (few parts) does not pass."""
    defects = np.array([1, 0, 0, 0, 0, 0, 0, 0, 0, 0] * 6, dtype=bool)
    flagged = defects.copy()
    flagged[0] = False  # 5 of 6 caught, no false alarm: one escape costs as much as 89 inspections
    result = beats_no_model(defects, flagged, baseline=TODAY_ALL, cost=COST, volumes=VOLUMES)
    today = _by_name(result.rules)["beats_today"]
    assert today.value < 0 < today.used_value and not today.passed


def test_whole_groups_are_resampled_when_given():
    defects = _parts(n=600)
    flagged = _good_model(defects)
    rows_only = beats_no_model(defects, flagged, baseline=TODAY_ALL, cost=COST)
    grouped = beats_no_model(
        defects, flagged, baseline=TODAY_ALL, cost=COST, groups=np.repeat(np.arange(6), 100)
    )
    a, b = _by_name(rows_only.rules)["beats_today"], _by_name(grouped.rules)["beats_today"]
    assert a.value == pytest.approx(b.value) and a.used_value != b.used_value


def test_without_volumes_the_cost_is_per_part():
    defects = _parts()
    result = beats_no_model(defects, _good_model(defects), baseline=TODAY_ALL, cost=COST)
    assert "KRW/part" in _by_name(result.rules)["beats_today"].reason
    assert isinstance(result.kpis["saving_vs_best_policy"], Undefined)
    assert "parts_per_day" in result.kpis["saving_vs_best_policy"].reason


def test_without_costs_escapes_are_compared_at_the_same_workload():
    defects = _parts()
    good = beats_no_model(defects, _good_model(defects), baseline=TODAY_ALL)
    rows = _by_name(good.rules)
    assert "escapes per 1000" in rows["beats_same_workload"].reason
    assert rows["beats_same_workload"].passed and rows["beats_inspect_none"].passed
    # today inspects every part: fewer escapes bought with more inspection needs costs to judge
    assert rows["beats_today"].passed and "not applicable" in rows["beats_today"].reason
    # a model flagging at random does no better than random inspection of as many parts
    rng = np.random.default_rng(5)
    random_flags = rng.random(defects.size) < 0.1
    rows = _by_name(beats_no_model(defects, random_flags, baseline=TODAY_ALL).rules)
    assert not rows["beats_same_workload"].passed


def test_sampling_baseline_best_rate_is_an_end_point():
    """Cost is linear in the sampling rate, so the best rate is 0 or 1: the same policy as inspect nothing
    or inspect everything (at today's detection rate), listed once."""
    baseline = Baseline("sample", sample_rate=0.1, detection_rate=0.9)
    policies, _ = no_model_policies(baseline, cost=COST, defect_share=0.03, flagged_share=0.05)
    assert [(p.name, p.inspected_share) for p in policies] == [
        ("today", 0.1),
        ("inspect_all", 1.0),
        ("inspect_none", 0.0),
    ]
    defects = _parts()
    rows = _by_name(beats_no_model(defects, _good_model(defects), baseline=baseline, cost=COST).rules)
    assert set(rows) == {"beats_today", "beats_inspect_all", "beats_inspect_none"}


# ---------------------------------------------------------------- catches defects


def test_model_that_flags_nothing_fails_catches_defects():
    defects = _parts()
    catches = defect_catches(defects.astype(int), np.zeros(defects.size, dtype=bool), [1])
    (row,) = catches_defects(catches)
    assert not row.passed and row.value == 0 and row.target == 0.3
    assert "the floor is 0.3" in row.reason


@pytest.mark.parametrize(
    ("caught", "total", "floor", "passed"),
    [(3, 10, 0.3, True), (2, 10, 0.3, False), (9, 10, 0.95, False), (1, 1, 0.3, True)],
)
def test_recall_floor(caught: int, total: int, floor: float, passed: bool):
    (row,) = catches_defects({"NG": (caught, total)}, min_recall=floor)
    assert row.passed is passed and row.value == pytest.approx(caught / total)


def test_multiclass_recall_is_per_defect_class():
    y = np.array(["OK"] * 20 + ["burr"] * 10 + ["crack"] * 10, dtype=object)
    flagged = np.r_[np.zeros(20, bool), np.ones(10, bool), np.zeros(8, bool), np.ones(2, bool)]
    rows = _by_name(catches_defects(defect_catches(y, flagged, ["burr", "crack"])))
    assert rows["catches_defects[burr]"].passed and not rows["catches_defects[crack]"].passed
    assert "'crack'" in rows["catches_defects[crack]"].reason


def test_no_defect_of_a_class_in_the_test_part_fails():
    (row,) = catches_defects({"NG": (0, 0)})
    assert not row.passed and "no 'NG' defect" in row.reason


# ---------------------------------------------------------------- enough evidence (power calculation)


@pytest.mark.parametrize(
    ("floor", "planned", "need"),
    [(0.3, 0.5, 39), (0.3, 0.8, 7), (0.3, 0.9, 5), (0.5, 0.8, 18), (0.3, 0.4, 144)],
)
def test_required_defects_from_exact_binomial_power(floor: float, planned: float, need: int):
    from scipy.stats import binom

    assert required_defects(floor, planned) == need
    # at that n, the smallest significant count has power >= 0.8; one case fewer does not
    k = binom.ppf(0.95, need, floor) + 1
    assert binom.sf(k - 1, need, floor) <= 0.05 and binom.sf(k - 1, need, planned) >= 0.8
    k_less = binom.ppf(0.95, need - 1, floor) + 1
    assert binom.sf(k_less - 1, need - 1, planned) < 0.8


def test_power_and_level_move_the_number():
    assert required_defects(0.3, 0.8, power=0.9) > required_defects(0.3, 0.8)
    assert required_defects(0.3, 0.8, alpha=0.01) > required_defects(0.3, 0.8)
    with pytest.raises(ValueError, match="min_recall < planned_recall"):
        required_defects(0.8, 0.3)


def test_insufficient_evidence_says_how_many_more_to_collect():
    rows, evidence = enough_evidence({"NG": (8, 8)}, test_share=0.25)
    assert rows[0].passed and evidence is None
    rows, evidence = enough_evidence({"NG": (0, 8)}, test_share=0.25)  # recall 0: planned 0.5, 39 needed
    assert not rows[0].passed and rows[0].target == 39
    assert isinstance(evidence, Phrase)
    # the decision and the report put their own "insufficient evidence" label before it
    assert evidence.startswith("8 'NG' defects in the test part are too few (39 needed)")
    assert "31 more fall in the test part" in evidence
    korean = evidence.text("ko")
    assert korean.startswith("시험 구간의 'NG' 불량 8건으로는 부족합니다") and "124건 더 모으세요" in korean


def test_evidence_per_class():
    rows, evidence = enough_evidence({"burr": (10, 10), "crack": (1, 2)}, test_share=0.5)
    assert [r.name for r in rows] == ["enough_evidence[burr]", "enough_evidence[crack]"]
    assert rows[0].passed and not rows[1].passed
    assert "'crack'" in evidence and "'burr'" not in evidence


# ---------------------------------------------------------------- beats a trivial model


def test_informative_model_beats_the_prior():
    y = _parts().astype(int)
    rng = np.random.default_rng(3)
    score = np.clip(y * 0.6 + rng.random(y.size) * 0.5, 0, 1)
    row = beats_trivial("average_precision", y, score, trivial_outputs("binary", y, y.size))
    assert row.passed and row.used_value > 0 and row.op == ">"
    assert "the defect share as score" in row.reason


def test_noise_model_does_not_beat_the_prior():
    y = _parts().astype(int)
    noise = np.random.default_rng(4).random(y.size)
    row = beats_trivial("average_precision", y, noise, trivial_outputs("binary", y, y.size))
    assert not row.passed and row.used_value <= 0


def test_flag_nothing_model_does_not_beat_the_majority_on_f1():
    y = _parts().astype(int)
    row = beats_trivial("f1", y, np.zeros(y.size, dtype=int), trivial_outputs("binary", y, y.size))
    assert not row.passed


def test_precision_falls_back_to_flagging_everything():
    y = _parts().astype(int)
    flags = _good_model(y.astype(bool)).astype(int)
    row = beats_trivial("precision", y, flags, trivial_outputs("binary", y, y.size))
    assert row.passed and "flag every part" in row.reason


def test_multiclass_majority_and_regression_mean():
    y = np.array(["OK"] * 60 + ["burr"] * 20 + ["crack"] * 20, dtype=object)
    trivial = trivial_outputs("multiclass", y, y.size, labels=["OK", "burr", "crack"])
    assert set(trivial["majority"][0]) == {"OK"} and trivial["majority"][1].shape == (100, 3)
    assert beats_trivial("macro_f1", y, y.copy(), trivial, labels=["OK", "burr", "crack"]).passed
    values = np.random.default_rng(6).normal(10, 1, 300)
    mean_model = trivial_outputs("regression", values, values.size)
    row = beats_trivial("rmse", values, values + 0.01, mean_model)
    assert row.passed and row.op == "<" and row.used_value < 0
    assert not beats_trivial("rmse", values, np.full(300, values.mean() + 0.5), mean_model).passed


def test_undefined_model_metric_fails_with_its_reason():
    y = np.zeros(50, dtype=int)
    y[:3] = 1
    row = beats_trivial("precision", y, np.zeros(50, dtype=int), trivial_outputs("binary", y, 50))
    assert not row.passed and math.isnan(row.value) and "undefined" in row.reason


# ---------------------------------------------------------------- switches and names


def test_switched_off_and_not_applicable_rows_pass_and_say_why():
    off = switched_off("beats_trivial", "전수 검사 법규: 비교 대상 없음")
    assert off.passed and off.kind == "rule" and "전수 검사 법규" in off.reason.text("ko")
    na = not_applicable("catches_defects", "no spec")
    assert na.passed and "not applicable" in na.reason


def test_result_rows_map_back_to_their_rule():
    assert rule_of("beats_today") == "beats_no_model"
    assert rule_of("beats_trivial") == "beats_trivial"
    assert rule_of("catches_defects[crack]") == "catches_defects"
    assert rule_of("enough_evidence") == "enough_evidence"


@pytest.mark.parametrize("floor", [0.05, 0.3, 0.7, 0.9, 0.95])
def test_planned_recall_stays_above_any_floor(floor: float):
    rows, _ = enough_evidence({"NG": (0, 10)}, min_recall=floor)
    assert rows[0].target >= 1 and "planned recall" in rows[0].reason
    high, _ = enough_evidence({"NG": (10, 10)}, min_recall=floor)
    assert high[0].target <= rows[0].target  # a model that catches more needs no more evidence


def test_defect_share_is_held_fixed_when_lots_are_resampled():
    """Defects in bursts (two of twelve lots hold them all): a detector that catches every defect beats
    inspecting nothing at this plant's defect rate, although resampled lots often hold no defect at all."""
    lots = np.repeat(np.arange(12), 100)
    defects = np.zeros(lots.size, dtype=bool)
    defects[np.isin(lots, [3, 8])] = np.random.default_rng(0).random(200) < 0.3
    flagged = defects | (np.random.default_rng(1).random(lots.size) < 0.01)
    result = beats_no_model(defects, flagged, baseline=TODAY_ALL, cost=COST, volumes=VOLUMES, groups=lots)
    none = _by_name(result.rules)["beats_inspect_none"]
    assert none.passed and none.used_value < 0


def test_a_detector_that_misses_is_still_judged_on_its_misses_with_the_share_fixed():
    """Holding the defect share fixed narrows nothing about the model: catching 5 of 6 is still uncertain."""
    defects = np.array([1, 0, 0, 0, 0, 0, 0, 0, 0, 0] * 6, dtype=bool)
    flagged = defects.copy()
    flagged[0] = False
    lots = np.repeat(np.arange(6), 10)
    today = _by_name(
        beats_no_model(defects, flagged, baseline=TODAY_ALL, cost=COST, volumes=VOLUMES, groups=lots).rules
    )["beats_today"]
    assert today.value < 0 < today.used_value and not today.passed
