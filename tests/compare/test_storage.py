"""A shared Optuna database (``tuning.storage``) holds many runs: each run's studies are named after it."""

from __future__ import annotations

import json
from pathlib import Path

from axpoc.config import config_from_dict

SETTINGS = {
    "project": {"name": "shared_store"},
    "process": "injection_molding",
    "data": {"demo": {"rows": 300, "defect_rate": 0.1, "seed": 3}},
    "target": {"column": "defect", "task": "binary", "positive_class": 1},
    "columns": {"id": "shot_id", "time": "timestamp", "exclude": ["defect_type", "cavity_pressure", "lot"]},
    "split": {"cv_folds": 3},
    "candidates": ["logistic", {"name": "lightgbm", "params": {"n_estimators": 30}}],
    "kpi": {"gates": {"roc_auc": ">= 0.5"}},
}


def test_two_runs_share_one_sqlite_storage_and_it_keeps_both_runs_studies(
    project_dir: Path, tmp_path: Path
) -> None:
    import optuna

    from axpoc.steps import run_poc

    storage = f"sqlite:///{(tmp_path / 'optuna.db').as_posix()}"
    config = config_from_dict({**SETTINGS, "tuning": {"trials": 2, "storage": storage}})
    first, second = (run_poc(config, project_dir=project_dir, until="compare") for _ in range(2))

    assert first.chosen and second.chosen and first.run_id != second.run_id
    names = sorted(optuna.get_all_study_names(storage))
    expected = sorted(
        f"shared_store/{run}/{candidate}"
        for run in (first.run_id, second.run_id)
        for candidate in ("logistic", "lightgbm")
    )
    assert names == expected
    for name in names:  # each study holds its own run's two trials, none of the other run's
        assert len(optuna.load_study(study_name=name, storage=storage).trials) == 2


def test_a_comparison_without_a_shared_storage_never_imports_mlflow() -> None:
    """MLflow's import is about 80 MiB of RSS; a bare comparison (a notebook, the peers benchmark) needs none."""
    import subprocess
    import sys

    script = (
        "import json, sys, axpoc\n"
        "from axpoc.config import config_from_dict\n"
        f"config = config_from_dict(json.loads({json.dumps(json.dumps({**SETTINGS, 'tuning': {'trials': 1}}))}))\n"
        "comparison = axpoc.run_comparison(config, axpoc.prepare(config))\n"
        "print(comparison.chosen.name, 'mlflow' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=True
    )
    chosen, imported = done.stdout.split()[-2:]
    assert chosen in {"logistic", "lightgbm"}
    assert imported == "False"
