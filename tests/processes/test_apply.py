"""A process template applied to a plant's own column names: columns.map, range warnings, outcome columns,
and pair rules for physically impossible rows."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from axpoc.config import ColumnsConfig, config_from_dict, load_config
from axpoc.data import mapped_columns, template_expectations, template_label_columns
from axpoc.errors import ConfigError, UserError
from axpoc.process import load_process
from axpoc.steps._prepare import prepare
from axpoc.steps._validate import build_and_check

KOREAN = {
    "shot_id": "샷번호",
    "timestamp": "일시",
    "lot": "로트",
    "mold_temp_c": "금형온도",
    "melt_temp_c": "수지온도",
    "injection_pressure_bar": "사출압력",
    "holding_pressure_bar": "보압",
    "defect": "불량",
    "defect_type": "불량유형",
}
MAP = {
    "mold_temp_c": "금형온도",
    "melt_temp_c": "수지온도",
    "injection_pressure_bar": "사출압력",
    "defect_type": "불량유형",
}
TOO_HOT = [10, 20, 30]  # rows whose mold temperature is beyond the template's plausible 10..130 °C


def _config_text(columns: str, *, process: str = "injection_molding") -> str:
    return (
        "project: {name: hanil_mold}\n"
        f"process: {process}\n"
        "data: {path: 사출_실적.csv}\n"
        "target: {column: 불량, task: binary, positive_class: 1}\n"
        f"columns: {{id: 샷번호, time: 일시, group: 로트{columns}}}\n"
    )


@pytest.fixture
def plant(tmp_path: Path) -> Path:
    """A CP949 export with Korean names (holding pressure unmapped) and a PoC config mapping the template."""
    frame = load_process("injection_molding").generate(rows=300, defect_rate=0.05, drift=0.0, seed=4)
    frame = frame[list(KOREAN)].rename(columns=KOREAN)
    frame.loc[TOO_HOT, "금형온도"] = 180.0
    frame.to_csv(tmp_path / "사출_실적.csv", index=False, encoding="cp949")
    mapping = ", ".join(f"{k}: {v}" for k, v in MAP.items())
    config = tmp_path / "poc.yaml"
    config.write_text(_config_text(f", map: {{{mapping}}}"), encoding="utf-8")
    return config


def _results(payload: dict) -> dict[str, dict]:
    return {r["name"]: r for r in payload["results"]["results"]}


def test_template_ranges_warn_under_the_plants_own_names(cli, plant: Path, project_dir: Path) -> None:
    checked = cli("validate", plant, "--project-dir", project_dir, "--json")
    assert checked.code == 0, checked.stderr
    payload = checked.json()
    assert payload["ok"] is True and payload["rows"] == 300
    results = _results(payload)
    mold = results["between:금형온도@template"]
    assert (mold["severity"], mold["success"], mold["failing_count"]) == ("warning", False, 3)
    assert mold["sample_values"] == [180.0]
    contract = json.loads(Path(payload["contract"]).read_text(encoding="utf-8"))
    rule = next(
        e for e in contract["expectations"] if e["column"] == "금형온도" and e["source"] == "template"
    )
    assert (rule["min"], rule["max"]) == (10, 130) and "'mold_temp_c' (Mold temperature °C)" in rule["note"]
    assert results["between:수지온도@template"]["success"] is True
    assert results["between:사출압력@template"]["success"] is True
    # An unmapped column is a plain feature: inferred rules only, no template range.
    assert "between:보압@template" not in results and "between:보압@inferred" in results
    # The outcome column is out of the contract, as it is out of the features.
    assert not any(r["column"] == "불량유형" for r in results.values())


def test_outcome_columns_are_left_out_of_the_features_with_a_note(plant: Path) -> None:
    prepared = prepare(load_config(plant))
    assert "불량유형" not in prepared.roles.features
    assert {"금형온도", "수지온도", "사출압력", "보압"} <= set(prepared.roles.features)
    assert any(
        note.startswith("불량유형: outcome columns of the 'injection_molding' template")
        for note in prepared.notes
    )


def test_a_listed_outcome_column_stays_a_feature_when_included(plant: Path) -> None:
    config = load_config(plant)
    columns = config.columns.model_copy(update={"include": ["금형온도", "불량유형"]})
    prepared = prepare(config.model_copy(update={"columns": columns}))
    assert prepared.roles.features == ["금형온도", "불량유형"]
    assert not any("outcome columns" in note for note in prepared.notes)


def test_declared_limits_replace_the_template_range(plant: Path) -> None:
    config = load_config(plant)
    frame = pd.read_csv(plant.parent / "사출_실적.csv", encoding="cp949")
    columns = config.columns.model_copy(update={"limits": {"금형온도": {"min": 0, "max": 200}}})
    config = config.model_copy(update={"columns": columns})
    names = [e.name for e in template_expectations(config, load_process(config.process), frame)]
    assert "between:금형온도@template" not in names and "between:수지온도@template" in names
    assert template_label_columns(config, load_process(config.process), frame) == ["불량유형"]


@pytest.mark.parametrize(
    ("columns", "error", "fragments"),
    [
        (
            ", map: {mold_temp: 금형온도}",
            ConfigError,
            ["columns.map.mold_temp", "Did you mean 'mold_temp_c'?", "cushion_mm"],
        ),
        (
            ", map: {mold_temp_c: 금형 온도}",
            UserError,
            ["columns.map.mold_temp_c", "'금형 온도' is not in the data", "'금형온도'"],
        ),
        (
            ", map: {mold_temp_c: 금형온도, melt_temp_c: 금형온도}",
            ConfigError,
            ["both map to the column '금형온도'"],
        ),
    ],
)
def test_bad_maps_name_the_key_and_the_fix(
    plant: Path, columns: str, error: type[Exception], fragments: list[str]
) -> None:
    plant.write_text(_config_text(columns), encoding="utf-8")
    with pytest.raises(error) as raised:
        prepare(load_config(plant))
    for fragment in fragments:
        assert fragment in str(raised.value)


def test_a_mapped_column_is_not_taken_again_under_its_own_name() -> None:
    """A plant whose 'mold_temp_c' column holds the melt temperature maps it; mold temperature is then absent."""
    frame = pd.DataFrame({"mold_temp_c": [231.0, 229.5], "defect": [0, 1]})
    raw = {"project": {"name": "own_names"}, "process": "injection_molding", "data": {"path": "x.csv"}}
    raw |= {"target": {"column": "defect"}, "columns": {"map": {"melt_temp_c": "mold_temp_c"}}}
    config = config_from_dict(raw)
    assert mapped_columns(config, load_process("injection_molding"), frame) == {
        "melt_temp_c": "mold_temp_c",
        "defect": "defect",
    }


def test_a_map_needs_a_process_template(cli, plant: Path) -> None:
    plant.write_text(_config_text(", map: {mold_temp_c: 금형온도}", process="generic"), encoding="utf-8")
    result = cli("validate", plant, "--json")
    assert result.code == 2 and "Traceback" not in result.stderr
    assert (
        "columns.map.mold_temp_c" in result.stderr and "process 'generic' has no canonical" in result.stderr
    )


def test_pair_rules_parse_both_directions_and_name_a_bad_item() -> None:
    assert ColumnsConfig(pair_rules=["Rq <= Rt", "Process temperature [K] >= Air temperature [K]"]).pairs == [
        ("Rq", "Rt"),
        ("Air temperature [K]", "Process temperature [K]"),
    ]
    for bad in ("Rq < Rt", "Rq <= Rq", "Ra <= Rq <= Rt", "Rq", "Rq <= "):
        raw = {"project": {"name": "pairs"}, "data": {"path": "x.csv"}, "target": {"column": "Ra"}}
        raw["columns"] = {"pair_rules": ["Ra <= Rz", bad]}
        with pytest.raises(ConfigError, match=re.escape("columns.pair_rules[1]")):
            config_from_dict(raw)


def test_pair_rules_warn_for_impossible_rows_and_never_block() -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"f": rng.uniform(0.08, 0.12, 60), "Rq": rng.uniform(1, 2, 60), "Ra": rng.uniform(1, 2, 60)}
    )
    frame["Rt"] = frame["Rq"] * 4
    frame.loc[[3, 7], "Rq"] = 157.0
    raw = {
        "project": {"name": "pairs"},
        "data": {"path": "x.csv"},
        "target": {"column": "Ra", "task": "regression"},
        "columns": {"exclude": ["Rq", "Rt"], "pair_rules": ["Rq <= Rt"]},
    }
    _, report = build_and_check(config_from_dict(raw), frame)
    pair = report.result("column_pair_order:Rq<=Rt@config")
    assert (pair.severity, pair.success, pair.failing_count) == ("warning", False, 2)
    assert report.ok and [w.name for w in report.warnings] == [pair.name]
    raw["columns"]["pair_rules"] = ["Rq <= Rmax"]
    with pytest.raises(UserError, match=re.escape("columns.pair_rules[0]: column 'Rmax' is not in the data")):
        build_and_check(config_from_dict(raw), frame)
