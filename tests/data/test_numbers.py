"""Dirty numbers are read by the documented rules and counted; what no rule reads is reported, never NaN."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from axpoc.config import ReadOptions
from axpoc.data._numbers import NUMERIC_SHARE, clean_numbers
from axpoc.data._times import parse_time_column
from axpoc.errors import UserError

EVERY_RULE = [
    "12.5",
    "<0.01",
    "> 100",
    "158(Hv30)",
    "160 (Hv10)",
    "N/A",
    "-",
    "N",
    "  ",
    "1,234",
    "7",
    "-3e2",
]


def _frame(values: list[object]) -> pd.DataFrame:
    return pd.DataFrame({"경도": values, "판정": ["OK"] * len(values)})


def test_every_rule_is_applied_and_counted() -> None:
    out, report = clean_numbers(_frame(EVERY_RULE), ReadOptions(thousands=","))
    expected = [12.5, 0.01, 100.0, 158.0, 160.0, np.nan, np.nan, np.nan, np.nan, 1234.0, 7.0, -300.0]
    np.testing.assert_array_equal(out["경도"].to_numpy(), np.array(expected))
    assert out["경도"].dtype == np.float64
    column = report.columns["경도"]
    counts = (column.censored, column.annotated, column.missing_tokens, column.thousands, column.unparsable)
    assert counts == (2, 2, 4, 1, 0)
    assert column.converted and report.parsed == 9 and report.unparsable == {}
    assert out["판정"].tolist() == ["OK"] * 12 and "판정" not in report.columns


def test_thousands_not_configured_is_unparsable_with_a_hint() -> None:
    values = ["1,234", "2,500", "12", "13", "14", "15", "16", "17"]
    out, report = clean_numbers(_frame(values), ReadOptions())
    column = report.columns["경도"]
    assert (column.unparsable, column.samples, column.converted) == (2, ["1,234", "2,500"], False)
    assert "set data.read.thousands: ','" in column.note("경도")
    assert out["경도"].tolist() == values  # left exactly as read


def test_text_in_a_numeric_column_is_reported_with_samples() -> None:
    values = [
        "1.5",
        "2.0",
        "측정불가",
        "3",
        "<0.5",
        "4",
        "abc",
        "5",
        "6",
        "7",
        "8",
        "측정불가",
        "9",
        "10",
        "11",
        "N/A",
    ]
    assert NUMERIC_SHARE == 12 / 15  # 12 numbers among 15 values that are not missing tokens
    out, report = clean_numbers(_frame(values), ReadOptions())
    assert "3 unparsable, e.g. '측정불가', 'abc'; column left as text" in report.notes()[0]
    assert report.unparsable == {"경도": ["측정불가", "abc"]}
    column = report.columns["경도"]
    assert (column.unparsable, column.censored, column.missing_tokens) == (3, 1, 1)
    assert out["경도"].tolist() == values
    assert not out["경도"].isna().any()


def test_mostly_text_columns_are_not_numeric() -> None:
    values = ["A1", "B2", "7", "C3", "D4"]  # 1 of 5 numeric: below the 80 % rule
    assert NUMERIC_SHARE > 1 / 5
    out, report = clean_numbers(_frame(values), ReadOptions())
    assert out["경도"].tolist() == values
    assert report.columns == {}


def test_fail_mode_counts_every_dirty_value_as_unparsable() -> None:
    values = ["1", "<0.01", "N/A", "2", "3", "4", "5", "6", "7", "8"]
    out, report = clean_numbers(_frame(values), ReadOptions(dirty_numbers="fail"))
    assert "dirty_numbers is 'fail'" in report.notes()[0]
    column = report.columns["경도"]
    assert (column.unparsable, column.samples, column.censored) == (2, ["<0.01", "N/A"], 0)
    assert out["경도"].tolist() == values


def test_decimal_comma_and_dot_thousands() -> None:
    values = ["1,5", "<0,01", "1.234,5", "2"]
    out, report = clean_numbers(_frame(values), ReadOptions(decimal=",", thousands="."))
    assert out["경도"].tolist() == [1.5, 0.01, 1234.5, 2.0]
    assert (report.columns["경도"].censored, report.columns["경도"].thousands) == (1, 1)


def test_excel_mixed_cells_and_clean_text_convert_without_a_note() -> None:
    frame = pd.DataFrame({"a": pd.Series([1.5, 2, "3.25"], dtype=object), "b": ["1", "2", "3"]})
    out, report = clean_numbers(frame, ReadOptions())
    assert out["a"].tolist() == [1.5, 2.0, 3.25] and out["b"].tolist() == [1.0, 2.0, 3.0]
    assert report.columns == {}
    assert frame["b"].tolist() == ["1", "2", "3"]  # the input is not changed


def test_excluded_columns_are_untouched() -> None:
    frame = pd.DataFrame({"lot": ["0012", "0013", "<1"], "v": ["1", "2", "<1"]})
    out, report = clean_numbers(frame, ReadOptions(), exclude={"lot"})
    assert out["lot"].tolist() == ["0012", "0013", "<1"]
    assert out["v"].tolist() == [1.0, 2.0, 1.0] and list(report.columns) == ["v"]


def test_text_timestamps_with_korean_am_pm_become_datetimes() -> None:
    frame = pd.DataFrame(
        {"일시": ["2024-03-05 오후 2:13:05", "2024-03-05 오전 12:05:00", "2024. 3. 6. 오후 12:30:00"]}
    )
    out, report = clean_numbers(frame, ReadOptions())
    assert report.times == ["일시"]
    assert out["일시"].tolist() == [
        pd.Timestamp("2024-03-05 14:13:05"),
        pd.Timestamp("2024-03-05 00:05:00"),
        pd.Timestamp("2024-03-06 12:30:00"),
    ]


def test_date_shaped_text_that_is_no_date_stays_text() -> None:
    frame = pd.DataFrame({"코드": ["2024-13-45", "2024-01-02"]})
    out, report = clean_numbers(frame, ReadOptions())
    assert out["코드"].tolist() == ["2024-13-45", "2024-01-02"]
    assert report.times == [] and report.columns == {}


def test_parse_time_column_text_and_format() -> None:
    text = pd.Series(["2024/03/05 PM 2:13", "2024/03/05 AM 9:00"], name="t")
    assert parse_time_column(text).dt.hour.tolist() == [14, 9]
    fixed = parse_time_column(pd.Series(["05.03.2024 14:13"], name="t"), fmt="%d.%m.%Y %H:%M")
    assert fixed.iloc[0] == pd.Timestamp("2024-03-05 14:13")
    korean = parse_time_column(pd.Series(["2024.03.05 오후 2:13:05"], name="t"), fmt="%Y.%m.%d %p %I:%M:%S")
    assert korean.iloc[0] == pd.Timestamp("2024-03-05 14:13:05")


def test_parse_time_column_excel_serials_and_numbers() -> None:
    serial = parse_time_column(pd.Series([45356.5, 45357.25], name="t"))
    assert serial.tolist() == [pd.Timestamp("2024-03-05 12:00"), pd.Timestamp("2024-03-06 06:00")]
    ymd = parse_time_column(pd.Series([20240305, 20240306], name="t"))
    assert ymd.tolist() == [pd.Timestamp("2024-03-05"), pd.Timestamp("2024-03-06")]
    epoch = parse_time_column(pd.Series([1_709_647_985], name="t"))
    assert epoch.iloc[0] == pd.Timestamp("2024-03-05 14:13:05")
    counter = pd.Series([1, 2, 3], name="t")
    assert parse_time_column(counter) is counter  # a cycle counter still orders rows


def test_unreadable_time_values_are_an_error_with_samples() -> None:
    series = pd.Series(["2024-03-05 14:00", "어제", "2024-03-06 15:00", "모름"], name="생산일시")
    with pytest.raises(
        UserError, match=r"'생산일시': 2 of 4 values could not be read .*'어제', '모름'.*time_format"
    ):
        parse_time_column(series)


def test_hardness_annotations_ranges_and_korean_missing_words() -> None:
    """The weld database's hardness column: remarks after the number, ranges, and '없음' / 'n/a'."""
    values = ["158(Hv30)", "224Hv10", "67tot33res", "150-200", "180 ~ 190", "없음", "n/a", "N", "-", "<5"]
    values += ["201", "199.5", "187"]
    out, report = clean_numbers(_frame(values), ReadOptions())
    expected = [158.0, 224.0, 67.0, 175.0, 185.0, np.nan, np.nan, np.nan, np.nan, 5.0, 201.0, 199.5, 187.0]
    np.testing.assert_array_equal(out["경도"].to_numpy(), np.array(expected))
    assert report.counts() == {"경도": {"censored": 1, "annotated": 3, "ranges": 2, "missing_tokens": 4}}
    note = report.notes()[0]
    assert str(note) == (
        "numeric column '경도': 1 censored read as the limit ('<0.01' -> 0.01); 3 annotated read as the "
        "leading number ('158(Hv30)' -> 158); 2 ranges read as the midpoint ('150-200' -> 175); 4 missing "
        "tokens read as missing ('N/A', '-', 'N', '없음')"
    )
    korean = note.text("ko")
    assert korean.startswith("숫자 열 '경도': 검출 한계 값 1개") and "범위 값 2개를 중간값으로 읽음" in korean


def test_a_range_whose_ends_are_reversed_is_not_read() -> None:
    values = ["200-150", *[str(v) for v in range(10, 20)]]
    out, report = clean_numbers(_frame(values), ReadOptions())
    assert report.unparsable == {"경도": ["200-150"]} and out["경도"].tolist() == values


def test_mostly_text_with_annotations_stays_text() -> None:
    """The 80 % rule, and codes that start with digits (mold '3A', '3B') are no numbers with remarks."""
    for values in (["3A", "lot B", "C-7", "D4", "E5"], ["3A", "3B", "4A", "12", "4A"]):
        out, report = clean_numbers(_frame(values), ReadOptions())
        assert out["경도"].tolist() == values and report.columns == {}


def test_clean_numbers_never_warns() -> None:
    """Counts travel in the report (validate, profile, the report's notes), never as a Python warning."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clean_numbers(_frame(EVERY_RULE), ReadOptions())
