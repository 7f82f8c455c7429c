"""A project with a real SQLite MLflow store: version 1 is champion, version 2 is registered and waiting.

Built once per session (the first MLflow migration costs seconds); tests that write into the project
get their own copy through the ``project`` fixture.
"""

from __future__ import annotations

import importlib.metadata
import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

FEATURES = ["금형온도", "사출압력", "냉각시간", "재질"]
TARGET = "불량"
ID = "part_id"
LIMITS = {"금형온도": {"min": 150.0, "max": 260.0}}


@dataclass(frozen=True)
class ChampionProject:
    folder: Path
    config_path: Path
    model_name: str
    champion: str
    waiting: str
    train: pd.DataFrame
    features: tuple[str, ...] = tuple(FEATURES)
    id_column: str = ID

    def parts(self, n: int, *, seed: int) -> pd.DataFrame:
        """New parts to score (no label); see :func:`make_parts`."""
        return make_parts(n, seed=seed)

    def config(self) -> Any:
        from axpoc.config import load_config

        return load_config(self.config_path)

    def store(self) -> Any:
        from axpoc.tracking import open_store

        return open_store(project_name=self.model_name, project_dir=self.folder)

    def model(self, version: str) -> Any:
        from axpoc.tracking import load_poc_model

        return load_poc_model(self.store(), version)


def make_parts(n: int, *, seed: int, prefix: str = "N") -> pd.DataFrame:
    """Parts as a plant would export them: id, process values, material; no label."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            ID: [f"{prefix}{i:06d}" for i in range(n)],
            "금형온도": rng.uniform(185, 235, n).round(2),
            "사출압력": rng.normal(100, 10, n).round(2),
            "냉각시간": rng.normal(20, 3, n).round(2),
            "재질": rng.choice(["A", "B", "C"], n),
        }
    )


def _training_frame(n: int = 800) -> pd.DataFrame:
    frame = make_parts(n, seed=1, prefix="T")
    rng = np.random.default_rng(2)
    logit = (frame["금형온도"] - 225) / 4 + (frame["사출압력"] - 108) / 5 + (frame["재질"] == "C") * 1.0
    frame[TARGET] = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(int)
    return frame


def _poc_model(train: pd.DataFrame, config: Any, *, n_estimators: int, threshold: float) -> Any:
    from axpoc.artifact import PocModel
    from axpoc.data._contract import build_contract
    from axpoc.models import build_pipeline

    params = {"n_estimators": n_estimators, "num_leaves": 7, "min_child_samples": 10, "learning_rate": 0.1}
    pipeline = build_pipeline("lightgbm", params, frame=train, features=FEATURES, task="binary", n_jobs=1)
    pipeline.fit(train[FEATURES], train[TARGET].to_numpy())
    return PocModel(
        estimator=pipeline,
        task="binary",
        features=list(FEATURES),
        target=TARGET,
        family="lightgbm",
        classes=[0, 1],
        positive_label=1,
        negative_label=0,
        threshold=threshold,
        id_column=ID,
        contract_json=build_contract(train, config).to_json(),
    )


@pytest.fixture(scope="session")
def champion_project(tmp_path_factory: pytest.TempPathFactory) -> ChampionProject:
    import mlflow

    from axpoc.config import load_config
    from axpoc.tracking import log_poc_model, open_store, promote, register_version

    folder = tmp_path_factory.mktemp("champion") / "project"
    folder.mkdir()
    train = _training_frame()
    train.to_csv(folder / "train.csv", index=False, encoding="utf-8-sig")
    raw = {
        "project": {"name": "serve_test", "title": "사출 불량 예측", "dir": "."},
        "data": {"path": "train.csv"},
        "target": {"column": TARGET, "task": "binary"},
        "columns": {"id": ID, "limits": LIMITS},
    }
    config_path = folder / "poc.yaml"
    config_path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    config = load_config(config_path)
    store = open_store(project_name="serve_test", project_dir=folder)
    requirements = [
        f"{name}=={importlib.metadata.version(name)}" for name in ("lightgbm", "scikit-learn", "pandas")
    ]
    versions = []
    for n_estimators, threshold in ((40, 0.5), (80, 0.2)):
        model = _poc_model(train, config, n_estimators=n_estimators, threshold=threshold)
        with mlflow.start_run(experiment_id=store.experiment_id):
            uri = log_poc_model(model, input_example=train[FEATURES].head(5), pip_requirements=requirements)
        versions.append(register_version(store, uri, tags={"axpoc.family": "lightgbm"}))
    promote(store, versions[0], reason="test fixture")
    return ChampionProject(folder, config_path, "serve_test", versions[0], versions[1], train)


@pytest.fixture
def project(champion_project: ChampionProject, tmp_path: Path) -> ChampionProject:
    """A copy of the champion project that a test may change (registry, logs, outputs)."""
    folder = tmp_path / "project"
    shutil.copytree(champion_project.folder, folder)
    return replace(champion_project, folder=folder, config_path=folder / "poc.yaml")
