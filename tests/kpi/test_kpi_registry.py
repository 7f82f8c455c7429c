"""The KPI registry: every KPI is one well-formed object, plug-ins come in through entry points, mistakes are said."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
from plugin_env import ACME, run_with_plugin

from axpoc.errors import UserError
from axpoc.kpi import KPIS, ConfusionKpi, Kpi, KpiRegistry, point_metric

BASE = {
    "label_ko": "지표",
    "label_en": "Metric",
    "formula": "TP / N",
    "unit": "ratio",
    "higher_is_better": True,
    "tasks": frozenset({"binary"}),
    "group": "quality",
}


def test_registry_refuses_what_it_could_not_use() -> None:
    registry = KpiRegistry()  # a private one: the global registry stays as it is
    with pytest.raises(UserError, match=r"expected an axpoc\.kpi\.Kpi instance, got dict"):
        registry.add({"name": "x"}, source="test")
    registry.add(Kpi("x", **BASE), source="test")
    with pytest.raises(UserError, match="already registered"):
        registry.add(Kpi("x", **BASE), source="test")
    assert registry.add(Kpi("x", **{**BASE, "label_en": "Y"}), source="test", replace=True).label_en == "Y"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"name": "Bad Name"}, "use lower-case letters"),
        ({"unit": "furlongs"}, "unit must be one of"),
        ({"tasks": frozenset({"ranking"})}, "tasks a subset of"),
        ({"label_ko": ""}, "give label_ko, label_en and formula"),
        ({"leaderboard": frozenset({"binary"})}, "a leaderboard KPI reads labels or scores"),
    ],
)
def test_a_kpi_that_cannot_be_shown_or_computed_is_refused_when_built(change: dict, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        Kpi(**{"name": "x", **BASE, **change})


def test_a_kpi_without_an_evaluator_says_who_computes_it() -> None:
    with pytest.raises(ValueError, match="'monthly_saving' is not computed from labels and predictions"):
        point_metric("monthly_saving", [0, 1], [0, 1])


@pytest.mark.parametrize("name", [n for n, k in KPIS.items() if k.resamplable])
def test_every_evaluator_gives_one_value_per_resample(name: str) -> None:
    """Point value = the evaluator at weights 1; a batch of resamples gives one value each."""
    kpi = KPIS[name]
    y_true = np.array([0, 1, 0, 1, 1, 0, 0, 1])
    if kpi.tasks == {"regression"}:
        y_true, y = y_true + 1.0, y_true + np.linspace(0.5, 1.5, 8)
    elif kpi.reads == "scores":
        y = np.linspace(0.05, 0.95, 8)
    else:
        y = np.array([0, 1, 1, 1, 0, 0, 0, 1])
    values = kpi.evaluator(y_true, y, None)(np.vstack([np.ones(8), np.arange(8) % 3]))
    assert values.shape == (2,) and values[0] == pytest.approx(point_metric(name, y_true, y))


def test_display_follows_the_unit_and_decimal_scores() -> None:
    assert KPIS["roc_auc"].display == "decimal" and KPIS["recall"].display == "percent"
    assert KPIS["monthly_saving"].display == "money" and KPIS["defects_caught_per_1000"].display == "per_1000"
    assert KPIS["r2"].bounds == (-np.inf, 1.0)


def test_monthly_saving_needs_unit_costs_or_a_class_cost_matrix() -> None:
    given = {"kpi.volumes.parts_per_day": 1000}
    assert KPIS["monthly_saving"].missing(given.get) == [
        "kpi.costs.inspection_cost",
        "kpi.costs.escape_cost",
        "kpi.costs.false_alarm_cost",
    ]
    assert KPIS["monthly_saving"].missing({**given, "kpi.costs.class_costs": {"a": {}}}.get) == []
    assert KPIS["cpk"].missing({}.get) == ["target.spec"]


def test_the_readme_kpi_is_one_file_and_computes_like_axpocs_own() -> None:
    """The README's worked example, tests/fixtures/acme_axpoc/acme_axpoc/specificity.py, as the object it is."""
    spec = importlib.util.spec_from_file_location("specificity", ACME / "acme_axpoc" / "specificity.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # imported by path: acme_axpoc is on sys.path in the plug-in runs only
    KPI = module.KPI
    y = np.array([0, 0, 0, 0, 1, 1])
    flags = np.array([0, 1, 0, 0, 1, 0])
    assert isinstance(KPI, ConfusionKpi) and KPI.name not in KPIS
    assert KPI.evaluator(y, flags, None)(np.ones((1, 6)))[0] == pytest.approx(3 / 4)
    assert np.isnan(KPI.evaluator(np.ones(3, int), np.ones(3, int), None)(np.ones((1, 3)))[0])  # no good part


PLUGIN_RUN = """
import json
import numpy as np
from axpoc.kpi import KPIS, bootstrap_ci, compute_metrics, evaluate_gates, get_kpi
y = np.array([0, 0, 0, 0, 1, 1, 0, 0, 1, 0])
flags = np.array([0, 1, 0, 0, 1, 0, 0, 0, 1, 0])
metrics = compute_metrics("binary", y, flags)
est = bootstrap_ci("specificity", y, flags, n_boot=200)
gates = evaluate_gates({"specificity": ">= 0.8"}, metrics)
undefined = compute_metrics("binary", np.ones(4, int), np.ones(4, int), names=["specificity"])["specificity"]
print(json.dumps({"names": list(KPIS), "value": metrics["specificity"], "low": est.low, "high": est.high,
                  "passed": gates[0].passed, "display": get_kpi("specificity").display,
                  "why": undefined.reason.text("ko"),
                  "label": get_kpi("specificity").label_ko}))
"""


def test_a_kpi_from_another_package_is_found_through_its_entry_point(tmp_path: Path) -> None:
    result = run_with_plugin(tmp_path, PLUGIN_RUN)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert "specificity" in out["names"] and out["names"].index("specificity") < out["names"].index(
        "manual_inspection_share"
    )  # listed with the quality KPIs
    assert out["value"] == pytest.approx(6 / 7) and out["low"] <= out["value"] <= out["high"] <= 1
    assert out["passed"] and out["display"] == "percent" and out["label"] == "양품 통과율 (특이도)"
    assert out["why"].startswith("specificity 정의 불가")


def test_a_broken_kpi_plugin_is_named_with_the_fix(tmp_path: Path) -> None:
    broken = {"axpoc.kpis": {"broken": "acme_axpoc.missing:KPI"}}
    result = run_with_plugin(tmp_path, "from axpoc.kpi import get_kpi\nget_kpi('f1')", entry_points=broken)
    assert result.returncode != 0
    assert "entry point 'broken = acme_axpoc.missing:KPI' (group axpoc.kpis) of acme-axpoc" in result.stderr
    assert "Fix or uninstall that package" in result.stderr


def test_the_readme_shows_the_fixtures_kpi_file() -> None:
    """The README's worked example is the file the tests above install, not a copy that drifts."""
    readme = (ACME.parents[2] / "README.md").read_text(encoding="utf-8")
    shown = readme.split("# acme_axpoc/specificity.py\n", 1)[1].split("```", 1)[0]
    source = (ACME / "acme_axpoc" / "specificity.py").read_text(encoding="utf-8")
    code = source.split('"""\n\n', 1)[1].replace("  # fmt: skip", "")
    assert shown == code
