"""Register -> decide -> promote: the one policy ``axpoc run`` and ``axpoc retrain`` share.

A candidate is logged and registered with its lineage (:func:`register_candidate`), a typed
:class:`Decision` says whether it becomes champion and why (gates, then a paired non-inferiority test
against the champion on the same test rows), and :func:`apply_decision` moves the registry's aliases.
Heavy imports (MLflow, pandas) happen inside the functions.
"""

from axpoc.promotion._apply import apply_decision, decide_with_report
from axpoc.promotion._decision import (
    VERDICTS,
    Decision,
    NonInferiority,
    Verdict,
    decide,
    non_inferior,
    primary_input,
)
from axpoc.promotion._gates import configured_gates, gates_text, kpi_table, primary_kpi
from axpoc.promotion._register import (
    SNAPSHOT_ARTIFACT,
    config_digest,
    log_config,
    log_snapshot,
    package_versions,
    pip_requirements,
    register_candidate,
)

__all__ = [
    "SNAPSHOT_ARTIFACT",
    "VERDICTS",
    "Decision",
    "NonInferiority",
    "Verdict",
    "apply_decision",
    "config_digest",
    "configured_gates",
    "decide",
    "decide_with_report",
    "gates_text",
    "kpi_table",
    "log_config",
    "log_snapshot",
    "non_inferior",
    "package_versions",
    "pip_requirements",
    "primary_input",
    "primary_kpi",
    "register_candidate",
]
