"""Decision, gate and threshold sentences in both report languages (axpoc.report._i18n)."""

from __future__ import annotations

import math

from axpoc.report._i18n import decision_text, gate_reason, threshold_note

NI = {"champion": "3", "primary": "roc_auc", "diff": -0.0123, "low": -0.0412, "tolerance": 0.02}


def test_decision_text_keeps_the_english_wording_and_has_korean() -> None:
    assert decision_text("worse", NI, "en") == (
        "gates passed; roc_auc difference vs champion v3: -0.0123 "
        "(95% CI lower bound -0.0412, tolerance 0.02) -> worse than the champion"
    )
    korean = decision_text("worse", NI, "ko")
    assert korean.endswith("→ 챔피언보다 나쁨") and "-0.0123" in korean and "하한 -0.0412" in korean
    assert decision_text("gates_failed", {"failed": "recall, cpk"}, "ko") == "게이트 불합격: recall, cpk"


def test_gate_reason_names_the_bound_in_korean_and_keeps_english() -> None:
    common = {"passed": False, "value": 0.84, "label": "재현율", "used": "78.0%", "rule": "≥ 80.0%"}
    english = "recall CI lower bound 0.78 misses >= 0.8"
    assert gate_reason(reason=english, used_value=0.78, language="en", **common) == english
    assert (
        gate_reason(reason=english, used_value=0.78, language="ko", **common)
        == "재현율 신뢰구간 하한 78.0%: 기준 ≥ 80.0% 미달"
    )
    undefined = {**common, "value": math.nan}
    assert (
        gate_reason(
            reason="undefined: not computed in this run", used_value=math.nan, language="ko", **undefined
        )
        == "정의 불가: 이 실행에서 계산되지 않음"
    )


def test_threshold_note_in_korean_and_unknown_wording_kept() -> None:
    note = (
        "cost-optimal threshold 0.123 on 675 out-of-fold predictions (sigmoid calibration), "
        "expected cost 1,234 KRW/part"
    )
    assert threshold_note(note, "en") == note
    assert threshold_note(note, "ko") == (
        "비용 최적 임계값 0.123: 교차 검증 밖(out-of-fold) 예측 675건 기준 (시그모이드 보정), 부품당 기대 비용 1,234원"
    )
    assert threshold_note("a rule from elsewhere", "ko") == "a rule from elsewhere"
