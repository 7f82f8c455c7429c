"""Business KPIs against hand arithmetic for each baseline, and their missing-input reasons."""

from __future__ import annotations

import pytest

from axpoc.kpi import KPIS, Baseline, CostModel, Undefined, Volumes, business_kpis

# 10 parts, 4 defects. TP = 3, FN = 1 (part 4), FP = 2 (parts 5, 6), TN = 4.
Y = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
FLAG = [1, 1, 1, 0, 1, 1, 0, 0, 0, 0]
COST = CostModel(
    inspection_cost=1000, escape_cost=50_000, false_alarm_cost=2000, inspection_minutes_per_part=2
)
VOLUMES = Volumes(parts_per_day=1000, working_days_per_month=20)  # 20,000 parts/month
# model cost/part = ((TP + FP) * 1000 + FP * 2000 + FN * 50000) / N = (5000 + 4000 + 50000) / 10 = 5900


def test_quality_and_stability_kpis_by_hand() -> None:
    v = business_kpis(Y, FLAG).values
    assert v["defect_escape_rate"] == pytest.approx(0.25)  # FN / (TP + FN) = 1 / 4
    assert v["false_alarm_rate"] == pytest.approx(1 / 3)  # FP / (FP + TN) = 2 / 6
    assert v["defects_caught_per_1000"] == pytest.approx(300.0)  # 1000 * 3 / 10
    assert v["manual_inspection_share"] == pytest.approx(0.5)  # (3 + 2) / 10
    assert v["defect_rate_passed"] == pytest.approx(0.2)  # FN / (FN + TN) = 1 / 5


def test_baseline_all_with_imperfect_inspection() -> None:
    r = business_kpis(Y, FLAG, cost=COST, baseline=Baseline("all", detection_rate=0.9), volumes=VOLUMES)
    v, d = r.values, r.details
    # inspectors catch 90 % of 4 defects: 0.4 escape among 10 - 3.6 = 6.4 passed parts
    assert v["baseline_defect_rate"] == pytest.approx(0.4 / 6.4)
    # baseline cost/part = 1 * 1000 + (0.4 / 10) * 50000 = 3000
    assert d["baseline_cost_per_part"] == pytest.approx(3000)
    assert d["model_cost_per_part"] == pytest.approx(5900)
    # (3000 - 5900) * 20000: this model misses too many defects to pay off
    assert v["monthly_saving"] == pytest.approx(-58_000_000)
    # (1 - 0.5) * 20000 parts * 2 min / 60 = 333.3 h
    assert v["inspection_hours_saved_per_month"] == pytest.approx(1000 / 3)
    assert d["baseline_cost_per_month"] == pytest.approx(60_000_000)
    assert (d["tp"], d["fp"], d["fn"], d["tn"]) == (3, 2, 1, 4)


def test_baseline_sample() -> None:
    r = business_kpis(Y, FLAG, cost=COST, baseline=Baseline("sample", sample_rate=0.1), volumes=VOLUMES)
    v = r.values
    # 10 % inspected, every defect there found: 4 * (1 - 0.1) = 3.6 escape among 10 - 0.4 = 9.6 passed
    assert v["baseline_defect_rate"] == pytest.approx(3.6 / 9.6)
    # baseline cost/part = 0.1 * 1000 + 0.36 * 50000 = 18100; (18100 - 5900) * 20000
    assert v["monthly_saving"] == pytest.approx(244_000_000)
    # (0.1 - 0.5) * 20000 * 2 / 60: the model asks for more inspection than sampling did
    assert v["inspection_hours_saved_per_month"] == pytest.approx(-800 / 3)


def test_baseline_none() -> None:
    v = business_kpis(Y, FLAG, cost=COST, baseline=Baseline("none"), volumes=VOLUMES).values
    assert v["baseline_defect_rate"] == pytest.approx(0.4)  # 4 / 10, nothing inspected
    # baseline cost/part = 0 + 0.4 * 50000 = 20000; (20000 - 5900) * 20000
    assert v["monthly_saving"] == pytest.approx(282_000_000)
    assert v["inspection_hours_saved_per_month"] == pytest.approx(-1000 / 3)  # (0 - 0.5) * 20000 * 2 / 60


def test_missing_inputs_make_money_kpis_undefined_with_a_reason() -> None:
    partial = CostModel(inspection_cost=1000, inspection_minutes_per_part=2)
    v = business_kpis(Y, FLAG, cost=partial, baseline=Baseline(), volumes=VOLUMES).values
    assert isinstance(v["monthly_saving"], Undefined)
    assert v["monthly_saving"].reason == "monthly_saving undefined: missing escape_cost, false_alarm_cost"
    assert v["inspection_hours_saved_per_month"] == pytest.approx(1000 / 3)
    v = business_kpis(Y, FLAG).values
    assert "missing baseline, parts_per_day, working_days_per_month" in v["monthly_saving"].reason
    assert "no baseline" in v["baseline_defect_rate"].reason
    assert v["defect_escape_rate"] == pytest.approx(0.25)  # quality needs no costs


def test_config_defaults_pass_through() -> None:
    """A config keeps sample_rate at its default for mode 'all' and may lack parts_per_day."""
    r = business_kpis(
        Y, FLAG, cost=COST, baseline=Baseline("all", sample_rate=0.1), volumes=Volumes(None, 22)
    )
    assert r.values["baseline_defect_rate"] == pytest.approx(0.0)  # all inspected, all found
    assert r.values["monthly_saving"].reason == "monthly_saving undefined: missing parts_per_day"


def test_formulas_come_from_the_registry() -> None:
    r = business_kpis(Y, FLAG, cost=COST, baseline=Baseline(), volumes=VOLUMES)
    assert list(r.values) == [name for name in KPIS if name in r.values]  # registry order
    for name in r.values:
        assert r.formulas[name] == KPIS[name].formula
    assert r.formulas["defect_escape_rate"] == "FN / (TP + FN)"
    assert "false_alarm_cost" in r.formulas["model_cost_per_part"]
    assert r.units["monthly_saving"] == "KRW/month" and r.units["defect_escape_rate"] == "ratio"
    usd = business_kpis(Y, FLAG, cost=CostModel(currency="USD"))
    assert usd.units["monthly_saving"] == "USD/month"


def test_undefined_quality_kpis() -> None:
    v = business_kpis([0, 0, 0], [0, 1, 0]).values
    assert "no defective part" in v["defect_escape_rate"].reason
    v = business_kpis([1, 0], [1, 1]).values
    assert "every part is flagged" in v["defect_rate_passed"].reason


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: Baseline("sample"), "sample_rate"),
        (lambda: Baseline("all", detection_rate=1.2), "detection_rate"),
        (lambda: Baseline("most"), "mode"),  # type: ignore[arg-type]
        (lambda: CostModel(escape_cost=-1), "escape_cost"),
        (lambda: Volumes(0, 20), "parts_per_day"),
        (lambda: Volumes(100, -1), "working_days_per_month"),
    ],
)
def test_inputs_are_validated(make: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        make()  # type: ignore[operator]
