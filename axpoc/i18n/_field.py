"""The field verbs' sentences (FieldText) and the field documents' words, Korean first."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from axpoc.i18n._phrase import Phrase
from axpoc.i18n._words import texts


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
            "unknown_labels": (
                "{path}: 결과 열 '{column}'에 모델이 모르는 값이 있습니다: {values} ({n}행, 행 {rows}). 모델이 아는 "
                "결과는 {known} 뿐입니다. 불량 클래스와 정확히 같은 값만 불량으로 세므로 이 행들은 양품으로 세어져 "
                "실적 KPI를 모두 틀어지게 합니다: 파일 전체를 받지 않았습니다. 내보내기에서 결과를 이 값들로 고쳐 "
                "(예: 'ng'·'불량' 은 불량 클래스로) axpoc outcomes 를 다시 실행하세요. 빈 칸은 '아직 결과 없음'으로 "
                "그대로 둘 수 있습니다.",
                "{path}: the result column '{column}' holds value(s) the model does not know: {values} ({n} row(s), "
                "rows {rows}). The results the model knows are {known}. Only the exact defect class counts as a "
                "defect, so these rows would pass as good parts and skew every realised KPI: nothing of the file "
                "was recorded. Correct the export so that every result is one of these classes (e.g. the defect "
                "class for 'ng' or '불량') and run axpoc outcomes again; an empty result may stay (result not "
                "yet known).",
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
            "scores_table_url": (
                "{source}: 채점 결과가 데이터베이스 테이블에 있습니다; --db-url 로 SQLAlchemy URL 을 주거나 설정의 "
                "data.url 을 지정하세요.",
                "{source}: the scores are in a database table; give its SQLAlchemy URL with --db-url, or set "
                "data.url in the config.",
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
            "charter_visits": (
                "plan.visits: 착수 헌장에는 현장 방문이 5회 이상 필요합니다 (현재 {n}회). 날짜와 목적을 적어 "
                "추가하세요 (예: - {{date: 2024-02-05, purpose: 착수 회의}}).",
                "plan.visits: a charter needs at least five site visits, the config has {n}. Add them with a date "
                "and a purpose (e.g. - {{date: 2024-02-05, purpose: kick-off}}).",
            ),
            "charter_problem": (
                "project.problem 이 비어 있습니다: 공장의 문제를 한두 문장으로 적으세요.",
                "project.problem is empty: say the plant's problem in one or two sentences.",
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
            "too_few_defects": (
                "근거 부족: 결과를 기다리는 부품 {parts}개에서 기대되는 불량이 {expected}개뿐 ({need}개 이상 필요); "
                "추정치를 내지 않음",
                "too little evidence: the {parts} waiting part(s) are expected to hold {expected} defect(s) "
                "({need} needed); no estimate is given",
            ),
            "too_few_good": (
                "근거 부족: 결과를 기다리는 부품 {parts}개에서 기대되는 양품이 {expected}개뿐 ({need}개 이상 필요); "
                "추정치를 내지 않음",
                "too little evidence: the {parts} waiting part(s) are expected to hold {expected} good part(s) "
                "({need} needed); no estimate is given",
            ),
            "too_few_parts": (
                "근거 부족: 결과를 기다리는 부품이 {parts}개뿐 ({need}개 이상 필요); 추정치를 내지 않음",
                "too little evidence: only {parts} waiting part(s) ({need} needed); no estimate is given",
            ),
            "realised_few_defects": (
                "근거 부족: 결과가 나온 부품 {parts}개 중 불량이 {count}개뿐 ({need}개 이상 필요); 값을 내지 않음",
                "too little evidence: the {parts} part(s) with a result hold {count} defect(s) ({need} needed); "
                "no value is given",
            ),
            "realised_few_good": (
                "근거 부족: 결과가 나온 부품 {parts}개 중 양품이 {count}개뿐 ({need}개 이상 필요); 값을 내지 않음",
                "too little evidence: the {parts} part(s) with a result hold {count} good part(s) ({need} "
                "needed); no value is given",
            ),
            "realised_few_parts": (
                "근거 부족: 결과가 나온 부품이 {parts}개뿐 ({need}개 이상 필요); 값을 내지 않음",
                "too little evidence: only {parts} part(s) with a result ({need} needed); no value is given",
            ),
            "week_no_awaiting": (
                "이 주의 부품은 결과가 모두 도착함: 추정할 부품 없음",
                "every result of this week has arrived: nothing to estimate",
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


_FIELD_KO: dict[str, str] = {
    "field_report": "현장 실증 보고서",
    "sec_verdict": "결론",
    "sec_targets": "착수 시 목표 대비 달성",
    "sec_before_after": "적용 전후 비교와 공정 변화 점검",
    "sec_weeks": "주간 추이",
    "sec_stability": "공정 안정성 (적용 전후)",
    "sec_estimate": "결과 대기 부품의 추정치",
    "sec_incidents": "사건 기록",
    "sec_visits": "현장 방문 일정과 기록",
    "deployed": "적용일",
    "baseline_period": "기준 기간 (적용 전)",
    "field_period": "현장 기간 (적용 후)",
    "period_facts": "{first} ~ {last}, {days}일, 부품 {parts:,}개 (결과 {with_result:,}, 불량 {defects:,}, 측정 {measured:,})",
    "no_period": "기록 없음",
    "kpi": "KPI",
    "target": "목표",
    "before": "적용 전",
    "after": "적용 후 (실적)",
    "change": "변화",
    "ci": "95% 구간",
    "met": "판정",
    "met_surely": "달성 (구간 전체)",
    "met_likely": "달성 (불확실)",
    "met_missed": "미달",
    "met_undefined": "판정 불가",
    "no_target": "목표 없음",
    "lead_targets": "구간은 일 단위 블록 부트스트랩(하루 생산분을 한 덩어리로 재표본) 95% 구간입니다. 목표 판정은 "
    "구간의 나쁜 쪽 끝이 목표를 지키면 '달성(구간 전체)', 실적 값만 지키면 '달성(불확실)'입니다.",
    "saving_same": "월간 절감액 (같은 부품에 기존 방식 적용 대비)",
    "saving_before_after": "월간 절감액 (적용 전 기간의 비용 대비)",
    "lead_saving": "같은 부품 비교는 현장 기간 부품에 기존 검사 방식을 적용했을 때의 비용과 비교하므로 공정 변화의 "
    "영향을 받지 않습니다. 적용 전후 비교는 두 기간의 비용 차이로, 공정 자체가 변했다면 그 영향이 섞입니다.",
    "process_defect_rate": "공정 불량률",
    "measure_mean": "측정값 평균",
    "shift_yes": "변화 있음: 구간이 0을 포함하지 않음",
    "shift_no": "뚜렷한 변화 없음",
    "confounded": "주의: 공정 자체가 적용 전후에 달라졌습니다. 적용 전후 차이에는 모델 효과와 공정 변화가 섞여 있으므로 "
    "'같은 부품 비교' 절감액으로 판단하세요.",
    "not_confounded": "공정 불량률과 측정값 평균이 적용 전후에 뚜렷이 달라지지 않아 전후 비교를 그대로 읽을 수 있습니다.",
    "week": "주차",
    "days": "기간",
    "parts": "부품 수",
    "results": "결과 수",
    "shift_flag": "공정 변화",
    "signal_rate": "관리도 이탈",
    "estimate_label": "추정치 (ESTIMATE)",
    "estimate_lead": "아래는 실측이 아닌 추정입니다. 결과가 아직 오지 않은 채점 부품 {n:,}개에 대해, 보정된 점수를 불량 "
    "확률로 보고 기대 혼동 행렬을 계산했습니다 (신뢰도 기반 성능 추정). 결과가 도착하면 실측으로 바뀝니다.",
    "calibration": "점수 보정 점검 (결과가 온 부품 {parts:,}개): 평균 점수 {score} vs 실제 불량 비율 {share}",
    "no_awaiting": "결과를 기다리는 채점 부품이 없습니다.",
    "estimate_weeks": "주차별 추정치: 각 주의 결과 대기 부품만으로 추정합니다. 부품이 적어 불량이 거의 기대되지 않는 주는 "
    "숫자 대신 근거 부족으로 표시합니다.",
    "awaiting_parts": "결과 대기",
    "estimate_unplaced": "결과 대기 부품 {n:,}개는 생산 시각(columns.time)이 채점 출력에 없거나 적용 전 부품이라 주차를 "
    "알 수 없어 전체 추정에만 들어갑니다.",
    "incident_rejects": "거부된 입력 행 {count:,}개 ({what})",
    "incident_input_flags": "학습 범위 밖 입력 {count:,}개 ({what})",
    "incident_promotion": "모델 v{version} 승격: {what}",
    "incident_rollback": "모델 롤백 → v{version}: {what}",
    "incident_reject": "도전 모델 v{version} 거부: {what}",
    "incident_process_shift": "{week}주차: 공정 불량률이 기준 기간 구간을 벗어남 (드리프트 경보)",
    "incident_control_signals": "{week}주차: 관리도 이탈 {share} (드리프트 경보)",
    "no_incidents": "기록된 사건이 없습니다.",
    "when": "일시",
    "what": "내용",
    "visit_planned": "계획",
    "visit_done": "방문",
    "who": "방문자",
    "next": "다음 단계",
    "no_visits": "방문 계획과 기록이 없습니다 (plan.visits, axpoc visit).",
    "fig_weeks": "주간 추이 그래프",
    "fig_control": "관리도",
    "chart_before": "적용 전",
    "chart_after": "적용 후",
    "chart_deploy": "적용",
    "chart_signal": "관리한계 이탈",
    "no_monitor": "측정 품질 특성이 설정되지 않았습니다 (field.monitor).",
    "monitor": "관측 품질 특성",
    "model_versions": "채점한 모델 버전",
    "verdict_no_results": "아직 현장 결과가 없어 실적을 판단할 수 없습니다. 결과가 오면 axpoc outcomes 로 넣으세요.",
    "verdict_too_little_evidence": "현장 {weeks}주 동안 결과가 나온 부품이 아직 적어, 판단의 근거가 되는 수치 {thin}개(목표·절감액)가 5건 미만에 기대고 있어 근거 부족입니다: 달성도 미달도 아직 말할 수 없습니다. 결과가 오면 axpoc outcomes 로 계속 넣으세요.",
    "verdict_no_money": "현장 {weeks}주 동안 목표 {targets}개 중 {met}개를 달성했습니다. 비용 정보가 없어 금액 효과는 계산하지 않았습니다.",
    "verdict_confounded": "현장 {weeks}주 동안 목표 {targets}개 중 {met}개 달성, 같은 부품 기준 월 {saving} 절감 (95% 구간 {low} ~ {high})이지만, 공정 자체도 변해 전후 비교에는 공정 변화가 섞여 있습니다.",
    "verdict_success": "현장 {weeks}주 동안 목표 {targets}개를 모두 달성했고, 월 {saving} 절감이 확인되었습니다 (95% 구간 {low} ~ {high}).",
    "verdict_saving_targets_missed": "현장 {weeks}주 동안 월 {saving} 절감이 확인되었으나 (95% 구간 {low} ~ {high}), 목표 {targets}개 중 {met}개만 달성했습니다.",
    "verdict_unsure": "현장 {weeks}주 동안 목표 {targets}개 중 {met}개 달성; 월 절감액 {saving}은(는) 아직 확실하지 않습니다 (95% 구간 {low} ~ {high}).",
    "kpi_defect_rate_passed_before": "기존 방식의 유출 불량률",
    # charter
    "charter": "PoC 착수 헌장",
    "ch_problem": "해결할 문제",
    "ch_process": "공정과 데이터 계획",
    "ch_targets": "KPI 목표와 측정 방법",
    "ch_gates": "모델 합격 기준 (게이트)",
    "ch_visits": "현장 방문 일정",
    "ch_roles": "역할",
    "ch_source": "데이터 출처",
    "ch_target": "예측 대상",
    "ch_roles_cols": "id / 시각 / 그룹 / 품번 열",
    "ch_outcomes": "현장 결과의 측정 특성",
    "ch_deployed": "라인 적용 예정일",
    "ch_formula": "산식",
    "ch_method": "현장 기간의 실적은 axpoc outcomes 로 연결한 검사 결과로 계산하고, 적용 전 기준 기간과 비교하며, "
    "일 단위 블록 부트스트랩 95% 구간을 함께 보고합니다 (axpoc field-report).",
    "ch_rules": "기본 인수 규칙",
    "ch_owner": "수요기업 책임자",
    "ch_engineer": "PoC 엔지니어",
    "ch_it": "수요기업 전산 담당",
    "ch_date": "날짜",
    "ch_purpose": "목적",
    "ch_no_targets": "kpi.targets 가 설정되지 않았습니다.",
    # case card
    "case_card": "AI 적용 사례 카드",
    "cc_industry": "업종",
    "cc_process": "공정",
    "cc_data": "학습 데이터 규모",
    "cc_field": "현장 검증 규모",
    "cc_family": "모델 종류",
    "cc_effects": "현장 효과 (반올림, 95% 구간)",
    "cc_lessons": "교훈",
    "cc_took": "소요",
    "cc_took_value": "현장 방문 {visits}회, 현장 검증 {weeks}주",
    "cc_rows": "{band}건",
    "cc_weeks": "{weeks}주, 부품 {band}개",
    "cc_confounded": "현장 기간 중 공정 자체의 변화가 있어, 효과는 같은 부품 비교 기준입니다.",
    "cc_anonymous": "이 카드는 회사명, 제품명, 열 이름, 원자료, id 를 담지 않습니다.",
    # shop-floor dashboard
    "db_title": "현장 모니터",
    "db_updated": "갱신",
    "db_refresh": "{s}초마다 자동 새로고침",
    "db_version": "모델 버전",
    "db_scored": "채점 부품",
    "db_flagged": "불량 의심 판정",
    "db_rejected": "거부된 입력",
    "db_input_flagged": "학습 범위 밖 입력",
    "db_drift": "드리프트 상태",
    "db_drift_ok": "정상",
    "db_drift_watch": "주의 (학습 범위 밖 입력 증가)",
    "db_drift_process_shift": "공정 변화 감지",
    "db_drift_no_data": "채점 기록 없음",
    "db_drift_reload_error": "모델 교체 오류",
    "db_recent": "최근 채점 부품",
    "db_score": "점수",
    "db_decision": "판정",
    "db_flag": "불량 의심",
    "db_pass": "합격",
    "db_time": "시각",
    "db_field": "현장 실적 (결과 연결분)",
    "db_no_outcomes": "아직 연결된 현장 결과가 없습니다 (axpoc outcomes).",
    "db_results": "결과가 연결된 부품 {n:,}개, 결과 대기 {awaiting:,}개",
}
_FIELD_EN: dict[str, str] = {
    "field_report": "Field proof report",
    "sec_verdict": "Verdict",
    "sec_targets": "Kick-off targets vs achieved",
    "sec_before_after": "Before and after, and a check for a process change",
    "sec_weeks": "Weekly trends",
    "sec_stability": "Process stability (before and after)",
    "sec_estimate": "Estimates for parts awaiting results",
    "sec_incidents": "Incidents",
    "sec_visits": "Site visits: plan and record",
    "deployed": "Deployed",
    "baseline_period": "Baseline (before)",
    "field_period": "Field period (after)",
    "period_facts": "{first} to {last}, {days} days, {parts:,} parts ({with_result:,} results, {defects:,} defects, {measured:,} measured)",
    "no_period": "no records",
    "kpi": "KPI",
    "target": "Target",
    "before": "Before",
    "after": "After (realised)",
    "change": "Change",
    "ci": "95% interval",
    "met": "Verdict",
    "met_surely": "met (whole interval)",
    "met_likely": "met (uncertain)",
    "met_missed": "missed",
    "met_undefined": "cannot judge",
    "no_target": "no target",
    "lead_targets": "Intervals are 95 % day-block bootstrap intervals (a day's parts resampled together). A target is "
    "'met (whole interval)' when the interval's worse end meets it, 'met (uncertain)' when only the value does.",
    "saving_same": "Monthly saving (today's practice on the same parts)",
    "saving_before_after": "Monthly saving (against the baseline period's cost)",
    "lead_saving": "The same-parts comparison prices today's practice on the field period's own parts, so a process "
    "change does not move it; the before/after comparison differs the two periods' costs and mixes in any change of the process.",
    "process_defect_rate": "Process defect rate",
    "measure_mean": "Mean of the measurement",
    "shift_yes": "changed: the interval excludes 0",
    "shift_no": "no clear change",
    "confounded": "Caution: the process itself changed between the periods. The before/after difference mixes the "
    "model's effect with the process change; judge by the same-parts saving.",
    "not_confounded": "The process defect rate and the measured mean did not clearly change, so the before/after comparison reads as it is.",
    "week": "Week",
    "days": "Days",
    "parts": "Parts",
    "results": "Results",
    "shift_flag": "Process change",
    "signal_rate": "Chart signals",
    "estimate_label": "ESTIMATE",
    "estimate_lead": "These are estimates, not measurements: for the {n:,} scored parts whose results have not come yet, "
    "the calibrated score is read as the probability of a defect and the expected confusion counts are computed "
    "(confidence-based performance estimation). Results replace them when they arrive.",
    "calibration": "Score calibration check ({parts:,} parts with results): mean score {score} vs realised defect share {share}",
    "no_awaiting": "No scored part is awaiting its result.",
    "estimate_weeks": "Estimates per week: each week's waiting parts are estimated alone. A week with too few parts "
    "to expect a defect says so instead of giving a number.",
    "awaiting_parts": "Awaiting",
    "estimate_unplaced": "{n:,} waiting part(s) have no production time (columns.time) in the scored output, or were "
    "made before deployment: their week is unknown, so they count in the whole period's estimate only.",
    "incident_rejects": "{count:,} input rows rejected ({what})",
    "incident_input_flags": "{count:,} inputs outside the training range ({what})",
    "incident_promotion": "model v{version} promoted: {what}",
    "incident_rollback": "model rolled back to v{version}: {what}",
    "incident_reject": "challenger v{version} rejected: {what}",
    "incident_process_shift": "week {week}: the process defect rate left the baseline's interval (drift alarm)",
    "incident_control_signals": "week {week}: control-chart signals {share} (drift alarm)",
    "no_incidents": "No incident was recorded.",
    "when": "When",
    "what": "What",
    "visit_planned": "planned",
    "visit_done": "visit",
    "who": "Who",
    "next": "Next step",
    "no_visits": "No visits planned or recorded (plan.visits, axpoc visit).",
    "fig_weeks": "Weekly trends",
    "fig_control": "Control chart",
    "chart_before": "before",
    "chart_after": "after",
    "chart_deploy": "deployed",
    "chart_signal": "outside the limits",
    "no_monitor": "No measured quality characteristic is configured (field.monitor).",
    "monitor": "Monitored characteristic",
    "model_versions": "Model versions that scored",
    "verdict_no_results": "No field results yet, so nothing can be judged; feed them with axpoc outcomes when they come.",
    "verdict_too_little_evidence": "Over {weeks} field weeks too few parts with a result stand behind {thin} of the figures the verdict rests on (targets, money): fewer than 5 cases each, too little evidence to call them met or missed yet. Keep feeding results with axpoc outcomes as they come.",
    "verdict_no_money": "Over {weeks} field weeks {met} of {targets} targets were met; without costs no money effect was computed.",
    "verdict_confounded": "Over {weeks} field weeks {met} of {targets} targets were met and the same parts cost {saving} less a month (95 % interval {low} to {high}), but the process itself changed too, so before/after figures mix in the process change.",
    "verdict_success": "Over {weeks} field weeks all {targets} targets were met and a saving of {saving} a month is confirmed (95 % interval {low} to {high}).",
    "verdict_saving_targets_missed": "Over {weeks} field weeks a saving of {saving} a month is confirmed (95 % interval {low} to {high}), but only {met} of {targets} targets were met.",
    "verdict_unsure": "Over {weeks} field weeks {met} of {targets} targets were met; the monthly saving of {saving} is not yet certain (95 % interval {low} to {high}).",
    "kpi_defect_rate_passed_before": "Outgoing defect rate of today's practice",
    "charter": "PoC charter",
    "ch_problem": "The problem",
    "ch_process": "Process and data plan",
    "ch_targets": "KPI targets and how they are measured",
    "ch_gates": "Model acceptance gates",
    "ch_visits": "Site visits",
    "ch_roles": "Roles",
    "ch_source": "Data source",
    "ch_target": "Predicted",
    "ch_roles_cols": "id / time / group / product columns",
    "ch_outcomes": "Measured characteristic of field results",
    "ch_deployed": "Planned go-live",
    "ch_formula": "Formula",
    "ch_method": "Field figures come from the inspection results joined with axpoc outcomes, compared with the baseline "
    "period before go-live, with 95 % day-block bootstrap intervals (axpoc field-report).",
    "ch_rules": "Built-in acceptance rules",
    "ch_owner": "Company owner",
    "ch_engineer": "PoC engineer",
    "ch_it": "Company IT contact",
    "ch_date": "Date",
    "ch_purpose": "Purpose",
    "ch_no_targets": "No kpi.targets are set.",
    "case_card": "AI case card",
    "cc_industry": "Industry",
    "cc_process": "Process",
    "cc_data": "Training data",
    "cc_field": "Field proof",
    "cc_family": "Model family",
    "cc_effects": "Field effect (rounded, 95 % interval)",
    "cc_lessons": "Lessons",
    "cc_took": "What it took",
    "cc_took_value": "{visits} site visits, {weeks} field weeks",
    "cc_rows": "{band} rows",
    "cc_weeks": "{weeks} weeks, {band} parts",
    "cc_confounded": "The process itself changed during the field period; effects are on the same-parts basis.",
    "cc_anonymous": "This card holds no company or product name, column name, raw value or id.",
    "db_title": "Line monitor",
    "db_updated": "updated",
    "db_refresh": "reloads every {s} s",
    "db_version": "Model version",
    "db_scored": "Parts scored",
    "db_flagged": "Flagged as defect",
    "db_rejected": "Rejected inputs",
    "db_input_flagged": "Inputs outside training range",
    "db_drift": "Drift status",
    "db_drift_ok": "ok",
    "db_drift_watch": "watch (more inputs outside the training range)",
    "db_drift_process_shift": "process change detected",
    "db_drift_no_data": "nothing scored yet",
    "db_drift_reload_error": "model reload failed",
    "db_recent": "Last scored parts",
    "db_score": "Score",
    "db_decision": "Decision",
    "db_flag": "flagged",
    "db_pass": "pass",
    "db_time": "Time",
    "db_field": "Field results (joined outcomes)",
    "db_no_outcomes": "No field results joined yet (axpoc outcomes).",
    "db_results": "{n:,} parts with results, {awaiting:,} awaiting",
}
_FIELD_TABLES = {"ko": MappingProxyType(_FIELD_KO), "en": MappingProxyType(_FIELD_EN)}


def field_texts(language: str) -> Mapping[str, str]:
    """The PoC report's words with the field documents' (field report, charter, case card) on top."""
    return {**texts(language), **_FIELD_TABLES[language]}
