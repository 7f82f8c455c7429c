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
    # Against a server MLflow writes "View run ... at: URL" to stdout, which --json keeps for its one object.
    "MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT": "true",
    # A team server that is down is said within about 10 s (3 retries), not after MLflow's ~4 minutes.
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "3",
    "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "1",
}


def apply_quiet_defaults() -> None:
    """Set telemetry and threading defaults unless the user already chose otherwise."""
    for key, value in _DEFAULTS.items():
        os.environ.setdefault(key, value)
