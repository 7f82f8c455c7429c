"""Gates: point and conservative checks, undefined KPIs, unknown names."""

from __future__ import annotations

import math

import pytest

from axpoc.kpi import Gate, Undefined, evaluate_gates

KPIS = {
    "roc_auc": 0.91,
    "defect_escape_rate": 0.04,
    "monthly_saving": 244_000_000.0,
}
GATES = {"roc_auc": ">= 0.9", "defect_escape_rate": "<= 0.05", "monthly_saving": "> 0"}
CIS = {"roc_auc": (0.88, 0.94), "defect_escape_rate": (0.02, 0.07)}


def test_point_gates_pass() -> None:
    results = evaluate_gates(GATES, KPIS)
    assert [r.name for r in results] == list(GATES)
    assert all(r.passed for r in results)
    auc = results[0]
    assert (auc.op, auc.target, auc.value, auc.used_value) == (">=", 0.9, 0.91, 0.91)
    assert auc.reason == "roc_auc point 0.91 meets >= 0.9"
    assert results[2].reason == "monthly_saving point 244,000,000 meets > 0"


def test_conservative_gates_use_the_unfavourable_bound() -> None:
    results = {r.name: r for r in evaluate_gates(GATES, KPIS, cis=CIS, conservative=True)}
    auc, escape, saving = results["roc_auc"], results["defect_escape_rate"], results["monthly_saving"]
    assert not auc.passed and auc.used_value == 0.88 and "CI lower bound 0.88 misses" in auc.reason
    assert not escape.passed and escape.used_value == 0.07 and "CI upper bound" in escape.reason
    assert saving.passed and saving.used_value == saving.value  # no interval: judged on the point
    # CIs are ignored unless conservative
    assert all(r.passed for r in evaluate_gates(GATES, KPIS, cis=CIS))


def test_conservative_equality_gate_needs_the_whole_interval() -> None:
    results = evaluate_gates(
        {"accuracy": "== 1"}, {"accuracy": 1.0}, cis={"accuracy": (0.97, 1.0)}, conservative=True
    )
    assert not results[0].passed and results[0].used_value == 0.97


def test_undefined_kpis_fail_with_their_reason() -> None:
    kpis = dict(KPIS, monthly_saving=Undefined("monthly_saving undefined: missing escape_cost"))
    results = evaluate_gates({**GATES, "cpk": ">= 1.33", "recall": ">= 0.9"}, kpis | {"recall": math.nan})
    by_name = {r.name: r for r in results}
    assert not by_name["monthly_saving"].passed
    assert by_name["monthly_saving"].reason == "undefined: monthly_saving undefined: missing escape_cost"
    assert by_name["cpk"].reason == "undefined: not computed in this run"
    assert by_name["recall"].reason == "undefined: value is NaN"
    assert by_name["roc_auc"].passed


def test_undefined_interval_bound_fails_a_conservative_gate() -> None:
    bad = Undefined("recall undefined: no defect in 140 of 200 resamples; too few for an interval")
    results = evaluate_gates(
        {"recall": ">= 0.8"}, {"recall": 1.0}, cis={"recall": (bad, bad)}, conservative=True
    )
    assert not results[0].passed
    assert results[0].reason.startswith("undefined: CI lower bound: recall undefined")


def test_gate_objects_and_errors() -> None:
    assert evaluate_gates({"roc_auc": Gate(">", 0.95)}, KPIS)[0].passed is False
    with pytest.raises(ValueError, match=r"unknown KPI 'roc_au'; did you mean 'roc_auc'\?"):
        evaluate_gates({"roc_au": ">= 0.9"}, KPIS)
    with pytest.raises(ValueError, match=r"expected a comparison like '>= 0\.9', got 'high'"):
        evaluate_gates({"roc_auc": "high"}, KPIS)
