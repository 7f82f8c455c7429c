"""One data pitfall: feature columns that hold a single value per group (tool, mould, batch, experiment).

Such a column (a set feed rate, a clamp pressure, a supplier) can carry real physics, but with a few
groups it also *names* the group: a tree learns each group's label from it and fails on the next tool or
batch. Grouped cross-validation can tell the two apart, so the comparison screens these columns
(`axpoc.compare.screen_group_level`); this rule only finds them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from axpoc._columns import is_curve_column


def group_level_columns(frame: pd.DataFrame, columns: Sequence[str], groups: np.ndarray) -> list[str]:
    """The ``columns`` of ``frame`` that take one value within every group and differ between groups.

    ``groups`` holds the group of every row. Missing values are ignored; columns of sensor curves (arrays
    in cells) are never group-level. Returns nothing when the groups average fewer than two rows, where
    every column would trivially qualify.
    """
    groups = np.asarray(groups)
    if len(groups) != len(frame):
        raise ValueError(f"groups has {len(groups)} values for {len(frame)} rows")
    n_groups = pd.unique(groups).size
    if n_groups < 2 or len(frame) < 2 * n_groups:
        return []
    scalar = [name for name in columns if not is_curve_column(frame[name])]
    if not scalar:
        return []
    sub = frame[scalar].reset_index(drop=True)
    within = sub.groupby(groups, sort=False).nunique(dropna=True).max()
    between = sub.nunique(dropna=True)
    return [name for name in scalar if within[name] <= 1 and between[name] >= 2]
