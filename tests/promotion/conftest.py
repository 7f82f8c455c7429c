"""A real, empty MLflow store per test (copied from the session's migrated template)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def empty_store(tmp_path: Path, mlflow_db_template: Path) -> Any:
    """A project store with no registered model yet: no champion to compare with."""
    from axpoc.tracking import open_store

    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(mlflow_db_template, project / "mlflow.db")
    return open_store(project_name="promo_unit", project_dir=project)
