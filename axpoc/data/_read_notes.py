"""What reading a file did (encoding, separator, header, rows and columns dropped), as sentences a Korean or
English report can say.

Each is a `axpoc.kpi._reasons.Phrase`: its string value is the English sentence that logs, JSON and MLflow
keep; the report renders it in its own language.
"""

from __future__ import annotations

from types import MappingProxyType

from axpoc.kpi import Phrase


class ReadNote(Phrase):
    """One thing the reader detected or left out in one file."""

    templates = MappingProxyType(
        {
            "in_file": ("{file}: {note}", "{file}: {note}"),
            "encoding": ("인코딩 {encoding}", "encoding {encoding}"),
            "encoding_detected": ("인코딩 {encoding} 감지", "encoding {encoding} detected"),
            "separator": ("구분자 {sep!r} 감지", "separator {sep!r} detected"),
            "header_skipped": (
                "{header}번째 행에서 머리글을 찾아 그 위 {above}개 행을 건너뜀",
                "header detected on row {header}; the {above} row(s) above it were skipped",
            ),
            "header_row": ("{header}번째 행에서 머리글을 찾음", "header detected on row {header}"),
            "header_rows_above": (
                "{header}번째 행에서 머리글을 찾아 그 위 행을 건너뜀",
                "header detected on row {header}; rows above skipped",
            ),
            "decimal_comma": (
                "소수점 ',' 감지 ('40,3' 같은 수); 쉼표가 천 단위 구분이면 data.read.thousands: ','로 설정하세요",
                "decimal mark ',' detected (numbers such as '40,3'); set data.read.thousands: ',' if the commas "
                "separate thousands instead",
            ),
            "repeated_header": (
                "반복된 머리글 행 {n}개를 뺌: {rows}행",
                "dropped {n} repeated header row(s): row {rows}",
            ),
            "summary_row": (
                "끝의 합계 행 {row}행 ('{first}')을 뺌",
                "dropped the summary row {row} ('{first}') at the end",
            ),
            "empty_columns": ("이름 없는 빈 열 {n}개를 뺌", "dropped {n} empty unnamed column(s)"),
            "empty_rows": ("빈 행 {n}개를 뺌", "dropped {n} empty row(s)"),
            "sheet": (
                "시트 {total}개 중 '{sheet}'을(를) 읽음; 다른 시트는 data.read.sheet로 지정하세요",
                "read sheet '{sheet}' of {total}; set data.read.sheet for another",
            ),
            "html_table": (
                "HTML 표 {total}개 중 {index}번 (0부터)을 읽음; 다른 표는 data.read.sheet로 지정하세요",
                "read HTML table {index} of {total} (0-based); set data.read.sheet for another",
            ),
            "workbook_renamed": (
                "'{suffix}' 이름으로 저장된 {kind} 통합 문서",
                "an {kind} workbook saved under a '{suffix}' name",
            ),
            "text_as_xls": (
                ".xls 이름으로 저장된 텍스트 (Excel 통합 문서가 아님)",
                "text (not an Excel workbook) saved under an .xls name",
            ),
        }
    )
