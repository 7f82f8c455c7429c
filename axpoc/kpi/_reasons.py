"""Sentences that know their template: English for logs and MLflow, Korean or English for the report.

A :class:`Phrase` *is* its English sentence (a ``str``), so it travels unchanged through ``dict[str, str]``,
JSON, MLflow tags and comparisons with the English text; a report calls :meth:`Phrase.text` to say it in
its own language. This module imports only the standard library: the config loader imports the KPI
registry, which builds its reasons here.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar, Self


class Phrase(str):
    """A sentence built from a template ``code`` and ``values``; subclasses bring their template table.

    Values that are phrases themselves are said in the same language, so reasons can nest.
    """

    templates: ClassVar[Mapping[str, tuple[str, str]]] = MappingProxyType({})
    """code -> (Korean, English) ``str.format`` templates."""
    code: str
    values: Mapping[str, object]

    def __new__(cls, code: str, values: Mapping[str, object] | None = None) -> Self:
        frozen = MappingProxyType(dict(values or {}))
        self = super().__new__(cls, cls._fill(code, frozen, "en"))
        self.code = code
        self.values = frozen
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.code, dict(self.values)))

    def text(self, language: str) -> str:
        """The sentence in ``language``: Korean for ``ko``, English otherwise."""
        return self._fill(self.code, self.values, language)

    @classmethod
    def _fill(cls, code: str, values: Mapping[str, object], language: str) -> str:
        korean, english = cls.templates[code]
        words = {k: v.text(language) if isinstance(v, Phrase) else v for k, v in values.items()}
        words |= cls._derived(words, language)
        return (korean if language == "ko" else english).format(**words)

    @classmethod
    def _derived(cls, values: Mapping[str, object], language: str) -> dict[str, object]:
        """Extra template values that depend on the language (a currency word, a method name)."""
        return {}


class Joined(Phrase):
    """Several sentences (phrases or plain text) said one after another, separated by "; "."""

    templates = MappingProxyType({"join": ("", "")})

    @classmethod
    def _fill(cls, code: str, values: Mapping[str, object], language: str) -> str:
        parts = values["parts"]
        assert isinstance(parts, tuple)
        return "; ".join(p.text(language) if isinstance(p, Phrase) else str(p) for p in parts)


def joined(*parts: str) -> Joined:
    """``parts`` as one sentence: each said in the reader's language when it is a :class:`Phrase`."""
    return Joined("join", {"parts": tuple(parts)})


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
