"""The data-readiness profile: summary numbers, duplicates, problems and leakage suspects."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from rich.console import Console

from axpoc.config import config_from_dict
from axpoc.data._profile import data_problems, profile
from axpoc.errors import UserError


def make_config(target: str = "y", task: str = "binary", **columns):
    return config_from_dict(
        {
            "project": {"name": "profile-test"},
            "data": {"path": "x.csv"},
            "target": {"column": target, "task": task},
            "columns": columns,
        }
    )


def test_time_span_and_sampling_regularity():
    times = pd.date_range("2024-05-01 08:00", periods=100, freq="min").to_series(index=range(100))
    times[50:] += pd.Timedelta(minutes=9)  # one 10-minute gap
    frame = pd.DataFrame({"ts": times, "x": np.arange(100.0), "y": np.arange(100) % 2})
    frame.loc[[10, 11], "ts"] = frame.loc[[11, 10], "ts"].to_numpy()  # two rows swapped
    summary = profile(frame, make_config(time="ts")).time
    assert summary is not None
    assert summary.start == "2024-05-01 08:00:00"
    assert summary.end == "2024-05-01 09:48:00"
    assert summary.span == "0 days 01:48:00"
    assert summary.median_step_s == 60.0
    assert summary.iqr_step_s == 0.0
    assert summary.gap_share == pytest.approx(1 / 99)
    assert summary.out_of_order_share == pytest.approx(1 / 99)
    assert summary.unparsed == 0


def test_time_given_as_text_is_parsed():
    frame = pd.DataFrame(
        {
            "ts": ["2024-01-01 00:00:00", "2024-01-01 00:00:10", "garbage", "2024-01-01 00:00:20"],
            "y": [0, 1, 0, 1],
        }
    )
    frame["x"] = 1.0
    summary = profile(frame, make_config(time="ts")).time
    assert (summary.median_step_s, summary.unparsed) == (10.0, 1)


def test_label_missing_constant_and_duplicates():
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {
            "serial": np.arange(60),
            "a": rng.normal(size=60),
            "const": 7,
            "m": np.where(np.arange(60) % 4 == 0, np.nan, 1.0),
            "y": np.r_[np.ones(6, dtype=int), np.zeros(54, dtype=int)],
        }
    )
    frame["a_copy"] = frame["a"]
    frame.loc[[20, 21, 22], ["a", "a_copy", "m"]] = frame.loc[19, ["a", "a_copy", "m"]].to_numpy()
    frame.loc[40, "serial"] = 41
    result = profile(frame, make_config(id="serial"))
    assert result.n_rows == 60 and result.n_columns == 6
    assert result.label == {"counts": {"0": 54, "1": 6}, "shares": {"0": 0.9, "1": 0.1}}
    assert result.missing_share["m"] == round(14 / 60, 6)  # every 4th row, less row 20 (now a copy of 19)
    assert result.missing_share["a"] == 0.0
    assert result.constant_columns == ["const"]
    assert result.duplicate_columns == [["a", "a_copy"]]
    assert result.duplicate_rows == 3  # rows 20..22 repeat row 19 (the id is not compared)
    assert (result.duplicate_ids, result.duplicate_id_values) == (2, [41])


def test_features_with_one_value_per_group_are_listed_when_a_group_column_is_set():
    rng = np.random.default_rng(2)
    tool = np.repeat(["T1", "T2", "T3", "T4"], 10)
    frame = pd.DataFrame(
        {
            "공구": tool,
            "이송속도": np.repeat([3.0, 6.0, 6.0, 20.0], 10),
            "부하": rng.normal(size=40),
            "y": np.repeat([0, 1, 0, 1], 10),
        }
    )
    grouped = profile(frame, make_config(group="공구"))
    assert grouped.group_level_columns == ["이송속도"]
    assert profile(frame, make_config()).group_level_columns == []
    console = Console(record=True, width=200)
    console.print(grouped.to_table())
    text = console.export_text()
    assert "one value per group" in text and "이송속도" in text


def test_regression_label_is_described():
    frame = pd.DataFrame({"x": np.arange(50.0), "y": np.linspace(1.0, 2.0, 50)})
    label = profile(frame, make_config(task="regression")).label
    assert label["count"] == 50 and label["min"] == 1.0 and label["max"] == 2.0
    assert label["50%"] == pytest.approx(1.5)


def leakage_frame(n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    y = np.zeros(n, dtype=int)
    positives = rng.choice(n, 24, replace=False)
    y[positives] = 1
    flag_a = np.zeros(n, dtype=int)
    flag_a[positives[:10]] = 1
    flag_b = np.zeros(n, dtype=int)
    flag_b[positives[10:18]] = 1
    flag_c = np.zeros(n, dtype=int)
    flag_c[rng.choice(np.flatnonzero(y == 0), 6, replace=False)] = 1
    band = np.where(y == 1, rng.uniform(0.45, 0.55, n), rng.choice([0.1, 0.9], n) + rng.uniform(-0.1, 0.1, n))
    return pd.DataFrame(
        {
            "serial": rng.permutation(n) + 5000,
            "counter": np.arange(n),
            "barcode": [f"BC{i:06d}" for i in rng.permutation(n)],
            "temp": rng.normal(200, 5, n) + 2 * y,
            "leak": y + rng.normal(0, 0.05, n),
            "band": band,
            "noise": rng.normal(size=n),
            "stamp": pd.date_range("2024-01-01", periods=n, freq="h"),
            "stamp_text": pd.date_range("2024-01-01", periods=n, freq="h")
            .strftime("%Y-%m-%d %H:%M")
            .astype("str"),
            "검사결과": rng.normal(size=n),
            "inspection_value": rng.normal(size=n),
            "quality_class_prev": rng.integers(0, 3, n),
            "flag_a": flag_a,
            "flag_b": flag_b,
            "flag_c": flag_c,
            "quality_class": y,
        }
    )


def test_leakage_suspects_with_reasons():
    result = profile(leakage_frame(), make_config(target="quality_class"))
    reasons = {(s.column, s.kind): s.reason for s in result.leakage}
    assert result.leakage_columns("label") == ["leak", "band", "flag_a", "flag_b", "flag_c"]
    assert result.feature_scores["leak"] == 1.0
    assert result.feature_scores["band"] >= 0.95  # non-monotone: caught by the binned out-of-fold rate
    assert result.feature_scores["noise"] < 0.7
    assert reasons[("flag_a", "label")].startswith(
        "0/1 flag: 100% of its 10 positives have 'quality_class' = 1"
    )
    assert reasons[("flag_c", "label")].startswith(
        "0/1 flag in one block with the label-leak flags flag_a, flag_b"
    )
    assert result.leakage_columns("id") == ["serial", "counter", "barcode", "stamp_text"]
    assert reasons[("counter", "id")] == "increasing integer sequence (0..399): a row counter"
    assert reasons[("serial", "id")] == "integers unique in every one of 400 rows: an identifier"
    assert reasons[("barcode", "id")] == "text with 400 distinct values in 400 rows: an identifier"
    assert result.leakage_columns("timestamp") == ["stamp", "stamp_text"]
    assert result.leakage_columns("post_process") == ["검사결과", "inspection_value", "quality_class_prev"]
    assert "'검사'" in reasons[("검사결과", "post_process")]
    assert "'inspection'" in reasons[("inspection_value", "post_process")]
    assert "'quality_class'" in reasons[("quality_class_prev", "post_process")]
    assert not {"temp", "noise"} & set(result.leakage_columns())


def test_regression_leakage_by_rank_correlation():
    rng = np.random.default_rng(2)
    frame = pd.DataFrame({"x": rng.normal(size=300), "y": rng.normal(size=300)})
    frame["y_scaled"] = np.exp(frame["y"])  # monotone, not linear
    result = profile(frame, make_config(task="regression"))
    assert result.leakage_columns("label") == ["y_scaled"]
    assert result.feature_scores["y_scaled"] == 1.0
    assert result.feature_scores["x"] < 0.2


def test_multiclass_flag_of_a_rare_class_is_leakage():
    rng = np.random.default_rng(3)
    y = rng.choice(["ok", "burr", "short"], 500, p=[0.8, 0.1, 0.1])
    burr_seen = ((y == "burr") & (rng.uniform(size=500) < 0.7)).astype(int)
    frame = pd.DataFrame({"x": rng.normal(size=500), "burr_seen": burr_seen, "y": y})
    result = profile(frame, make_config(task="multiclass"))
    assert result.leakage_columns("label") == ["burr_seen"]
    assert "have 'y' = 'burr'" in result.leakage[0].reason


def test_data_problems_name_column_and_fix():
    frame = pd.DataFrame(
        {
            "id": [1, 2, 2, 3] * 10,
            "empty": np.nan,
            "press": ["1.5", "2.5", "N/A", "3.0"] + ["4.0"] * 36,
            "y": 1,
        }
    )
    problems = data_problems(frame, make_config(id="id"))
    assert problems == [
        "column 'empty' is empty (all 40 values missing); drop it or fix the export",
        "target 'y' has only one class (1 in all 40 labelled rows); a model needs examples of at least two classes",
        "columns.id 'id': 40 rows share an id with another row (e.g. 1, 2, 3); "
        "remove duplicated rows or choose another id column",
        "column 'press' holds numbers and text (e.g. 'N/A'); fix those cells, or list the markers in "
        "data.read.na_values",
    ]
    assert profile(frame, make_config(id="id")).problems == problems
    assert "target column 'y' is not in the data; fix target.column in the config" in data_problems(
        frame.drop(columns="y"), make_config()
    )


def test_profile_needs_the_target():
    with pytest.raises(UserError, match=r"target\.column: column 'label' is not in the data"):
        profile(pd.DataFrame({"x": [1.0, 2.0], "y": [0, 1]}), make_config(target="label"))


def test_curve_columns_are_skipped_where_cells_cannot_be_compared():
    frame = pd.DataFrame({"x": np.arange(30.0), "y": np.arange(30) % 2})
    frame["curve"] = [np.arange(5.0)] * 30
    result = profile(frame, make_config())
    assert result.missing_share["curve"] == 0.0
    assert "curve" not in result.feature_scores
    assert result.constant_columns == []


def test_profile_renders_and_serialises():
    result = profile(leakage_frame(), make_config(target="quality_class", time="stamp"))
    json.dumps(result.to_dict())
    console = Console(record=True, width=200)
    console.print(result.to_table())
    text = console.export_text()
    assert "Data readiness: 400 rows x 16 columns" in text
    assert "time span" in text and "median step 3600 s" in text
    assert "leakage? (label)" in text and "flag_a" in text
    console.print(result.to_table("ko"))  # what axpoc profile prints with language: ko
    korean = console.export_text()
    assert (
        "데이터 준비도: 400행 × 16열" in korean
        and "기록 간격" in korean
        and "누수 의심 (레이블 누수)" in korean
    )
