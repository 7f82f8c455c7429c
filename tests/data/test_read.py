"""Reading files the way plants export them: encodings, separators, title rows, disguised .xls, SQL."""

from __future__ import annotations

import gzip
import sqlite3
import struct
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from axpoc.config import ReadOptions
from axpoc.data import FileCutOff, check_complete
from axpoc.data._read import detect_header_row, read_files, read_table
from axpoc.data._roles import SOURCE_COLUMN
from axpoc.data._sql import read_sql
from axpoc.data._write import write_csv, write_table
from axpoc.errors import UserError, ValidationFailed

KOREAN_CSV = "금형온도,사출압력,불량여부\n180.5,95.2,양품\n182.0,96.1,불량\n179.8,94.7,양품\n"


def _excel_with_title(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "생산일보"
    sheet["A1"] = "2024년 3월 사출 생산 일보"
    sheet["A2"] = "라인: A"
    sheet.append(["금형온도", "사출압력", "불량여부"])
    for row in ([180.5, 95.2, "양품"], [182.0, 96.1, "불량"], [179.8, 94.7, "양품"]):
        sheet.append(row)
    book.create_sheet("메모")
    book.save(path)
    return path


def test_cp949_csv_keeps_korean_headers(tmp_path: Path) -> None:
    path = tmp_path / "사출.csv"
    path.write_bytes(KOREAN_CSV.encode("cp949"))
    frame, info = read_table(path, ReadOptions())
    assert list(frame.columns) == ["금형온도", "사출압력", "불량여부"]
    assert frame["불량여부"].tolist() == ["양품", "불량", "양품"]
    assert frame["금형온도"].tolist() == [180.5, 182.0, 179.8]
    assert (info.encoding, info.separator, info.header_row, info.rows, info.columns) == (
        "cp949",
        ",",
        1,
        3,
        3,
    )
    assert "encoding cp949 detected" in info.notes


def test_declared_euc_kr_reads_cp949_only_syllables(tmp_path: Path) -> None:
    path = tmp_path / "lot.csv"
    path.write_bytes("작업자,값\n똠방각하,1\n".encode("cp949"))  # '똠' exists in CP949, not in strict EUC-KR
    frame, info = read_table(path, ReadOptions(encoding="euc-kr"))
    assert frame["작업자"].tolist() == ["똠방각하"]
    assert info.encoding == "cp949"


def test_wrong_declared_encoding_names_file_and_fix(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(KOREAN_CSV.encode("cp949"))
    with pytest.raises(UserError, match=r"a\.csv: cannot be read as utf-8 .*data\.read\.encoding"):
        read_table(path, ReadOptions(encoding="utf-8"))


def test_utf8_bom_is_not_part_of_the_first_header(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(KOREAN_CSV.encode("utf-8-sig"))
    frame, info = read_table(path, ReadOptions())
    assert frame.columns[0] == "금형온도"
    assert info.encoding == "utf-8-sig"


def test_utf16_tab_text_from_excel_unicode_export(tmp_path: Path) -> None:
    path = tmp_path / "unicode.txt"
    path.write_bytes(KOREAN_CSV.replace(",", "\t").encode("utf-16"))
    frame, info = read_table(path, ReadOptions())
    assert (info.encoding, info.separator) == ("utf-16", "\t")
    assert frame.shape == (3, 3)
    assert frame["사출압력"].sum() == pytest.approx(286.0)


def test_semicolon_separator_with_decimal_comma(tmp_path: Path) -> None:
    path = tmp_path / "eu.csv"
    path.write_text("temp;press;ok\n180,5;95,25;1\n182,0;96,1;0\n", encoding="utf-8")
    frame, info = read_table(path, ReadOptions(decimal=","))
    assert info.separator == ";"
    assert frame["temp"].tolist() == [180.5, 182.0]
    assert frame["press"].tolist() == [95.25, 96.1]


def test_undeclared_decimal_comma_is_detected_and_noted(tmp_path: Path) -> None:
    path = tmp_path / "eu.csv"
    path.write_text("temp;press;ok\n180,5;1006,0;1\n182,0;96,1;0\n179,25;95,0;0\n", encoding="utf-8")
    frame, info = read_table(path)
    assert frame["temp"].tolist() == [180.5, 182.0, 179.25] and frame["press"].dtype == float
    assert any("decimal mark ',' detected" in note for note in info.notes)
    thousands = tmp_path / "thousands.csv"
    thousands.write_text("count;ok\n1,234;1\n2,500;0\n3,750;0\n", encoding="utf-8")
    frame, info = read_table(thousands)
    assert frame["count"].tolist() == ["1,234", "2,500", "3,750"]  # ambiguous: left to the number rules


def test_decimal_comma_is_never_taken_for_the_separator(tmp_path: Path) -> None:
    path = tmp_path / "eu.txt"
    path.write_text("1,5;2,5\n3,5;4,25\n", encoding="utf-8")
    frame, info = read_table(path, ReadOptions(decimal=",", header_row=1))
    assert info.separator == ";"
    assert frame.iloc[0].tolist() == [3.5, 4.25]


def test_csv_title_rows_are_skipped_and_noted(tmp_path: Path) -> None:
    path = tmp_path / "mes.csv"
    path.write_text(
        "사출 실적 보고서\n기간: 2024-03\n\nlot,temp,result\nA1,180.5,OK\nA2,181.0,NG\n", encoding="utf-8"
    )
    frame, info = read_table(path, ReadOptions())
    assert info.header_row == 4
    assert list(frame.columns) == ["lot", "temp", "result"]
    assert frame["temp"].tolist() == [180.5, 181.0]
    assert any("header detected on row 4" in note for note in info.notes)


def test_repeated_header_lines_are_dropped_and_the_columns_stay_numbers(tmp_path: Path) -> None:
    path = tmp_path / "pages.csv"
    path.write_text("id,temp,ok\n1,180.5,OK\n2,181.0,NG\nid,temp,ok\n3,179.5,OK\n", encoding="utf-8")
    frame, info = read_table(path)
    assert frame["id"].tolist() == [1, 2, 3] and frame["temp"].dtype == float
    assert info.notes == ["dropped 1 repeated header row(s): row 4"]


def test_summary_line_at_the_end_is_dropped_but_not_in_the_middle(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["샷번호", "중량", "판정"])
    for row in (
        [1, 10.5, "OK"],
        ["계", 3.0, "OK"],
        *([i, 11.0, "NG"] for i in (2, 3, 4)),
        [" 합 계", 45, "NG 3건"],
    ):
        sheet.append(row)
    book.save(tmp_path / "daily.xlsx")
    frame, info = read_table(tmp_path / "daily.xlsx")
    assert frame["샷번호"].tolist() == [1, "계", 2, 3, 4]  # only the last rows can be a summary
    assert info.notes[-1] == "dropped the summary row 7 ('합 계') at the end"
    assert info.notes[-1].text("ko") == "끝의 합계 행 7행 ('합 계')을 뺌"  # Korean reports say it in Korean


def test_gzip_csv(tmp_path: Path) -> None:
    path = tmp_path / "log.csv.gz"
    path.write_bytes(gzip.compress(KOREAN_CSV.encode("cp949")))
    frame, info = read_table(path, ReadOptions())
    assert info.encoding == "cp949"
    assert frame.shape == (3, 3)


def test_na_words_stay_text_for_the_dirty_number_rules(tmp_path: Path) -> None:
    path = tmp_path / "na.csv"
    path.write_text("a,b\n1,N/A\n2,\n3,NA\n", encoding="utf-8")
    frame, _ = read_table(path, ReadOptions())
    assert frame["b"].tolist()[0] == "N/A"
    assert frame["b"].isna().tolist() == [False, True, False]


def test_lines_with_more_fields_are_rejected_data_naming_every_line(tmp_path: Path) -> None:
    """Exit 1 (data rejected), as predict refuses them and as a cut-off last line is refused: the fix is in
    the file, not in the config or the command."""
    path = tmp_path / "ragged.csv"
    path.write_text("a,b,c\n1,2,3\n4,5,6,7\n", encoding="utf-8")
    with pytest.raises(
        ValidationFailed, match=r"ragged\.csv: line 3 has 4 fields where the header has 3"
    ) as caught:
        read_table(path, ReadOptions())
    assert caught.value.exit_code == 1
    path.write_text(
        "보고서\n\na,b,c\n1,2,3\n4,5,6,7\n5,6,7\n7,8,,9\n", encoding="utf-8"
    )  # title rows count too
    with pytest.raises(ValidationFailed, match=r"ragged\.csv: lines 5, 7 have more fields"):
        read_table(path, ReadOptions())
    # every line one field longer than the header (a separator at each line's end): pandas would take each
    # row's first field as its index and read every value one column off, without a word
    path.write_text("a,b,c\n1,2,3,\n4,5,6,\n", encoding="utf-8")
    with pytest.raises(
        ValidationFailed, match=r"ragged\.csv: lines 2, 3 have more fields where the header has 3"
    ):
        read_table(path, ReadOptions())
    packed = tmp_path / "ragged.csv.gz"  # the lines are counted in the decompressed text
    packed.write_bytes(gzip.compress(b"a,b,c\n1,2,3\n4,5,6,7\n5,6,7\n7,8,,9\n"))
    with pytest.raises(ValidationFailed, match=r"ragged\.csv\.gz: lines 3, 5 have more fields"):
        read_table(packed, ReadOptions())


def test_excel_header_on_row_3_detected_and_declared(tmp_path: Path) -> None:
    path = _excel_with_title(tmp_path / "일보.xlsx")
    frame, info = read_table(path, ReadOptions())
    assert (info.header_row, info.sheet, info.format) == (3, "생산일보", "excel")
    assert list(frame.columns) == ["금형온도", "사출압력", "불량여부"]
    assert frame["사출압력"].tolist() == [95.2, 96.1, 94.7]
    assert any("header detected on row 3" in note for note in info.notes)
    declared, info = read_table(path, ReadOptions(header_row=3))
    pd.testing.assert_frame_equal(declared, frame)
    assert not any("header detected" in note for note in info.notes)


def test_excel_sheet_not_found_lists_sheets(tmp_path: Path) -> None:
    path = _excel_with_title(tmp_path / "book.xlsx")
    with pytest.raises(UserError, match=r"no sheet named '생산'.*Did you mean '생산일보'.*'메모'"):
        read_table(path, ReadOptions(sheet="생산"))
    with pytest.raises(UserError, match=r"sheet 5 is out of range; the workbook has 2 sheet"):
        read_table(path, ReadOptions(sheet=5))
    frame, _ = read_table(path, ReadOptions(sheet=1))
    assert frame.empty


def test_xls_that_is_html_with_a_merged_title_row(tmp_path: Path) -> None:
    path = tmp_path / "mes_export.xls"
    html = (
        "<html><head><meta charset='euc-kr'></head><body><table>"
        "<tr><td colspan='3'>설비 가동 이력</td></tr>"
        "<tr><td>설비</td><td>온도</td><td>판정</td></tr>"
        "<tr><td>M-01</td><td>1,180</td><td>OK</td></tr>"
        "<tr><td>M-02</td><td>175.5</td><td>NG</td></tr>"
        "</table></body></html>"
    )
    path.write_bytes(html.encode("cp949"))
    frame, info = read_table(path, ReadOptions())
    assert (info.format, info.encoding, info.header_row) == ("html", "cp949", 2)
    assert list(frame.columns) == ["설비", "온도", "판정"]
    assert frame["온도"].tolist() == ["1,180", "175.5"]  # thousands stay text until the rules count them


def test_xls_that_is_tab_separated_text(tmp_path: Path) -> None:
    path = tmp_path / "export.xls"
    path.write_bytes(KOREAN_CSV.replace(",", "\t").encode("cp949"))
    frame, info = read_table(path, ReadOptions())
    assert (info.format, info.encoding, info.separator) == ("text-xls", "cp949", "\t")
    assert list(frame.columns) == ["금형온도", "사출압력", "불량여부"]
    assert any("saved under an .xls name" in note for note in info.notes)


def test_xlsx_saved_as_xls_is_read(tmp_path: Path) -> None:
    path = _excel_with_title(tmp_path / "renamed.xlsx").rename(tmp_path / "renamed.xls")
    frame, info = read_table(path, ReadOptions())
    assert frame.shape == (3, 3)
    assert "an .xlsx workbook saved under a '.xls' name" in info.notes
    csv_named = path.rename(tmp_path / "renamed.csv")
    frame, info = read_table(csv_named, ReadOptions())
    assert frame.shape == (3, 3) and info.format == "excel"


def _biff8_xls(rows: list[list[object]], sheet: str) -> bytes:
    """A genuine one-sheet .xls (BIFF8 in an OLE2 container), as old Excel and MES exports write it."""

    def record(code: int, data: bytes = b"") -> bytes:
        return struct.pack("<HH", code, len(data)) + data

    def text(value: str, width: str) -> bytes:
        return struct.pack(width, len(value)) + b"\x01" + value.encode("utf-16-le")

    def bof(kind: int) -> bytes:
        return record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0, 0, 0, 0x0600))

    cells = b"".join(
        record(0x0204, struct.pack("<HHH", r, c, 0) + text(v, "<H"))
        if isinstance(v, str)
        else record(0x0203, struct.pack("<HHHd", r, c, 0, v))
        for r, row in enumerate(rows)
        for c, v in enumerate(row)
    )
    font = record(0x0031, struct.pack("<HHHHHBBBB", 200, 0, 0x7FFF, 400, 0, 0, 0, 0, 0) + text("Arial", "<B"))
    xf = record(0x00E0, struct.pack("<HHHBBBBIiH", 0, 0, 0xFFF5, 0x20, 0, 0, 0, 0, 0, 0x20C0))
    head = bof(0x05) + font * 5 + xf * 16

    def boundsheet(offset: int) -> bytes:
        return record(0x0085, struct.pack("<IBB", offset, 0, 0) + text(sheet, "<B"))

    offset = len(head + boundsheet(0) + record(0x000A))
    stream = head + boundsheet(offset) + record(0x000A) + bof(0x10) + cells + record(0x000A)
    stream = stream.ljust(max(4096, -(-len(stream) // 512) * 512), b"\x00")  # no mini stream below 4096
    n, end, free = len(stream) // 512, 0xFFFFFFFE, 0xFFFFFFFF
    fat = [*range(1, n), end, end, 0xFFFFFFFD]

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        raw = (name + "\x00").encode("utf-16-le") if name else b""
        ids = struct.pack("<HBBIII", len(raw), kind, 1, free, free, child)
        return raw.ljust(64, b"\x00") + ids + b"\x00" * 36 + struct.pack("<IQ", start, size)

    directory = entry("Root Entry", 5, 1, end, 0) + entry("Workbook", 2, free, 0, len(stream))
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + struct.pack("<5H", 0x3E, 3, 0xFFFE, 9, 6)
    header += b"\x00" * 6 + struct.pack("<9I", 0, 1, n, 0, 4096, end, 0, end, 0)
    header += struct.pack("<109I", n + 1, *[free] * 108)
    return (
        header
        + stream
        + directory.ljust(512, b"\x00")
        + struct.pack("<128I", *fat, *[free] * (128 - len(fat)))
    )


def test_genuine_binary_xls_with_title_rows(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["생산일보"],
        [],
        ["금형온도", "사출압력", "불량여부"],
        [180.5, 95.2, "양품"],
        [182.0, 96.1, "불량"],
    ]
    path = tmp_path / "old.xls"
    path.write_bytes(_biff8_xls(rows, "일보"))
    frame, info = read_table(path, ReadOptions())
    assert (info.format, info.sheet, info.header_row) == ("xls", "일보", 3)
    assert list(frame.columns) == ["금형온도", "사출압력", "불량여부"]
    assert frame["사출압력"].tolist() == [95.2, 96.1]
    assert frame["불량여부"].tolist() == ["양품", "불량"]


def test_parquet_round_trip(tmp_path: Path) -> None:
    frame = pd.DataFrame({"금형온도": [180.5, 181.0], "lot": ["A", "B"]})
    write_table(frame, tmp_path / "t.parquet")
    read, info = read_table(tmp_path / "t.parquet", ReadOptions())
    pd.testing.assert_frame_equal(read, frame, check_dtype=False)
    assert info.format == "parquet"


def test_missing_file_suggests_close_names(tmp_path: Path) -> None:
    (tmp_path / "injection_2024.csv").write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(
        UserError, match=r"File not found: .*injecton_2024\.csv\. Did you mean 'injection_2024\.csv'"
    ):
        read_table(tmp_path / "injecton_2024.csv", ReadOptions())
    with pytest.raises(UserError, match=r"the folder .*nowhere does not exist"):
        read_table(tmp_path / "nowhere" / "a.csv", ReadOptions())


def test_empty_and_blank_files(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(UserError, match=r"empty\.csv is empty \(0 bytes\)"):
        read_table(tmp_path / "empty.csv", ReadOptions())
    (tmp_path / "blank.csv").write_text("\n\n  \n", encoding="utf-8")
    with pytest.raises(UserError, match=r"blank\.csv holds no data"):
        read_table(tmp_path / "blank.csv", ReadOptions())


def test_undetectable_encoding_lists_what_was_tried(tmp_path: Path) -> None:
    (tmp_path / "binary.csv").write_bytes(bytes(range(256)) * 4)
    with pytest.raises(
        UserError, match=r"binary\.csv: the text encoding could not be detected \(tried utf-8, cp949"
    ):
        read_table(tmp_path / "binary.csv", ReadOptions())


def test_cp949_file_with_a_utf8_line_names_the_line(tmp_path: Path) -> None:
    body = ("금형온도,판정\n" + "".join(f"{40 + i},양품\n" for i in range(30))).encode("cp949")
    (tmp_path / "mixed.csv").write_bytes(body + "41,양품\n".encode())  # UTF-8 "양품" is no CP949
    with pytest.raises(
        UserError, match=r"mixed\.csv: line 32 is not cp949 like the lines above it \(it reads as utf-8\)"
    ):
        read_table(tmp_path / "mixed.csv", ReadOptions())


def test_unsupported_suffix(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text("{}", encoding="utf-8")
    with pytest.raises(UserError, match=r"cannot read '\.json' files"):
        read_table(tmp_path / "a.json", ReadOptions())


def test_glob_of_three_files_records_the_source(tmp_path: Path) -> None:
    for n in (10, 2, 1):
        (tmp_path / f"shot_{n}.csv").write_text(f"온도,압력\n{n},1.5\n{n + 0.5},2.5\n", encoding="utf-8")
    (tmp_path / "~$shot_9.csv").write_text("lock", encoding="utf-8")
    frame, infos = read_files(tmp_path / "shot_*.csv", ReadOptions())
    assert frame.shape == (6, 3)
    assert frame[SOURCE_COLUMN].tolist() == ["shot_1.csv"] * 2 + ["shot_2.csv"] * 2 + ["shot_10.csv"] * 2
    assert frame["온도"].tolist() == [1, 1.5, 2, 2.5, 10, 10.5]
    assert [i.rows for i in infos] == [2, 2, 2]
    by_folder, _ = read_files(tmp_path, ReadOptions())
    pd.testing.assert_frame_equal(by_folder, frame)


def test_glob_with_a_differing_file_names_it(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("온도,압력\n1,2\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("온도,속도\n1,2\n", encoding="utf-8")
    with pytest.raises(
        UserError, match=r"b\.csv: its columns differ from those of a\.csv \(missing 압력; extra 속도\)"
    ):
        read_files(tmp_path / "*.csv", ReadOptions())


def test_no_matching_files(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("x", encoding="utf-8")
    with pytest.raises(UserError, match=r"No data files match .*\*\.csv'\. It contains: notes\.md"):
        read_files(tmp_path / "*.csv", ReadOptions())
    with pytest.raises(UserError, match=r"the folder has no data files .* It contains: notes\.md"):
        read_files(tmp_path, ReadOptions())


def test_header_row_rule() -> None:
    rows = [["Report"], [], ["a", "b", "c"], [1, 2, "x"], [3, 4, "y"], [5, 6, "z"]]
    assert detect_header_row(rows) == 3
    assert detect_header_row([[1, 2, 3], [4, 5, 6]]) is None
    merged = [["Title", "Title", "Title"], ["a", "b", "c"], [1, 2, 3], [4, 5, 6]]
    assert detect_header_row(merged) == 2


def test_write_csv_has_bom_and_reads_back(tmp_path: Path) -> None:
    frame = pd.DataFrame({"금형온도": [180.5, 181.25], "판정": ["양품", "불량"]})
    path = write_csv(frame, tmp_path / "out" / "결과.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert sorted(p.name for p in path.parent.iterdir()) == ["결과.csv"]  # no temp file left
    read, info = read_table(path, ReadOptions())
    pd.testing.assert_frame_equal(read, frame, check_dtype=False)
    assert info.encoding == "utf-8-sig"


def test_write_csv_refuses_curves_and_keeps_old_file(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("old\n", encoding="utf-8")
    curves = pd.DataFrame({"pressure": pd.Series([np.arange(3.0), np.arange(4.0)], dtype=object)})
    with pytest.raises(UserError, match=r"pressure hold sensor curves .*\.parquet"):
        write_csv(curves, path)
    assert path.read_text(encoding="utf-8") == "old\n"
    write_table(curves, tmp_path / "c.parquet")
    read, _ = read_table(tmp_path / "c.parquet", ReadOptions())
    assert read["pressure"].iloc[1].tolist() == [0.0, 1.0, 2.0, 3.0]
    with pytest.raises(UserError, match=r"cannot write '\.xlsx' files"):
        write_table(curves, tmp_path / "c.xlsx")


def _sqlite(tmp_path: Path) -> str:
    path = tmp_path / "mes.db"
    with sqlite3.connect(path) as db:
        db.execute('CREATE TABLE "사출실적" (lot TEXT, "금형온도" REAL, "불량여부" INTEGER)')
        db.executemany('INSERT INTO "사출실적" VALUES (?, ?, ?)', [("A1", 180.5, 0), ("A2", 182.0, 1)])
    return f"sqlite:///{path}"


def test_sql_table_name_and_select(tmp_path: Path) -> None:
    url = _sqlite(tmp_path)
    frame = read_sql(url, "사출실적")
    assert list(frame.columns) == ["lot", "금형온도", "불량여부"]
    assert frame["금형온도"].tolist() == [180.5, 182.0]
    selected = read_sql(url, 'SELECT lot FROM "사출실적" WHERE "불량여부" = 1;')
    assert selected["lot"].tolist() == ["A2"]


def test_failing_sql_query_names_error_query_and_tables(tmp_path: Path) -> None:
    url = _sqlite(tmp_path)
    with pytest.raises(UserError) as caught:
        read_sql(url, "SELECT * FROM 사출실적s")
    message = caught.value.message
    assert "no such table: 사출실적s" in message
    assert "Query: SELECT * FROM 사출실적s" in message
    assert "Did you mean '사출실적'?" in message


def test_sql_connection_failures_hide_the_password(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"SQLite database file .*missing\.db' does not exist"):
        read_sql(f"sqlite:///{tmp_path / 'missing.db'}", "t")
    with pytest.raises(UserError, match=r"not a valid SQLAlchemy URL"):
        read_sql("not a url", "t")
    pytest.importorskip("psycopg")
    with pytest.raises(UserError, match=r"cannot connect to the database") as caught:
        read_sql("postgresql+psycopg://poc:s3cret@127.0.0.1:1/mes?connect_timeout=2", "t")
    assert "s3cret" not in caught.value.message
    assert "poc:***@127.0.0.1:1/mes" in caught.value.message


def _shots(rows: int = 60) -> str:
    """A plant export: ids, fixed two-decimal numbers, timestamps and an OK/NG label as the last column."""
    lines = ["shot,temp,pressure,stamp,label"]
    for i in range(rows):
        label = "NG" if i % 7 == 0 else "OK"
        lines.append(f"{i},{180 + i / 10:.2f},{95.5 + i:.2f},2024-03-{i % 9 + 1:02d} 12:30:00,{label}")
    return "\n".join(lines) + "\n"


FULL_ROW = "60,186.00,155.50,2024-03-07 12:30:00,OK"
CUTS = {
    "short_no_break": (FULL_ROW[:9], r"line 62, the last line, has 2 of 5 fields and no line break"),
    "short_with_break": (FULL_ROW[:16] + "\n", r"has 3 of 5 fields.*summary or footer line"),
    "after_last_separator": (FULL_ROW[:-2], r"last value is empty .*cut after a separator"),
    "inside_last_field": (FULL_ROW[:-1], r"last value 'O' is the beginning of a value like 'OK'"),
    "mid_quote": (
        '60,186.00,155.50,"2024-03-07 12:3',
        r"quoted value that starts on line 62 is never closed",
    ),
}


@pytest.mark.parametrize("kind", sorted(CUTS))
def test_cut_off_csv_is_refused_with_line_and_fix(tmp_path: Path, kind: str) -> None:
    tail, message = CUTS[kind]
    path = tmp_path / f"{kind}.csv"
    path.write_text(_shots() + tail, encoding="utf-8")
    with pytest.raises(FileCutOff, match=message) as caught:
        read_table(path)
    text = caught.value.message
    assert text.startswith(str(path)) and "looks cut off" in text and "Export the data again" in text
    assert caught.value.exit_code == 1
    with pytest.raises(FileCutOff):
        check_complete(path)  # the same rule for readers of their own (predict's streaming reader)


def test_cut_values_of_other_shapes(tmp_path: Path) -> None:
    """Inside a timestamp, an unfinished number, fewer decimals than the fixed format, a cut character."""
    cases = {
        "stamp": (
            "shot,stamp\n1,2024-03-01 12:30:00\n2,2024-03-01 12:31:00\n3,2024-03-01 12:3",
            "like '2024",
        ),
        "number": ("a,b\n1,10.5\n2,11.25\n3,12.", "'12.' is an unfinished number"),
        "decimals": (
            _shots().replace(",OK\n", ",1.00\n").replace(",NG\n", ",2.50\n") + "60,1.00,2.00,x,1.5",
            "1 decimal place",
        ),
    }
    for name, (text, message) in cases.items():
        path = tmp_path / f"{name}.csv"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(FileCutOff, match=message):
            read_table(path)
    mac = tmp_path / "mac.csv"
    mac.write_bytes(b"a,b\r1,2\r3,4\r5")
    with pytest.raises(FileCutOff, match="line 4, the last line, has 1 of 2 fields"):
        read_table(mac)
    for encoding in ("utf-8", "cp949"):
        path = tmp_path / f"korean_{encoding}.csv"
        path.write_bytes(
            "번호,판정\n1,양품\n2,불량\n".encode(encoding)[:-2]
        )  # the last syllable half written
        with pytest.raises(FileCutOff, match="ends inside a character"):
            read_table(path)


def test_large_file_cut_names_its_real_line_number(tmp_path: Path) -> None:
    path = tmp_path / "big.csv.gz"
    text = _shots(5000)
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(text + FULL_ROW[:9])
    with pytest.raises(FileCutOff, match="line 5002, the last line"):
        read_table(path)
    plain = tmp_path / "big.csv"
    plain.write_text(text + FULL_ROW[:-1], encoding="utf-8")
    with pytest.raises(FileCutOff, match="line 5002, the last line"):
        read_table(plain)
    broken = tmp_path / "stream.csv.gz"
    broken.write_bytes(path.read_bytes()[:-40])
    with pytest.raises(FileCutOff, match=r"the \.gz stream ends early"):
        read_table(broken)
    plain_named_gz = tmp_path / "not_compressed.csv.gz"
    plain_named_gz.write_text(text, encoding="utf-8")
    with pytest.raises(UserError, match=r"not_compressed\.csv\.gz: not a readable \.gz file"):
        read_table(plain_named_gz)


def test_complete_files_are_not_taken_for_cut_ones(tmp_path: Path) -> None:
    """Short rows that keep their separators, a full last line without a line break, ragged exports,
    an empty last value where the column has empty values, free text, a lone data row."""
    cases = {
        "empty_tail_fields": _shots() + "60,186.00,,,\n",
        "empty_tail_no_break": _shots() + "60,186.00,,,",
        "full_no_break": _shots() + FULL_ROW,
        "ragged": "a,b,c\n1,2\n3,4,5\n6,7\n8",
        "empty_in_column": "a,b\n1,x\n2,\n3,y\n4,",
        "free_text": "a,note\n1,filter changed\n2,ok after cleaning\n3,mold swap\n4,no",
        "one_row_no_break": "a,b,c\n1,2,3",
        "trailing_header_separator": "a,b,c,\n1,2,3\n",
        "integers": "a,b\n1,10\n2,200\n3,7",
        "few_rounded_floats": "a,b\n1,10.25\n2,11.55\n3,12.7",
        "quoted_last": 'a,b\n1,"x, y"\n2,"z"',
        "old_mac_line_ends": "a,b\r1,2\r3,4\r",
        "windows_line_ends": "a,b,c\r\n1,2,3\r\n4,5,6",
    }
    for name, text in cases.items():
        path = tmp_path / f"{name}.csv"
        path.write_text(text, encoding="utf-8", newline="")
        frame, _ = read_table(path)
        assert len(frame) >= 1, name
        check_complete(path)


def test_cut_workbooks_and_parquet_files(tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": range(200), "b": [f"lot{i}" for i in range(200)]})
    for name, write in (("book.xlsx", frame.to_excel), ("table.parquet", frame.to_parquet)):
        path = tmp_path / name
        write(path, index=False)
        read_table(path)
        raw = path.read_bytes()
        path.write_bytes(raw[:-100])
        with pytest.raises(FileCutOff, match=r"(no end record|no end marker).*looks cut off"):
            read_table(path)
    damaged = tmp_path / "damaged.xlsx"  # whole, but bytes in the middle overwritten
    frame.to_excel(damaged, index=False)
    raw = bytearray(damaged.read_bytes())
    raw[len(raw) // 2 : len(raw) // 2 + 64] = bytes(64)
    damaged.write_bytes(bytes(raw))
    with pytest.raises(UserError, match=r"damaged\.xlsx: .*(damaged|cannot be opened).*save it again"):
        read_table(damaged)
    old = tmp_path / "old.xls"
    old.write_bytes(_biff8_xls([["a", "b"], [1.0, 2.0]], "s")[:-300])
    with pytest.raises(FileCutOff, match="not a whole number of blocks"):
        read_table(old)
