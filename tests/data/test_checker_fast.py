"""The row checker's numpy path decides every rule exactly as the per-rule pandas reference does."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from axpoc.data._checker import RowChecker, failing_rows
from axpoc.data._contract import Contract, Expectation

E = Expectation
RULES = [
    E(kind="not_null", column="금형온도"),
    E(kind="type", column="금형온도", type="numeric"),
    E(kind="between", column="금형온도", min=180.0, max=220.0),
    E(kind="in_set", column="금형온도", values=[200.0, 210, "200"], source="inferred"),
    E(kind="type", column="사출압력", type="numeric"),
    E(kind="between", column="사출압력", min=50.0),
    E(kind="between", column="사출압력", max=90.0, source="inferred"),
    E(kind="column_pair_order", column="사출압력", column_b="금형온도", severity="critical"),
    E(kind="not_null", column="재질"),
    E(kind="type", column="재질", type="string"),
    E(kind="in_set", column="재질", values=["A", "B", "재질C", 1, True]),
    E(kind="type", column="재질", type="numeric", source="inferred"),
    E(kind="type", column="재질", type="datetime", source="template"),
    E(kind="type", column="재질", type="curve", source="target"),
    E(kind="unique", column="part_id"),
    E(kind="type", column="part_id", type="string"),
    E(kind="between", column="양품", min=0.0, max=0.5),
    E(kind="type", column="양품", type="string"),
    E(kind="type", column="양품", type="datetime", source="inferred"),
    E(kind="type", column="양품", type="curve", source="template"),
    E(kind="not_null", column="count"),
    E(kind="between", column="count", min=0, max=5),
    E(kind="column_exists", column="count"),
    E(kind="column_exists", column="없는 열"),
    E(kind="not_null", column="없는 열"),
]
CONTRACT = Contract(
    name="fast",
    target="불량",
    task="binary",
    columns=["금형온도", "사출압력", "재질", "part_id", "양품", "count"],
    dtypes={},
    n_rows=0,
    created_at=datetime(2025, 1, 1),
    expectations=RULES,
)
ODD = [None, np.nan, pd.NA, "12.5", "N/A", "", "A", "재질C", "신규", 1, 200.0, True, 1e9, -3, np.inf]


def _column(rng: np.random.Generator, n: int, kind: str) -> pd.Series | pd.Index | list:
    """One random column of ``n`` cells in one of the shapes JSON, CSV or Parquet input can take."""
    numbers = rng.choice([150.0, 185.0, 200.0, 210.0, 219.9, 220.0, 230.0, -1.0, np.nan, 5.0], size=n)
    if kind == "float":
        return pd.Series(numbers)
    if kind == "float32":
        return pd.Series(numbers.astype(np.float32))
    if kind == "int":
        return pd.Series(rng.integers(-2, 8, size=n))
    if kind == "uint":
        return pd.Series(rng.integers(0, 8, size=n).astype(np.uint16))
    if kind == "bool":
        return pd.Series(rng.uniform(size=n) < 0.5)
    if kind == "Float64":
        return pd.Series(numbers, dtype="Float64")
    if kind == "Int64":
        return pd.Series(pd.array(rng.integers(0, 8, size=n), dtype="Int64"))
    levels = np.asarray(["A", "B", "재질C", "신규", "a", "1", "True", None], dtype=object)
    if kind == "str":
        return pd.Series(rng.choice(levels, size=n), dtype="str")
    if kind == "string":
        return pd.Series(rng.choice(levels, size=n), dtype="string")
    if kind == "category":
        return pd.Series(rng.choice(levels, size=n), dtype="category")
    if kind == "datetime":
        return pd.Series(pd.date_range("2025-01-01", periods=n, freq="h"))
    odd = np.empty(n, dtype=object)
    for i in range(n):
        odd[i] = ODD[rng.integers(len(ODD))] if rng.uniform() < 0.5 else numbers[i]
    return pd.Series(odd, dtype=object)


KINDS = ["float", "float32", "int", "uint", "bool", "Float64", "Int64", "str", "string", "category"]
KINDS += ["datetime", "object"]


def _frame(rng: np.random.Generator, n: int) -> pd.DataFrame:
    columns = {name: _column(rng, n, KINDS[rng.integers(len(KINDS))]) for name in CONTRACT.columns}
    columns["part_id"] = pd.Series(rng.choice([f"P{i}" for i in range(max(2, n))], size=n), dtype="str")
    for name in list(columns):
        if rng.uniform() < 0.08:
            del columns[name]
    frame = pd.DataFrame({name: series.to_numpy() for name, series in columns.items()})
    for name, series in columns.items():  # keep extension dtypes exactly as made
        frame[name] = series.array
    return frame.set_index(pd.Index(rng.permutation(n) + 100)) if rng.uniform() < 0.3 else frame


def _reference(checker: RowChecker, frame: pd.DataFrame) -> list[np.ndarray]:
    n = len(frame)
    return [
        np.zeros(n, dtype=bool) if (mask := failing_rows(frame, e)) is None else mask
        for e in checker.expectations
    ]


@pytest.mark.parametrize("n", [1, 2, 5, 40, 300])
def test_masks_equal_the_reference_on_random_and_bad_rows(n: int) -> None:
    rng = np.random.default_rng(n)
    checker = RowChecker(CONTRACT)
    rounds = 60 if n <= 5 else 8
    for _ in range(rounds):
        frame = _frame(rng, n)
        for e, fast, slow in zip(
            checker.expectations, checker.masks(frame), _reference(checker, frame), strict=True
        ):
            assert fast.dtype == bool and fast.shape == (n,), e.name
            np.testing.assert_array_equal(fast, slow, err_msg=f"{e.name} on {frame.dtypes.to_dict()}")


def test_failures_failing_and_check_agree() -> None:
    frame = pd.DataFrame(
        {
            "금형온도": [200.0, np.nan, 250.0],
            "사출압력": [95.0, 60.0, 70.0],
            "재질": ["A", "신규", None],
            "part_id": ["P1", "P1", "P2"],
            "양품": [True, False, True],
            "count": [1, 9, 2],
        }
    )
    checker = RowChecker(CONTRACT)
    failures = checker.failures(frame)
    failing = checker.failing(frame)
    assert [e.name for e, _ in failing] == list(failures.columns[failures.to_numpy().any(axis=0)])
    for e, mask in failing:
        np.testing.assert_array_equal(mask, failures[e.name].to_numpy())
    assert failures["between:금형온도@config"].tolist() == [False, False, True]
    assert failures["in_set:재질@config"].tolist() == [False, True, False]
    assert failures["unique:part_id@config"].tolist() == [True, True, False]
    assert failures["column_exists:없는 열@config"].all()
    reasons = checker.check(frame)["reasons"].tolist()
    assert reasons[0].startswith("사출압력: <= 90 (got 95.0); 재질: type numeric (got A);")
    assert "재질: in {A, B, 재질C, 1, True} (got 신규)" in reasons[1]
    assert reasons[2].startswith("금형온도: between 180 and 220 (got 250.0); 금형온도: in {200.0, 210, 200}")
    assert "재질: missing value" in reasons[2]


def test_text_that_reads_as_a_number_is_left_to_the_reference() -> None:
    """A JSON string in a number column makes a text column: its range is judged on the parsed number."""
    checker = RowChecker(CONTRACT)
    row = pd.DataFrame(
        [{"금형온도": "230", "사출압력": 60.0, "재질": "B", "part_id": "P", "양품": 0, "count": 3}]
    )
    for fast, slow in zip(checker.masks(row), _reference(checker, row), strict=True):
        np.testing.assert_array_equal(fast, slow)
    failed = {e.name for e, _ in checker.failing(row)}
    assert "between:금형온도@config" in failed and "type:금형온도@config" not in failed
