"""load_data: a config's data section (files, database, demo, labels, curves) into one frame."""

from __future__ import annotations

import importlib.util
import sqlite3
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from axpoc.config import PocConfig, config_from_dict
from axpoc.data._roles import SOURCE_COLUMN
from axpoc.data._source import frame_digest, load_data
from axpoc.errors import UserError


def _config(tmp_path: Path, data: dict[str, Any], target: str = "불량여부", **extra: Any) -> PocConfig:
    raw = {"project": {"name": "poc-test"}, "data": data, "target": {"column": target}, **extra}
    return config_from_dict(raw, base_dir=tmp_path)


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


SHOTS = (
    "일시,금형온도,사출압력,불량여부\n"
    "2024-03-05 오전 9:00:00,180.5,<0.5,0\n"
    "2024-03-05 오후 1:30:00,N/A,96.1,1\n"
    "2024-03-05 오후 2:13:05,179.8,158(Hv30),0\n"
)


def test_csv_with_dirty_numbers_and_korean_time(tmp_path: Path) -> None:
    _write(tmp_path / "data" / "shots.csv", SHOTS, "cp949")
    config = _config(tmp_path, {"path": "data/shots.csv"}, columns={"time": "일시"})
    loaded = load_data(config)
    frame = loaded.frame
    assert list(frame.columns) == ["일시", "금형온도", "사출압력", "불량여부"]
    assert frame["일시"].dt.hour.tolist() == [9, 13, 14]
    assert frame["사출압력"].tolist() == [0.5, 96.1, 158.0]
    assert frame["금형온도"].isna().tolist() == [False, True, False]
    counts = {name: (c.censored, c.annotated, c.missing_tokens) for name, c in loaded.dirty.columns.items()}
    assert counts == {"금형온도": (0, 0, 1), "사출압력": (1, 1, 0)}
    assert loaded.infos[0].encoding == "cp949" and loaded.source_label == "data/shots.csv"
    assert "shots.csv: encoding cp949 detected" in loaded.notes
    assert "shots.csv: 인코딩 cp949 감지" in [note.text("ko") for note in loaded.notes]
    assert len(loaded.digest) == 64


def test_digest_is_stable_and_follows_content(tmp_path: Path) -> None:
    _write(tmp_path / "a.csv", SHOTS)
    _write(tmp_path / "b.csv", SHOTS.replace("179.8", "179.9"))
    first = load_data(_config(tmp_path, {"path": "a.csv"}))
    again = load_data(_config(tmp_path, {"path": "a.csv"}))
    other = load_data(_config(tmp_path, {"path": "a.csv"}), path=tmp_path / "b.csv")
    assert first.digest == again.digest
    assert other.digest != first.digest
    assert other.source_label.endswith("b.csv")


def test_header_only_file_has_no_rows(tmp_path: Path) -> None:
    _write(tmp_path / "h.csv", "a,불량여부\n")
    with pytest.raises(UserError, match=r"h\.csv: no data rows were read"):
        load_data(_config(tmp_path, {"path": "h.csv"}))


def test_workbook_whose_first_sheet_lacks_the_target_names_the_sheet_that_has_it(tmp_path: Path) -> None:
    import pandas as pd

    with pd.ExcelWriter(tmp_path / "book.xlsx", engine="openpyxl") as writer:
        pd.DataFrame({"품명": ["A"], "NG수": [3]}).to_excel(writer, sheet_name="요약", index=False)
        pd.DataFrame({"온도": [1.0, 2.0], "불량여부": [0, 1]}).to_excel(writer, sheet_name="샷", index=False)
    with pytest.raises(
        UserError,
        match=r"sheet '요약' \(the first of 2: '요약', '샷'\) has no column '불량여부'; sheet '샷' has it",
    ):
        load_data(_config(tmp_path, {"path": "book.xlsx"}))
    loaded = load_data(_config(tmp_path, {"path": "book.xlsx", "read": {"sheet": "샷"}}))
    assert loaded.frame["불량여부"].tolist() == [0, 1]


def test_missing_data_file_names_the_path(tmp_path: Path) -> None:
    _write(tmp_path / "shots_2024.csv", SHOTS)
    with pytest.raises(UserError, match=r"File not found: .*shot_2024\.csv\. Did you mean 'shots_2024\.csv'"):
        load_data(_config(tmp_path, {"path": "shot_2024.csv"}))


def test_labels_joined_by_key_column(tmp_path: Path) -> None:
    _write(tmp_path / "x.csv", "lot,온도\nL1,1\nL2,2\nL1,3\nL9,4\n")
    _write(tmp_path / "y.csv", "lot,불량여부\nL1,0\nL2,1\nL3,0\n")
    loaded = load_data(_config(tmp_path, {"path": "x.csv", "labels": {"path": "y.csv", "key": "lot"}}))
    frame = loaded.frame
    assert frame["온도"].tolist() == [1, 2, 3, 4]
    assert frame["불량여부"].tolist()[:3] == [0, 1, 0] and np.isnan(frame["불량여부"].iloc[3])
    assert "data.labels: 1 rows have no match for 'lot' (L9)" in loaded.notes
    assert "data.labels: 1 keys have no data rows (L3)" in loaded.notes


def test_labels_with_repeated_keys_are_an_error(tmp_path: Path) -> None:
    _write(tmp_path / "x.csv", "lot,온도\nL1,1\n")
    _write(tmp_path / "y.csv", "lot,불량여부\nL1,0\nL1,1\n")
    with pytest.raises(UserError, match=r"data.labels: key 'lot' repeats in the joined table: L1"):
        load_data(_config(tmp_path, {"path": "x.csv", "labels": {"path": "y.csv", "key": "lot"}}))


def _experiments(tmp_path: Path, numbers: tuple[int, ...] = (1, 2)) -> None:
    for n in numbers:
        rows = "".join(f"{t},{n * 10 + t},{t * 0.5},{'Prep' if t == 0 else 'Cut'}\n" for t in range(3))
        _write(tmp_path / "cnc" / f"experiment_{n:02d}.csv", "t,current,power,stage\n" + rows)
    _write(tmp_path / "cnc" / "train.csv", "No,feedrate,tool_condition\n1,6,unworn\n2,20,worn\n3,12,worn\n")


LABELS = {"path": "cnc/train.csv", "key": "No", "file_key_regex": r"experiment_(\d+)"}


def test_labels_keyed_by_file_name_give_per_row_labels(tmp_path: Path) -> None:
    _experiments(tmp_path)
    config = _config(tmp_path, {"path": "cnc/experiment_*.csv", "labels": LABELS}, target="tool_condition")
    loaded = load_data(config)
    frame = loaded.frame
    assert frame.shape == (6, 8)
    assert frame["No"].tolist() == [1, 1, 1, 2, 2, 2]
    assert frame["tool_condition"].tolist() == ["unworn"] * 3 + ["worn"] * 3
    assert frame[SOURCE_COLUMN].iloc[3] == "experiment_02.csv"
    assert "data.labels: 1 keys have no data rows (3)" in loaded.notes
    assert len(loaded.infos) == 3  # two data files and the label table


def test_file_key_regex_needs_file_names(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "mes.db") as db:
        db.execute("CREATE TABLE shots (v REAL)")
        db.execute("INSERT INTO shots VALUES (1.5)")
    _write(tmp_path / "cnc" / "train.csv", "No,tool_condition\n1,worn\n")
    data = {"url": f"sqlite:///{tmp_path / 'mes.db'}", "query": "shots", "labels": LABELS}
    with pytest.raises(UserError, match=r"file_key_regex takes keys from data file names"):
        load_data(_config(tmp_path, data, target="tool_condition"))


def test_file_key_regex_must_match_every_file(tmp_path: Path) -> None:
    _experiments(tmp_path)
    _write(tmp_path / "cnc" / "extra_run.csv", "t,current,power,stage\n0,1,2,Prep\n")
    config = _config(tmp_path, {"path": "cnc/*_*.csv", "labels": LABELS}, target="tool_condition")
    with pytest.raises(
        UserError, match=r"'experiment_\(\\d\+\)' does not match the data file name 'extra_run\.csv'"
    ):
        load_data(config)


def test_per_file_curves_with_labels(tmp_path: Path) -> None:
    _experiments(tmp_path)
    data = {"path": "cnc/experiment_*.csv", "labels": LABELS, "curves": {"format": "per_file", "index": "t"}}
    loaded = load_data(_config(tmp_path, data, target="tool_condition"))
    frame = loaded.frame
    assert frame.shape == (2, 7)
    assert frame["current"].iloc[1].tolist() == [20.0, 21.0, 22.0]
    assert frame["power"].iloc[0].dtype == np.float64
    assert frame["tool_condition"].tolist() == ["unworn", "worn"]
    assert "stage" not in frame.columns and "t" not in frame.columns
    assert any("dropped stage: they vary within a cycle" in note for note in loaded.notes)


def test_per_file_curves_from_their_own_glob_join_the_cycle_table(tmp_path: Path) -> None:
    _experiments(tmp_path)
    curves = {"format": "per_file", "path": "cnc/experiment_*.csv", "file_key_regex": r"experiment_(\d+)"}
    data = {"path": "cnc/train.csv", "curves": {**curves, "cycle": "No", "channels": ["current"]}}
    loaded = load_data(_config(tmp_path, data, target="tool_condition"))
    frame = loaded.frame
    assert list(frame.columns) == ["No", "feedrate", "tool_condition", SOURCE_COLUMN, "current"]
    assert frame["current"].iloc[0].tolist() == [10.0, 11.0, 12.0]
    assert frame["current"].iloc[2] is None or np.isnan(frame["current"].iloc[2])
    assert "data.curves: 1 rows have no match for 'No' (3)" in loaded.notes


LONG = "cycle_id,t,channel,value\n" + "".join(
    f"{c},{t},{ch},{c * 100 + t + (0.5 if ch == '압력' else 0)}\n"
    for c in (7, 8)
    for t in (2, 0, 1)  # out of order on purpose
    for ch in ("압력", "온도")
)


def test_long_curves_one_row_per_cycle_ordered_by_index(tmp_path: Path) -> None:
    _write(tmp_path / "long.csv", LONG)
    _write(tmp_path / "cycles.csv", "cycle_id,불량여부\n7,0\n8,1\n")
    curves = {"format": "long", "path": "long.csv", "index": "t"}
    loaded = load_data(_config(tmp_path, {"path": "cycles.csv", "curves": curves}))
    frame = loaded.frame
    assert list(frame.columns) == ["cycle_id", "불량여부", "압력", "온도"]
    assert frame["압력"].iloc[1].tolist() == [800.5, 801.5, 802.5]
    assert frame["온도"].iloc[0].tolist() == [700.0, 701.0, 702.0]
    assert "curves: 2 cycles x 2 channels (long)" in loaded.notes


def test_curve_digest_sees_array_values(tmp_path: Path) -> None:
    _write(tmp_path / "long.csv", LONG)
    _write(tmp_path / "cycles.csv", "cycle_id,불량여부\n7,0\n8,1\n")
    config = _config(tmp_path, {"path": "cycles.csv", "curves": {"path": "long.csv", "index": "t"}})
    loaded = load_data(config)
    changed = loaded.frame.copy()
    changed.at[1, "압력"] = changed.at[1, "압력"] + 1e-9
    assert frame_digest(changed) != loaded.digest
    assert frame_digest(loaded.frame.copy()) == loaded.digest


def test_long_table_as_the_data_itself_and_unknown_channel(tmp_path: Path) -> None:
    rows = LONG.splitlines()
    text = rows[0] + ",불량여부\n" + "".join(f"{r},{r.split(',')[0] == '8'}\n" for r in rows[1:])
    _write(tmp_path / "long.csv", text)
    loaded = load_data(
        _config(tmp_path, {"path": "long.csv", "curves": {"index": "t", "channels": ["온도"]}})
    )
    assert list(loaded.frame.columns) == ["cycle_id", "불량여부", "온도"]
    assert loaded.frame["불량여부"].tolist() == [False, True]
    with pytest.raises(
        UserError, match=r"data.curves.channels: 유량 not in the data; channels there: 압력, 온도"
    ):
        load_data(_config(tmp_path, {"path": "long.csv", "curves": {"channels": ["유량"]}}))


def test_sqlite_source_by_table_name(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "mes.db") as db:
        db.execute('CREATE TABLE shots ("금형온도" TEXT, "불량여부" INTEGER)')
        db.executemany("INSERT INTO shots VALUES (?, ?)", [("180.5", 0), ("<0.5", 1), ("181", 0)])
    config = _config(tmp_path, {"url": f"sqlite:///{tmp_path / 'mes.db'}", "query": "shots"})
    loaded = load_data(config)
    assert "numeric column '금형온도': 1 censored read as the limit ('<0.01' -> 0.01)" in loaded.notes
    assert loaded.frame["금형온도"].tolist() == [180.5, 0.5, 181.0]
    assert loaded.source_label.endswith("mes.db :: shots")


@pytest.mark.skipif(
    importlib.util.find_spec("pipelines.injection_molding") is None,
    reason="pipelines/injection_molding.py (the demo generator) is not written yet",
)
def test_demo_source_from_the_process_module(tmp_path: Path) -> None:
    demo = {"rows": 200, "defect_rate": 0.05, "seed": 3}
    raw = {"project": {"name": "demo-test"}, "process": "injection_molding", "data": {"demo": demo}}
    from axpoc.process import load_process

    target = load_process("injection_molding").target or "defect"
    config = config_from_dict({**raw, "target": {"column": target}}, base_dir=tmp_path)
    first, second = load_data(config), load_data(config)
    assert len(first.frame) == 200
    assert first.digest == second.digest
    assert first.source_label.startswith("demo:injection_molding(rows=200")
