"""Bad new data stops before any training, with exit 1 and a message naming the file, columns and rows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from retrain_helpers import PROJECT

pytestmark = pytest.mark.xdist_group("retrain")


def _runs(project: Path) -> int:
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=f"sqlite:///{(project / 'mlflow.db').as_posix()}")
    return len(client.search_runs([client.get_experiment_by_name(PROJECT).experiment_id]))


def test_truncated_and_corrupted_files_are_rejected(cli, project_copy: dict, tmp_path: Path) -> None:
    config, project = project_copy["config"], project_copy["project"]
    before = _runs(project)
    raw = project_copy["new"].read_bytes()
    cut = tmp_path / "copy_interrupted.csv"
    cut.write_bytes(raw[: int(len(raw) * 0.7)])
    result = cli("retrain", config, "--data", cut, "--project-dir", project)
    assert result.code == 1, result.stderr
    assert "copy_interrupted.csv" in result.stderr and "cut off" in result.stderr
    assert "Traceback" not in result.stderr
    drift = cli("drift", config, "--data", cut, "--project-dir", project)  # the same reader, the same rule
    assert drift.code == 1 and "copy_interrupted.csv: line" in drift.stderr and "cut off" in drift.stderr

    broken = tmp_path / "export.parquet"
    pd.read_csv(project_copy["new"]).to_parquet(broken, index=False)
    broken.write_bytes(broken.read_bytes()[:-200])
    result = cli("retrain", config, "--data", broken, "--project-dir", project)
    assert (
        result.code == 1
        and "export.parquet" in result.stderr
        and "Parquet file has no end marker" in result.stderr
    )

    missing = cli("retrain", config, "--data", tmp_path / "nope.csv", "--project-dir", project)
    assert missing.code == 2 and "no such file" in missing.stderr
    assert _runs(project) == before  # nothing was trained or logged


def test_critical_contract_failures_name_columns_and_rows(cli, project_copy: dict, tmp_path: Path) -> None:
    from axpoc.tracking import alias_version, open_store

    config, project = project_copy["config"], project_copy["project"]
    frame = pd.read_csv(project_copy["new"])
    frame["cushion_mm"] = frame["cushion_mm"].astype(object)
    frame.loc[[3, 7], "cushion_mm"] = "센서오류"  # text where the model was trained on numbers
    frame = frame.drop(columns=["mold_temp_c"])  # a feature the champion needs is gone
    bad = tmp_path / "bad_month.csv"
    frame.to_csv(bad, index=False)

    result = cli("retrain", config, "--data", bad, "--project-dir", project, "--json")
    assert result.code == 1
    # the console says it in the config's language (Korean), --json in English
    assert "'mold_temp_c' 열 검사 실패: 열이 있음" in result.stderr
    assert "'cushion_mm'" in result.stderr and "데이터 행 4, 8" in result.stderr
    message = result.json()["error"]["message"]
    assert "'mold_temp_c' must be column exists" in message and "data rows 4, 8" in message
    failed = [
        r for r in result.json()["validation"]["results"] if not r["success"] and r["severity"] == "critical"
    ]
    assert {r["column"] for r in failed} >= {"mold_temp_c", "cushion_mm"}
    assert alias_version(open_store(project_name=PROJECT, project_dir=project), "champion") == "1"


def test_inf_in_new_data_is_a_critical_failure_not_a_traceback(
    cli, project_copy: dict, tmp_path: Path
) -> None:
    config, project = project_copy["config"], project_copy["project"]
    frame = pd.read_csv(project_copy["new"])
    frame["cushion_mm"] = frame["cushion_mm"].astype(object)
    frame.loc[[2, 6], "cushion_mm"] = ["inf", "1e400"]
    bad = tmp_path / "overflow.csv"
    frame.to_csv(bad, index=False)
    for verb in ("retrain", "drift"):
        result = cli(verb, config, "--data", bad, "--project-dir", project)
        assert result.code == 1, (verb, result.stderr)
        assert "'cushion_mm' 열 검사 실패: 유한한 값 (무한대 없음)" in result.stderr, result.stderr
        assert "데이터 행 3, 7" in result.stderr
        assert "Traceback" not in result.stderr


def test_unlabelled_data_drift_works_retrain_says_why_not(cli, project_copy: dict, tmp_path: Path) -> None:
    config, project = project_copy["config"], project_copy["project"]
    unlabelled = tmp_path / "mes_export.csv"
    pd.read_csv(project_copy["new"]).drop(columns=["defect", "defect_type"]).to_csv(unlabelled, index=False)
    result = cli("retrain", config, "--data", unlabelled, "--project-dir", project)
    assert result.code == 2 and "no labels in target column 'defect'" in result.stderr
    drift = cli("drift", config, "--data", unlabelled, "--project-dir", project, "--json")
    assert drift.code == 0, drift.stderr
    payload = drift.json()
    assert payload["champion_kpis_on_new"] == {} and payload["drift"]["label_drift"] is None
    assert payload["drift"]["prediction_drift"]["severity"] in ("none", "moderate", "major")
    assert any("no labels" in note for note in payload["notes"])


def test_verbs_on_a_folder_without_a_project_are_user_errors(cli, project_copy: dict, tmp_path: Path) -> None:
    empty = tmp_path / "not_a_project"
    for verb in (["models"], ["rollback"], ["drift", "--data", project_copy["new"]]):
        result = cli(verb[0], project_copy["config"], *verb[1:], "--project-dir", empty)
        assert result.code == 2 and "No axpoc project" in result.stderr, result.stderr
    assert not (empty / "mlflow.db").exists()  # never creates an empty store by mistake
