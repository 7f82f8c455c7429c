"""`curves_from_long`: a long sample table (cycle, sample, channel, value) into one row per cycle.

Machines and historians export curves as one row per sample; the feature transformer wants one row
per cycle with a 1-D array per channel. One sort and one split do it for millions of samples.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from axpoc.errors import UserError


def curves_from_long(
    df: pd.DataFrame, *, cycle: str, channel: str, value: str, order: str | None = None
) -> pd.DataFrame:
    """One row per cycle (index: sorted cycle ids), one column per channel (sorted) of float arrays.

    Samples are ordered by ``order`` within each cycle and channel (a missing order value first);
    without it, and among ties, the table's row order is kept. A cycle with no sample of some channel gets an empty cell (None), whose
    curve features are NaN. Missing values stay NaN samples inside the curve.
    """
    needed = [cycle, channel, value, *([] if order is None else [order])]
    absent = [column for column in needed if column not in df.columns]
    if absent:
        raise UserError(
            f"The long curve table lacks the column(s) {absent}; its columns are {list(df.columns)[:20]}. "
            "Name the cycle id, channel, value (and optional sample order) columns that it has."
        )
    for key in (cycle, channel):
        if df[key].isna().any():
            raise UserError(
                f"Column {key!r} of the long curve table has {int(df[key].isna().sum())} empty cells; "
                "every sample needs a cycle id and a channel. Drop or fill those rows first."
            )
    try:
        values = df[value].to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError) as error:
        raise UserError(
            f"Column {value!r} of the long curve table holds values that are not numbers ({error}). "
            "Convert it to numbers (e.g. fix decimal commas) before building curves."
        ) from error
    if len(df) == 0:
        return pd.DataFrame(index=pd.Index([], name=cycle))
    cycle_codes, cycle_ids = pd.factorize(df[cycle], sort=True)
    channel_codes, channel_names = pd.factorize(df[channel], sort=True)
    group = cycle_codes.astype(np.int64) * len(channel_names) + channel_codes
    if order is None:
        key = group
    else:
        rank, levels = pd.factorize(df[order], sort=True)  # rank -1 (missing order) sorts first
        key = group * (len(levels) + 1) + rank + 1
    # Exports usually arrive sorted already: then no sort at all, else one stable sort of one integer key.
    ordering = np.arange(len(key)) if np.all(key[1:] >= key[:-1]) else np.argsort(key, kind="stable")
    sorted_key = group[ordering]
    starts = np.flatnonzero(np.diff(sorted_key)) + 1
    curves = np.fromiter(np.split(values[ordering], starts), dtype=object, count=len(starts) + 1)
    group_cycle, group_channel = np.divmod(sorted_key[np.r_[0, starts]], len(channel_names))
    columns = {}
    for code, name in enumerate(channel_names):
        cells = np.full(len(cycle_ids), None, dtype=object)
        mine = group_channel == code
        cells[group_cycle[mine]] = curves[mine]
        columns[name] = cells
    return pd.DataFrame(columns, index=pd.Index(cycle_ids, name=cycle))
