"""Small data end to end: a 39-run press DOE with 6 cracks is compared, evaluated out of fold and retrained.

The DOE is the corpus's (``tests/corpus``). The comparison repeats stratified cross-validation on all rows (no tiny test part), the KPIs come from
out-of-fold predictions, and retraining on the DOE plus 12 new runs works, through the CLI as a user runs it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from config_files import write_yaml_config
from corpus.exports import press_doe
from sklearn.ensemble import RandomForestClassifier

from axpoc.compare import model_output

TARGET, ID = "크랙", "실험번호"
SETTINGS = {
    "project": {"name": "press_doe"},
    "process": "press_forming",
    "language": "ko",
    "target": {"column": TARGET, "task": "binary", "positive_class": 1},
    "columns": {"id": ID},
    "candidates": ["logistic", {"name": "lightgbm", "params": {"n_estimators": 30}}, "ensemble"],
    "tuning": {"trials": 2},
    "kpi": {"gates": {"roc_auc": ">= 0.6"}},
}


def test_a_model_fitted_on_one_class_scores_without_error() -> None:
    X = pd.DataFrame({"x": np.arange(10.0)})
    for only in (0, 1):
        fitted = RandomForestClassifier(n_estimators=3, random_state=0).fit(X, np.full(10, only))
        assert np.array_equal(model_output(fitted, X, "binary"), np.full(10, float(only)))


def test_a_39_run_doe_runs_out_of_fold_and_retrains(cli, project_dir: Path, tmp_path: Path) -> None:
    data = tmp_path / "프레스_DOE.csv"
    press_doe().to_csv(data, index=False, encoding="utf-8-sig")
    config = write_yaml_config({**SETTINGS, "data": {"path": str(data)}}, tmp_path)
    at = ("--project-dir", project_dir)

    run = cli("run", config, *at, "--json")
    assert run.code == 0, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    outcome = run.json()
    assert outcome["split"].startswith("small data (39 labelled rows, fewer than 100): no separate test part")
    assert any(str(note).startswith("5x repeated 5-fold StratifiedKFold") for note in outcome["notes"])
    assert {row["candidate"] for row in outcome["leaderboard"] if row["status"] == "ok"} >= {
        "logistic",
        "lightgbm",
    }
    kpis = outcome["kpis"]
    assert 0.5 < kpis["roc_auc"] <= 1.0 and 0.0 <= kpis["recall"] <= 1.0  # out of fold, on all 39 runs
    assert outcome["model_version"] == "1"

    later = press_doe(seed=1).assign(**{ID: lambda f: f[ID] + 100})  # a second DOE: 12 of its runs, 2 cracked
    new = tmp_path / "new_runs.csv"
    pd.concat([later[later[TARGET] == 1].head(2), later[later[TARGET] == 0].head(10)]).to_csv(
        new, index=False
    )
    again = cli("retrain", config, "--data", new, *at, "--json")
    assert again.code == 0, again.stdout + again.stderr
    retrained = again.json()
    assert retrained["n_reference"] == 39 and retrained["n_new"] == 12
    assert retrained["challenger_version"] == "2"
