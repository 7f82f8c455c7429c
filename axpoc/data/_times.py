"""Timestamps as plants write them: Korean AM/PM (오전/오후), Korean Windows dates, Excel serial days."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd

from axpoc.errors import UserError

_MAX_SAMPLES = 5
_DATE = r"(\d{4})\s*(?:[-/.]|년)\s*(\d{1,2})\s*(?:[-/.]|월)\s*(\d{1,2})\s*(?:\.|일)?"
_CLOCK = r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
_MERIDIEM = r"(?:오전|오후|AM|PM|am|pm)"
_TIMESTAMP = re.compile(rf"^{_DATE}(?:[ T]+(?:{_MERIDIEM}\s*)?{_CLOCK}(?:\s*{_MERIDIEM})?)?$")
_KOREAN_DATE = re.compile(rf"^{_DATE}")
_MERIDIEM_FIRST = re.compile(rf"({_MERIDIEM})\s*({_CLOCK})")
_MERIDIEM_EN = {"오전": "AM", "오후": "PM"}

# Numeric time columns: (lowest, highest, reading). The ranges do not overlap, so at most one applies.
_EXCEL_ORIGIN = pd.Timestamp("1899-12-30")  # Excel's day 0 on Windows (its 1900 leap-year bug included)
_NUMERIC_RULES: tuple[tuple[float, float, str], ...] = (
    (20_000, 109_574, "excel"),  # serial days 1954-2199
    (19_000_101, 21_001_231, "yyyymmdd"),
    (1e9, 4.2e9, "s"),  # Unix seconds 2001-2103
    (1e12, 4.2e12, "ms"),  # Unix milliseconds
)


def is_timestamp_text(value: object) -> bool:
    """Text shaped like a date or date-time: ISO, dotted, slashed, Korean (년월일), 오전/오후 or AM/PM."""
    return isinstance(value, str) and _TIMESTAMP.match(value.strip()) is not None


def looks_like_timestamps(values: pd.Series) -> bool:
    """Whether there are values and every one of them is date or date-time text."""
    return not values.empty and all(is_timestamp_text(v) for v in pd.unique(values))


def _normalize(text: str) -> str:
    """'2024. 3. 5. 오후 2:13:05' -> '2024-3-5 2:13:05 PM', which pandas parses."""
    text = _KOREAN_DATE.sub(lambda m: f"{m[1]}-{m[2]}-{m[3]} ", text.strip(), count=1).strip()
    return _MERIDIEM_FIRST.sub(lambda m: f"{m[2]} {_MERIDIEM_EN.get(m[1], m[1].upper())}", text)


def _meridiem_in_place(text: str) -> str:
    return text.strip().replace("오전", "AM").replace("오후", "PM")


def parse_time_column(series: pd.Series, *, fmt: str | None = None) -> pd.Series:
    """Parse a time-role column into ``datetime64``; a value that does not parse is a :class:`UserError`.

    Without ``fmt`` text is normalised first ('2024. 3. 5. 오후 2:13' -> '2024-3-5 2:13 PM'). With ``fmt``
    (strftime) only 오전/오후 become AM/PM in place, so '2024-03-05 오후 2:13:05' matches
    '%Y-%m-%d %p %I:%M:%S'. Numbers are read by range: Excel serial days, yyyymmdd, Unix s or ms.
    Numbers in none of these ranges (a cycle counter, say) are returned unchanged: they still order rows.
    """
    if pd.api.types.is_datetime64_any_dtype(series):
        return series
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return _from_numbers(series, fmt)
    clean = _normalize if fmt is None else _meridiem_in_place
    text = series.map(lambda v: clean(str(v)), na_action="ignore")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "could not infer format": we check every value below
        parsed = pd.to_datetime(text, format=fmt, errors="coerce")
        retry = parsed.isna() & text.notna()
        if fmt is None and retry.any():
            parsed[retry] = pd.to_datetime(text[retry], format="mixed", errors="coerce")
    _check_all_parsed(series, parsed, fmt)
    return parsed


def _from_numbers(series: pd.Series, fmt: str | None) -> pd.Series:
    values = series.dropna()
    if fmt is not None:
        text = series.map(lambda v: f"{v:.0f}" if float(v).is_integer() else str(v), na_action="ignore")
        parsed = pd.to_datetime(text, format=fmt, errors="coerce")
        _check_all_parsed(series, parsed, fmt)
        return parsed
    if values.empty:
        return series
    low, high = float(values.min()), float(values.max())
    rule = next((r for lowest, highest, r in _NUMERIC_RULES if lowest <= low and high <= highest), None)
    if rule == "excel":
        days = pd.to_timedelta(series.astype("float64"), unit="D")
        return (_EXCEL_ORIGIN + days).dt.round("ms")
    if rule == "yyyymmdd" and np.all(np.mod(values.to_numpy(dtype="float64"), 1) == 0):
        return _from_numbers(series, "%Y%m%d")
    if rule in ("s", "ms"):
        return pd.to_datetime(series.astype("float64"), unit=rule)
    return series


def _check_all_parsed(series: pd.Series, parsed: pd.Series, fmt: str | None) -> None:
    failed = series[parsed.isna() & series.notna()]
    if failed.empty:
        return
    samples = ", ".join(repr(str(v)) for v in pd.unique(failed)[:_MAX_SAMPLES])
    how = f"with columns.time_format '{fmt}'" if fmt else "as a date-time"
    raise UserError(
        f"Time column '{series.name}': {len(failed)} of {int(series.notna().sum())} values could not be read "
        f"{how}, e.g. {samples}. Fix those values in the data, or set columns.time_format to their strftime "
        "format, e.g. '%Y-%m-%d %p %I:%M:%S' for '2024-03-05 오후 2:13:05' (오전/오후 are read as %p)."
    )
