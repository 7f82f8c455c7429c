"""One curve rule: a column of Python lists and a column of numpy arrays are sensor curves in every room."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from axpoc._columns import curve_columns, is_curve_column
from axpoc.errors import UserError


def _frame(cells: str) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    curves = [rng.normal(size=8) for _ in range(12)]
    return pd.DataFrame(
        {
            "pressure": curves if cells == "arrays" else [c.tolist() for c in curves],
            "temp": rng.normal(size=12),
            "shift": ["A", "B"] * 6,
        }
    )


@pytest.mark.parametrize("cells", ["arrays", "lists"])
def test_lists_and_arrays_are_curves_everywhere(cells: str, tmp_path: Path) -> None:
    from axpoc.data import write_csv
    from axpoc.drift import drift_report
    from axpoc.models import build_preprocessor

    frame = _frame(cells)
    frame.loc[0, "pressure"] = None  # a cycle without this channel: the first present cell decides
    assert curve_columns(frame) == ["pressure"]
    assert (
        build_preprocessor(frame, ["pressure", "temp"], scale=False, curves="features").kinds["pressure"]
        == "curve"
    )
    report = drift_report(frame, frame, features=["pressure", "temp"])
    assert {f.name: f.kind for f in report.features}["pressure:mean"] == "curve"
    with pytest.raises(UserError, match="sensor curves"):
        write_csv(frame, tmp_path / "out.csv")


def test_scalars_text_and_empty_columns_are_not_curves() -> None:
    assert not is_curve_column(pd.Series([1.0, 2.0]))
    assert not is_curve_column(pd.Series(["a", None]))
    assert not is_curve_column(pd.Series([None, None], dtype=object))
    assert not is_curve_column(pd.Series([], dtype=object))
