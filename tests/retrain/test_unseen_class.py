"""A class the multiclass champion never saw, in new labelled data: ``axpoc drift`` goes on without those
rows for the champion's KPIs and says so; ``axpoc retrain`` stops with a clear message (exit 2), not a
scikit-learn traceback, and trains nothing."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pandas as pd
from retrain_helpers import write_config

from axpoc.steps import demo_frame

NEW_CLASS = "burn_mark"


def _frames(folder: Path) -> tuple[Path, Path]:
    train = demo_frame("injection_molding", rows=600, defect_rate=0.15, drift=0.0, seed=1)
    new = demo_frame("injection_molding", rows=300, defect_rate=0.15, drift=0.5, seed=5)
    new["shot_id"] += 10_000_000
    new["timestamp"] += pd.Timedelta(days=30)
    new.loc[new.index[:25], "defect_type"] = NEW_CLASS
    paths = folder / "train.csv", folder / "new.csv"
    for frame, path in zip((train, new), paths, strict=True):
        frame.drop(columns=["cavity_pressure"]).to_csv(path, index=False)
    return paths


def test_new_class_in_new_data(tmp_path: Path, mlflow_db_template: Path, cli: Any) -> None:
    train, new = _frames(tmp_path)
    config = write_config(
        tmp_path,
        {
            "data": {"path": str(train)},
            "target": {"column": "defect_type", "task": "multiclass"},
            "columns.exclude": ["defect", "lot"],
            "candidates": ["logistic"],
            "kpi": {"primary": "macro_f1", "gates": {"macro_f1": ">= 0.1"}},
            "retrain.per_product": False,
            "split.method": "stratified",  # every fold sees the rare classes
        },
    )
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(mlflow_db_template, project / "mlflow.db")
    run = cli("run", config, "--project-dir", project, "--json")
    assert run.code == 0 and run.json()["alias"] == "champion", run.stderr

    drift = cli("drift", config, "--data", new, "--project-dir", project, "--json")
    assert drift.code == 0, drift.stderr
    checked = drift.json()
    note = next(n for n in checked["notes"] if NEW_CLASS in n)
    assert "'defect_type'" in note and f"'{NEW_CLASS}' (25 rows)" in note and "axpoc run" in note
    html = Path(checked["report_path"]).read_text(encoding="utf-8")  # the config's language is Korean
    assert "새 데이터의 &#39;defect_type&#39; 열에 챔피언이 학습한 적 없는 클래스가 있습니다" in html
    assert "the champion was never trained on" not in html
    assert checked["n_new"] == 300 and checked["drifted"]  # every row's features are still checked
    assert 0.0 <= checked["champion_kpis_on_new"]["macro_f1"] <= 1.0  # on the 275 rows of known classes

    retrain = cli("retrain", config, "--data", new, "--project-dir", project, "--json")
    assert retrain.code == 2 and "Traceback" not in retrain.stderr
    error = retrain.json()  # --json: the failure as {"ok": false, "error": {...}} on stdout
    assert error["ok"] is False and error["error"]["exit_code"] == 2
    assert f"'{NEW_CLASS}' (25 rows)" in error["error"]["message"]
    message = " ".join(retrain.stderr.split())
    assert "column 'defect_type'" in message and f"'{NEW_CLASS}' (25 rows)" in message
    assert "'flash', 'none', 'short_shot', 'sink_mark'" in message and "run 'axpoc run CONFIG'" in message
    models = cli("models", config, "--project-dir", project, "--json")
    assert [v["version"] for v in models.json()["versions"]] == ["1"]  # nothing was trained or registered
