"""Scoring goes on while the champion moves (issue 14: "a predict loop during promotion").

A real ``axpoc rollback`` waits at each stage boundary of its journaled move while ``axpoc predict`` scores
a batch: every batch is scored whole by one registered version, never by a half-moved registry; a rollback
killed at that boundary leaves a registry that the next predict recovers and scores with.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from promotion_helpers import paused_rollback

from axpoc.steps import demo_frame
from axpoc.tracking import MOVE_STAGES

ROWS = 60


def _batch(folder: Path) -> Path:
    frame = demo_frame("injection_molding", rows=ROWS, defect_rate=0.08, drift=0.0, seed=11)
    path = folder / "batch.csv"
    frame.drop(columns=["defect", "defect_type"]).to_csv(path, index=False)
    return path


def _predict(config: Path, project: Path, batch: Path, out: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "axpoc", "predict", str(config), "-i", str(batch), "-o", str(out),
         "--project-dir", str(project), "--json"],
        capture_output=True, text=True, timeout=300, env={**os.environ},
    )  # fmt: skip
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert (
        result["rows"] == ROWS and result["scored"] + result["rejected"] == ROWS and result["scored"] > 0
    ), result
    return result


@pytest.mark.slow
@pytest.mark.parametrize("stage", MOVE_STAGES)
def test_predict_scores_whole_batches_while_the_champion_moves(
    promo_copy: dict, tmp_path: Path, stage: str
) -> None:
    config, project = promo_copy["config"], promo_copy["project"]
    batch = _batch(tmp_path)
    go = tmp_path / "go"
    mover = paused_rollback(config, project, stage=stage, resume=go, reason="점검")
    try:
        during = _predict(config, project, batch, tmp_path / "during.csv")
        assert str(during["model_version"]) in {"1", "2"}
        go.touch()
        _, err = mover.communicate(timeout=120)
        assert mover.returncode == 0, err[-2000:]
    finally:
        if mover.poll() is None:
            mover.kill()
    after = _predict(config, project, batch, tmp_path / "after.csv")
    assert str(after["model_version"]) == "1"  # the rollback's target, once the move is confirmed


@pytest.mark.slow
def test_predict_after_a_move_killed_midway_recovers_and_scores(promo_copy: dict, tmp_path: Path) -> None:
    config, project = promo_copy["config"], promo_copy["project"]
    mover = paused_rollback(config, project, stage="promote:tags", resume=tmp_path / "never", reason="점검")
    try:
        mover.send_signal(signal.SIGKILL)
        mover.wait(timeout=30)
    finally:
        if mover.poll() is None:
            mover.kill()
    result = _predict(config, project, _batch(tmp_path), tmp_path / "out.csv")
    assert str(result["model_version"]) == "1"  # the alias had moved: the move is completed, then scored
