"""Which columns hold sensor curves, decided by one rule for every room.

A curve column is an object column whose cells are one cycle's samples each: a numpy array, a list or a
tuple (a table read from Parquet gives arrays, one built in Python often gives lists; both are curves
everywhere: to the reader, the contract, the Preprocessor, the 1D-CNN, drift and the tracking store).
The first present cell decides, so a million-row column costs one look, not one per cell.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

CURVE_CELLS = (np.ndarray, list, tuple)
"""The cell types that carry one cycle's samples."""


def is_curve_cell(cell: Any) -> bool:
    """Whether one cell is a cycle's samples (an array, a list or a tuple), not a scalar or a missing value."""
    return isinstance(cell, CURVE_CELLS)


def is_curve_column(column: pd.Series) -> bool:
    """Whether ``column`` holds sensor curves: an object column whose first present cell is a curve cell."""
    if column.dtype != object:
        return False
    present = column.notna().to_numpy()
    first = int(present.argmax()) if len(present) else 0
    return bool(len(present)) and bool(present[first]) and is_curve_cell(column.iloc[first])


def curve_columns(frame: pd.DataFrame, columns: Any = None) -> list[str]:
    """The curve columns of ``frame`` (among ``columns`` when given), in their order."""
    names = frame.columns if columns is None else columns
    return [name for name in names if is_curve_column(frame[name])]
