"""One small trained project shared by the retrain tests (trained once per session, in-process, with
per-product models on, so ``axpoc run``'s per-product hook is exercised too); tests that change the
registry work on a copy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from retrain_helpers import copy_project, new_data, write_config


@pytest.fixture(scope="session")
def trained(tmp_path_factory: pytest.TempPathFactory, mlflow_db_template: Path) -> dict:
    """A project after one ``axpoc run`` (champion v1), its config, and a new-data CSV."""
    from axpoc.config import load_config
    from axpoc.steps import run_poc

    folder = tmp_path_factory.mktemp("retrain_base")
    project = folder / "project"
    project.mkdir()
    shutil.copy(mlflow_db_template, project / "mlflow.db")
    config = write_config(folder)
    outcome = run_poc(load_config(config), project_dir=project)
    assert outcome.alias == "champion", outcome.decision_reason
    return {
        "config": config,
        "project": project,
        "outcome": outcome,
        "new": new_data(folder / "new_month.csv"),
    }


@pytest.fixture
def project_copy(trained: dict, tmp_path: Path) -> dict:
    """A private copy of the trained project, for tests that change it."""
    return {**trained, "project": copy_project(trained["project"], tmp_path / "project")}
