"""Every word and number the report shows, in Korean (default) and English.

The report is read by plant managers and IT staff, so numbers are formatted for people: thousands
separators, ratios as percentages, money with the currency word of the language (``원`` in Korean).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from types import MappingProxyType

from axpoc.kpi import RULE_LABELS, Phrase, policy_label, rule_of

LANGUAGES = ("ko", "en")

_KO: dict[str, str] = {
    "lang": "ko",
    "report": "PoC 결과 보고서",
    "project": "프로젝트",
    "process": "공정",
    "task": "과제 유형",
    "target": "목표 변수",
    "created_at": "작성 시각",
    "toc": "목차",
    "not_available": "정보 없음",
    "undefined": "정의 불가",
    "none_given": "이 실행에서는 제공되지 않았습니다.",
    # task names
    "task_binary": "이진 분류 (양품/불량)",
    "task_multiclass": "다중 분류 (불량 유형)",
    "task_regression": "회귀 (측정값 예측)",
    "task_anomaly": "이상 탐지",
    # verdicts
    "verdict_champion": "챔피언",
    "verdict_challenger": "도전자(보류)",
    "verdict_insufficient_evidence": "근거 부족",
    "verdict_rejected": "거부",
    "verdict_not_registered": "미등록",
    "verdict_caption": "최종 판정",
    # section titles, in the order of the report
    "sec_summary": "경영진 요약",
    "sec_data": "데이터 준비도와 검증 결과",
    "sec_leaderboard": "후보 모델 비교 (리더보드)",
    "sec_model": "선택된 모델",
    "sec_importance": "변수 중요도와 영향",
    "sec_errors_classification": "혼동 행렬",
    "sec_errors_regression": "예측값 vs 실제값과 잔차",
    "sec_threshold": "판정 임계값과 비용 곡선",
    "sec_kpis": "KPI 표 (산식 포함)",
    "sec_repro": "재현성 정보",
    # summary
    "gates": "KPI 합격 기준 (게이트)",
    "gates_passed": "게이트 통과",
    "gate_kpi": "KPI",
    "gate_rule": "기준",
    "gate_value": "측정값",
    "gate_used": "판정에 쓴 값",
    "gate_result": "결과",
    "gate_reason": "설명",
    "pass": "합격",
    "fail": "불합격",
    "no_gates": "합격 기준(게이트)이 설정되지 않았습니다.",
    "rules": "기본 인수 규칙 (항상 적용)",
    "rules_lead": "설정한 게이트와 별도로 모든 모델에 적용되는 규칙입니다. 끄려면 설정의 kpi.rules에 이유를 적어야 합니다.",
    "rule_name": "규칙",
    "rule_off": "꺼짐",
    "evidence": "근거 부족",
    "per_class": "클래스별 결과",
    "per_class_lead": "클래스별 지표는 아래 표의 각 클래스에 대한 것입니다.",
    "class": "클래스",
    "defect_class": "불량 클래스",
    "support": "시험 부품 수",
    "class_recall": "재현율",
    "class_precision": "정밀도",
    "monthly_saving": "월간 절감액",
    "hours_saved": "월간 검사 시간 절감",
    "chosen_model": "선택 모델",
    "saving_missing": "비용 정보가 없어 월간 절감액을 계산하지 않았습니다.",
    "saving_split": "기존 방식 대비 {total} 중 {no_model}은(는) 모델 없이도 가능",
    "headline": "핵심 KPI 변화 (기존 → 모델 적용)",
    "before": "기존",
    "after": "모델 적용",
    "no_headline": "기존 방식과 비교할 핵심 KPI가 없습니다.",
    "assumptions": "가정 사항",
    "assumptions_lead": "아래 값은 실측이 아닌 가정입니다. 실제 값으로 바꾸면 결과가 달라집니다.",
    "undefined_kpis": "정의되지 않은 KPI",
    "undefined_lead": "다음 KPI는 테스트 데이터로 계산할 수 없어 값이 없습니다. 이 KPI에 걸린 게이트는 불합격입니다.",
    # data
    "data_source": "데이터 출처",
    "data_digest": "데이터 해시",
    "n_rows": "행 수",
    "n_features": "입력 변수 수",
    "split": "학습/테스트 분할",
    "cv": "교차 검증",
    "profile": "데이터 프로파일",
    "validation": "데이터 검증 결과",
    "validation_summary": "검증 항목 {total}개 중 {failed}개 실패 (치명 {critical}개, 경고 {warning}개)",
    "validation_more": "… 외 {n}개 항목 (모두 통과)",
    "validation_more_failed": "… 외 실패 {n}개 항목 (axpoc validate 로 전체 목록 확인)",
    "validation_passed": "통과한 검사 {n}개 보기",
    "no_validation": "데이터 검증 결과가 없습니다.",
    "no_profile": "데이터 프로파일이 없습니다.",
    "notes": "참고 사항",
    "ok": "통과",
    "failed": "실패",
    "vseverity_critical": "치명",
    "vseverity_warning": "경고",
    "vsource_config": "설정",
    "vsource_inferred": "데이터에서 추론",
    "vsource_target": "목표 변수",
    "vsource_template": "공정 템플릿",
    "prof_dirty": "숫자로 정리한 값",
    "dirty_censored": "검출 한계 값",
    "dirty_annotated": "주석이 붙은 값",
    "dirty_ranges": "범위 값",
    "dirty_missing_tokens": "결측 표기",
    "dirty_thousands": "천 단위 구분 기호",
    "dirty_unparsable": "읽을 수 없는 값",
    "span_days": "{n}일",
    "span_hours": "{n}시간",
    "span_minutes": "{n}분",
    "vcol_column": "열",
    "vcol_expectation": "기대 조건",
    "vcol_kind": "검사 종류",
    "vcol_severity": "심각도",
    "vcol_source": "근거",
    "vcol_success": "결과",
    "vcol_failing_count": "위반 수",
    "vcol_failing_share": "위반 비율",
    "vcol_samples": "위반 예시",
    "vcol_note": "비고",
    "prof_shape": "크기",
    "prof_shape_value": "{rows:,}행 × {cols:,}열",
    "prof_time": "기간",
    "prof_sampling": "기록 간격",
    "prof_sampling_value": "중앙값 {step}초, 큰 공백 {gaps}, 시간 역순 {disorder}",
    "prof_label": "레이블 분포",
    "prof_missing": "결측 비율 (상위)",
    "prof_constant": "값이 하나뿐인 열",
    "prof_group_level": "그룹마다 값이 하나뿐인 열 (모델 비교 전에 그룹 교차검증으로 선별)",
    "prof_dup_columns": "내용이 같은 열",
    "prof_dup_rows": "중복 행",
    "prof_dup_ids": "중복 ID",
    "prof_leakage": "누수 의심 변수",
    "prof_problems": "발견된 문제",
    "prof_scores": "변수별 단독 예측력 (상위 10개)",
    "leak_label": "레이블 누수",
    "leak_id": "ID 열",
    "leak_timestamp": "시각 열",
    "leak_post_process": "사후 정보",
    "leak_kind": "유형",
    "leak_reason": "이유",
    "score": "점수",
    "none": "없음",
    "sig_yes": "유의",
    "sig_no": "차이 없음",
    # leaderboard
    "rank": "순위",
    "candidate": "후보",
    "family": "모델 계열",
    "status": "상태",
    "mean": "평균",
    "ci95": "95% 신뢰구간",
    "diff_vs_1": "1위 대비 차이",
    "p_value": "p-값 (1위와 비교)",
    "fit_time": "학습 시간 (초)",
    "predict_time": "예측 (ms/1,000건)",
    "trials": "튜닝 시도",
    "note": "비고",
    "status_skipped": "제외",
    "status_stopped": "중단",
    "status_failed": "실패",
    "yes": "예",
    "no": "아니오",
    "conclusion": "1위 vs 2위",
    "no_leaderboard": "비교한 후보 모델이 없습니다.",
    "fig_leaderboard_title": "교차 검증 점수와 95% 신뢰구간",
    # chosen model
    "pipeline": "파이프라인 단계",
    "params": "파라미터",
    "why_family": "이 모델 계열을 고른 이유",
    "no_model": "선택된 모델이 없습니다.",
    "model_registry": "등록 모델",
    "param": "파라미터",
    "value": "값",
    # importance
    "importance_lead": "순열 중요도: 한 변수의 값을 무작위로 섞었을 때 주 지표({metric})가 떨어지는 정도입니다. 클수록 모델이 그 변수에 의존합니다.",
    "feature": "변수",
    "importance": "중요도",
    "std": "표준편차",
    "no_importance": "변수 중요도가 계산되지 않았습니다.",
    "effects": "상위 변수의 영향",
    "effects_lead": "다른 값은 그대로 두고 한 변수만 바꿨을 때 모델의 평균 예측값입니다 (부분 의존).",
    "no_effects": "변수 영향 그래프가 없습니다.",
    "fig_importance_title": "순열 중요도 (상위 {n}개)",
    "mean_prediction_binary": "평균 불량 확률",
    "mean_prediction_regression": "평균 예측값",
    "mean_prediction_other": "평균 점수",
    "mean_prediction_defects": "불량 클래스({classes}) 확률 합의 평균",
    "mean_prediction_uncertainty": "평균 불확실도 (1 - 최대 클래스 확률; 불량 클래스 미지정)",
    # errors
    "confusion_lead": "행은 실제 값, 열은 모델 판정입니다. 색은 실제 값별 비율입니다.",
    "actual": "실제",
    "predicted": "예측",
    "no_confusion": "혼동 행렬이 없습니다.",
    "residual_lead": "대각선에 가까울수록 예측이 정확합니다.",
    "residual_lead_spec": "점선은 규격 한계(LSL/USL)입니다. 대각선에 가까울수록 예측이 정확합니다.",
    "residual": "잔차 (예측 - 실제)",
    "no_residuals": "예측값과 실제값이 없어 잔차 그림을 그리지 않았습니다.",
    "fig_pred_vs_actual": "예측값 vs 실제값",
    "fig_residuals": "잔차",
    # threshold
    "threshold": "판정 임계값",
    "threshold_lead": "임계값별 부품 1개당 기대 비용입니다. 세로선이 선택된 임계값입니다.",
    "no_threshold_task": "이 과제 유형에는 판정 임계값이 없습니다.",
    "no_curve": "비용 정보가 없어 비용 곡선을 그리지 않았습니다.",
    "fig_cost": "부품당 기대 비용 ({currency})",
    "fig_recall": "재현율",
    "fig_false_alarm": "과검출률",
    "fig_chosen": "선택: {t}",
    "fig_threshold_axis": "임계값",
    # kpis
    "kpi": "KPI",
    "kpi_value": "값",
    "unit": "단위",
    "formula": "산식",
    "higher_better": "↑ 높을수록 좋음",
    "lower_better": "↓ 낮을수록 좋음",
    "group_ml": "모델 성능",
    "group_quality": "품질",
    "group_productivity": "생산성",
    "group_stability": "안정성",
    "no_kpis": "계산된 KPI가 없습니다.",
    # repro
    "config": "설정 파일 (YAML)",
    "config_digest": "설정 해시",
    "packages": "패키지 버전",
    "package": "패키지",
    "version": "버전",
    "mlflow_run": "MLflow 실행 ID",
    "tracking_uri": "MLflow 추적 URI",
    "model_name": "등록 모델 이름",
    "model_version": "모델 버전",
    "no_config": "설정 파일 내용이 없습니다.",
    "footer": "axpoc로 생성된 보고서입니다. 이 파일 하나로 오프라인에서 열립니다.",
    # units
    "unit_ratio": "%",
    "unit_score": "점수 (0–1)",
    "unit_nats": "nats",
    "unit_target": "목표 변수 단위",
    "unit_parts": "개/1,000개",
    "unit_hours": "시간/월",
    "unit_index": "지수",
    "unit_money_month": "{currency}/월",
}

_EN: dict[str, str] = {
    "lang": "en",
    "report": "PoC report",
    "project": "Project",
    "process": "Process",
    "task": "Task",
    "target": "Target",
    "created_at": "Created",
    "toc": "Contents",
    "not_available": "not available",
    "undefined": "undefined",
    "none_given": "Not provided in this run.",
    "task_binary": "binary classification (good/defect)",
    "task_multiclass": "multiclass classification (defect type)",
    "task_regression": "regression (measured value)",
    "task_anomaly": "anomaly detection",
    "verdict_champion": "Champion",
    "verdict_challenger": "Challenger (kept)",
    "verdict_insufficient_evidence": "Insufficient evidence",
    "verdict_rejected": "Rejected",
    "verdict_not_registered": "Not registered",
    "verdict_caption": "Verdict",
    "sec_summary": "Management summary",
    "sec_data": "Data readiness and validation",
    "sec_leaderboard": "Candidate comparison (leaderboard)",
    "sec_model": "The chosen model",
    "sec_importance": "Feature importance and effects",
    "sec_errors_classification": "Confusion matrix",
    "sec_errors_regression": "Predicted vs actual and residuals",
    "sec_threshold": "Decision threshold and cost curve",
    "sec_kpis": "KPI table with formulas",
    "sec_repro": "Reproducibility",
    "gates": "KPI gates",
    "gates_passed": "Gates passed",
    "gate_kpi": "KPI",
    "gate_rule": "Target",
    "gate_value": "Value",
    "gate_used": "Judged on",
    "gate_result": "Result",
    "gate_reason": "Reason",
    "pass": "pass",
    "fail": "fail",
    "no_gates": "No KPI gates were configured.",
    "rules": "Built-in acceptance rules (always applied)",
    "rules_lead": "Applied to every model on top of the configured gates; switching one off needs a reason in kpi.rules.",
    "rule_name": "Rule",
    "rule_off": "off",
    "evidence": "Insufficient evidence",
    "per_class": "Results per class",
    "per_class_lead": "Each class-specific figure below is about the class named in its row.",
    "class": "Class",
    "defect_class": "Defect class",
    "support": "Test parts",
    "class_recall": "Recall",
    "class_precision": "Precision",
    "monthly_saving": "Monthly saving",
    "hours_saved": "Inspection hours saved per month",
    "chosen_model": "Chosen model",
    "saving_missing": "No costs given, so the monthly saving was not computed.",
    "saving_split": "of {total} saved over today's practice, {no_model} needs no model",
    "headline": "Key KPIs (current practice → with the model)",
    "before": "Current",
    "after": "With model",
    "no_headline": "No headline KPI to compare with current practice.",
    "assumptions": "Assumptions",
    "assumptions_lead": "These values are assumed, not measured. Real values change the result.",
    "undefined_kpis": "Undefined KPIs",
    "undefined_lead": "These KPIs cannot be computed on the test part; gates on them fail.",
    "data_source": "Data source",
    "data_digest": "Data digest",
    "n_rows": "Rows",
    "n_features": "Input features",
    "split": "Train/test split",
    "cv": "Cross-validation",
    "profile": "Data profile",
    "validation": "Validation results",
    "validation_summary": "{failed} of {total} expectations failed ({critical} critical, {warning} warnings)",
    "validation_more": "… {n} more expectations (all passed)",
    "validation_more_failed": "… {n} more failed expectations (axpoc validate lists them all)",
    "validation_passed": "Show the {n} passed checks",
    "no_validation": "No validation results.",
    "no_profile": "No data profile.",
    "notes": "Notes",
    "ok": "passed",
    "failed": "failed",
    "vseverity_critical": "critical",
    "vseverity_warning": "warning",
    "vsource_config": "config",
    "vsource_inferred": "inferred from data",
    "vsource_target": "target",
    "vsource_template": "process template",
    "prof_dirty": "Dirty numbers read",
    "dirty_censored": "censored",
    "dirty_annotated": "annotated",
    "dirty_ranges": "ranges",
    "dirty_missing_tokens": "missing tokens",
    "dirty_thousands": "thousands separators",
    "dirty_unparsable": "unparsable",
    "span_days": "{n} d",
    "span_hours": "{n} h",
    "span_minutes": "{n} min",
    "vcol_column": "Column",
    "vcol_expectation": "Expectation",
    "vcol_kind": "Check",
    "vcol_severity": "Severity",
    "vcol_source": "Source",
    "vcol_success": "Result",
    "vcol_failing_count": "Failing rows",
    "vcol_failing_share": "Failing share",
    "vcol_samples": "Failing examples",
    "vcol_note": "Note",
    "prof_shape": "Size",
    "prof_shape_value": "{rows:,} rows × {cols:,} columns",
    "prof_time": "Time span",
    "prof_sampling": "Sampling",
    "prof_sampling_value": "median step {step} s, large gaps {gaps}, out of order {disorder}",
    "prof_label": "Label distribution",
    "prof_missing": "Missing share (worst)",
    "prof_constant": "Constant columns",
    "prof_group_level": "One value per group (screened by grouped cross-validation before comparing)",
    "prof_dup_columns": "Duplicate columns",
    "prof_dup_rows": "Duplicate rows",
    "prof_dup_ids": "Duplicate ids",
    "prof_leakage": "Leakage suspects",
    "prof_problems": "Problems found",
    "prof_scores": "Single-feature predictive power (top 10)",
    "leak_label": "label leak",
    "leak_id": "id column",
    "leak_timestamp": "timestamp",
    "leak_post_process": "post-process value",
    "leak_kind": "Kind",
    "leak_reason": "Reason",
    "score": "Score",
    "none": "none",
    "sig_yes": "significant",
    "sig_no": "n.s.",
    "rank": "Rank",
    "candidate": "Candidate",
    "family": "Family",
    "status": "Status",
    "mean": "Mean",
    "ci95": "95% CI",
    "diff_vs_1": "Difference to #1",
    "p_value": "p-value (vs #1)",
    "fit_time": "Fit time (s)",
    "predict_time": "Predict (ms/1,000 rows)",
    "trials": "Tuning trials",
    "note": "Note",
    "status_skipped": "skipped",
    "status_stopped": "stopped",
    "status_failed": "failed",
    "yes": "yes",
    "no": "no",
    "conclusion": "#1 vs #2",
    "no_leaderboard": "No candidate models were compared.",
    "fig_leaderboard_title": "Cross-validated score with 95% CI",
    "pipeline": "Pipeline steps",
    "params": "Parameters",
    "why_family": "Why this model family",
    "no_model": "No model was chosen.",
    "model_registry": "Registered model",
    "param": "Parameter",
    "value": "Value",
    "importance_lead": "Permutation importance: how much the primary metric ({metric}) drops when one feature is shuffled. The larger, the more the model relies on it.",
    "feature": "Feature",
    "importance": "Importance",
    "std": "Std",
    "no_importance": "Feature importance was not computed.",
    "effects": "Effect of the top features",
    "effects_lead": "Mean model prediction when one feature is set to each value and the others stay as they are (partial dependence).",
    "no_effects": "No feature effect plots.",
    "fig_importance_title": "Permutation importance (top {n})",
    "mean_prediction_binary": "mean defect probability",
    "mean_prediction_regression": "mean prediction",
    "mean_prediction_other": "mean score",
    "mean_prediction_defects": "mean summed probability of the defect classes ({classes})",
    "mean_prediction_uncertainty": "mean uncertainty (1 - top class probability; no defect classes given)",
    "confusion_lead": "Rows are actual values, columns the model's decision. Colour shows the share per actual value.",
    "actual": "actual",
    "predicted": "predicted",
    "no_confusion": "No confusion matrix.",
    "residual_lead": "The closer to the diagonal, the better.",
    "residual_lead_spec": "Dashed lines are the spec limits (LSL/USL). The closer to the diagonal, the better.",
    "residual": "residual (predicted - actual)",
    "no_residuals": "No predictions and actual values, so no residual plot.",
    "fig_pred_vs_actual": "Predicted vs actual",
    "fig_residuals": "Residuals",
    "threshold": "Decision threshold",
    "threshold_lead": "Expected cost per part for each threshold. The vertical line is the chosen threshold.",
    "no_threshold_task": "This task has no decision threshold.",
    "no_curve": "No costs given, so no cost curve.",
    "fig_cost": "expected cost per part ({currency})",
    "fig_recall": "recall",
    "fig_false_alarm": "false alarm rate",
    "fig_chosen": "chosen: {t}",
    "fig_threshold_axis": "threshold",
    "kpi": "KPI",
    "kpi_value": "Value",
    "unit": "Unit",
    "formula": "Formula",
    "higher_better": "↑ higher is better",
    "lower_better": "↓ lower is better",
    "group_ml": "Model performance",
    "group_quality": "Quality",
    "group_productivity": "Productivity",
    "group_stability": "Stability",
    "no_kpis": "No KPIs were computed.",
    "config": "Configuration (YAML)",
    "config_digest": "Config digest",
    "packages": "Package versions",
    "package": "Package",
    "version": "Version",
    "mlflow_run": "MLflow run ID",
    "tracking_uri": "MLflow tracking URI",
    "model_name": "Registered model name",
    "model_version": "Model version",
    "no_config": "No configuration text.",
    "footer": "Generated by axpoc. This single file opens offline.",
    "unit_ratio": "%",
    "unit_score": "score (0–1)",
    "unit_nats": "nats",
    "unit_target": "target unit",
    "unit_parts": "parts/1,000",
    "unit_hours": "h/month",
    "unit_index": "index",
    "unit_money_month": "{currency}/month",
}

_TABLES: dict[str, Mapping[str, str]] = {"ko": MappingProxyType(_KO), "en": MappingProxyType(_EN)}

# Scores conventionally read as decimals (AUC 0.91), not as percentages like rates are.
_DECIMAL_RATIOS = frozenset({"roc_auc", "average_precision", "f1", "macro_f1", "brier", "r2"})


def texts(language: str) -> Mapping[str, str]:
    """The string table for ``language`` (``ko`` or ``en``)."""
    try:
        return _TABLES[language]
    except KeyError:
        raise ValueError(f"report language must be one of {LANGUAGES}, got {language!r}") from None


def as_number(x: object) -> float | None:
    """``x`` as a float, or None when it is missing (None, NaN: an undefined KPI is a NaN) or not a number."""
    try:
        value = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def fmt_number(x: object, *, digits: int = 4) -> str:
    """Big numbers with separators (12,345), small ones with ``digits`` significant digits."""
    value = as_number(x)
    if value is None:
        return "–"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    if abs(value) >= 1e4:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:,.1f}"
    return f"{value:.{digits}g}"


def fmt_percent(x: object) -> str:
    """A ratio as a percentage; small ones keep two decimals so 0.43 % does not read as 0 %."""
    value = as_number(x)
    if value is None:
        return "–"
    pct = 100.0 * value
    return f"{pct:.2f}%" if abs(pct) < 10 else f"{pct:.1f}%"


def fmt_money(x: object, *, currency: str, language: str) -> str:
    """KRW as ``1,234,000원`` in Korean and ``KRW 1,234,000`` in English."""
    value = as_number(x)
    if value is None:
        return "–"
    amount = f"{value:,.0f}"
    if currency == "KRW":
        return f"{amount}원" if language == "ko" else f"KRW {amount}"
    return f"{amount} {currency}"


def _money_unit(unit: str) -> str | None:
    """``KRW`` for ``KRW/month``; None for units that are not money per month."""
    return unit.removesuffix("/month") if unit.endswith("/month") and unit != "h/month" else None


def unit_label(unit: str, *, name: str = "", currency: str, language: str) -> str:
    """The unit as people say it: ``KRW/month`` -> ``원/월``; a ratio read as a decimal score says so."""
    t = texts(language)
    unit = unit.replace("currency", currency)
    if unit == "ratio" and name in _DECIMAL_RATIOS:
        return t["unit_score"]
    money = _money_unit(unit)
    if money is not None:
        word = "원" if money == "KRW" and language == "ko" else money
        return t["unit_money_month"].format(currency=word)
    simple = {
        "ratio": t["unit_ratio"],
        "nats": t["unit_nats"],
        "target unit": t["unit_target"],
        "parts/1000": t["unit_parts"],
        "h/month": t["unit_hours"],
        "index": t["unit_index"],
    }
    return simple.get(unit, unit)


def fmt_kpi(x: object, *, name: str, unit: str, currency: str, language: str) -> str:
    """One KPI value in its unit: rates as %, money with the currency, hours and counts with separators."""
    value = as_number(x)
    if value is None:
        return texts(language)["undefined"]
    unit = unit.replace("currency", currency)
    money = _money_unit(unit)
    if money is not None:
        return fmt_money(value, currency=money, language=language)
    if unit == "ratio":
        return fmt_number(value) if name in _DECIMAL_RATIOS else fmt_percent(value)
    if unit == "h/month":
        return f"{value:,.1f}" + ("시간" if language == "ko" else " h")
    if unit == "parts/1000":
        return f"{value:,.2f}"
    return fmt_number(value)


# --- sentences built from values: promotion decisions, gate verdicts, threshold and retrain notes ---

# code -> (Korean, English). The English one is also what the registry, the promotion log and the CLI say.
_DECISIONS: dict[str, tuple[str, str]] = {
    "forced": ("강제 승격: {reason}", "forced: {reason}"),
    "gates_failed": ("게이트 불합격: {failed}", "gates failed: {failed}"),
    "first_champion": ("모든 게이트 통과; 첫 챔피언", "all gates passed; first champion"),
    "champion_cannot_score": (
        "챔피언 v{champion}은(는) 새 열로 점수를 낼 수 없습니다 ({error}); 모든 게이트 통과",
        "the champion v{champion} cannot score the new columns ({error}); all gates passed",
    ),
    "champion_unseen_classes": (
        "챔피언 v{champion}은(는) 클래스 {classes}을(를) 학습한 적이 없어 비교할 수 없습니다; "
        "모든 게이트 통과",
        "the champion v{champion} was never trained on the class(es) {classes}, so it cannot be "
        "compared; all gates passed",
    ),
    "champion_not_comparable": (
        "게이트 통과; 챔피언 v{champion}과(와) 비교할 수 없음: 작은 데이터라 새 모델은 교차 검증 밖(out-of-fold) "
        "예측으로 평가하는데, 챔피언을 같은 폴드에서 다시 학습해 같은 방식으로 평가하지 못했습니다 ({error}). "
        "비교 결과가 정의되지 않아 도전자로 남습니다",
        "gates passed; the champion v{champion} cannot be compared: on small data the new model is judged "
        "on out-of-fold predictions, and the champion could not be refitted on the same folds to be judged "
        "the same way ({error}); the comparison is undefined, so this version stays challenger",
    ),
    "not_worse": (
        "게이트 통과; 챔피언 v{champion} 대비 {primary} 차이 {diff:+.4f} (95% 신뢰구간 하한 {low:+.4f}, "
        "허용오차 {tolerance}) → 챔피언보다 나쁘지 않음",
        "gates passed; {primary} difference vs champion v{champion}: {diff:+.4f} "
        "(95% CI lower bound {low:+.4f}, tolerance {tolerance}) -> not worse than the champion",
    ),
    "worse": (
        "게이트 통과; 챔피언 v{champion} 대비 {primary} 차이 {diff:+.4f} (95% 신뢰구간 하한 {low:+.4f}, "
        "허용오차 {tolerance}) → 챔피언보다 나쁨",
        "gates passed; {primary} difference vs champion v{champion}: {diff:+.4f} "
        "(95% CI lower bound {low:+.4f}, tolerance {tolerance}) -> worse than the champion",
    ),
    "uncertain": (
        "게이트 통과; 챔피언 v{champion} 대비 {primary} 차이 {diff:+.4f} (95% 신뢰구간 하한 {low:+.4f}, "
        "허용오차 {tolerance}) → 챔피언보다 나쁘지 않다고 확인하지 못함 (불확실성이 큼; 평가 데이터가 더 필요)",
        "gates passed; {primary} difference vs champion v{champion}: {diff:+.4f} "
        "(95% CI lower bound {low:+.4f}, tolerance {tolerance}) -> not shown to be not worse than the "
        "champion (too uncertain; more test data needed)",
    ),
    "lost_race": (
        "그사이 다른 프로세스가 챔피언을 바꿨습니다; 이 버전은 챌린저로 남습니다",
        "another process moved champion meanwhile; this version stays challenger",
    ),
    "insufficient_evidence": (
        "근거 부족: {evidence}; 후보로 등록했으며 챔피언이 될 수 없습니다",
        "insufficient evidence: {evidence}; registered as a candidate, never champion",
    ),
    "insufficient_evidence_forced": (
        "근거 부족: {evidence}; 후보로 등록했으며 --force로도 챔피언이 될 수 없습니다 (--force 사유: {reason})",
        "insufficient evidence: {evidence}; registered as a candidate, never champion, not even with --force "
        "(--force reason: {reason})",
    ),
    "no_rules": (
        "합격 기준 없음: 확인한 게이트나 기본 합격 규칙이 하나도 없어 챔피언이 될 수 없습니다; 설정의 "
        "kpi.gates에 기준을 적으세요",
        "no acceptance rules: no gate or built-in rule was checked, so the version cannot be champion; "
        "name gates under kpi.gates in the config",
    ),
}

_GATE_BASIS_KO = {"point": "측정값", "low": "신뢰구간 하한", "high": "신뢰구간 상한"}
_METHOD_KO = {"isotonic": "등위(isotonic)", "sigmoid": "시그모이드"}


class RuleNote(Phrase):
    """How the decision threshold was chosen (``axpoc.steps._evaluate``); its ``str`` is the English note."""

    templates = MappingProxyType(
        {
            "cost_optimal": (
                "비용 최적 임계값 {threshold:.3f}: 교차 검증 밖(out-of-fold) 예측 {n}건 기준 ({method_word} 보정), "
                "부품당 기대 비용 {money}",
                "cost-optimal threshold {threshold:.3f} on {n} out-of-fold predictions ({method} calibration), "
                "expected cost {cost:,.0f} {currency}/part",
            ),
            "f1_optimal": (
                "F1 최적 임계값 {threshold:.3f}: 교차 검증 밖(out-of-fold) 예측 기준 (설정에 비용 정보 없음)",
                "F1-optimal threshold {threshold:.3f} on out-of-fold predictions (no costs in the config)",
            ),
            "anomaly": (
                "이상 탐지 임계값 {threshold:.4g}: 학습 데이터 양품의 {rate:.1%}를 검출 (out-of-fold); "
                "출력은 확률이 아닌 점수입니다",
                "anomaly threshold {threshold:.4g}: flags {rate:.1%} of good training parts (out-of-fold); "
                "the output is a score, not a probability",
            ),
        }
    )

    @classmethod
    def _derived(cls, values: Mapping[str, object], language: str) -> dict[str, object]:
        if "cost" not in values:
            return {}
        method = str(values["method"])
        cost = f"{values['cost']:,.0f}"
        won = values["currency"] == "KRW" and language == "ko"
        return {
            "method_word": _METHOD_KO.get(method, method) if language == "ko" else method,
            "money": f"{cost}원" if won else f"{cost} {values['currency']}",
        }


class RetrainNote(Phrase):
    """A fixed note of the drift check or the retrain flow; its ``str`` is the English note."""

    templates = MappingProxyType(
        {
            "unseen_classes": (
                "새 데이터의 '{target}' 열에 챔피언이 학습한 적 없는 클래스가 있습니다: {classes}. 새 데이터에 "
                "대한 챔피언 KPI에서는 이 행을 뺐고, 특성 드리프트는 모든 행으로 확인합니다. 새 클래스를 "
                "학습하려면 이 행을 학습 데이터에 추가하고 'axpoc run CONFIG'를 실행하세요.",
                "the new data has class(es) in '{target}' the champion was never trained on: {classes}; the "
                "champion's KPIs on the new data leave these rows out. Feature drift is checked on every row. "
                "To learn the new class, add these rows to the training data and run 'axpoc run CONFIG'.",
            ),
            "no_labels": (
                "새 데이터의 '{target}' 열에 레이블이 없어 레이블 드리프트와 챔피언 KPI를 계산하지 않았습니다.",
                "the new data has no labels in '{target}': no label drift and no champion KPIs.",
            ),
            "champion_cannot_score": (
                "챔피언 v{version}은(는) 홀드아웃 데이터로 점수를 낼 수 없어({error}) 챌린저만 표시합니다.",
                "the champion v{version} cannot score the holdout ({error}); only the challenger is shown.",
            ),
        }
    )


def say(text: str, language: str) -> str:
    """``text`` in ``language`` when it is a :class:`Phrase`; any other text (free-form, a user's) as it is."""
    return text.text(language) if isinstance(text, Phrase) else str(text)


class DecisionReason(Phrase):
    """Why a promotion decision went as it did; its ``str`` is the English sentence of the registry, the
    promotion log, the CLI and ``--json``, and ``.text("ko")`` says it in Korean for reports and notebooks."""

    templates = MappingProxyType(_DECISIONS)


def decision_text(code: str, values: Mapping[str, object], language: str) -> str:
    """A promotion decision as a sentence in ``language``; ``values`` fill the code's template (a value that
    is a :class:`Phrase`, such as the evidence sentence, is said in the same language)."""
    return DecisionReason(code, values).text(language)


def gate_reason(
    *,
    reason: str,
    passed: bool,
    value: float,
    used_value: float,
    label: str,
    used: str,
    rule: str,
    language: str,
) -> str:
    """Why a gate passed or failed, in ``language``; English is the KPI module's own ``reason``.

    The Korean sentence is rebuilt from the gate's numbers: a used value below the point estimate is the
    CI lower bound, above it the upper bound.
    """
    if language != "ko":
        return reason
    if isinstance(reason, Phrase):  # an undefined KPI: the reason says why in Korean
        return reason.text(language)
    if reason.startswith("undefined: "):  # a hand-made reason: only the prefix is ours to translate
        return f"{texts(language)['undefined']}: {reason.removeprefix('undefined: ')}"
    basis = "low" if used_value < value else "high" if used_value > value else "point"
    verdict = "충족" if passed else "미달"
    return f"{label} {_GATE_BASIS_KO[basis]} {used}: 기준 {rule} {verdict}"


# Data-contract checks: the contract names each rule and note in English (logs, JSON, reject files); the
# report says them in its language. Patterns follow `axpoc.data._contract.Expectation.describe` and the notes
# the contract and the checker write; text that matches none is shown as it is.
_CHECK_TEXT: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), korean)
    for pattern, korean in (
        (r"^column exists$", "열이 있음"),
        (r"^not null$", "빈 값 없음"),
        (r"^type numeric$", "형식: 숫자"),
        (r"^type datetime$", "형식: 날짜·시각"),
        (r"^type string$", "형식: 문자"),
        (r"^type curve$", "형식: 센서 곡선"),
        (r"^finite \(no inf\)$", "유한한 값 (무한대 없음)"),
        (r"^between (\S+) and (\S+)$", r"\1 이상 \2 이하"),
        (r"^<= (\S+)$", r"\1 이하"),
        (r"^>= (\S+)$", r"\1 이상"),
        (r"^in \{(.*)\}$", r"허용 값 {\1}"),
        (r"^unique$", "중복 없음"),
        (r"^missing share <= (\S+)$", r"결측 비율 \1 이하"),
        (r"^rows need a label$", "모든 행에 라벨이 있어야 함"),
        (r"^declared id \(columns\.id\)$", "설정한 ID 열 (columns.id)"),
        (r"^declared time column$", "설정한 시간 열 (columns.time)"),
        (r"^declared in columns\.(\w+)(.*)$", r"설정 columns.\1에 선언됨\2"),
        (r"^has declared limits$", "한계값이 선언된 열"),
        (r"^categories seen in training$", "학습 데이터에 있던 범주"),
        (r"^inf / 1e400 is no measurement$", "무한대(inf, 1e400)는 측정값이 아님"),
        (
            r"^training range (\S+)\.\.(\S+) widened by (\S+) of the span$",
            r"학습 범위 \1~\2를 폭의 \3만큼 넓힘",
        ),
        (r"^(\S+) missing in training$", r"학습 데이터 결측 \1"),
        (r"^(\S+) missing \((\S+) missing in training\)$", r"결측 \1 (학습 데이터 \2)"),
        (r"^(\S+) missing$", r"결측 \1"),
        (r"^column '(.+)' is missing$", r"'\1' 열이 없음"),
        (r"^plausible range of '(.+?)' \((.+)\) in (.+)$", r"공정 템플릿의 타당 범위: '\1' (\2)"),
    )
)


def say_check(text: str, language: str) -> str:
    """A data-contract rule or note (English, as the contract writes it) in ``language``."""
    if language != "ko" or not isinstance(text, str):
        return text
    for pattern, korean in _CHECK_TEXT:
        if pattern.search(text):
            return pattern.sub(korean, text)
    return text


def rule_label(name: str, language: str) -> str:
    """``beats_today`` -> "모델 없는 방식보다 나음: 기존 검사 방식"; ``catches_defects[crack]`` -> "...: crack"."""
    rule = rule_of(name)
    korean, english = RULE_LABELS.get(rule, (rule, rule))
    label = korean if language == "ko" else english
    if rule == "beats_no_model" and name != rule:
        return f"{label}: {policy_label(name.removeprefix('beats_'), language)}"
    if "[" in name:
        return f"{label}: {name.split('[', 1)[1].rstrip(']')}"
    return label
