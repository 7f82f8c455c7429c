"""The field report of the shared project, built once per session the way ``axpoc field-report`` builds it."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pandas as pd

DEPLOYED_DAY = pd.Timestamp("2024-03-25")
PRICED = {
    "costs": {"inspection_cost": 500, "escape_cost": 50000, "false_alarm_cost": 2000},
    "volumes": {"parts_per_day": 2000},
}
"""The costs and volume of the constructed reports (``constructed_report``'s ``kpi`` adds its targets)."""


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


def constructed_report(
    folder: Path,
    *,
    name: str,
    deployed: pd.Timestamp,
    kpi: dict[str, Any],
    scored: pd.DataFrame,
    outcomes: pd.DataFrame,
    scored_at: str,
) -> tuple[dict[str, Any], str]:
    """A model-free field report (as ``--json`` gives it) and its Korean HTML, from constructed parts.

    ``scored`` holds ``part_id``, ``made_at`` and the model's ``decision``; ``outcomes`` the parts' results
    (``defect``). The flow is ``axpoc outcomes`` then ``axpoc field-report``.
    """
    from axpoc.config import config_from_dict
    from axpoc.field import field_report, read_scored, record_outcomes
    from axpoc.report import write_field_report

    config = config_from_dict(
        {
            "project": {"name": name},
            "data": {"path": "unused.csv"},
            "target": {"column": "defect", "task": "binary", "positive_class": 1},
            "columns": {"id": "part_id", "time": "made_at"},
            "kpi": kpi,
            "field": {"deployed": str(deployed.date()), "block_days": 1},
        },
        base_dir=folder,
    )
    scores = scored[["part_id", "made_at", "decision"]].assign(
        score=scored["decision"].map({True: 0.8, False: 0.1}), scored_at=scored_at
    )
    scores.to_csv(folder / "scored.csv", index=False)
    outcomes[["part_id", "made_at", "defect"]].to_csv(folder / "outcomes.csv", index=False)
    read, _ = read_scored(config, [str(folder / "scored.csv")])
    record_outcomes(config, folder / "outcomes.csv", project_dir=folder, scored=read)
    report = field_report(config, project_dir=folder, scored=read, prediction_log=[], promotion_log=[])
    html = write_field_report(report, folder / "field_report.html").read_text(encoding="utf-8")
    return report, html
