"""The contract as a fast, vectorised row checker: accept or reject single rows without Great Expectations.

The rules mirror what GX does with the rendered suite (nulls pass every rule but ``not_null``; a pair
rule skips rows where either side is missing; a value's type is judged per cell unless the column's
dtype already settles it), and ``tests/data/test_gx_agreement.py`` keeps the two in agreement.

Rules on columns whose dtype settles the question (numpy numbers; pandas text in small frames) are
decided on the column's values as numpy arrays, read once per frame, a small frame in a single
conversion: an HTTP request's one row then costs microseconds, not a pandas call per rule. Every other case goes through
`failing_rows`, the reference the fast path must equal (``tests/data/test_checker_fast.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from axpoc._columns import is_curve_cell
from axpoc.data._contract import Contract, Expectation, Severity, ValueType

NUMBER_TYPES: tuple[type, ...] = (int, float, np.integer, np.floating, np.bool_)
DATETIME_TYPES: tuple[type, ...] = (pd.Timestamp, np.datetime64)
_NUMBER_KINDS = frozenset("iufb")
"""numpy/pandas dtype kinds of numbers: signed, unsigned, float, bool (nullable Int64/Float64/boolean too)."""
_CELL_TYPES: dict[str, tuple[type, ...]] = {
    "numeric": NUMBER_TYPES,
    "string": (str,),
    "datetime": DATETIME_TYPES,
}
_SMALL_ROWS = 256
"""Frames up to this many rows are read into numpy in one ``to_numpy(dtype=object)``; larger ones per column."""


class RowChecker:
    """Accept or reject rows by the contract: critical rules only, or warnings too with ``severity='warning'``.

    ``include_target=False`` drops the target's rules, for rows that are scored and carry no label.
    Batch-level rules (``max_missing_share``) say nothing about a single row and are left out; a missing
    column rejects every row.
    """

    def __init__(
        self, contract: Contract, *, severity: Severity = "critical", include_target: bool = True
    ) -> None:
        self.contract = contract
        self.severity = severity
        self.include_target = include_target

    @property
    def expectations(self) -> list[Expectation]:
        chosen = self.contract.select(severity=self.severity, include_target=self.include_target)
        return [e for e in chosen if e.kind != "max_missing_share"]

    def failures(self, frame: pd.DataFrame) -> pd.DataFrame:
        """One boolean column per expectation (named by ``Expectation.name``): True where the row fails."""
        expectations = self.expectations
        masks = {e.name: mask for e, mask in zip(expectations, self.masks(frame, expectations), strict=True)}
        return pd.DataFrame(masks, index=frame.index, columns=[e.name for e in expectations], dtype=bool)

    def failing(self, frame: pd.DataFrame) -> list[tuple[Expectation, np.ndarray]]:
        """The expectations some row breaks, each with its row mask; cheaper than `failures` when few fail."""
        expectations = self.expectations
        masks = self.masks(frame, expectations)
        return [(e, mask) for e, mask in zip(expectations, masks, strict=True) if mask.any()]

    def masks(self, frame: pd.DataFrame, expectations: list[Expectation] | None = None) -> list[np.ndarray]:
        """A boolean row mask per expectation (``self.expectations`` unless given): True where a row fails."""
        columns = _Columns(frame)
        masks = []
        for expectation in self.expectations if expectations is None else expectations:
            mask = columns.failing(expectation)
            if mask is None:
                mask = failing_rows(frame, expectation)
            masks.append(np.zeros(len(frame), dtype=bool) if mask is None else mask)
        return masks

    def check(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``ok`` and ``reasons`` (``'; '``-joined, naming column, rule and value) for every row."""
        reasons = np.full(len(frame), "", dtype=object)
        expectations = self.expectations
        for expectation, mask in zip(expectations, self.masks(frame, expectations), strict=True):
            if not mask.any():
                continue
            where = np.flatnonzero(mask)
            text = _reason(frame, expectation, where)
            current = reasons[where]
            reasons[where] = np.where(current == "", text, current + "; " + text)
        return pd.DataFrame({"ok": reasons == "", "reasons": reasons.astype(str)}, index=frame.index)


class _Columns:
    """A frame's columns as numpy values, each read at most once, for the rules a column's dtype settles.

    ``failing`` answers None where it cannot decide exactly as `failing_rows` would (object, categorical,
    datetime and nullable dtypes; text that may read as numbers; ``in_set`` on numbers; ``unique``); the
    caller then asks `failing_rows`.
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.n = len(frame)
        names = frame.columns
        self.position = {name: i for i, name in enumerate(names.tolist())} if names.is_unique else None
        self.dtypes = frame.dtypes.tolist() if self.position is not None else []
        self.cells = (
            frame.to_numpy(dtype=object) if self.position is not None and self.n <= _SMALL_ROWS else None
        )
        self.values: dict[str, np.ndarray] = {}

    def _column(self, column: str, settled: Callable[[Any], bool]) -> int | None:
        """The position of ``column`` when its dtype passes ``settled``; None otherwise or when it is absent."""
        i = None if self.position is None else self.position.get(column)
        return i if i is not None and settled(self.dtypes[i]) else None

    def numbers(self, column: str) -> np.ndarray | None:
        """A numpy-number column (ints, floats, bools) as float64, the way `_numbers` reads it."""
        if column not in self.values:
            i = self._column(column, _is_number_dtype)
            if i is None:
                return None
            self.values[column] = (
                self.frame.iloc[:, i].to_numpy(dtype=np.float64)
                if self.cells is None
                else self.cells[:, i].astype(np.float64)
            )
        return self.values[column]

    def texts(self, column: str) -> np.ndarray | None:
        """A pandas text column's cells (str, or NaN / NA where missing) in a small frame.

        Large frames leave text to pandas, whose vectorised string methods beat a loop over Python objects.
        """
        i = None if self.cells is None else self._column(column, lambda d: isinstance(d, pd.StringDtype))
        return None if i is None else self.cells[:, i]

    def failing(self, e: Expectation) -> np.ndarray | None:
        if e.kind == "column_exists":
            return None if self.position is None else np.full(self.n, e.column not in self.position)
        numbers = self.numbers(e.column)
        if numbers is not None:
            return self._number_rule(e, numbers)
        texts = self.texts(e.column)
        return None if texts is None else self._text_rule(e, texts)

    def _number_rule(self, e: Expectation, values: np.ndarray) -> np.ndarray | None:
        present = ~np.isnan(values)
        if e.kind == "not_null":
            return ~present
        if e.kind == "type":
            return np.zeros(self.n, dtype=bool) if (e.type or "numeric") == "numeric" else present
        if e.kind == "finite":
            return np.isinf(values)
        if e.kind == "between":
            fails = np.zeros(self.n, dtype=bool)
            if e.min is not None:
                fails |= values < e.min
            if e.max is not None:
                fails |= values > e.max
            return fails
        if e.kind == "column_pair_order" and e.column_b is not None:
            other = self.numbers(e.column_b)
            return None if other is None else present & ~np.isnan(other) & (values > other)
        return None

    def _text_rule(self, e: Expectation, cells: np.ndarray) -> np.ndarray | None:
        present = ~pd.isna(cells)
        if e.kind == "not_null":
            return ~present
        if e.kind == "type" and e.type in ("string", "datetime", "curve"):
            return np.zeros(self.n, dtype=bool) if e.type == "string" else present
        if e.kind == "in_set":
            allowed = {v for v in e.values or [] if isinstance(v, str)}  # text columns match text values only
            known = np.fromiter(
                (bool(p) and c in allowed for c, p in zip(cells, present, strict=True)), bool, self.n
            )
            return present & ~known
        return None


def failing_rows(frame: pd.DataFrame, expectation: Expectation) -> np.ndarray | None:
    """Positions failing a row-level rule as a boolean array; every row when a needed column is missing.

    None for rules that cannot be decided per row: batch-level kinds, a rule on a missing column other
    than ``column_exists`` (that one reports it), and ranges or the finite rule on a column that holds
    non-numbers (the type rule reports those).
    """
    n = len(frame)
    if expectation.kind == "column_exists":
        return np.full(n, expectation.column not in frame.columns)
    if expectation.kind == "max_missing_share" or any(c not in frame.columns for c in expectation.columns):
        return None
    series = frame[expectation.column]
    if expectation.kind == "not_null":
        return series.isna().to_numpy()
    if expectation.kind == "type":
        return type_failures(series, expectation.type or "numeric")
    if expectation.kind in ("finite", "between") and not holds_numbers(series):
        return None
    if expectation.kind == "finite":
        return np.isinf(_numbers(series).to_numpy(dtype=float))
    if expectation.kind == "between":
        values = _numbers(series)
        fails = pd.Series(False, index=series.index)
        if expectation.min is not None:
            fails |= values < expectation.min
        if expectation.max is not None:
            fails |= values > expectation.max
        return fails.to_numpy()
    if expectation.kind == "in_set":
        return (series.notna() & ~series.isin(expectation.values or [])).to_numpy()
    if expectation.kind == "unique":
        return (series.notna() & series.duplicated(keep=False)).to_numpy()
    # column_pair_order: column <= column_b, rows with a missing side are skipped.
    other = frame[expectation.column_b]
    if not (holds_numbers(series) and holds_numbers(other)):
        return None
    a, b = _numbers(series), _numbers(other)
    return (a.notna() & b.notna() & (a > b)).to_numpy()


def type_failures(series: pd.Series, kind: ValueType) -> np.ndarray:
    """Non-null cells that are not of ``kind``; a column whose dtype already is ``kind`` passes whole.

    Text that reads as a number counts as a number: '12.5' is a formatting difference, 'N/A' an error.
    """
    if kind == "curve":
        labels = cell_kinds(series)
        return (labels.notna() & (labels != "curve")).to_numpy()
    if dtype_matches(series.dtype, kind):
        return np.zeros(len(series), dtype=bool)
    cells = numeric_cells(series) if kind == "numeric" else series
    present = cells.notna()
    return (present & ~_is_instance(cells, _CELL_TYPES[kind])).to_numpy()


def numeric_cells(series: pd.Series) -> pd.Series:
    """The column as ``object`` cells with text that reads as a number turned into that number."""
    if dtype_matches(series.dtype, "numeric"):
        return series
    cells = series.astype(object)
    text = (cells.notna() & _is_instance(cells, (str,))).to_numpy()
    if not text.any():
        return cells
    values = cells.to_numpy(dtype=object, copy=True)
    parsed = pd.to_numeric(pd.Series(values[text], dtype=object), errors="coerce").to_numpy(dtype=float)
    readable = np.flatnonzero(text)[~np.isnan(parsed)]
    values[readable] = parsed[~np.isnan(parsed)]
    return pd.Series(values, index=series.index, name=series.name, dtype=object)


def _is_instance(cells: pd.Series, types: tuple[type, ...]) -> pd.Series:
    """Vectorised isinstance: type() runs per cell in C, the subclass test once per distinct type."""
    kinds = cells.map(type, na_action="ignore")
    good = {t for t in pd.unique(kinds[cells.notna()]) if issubclass(t, types)}
    return kinds.isin(good)


def dtype_matches(dtype: object, kind: ValueType) -> bool:
    """Whether the dtype alone proves every cell is of ``kind`` (object and categorical never do)."""
    if kind == "numeric":
        return getattr(dtype, "kind", None) in _NUMBER_KINDS
    if kind == "string":
        return isinstance(dtype, pd.StringDtype)
    if kind == "datetime":
        return pd.api.types.is_datetime64_any_dtype(dtype)
    return False


def holds_numbers(series: pd.Series) -> bool:
    """A range can be checked: every non-null cell is a number (or text that reads as one)."""
    return not type_failures(series, "numeric").any()


def cell_kinds(series: pd.Series) -> pd.Series:
    """Each cell of a curve column labelled 'curve' (a 1-D numeric array) or by its type name; nulls stay null.

    The one per-cell Python step of the checker: an array's shape and dtype can only be read cell by cell.
    """

    def label(cell: object) -> str | None:
        if is_curve_cell(cell):
            array = cell if isinstance(cell, np.ndarray) else np.asarray(cell)
            return "curve" if array.ndim == 1 and array.dtype.kind in "iuf" else f"ndarray{array.shape}"
        if cell is None or (isinstance(cell, float) and np.isnan(cell)) or cell is pd.NA or cell is pd.NaT:
            return None
        return type(cell).__name__

    return series.map(label).astype(object)


def _is_number_dtype(dtype: Any) -> bool:
    return isinstance(dtype, np.dtype) and dtype.kind in _NUMBER_KINDS


def _numbers(series: pd.Series) -> pd.Series:
    if dtype_matches(series.dtype, "numeric"):
        return series.astype("float64")
    return pd.to_numeric(numeric_cells(series), errors="coerce")


def _reason(frame: pd.DataFrame, expectation: Expectation, where: np.ndarray) -> np.ndarray:
    head = f"{expectation.column}: {expectation.describe()}"
    if expectation.kind == "column_exists":
        return np.full(len(where), f"{expectation.column}: column is missing", dtype=object)
    if expectation.kind == "not_null":
        return np.full(len(where), f"{expectation.column}: missing value", dtype=object)
    if expectation.kind == "column_pair_order":
        a = frame[expectation.column].iloc[where].astype(str).to_numpy(dtype=object)
        b = frame[expectation.column_b].iloc[where].astype(str).to_numpy(dtype=object)
        return f"{expectation.column} <= {expectation.column_b} (got " + a + " > " + b + ")"
    if expectation.type == "curve":
        got = cell_kinds(frame[expectation.column].iloc[where]).astype(str).to_numpy(dtype=object)
    else:
        got = frame[expectation.column].iloc[where].astype(str).to_numpy(dtype=object)
    return head + " (got " + got + ")"
