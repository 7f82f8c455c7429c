"""``axpoc outcomes`` refuses results the model does not know (``ng``, ``불량``, ``?``): only the exact defect
class counts as a defect, so such a row would pass as a good part and skew every realised KPI.

Model-free: a constructed scored file as predict writes it (its ``prediction`` column holds the labels the model
gives) and a small outcome file; the champion's own classes are checked in tests/field/test_outcomes.py.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml


@pytest.fixture
def line(tmp_path: Path) -> Path:
    """A field config, six scored parts and nothing recorded yet."""
    config = {
        "project": {"name": "labels", "dir": str(tmp_path / "project")},
        "data": {"path": "unused.csv"},
        "target": {"column": "defect", "task": "binary", "positive_class": 1},
        "columns": {"id": "part_id", "time": "made_at"},
        "field": {"deployed": "2026-01-05"},
    }
    (tmp_path / "poc.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    ids = [f"P{i}" for i in range(6)]
    pd.DataFrame(
        {
            "part_id": ids,
            "made_at": "2026-01-06 08:00",
            "score": [0.9, 0.1, 0.2, 0.8, 0.1, 0.3],
            "prediction": [1, 0, 0, 1, 0, 0],
            "decision": [True, False, False, True, False, False],
            "scored_at": "2026-01-06 09:00",
        }
    ).to_csv(tmp_path / "scored.csv", index=False)
    return tmp_path


def _outcomes(folder: Path, labels: list[object]) -> Path:
    path = folder / "results.csv"
    pd.DataFrame({"part_id": [f"P{i}" for i in range(len(labels))], "defect": labels}).to_csv(
        path, index=False
    )
    return path


def test_a_result_the_model_does_not_know_rejects_the_file(line: Path, cli) -> None:
    data = _outcomes(line, [1, "ng", 0, "불량", "?", "ng"])
    result = cli("outcomes", line / "poc.yaml", "--data", data, "--scores", line / "scored.csv", "--json")
    assert result.code == 1, result.stderr
    error = result.json()["error"]
    message = error["message"]
    assert error["code"] == "data_rejected" and "Traceback" not in result.stderr
    assert str(data) in message and "'defect'" in message
    assert "'ng' (2)" in message and "'불량' (1)" in message and "'?' (1)" in message
    assert "행 2, 4, 5, 6" in message and "'0', '1' 뿐" in message and "모델이 모르는 값" in message
    assert not (line / "project" / "field" / "outcomes.parquet").exists()  # nothing of the file recorded
    plain = cli("outcomes", line / "poc.yaml", "--data", data, "--scores", line / "scored.csv")
    assert plain.code == 1 and "내보내기에서 결과를" in plain.stderr and "Traceback" not in plain.stderr


def test_known_and_empty_results_are_recorded(line: Path, cli) -> None:
    """An empty result is a result not yet known (a partial row), as before."""
    data = _outcomes(line, [1, 0, 0, 1.0, None, 0])
    result = cli("outcomes", line / "poc.yaml", "--data", data, "--scores", line / "scored.csv", "--json")
    assert result.code == 0, result.stderr
    assert result.json()["field"] == 6 and result.json()["partial"] == 1
