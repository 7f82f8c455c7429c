"""One small trained injection-molding project with controllable settings, shared by the recommend tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from config_files import write_yaml_config

CONTROLLABLE = {
    "holding_pressure_bar": {"step": 5},
    "injection_pressure_bar": {"min": 600, "max": 1600, "step": 10},
    "clamp_force_ton": {},
    "holding_time_s": {"step": 0.1},
}
SMALL = {
    "project": {"name": "rec_test"},
    "process": "injection_molding",
    "data": {"demo": {"rows": 900, "defect_rate": 0.12, "seed": 3}},
    "target": {"column": "defect", "task": "binary", "positive_class": 1},
    "columns": {
        "id": "shot_id",
        "time": "timestamp",
        "product": "product",
        "exclude": ["defect_type", "cavity_pressure", "cycle_time_s"],
        "controllable": CONTROLLABLE,
    },
    "split": {"cv_folds": 2},
    "candidates": ["lightgbm"],
    "tuning": {"trials": 1},
    "kpi": {"gates": {"roc_auc": ">= 0.5"}},
}


@pytest.fixture(name="write_config")
def _write_config_fixture():
    def write(folder: Path, overrides: dict | None = None, name: str = "poc.yaml") -> Path:
        return write_yaml_config(SMALL, folder, overrides, name)

    return write


@pytest.fixture(scope="session")
def trained(tmp_path_factory: pytest.TempPathFactory, mlflow_db_template: Path) -> dict:
    """A project after ``axpoc run --force`` (champion whatever the gates say): config and project folder."""
    import subprocess
    import sys

    folder = tmp_path_factory.mktemp("recommend_project")
    project = folder / "project"
    project.mkdir()
    shutil.copy(mlflow_db_template, project / "mlflow.db")
    config = write_yaml_config(SMALL, folder)
    command = [sys.executable, "-m", "axpoc", "run", str(config), "--project-dir", str(project)]
    done = subprocess.run(
        [*command, "--force", "--reason", "recommend tests need a champion", "--json"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return {"config": config, "project": project, "folder": folder}
