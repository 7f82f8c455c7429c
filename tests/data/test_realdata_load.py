"""Every real data set in AXPOC_DATA_DIR loads with its published shape through load_data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from axpoc.config import config_from_dict
from axpoc.data._roles import SOURCE_COLUMN
from axpoc.data._source import LoadedData, load_data

pytestmark = pytest.mark.realdata

CNC_LABELS = {"path": "cnc_mill_tool_wear/train.csv", "key": "No", "file_key_regex": r"experiment_(\d+)"}
CNC_LOGS = "cnc_mill_tool_wear/experiment_*.csv.gz"


def _load(data_dir: Path, data: dict[str, Any], target: str) -> LoadedData:
    raw = {"project": {"name": "realdata"}, "data": data, "target": {"column": target}}
    loaded = load_data(config_from_dict(raw, base_dir=data_dir))
    assert loaded.dirty.counts() == {}  # these files are clean: any rule firing is a bug
    return loaded


def test_ai4i_bom_handled(data_dir: Path) -> None:
    loaded = _load(data_dir, {"path": "ai4i2020/ai4i2020.csv"}, "Machine failure")
    frame = loaded.frame
    assert frame.shape == (10_000, 14)
    assert frame.columns[0] == "UDI"
    assert loaded.infos[0].encoding == "utf-8-sig"
    assert int(frame["Machine failure"].sum()) == 339
    assert frame["Type"].value_counts().to_dict() == {"L": 6000, "M": 2997, "H": 1003}


def test_lens_semicolons(data_dir: Path) -> None:
    loaded = _load(data_dir, {"path": "injection_molding_lens_quality/data.csv"}, "quality")
    assert loaded.frame.shape == (1451, 14)
    assert loaded.infos[0].separator == ";"
    assert loaded.frame["quality"].value_counts().sort_index().tolist() == [370, 406, 310, 365]
    assert all(dtype == np.float64 for dtype in loaded.frame.dtypes)


def test_turning_mojibake_header_kept(data_dir: Path) -> None:
    loaded = _load(data_dir, {"path": "cnc_turning_surface_roughness_12L14/data.csv"}, "Ra")
    frame = loaded.frame
    assert frame.shape == (2448, 13)
    assert "Ï•" in frame.columns
    assert frame["Ï•"].value_counts().to_dict() == {"D30": 1224, "D50": 1224}
    assert frame["Ra"].between(0.11, 20.3).all()


def test_cnc_rows_labelled_by_experiment(data_dir: Path) -> None:
    loaded = _load(data_dir, {"path": CNC_LOGS, "labels": CNC_LABELS}, "tool_condition")
    frame = loaded.frame
    assert frame.shape == (25_286, 48 + 1 + 7)
    assert frame[SOURCE_COLUMN].nunique() == 18
    assert frame["No"].nunique() == 18 and not frame["tool_condition"].isna().any()
    per_experiment = frame.groupby("No").size()
    assert (per_experiment.min(), per_experiment.max(), per_experiment[1]) == (462, 2332, 1055)
    worn = frame.drop_duplicates("No")["tool_condition"].value_counts().to_dict()
    assert worn == {"worn": 10, "unworn": 8}


def test_cnc_per_experiment_curves(data_dir: Path) -> None:
    data = {"path": CNC_LOGS, "labels": CNC_LABELS, "curves": {"format": "per_file"}}
    loaded = _load(data_dir, data, "tool_condition")
    frame = loaded.frame
    assert len(frame) == 18
    channels = [c for c in frame.columns if c.startswith(("X1_", "Y1_", "Z1_", "S1_", "M1_"))]
    assert len(channels) == 47
    assert [len(a) for a in frame["S1_OutputCurrent"]][:5] == [1055, 1668, 1521, 532, 462]
    assert sum(len(a) for a in frame["X1_ActualPosition"]) == 25_286
    assert frame["tool_condition"].value_counts().to_dict() == {"worn": 10, "unworn": 8}
    assert "Machining_Process" not in frame.columns
    again = _load(data_dir, data, "tool_condition")
    assert again.digest == loaded.digest
