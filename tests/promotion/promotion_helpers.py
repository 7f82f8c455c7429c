"""Constants of the promotion tests (the tiny project every fault case copies) and the axpoc processes
they pause and stop at a stage boundary of a move."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from axpoc.tracking import PAUSE_ENV, PAUSED_MARK, RESUME_ENV

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


def axpoc_process(*args: Any, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "axpoc", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
        # a test runner started in the background may hand down an ignored SIGINT; the CLI needs the default
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def wait_paused(proc: subprocess.Popen, stage: str) -> None:
    """Read stderr until the hook says the process waits at ``stage``."""
    deadline = time.monotonic() + 60
    assert proc.stderr is not None
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if line.startswith(f"{PAUSED_MARK} {stage} "):
            return
        if not line and proc.poll() is not None:
            break
    proc.kill()
    pytest.fail(f"never paused at {stage} (exit {proc.poll()}): {proc.communicate()[1][-2000:]}")


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
