"""Dirty numbers in numeric columns, read by documented rules and counted, never silently made NaN.

A text column is *numeric* when at least ``NUMERIC_SHARE`` (80 %) of its values that are not missing
look like numbers under the rules below (and at least one does). In such a column:

=========================  ===============================  =========================================
value                      read as                          counted as
=========================  ===============================  =========================================
``<0.01``, ``>500``        the number (also <=, >=, ≤, ≥)   ``censored`` (a detection limit)
``158(Hv30)``, ``224Hv10``  the leading number               ``annotated`` (a unit, scale or remark
``67tot33res``                                              after it); a column with more of these
                                                            than plain numbers holds codes: text
``150-200``, ``150~200``   the midpoint (175)               ``ranges`` (low <= high, else unparsable)
``N/A``, ``-``, ``N``,     missing                          ``missing_tokens`` (see ``MISSING_TOKENS``)
``없음``
``1,234``                  1234, only when                  ``thousands``
                           ``read.thousands`` is set
anything else              kept as text                     ``unparsable`` (up to 5 samples): a
                                                            validation failure
=========================  ===============================  =========================================

A column with any unparsable value is left exactly as read, so nothing is lost; the validation layer
reports it. With ``read.dirty_numbers: fail`` every dirty value counts as unparsable. Text columns
whose every value is a date or date-time (ISO, dotted, Korean, 오전/오후) become ``datetime64``.
The counts travel in a :class:`DirtyReport`; its :meth:`DirtyReport.notes` say them in Korean or English.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd

from axpoc._columns import is_curve_cell
from axpoc.config import ReadOptions
from axpoc.data._times import looks_like_timestamps, parse_time_column
from axpoc.errors import UserError
from axpoc.i18n import DirtyNote, joined

NUMERIC_SHARE = 0.8
"""Share of non-missing values that must look numeric for a text column to be treated as numeric."""

MAX_SAMPLES = 5

MISSING_TOKENS = frozenset(
    {
        "",
        "n/a",
        "na",
        "nan",
        "null",
        "none",
        "n",
        "-",
        "--",
        "없음",
        "#n/a",
        "#div/0!",
        "#value!",
        "#ref!",
        "#num!",
    }
)
"""Text read as missing (compared stripped and lower-cased); Excel error codes included."""

KINDS = ("censored", "annotated", "ranges", "missing_tokens", "thousands")
"""The rules that read a dirty value, in the order they are reported."""


@dataclass
class DirtyColumn:
    """What the rules did in one column."""

    censored: int = 0
    annotated: int = 0
    ranges: int = 0
    missing_tokens: int = 0
    thousands: int = 0
    unparsable: int = 0
    samples: list[str] = field(default_factory=list)
    """Up to five distinct unparsable values, as they appear in the data."""
    converted: bool = False
    hint: DirtyNote = field(default_factory=lambda: DirtyNote("no_hint"))

    @property
    def parsed(self) -> int:
        return sum(getattr(self, kind) for kind in KINDS)

    def counts(self) -> dict[str, int]:
        """Per rule (and ``unparsable``), the values it met; rules that met none are left out."""
        named = {kind: getattr(self, kind) for kind in (*KINDS, "unparsable")}
        return {kind: n for kind, n in named.items() if n}

    def note(self, column: str) -> DirtyNote:
        """What the rules did in ``column``, one sentence (English as a string, Korean via ``text('ko')``)."""
        parts = [DirtyNote(kind, {"n": getattr(self, kind)}) for kind in KINDS if getattr(self, kind)]
        if self.unparsable:
            shown = ", ".join(repr(s) for s in self.samples)
            parts.append(DirtyNote("unparsable", {"n": self.unparsable, "samples": shown, "hint": self.hint}))
        return DirtyNote("column", {"column": column, "parts": joined(*parts)})


@dataclass
class DirtyReport:
    """Per column, the dirty values met; ``times`` lists text columns read as timestamps."""

    columns: dict[str, DirtyColumn] = field(default_factory=dict)
    times: list[str] = field(default_factory=list)
    mode: str = "parse"

    @property
    def unparsable(self) -> dict[str, list[str]]:
        """Column -> sample values, for every column the rules could not read (a validation failure)."""
        return {name: col.samples for name, col in self.columns.items() if col.unparsable}

    @property
    def parsed(self) -> int:
        return sum(col.parsed for col in self.columns.values())

    def counts(self) -> dict[str, dict[str, int]]:
        """Column -> rule -> values met: what ``validate --json`` and ``profile --json`` print."""
        return {name: col.counts() for name, col in self.columns.items()}

    def notes(self) -> list[DirtyNote]:
        """One sentence per column: what the rules read, and what they left as text."""
        notes = [col.note(name) for name, col in self.columns.items()]
        return notes + [DirtyNote("times", {"column": name}) for name in self.times]

    def merge(self, other: DirtyReport) -> DirtyReport:
        return DirtyReport(
            columns={**self.columns, **other.columns}, times=[*self.times, *other.times], mode=self.mode
        )


class NumberRules:
    """The value patterns for one decimal mark and (optional) thousands separator."""

    def __init__(self, options: ReadOptions) -> None:
        dec = re.escape(options.decimal)
        number = rf"[-+]?(?:\d+(?:{dec}\d*)?|{dec}\d+)(?:[eE][-+]?\d+)?"
        self.decimal = options.decimal
        self.thousands = options.thousands
        group = options.thousands or ("." if options.decimal == "," else ",")
        self.group = group
        self.plain = re.compile(rf"^{number}$")
        self.censored = re.compile(rf"^(?:<=|>=|≤|≥|<|>)\s*({number})$")
        # the leading number, then a remark in parentheses or anything that starts with a letter
        self.annotated = re.compile(rf"^({number})\s*(?:\([^()]*\)|[^\W\d_].*)$")
        bare = rf"(?:\d+(?:{dec}\d*)?|{dec}\d+)"
        self.range = re.compile(rf"^({bare})\s*[-~–]\s*({bare})$")
        self.grouped = re.compile(rf"^[-+]?\d{{1,3}}(?:{re.escape(group)}\d{{3}})+(?:{dec}\d+)?$")

    def _float(self, text: str) -> float:
        return float(text.replace(self.decimal, ".") if self.decimal != "." else text)

    def classify(self, value: object) -> tuple[str, float]:
        """(kind, number): kind is plain, grouped, text or one of ``KINDS``; a range gives its midpoint."""
        if isinstance(value, int | float | Decimal | np.integer | np.floating) and not isinstance(
            value, bool
        ):
            return "plain", float(value)
        if not isinstance(value, str):
            return "text", np.nan
        text = value.strip()
        if text.lower() in MISSING_TOKENS:
            return "missing_tokens", np.nan
        if self.plain.match(text):
            return "plain", self._float(text)
        if match := self.censored.match(text):
            return "censored", self._float(match[1])
        if match := self.annotated.match(text):
            return "annotated", self._float(match[1])
        if (match := self.range.match(text)) and (low := self._float(match[1])) <= (
            high := self._float(match[2])
        ):
            return "ranges", (low + high) / 2
        if self.grouped.match(text):
            if self.thousands is None:
                return "grouped", np.nan
            return "thousands", self._float(text.replace(self.thousands, ""))
        return "text", np.nan


def clean_numbers(
    frame: pd.DataFrame, options: ReadOptions | None = None, *, exclude: Collection[str] = ()
) -> tuple[pd.DataFrame, DirtyReport]:
    """Read dirty numbers in the text columns that are numeric by the module's rule; see the module doc.

    Returns a new frame (``frame`` is not changed) and the report, whose notes the verbs and the report
    show. Columns in ``exclude`` (ids, codes) are never touched.
    """
    options = options or ReadOptions()
    rules = NumberRules(options)
    report = DirtyReport(mode=options.dirty_numbers)
    out = frame.copy(deep=False)
    for name in frame.columns:
        series = frame[name]
        if name in exclude or not (
            pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)
        ):
            continue
        values = series.dropna()
        if values.empty or is_curve_cell(values.iloc[0]) or isinstance(values.iloc[0], dict):
            continue
        counts = values.value_counts(sort=False)
        kinds = {value: rules.classify(value) for value in counts.index}
        column = _tally(counts, kinds, rules, options)
        if column is None:
            if looks_like_timestamps(values):
                try:
                    out[name] = parse_time_column(series)
                except (
                    UserError
                ):  # shaped like dates but not valid ones ('2024-13-45'): the column stays text
                    continue
                report.times.append(str(name))
            continue
        if not column.unparsable:
            out[name] = series.map({v: number for v, (_, number) in kinds.items()}).astype("float64")
            column.converted = True
        if column.parsed or column.unparsable:
            report.columns[str(name)] = column
    return out, report


def _tally(
    counts: pd.Series, kinds: dict[object, tuple[str, float]], rules: NumberRules, options: ReadOptions
) -> DirtyColumn | None:
    """Count the kinds in one column; None when the column is not numeric by the 80 % rule, or when
    annotated values outnumber plain numbers."""
    by_kind: dict[str, int] = {}
    for value, n in counts.items():
        kind = kinds[value][0]
        by_kind[kind] = by_kind.get(kind, 0) + int(n)
    numeric = sum(by_kind.get(k, 0) for k in ("plain", "grouped", *KINDS) if k != "missing_tokens")
    present = int(counts.sum()) - by_kind.get("missing_tokens", 0)
    if numeric == 0 or numeric / present < NUMERIC_SHARE:
        return None
    if by_kind.get("annotated", 0) > by_kind.get("plain", 0):
        return None  # codes that start with digits ('3A', '3B', '4A'), not numbers with remarks
    failing = {"text", "grouped"} | (set(KINDS) if options.dirty_numbers == "fail" else set())
    column = DirtyColumn(unparsable=sum(by_kind.get(k, 0) for k in failing))
    if options.dirty_numbers == "parse":
        for kind in KINDS:
            setattr(column, kind, by_kind.get(kind, 0))
    column.samples = [str(v) for v, (kind, _) in kinds.items() if kind in failing][:MAX_SAMPLES]
    if "grouped" in by_kind:
        column.hint = DirtyNote("hint_thousands", {"group": rules.group})
    elif options.dirty_numbers == "fail" and column.unparsable:
        column.hint = DirtyNote("hint_fail")
    return column
