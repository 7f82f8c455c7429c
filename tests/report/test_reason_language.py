"""Decision, gate, threshold, KPI-reason and retrain-note sentences in both report languages."""

from __future__ import annotations

import math
import pickle
import re
from collections.abc import Callable

import numpy as np

from axpoc.i18n import Reason, RetrainNote, RuleNote, decision_text, gate_reason, say
from axpoc.kpi import GateResult, business_kpis, capability, compute_metrics, evaluate_gates
from axpoc.kpi._capability import SpecLimits
from axpoc.report import ReportData, render_report

NI = {"champion": "3", "primary": "roc_auc", "diff": -0.0123, "low": -0.0412, "tolerance": 0.02}
HANGUL = re.compile("[가-힣]")

Make = Callable[..., ReportData]


def test_decision_text_keeps_the_english_wording_and_has_korean() -> None:
    assert decision_text("worse", NI, "en") == (
        "gates passed; roc_auc difference vs champion v3: -0.0123 "
        "(95% CI lower bound -0.0412, tolerance 0.02) -> worse than the champion"
    )
    korean = decision_text("worse", NI, "ko")
    assert korean.endswith("→ 챔피언보다 나쁨") and "-0.0123" in korean and "하한 -0.0412" in korean
    assert decision_text("gates_failed", {"failed": "recall, cpk"}, "ko") == "게이트 불합격: recall, cpk"


def test_gate_reason_names_the_bound_in_korean_and_keeps_english() -> None:
    words = {"label": "재현율", "used": "78.0%", "rule": "≥ 80.0%"}
    (judged,) = evaluate_gates(
        {"recall": ">= 0.8"}, {"recall": 0.84}, cis={"recall": (0.78, 0.9)}, conservative=True
    )
    english = "recall CI lower bound 0.78 misses >= 0.8"
    assert judged.reason == english and gate_reason(judged.reason, language="en", **words) == english
    assert (
        gate_reason(judged.reason, language="ko", **words) == "재현율 신뢰구간 하한 78.0%: 기준 ≥ 80.0% 미달"
    )
    # the phrase knows its basis: a bound equal to the point is still the bound
    (edge,) = evaluate_gates(
        {"recall": ">= 0.8"}, {"recall": 0.78}, cis={"recall": (0.78, 0.9)}, conservative=True
    )
    assert gate_reason(edge.reason, language="ko", **words).startswith("재현율 신뢰구간 하한")
    (missing,) = evaluate_gates({"recall": ">= 0.8"}, {})
    assert missing.reason == "undefined: not computed in this run"  # the KPI module stays English
    assert gate_reason(missing.reason, language="ko", **words) == "정의 불가: 이 실행에서 계산되지 않음"
    # a hand-made undefined reason carries its phrase; the user's words are kept
    hand_made = Reason("gate_undefined", {"why": "no lot data"})
    assert gate_reason(hand_made, language="ko", **words) == "정의 불가: no lot data"
    assert gate_reason("free text", language="ko", **words) == "free text"  # no prefix is parsed


def test_gate_on_an_undefined_ci_bound_reads_in_korean() -> None:
    bound = compute_metrics("binary", np.zeros(20, dtype=int), np.zeros(20, dtype=int), np.full(20, 0.2))
    (gate,) = evaluate_gates(
        {"roc_auc": ">= 0.8"}, {"roc_auc": 0.9}, cis={"roc_auc": (bound["roc_auc"], 0.95)}, conservative=True
    )
    assert gate.reason == "undefined: CI lower bound: roc_auc undefined: y_true holds only one class"
    assert say(gate.reason, "ko") == "정의 불가: 신뢰구간 하한: roc_auc 정의 불가: y_true에 클래스가 하나뿐임"
    assert say(gate.reason, "en") == gate.reason


def test_threshold_notes_in_both_languages() -> None:
    cost = RuleNote(
        "cost_optimal", {"threshold": 0.123, "n": 675, "method": "sigmoid", "cost": 1234.4, "currency": "KRW"}
    )
    english = (
        "cost-optimal threshold 0.123 on 675 out-of-fold predictions (sigmoid calibration), "
        "expected cost 1,234 KRW/part"
    )
    assert cost == english and str(cost) == english and cost.text("en") == english
    assert cost.text("ko") == (
        "비용 최적 임계값 0.123: 교차 검증 밖(out-of-fold) 예측 675건 기준 (시그모이드 보정), 부품당 기대 비용 1,234원"
    )
    usd = RuleNote("cost_optimal", {**cost.values, "method": "isotonic", "currency": "USD"})
    assert usd.text("ko").endswith("(등위(isotonic) 보정), 부품당 기대 비용 1,234 USD")
    f1 = RuleNote("f1_optimal", {"threshold": 0.41})
    assert f1 == "F1-optimal threshold 0.410 on out-of-fold predictions (no costs in the config)"
    assert (
        f1.text("ko") == "F1 최적 임계값 0.410: 교차 검증 밖(out-of-fold) 예측 기준 (설정에 비용 정보 없음)"
    )
    anomaly = RuleNote("anomaly", {"threshold": 3.21987, "rate": 0.02})
    assert anomaly.startswith("anomaly threshold 3.22: flags 2.0% of good training parts")
    assert anomaly.text("ko").startswith("이상 탐지 임계값 3.22: 학습 데이터 양품의 2.0%를 검출")
    # plain text, e.g. a note written by hand, is kept as it is in either language
    assert say("a rule from elsewhere", "ko") == "a rule from elsewhere"
    restored = pickle.loads(pickle.dumps(cost))
    assert type(restored) is RuleNote and restored.text("ko") == cost.text("ko")


def test_kpi_reasons_are_english_and_say_themselves_in_korean() -> None:
    y = np.zeros(50, dtype=int)
    metrics = compute_metrics("binary", y, y, np.full(50, 0.1))
    assert metrics["recall"].reason == "recall undefined: no defective part in y_true (TP + FN = 0)"
    assert metrics["recall"].reason.text("ko") == "recall 정의 불가: y_true에 불량 부품이 없음 (TP + FN = 0)"
    business = business_kpis(y, y).values
    saving = business["monthly_saving"].reason
    assert saving.startswith("monthly_saving undefined: missing baseline, parts_per_day")
    assert saving.text("ko").startswith("monthly_saving 정의 불가: 입력 값 없음 (baseline, parts_per_day")
    assert business["baseline_defect_rate"].reason.text("ko") == "기존 검사 방식(기준선)이 주어지지 않음"
    one_sided = capability(np.array([1.0, 1.2, 0.9]), SpecLimits(lsl=None, usl=2.0))
    assert one_sided.cp.reason.text("ko") == "Cp에는 LSL과 USL이 모두 필요 (단측 규격)"
    flat = capability(np.ones(5), SpecLimits(lsl=0.0, usl=2.0))
    assert flat.cpk.reason.text("ko") == "변동 없음: 모든 부품의 값이 같음"
    for code, (korean, english) in Reason.templates.items():  # every code has both wordings
        assert korean and english and korean != english, code
        assert HANGUL.search(korean) and not HANGUL.search(english), code


def test_retrain_notes_in_both_languages() -> None:
    note = RetrainNote("no_labels", {"target": "불량여부"})
    assert note == "the new data has no labels in '불량여부': no label drift and no champion KPIs."
    assert (
        say(note, "ko")
        == "새 데이터의 '불량여부' 열에 레이블이 없어 레이블 드리프트와 챔피언 KPI를 계산하지 않았습니다."
    )
    unseen = RetrainNote("unseen_classes", {"target": "불량유형", "classes": "'기포' (12 rows)"})
    assert "'기포' (12 rows)" in unseen.text("ko") and "axpoc run CONFIG" in unseen.text("ko")
    cannot = RetrainNote("champion_cannot_score", {"version": "2", "error": "'금형온도'"})
    assert (
        cannot.text("ko")
        == "챔피언 v2은(는) 평가 데이터로 점수를 낼 수 없어('금형온도') 도전자만 표시합니다."
    )


def test_korean_report_says_structured_notes_in_korean_english_report_in_english(
    make_report_data: Make,
) -> None:
    """Structured reasons and notes read in Korean in a Korean report, unchanged in an English one."""
    y = np.zeros(40, dtype=int)
    reasons = compute_metrics("binary", y, y, np.full(40, 0.1))
    (gate,) = evaluate_gates({"recall": ">= 0.75"}, reasons)
    for language in ("ko", "en"):
        data = make_report_data("undefined") if language == "ko" else make_report_data("binary", "en")
        data.language = language
        for row in data.kpis:
            if row.name in ("recall", "roc_auc"):
                row.value, row.undefined_reason = math.nan, reasons[row.name].reason
        data.gates = [GateResult("recall", ">=", 0.75, math.nan, math.nan, False, gate.reason)]
        data.threshold_note = RuleNote("f1_optimal", {"threshold": 0.41})
        html = render_report(data)
        korean = ("recall 정의 불가: y_true에 불량 부품이 없음", "roc_auc 정의 불가: y_true에 클래스가 하나뿐임",
                  "정의 불가: recall 정의 불가", "F1 최적 임계값 0.410")  # fmt: skip
        english = ("recall undefined: no defective part in y_true", "roc_auc undefined: y_true holds only one",
                   "undefined: recall undefined", "F1-optimal threshold 0.410 on out-of-fold predictions")  # fmt: skip
        shown, hidden = (korean, english) if language == "ko" else (english, korean)
        for text in shown:
            assert text in html, (language, text)
        for text in hidden:
            assert text not in html, (language, text)


def test_leakage_reasons_and_data_problems_speak_the_reports_language(make_report_data: Make) -> None:
    """The data profile reaches the report with its phrases: a Korean report says why a column is suspected
    and what is wrong in Korean, an English one in English (``to_dict`` alone would leave only English)."""
    import dataclasses

    import pandas as pd

    from axpoc.config import config_from_dict
    from axpoc.data import profile

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "serial": rng.permutation(np.arange(1000, 1120)),  # unique integers: an identifier
            "temp": rng.normal(200, 5, 120),
            "empty": np.nan,
            "ng": np.arange(120) % 6 == 0,
        }
    )
    config = config_from_dict(
        {"project": {"name": "leaks"}, "data": {"path": "x.csv"}, "target": {"column": "ng"}}
    )
    found = profile(frame, config).for_report()
    assert found["leakage"] and found["problems"]
    for language, said, unsaid in (
        (
            "ko",
            ["120개 행 모두 값이 다른 정수: 식별자(ID)", "비어 있습니다 (120개 값이 모두 결측)"],
            ["an identifier", "is empty"],
        ),
        (
            "en",
            ["integers unique in every one of 120 rows: an identifier", "is empty (all 120 values missing)"],
            ["식별자"],
        ),
    ):
        html = render_report(dataclasses.replace(make_report_data("binary", language), profile=found))
        assert all(text in html for text in said), language
        assert not any(text in html for text in unsaid), language
