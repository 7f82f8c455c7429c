"""The challenger's training data: the champion's training snapshot plus the new rows, and a holdout
that is the most recent part of it, so both models are judged on the data the plant produces now."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from axpoc.config import PocConfig
from axpoc.errors import UserError
from axpoc.i18n import CombineNote

ORDER_COLUMN = "_axpoc_order"
"""Row order used as the time when the config names no time column: the holdout is the last rows."""


@dataclass
class Combined:
    """The reference and the new rows as one frame, de-duplicated by id and windowed."""

    frame: pd.DataFrame
    n_reference: int
    n_new: int
    n_replaced: int
    window: str = ""
    notes: list[str] = field(default_factory=list)


def reference_data(config: PocConfig, store: Any, version: str) -> tuple[pd.DataFrame, str]:
    """(frame, label) the champion was trained on: the Parquet snapshot logged with its run, else the
    config's data source as it reads today (with a note saying so)."""
    from axpoc.promotion import SNAPSHOT_ARTIFACT

    run_id = store.client.get_model_version(store.model_name, version).run_id
    snapshot = _download(store, run_id, SNAPSHOT_ARTIFACT)
    if snapshot is not None:
        return snapshot, f"training snapshot of v{version} (run {run_id[:8]})"
    from axpoc.data import load_data

    loaded = load_data(config)
    return loaded.frame, (
        f"{loaded.source_label} (no training snapshot was logged with v{version}: tracking.snapshot_max_mb; "
        "the configured data source was read instead)"
    )


def _download(store: Any, run_id: str, artifact: str) -> pd.DataFrame | None:
    import mlflow
    from mlflow.exceptions import MlflowException

    with tempfile.TemporaryDirectory() as tmp:
        try:
            path = mlflow.artifacts.download_artifacts(
                run_id=run_id, artifact_path=artifact, dst_path=tmp, tracking_uri=store.tracking_uri
            )
        except (MlflowException, OSError):
            return None
        return pd.read_parquet(Path(path))


def combine(
    reference: pd.DataFrame,
    new: pd.DataFrame,
    config: PocConfig,
    *,
    window_days: int | None = None,
    window_rows: int | None = None,
) -> Combined:
    """Reference + new, new winning on a repeated id, in time order (file order without a time column),
    then cut to the last ``window_days`` days or ``window_rows`` rows."""
    id_column, time_column = config.columns.id, config.columns.time
    both = pd.concat([reference, new], ignore_index=True)
    notes: list[str] = []
    replaced = 0
    if id_column and id_column in both.columns:
        repeated = both.duplicated(subset=[id_column], keep="last").to_numpy()
        replaced = int(repeated[: len(reference)].sum())
        both = both.loc[~repeated]
        if replaced:
            notes.append(CombineNote("replaced", {"n": replaced, "column": id_column}))
    else:
        notes.append(CombineNote("no_id"))
    if time_column and time_column in both.columns:
        both = both.sort_values(time_column, kind="stable")
    both = both.reset_index(drop=True)
    window: str = ""
    if window_days is not None:
        if not time_column or time_column not in both.columns:
            raise UserError(
                "retrain.window_days (--window-days) needs a time column (columns.time); use "
                "retrain.window_rows (--window-rows) to keep the last N rows instead."
            )
        times = pd.to_datetime(both[time_column], errors="coerce")
        both = both.loc[(times >= times.max() - pd.Timedelta(days=window_days)).to_numpy()].reset_index(
            drop=True
        )
        window = CombineNote("window_days", {"days": window_days, "column": time_column})
    if window_rows is not None:
        both = both.tail(window_rows).reset_index(drop=True)
        rows = CombineNote("window_rows", {"rows": window_rows})
        window = CombineNote("window_both", {"days": window, "rows": rows}) if window else rows
    return Combined(
        frame=both,
        n_reference=len(reference),
        n_new=len(new),
        n_replaced=replaced,
        window=window,
        notes=notes,
    )


def recent_holdout(config: PocConfig, frame: pd.DataFrame) -> tuple[PocConfig, pd.DataFrame, str]:
    """(config, frame, description) whose split puts the most recent rows in the holdout.

    With a time column: the latest ``split.test_size`` by time (whole groups when ``columns.group`` is
    set); without one: the last rows in file order (reference first, then the new file), via a row
    counter that only orders rows and is never a feature.
    """
    columns = config.columns
    share = f"{config.split.test_size:.0%}"
    groups = CombineNote("whole_groups", {"column": columns.group}) if columns.group else ""
    if columns.time and columns.time in frame.columns:
        description = CombineNote("holdout_time", {"share": share, "column": columns.time, "groups": groups})
    else:
        frame = frame.assign(**{ORDER_COLUMN: np.arange(len(frame), dtype=float)})
        columns = columns.model_copy(update={"time": ORDER_COLUMN})
        description = CombineNote("holdout_order", {"share": share, "groups": groups})
    method = "time_group" if columns.group else "time"
    split = config.split.model_copy(update={"method": method})
    return config.model_copy(update={"columns": columns, "split": split}), frame, description
