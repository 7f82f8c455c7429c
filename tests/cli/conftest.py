"""One small end-to-end ``axpoc run`` shared by the CLI tests (a session fixture keeps the suite fast)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from config_files import write_yaml_config

SMALL_RUN = {
    "project": {"name": "cli_demo", "title": "CLI 테스트 사출 PoC"},
    "process": "injection_molding",
    "language": "ko",
    # 2,000 shots: the test weeks then hold 18 defects, enough for the built-in evidence rule, and a model
    # that surely beats today's inspection at these costs; 900 shots left 3 defects there.
    "data": {"demo": {"rows": 2000, "defect_rate": 0.06, "seed": 1}},
    "target": {"column": "defect", "task": "binary", "positive_class": 1},
    "columns": {"id": "shot_id", "time": "timestamp", "product": "product", "exclude": ["defect_type"]},
    "split": {"cv_folds": 3},
    "candidates": ["logistic", "lightgbm"],
    "tuning": {"trials": 2},
    "kpi": {
        "costs": {
            "inspection_cost": 300,
            "escape_cost": 10000,
            "false_alarm_cost": 300,
            "inspection_minutes_per_part": 0.5,
        },
        "volumes": {"parts_per_day": 4000},
        "gates": {"roc_auc": ">= 0.6"},
    },
}


def _write_config(folder: Path, overrides: dict | None = None, name: str = "poc.yaml") -> Path:
    """The small demo config, with dotted-key overrides, written into ``folder``."""
    return write_yaml_config(SMALL_RUN, folder, overrides, name)


@pytest.fixture(name="write_config")
def _write_config_fixture():
    return _write_config


@pytest.fixture(scope="session")
def finished_run(tmp_path_factory: pytest.TempPathFactory, mlflow_db_template: Path) -> dict:
    """A project after one successful ``axpoc run --json``: config, project folder, JSON outcome."""
    import json
    import subprocess
    import sys

    folder = tmp_path_factory.mktemp("finished_run")
    project = folder / "project"
    project.mkdir()
    shutil.copy(mlflow_db_template, project / "mlflow.db")
    config = _write_config(folder)
    done = subprocess.run(
        [sys.executable, "-m", "axpoc", "run", str(config), "--project-dir", str(project), "--json"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return {"config": config, "project": project, "outcome": json.loads(done.stdout), "stderr": done.stderr}


@pytest.fixture
def run_copy(finished_run: dict, tmp_path: Path) -> dict:
    """A private copy of the finished project, for tests that change the registry."""
    project = tmp_path / "project"
    shutil.copytree(finished_run["project"], project)
    return {**finished_run, "project": project}
