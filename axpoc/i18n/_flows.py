"""Notes of the flows: what preparing the data left out, what recovery did with a half-done alias move, why
a scored row deserves a second look."""

from __future__ import annotations

from types import MappingProxyType

from axpoc.i18n._phrase import Phrase


class PrepareNote(Phrase):
    """Rows or columns left out before training, and how little data there is."""

    templates = MappingProxyType(
        {
            "unlabelled": (
                "목표 변수 '{target}'에 값이 없는 {rows:,}행을 제외했습니다 (레이블 있는 행 {kept:,}행으로 진행).",
                "{rows:,} rows without a value in target '{target}' were left out ({kept:,} labelled rows go on).",
            ),
            "outcome_columns": (
                "{columns}: '{process}' 공정 템플릿의 결과 열(부품을 만든 뒤에야 알 수 있는 값)이라 특성에서 "
                "자동으로 제외했습니다.",
                "{columns}: outcome columns of the '{process}' template (results known only after the part is "
                "made), left out of the features automatically.",
            ),
            "small_data": (
                "레이블 있는 행이 {rows:,}행뿐입니다: 신뢰구간이 넓고 후보 모델의 순위는 확정적인 결론이 아닙니다. "
                "결정 전에 데이터를 더 모으세요.",
                "only {rows:,} labelled rows: intervals are wide and the ranking of candidates is not a firm "
                "conclusion; collect more data before deciding",
            ),
        }
    )


class RecoveryNote(Phrase):
    """What the next command did with a move a stopped process left half done (notes, reports, logs)."""

    templates = MappingProxyType(
        {
            "completed": (
                "중단된 별칭 이동을 완료했습니다: {action} v{version} (중단 시각 {time}); 별칭·태그·승격 기록이 "
                "이제 일치합니다",
                "completed an alias move a stopped process left half done: {action} v{version} (started "
                "{time}); aliases, tags and the promotion log agree again",
            ),
            "undone": (
                "중단된 별칭 이동을 취소했습니다: {action} v{version} (중단 시각 {time}); 별칭이 움직이기 전에 "
                "멈췄으므로 이전 상태 그대로입니다",
                "undid an alias move a stopped process left half done: {action} v{version} (started {time}); "
                "it stopped before the alias moved, so everything stays as it was",
            ),
        }
    )


# Flags: scored, but outside what the model has seen ---------------------------------------------------------
class InputFlag(Phrase):
    """Why a scored row deserves a second look; ``head`` phrases are what ``--json`` counts."""

    templates = MappingProxyType(
        {
            "outside_range": (
                "{column}: 학습 범위({low}..{high}) 밖",
                "{column}: outside the training range ({low}..{high})",
            ),
            "unseen_category": ("{column}: 학습에 없던 범주", "{column}: category not seen in training"),
            "with_value": ("{head} (값 {value})", "{head} (got {value})"),
        }
    )
