"""Every sentence the field verbs say, Korean first (the config's ``language`` picks English)."""

from __future__ import annotations

from types import MappingProxyType

from axpoc.kpi import Phrase


class FieldText(Phrase):
    """A field-period message or report sentence; ``str`` is its English, ``.text("ko")`` its Korean."""

    templates = MappingProxyType(
        {
            # outcomes: refusals
            "no_id_column": (
                "{path}: 결과 파일에 id 열 '{column}'이 없습니다 (있는 열: {columns}). 채점한 부품과 같은 id 열을 "
                "내보내거나 columns.id 를 고치세요.",
                "{path}: the outcome file has no id column '{column}' (it has: {columns}). Export the id the "
                "parts were scored with, or fix columns.id.",
            ),
            "no_result_column": (
                "{path}: 결과 파일에 판정 열 '{label}'도 측정 열 '{measure}'도 없습니다 (있는 열: {columns}). "
                "검사 결과 열을 target.column 또는 field.monitor.column 의 이름으로 내보내세요.",
                "{path}: the outcome file has neither the result column '{label}' nor the measurement "
                "'{measure}' (it has: {columns}). Export the inspection result under the name of "
                "target.column or field.monitor.column.",
            ),
            "bad_time": (
                "{path}: 열 '{column}'의 {n}개 값을 날짜로 읽을 수 없습니다 (예: {samples}). 날짜 형식을 "
                "'2024-03-25 14:05'처럼 내보내세요.",
                "{path}: {n} value(s) of column '{column}' are not dates (e.g. {samples}). Export dates like "
                "'2024-03-25 14:05'.",
            ),
            "bad_measure": (
                "{path}: 측정 열 '{column}'의 {n}개 값이 숫자가 아닙니다 (행 {rows}, 예: {samples}). 숫자만 "
                "내보내세요.",
                "{path}: {n} value(s) of the measurement '{column}' are not numbers (rows {rows}, e.g. "
                "{samples}). Export numbers only.",
            ),
            "no_scores": (
                "채점 결과가 없습니다: 이 프로젝트의 predictions.jsonl 에 파일 출력이 없고 --scores 도 "
                "주어지지 않았습니다. 먼저 axpoc predict 로 부품을 채점하거나 --scores 로 채점 파일·테이블을 "
                "지정하세요.",
                "no scored rows: the project's predictions.jsonl lists no output and no --scores was given. "
                "Score the parts with axpoc predict first, or name the scored files or tables with --scores.",
            ),
            "scores_missing": (
                "{source}: 채점 결과 파일이 없습니다 (predictions.jsonl 에 기록됨). 옮겨졌다면 --scores 로 "
                "새 위치를 지정하세요.",
                "{source}: the scored output listed in predictions.jsonl is gone. If it was moved, name its "
                "new place with --scores.",
            ),
            "scores_columns": (
                "{source}: axpoc predict 의 출력이 아닙니다: 열 {missing} 이(가) 없습니다.",
                "{source}: not an output of axpoc predict: it lacks the column(s) {missing}.",
            ),
            "no_positive": (
                "target.positive_class 가 없어 어떤 결과가 불량인지 알 수 없습니다 (결과 값: {values}). 설정에 "
                "target.positive_class 를 적으세요.",
                "target.positive_class is not set, so no result value can be called a defect (values: "
                "{values}). Set target.positive_class in the config.",
            ),
            "no_deployed": (
                "field.deployed 가 없습니다: 모델이 라인에 적용된 날을 설정에 적으세요 (예: field: "
                "{{deployed: 2024-03-25}}).",
                "field.deployed is not set: add the day the model went live on the line (e.g. field: "
                "{{deployed: 2024-03-25}}).",
            ),
            "bad_since": (
                "{option} {value}: 날짜가 아닙니다; 2024-03-25 처럼 쓰세요.",
                "{option} {value}: not a date; write it like 2024-03-25.",
            ),
            "unknown_target": (
                "kpi.targets.{name}: 현장에서 측정하는 KPI가 아닙니다; 가능한 이름: {names}.",
                "kpi.targets.{name}: not a KPI measured in the field; valid names: {names}.",
            ),
            "empty_note": (
                "--note 가 비었습니다: 방문에서 한 일을 적으세요 (예: --note '금형 2호기 센서 점검').",
                "--note is empty: say what was done on the visit (e.g. --note 'checked the sensor of mold 2').",
            ),
            "no_probability": (
                "추정 불가: 과제 '{task}'의 점수는 불량 확률이 아니라 예측 측정값이라 결과를 기다리는 부품의 "
                "성능을 점수로 추정할 수 없음",
                "no estimate: a '{task}' score is a predicted measurement, not a probability of a defect, so "
                "the parts awaiting their result cannot be estimated from it",
            ),
            "no_baseline_rows": (
                "기준 기간 기록 없음: 배포 전 검사 이력을 axpoc outcomes 로 넣으세요",
                "no baseline records: feed the inspection history before deployment with axpoc outcomes",
            ),
            # outcomes: what happened
            "outcomes_summary": (
                "결과 {rows}행: 현장 기간 부품에 연결 {field}건, 기준 기간 이력 {baseline}건, 알 수 없는 id {unknown}건",
                "{rows} outcome row(s): {field} joined to scored parts, {baseline} baseline history, {unknown} "
                "unknown id(s)",
            ),
            "outcomes_duplicated": (
                "같은 줄이 두 번 나온 결과 {n}건은 한 번만 기록 (id: {ids})",
                "{n} line(s) repeated in the file were recorded once (ids: {ids})",
            ),
            "outcomes_conflicting": (
                "같은 id에 다른 결과가 있는 {n}건은 파일의 마지막 줄을 기록 (id: {ids})",
                "{n} id(s) with different results in the file: the last line was recorded (ids: {ids})",
            ),
            "outcomes_updated": (
                "이미 기록된 id {n}건의 결과를 새 값으로 바꿈 (id: {ids})",
                "{n} id(s) already recorded got the new result (ids: {ids})",
            ),
            "outcomes_repeated": (
                "이미 같은 결과로 기록된 id {n}건 (변경 없음)",
                "{n} id(s) were already recorded with the same result (unchanged)",
            ),
            "outcomes_unknown": (
                "채점되지 않았고 배포 전 이력도 아닌 id {n}건은 {path} 에 따로 보관 (id: {ids})",
                "{n} id(s) neither scored nor history before deployment were kept apart in {path} (ids: {ids})",
            ),
            "outcomes_no_id": (
                "id가 비어 있는 결과 {n}행은 {path} 에 따로 보관 (행: {rows})",
                "{n} outcome row(s) without an id were kept apart in {path} (rows: {rows})",
            ),
            "outcomes_partial": (
                "일부 값이 빠진 결과 {n}건 (판정 없음 {no_label}, 측정값 없음 {no_measure}): 있는 값만 KPI에 씀",
                "{n} partial result(s) ({no_label} without a result, {no_measure} without the measurement): "
                "the values present are used",
            ),
            "outcomes_late": (
                "부품 생산 후 {days}일보다 늦게 도착한 결과 {n}건 (field.outcome_delay_days)",
                "{n} result(s) arrived more than {days} days after the part was made (field.outcome_delay_days)",
            ),
            "outcomes_rescored": (
                "두 번 이상 채점된 부품 {n}개: 가장 최근 채점을 씀",
                "{n} part(s) were scored more than once: the latest scoring counts",
            ),
            "outcomes_awaiting": (
                "결과를 기다리는 채점 부품 {n}개 (현장 보고서에서 추정치로 표시)",
                "{n} scored part(s) still await their result (the field report estimates them)",
            ),
        }
    )


def say(code: str, language: str, **values: object) -> str:
    """The sentence ``code`` in ``language``."""
    return FieldText(code, values).text(language)


def ids_text(ids: object, limit: int = 5) -> str:
    """The first few ids of a list, and how many more."""
    values = [str(v) for v in list(ids)]  # type: ignore[call-overload]
    more = len(values) - limit
    return ", ".join(values[:limit]) + (f" … (+{more})" if more > 0 else "")
