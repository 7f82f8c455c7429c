"""The process demo generators' field period: baseline history, weekly parts, delayed outcomes, a drift week."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from axpoc.config import config_from_dict


@pytest.mark.parametrize("process", ["injection_molding", "press_forming", "cnc_machining"])
def test_each_process_has_a_field_period(process: str, tmp_path: Path) -> None:
    from axpoc.process import load_process
    from axpoc.steps import write_field_demo

    template = load_process(process)
    config = config_from_dict(
        {
            "project": {"name": "fd"},
            "process": process,
            "data": {"demo": {"rows": 300, "defect_rate": 0.05}},
            "target": {"column": template.target, "task": template.task},
            "field": {"deployed": "2024-03-25"},
        },
        base_dir=tmp_path,
    )
    written = write_field_demo(config, tmp_path / "fd", weeks=2, parts_per_day=50, drift_week=2)
    history = pd.read_csv(written["files"]["history"])
    week1 = pd.read_parquet(written["files"]["parts_week1"])
    outcomes = pd.read_csv(written["files"]["outcomes_week1"])
    key, time = template.roles["id"], template.roles["time"]
    assert (
        pd.to_datetime(history[time]).max() < pd.Timestamp("2024-03-25") <= pd.to_datetime(week1[time]).min()
    )
    assert template.target not in week1.columns and template.quality.name not in week1.columns
    assert {key, template.quality.name, "inspected_at"} <= set(outcomes.columns)
    assert week1[key].min() > history[key].max()
    lag = pd.to_datetime(outcomes["inspected_at"]) - pd.to_datetime(outcomes[time])
    assert (lag >= pd.Timedelta(days=1)).all()
    assert written["awaiting_outcomes"] > 0


def test_a_config_without_a_deployment_day_is_told_what_to_add(tmp_path: Path) -> None:
    from axpoc.errors import UserError
    from axpoc.steps import write_field_demo

    config = config_from_dict(
        {
            "project": {"name": "fd"},
            "process": "injection_molding",
            "data": {"demo": {"rows": 300}},
            "target": {"column": "defect"},
        },
        base_dir=tmp_path,
    )
    with pytest.raises(UserError, match=r"field\.deployed"):
        write_field_demo(config, tmp_path / "fd")
