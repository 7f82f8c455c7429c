"""What preparing the data did to it, as sentences a Korean or English report (and the console) can say.

Each is a `axpoc.kpi._reasons.Phrase`: its string value is the English sentence that logs, JSON and MLflow
keep; the report renders it in its own language.
"""

from __future__ import annotations

from types import MappingProxyType

from axpoc.kpi import Phrase


class PrepareNote(Phrase):
    """Rows or columns left out before training, and how little data there is."""

    templates = MappingProxyType(
        {
            "unlabelled": (
                "목표 변수 '{target}'에 값이 없는 {rows:,}행을 제외했습니다 (라벨 있는 행 {kept:,}행으로 진행).",
                "{rows:,} rows without a value in target '{target}' were left out ({kept:,} labelled rows go on).",
            ),
            "outcome_columns": (
                "{columns}: '{process}' 공정 템플릿의 결과 열(부품을 만든 뒤에야 알 수 있는 값)이라 입력 변수에서 "
                "자동으로 제외했습니다.",
                "{columns}: outcome columns of the '{process}' template (results known only after the part is "
                "made), left out of the features automatically.",
            ),
            "small_data": (
                "라벨 있는 행이 {rows:,}행뿐입니다: 신뢰구간이 넓고 후보 모델의 순위는 확정적인 결론이 아닙니다. "
                "결정 전에 데이터를 더 모으세요.",
                "only {rows:,} labelled rows: intervals are wide and the ranking of candidates is not a firm "
                "conclusion; collect more data before deciding",
            ),
        }
    )
