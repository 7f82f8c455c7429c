"""Drift of new data against the reference: per feature, the label and the model scores.

Pure functions on DataFrames and arrays: no MLflow, no I/O. PSI, KS, Wasserstein and chi² come from
numpy and scipy (Evidently does not run under pandas 3). Severity needs a significant test *and* a
large enough effect (PSI, W/σ), so big samples do not flag every tiny shift; `_stats` documents the
bands. Rich is imported only by ``DriftReport.to_table``.
"""

from __future__ import annotations

from axpoc.drift._report import (
    CURVE_SUMMARIES,
    MAX_INT_LEVELS,
    DriftReport,
    curve_summaries,
    drift_report,
)
from axpoc.drift._stats import (
    EPSILON,
    MAX_NEW_VALUES,
    PSI_MAJOR,
    PSI_MODERATE,
    SEVERITIES,
    W_MAJOR,
    W_MODERATE,
    FeatureDrift,
    categorical_drift,
    new_value_counts,
    numeric_drift,
    psi,
    psi_categorical,
    severity_rank,
)

__all__ = [
    "CURVE_SUMMARIES",
    "EPSILON",
    "MAX_INT_LEVELS",
    "MAX_NEW_VALUES",
    "PSI_MAJOR",
    "PSI_MODERATE",
    "SEVERITIES",
    "W_MAJOR",
    "W_MODERATE",
    "DriftReport",
    "FeatureDrift",
    "categorical_drift",
    "curve_summaries",
    "drift_report",
    "new_value_counts",
    "numeric_drift",
    "psi",
    "psi_categorical",
    "severity_rank",
]
