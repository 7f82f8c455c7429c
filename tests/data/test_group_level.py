"""The group-level rule: columns with one value per group, which can name the group."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from axpoc.data import group_level_columns


def frame_of(groups: list[str]) -> pd.DataFrame:
    n = len(groups)
    rng = np.random.default_rng(0)
    per_group = {g: i for i, g in enumerate(dict.fromkeys(groups))}
    return pd.DataFrame(
        {
            "이송속도": [float(per_group[g]) * 3.0 for g in groups],  # one value per group
            "재질": [f"M{per_group[g] % 2}" for g in groups],  # one level per group, two levels in all
            "부하": rng.normal(size=n),  # varies within groups
            "상수": np.ones(n),  # never varies: a constant column, not a group-level one
        }
    )


def test_finds_columns_constant_within_every_group_and_different_between_groups() -> None:
    groups = ["A"] * 4 + ["B"] * 4 + ["C"] * 4
    frame = frame_of(groups)
    assert group_level_columns(frame, list(frame.columns), np.array(groups)) == ["이송속도", "재질"]


def test_missing_values_do_not_break_a_group_level_column() -> None:
    groups = ["A"] * 4 + ["B"] * 4
    frame = frame_of(groups)
    frame.loc[[1, 6], "이송속도"] = np.nan
    assert "이송속도" in group_level_columns(frame, ["이송속도"], np.array(groups))


def test_one_differing_row_makes_it_a_row_level_column() -> None:
    groups = ["A"] * 4 + ["B"] * 4
    frame = frame_of(groups)
    frame.loc[2, "이송속도"] = 99.0
    assert group_level_columns(frame, ["이송속도", "재질"], np.array(groups)) == ["재질"]


def test_nothing_when_groups_average_fewer_than_two_rows() -> None:
    groups = ["A", "B", "C", "D", "D"]
    frame = frame_of(groups)
    assert group_level_columns(frame, list(frame.columns), np.array(groups)) == []


def test_curve_columns_are_never_group_level() -> None:
    groups = ["A"] * 3 + ["B"] * 3
    curve = [np.arange(5.0)] * 3 + [np.arange(5.0) + 1] * 3
    frame = pd.DataFrame({"curve": pd.Series(curve, dtype=object), "x": [1.0] * 3 + [2.0] * 3})
    assert group_level_columns(frame, ["curve", "x"], np.array(groups)) == ["x"]


def test_groups_must_match_the_rows() -> None:
    frame = frame_of(["A", "A", "B", "B"])
    with pytest.raises(ValueError, match="3 values for 4 rows"):
        group_level_columns(frame, ["재질"], np.array(["A", "A", "B"]))
