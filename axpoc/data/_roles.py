"""Which column plays which role: the one place that decides what a feature is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from axpoc.config import PocConfig
from axpoc.errors import UserError

SOURCE_COLUMN = "_source_file"
"""Reserved column recording the file each row came from when a folder or glob is read."""


@dataclass(frozen=True)
class Roles:
    target: str
    id: str | None = None
    time: str | None = None
    group: str | None = None
    product: str | None = None
    features: list[str] = field(default_factory=list)

    @property
    def non_features(self) -> set[str]:
        return {c for c in (self.target, self.id, self.time, self.group, SOURCE_COLUMN) if c}


def resolve_roles(
    frame: pd.DataFrame, config: PocConfig, *, require_target: bool = True, auto_exclude: Sequence[str] = ()
) -> Roles:
    """Map the config's roles onto ``frame``; a named column that is absent is a user error.

    ``auto_exclude`` columns (outcomes a process template knows, e.g. ``defect_type``) are no features
    unless ``columns.include`` names them.
    """
    cols = config.columns
    named = {
        "target.column": config.target.column if require_target else None,
        "columns.id": cols.id,
        "columns.time": cols.time,
        "columns.group": cols.group,
        "columns.product": cols.product,
    }
    for key, column in named.items():
        if column is not None and column not in frame.columns:
            raise UserError(missing_column_message(key, column, frame))
    for key, listed in (("columns.include", cols.include), ("columns.exclude", cols.exclude)):
        missing = [c for c in listed if c not in frame.columns]
        if missing:
            raise UserError(missing_column_message(key, missing[0], frame))
    skip = {c for c in (config.target.column, cols.id, cols.time, cols.group, SOURCE_COLUMN) if c}
    candidates = cols.include or [c for c in frame.columns if c not in skip]
    dropped = set(cols.exclude) | (set(auto_exclude) - set(cols.include))
    features = [c for c in candidates if c not in skip and c not in dropped]
    if not features:
        raise UserError(
            "No feature columns are left after removing the target, id, time, group and excluded columns. "
            "Check columns.include / columns.exclude in the config."
        )
    return Roles(
        target=config.target.column,
        id=cols.id,
        time=cols.time,
        group=cols.group,
        product=cols.product,
        features=features,
    )


def missing_column_message(key: str, column: str, frame: pd.DataFrame) -> str:
    import difflib

    names = [str(c) for c in frame.columns]
    close = difflib.get_close_matches(str(column), names, n=1, cutoff=0.5)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    shown = ", ".join(names[:15]) + (" ..." if len(names) > 15 else "")
    return (
        f"{key}: column '{column}' is not in the data.{hint} The data has: {shown}. "
        f"Fix the name in the config (names are case- and space-sensitive)."
    )
