"""train_evaluate_register, the one sequence of ``run`` and ``retrain``; check_kpi_inputs from each KPI's needs."""

from __future__ import annotations

from pathlib import Path

import pytest

from axpoc.config import config_from_dict
from axpoc.errors import ConfigError
from axpoc.steps import check_kpi_inputs

SETTINGS = {
    "project": {"name": "one_sequence"},
    "process": "injection_molding",
    "data": {"demo": {"rows": 300, "defect_rate": 0.1, "seed": 3}},
    "target": {"column": "defect", "task": "binary", "positive_class": 1},
    "columns": {"id": "shot_id", "time": "timestamp", "exclude": ["defect_type", "cavity_pressure", "lot"]},
    "split": {"cv_folds": 3},
    "candidates": ["logistic"],
    "tuning": {"trials": 1},
    "kpi": {"primary": "f1", "gates": {"roc_auc": ">= 0.5"}},
}


def test_a_leaderboard_at_the_fixed_threshold_says_so_in_json_and_mlflow(project_dir: Path) -> None:
    """``kpi.primary: f1`` ranks by F1 at P >= 0.5 while comparing: the leaderboard and the candidate's MLflow run
    name it ``f1@0.5`` (``cv_f1_at_0.5_mean``), never plain ``f1``, which the KPI table keeps for the chosen
    threshold."""
    from mlflow import MlflowClient

    from axpoc.steps import run_poc

    outcome = run_poc(config_from_dict(SETTINGS), project_dir=project_dir, until="compare")
    row = outcome.leaderboard[0]
    assert "f1@0.5" in row and "balanced_accuracy@0.5" in row and "f1" not in row
    assert list(row)[4] == "f1@0.5"  # the ranking column, after rank, candidate, family, status
    client = MlflowClient(tracking_uri=f"sqlite:///{(project_dir / 'mlflow.db').as_posix()}")
    children = client.search_runs(
        [client.get_experiment_by_name("one_sequence").experiment_id],
        filter_string=f"tags.mlflow.parentRunId = '{outcome.run_id}'",
    )
    metrics = children[0].data.metrics
    assert metrics["cv_f1_at_0.5_mean"] == pytest.approx(row["f1@0.5"])
    assert "cv_f1_mean" not in metrics


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        (
            {"kpi": {"gates": {"monthly_saving": ">= 0"}}},
            "kpi.gates.monthly_saving needs kpi.costs.inspection_cost",
        ),
        ({"kpi": {"gates": {"cpk": ">= 1.33"}}}, "kpi.gates.cpk needs target.spec"),
        ({"kpi": {"gates": {"rmse": "<= 1"}}}, "kpi.gates.rmse: rmse is not defined for a binary task"),
    ],
)
def test_a_gate_whose_kpi_lacks_its_inputs_is_refused_before_training(settings: dict, words: str) -> None:
    config = config_from_dict({**SETTINGS, **settings})
    with pytest.raises(ConfigError, match=words.replace(".", r"\.")):
        check_kpi_inputs(config, dict(config.kpi.gates))
