"""How the split and the cross-validation folds were made, as sentences a Korean or English report can say.

Each is a `axpoc.kpi._reasons.Phrase`: its string value is the English sentence that logs, JSON and MLflow
keep; the report renders it in its own language.
"""

from __future__ import annotations

from types import MappingProxyType

from axpoc.kpi._reasons import Phrase


class SplitNote(Phrase):
    """The holdout and CV descriptions (a CV plan with notes is `axpoc.kpi._reasons.joined` of them)."""

    templates = MappingProxyType(
        {
            # the holdout: "{method} split{auto}{on}: train {train}, test {test}{seeded}{positives}"
            "split": (
                "{method} 분할{auto}{on}: 학습 {train}, 테스트 {test}{seeded}{positives}",
                "{method} split{auto}{on}: train {train}, test {test}{seeded}{positives}",
            ),
            "method_time": ("시간", "time"),
            "method_group": ("그룹", "group"),
            "method_time_group": ("시간+그룹", "time+group"),
            "method_predefined": ("지정", "predefined"),
            "method_stratified": ("층화", "stratified"),
            "method_random": ("무작위", "random"),
            "auto": (" (자동: {why})", " (auto: {why})"),
            "why_time_group": (
                "columns.time '{time}'와 columns.group '{group}'이 설정됨",
                "columns.time '{time}' and columns.group '{group}' are set",
            ),
            "why_time": ("columns.time '{time}'이 설정됨", "columns.time '{time}' is set"),
            "why_group": ("columns.group '{group}'이 설정됨", "columns.group '{group}' is set"),
            "why_none": (
                "시간·그룹 열 없음, {task} 타깃",
                "no time or group column, {task} target",
            ),
            "on_time": (" ('{time}' 기준)", " on '{time}'"),
            "on_group": (" ('{group}' 기준)", " on '{group}'"),
            "on_time_group": (" ('{group}' 그룹, '{time}' 순)", " on '{group}' by '{time}'"),
            "side_rows": ("{rows:,}행", "{rows:,} rows"),
            "side_groups": ("그룹 {groups:,}개 ({rows:,}행)", "{groups:,} groups ({rows:,} rows)"),
            "side_span": ("{span} ({rows:,}행)", "{span} ({rows:,} rows)"),
            "side_groups_span": (
                "그룹 {groups:,}개 {span} ({rows:,}행)",
                "{groups:,} groups {span} ({rows:,} rows)",
            ),
            "seeded": (", 시드 {seed}", ", seed {seed}"),
            "positives": (
                "; 양성 ({label}): 학습 {train:,}, 테스트 {test:,}",
                "; positives ({label}): train {train:,}, test {test:,}",
            ),
            # the cross-validation plan
            "cv_time": (
                "'{time}' 기준 {n}겹 전진 교차검증 (확장 창, 간격 {gap})",
                "{n}-fold forward-chaining CV on '{time}' (expanding window, gap {gap})",
            ),
            "cv_time_group": (
                "'{time}' 순으로 정렬한 '{group}' 그룹 단위 {n}겹 전진 교차검증 (확장 창, 간격 {gap})",
                "{n}-fold forward-chaining CV over groups of '{group}' ordered by '{time}' "
                "(expanding window, gap {gap})",
            ),
            "cv_group": (
                "'{group}' 기준 {n}겹 {kind} (섞음, 시드 {seed})",
                "{n}-fold {kind} on '{group}' (shuffled, seed {seed})",
            ),
            "cv_plain": ("{n}겹 {kind} (섞음, 시드 {seed})", "{n}-fold {kind} (shuffled, seed {seed})"),
            "reduced": (
                "{requested}겹에서 {n}겹으로 줄임: {reason}",
                "reduced from {requested} to {n} folds: {reason}",
            ),
            "limit_rows": ("학습 부분이 {n}행뿐임", "the training part has only {n} rows"),
            "limit_times": (
                "학습 부분의 서로 다른 시각이 {n}개뿐임",
                "the training part has only {n} distinct times",
            ),
            "limit_groups": (
                "학습 부분의 '{group}' 그룹이 {n}개뿐임",
                "the training part has only {n} groups of '{group}'",
            ),
            "limit_class": ("클래스 {label}의 행이 {n}개뿐임", "class {label} has only {n} rows"),
            "fewer_folds": (
                "시간/그룹 경계에 맞는 폴드가 {n}개뿐임",
                "only {n} folds fit the time/group boundaries",
            ),
            "empty_class": (
                "검증 폴드 {n}개 중 {lacking}개에 빠진 클래스가 있음 (그 사례가 적은 그룹이나 기간에 몰려 있음)",
                "{lacking} of {n} validation folds miss a class (its cases sit in few groups or periods)",
            ),
        }
    )
