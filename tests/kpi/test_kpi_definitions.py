"""The KPI registry, gate parsing and the Undefined value."""

from __future__ import annotations

import json
import math
import pickle
import subprocess
import sys

import pytest

from axpoc.kpi import KPIS, TASKS, Gate, Undefined, get_kpi, kpi_names, parse_gate, undefined_reason
from axpoc.kpi._definitions import UNITS

REQUIRED = {
    # ML metrics
    "roc_auc", "average_precision", "f1", "macro_f1", "accuracy", "balanced_accuracy", "precision",
    "recall", "brier", "log_loss", "r2", "rmse", "mae", "mape",
    # quality
    "defect_escape_rate", "false_alarm_rate", "defects_caught_per_1000",
    # productivity
    "manual_inspection_share", "inspection_hours_saved_per_month", "monthly_saving",
    # stability
    "defect_rate_passed", "baseline_defect_rate", "cp", "cpk", "ppk", "cpk_passed", "ppk_passed",
    "control_signal_rate",
}  # fmt: skip


def test_registry_holds_every_required_kpi_once() -> None:
    assert set(kpi_names()) >= REQUIRED
    assert len(kpi_names()) == len(set(kpi_names()))


@pytest.mark.parametrize("name", kpi_names())
def test_every_kpi_is_fully_described(name: str) -> None:
    kpi = KPIS[name]
    assert kpi.name == name
    assert kpi.label_ko and kpi.label_en and kpi.formula
    assert kpi.unit in UNITS
    assert kpi.tasks and kpi.tasks <= set(TASKS)
    assert isinstance(kpi.higher_is_better, bool)


def test_directions_and_units_of_a_few_kpis() -> None:
    assert KPIS["roc_auc"].higher_is_better and not KPIS["defect_escape_rate"].higher_is_better
    assert KPIS["defect_escape_rate"].formula == "FN / (TP + FN)"
    assert KPIS["monthly_saving"].unit_for("KRW") == "KRW/month"
    assert KPIS["monthly_saving"].unit_for("USD") == "USD/month"
    assert KPIS["cpk"].tasks == {"regression"}


@pytest.mark.parametrize(
    ("text", "op", "value"),
    [(">= 0.9", ">=", 0.9), ("<=0.05", "<=", 0.05), ("> 0", ">", 0.0), (" < 3 ", "<", 3.0),
     ("== 1", "==", 1.0), (">= -1.5e-3", ">=", -0.0015), ("> .5", ">", 0.5)],
)  # fmt: skip
def test_parse_gate_reads_comparisons(text: str, op: str, value: float) -> None:
    assert parse_gate(text) == Gate(op, value)


@pytest.mark.parametrize(
    "text", ["high", "", ">=", "=> 0.9", "0.9", ">= abc", ">= 0.9 0.1", "!= 1", ">= nan"]
)
def test_parse_gate_rejects_anything_else_with_one_clause(text: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_gate(text)
    assert str(err.value) == f"expected a comparison like '>= 0.9', got {text!r}"


def test_parse_gate_message_names_the_bad_text_exactly() -> None:
    with pytest.raises(ValueError, match=r"^expected a comparison like '>= 0\.9', got 'high'$"):
        parse_gate("high")
    with pytest.raises(ValueError, match=r"got 0\.9$"):  # YAML gave a number, not a string
        parse_gate(0.9)  # type: ignore[arg-type]


def test_gate_check_including_boundaries_and_nan() -> None:
    assert Gate(">=", 0.9).check(0.9) and not Gate(">", 0.9).check(0.9)
    assert Gate("<=", 0.05).check(0.05) and not Gate("<", 0.05).check(0.05)
    assert Gate("==", 1).check(0.1 + 0.2 + 0.7)  # 0.9999999999999999 counts as 1
    assert not Gate("==", 1).check(0.999)
    assert not Gate(">=", 0.0).check(math.nan)
    assert not Gate("<=", 1.0).check(Undefined("one class"))
    assert str(Gate(">=", 0.9)) == ">= 0.9"


def test_gate_rejects_bad_operator_or_value() -> None:
    with pytest.raises(ValueError, match="operator"):
        Gate("=>", 1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="value"):
        Gate(">=", math.inf)


def test_unknown_kpi_suggests_the_closest_name() -> None:
    with pytest.raises(ValueError, match=r"unknown KPI 'roc_au'; did you mean 'roc_auc'\?"):
        get_kpi("roc_au")
    with pytest.raises(ValueError, match="valid names: roc_auc, "):
        get_kpi("zzzzzz")


def test_undefined_is_a_nan_float_that_keeps_its_reason() -> None:
    u = Undefined("only one class in y_true")
    assert isinstance(u, float) and math.isnan(u)
    assert undefined_reason(u) == "only one class in y_true"
    assert undefined_reason(math.nan) == "value is NaN" and undefined_reason(0.3) is None
    back = pickle.loads(pickle.dumps(u))
    assert isinstance(back, Undefined) and back.reason == u.reason
    assert json.dumps({"auc": u}) == '{"auc": NaN}'


def test_definitions_import_is_cheap() -> None:
    """The config loader imports the registry at start-up: no sklearn, scipy or pandas behind it."""
    code = (
        "import sys, axpoc.kpi._definitions; print(sorted({'sklearn','scipy','pandas'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
