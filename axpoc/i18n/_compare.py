"""The comparison's notes: why a candidate stopped, was not tuned or kept its defaults, what the screen did."""

from __future__ import annotations

from types import MappingProxyType

from axpoc.i18n._phrase import Phrase


class CompareNote(Phrase):
    """A comparison's note on one candidate (``CandidateResult.reason``) or on the blend."""

    templates = MappingProxyType(
        {
            "imbalanced": (
                "클래스 불균형 (소수 클래스 {share:.1%}): 기본으로 클래스 가중치 'balanced'를 씁니다. 부스팅 계열은 "
                "이진 분류에서 가중치 없이 시작해 튜닝으로 선택합니다",
                "classes are imbalanced (minority {share:.1%}): class weights 'balanced' by default; boosting "
                "families start unweighted on binary targets and tune the choice",
            ),
            # the time budget
            "stopped": ("시간 예산 초과: {why}", "stopped by the time budget: {why}"),
            "predicted_folds": (
                "남은 폴드에 {cost:.0f}초 예상, 남은 시간 {left:.0f}초",
                "predicted {cost:.0f} s for the remaining folds, {left:.0f} s left",
            ),
            "predicted_trial": (
                "다음 시도에 {cost:.0f}초 예상, 남은 시간 {left:.0f}초",
                "predicted {cost:.0f} s for the next trial, {left:.0f} s left",
            ),
            "over_budget": (
                "기본 설정에 {cost:.0f}초 예상, 전체 예산 {budget:.0f}초의 두 배를 넘음",
                "predicted {cost:.0f} s for its default settings, over twice the whole budget of {budget:.0f} s",
            ),
            "untuned_by_clock": (
                "시간 예산 {budget:.0f}초가 기본 설정 비교에 다 쓰여 {names}은(는) 튜닝되지 못했습니다. 이 선택은 "
                "PC가 얼마나 바빴는지에 따라 달라질 수 있습니다. 반복 가능한 결과가 필요하면 tuning.budget_s 없이 "
                "tuning.trials만 정하세요",
                "the time budget of {budget:.0f} s went to comparing default settings and left no tuning trial "
                "for {names}: this choice can change with how busy the PC is. For a repeatable result set "
                "tuning.trials without tuning.budget_s",
            ),
            "named": ("{name}: {reason}", "{name}: {reason}"),
            "none_in_budget": (
                "후보가 하나도 끝나지 않았습니다 ({reasons}): 시간 예산 안에 끝난 후보가 없습니다. tuning.budget_s를 "
                "늘리거나 더 가벼운 후보를 고르세요.",
                "No candidate finished ({reasons}). Raise tuning.budget_s or pick lighter candidates.",
            ),
            "none_fitted": (
                "후보가 하나도 학습되지 않았습니다 ({reasons}). 시간 예산 문제가 아닙니다: 학습 데이터 {rows}행이 "
                "너무 작거나 교차 검증 폴드의 학습 부분에 한 클래스만 있습니다. 불량 사례를 더 모으거나 다른 후보를 "
                "고르세요",
                "No candidate could be fitted ({reasons}). This is not the time budget: the {rows} training rows "
                "are too few, or a cross-validation fold's training rows hold a single class. Collect more "
                "defect cases, or choose other candidates",
            ),
            # trials and tuning
            "no_trial": ("끝난 시도가 없음", "no trial finished"),
            "no_trial_error": ("끝난 시도가 없음: {error}", "no trial finished: {error}"),
            "defaults_kept": (
                "기본값 유지: 튜닝한 최고 시도({tuned:.4g})가 기본값({defaults:.4g})과 1 표준오차 이내",
                "defaults kept: the best tuned trial ({tuned:.4g}) is within one standard error of the "
                "defaults ({defaults:.4g})",
            ),
            "defaults_kept_untestable": (
                "기본값 유지: 튜닝한 최고 시도({tuned:.4g})와 기본값({defaults:.4g})을 비교할 수 있는 폴드가 "
                "둘 미만이라 더 단순한 기본값을 씀",
                "defaults kept: fewer than two folds can compare the best tuned trial ({tuned:.4g}) with the "
                "defaults ({defaults:.4g}), so the simpler defaults stay",
            ),
            "not_tuned": (
                "튜닝 생략: 기본값이 {leader}보다 유의하게 나쁨 (p={p:.3f})",
                "not tuned: its defaults are significantly worse than {leader}'s (p={p:.3f})",
            ),
            # the leaderboard's conclusion: is #1 really better than #2?
            "one_candidate": ("후보가 하나뿐입니다.", "Only one candidate finished."),
            "first_better": (
                "1위 {first}는 2위 {second}보다 유의하게 좋습니다 (p={p:.3f}).",
                "#1 {first} is significantly better than #2 {second} (p={p:.3f}).",
            ),
            "no_difference": (
                "1위 {first}와 2위 {second}는 유의한 차이가 없습니다 (p={p:.3f}); 더 단순하거나 빠른 모델을 골라도 "
                "됩니다.",
                "No significant difference between #1 {first} and #2 {second} (p={p:.3f}); a simpler or faster "
                "model is an equally valid choice.",
            ),
            # the blend
            "blend": (
                "교차 검증 밖(out-of-fold) 출력으로 고른 설정 {n}개의 탐욕적 혼합",
                "greedy blend of {n} configurations on their out-of-fold outputs",
            ),
            "blend_no_gain": (
                "교차 검증 폴드에서 {leader} 단독보다 나은 혼합이 없음",
                "no blend beat {leader} alone on the cross-validation folds",
            ),
            "blend_too_few": (
                "끝난 후보가 두 개 미만이라 혼합할 것이 없음",
                "fewer than two candidates finished, nothing to blend",
            ),
        }
    )


class ScreenNote(Phrase):
    """What the screen decided, for the leaderboard notes and the report."""

    templates = MappingProxyType(
        {
            "dropped": (
                "그룹 단위 열 {columns}: '{group}'마다 값이 하나뿐이라 그룹을 외우는 데 쓰일 수 있음. {family} "
                "기본값의 그룹 교차 검증 {metric}: 제외 {without:.3f}, 포함 {with_:.3f} ({why}). 모든 후보에서 제외함",
                "group-level column(s) {columns} hold one value per '{group}' and can name the group: grouped "
                "cross-validation of {family}'s defaults scores {metric} {without:.3f} without them and "
                "{with_:.3f} with them ({why}), so every candidate leaves them out",
            ),
            "kept": (
                "그룹 단위 열 {columns}: '{group}'마다 값이 하나뿐이지만 유지함. {family} 기본값의 그룹 교차 검증 "
                "{metric}: 포함 {with_:.3f}, 제외 {without:.3f} ({why})",
                "group-level column(s) {columns} hold one value per '{group}' and are kept: grouped "
                "cross-validation of {family}'s defaults scores {metric} {with_:.3f} with them and "
                "{without:.3f} without them ({why})",
            ),
            "help": ("포함이 더 좋음", "they score better"),
            "target_group_level": (
                "타깃도 '{group}'마다 값이 하나라 이 열에서 배울 예는 그룹 수뿐임",
                "the target too holds one value per '{group}', so these columns give one example per group",
            ),
            "significant": ("유의한 차이, p={p:.3f}", "a significant difference, p={p:.3f}"),
            "not_significant": (
                "제외가 유의하게 좋지 않음, p={p:.3f}",
                "leaving them out is not significantly better, p={p:.3f}",
            ),
            "not_screened": (
                "그룹 단위 열 {columns}: '{group}'마다 값이 하나뿐이지만 검증하지 못해 유지함 ({why})",
                "group-level column(s) {columns} hold one value per '{group}'; kept unscreened ({why})",
            ),
            "over_budget": (
                "예상 {cost:.0f}초로 남은 예산의 절반({allowed:.0f}초)을 넘음",
                "predicted {cost:.0f} s, over half the budget left ({allowed:.0f} s)",
            ),
            "out_of_time": ("시간 예산 초과로 중단", "stopped by the time budget"),
            "failed": ("{family} 적합 실패: {error}", "{family} failed: {error}"),
            "no_score": ("{metric}을(를) 계산할 수 없음", "{metric} could not be computed"),
        }
    )
