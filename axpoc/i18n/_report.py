"""Sentences built from values: promotion decisions, gate verdicts, threshold and retrain notes, and the
data contract's rules as the report says them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from axpoc.i18n._kpi import GateText
from axpoc.i18n._phrase import Phrase, say

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
    "rollback": ("v{old}에서 v{new}(으)로 되돌리기: {reason}", "rollback from v{old} to v{new}: {reason}"),
    "imported": (
        "{source}에서 가져옴 ({who}, {when}), 번들 {bundle}",
        "imported from {source} ({who}, {when}) via {bundle}",
    ),
    "no_reason": ("이유를 적지 않음", "no reason given"),
    "lost_race": (
        "그사이 다른 프로세스가 챔피언을 바꿨습니다; 이 버전은 도전자로 남습니다",
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
                "챔피언 v{version}은(는) 평가 데이터로 점수를 낼 수 없어({error}) 도전자만 표시합니다.",
                "the champion v{version} cannot score the holdout ({error}); only the challenger is shown.",
            ),
        }
    )


class DecisionReason(Phrase):
    """Why a promotion decision went as it did; its ``str`` is the English sentence of the registry, the
    promotion log, the CLI and ``--json``, and ``.text("ko")`` says it in Korean for reports and notebooks."""

    templates = MappingProxyType(_DECISIONS)


def decision_text(code: str, values: Mapping[str, object], language: str) -> str:
    """A promotion decision as a sentence in ``language``; ``values`` fill the code's template (a value that
    is a :class:`Phrase`, such as the evidence sentence, is said in the same language)."""
    return DecisionReason(code, values).text(language)


def gate_reason(reason: str, *, label: str, used: str, rule: str, language: str) -> str:
    """Why a gate passed or failed, in ``language``; English is the KPI module's own ``reason``.

    A judged gate (:class:`GateText`) is said again with the report's words: the KPI's ``label``, the value
    it was judged on formatted in its unit (``used``) and the ``rule``; any other phrase (an undefined KPI's
    reason) in ``language``; free text as it is.
    """
    if language != "ko":
        return reason
    if isinstance(reason, GateText):
        return GateText(reason.code, {**reason.values, "name": label, "used": used, "gate": rule}).text(
            language
        )
    return say(reason, language)


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
        (r"^rows need a label$", "모든 행에 레이블이 있어야 함"),
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
        (r"^column is missing$", "열이 없음"),
        (r"^missing value$", "결측 값"),
        (r"^not a finite number$", "유한한 숫자가 아님"),
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


class ContractText(Phrase):
    """The data contract's verdict on rows: where a rule failed and what the message of a rejection says.
    Rules and notes are the contract's English (:func:`say_check` says them in Korean)."""

    templates = MappingProxyType(
        {
            "data_rows": ("데이터 행 {rows}{more}", "data rows {rows}{more}"),
            "rows": ("{n}행", "{n} rows"),
            "examples": ("예: {values}", "e.g. {values}"),
            "check": ("{text_word}", "{text}"),
            "rows_examples": ("{n}행, 예: {values}", "{n} rows, e.g. {values}"),
            "failed_rule": (
                "'{column}' 열 검사 실패: {rule_word} ({detail})",
                "'{column}' {rule} ({detail})",
            ),
            "failed": (
                "'{column}' 열 검사 실패: {rule_word} ({detail})",
                "column '{column}' must be {rule} ({detail})",
            ),
            "run_rejected": (
                "데이터 {rows}행에서 데이터 계약의 치명적 검사 {n}개가 실패했습니다: {parts}. 데이터의 이 값이나 열을 "
                "고치거나 (설정에 선언한 규칙이면 그 규칙을) 고친 뒤 다시 실행하세요.",
                "{n} critical data-contract failure(s) in {rows} rows: {parts}. Fix these values or columns in "
                "the data (or the declared rule in the config) and run again.",
            ),
            "unreadable": (
                "새 데이터를 거부해 아무것도 학습하지 않았습니다: {error}",
                "The new data was rejected, nothing was trained: {error}",
            ),
            "new_data_rejected": (
                "{source}: 챔피언의 데이터 계약 중 치명적 검사 {n}개가 실패해 아무것도 학습하지 않았고 챔피언도 "
                "그대로입니다: {parts}. 내보낸 파일의 이 값이나 열을 고친 뒤 (데이터 행은 머리글 아래 1부터 셉니다) "
                "다시 실행하세요.",
                "{source}: {n} critical check(s) of the champion's data contract failed, so nothing was trained "
                "and the champion is unchanged: {parts}. Fix these values or columns in the export (data rows "
                "count from 1 below the header) and run again.",
            ),
        }
    )

    @classmethod
    def _derived(cls, values: Mapping[str, object], language: str) -> dict[str, object]:
        return {
            f"{key}_word": say_check(str(values[key]), language) for key in ("rule", "text") if key in values
        }
