"""Retrain works for every kind of champion: an ensemble (its members refitted), per-product routes, a tuned
and a default family; with and without ``tuning.budget_s`` and ``--retune``; and in an imported project.

Two small projects are trained once per module (each ``axpoc run`` ~10 s); every case retrains a copy.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from retrain_helpers import PROJECT, copy_project, new_data, write_config

pytestmark = pytest.mark.xdist_group("retrain")

MEMBERS = [
    {"family": "logistic", "params": {}, "weight": 1},
    {"family": "lightgbm", "params": {"n_estimators": 30}, "weight": 2},
]
ENSEMBLE = {
    # Per-product routes too: the two products with enough rows get their own (ensemble) model.
    "candidates": [{"name": "ensemble", "params": {"members": MEMBERS}}],
    "tuning": {"trials": 2, "budget_s": 30},
    "data.demo.rows": 700,
}
TUNED = {
    "candidates": [{"name": "lightgbm", "params": {"n_estimators": 30}}, "logistic"],
    "tuning": {"trials": 3},
    "retrain.per_product": False,
    # 700 shots gave a model no surely better than the defect share (the built-in beats_trivial rule)
    "data.demo.rows": 2000,
}


def _train(folder: Path, overrides: dict, mlflow_db: Path) -> dict:
    import shutil

    from axpoc.config import load_config
    from axpoc.steps import run_poc

    project = folder / "project"
    project.mkdir()
    shutil.copy(mlflow_db, project / "mlflow.db")
    config = write_config(folder, overrides)
    outcome = run_poc(load_config(config), project_dir=project)
    assert outcome.model_version == "1", outcome.decision_reason
    if (
        outcome.alias != "champion"
    ):  # an acceptance rule held it back: retraining needs a champion to start from
        from axpoc.tracking import open_store, promote

        store = open_store(project_name=PROJECT, project_dir=project)
        promote(store, "1", reason="retrain matrix: a champion to retrain", forced=True)
    return {"config": config, "project": project, "new": new_data(folder / "new.csv", rows=300)}


@pytest.fixture(scope="module")
def ensemble_project(tmp_path_factory: pytest.TempPathFactory, mlflow_db_template: Path) -> dict:
    return _train(tmp_path_factory.mktemp("matrix_ensemble"), ENSEMBLE, mlflow_db_template)


@pytest.fixture(scope="module")
def tuned_project(tmp_path_factory: pytest.TempPathFactory, mlflow_db_template: Path) -> dict:
    return _train(tmp_path_factory.mktemp("matrix_tuned"), TUNED, mlflow_db_template)


def _retrain(cli, trained: dict, tmp_path: Path, overrides: dict, *flags: str) -> dict:
    project = copy_project(trained["project"], tmp_path / "project")
    config = write_config(trained["config"].parent, overrides, name=f"retrain_{tmp_path.name}.yaml")
    result = cli("retrain", config, "--data", trained["new"], "--project-dir", project, *flags, "--json")
    assert result.code == 0, result.stdout + result.stderr
    return result.json()


def _champion(project: Path) -> object:
    from axpoc.tracking import load_poc_model, open_store

    return load_poc_model(open_store(project_name=PROJECT, project_dir=project), "champion")


def test_the_ensemble_champion_has_members_and_product_routes(ensemble_project: dict) -> None:
    model = _champion(ensemble_project["project"])
    assert model.family == "ensemble" and model.metadata["params"]["members"] == MEMBERS
    assert model.routes  # per-product sub-models, each an ensemble of the same members


@pytest.mark.parametrize(
    ("overrides", "flags"),
    [
        pytest.param(ENSEMBLE, (), id="budget"),
        pytest.param({**ENSEMBLE, "tuning": {"trials": 2}}, (), id="no-budget"),
        pytest.param(ENSEMBLE, ("--retune",), id="budget-retune"),
    ],
)
def test_an_ensemble_champion_retrains(
    cli, ensemble_project: dict, tmp_path: Path, overrides: dict, flags: tuple[str, ...]
) -> None:
    outcome = _retrain(cli, ensemble_project, tmp_path, overrides, *flags)
    assert outcome["challenger_version"] == "2" and outcome["retune"] is bool(flags)
    board = {row["candidate"]: row for row in outcome["leaderboard"]} if "leaderboard" in outcome else {}
    assert not board or board["ensemble"]["status"] == "ok"


@pytest.mark.parametrize(
    ("tuning", "flags"),
    [
        pytest.param({"trials": 3, "budget_s": 20}, (), id="budget"),
        pytest.param({"trials": 3}, (), id="no-budget"),
        pytest.param({"trials": 2, "budget_s": 20}, ("--retune",), id="budget-retune"),
    ],
)
def test_a_tuned_or_default_family_retrains(
    cli, tuned_project: dict, tmp_path: Path, tuning: dict, flags: tuple[str, ...]
) -> None:
    outcome = _retrain(cli, tuned_project, tmp_path, {**TUNED, "tuning": tuning}, *flags)
    assert outcome["challenger_version"] == "2" and outcome["retune"] is bool(flags)


@pytest.mark.slow
def test_an_imported_ensemble_project_retrains_under_a_budget(
    cli, ensemble_project: dict, tmp_path: Path
) -> None:
    bundle = tmp_path / "handover.axpoc.zip"
    exported = cli(
        "export", ensemble_project["config"], "--out", bundle, "--project-dir", ensemble_project["project"]
    )
    assert exported.code == 0, exported.stderr
    imported = cli("import", bundle, "--into", tmp_path / "elsewhere" / PROJECT, "--json")
    assert imported.code == 0, imported.stderr
    again = cli("retrain", imported.json()["config"], "--data", ensemble_project["new"], "--json")
    assert again.code == 0, again.stdout + again.stderr
    assert again.json()["challenger_version"] == "2"
