"""Stores for the promotion tests: an empty one per test, and one small project with two champions in
its history, built once per session and copied per case."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from config_files import write_yaml_config
from promotion_helpers import FORCED_REASON, PROJECT, TINY


@pytest.fixture
def empty_store(tmp_path: Path, mlflow_db_template: Path) -> Any:
    """A project store with no registered model yet: no champion to compare with."""
    from axpoc.tracking import open_store

    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(mlflow_db_template, project / "mlflow.db")
    return open_store(project_name="promo_unit", project_dir=project)


@pytest.fixture(scope="session")
def two_champions(tmp_path_factory: pytest.TempPathFactory, mlflow_db_template: Path) -> dict:
    """v1 first champion, then v2 champion by force (v1 ``previous``); the promotion log says both.

    One tiny ``axpoc run`` (in-process, registers v1 with whatever it decides); v2 is a second version
    of the same logged model, so the project holds two loadable versions for the cost of one training.
    """
    from axpoc import tracking
    from axpoc.config import load_config
    from axpoc.steps import run_poc

    folder = tmp_path_factory.mktemp("promo_base")
    project = folder / "project"
    project.mkdir()
    shutil.copy(mlflow_db_template, project / "mlflow.db")
    config = write_yaml_config(TINY, folder)
    outcome = run_poc(load_config(config), project_dir=project, until="register")
    store = tracking.open_store(project_name=PROJECT, project_dir=project)
    if tracking.alias_version(store, tracking.CHAMPION) != "1":
        assert tracking.promote(store, "1", reason="test fixture: first champion")
    source = store.client.get_model_version(PROJECT, "1").source
    v2 = str(store.client.create_model_version(PROJECT, source, run_id=outcome.run_id).version)
    assert tracking.promote(store, v2, reason=FORCED_REASON, forced=True, expected_champion="1")
    return {"config": config, "project": project}


@pytest.fixture
def promo_copy(two_champions: dict, tmp_path: Path) -> dict:
    """A private copy of the two-champion project, its store pointed at the copy's own artifacts."""
    from axpoc.retrain import relocate_project

    project = tmp_path / "project"
    shutil.copytree(two_champions["project"], project)
    relocate_project(project, old_dir=two_champions["project"])
    return {**two_champions, "project": project}
