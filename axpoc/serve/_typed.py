"""Input values read by the training contract's column types, not by what one batch happens to hold.

Training decides each column's type on thousands of rows (the 80 % rule of :mod:`axpoc.data`); a batch
of twenty rows whose ``두께`` is ``N`` everywhere would look like text by the same rule. Scoring
therefore takes the type from the model's contract: its ``type`` rules, else the training dtype. In a
numeric column every cell is read by the documented dirty-number rules (``N`` / ``-`` / ``N/A`` missing,
``<0.01`` censored, ``158(Hv30)`` annotated, thousands when ``data.read.thousands`` is set); a cell no
rule reads, and ``inf`` / ``1e400`` / ``-inf``, give that row a reason to be rejected (the other rows
are scored). Category (text) columns are read as text, so ``1`` and ``"1"`` are the same level.

Values the model was not trained on are scored *and flagged*: :func:`input_flags` names, per row, the
numbers outside the contract's training range and the categories not seen in training, in the config's
language (:class:`InputFlag`).
"""

from __future__ import annotations

import contextlib
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from axpoc.config import ReadOptions
from axpoc.data import Contract, Expectation, NumberRules, RowChecker, expectations_digest
from axpoc.i18n import InputFlag

_FLAG_KINDS = frozenset({"between", "in_set"})


def column_types(contract: Contract | None, columns: Iterable[str]) -> dict[str, str | None]:
    """Each column's type in training: a ``type`` rule of the contract, else its training dtype.

    ``None`` where the contract says nothing (no contract, a column empty in training): such a column is
    passed on as read.
    """
    wanted = list(dict.fromkeys(columns))
    if contract is None:
        return dict.fromkeys(wanted)
    declared: dict[str, str] = {}
    for rule in contract.expectations:
        # a critical rule (declared, or numeric for the model) wins over an inferred warning
        if (
            rule.kind == "type"
            and rule.type
            and rule.source != "target"
            and (rule.column not in declared or rule.severity == "critical")
        ):
            declared[rule.column] = rule.type
    return {c: declared.get(c) or _dtype_type(contract.dtypes.get(c)) for c in wanted}


def _dtype_type(dtype: str | None) -> str | None:
    if dtype is None:
        return None
    if dtype.startswith(("int", "uint", "float", "Int", "UInt", "Float", "bool", "boolean")):
        return "numeric"
    if dtype.startswith("datetime"):
        return "datetime"
    if dtype in ("object", "string", "str", "category"):
        return "string"
    return None


@dataclass
class Typed:
    """A frame with the contract's types; ``reasons`` per row ("" = readable), ``dirty`` per column."""

    frame: pd.DataFrame
    reasons: np.ndarray
    dirty: dict[str, list[int]] = field(default_factory=dict)
    """column -> [values read by a dirty-number rule, values no rule reads]."""


def type_frame(frame: pd.DataFrame, types: Mapping[str, str | None], options: ReadOptions) -> Typed:
    """``frame`` with each column of ``types`` in its training type; unreadable cells become row reasons.

    An unreadable numeric cell is set missing in the returned frame (its row is rejected anyway), so the
    contract's range rules still judge the column's other rows.
    """
    out = frame.copy(deep=False)
    reasons = np.full(len(frame), "", dtype=object)
    dirty: dict[str, list[int]] = {}
    rules = NumberRules(options)
    for column, kind in types.items():
        if column not in frame.columns:
            continue
        series = frame[column]
        if kind == "numeric":
            values, bad, parsed = _numbers(series, rules, options)
            out[column] = values
            where = np.flatnonzero(bad != "")
            if parsed or len(where):
                dirty[column] = [parsed, len(where)]
            if len(where):
                text = column + ": " + bad[where]
                current = reasons[where]
                reasons[where] = np.where(current == "", text, current + "; " + text)
        elif kind == "string":
            out[column] = _texts(series)
        elif kind == "datetime":
            out[column] = _times(series)
    return Typed(out, reasons, dirty)


def _numbers(
    series: pd.Series, rules: NumberRules, options: ReadOptions
) -> tuple[pd.Series, np.ndarray, int]:
    """(float column, per-row problem text or "", count of values read by a dirty-number rule)."""
    if pd.api.types.is_numeric_dtype(series.dtype):
        values = series.astype("float64")
        infinite = np.isinf(values.to_numpy())
        bad = np.full(len(series), "", dtype=object)
        if infinite.any():
            bad[infinite] = [_not_finite(v) for v in values.to_numpy()[infinite]]
            values = values.where(~infinite)
        return values, bad, 0
    try:
        return _numbers_by_value(series, rules, options)
    except TypeError:  # unhashable cells (lists, arrays) where numbers belong: read cell by cell
        readings = series.map(lambda v: _read_number(v, rules, options), na_action="ignore")
        values = readings.map(lambda r: r[0], na_action="ignore").astype("float64")
        bad = readings.map(lambda r: r[1] or "", na_action="ignore").fillna("").to_numpy(dtype=object)
        return values, bad, 0


def _numbers_by_value(
    series: pd.Series, rules: NumberRules, options: ReadOptions
) -> tuple[pd.Series, np.ndarray, int]:
    """:func:`_numbers` reading each distinct value once (a column holds few distinct dirty values)."""
    counts = series.dropna().value_counts(sort=False)
    numbers: dict[Any, float] = {}
    problems: dict[Any, str] = {}
    parsed = 0
    for value, count in counts.items():
        number, problem = _read_number(value, rules, options)
        numbers[value] = number
        if problem is not None:
            problems[value] = problem
        elif not _plain_number(value):
            parsed += int(count)
    values = series.map(numbers, na_action="ignore").astype("float64")
    bad = series.map(problems, na_action="ignore").fillna("").to_numpy(dtype=object)
    return values, bad, parsed


def _plain_number(value: object) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)


def _read_number(value: object, rules: NumberRules, options: ReadOptions) -> tuple[float, str | None]:
    """(number, None) when the documented rules read ``value``; (nan, why not) otherwise."""
    if isinstance(value, bool | np.bool_):
        return float(value), None
    kind, number = rules.classify(value)
    if kind == "text" and isinstance(value, str):
        with contextlib.suppress(ValueError):  # 'inf', '-Infinity': read by Python, never a factory value
            number, kind = float(value.strip()), "plain"
    if kind in ("text", "grouped") or (options.dirty_numbers == "fail" and kind != "plain"):
        return math.nan, f"type numeric (got {value})"
    if not math.isnan(number) and not math.isfinite(number):
        return math.nan, _not_finite(value)
    return number, None


def _not_finite(value: object) -> str:
    return f"not a finite number (got {value})"


def _texts(series: pd.Series) -> pd.Series:
    """Text cells as they are; numbers (a category code read as 1 or 1.0) as the text of the number."""
    if isinstance(series.dtype, pd.StringDtype):
        return series
    return series.map(_as_text, na_action="ignore").astype(object)


def _as_text(value: object) -> object:
    if isinstance(value, str | np.ndarray | list | dict):
        return value
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _times(series: pd.Series) -> pd.Series:
    from axpoc.data import parse_time_column
    from axpoc.errors import UserError

    if pd.api.types.is_datetime64_any_dtype(series.dtype) or series.dropna().empty:
        return series
    try:
        return parse_time_column(series)
    except UserError:  # left as read: the contract's type rule names the cells
        return series


def flag_rules(contract: Contract | None, columns: Iterable[str]) -> list[Expectation]:
    """The contract's training-range and category rules (warnings) on the columns the model reads."""
    if contract is None:
        return []
    wanted = set(columns)
    return [
        e
        for e in contract.expectations
        if e.severity == "warning" and e.source != "target" and e.kind in _FLAG_KINDS and e.column in wanted
    ]


@dataclass
class Flags:
    """The flag texts (in the config's language) of the rows that have any, and how often each head
    (what ``--json`` counts) was met."""

    n: int
    items: dict[int, list[str]] = field(default_factory=dict)
    """row position -> its flags; rows without a flag are absent."""
    reasons: Counter[str] = field(default_factory=Counter)

    @property
    def texts(self) -> np.ndarray:
        """One cell per row: the row's flags "; "-joined, "" when none."""
        texts = np.full(self.n, "", dtype=object)
        for i, row in self.items.items():
            texts[i] = "; ".join(row)
        return texts

    def of(self, i: int) -> list[str]:
        return self.items.get(i, [])

    @property
    def flagged(self) -> int:
        return len(self.items)


def input_flags(frame: pd.DataFrame, checker: RowChecker | None, *, language: str) -> Flags:
    """Rows whose values lie outside the training range or hold a category unseen in training."""
    flags = Flags(len(frame))
    if checker is None or not len(frame):
        return flags
    for rule, mask in checker.failing(frame):
        head = _head(rule)
        # the sentence once per rule, the value put in per row
        prefix, suffix = InputFlag("with_value", {"head": head, "value": "\0"}).text(language).split("\0")
        where = np.flatnonzero(mask)
        values = frame[rule.column].to_numpy(dtype=object)[where]
        for i, value in zip(where.tolist(), values, strict=True):
            flags.items.setdefault(i, []).append(f"{prefix}{_shown(value)}{suffix}")
        flags.reasons[head.text(language)] += len(where)
    return flags


def _head(rule: Expectation) -> InputFlag:
    if rule.kind == "between":
        low = "" if rule.min is None else f"{rule.min:.6g}"
        high = "" if rule.max is None else f"{rule.max:.6g}"
        return InputFlag("outside_range", {"column": rule.column, "low": low, "high": high})
    return InputFlag("unseen_category", {"column": rule.column})


def _shown(value: Any) -> str:
    if isinstance(value, float | np.floating):
        return f"{float(value):.6g}"
    return str(value)


def flag_checker(contract: Contract | None, columns: Iterable[str]) -> RowChecker | None:
    """A row checker over :func:`flag_rules` (None when the contract has none)."""
    rules = flag_rules(contract, columns)
    if contract is None or not rules:
        return None
    return RowChecker(
        contract.model_copy(update={"expectations": rules, "digest": expectations_digest(rules)}),
        severity="warning",
    )
