"""MLflow dataset lineage names the file the rows came from, wherever the command was started."""

from __future__ import annotations

from pathlib import Path

import mlflow
import pandas as pd
import pytest

from axpoc import tracking
from axpoc.config import load_config
from axpoc.data import load_data


def test_a_config_relative_data_path_is_logged_as_the_real_absolute_path(
    tmp_path: Path, project_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "exports" / "parts.csv"
    data.parent.mkdir()
    pd.DataFrame({"temp": [float(i) for i in range(30)], "ng": [0, 1, 0] * 10}).to_csv(data, index=False)
    configs = tmp_path / "configs"
    configs.mkdir()
    (configs / "poc.yaml").write_text(
        "project: {name: lineage}\ndata: {path: ../exports/parts.csv}\ntarget: {column: ng}\n",
        encoding="utf-8",
    )
    elsewhere = tmp_path / "somewhere" / "else"
    elsewhere.mkdir(parents=True)
    monkeypatch.chdir(elsewhere)  # the working folder is neither the config's nor the data's
    loaded = load_data(load_config(configs / "poc.yaml"))
    assert loaded.source_label == "../exports/parts.csv"
    assert loaded.source_uri == data.resolve().as_uri()
    store = tracking.open_store(project_name="lineage", project_dir=project_dir)
    with tracking.parent_run(store, run_name="lineage") as run:
        tracking.log_dataset(
            loaded.frame,
            name="lineage",
            digest=loaded.digest,
            source=loaded.source_uri,
            target="ng",
            context="training",
        )
        tracking.log_dataset(
            loaded.frame, name="relative", digest="0" * 36, source="../x.csv", target="ng", context="new"
        )
    inputs = {i.dataset.name: i.dataset for i in mlflow.get_run(run.info.run_id).inputs.dataset_inputs}
    assert str(data.resolve()) in inputs["lineage"].source
    assert "somewhere" not in inputs["lineage"].source
    assert "x.csv" not in inputs["relative"].source  # never resolved against the working folder
