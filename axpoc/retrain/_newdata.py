"""New data after handover: read it, refuse a broken file, check it against the champion's contract.

The file is read as every verb reads it, and its faults answer as in every verb: a file that cannot be read
as a table (empty, a header alone, mixed encodings) is a file error (exit 2, export it again); one whose
lines are broken (cut off, stray separators) and critical contract failures are rejected data (exit 1),
naming the file, the columns and the rows. All of them stop before any training.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from axpoc.config import PocConfig
from axpoc.errors import UserError, ValidationFailed
from axpoc.i18n import ContractText, joined

_GLOB_CHARS = re.compile(r"[*?\[]")


class NewDataRejected(ValidationFailed):
    """The new data cannot be used: unreadable, cut off, or failing the champion's critical checks (exit 1).

    ``report`` is the contract's :class:`~axpoc.data._gx.ValidationReport` when the checks ran.
    """

    def __init__(self, message: str, *, report: Any = None) -> None:
        super().__init__(message)
        self.report = report


def read_new(config: PocConfig, path: str | Path) -> Any:
    """The new data as ``LoadedData`` (config's read options); a missing path or a file that cannot be read
    is a user error (exit 2), a file with broken lines is rejected data (exit 1), as in ``validate``."""
    from axpoc.data import check_sheet, load_data

    where = Path(path).expanduser()
    if not where.exists() and not _GLOB_CHARS.search(str(where)):
        raise UserError(f"--data {where}: no such file or folder. Check the path of the new data export.")
    try:
        loaded = load_data(config, path=where)
    except ValidationFailed as exc:  # cut off, lines with stray separators
        raise NewDataRejected(ContractText("unreadable", {"error": exc.message})) from None
    if config.data.labels is None:  # a workbook's summary sheet first: the target names the right sheet
        check_sheet(loaded.frame.columns, loaded.infos, config.target.column, config.data.read)
    return loaded


def labelled_rows(frame: pd.DataFrame, config: PocConfig, *, source: str) -> tuple[pd.DataFrame, list[str]]:
    """Rows that carry a label; retraining needs some, drift checks do not."""
    target = config.target.column
    if target not in frame.columns or frame[target].isna().all():
        raise UserError(
            f"{source}: no labels in target column '{target}'. Retraining needs labelled rows (inspection "
            f"results); to see drift without labels run 'axpoc drift CONFIG --data {source}'."
        )
    missing = frame[target].isna()
    notes = []
    if missing.any():
        notes.append(
            f"{int(missing.sum())} new rows without a label in '{target}' were left out of retraining."
        )
    return frame.loc[~missing], notes  # the index stays the file's row position, for error messages


def check_new(frame: pd.DataFrame, contract: Any, *, source: str, labelled: bool) -> Any:
    """Check new rows against the champion's contract; critical failures raise :class:`NewDataRejected`.

    Warnings (inferred ranges, unseen categories) pass: they feed the drift report. The contract's
    vectorised pandas rules are used (the GX suite agrees with them, tests/data/test_gx_agreement.py):
    they name failing rows and skip Great Expectations' start-up on every monthly batch.
    """
    from axpoc.data import validate

    report = validate(
        frame,
        contract,
        use_gx=False,
        row_indices=True,
        include_target=labelled and contract.target in frame.columns,
    )
    if report.ok:
        return report
    parts = [
        ContractText("failed", {"column": r.column, "rule": r.rule, "detail": r.detail()})
        for r in report.critical_failures
    ]
    values = {"source": source, "n": len(parts), "parts": joined(*parts)}
    raise NewDataRejected(ContractText("new_data_rejected", values), report=report)


def target_like(model: Any, values: pd.Series) -> Any:
    """New labels encoded the way ``model`` was trained (its positive label or classes), for its KPIs."""
    from axpoc.steps import Target

    if model.task == "regression":
        return Target(y=pd.to_numeric(values, errors="coerce").to_numpy(dtype=float), classes=np.array([]))
    if model.task == "multiclass":
        classes = np.asarray(model.classes, dtype=object)
        y = values.to_numpy(dtype=object)
        if all(isinstance(c, int | np.integer) for c in classes):
            classes, y = classes.astype(int), pd.to_numeric(values).to_numpy(dtype=int)
        return Target(y=y, classes=classes, defect_classes=list(model.defect_classes))
    y = values.map(_label_text) == str(model.positive_label)
    return Target(
        y=y.to_numpy(dtype=int),
        classes=np.array([0, 1]),
        positive_label=model.positive_label,
        negative_label=model.negative_label,
    )


def _label_text(value: Any) -> str:
    """A label as text, ``1.0`` read as ``1``: a label column with gaps is read as floats."""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def unseen_labels(model: Any, values: pd.Series) -> pd.Series:
    """Which rows carry a class the multiclass ``model`` was never trained on (none for other tasks)."""
    if model.task != "multiclass":
        return pd.Series(False, index=values.index)
    return ~values.map(_label_text).isin({_label_text(c) for c in model.classes})


def unseen_classes_text(values: pd.Series) -> str:
    """The unseen labels with their row counts, most frequent first: ``'burn_mark' (25 rows)``."""
    return ", ".join(f"{label!r} ({count} rows)" for label, count in values.value_counts().items())


def refuse_unseen_classes(model: Any, labelled: pd.DataFrame, config: PocConfig, *, source: str) -> None:
    """A class the champion never saw cannot be retrained into it: the champion cannot be scored on it,
    so champion and challenger cannot be compared. Says which class and what to run instead."""
    target = config.target.column
    unseen = unseen_labels(model, labelled[target])
    if not unseen.any():
        return
    raise UserError(
        f"{source}: column '{target}' has class(es) the champion was never trained on: "
        f"{unseen_classes_text(labelled.loc[unseen, target])}; it knows "
        f"{', '.join(map(repr, model.classes))}. A new class cannot be retrained into the champion, since "
        f"the champion cannot be scored on it. If the label is a typo, fix it in the export and run "
        f"'axpoc retrain' again; if the class is real, add the new rows to the training data (point data.path "
        f"in the config at the old and the new exports) and run 'axpoc run CONFIG': a full run trains a model "
        f"on every class and promotes it when its gates pass. 'axpoc drift' still checks this data."
    )
