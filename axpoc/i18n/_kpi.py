"""What the KPI room says: why a KPI or a gate is undefined, what a built-in acceptance rule found."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from axpoc.i18n._phrase import Phrase


class Reason(Phrase):
    """Why a KPI, a confidence bound or a gate is undefined."""

    templates = MappingProxyType(
        {
            # a metric and what its formula lacks on these data
            "metric_undefined": ("{metric} 정의 불가: {why}", "{metric} undefined: {why}"),
            "callable_undefined": ("{metric}: 이 데이터에서 정의 불가", "{metric} undefined on these data"),
            "no_rows": ("행이 없음", "no rows"),
            "one_class": ("y_true에 클래스가 하나뿐임", "y_true holds only one class"),
            "fewer_than_two_classes": ("y_true의 클래스가 두 개 미만", "fewer than two classes in y_true"),
            "none_flagged": ("불량으로 판정된 부품이 없음 (TP + FP = 0)", "no part is flagged (TP + FP = 0)"),
            "no_defect": (
                "y_true에 불량 부품이 없음 (TP + FN = 0)",
                "no defective part in y_true (TP + FN = 0)",
            ),
            "no_defect_none_flagged": (
                "y_true에 불량 부품이 없고 불량 판정도 없음",
                "no defective part in y_true and none flagged",
            ),
            "no_good": ("y_true에 양품이 없음 (FP + TN = 0)", "no good part in y_true (FP + TN = 0)"),
            "all_flagged": (
                "모든 부품이 불량으로 판정됨 (FN + TN = 0)",
                "every part is flagged (FN + TN = 0)",
            ),
            "constant_target": (
                "y_true가 상수임 (전체 제곱합 0)",
                "y_true is constant (zero total sum of squares)",
            ),
            "zero_target": (
                "y_true에 0이 있음 (상대 오차 정의 불가)",
                "y_true contains 0 (relative error undefined)",
            ),
            "too_few_resamples": (
                "{reason} (재표본 {total}개 중 {failed}개); 신뢰구간을 내기에 정의된 재표본이 너무 적음",
                "{reason} in {failed} of {total} resamples; too few for an interval",
            ),
            # business KPIs
            "missing_inputs": (
                "{kpi} 정의 불가: 입력 값 없음 ({missing})",
                "{kpi} undefined: missing {missing}",
            ),
            "no_baseline": (
                "기존 검사 방식(기준선)이 주어지지 않음",
                "no baseline (current inspection practice) given",
            ),
            "baseline_rejects_all": (
                "기존 방식이 모든 부품을 불합격 처리함",
                "the baseline rejects every part",
            ),
            # capability and control charts
            "single_part_groups": (
                "모든 그룹에 부품이 하나뿐임; 그룹 내 합동 표준편차에는 반복 측정이 필요",
                "every group holds a single part; pooled within-group sigma needs repeats",
            ),
            "sigma_too_few": (
                "표준편차에는 부품이 2개 이상 필요 (현재 {n}개)",
                "sigma needs at least 2 parts, got {n}",
            ),
            "zero_variation": (
                "변동 없음: 모든 부품의 값이 같음",
                "zero variation: every part has the same value",
            ),
            "capability_too_few": (
                "공정 능력 지수에는 부품이 2개 이상 필요 (현재 {n}개)",
                "capability needs at least 2 parts, got {n}",
            ),
            "one_sided_spec": (
                "Cp에는 LSL과 USL이 모두 필요 (단측 규격)",
                "Cp needs both LSL and USL (one-sided specification)",
            ),
            "control_no_variation": (
                "기준 구간에 변동이 없음 (sigma = 0)",
                "the baseline has no variation (sigma = 0)",
            ),
            # any KPI, and gates
            "nan": ("값이 NaN", "value is NaN"),
            "infinite": ("값이 무한대", "value is infinite"),
            "not_computed": ("이 실행에서 계산되지 않음", "not computed in this run"),
            "ci_low": ("신뢰구간 하한: {why}", "CI lower bound: {why}"),
            "ci_high": ("신뢰구간 상한: {why}", "CI upper bound: {why}"),
            "gate_undefined": ("정의 불가: {why}", "undefined: {why}"),
        }
    )


class RuleText(Phrase):
    """What a built-in rule found, said in the report's language; its ``str`` is the English sentence."""

    templates = MappingProxyType(
        {
            "beats_cost": (
                "모델 비용 {model} vs {policy_word} {policy} ({unit}): 차이 {diff} "
                "[95% 구간 {low} ~ {high}]; 상한이 0보다 작아야 합니다",
                "model cost {model} vs {policy_word} {policy} ({unit}): difference {diff} "
                "[95% interval {low} to {high}]; the upper bound must be below 0",
            ),
            "beats_escapes": (
                "1,000개당 유출 불량 모델 {model} vs {policy_word} {policy}: 차이 {diff} "
                "[95% 구간 {low} ~ {high}]; 상한이 0보다 작아야 합니다 (비용 미입력: 유출 기준)",
                "escapes per 1000 parts, model {model} vs {policy_word} {policy}: difference {diff} "
                "[95% interval {low} to {high}]; the upper bound must be below 0 (no costs given: judged on escapes)",
            ),
            "today_needs_costs": (
                "기존 방식은 부품의 {today}를 검사하고 모델은 {model}만 검사 대상으로 올립니다: 검사를 줄여 "
                "늘어나는 유출은 비용(kpi.costs)이 있어야 비교할 수 있어, 같은 검사량의 무작위 검사와 비교했습니다",
                "today's practice inspects {today} of the parts and the model flags {model}: more escapes for "
                "less inspection can only be weighed with costs (kpi.costs), so the model is judged against "
                "random inspection of as many parts",
            ),
            "recall": (
                "'{cls}' 불량 {total}건 중 {caught}건 검출 (재현율 {recall}); 기준 {floor} 이상",
                "caught {caught} of {total} '{cls}' defects (recall {recall}); the floor is {floor}",
            ),
            "recall_class": (
                "'{cls}' {total}건 중 {caught}건을 맞힘 (재현율 {recall}); 기준 {floor} 이상 (불량 클래스 미지정: "
                "모든 클래스에 적용)",
                "{caught} of {total} '{cls}' parts predicted as such (recall {recall}); the floor is {floor} "
                "(defect classes not given: asked of every class)",
            ),
            "recall_groups": (
                "'{cls}' 불량인 '{unit}' 그룹 {total}개 중 {caught}개 검출 (재현율 {recall}; 레이블이 그룹마다 하나라 "
                "행이 아니라 그룹을 셈, 행의 절반 이상을 검출하면 검출로 봄); 기준 {floor} 이상",
                "caught {caught} of {total} '{unit}' groups with '{cls}' defects (recall {recall}; labels are one "
                "per group, so groups are counted, not rows; a group counts as caught when at least half its rows "
                "are flagged); the floor is {floor}",
            ),
            "recall_class_groups": (
                "'{cls}'인 '{unit}' 그룹 {total}개 중 {caught}개를 맞힘 (재현율 {recall}; 레이블이 그룹마다 하나라 "
                "그룹을 셈, 행의 절반 이상을 맞히면 맞힌 것으로 봄); 기준 {floor} 이상 (불량 클래스 미지정: 모든 "
                "클래스에 적용)",
                "{caught} of {total} '{unit}' groups of '{cls}' predicted as such (recall {recall}; labels are one "
                "per group, so groups are counted; a group counts when at least half its rows are); the floor is "
                "{floor} (defect classes not given: asked of every class)",
            ),
            "no_defect_in_test": (
                "시험 구간에 '{cls}' 불량이 없음",
                "no '{cls}' defect in the test part",
            ),
            "beats_trivial": (
                "{metric}: 모델 {model} vs 단순 모델({trivial_word}) {trivial}, 차이 {diff} "
                "[95% 구간 {low} ~ {high}]; {side}",
                "{metric}: model {model} vs trivial model ({trivial_word}) {trivial}, difference {diff} "
                "[95% interval {low} to {high}]; {side}",
            ),
            "no_training_rows": (
                "학습 행이 없어 단순 모델을 만들 수 없음 (새 데이터로만 평가)",
                "no training rows to fit a trivial model on (scored on new data only)",
            ),
            "metric_not_resamplable": (
                "주 지표 {metric}는 같은 시험 행의 쌍체 검정을 할 수 없는 지표임",
                "the primary metric {metric} cannot be compared by a paired test on the test rows",
            ),
            "model_undefined": (
                "모델의 {metric} 정의 불가: {why}",
                "the model's {metric} is undefined: {why}",
            ),
            "enough": (
                "'{cls}' 불량 {have}건: 재현율이 기준 {floor}보다 높음을 보이려면 {need}건 필요 "
                "(정확 이항 검정, 검정력 {power}, 유의수준 {alpha}, 계획 재현율 {planned})",
                "{have} '{cls}' defects: {need} are needed to show recall above the floor {floor} "
                "(exact binomial test, power {power}, level {alpha}, planned recall {planned})",
            ),
            "insufficient": (
                "시험 구간의 '{cls}' 불량 {have}건으로는 부족합니다 ({need}건 필요). "
                "불량 사례를 약 {more_total}건 더 모으세요 (시험 구간에 {more}건 더 들어가도록)",
                "{have} '{cls}' defects in the test part are too few ({need} needed). "
                "Collect about {more_total} more defect cases (so that {more} more fall in the test part)",
            ),
            "enough_groups": (
                "'{cls}' 불량인 '{unit}' 그룹 {have}개 (레이블이 그룹마다 하나라 행이 아니라 그룹을 셈; 행의 절반 "
                "이상을 검출하면 검출로 봄): 재현율이 기준 {floor}보다 높음을 보이려면 {need}개 필요 "
                "(정확 이항 검정, 검정력 {power}, 유의수준 {alpha}, 계획 재현율 {planned})",
                "{have} '{unit}' groups with '{cls}' defects (labels are one per group, so groups are counted, "
                "not rows; a group counts as caught when at least half its rows are flagged): {need} are needed "
                "to show recall above the floor {floor} (exact binomial test, power {power}, level {alpha}, "
                "planned recall {planned})",
            ),
            "insufficient_groups": (
                "시험 구간에 '{cls}' 불량인 '{unit}' 그룹이 {have}개뿐입니다 ({need}개 필요; 레이블이 "
                "그룹마다 하나라 행이 아니라 그룹을 셈). '{cls}' 불량인 그룹('{unit}')을 약 {more_total}개 더 "
                "모으세요 (시험 구간에 {more}개 더 들어가도록)",
                "{have} '{unit}' groups with '{cls}' defects in the test part are too few "
                "({need} needed; labels are one per group, so groups are counted, not rows). Collect about "
                "{more_total} more '{unit}' groups with '{cls}' defects (so that {more} more fall in the test part)",
            ),
            "model_catches_none": (
                "모델이 불량을 하나도 잡지 못함: 절감액은 모델 없이도 가능한 것임",
                "the model catches no defect: any saving needs no model",
            ),
            "off": ("사용자가 끔: {reason}", "switched off by the user: {reason}"),
            "not_applicable": ("해당 없음: {why}", "not applicable: {why}"),
            "no_defect_classes": (
                "불량 클래스(target.defect_classes)나 클래스별 비용이 없어 비용을 정할 수 없음",
                "no defect classes (target.defect_classes) or per-class costs, so no cost is defined",
            ),
            "no_spec": (
                "규격 한계(target.spec)가 없어 불량이 정의되지 않음",
                "no spec limits (target.spec), so no part is a defect",
            ),
        }
    )

    @classmethod
    def _derived(cls, values: Mapping[str, object], language: str) -> dict[str, object]:
        ko = language == "ko"
        words: dict[str, object] = {}
        if "policy_name" in values:
            words["policy_word"] = policy_label(str(values["policy_name"]), language)
        if "trivial_kind" in values:
            kind = str(values["trivial_kind"])
            words["trivial_word"] = _TRIVIAL[kind][0 if ko else 1]
        if "higher" in values:
            words["side"] = (
                ("하한이 0보다 커야 합니다" if ko else "the lower bound must be above 0")
                if values["higher"]
                else ("상한이 0보다 작아야 합니다" if ko else "the upper bound must be below 0")
            )
        return words


_POLICY_LABELS = {
    "today": ("기존 검사 방식", "today's practice"),
    "inspect_all": ("전수 검사", "inspect everything"),
    "inspect_none": ("무검사", "inspect nothing"),
    "best_sampling": ("최적 비율 샘플링 검사", "sampling at the best rate"),
    "same_workload": ("같은 수량 무작위 검사", "random inspection of as many parts"),
}


_TRIVIAL = {
    "prior": ("불량 비율을 점수로", "the defect share as score"),
    "majority": ("최빈 클래스", "most frequent class"),
    "flag_all": ("모두 불량 판정", "flag every part"),
    "mean": ("학습 평균", "training mean"),
}


RULE_LABELS = MappingProxyType(
    {
        "beats_no_model": ("모델 없는 방식보다 나음", "beats every no-model policy"),
        "catches_defects": ("불량을 잡아냄", "catches defects"),
        "beats_trivial": ("단순 모델보다 나음", "beats a trivial model"),
        "enough_evidence": ("근거 충분", "enough evidence"),
    }
)
"""Rule name -> (Korean, English) label for reports."""


def policy_label(name: str, language: str) -> str:
    """A no-model policy's name in ``language``."""
    korean, english = _POLICY_LABELS[name]
    return korean if language == "ko" else english


class GateText(Phrase):
    """How a configured gate was judged: the KPI, the value it was checked on (the point or a CI bound),
    and the rule; its ``str`` is the English sentence of logs and ``--json``."""

    templates = MappingProxyType(
        {
            "judged": (
                "{name} {basis_word} {used}: 기준 {gate} {verdict_word}",
                "{name} {basis} {used} {verdict} {gate}",
            ),
        }
    )

    @classmethod
    def _derived(cls, values: Mapping[str, object], language: str) -> dict[str, object]:
        basis, verdict = str(values["basis"]), str(values["verdict"])
        if language != "ko":
            return {"basis_word": basis, "verdict_word": verdict}
        return {"basis_word": _GATE_BASIS_KO[basis], "verdict_word": _VERDICT_KO[verdict]}


_GATE_BASIS_KO = {"point": "측정값", "CI lower bound": "신뢰구간 하한", "CI upper bound": "신뢰구간 상한"}
_VERDICT_KO = {"meets": "충족", "misses": "미달"}
