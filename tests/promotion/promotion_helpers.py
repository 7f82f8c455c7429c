"""Constants of the promotion tests (the tiny project every fault case copies) and the axpoc processes
they pause and stop at a stage boundary of a move."""

from __future__ import annotations

import subprocess
from pathlib import Path

from axpoc_processes import axpoc_process, wait_paused

from axpoc.tracking import PAUSE_ENV, RESUME_ENV

PROJECT = "promo_demo"
FORCED_REASON = "forced: 품질팀 요청"
TINY = {
    "project": {"name": PROJECT, "title": "승격 테스트"},
    "process": "injection_molding",
    "language": "ko",
    "data": {"demo": {"rows": 400, "defect_rate": 0.08, "seed": 3}},
    "target": {"column": "defect", "task": "binary", "positive_class": 1},
    "columns": {"id": "shot_id", "time": "timestamp", "exclude": ["defect_type", "cavity_pressure", "lot"]},
    "split": {"cv_folds": 3},
    "candidates": ["logistic"],
    "tuning": {"trials": 1},
    "kpi": {"gates": {"roc_auc": ">= 0.5"}},
    "tracking": {"snapshot_max_mb": 0},
}


def paused_rollback(
    config: Path, project: Path, *, stage: str, resume: Path, reason: str
) -> subprocess.Popen:
    """A real ``axpoc rollback`` (v2 -> v1) waiting at ``stage`` until ``resume`` exists."""
    proc = axpoc_process(
        "rollback", config, "--project-dir", project, "--reason", reason,
        env={PAUSE_ENV: stage, RESUME_ENV: str(resume)},
    )  # fmt: skip
    wait_paused(proc, stage)
    return proc
