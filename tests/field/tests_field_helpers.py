"""The field report of the shared project, built once per session the way ``axpoc field-report`` builds it."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pandas as pd

DEPLOYED_DAY = pd.Timestamp("2024-03-25")


def load_report(project: Any) -> dict[str, Any]:
    """The field report (as ``--json`` prints it) of the shared project, cached per config file."""
    return _cached(str(project.config_path))


@functools.cache
def _cached(config_path: str) -> dict[str, Any]:
    from axpoc.config import load_config
    from axpoc.field import REPORT_FILE, field_report, read_scored, scored_sources
    from axpoc.report import write_field_report
    from axpoc.retrain import open_project
    from axpoc.serve import read_prediction_log
    from axpoc.tracking import read_promotion_log

    config = load_config(Path(config_path))
    project = config.project_dir()
    scored, _ = read_scored(config, scored_sources(read_prediction_log(project)))
    report = field_report(
        config,
        project_dir=project,
        scored=scored,
        prediction_log=read_prediction_log(project),
        promotion_log=read_promotion_log(open_project(config)),
    )
    report["report"] = str(write_field_report(report, project / "reports" / REPORT_FILE))
    return report
