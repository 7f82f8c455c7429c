"""Press forming and CNC machining (a regression) carried through their field period, recomputed independently.

Slow (one small training run each): the injection-molding project covers every verb in the default suite.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from field_project import OTHER_PROCESSES, build_field_project

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=sorted(OTHER_PROCESSES))
def other(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Any, dict[str, Any]]:
    from axpoc.field import field_report, read_scored

    process = request.param
    project = build_field_project(tmp_path_factory.mktemp(process), OTHER_PROCESSES[process])
    config = project.config()
    scored, _ = read_scored(config, [str(p) for p in project.scores()])
    report = field_report(
        config, project_dir=project.project, scored=scored, prediction_log=[], promotion_log=[]
    )
    return process, project, report


def test_realised_kpis_match_a_recomputation_from_the_files(other: tuple[str, Any, dict[str, Any]]) -> None:
    process, project, report = other
    config = project.config()
    key, label = config.columns.id, config.target.column
    scores = pd.concat([pd.read_csv(p) for p in project.scores()])
    outcomes = pd.concat([pd.read_csv(project.demo / f"outcomes_week{w}.csv") for w in (1, 2, 3)])
    outcomes = outcomes.drop_duplicates(key, keep="last")
    field = outcomes.merge(scores[[key, "decision"]], on=key)
    field = field[field[label].notna()]  # CNC measures its label: a result without the measurement has none
    y = field[label] > 1.6 if config.target.task == "regression" else field[label] == 1
    f = field["decision"].astype(str).str.lower().eq("true")
    tp, fp, fn, tn = (y & f).sum(), (~y & f).sum(), (y & ~f).sum(), (~y & ~f).sum()
    expected = {
        "false_alarm_rate": fp / (fp + tn),
        "manual_inspection_share": (tp + fp) / len(field),
        "defect_rate_passed": fn / (fn + tn),
    }
    if tp + fn:
        expected["recall"] = tp / (tp + fn)
    for name, value in expected.items():
        assert report["kpis"][name]["after"]["value"] == pytest.approx(value), (process, name)
    assert report["field"]["with_result"] == len(field)
    monitor = config.field.monitor.column
    x = field.sort_values("timestamp")[monitor].dropna().to_numpy()
    spec = config.field.monitor
    sides = [
        s
        for s in (
            (spec.usl - x.mean()) if spec.usl is not None else None,
            (x.mean() - spec.lsl) if spec.lsl is not None else None,
        )
        if s is not None
    ]
    ppk = min(sides) / (3 * x.std(ddof=1))
    assert report["kpis"]["ppk"]["after"]["value"] == pytest.approx(ppk)


def test_a_regression_gives_no_estimate_and_says_why(
    other: tuple[str, Any, dict[str, Any]], tmp_path: Path
) -> None:
    process, _, report = other
    recall = report["estimate"]["recall"]["after"]
    if process == "cnc_machining":
        assert recall["value"] is None or math.isnan(recall["value"])
        assert "regression" in recall["undefined"]
    else:  # a recall only when the waiting parts are expected to hold 5 defects or more, else the reason
        assert (
            0 <= recall["value"] <= 1
            if "undefined" not in recall
            else "too little evidence" in recall["undefined"]
        )
        assert 0 <= report["estimate"]["manual_inspection_share"]["after"]["value"] <= 1
