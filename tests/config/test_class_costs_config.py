"""kpi.costs.class_costs: a multiclass cost matrix; on a binary target or with a negative cost it is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from axpoc.config import load_config
from axpoc.errors import ConfigError

MATRIX = {"ok": {"crack": 800}, "crack": {"ok": 60000}}


def _load(tmp_path: Path, target: dict, class_costs: dict):
    raw = {
        "project": {"name": "matrix_cfg"},
        "data": {"demo": {"rows": 100}},
        "target": target,
        "kpi": {"costs": {"class_costs": class_costs}},
    }
    path = tmp_path / "poc.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return load_config(path)


def test_multiclass_matrix_loads(tmp_path: Path) -> None:
    config = _load(tmp_path, {"column": "defect_type", "task": "multiclass"}, MATRIX)
    assert config.kpi.costs.class_costs == {"ok": {"crack": 800.0}, "crack": {"ok": 60000.0}}


def test_matrix_on_a_binary_target_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        _load(tmp_path, {"column": "defect"}, MATRIX)
    assert "kpi.costs.class_costs" in err.value.message and "multiclass" in err.value.message


def test_negative_cost_names_the_pair(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        _load(tmp_path, {"column": "defect_type", "task": "multiclass"}, {"ok": {"crack": -1}})
    assert "kpi.costs.class_costs.ok.crack" in err.value.message
