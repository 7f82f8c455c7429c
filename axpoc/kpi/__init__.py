"""KPIs of a PoC: ML metrics with bootstrap intervals, decision thresholds, business KPIs,
process capability, control charts and gates. Pure functions on arrays: no MLflow, no I/O.

Every KPI is defined once in :data:`KPIS` (label, formula, unit, direction). Scikit-learn is
imported only inside the calibration function, so importing this package stays cheap.
"""

from __future__ import annotations

from axpoc.kpi._business import (
    BASELINE_COST_FORMULA,
    MODEL_COST_FORMULA,
    Baseline,
    BusinessKPIs,
    CostModel,
    Volumes,
    business_kpis,
    decision_cost_per_part,
)
from axpoc.kpi._capability import CapabilityResult, SpecLimits, capability, capability_passed
from axpoc.kpi._control import ControlResult, control_signals
from axpoc.kpi._definitions import (
    KPI,
    KPI_NAMES,
    KPIS,
    TASKS,
    Gate,
    Undefined,
    get_kpi,
    parse_gate,
    undefined_reason,
)
from axpoc.kpi._gates import GateResult, evaluate_gates
from axpoc.kpi._metrics import (
    RESAMPLABLE,
    Estimate,
    bootstrap_ci,
    compute_metrics,
    paired_bootstrap_diff,
    point_metric,
)
from axpoc.kpi._range import clip_to_range, metric_range
from axpoc.kpi._reasons import Phrase, Reason
from axpoc.kpi._threshold import (
    Calibrator,
    IsotonicCalibrator,
    SigmoidCalibrator,
    ThresholdResult,
    anomaly_threshold,
    calibrate_oof,
    cost_optimal_threshold,
    regression_flags,
)

__all__ = [
    "BASELINE_COST_FORMULA",
    "KPI",
    "KPIS",
    "KPI_NAMES",
    "MODEL_COST_FORMULA",
    "RESAMPLABLE",
    "TASKS",
    "Baseline",
    "BusinessKPIs",
    "Calibrator",
    "CapabilityResult",
    "ControlResult",
    "CostModel",
    "Estimate",
    "Gate",
    "GateResult",
    "IsotonicCalibrator",
    "Phrase",
    "Reason",
    "SigmoidCalibrator",
    "SpecLimits",
    "ThresholdResult",
    "Undefined",
    "Volumes",
    "anomaly_threshold",
    "bootstrap_ci",
    "business_kpis",
    "calibrate_oof",
    "capability",
    "capability_passed",
    "clip_to_range",
    "compute_metrics",
    "control_signals",
    "cost_optimal_threshold",
    "decision_cost_per_part",
    "evaluate_gates",
    "get_kpi",
    "metric_range",
    "paired_bootstrap_diff",
    "parse_gate",
    "point_metric",
    "regression_flags",
    "undefined_reason",
]
