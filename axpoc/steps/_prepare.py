"""Ingest -> roles -> usable target -> leakage-safe split: the data every later step starts from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from axpoc.config import PocConfig
from axpoc.data import Roles, resolve_roles
from axpoc.errors import ConfigError, UserError
from axpoc.i18n import PrepareNote
from axpoc.kpi import class_cost_matrix

MIN_ROWS = 12
"""Below this a split leaves too few rows on a side to fit or check anything."""
SMALL_ROWS = 100
"""Below this the comparison still runs (families adapt their defaults), but the output warns."""

_DEFECT_WORDS = re.compile(r"^(1|true|yes|y|ng|defect|bad|fail|failed|worn|불량|ng품|결함|이상)$", re.I)


@dataclass
class Target:
    """The target encoded for estimators: binary/anomaly as 0/1 (1 = defect), else labels or values."""

    y: np.ndarray
    classes: np.ndarray
    positive_label: Any = None
    negative_label: Any = None
    defect_classes: list[Any] = field(default_factory=list)

    def is_defect(self, y: np.ndarray) -> np.ndarray:
        """Encoded target -> bool 'is a defect' for the quality KPIs (None for regression)."""
        if self.defect_classes:
            return np.isin(y, self.defect_classes)
        return np.asarray(y) == 1


@dataclass
class Prepared:
    config: PocConfig
    frame: pd.DataFrame
    roles: Roles
    target: Target
    split: Any
    source_label: str
    digest: str
    notes: list[str] = field(default_factory=list)
    loaded: Any = None

    @property
    def train(self) -> pd.DataFrame:
        return self.frame.iloc[self.split.train_index]

    @property
    def test(self) -> pd.DataFrame:
        return self.frame.iloc[self.split.test_index]

    @property
    def y_train(self) -> np.ndarray:
        return self.target.y[self.split.train_index]

    @property
    def y_test(self) -> np.ndarray:
        return self.target.y[self.split.test_index]


def _positive(values: pd.Series, declared: Any, column: str) -> Any:
    labels = list(pd.unique(values))
    if declared is not None:
        matches = [v for v in labels if v == declared or str(v) == str(declared)]
        if not matches:
            raise UserError(
                f"target.positive_class: {declared!r} does not occur in column '{column}' "
                f"(values: {', '.join(map(str, labels[:10]))}). Set it to the label that marks a defect."
            )
        return matches[0]
    named = [v for v in labels if _DEFECT_WORDS.match(str(v).strip())]
    if len(named) == 1:
        return named[0]
    counts = values.value_counts()
    return counts.index[-1]  # the minority class: defects are rare


def encode_target(frame: pd.DataFrame, config: PocConfig) -> Target:
    """Check the target is usable for the task and encode it; a one-class target is a user error."""
    column, task = config.target.column, config.target.task
    values = frame[column]
    if values.isna().all():
        raise UserError(f"target '{column}' is empty (all values missing). Check target.column and the file.")
    if task == "regression":
        numeric = pd.to_numeric(values, errors="coerce")
        bad = values[numeric.isna() & values.notna()]
        if len(bad):
            raise UserError(
                f"target '{column}' must be numeric for a regression task; found text such as "
                f"{', '.join(map(repr, bad.unique()[:5]))}. Clean these values or choose another task."
            )
        return Target(y=numeric.to_numpy(dtype=float), classes=np.array([]))
    labels = pd.unique(values.dropna())
    if len(labels) < 2:
        raise UserError(
            f"target '{column}' has only one class ({labels[0]!r}) in the data: a model cannot learn to separate "
            "good from bad parts. Add data that contains defects, or check target.column."
        )
    if task == "multiclass":
        if pd.api.types.is_float_dtype(values) and all(float(v).is_integer() for v in labels):
            # Class codes read as floats (1.0, 2.0, ...: a column with a gap, or a CSV that wrote them so):
            # estimators reject object-typed floats, and users name the classes 1, 2, ... in the config.
            values = values.astype("Int64")
            labels = pd.unique(values.dropna())
        classes = np.array(sorted(labels, key=str), dtype=object)
        defects = list(config.target.defect_classes)
        unknown = [d for d in defects if not any(str(d) == str(c) for c in classes)]
        if unknown:
            raise UserError(
                f"target.defect_classes: {unknown} do not occur in '{column}' (classes: {list(classes)})."
            )
        defects = [c for c in classes if any(str(d) == str(c) for d in defects)]
        if config.kpi.costs.class_costs is not None:
            try:
                class_cost_matrix(config.kpi.costs.class_costs, list(classes))
            except ValueError as err:
                raise ConfigError(
                    f"{err} Write each class as it appears in the target column '{column}'."
                ) from None
        y = values.to_numpy(dtype=object)
        if all(isinstance(c, int | np.integer) for c in classes):
            classes, y, defects = classes.astype(int), y.astype(int), [int(d) for d in defects]
        return Target(y=y, classes=classes, defect_classes=defects)
    if len(labels) > 2:
        raise UserError(
            f"target '{column}' has {len(labels)} classes but target.task is '{task}'. Use task: multiclass "
            "(with defect_classes), or map the labels to two classes first."
        )
    positive = _positive(values.dropna(), config.target.positive_class, column)
    negative = next(v for v in labels if v != positive)
    y = (values == positive).to_numpy(dtype=int)
    return Target(y=y, classes=np.array([0, 1]), positive_label=positive, negative_label=negative)


def labelled_rows(
    frame: pd.DataFrame, config: PocConfig, *, source_label: str
) -> tuple[pd.DataFrame, list[PrepareNote]]:
    """The one rule for rows without a label, shared by ``validate`` and ``run``: they are left out and
    counted in a note; fewer than ``MIN_ROWS`` labelled rows left is a refusal (the file cannot make a PoC).

    A frame without the target column is returned as is: the roles check names that mistake.
    """
    column = config.target.column
    if column not in frame.columns:
        return frame, []
    missing = frame[column].isna()
    kept = len(frame) - int(missing.sum())
    if kept < MIN_ROWS:
        which = (
            f"only {kept} of {len(frame)} rows have a value in" if missing.any() else f"only {kept} rows in"
        )
        raise UserError(
            f"{source_label}: {which} target '{column}': too few for a PoC (need >= {MIN_ROWS} labelled rows). "
            "Collect more rows or fill in the labels, or check target.column."
        )
    if not missing.any():
        return frame, []
    note = PrepareNote("unlabelled", {"rows": int(missing.sum()), "target": column, "kept": kept})
    return frame.loc[~missing].reset_index(drop=True), [note]


def prepare(config: PocConfig, *, data_path: str | Path | None = None) -> Prepared:
    """Load the configured data, check the target and split it; the test part stays untouched."""
    from axpoc.data import load_data

    return prepare_loaded(config, load_data(config, path=data_path))


def prepare_loaded(config: PocConfig, loaded: Any) -> Prepared:
    """:func:`prepare` for data already loaded (``LoadedData``): retraining's reference plus new rows."""
    from axpoc.data import make_split, template_label_columns
    from axpoc.process import load_process

    frame = loaded.frame
    labels = template_label_columns(config, load_process(config.process), frame)
    roles = resolve_roles(frame, config, auto_exclude=labels)
    notes = list(loaded.notes)
    left_out = [c for c in labels if c not in config.columns.exclude and c not in config.columns.include]
    if left_out:
        notes.append(
            PrepareNote("outcome_columns", {"columns": ", ".join(left_out), "process": config.process})
        )
    frame, dropped = labelled_rows(frame, config, source_label=loaded.source_label)
    notes.extend(dropped)
    if len(frame) < SMALL_ROWS:
        notes.append(PrepareNote("small_data", {"rows": len(frame)}))
    target = encode_target(frame, config)
    split = make_split(frame, config)
    notes.extend(split.warnings)
    return Prepared(
        config=config,
        frame=frame,
        roles=roles,
        target=target,
        split=split,
        source_label=loaded.source_label,
        digest=loaded.digest,
        notes=notes,
        loaded=loaded,
    )
