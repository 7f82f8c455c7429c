"""Why a candidate stopped, was not tuned or kept its defaults: the leaderboard's notes, in two languages.

Each note is a :class:`~axpoc.kpi._reasons.Phrase`, so logs, JSON and MLflow keep the English sentence
while the report says it in Korean or English.
"""

from __future__ import annotations

from types import MappingProxyType

from axpoc.kpi import Phrase


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
            "none_fitted": (
                "후보가 하나도 학습되지 않았습니다 ({reasons}). 시간 예산 문제가 아닙니다: 학습 데이터 {rows}행이 "
                "너무 작거나 교차검증 폴드의 학습 부분에 한 클래스만 있습니다. 불량 사례를 더 모으거나 다른 후보를 "
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
