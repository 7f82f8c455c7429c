"""Evidence is counted in independent units: where one label belongs to a whole group (a tool worn or not,
one label per experiment) and the split keeps groups whole, ``enough_evidence``, ``catches_defects`` and
"the model caught a defect" count groups, not rows, and say so; 60 sensor rows of two worn tools are two
cases, not sixty."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from config_files import write_yaml_config

from axpoc.kpi import (
    Baseline,
    CostModel,
    Undefined,
    Volumes,
    beats_no_model,
    catches_defects,
    defect_catches,
    enough_evidence,
)

TOOLS = {
    "project": {"name": "evidence_groups", "title": "공구 마모"},
    "process": "generic",
    "language": "ko",
    "data": {"path": "tool.csv"},
    "target": {"column": "tool_condition", "task": "binary", "positive_class": "worn"},
    "columns": {"group": "No", "exclude": ["t"]},
    "split": {"method": "group", "test_size": 0.25, "cv_folds": 3, "seed": 0},
    "candidates": ["logistic"],
    "tuning": {"trials": 1},
    "kpi": {"gates": {"roc_auc": ">= 0.7"}},
}


def _tool_log(path: Path) -> None:
    """20 experiments of 30 sensor rows, 8 with a worn tool; the label is the experiment's."""
    rng = np.random.default_rng(0)
    rows = []
    for experiment in range(1, 21):
        worn = experiment % 5 in (0, 2)
        for t in range(30):
            rows.append(
                {
                    "No": experiment,
                    "t": t,
                    "current": rng.normal(2.0 if worn else 0.0, 1.0),
                    "vibration": rng.normal(1.0 if worn else 0.0, 1.0),
                    "noise": rng.normal(),
                    "tool_condition": "worn" if worn else "unworn",
                }
            )
    pd.DataFrame(rows).to_csv(path, index=False)


def test_groups_are_counted_with_their_pooled_verdict():
    y = np.array([1, 1, 1, 1, 0, 0, 1, 1])
    caught = np.array([1, 1, 0, 0, 0, 0, 0, 1])
    groups = np.array(["a", "a", "b", "b", "c", "c", "d", "d"])
    assert defect_catches(y, caught, [1]) == {1: (3, 6)}
    # a: 2 of 2 rows flagged, b: 0 of 2, d: 1 of 2 (half counts as caught)
    assert defect_catches(y, caught, [1], groups=groups) == {1: (2, 3)}


def test_catches_defects_counts_groups_and_says_so():
    """Two worn tools, 3 of 4 rows of one flagged, 1 of 4 of the other: one tool caught of two (recall 0.5),
    not 4 rows of 8; a group label makes the group the defect."""
    y = np.array([1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0])
    flagged = np.array([1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0], dtype=bool)
    groups = np.repeat(["T1", "T2", "T3"], 4)
    (row,) = catches_defects(defect_catches(y, flagged, [1], groups=groups), unit="No")
    assert row.passed and row.value == 0.5
    assert "caught 1 of 2 'No' groups" in row.reason and "groups are counted, not rows" in row.reason
    assert "그룹 2개 중 1개" in row.reason.text("ko")


def test_a_few_flagged_rows_of_a_worn_tool_are_no_caught_defect():
    """saving_vs_best_policy is undefined when the model catches no defect: with group labels a defect is
    caught only as a group (at least half its rows flagged), not by one stray flagged row."""
    y = np.repeat([1, 0, 0, 0, 0], 4)
    flagged = np.zeros(y.size, dtype=bool)
    flagged[0] = True  # 1 of the worn tool's 4 rows
    groups = np.repeat(["T1", "T2", "T3", "T4", "T5"], 4)
    priced = {
        "baseline": Baseline("all", detection_rate=0.9),
        "cost": CostModel(inspection_cost=500, escape_cost=50_000, false_alarm_cost=2_000),
        "volumes": Volumes(parts_per_day=100, working_days_per_month=20),
        "groups": groups,
        "n_boot": 50,
    }
    by_rows = beats_no_model(y, flagged, **priced).kpis["saving_vs_best_policy"]
    by_groups = beats_no_model(y, flagged, label_groups=groups, **priced).kpis["saving_vs_best_policy"]
    assert not isinstance(by_rows, Undefined)
    assert isinstance(by_groups, Undefined) and "catches no defect" in by_groups.reason


def test_group_evidence_says_groups_were_counted():
    rows, evidence = enough_evidence({"worn": (2, 2)}, test_share=0.25, unit="No")
    assert not rows[0].passed and rows[0].value == 2
    assert "groups are counted, not rows" in rows[0].reason
    assert "Collect about 12 more 'No' groups with 'worn' defects" in evidence
    assert "그룹" in evidence.text("ko") and "12개 더" in evidence.text("ko")


def test_group_level_labels_are_insufficient_evidence_not_a_verdict(tmp_path: Path, project_dir: Path):
    """Two worn tools in the test part: sixty rows, but two cases; never champion (the old rule counted
    sixty worn rows and made it champion)."""
    _tool_log(tmp_path / "tool.csv")
    config = write_yaml_config(TOOLS, tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "axpoc", "run", str(config), "--project-dir", str(project_dir), "--json"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(done.stdout)
    assert outcome["verdict"] == "insufficient_evidence" and outcome["alias"] != "champion"
    evidence = next(g for g in outcome["gates"] if g["name"] == "enough_evidence")
    assert evidence["value"] == 2 and not evidence["passed"]
    assert "groups are counted, not rows" in evidence["reason"]
    assert "more 'No' groups with 'worn' defects" in outcome["decision_reason"]
    caught = next(g for g in outcome["gates"] if g["name"] == "catches_defects")  # the same units
    assert "of 2 'No' groups with 'worn' defects" in caught["reason"] and caught["value"] in (0.0, 0.5, 1.0)
