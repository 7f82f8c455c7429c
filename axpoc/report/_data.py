"""Everything a PoC report shows, gathered by the run step; the renderer only formats it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from axpoc.kpi import GateResult


@dataclass
class KpiRow:
    name: str
    label: str
    value: float
    ci_low: float | None
    ci_high: float | None
    unit: str
    formula: str
    higher_is_better: bool
    group: str  # ml | quality | productivity | stability
    undefined_reason: str = ""  # a kpi Reason is said in the report's language; plain text as is


@dataclass
class ReportData:
    """Input of :func:`render_report`. Arrays are raw so the renderer draws its own figures."""

    language: str  # ko | en
    project_name: str
    title: str
    process: str
    task: str  # binary | multiclass | regression | anomaly
    target: str
    verdict: str  # champion | challenger | insufficient_evidence | rejected | not_registered
    verdict_reason: str
    model_name: str | None = None
    model_version: str | None = None
    run_id: str | None = None
    tracking_uri: str | None = None
    # data readiness and validation
    data_source: str = ""
    data_digest: str = ""
    n_rows: int = 0
    n_features: int = 0
    profile: dict[str, Any] = field(default_factory=dict)  # Profile.to_dict()
    validation: pd.DataFrame | None = None  # one row per expectation: column, kind, severity, success, ...
    split_description: str = ""
    cv_description: str = ""
    notes: list[str] = field(default_factory=list)
    # comparison
    primary_metric: str = ""
    leaderboard: pd.DataFrame | None = (
        None  # rank, candidate, family, status, <primary>, ci_low, ci_high, ...
    )
    # candidate -> its note as the comparison made it: a phrase is said in the report's language (the
    # leaderboard's string column keeps only the English); a candidate missing here shows the board's note
    candidate_notes: dict[str, str] = field(default_factory=dict)
    conclusion: str = ""  # "#1 vs #2" sentence
    chosen: str = ""
    chosen_params: dict[str, Any] = field(default_factory=dict)
    pipeline_steps: list[str] = field(default_factory=list)
    why_family: str = ""
    # evaluation on the test part
    kpis: list[KpiRow] = field(default_factory=list)
    gates: list[GateResult] = field(default_factory=list)
    evidence: str = (
        ""  # "insufficient evidence" sentence (a kpi RuleText phrase) or "" when evidence suffices
    )
    per_class: pd.DataFrame | None = None  # multiclass: class, defect, support, recall, precision
    threshold: float | None = None
    threshold_note: str = ""  # a RuleNote from the run is said in the report's language; plain text as is
    threshold_curve: pd.DataFrame | None = None  # threshold, cost, recall, false_alarm_rate
    currency: str = "KRW"
    confusion: pd.DataFrame | None = None  # actual x predicted counts
    y_true: np.ndarray | None = None  # regression residual plot
    y_pred: np.ndarray | None = None
    spec: dict[str, float | None] | None = None
    importances: pd.DataFrame | None = None  # feature (user's name), importance, std
    effects: dict[str, pd.DataFrame] = field(default_factory=dict)  # feature -> (value, mean_prediction)
    headline: list[tuple[str, str, str]] = field(default_factory=list)  # (KPI label, before, after)
    assumptions: list[str] = field(default_factory=list)  # costs/spec limits assumed for the example
    # reproducibility
    config_yaml: str = ""
    config_digest: str = ""
    packages: dict[str, str] = field(default_factory=dict)
    created_at: str = ""
