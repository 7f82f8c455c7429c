"""Quiet, safe process defaults: plants are often offline and laptops have two busy cores."""

from __future__ import annotations

import os

_DEFAULTS = {
    "MLFLOW_DISABLE_TELEMETRY": "true",
    "DO_NOT_TRACK": "true",
    "GX_ANALYTICS_ENABLED": "false",
    "OMP_WAIT_POLICY": "PASSIVE",
    "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false",
    "GIT_PYTHON_REFRESH": "quiet",
}


def apply_quiet_defaults() -> None:
    """Set telemetry and threading defaults unless the user already chose otherwise."""
    for key, value in _DEFAULTS.items():
        os.environ.setdefault(key, value)
