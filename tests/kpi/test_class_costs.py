"""A per-class cost matrix for multiclass: misrouting a defect type is priced apart from missing it, the
no-model policies are priced on the same rows, and a bad matrix is refused naming the key and classes."""

from __future__ import annotations

import numpy as np
import pytest

from axpoc.kpi import (
    Baseline,
    ClassCosts,
    CostModel,
    Volumes,
    beats_no_model_by_class,
    class_cost_matrix,
    class_cost_saving,
)

CLASSES = ["ok", "crack", "burr"]
# missing a defect (passed as ok) costs far more than sending it to the other defect bin
TABLE = {
    "ok": {"crack": 800, "burr": 800},
    "crack": {"ok": 60_000, "burr": 3_000, "crack": 1_000},
    "burr": {"ok": 20_000, "crack": 2_000, "burr": 500},
}
VOLUMES = Volumes(parts_per_day=2_000, working_days_per_month=22)
TODAY = Baseline("all", detection_rate=0.9)
COST = CostModel(inspection_cost=300)


def _costs() -> ClassCosts:
    return ClassCosts(tuple(CLASSES), class_cost_matrix(TABLE, CLASSES), "ok", ("crack", "burr"))


def _parts(n: int = 3_000, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.choice(np.array(CLASSES, dtype=object), size=n, p=[0.9, 0.05, 0.05])


def test_matrix_defaults_the_diagonal_to_zero_and_reads_numbers_as_class_names():
    matrix = class_cost_matrix({1: {2: 5}, 2: {1: 7}}, [1, 2])
    assert matrix.tolist() == [[0.0, 5.0], [7.0, 0.0]]
    assert class_cost_matrix({"1": {"2": 5}, "2": {"1": 7}}, [1, 2]).tolist() == matrix.tolist()


def test_model_cost_is_the_mean_of_cost_actual_predicted():
    costs = _costs()
    rows = costs.model_rows(["ok", "crack", "crack", "burr"], ["ok", "burr", "ok", "burr"])
    assert rows.tolist() == [0, 3_000, 60_000, 500]


def test_no_model_policies_are_priced_consistently():
    costs = _costs()
    y = np.array(["ok", "crack", "burr"], dtype=object)
    none = costs.policy_rows(y, inspected_share=0.0, detection_rate=0.0, inspection_cost=300)
    assert none.tolist() == [0, 60_000, 20_000]  # every part passed as ok
    today = costs.policy_rows(y, inspected_share=1.0, detection_rate=0.9, inspection_cost=300)
    # inspected: 90 % of the defects found and sorted into their own bin, the rest pass as ok
    assert today.tolist() == pytest.approx(
        [300, 300 + 0.9 * 1_000 + 0.1 * 60_000, 300 + 0.9 * 500 + 0.1 * 20_000]
    )


def test_misrouting_costs_less_than_missing():
    """Routing every defect to the wrong defect bin still beats missing them, and beats inspect nothing."""
    y = _parts()
    misrouted = np.where(y == "crack", "burr", np.where(y == "burr", "crack", "ok")).astype(object)
    missed = np.full(y.size, "ok", dtype=object)
    costs = _costs()
    assert costs.model_rows(y, misrouted).mean() < costs.model_rows(y, missed).mean()
    result = beats_no_model_by_class(
        y, misrouted, class_costs=costs, baseline=TODAY, cost=COST, volumes=VOLUMES
    )
    rows = {r.name: r for r in result.rules}
    assert rows["beats_inspect_none"].passed
    missing = beats_no_model_by_class(
        y, missed, class_costs=costs, baseline=TODAY, cost=COST, volumes=VOLUMES
    )
    assert not {r.name: r for r in missing.rules}["beats_inspect_none"].passed
    assert (
        missing.kpis["saving_vs_best_policy"] != missing.kpis["saving_vs_best_policy"]
    )  # undefined: catches none


def test_wrong_defect_bin_loses_to_the_right_one():
    y = _parts(seed=1)
    right = y.copy()
    wrong = np.where(y == "crack", "burr", np.where(y == "burr", "crack", "ok")).astype(object)
    costs = _costs()
    saving_right, formulas = class_cost_saving(
        y, right, class_costs=costs, baseline=TODAY, cost=COST, volumes=VOLUMES
    )
    saving_wrong, _ = class_cost_saving(
        y, wrong, class_costs=costs, baseline=TODAY, cost=COST, volumes=VOLUMES
    )
    assert saving_right > saving_wrong
    assert "class_costs[actual][predicted]" in formulas["model_cost_per_part"]
    # the paired difference to today's practice moves by exactly the re-sorting cost of the wrong bins
    rows = {
        name: {
            r.name: r
            for r in beats_no_model_by_class(
                y, pred, class_costs=costs, baseline=TODAY, cost=COST, volumes=VOLUMES
            ).rules
        }
        for name, pred in (("right", right), ("wrong", wrong))
    }
    gap = rows["wrong"]["beats_today"].value - rows["right"]["beats_today"].value
    expected = ((y == "crack").sum() * 2_000 + (y == "burr").sum() * 1_500) / y.size * 44_000
    assert gap == pytest.approx(expected) and gap > 0
    assert rows["right"]["beats_today"].used_value <= rows["wrong"]["beats_today"].used_value


def test_saving_is_undefined_without_volumes():
    y = _parts(n=200)
    saving, _ = class_cost_saving(y, y, class_costs=_costs(), baseline=TODAY, cost=COST, volumes=None)
    assert saving != saving and "parts_per_day" in str(saving.reason)


@pytest.mark.parametrize(
    ("table", "words"),
    [
        ({"scratch": {"ok": 1}}, ["kpi.costs.class_costs.scratch", "ok, crack, burr"]),
        ({"ok": {"dent": 1}}, ["kpi.costs.class_costs.ok.dent", "ok, crack, burr"]),
        ({"ok": {"crack": 1}}, ["no cost for ok -> burr", "crack -> ok"]),
    ],
)
def test_bad_matrix_names_the_key_and_the_classes(table: dict, words: list[str]):
    with pytest.raises(ValueError) as err:
        class_cost_matrix(table, CLASSES)
    for word in words:
        assert word in str(err.value)
