"""The retrain report renders from plain data, in Korean and English, self-contained and escaped."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from axpoc.kpi import GateResult
from axpoc.report import KpiRow


def _column(role: str, version: str, auc: float, passed: bool) -> object:
    from axpoc.report._retrain import ModelColumn

    kpis = [
        KpiRow("roc_auc", "ROC AUC", auc, auc - 0.05, auc + 0.04, "ratio", "", True, "ml"),
        KpiRow(
            "monthly_saving",
            "월간 비용 절감액",
            1_250_000.0 * auc,
            None,
            None,
            "currency/month",
            "",
            True,
            "productivity",
        ),
    ]
    gates = [GateResult("roc_auc", ">=", 0.8, auc, auc, passed, "" if passed else "0.7 < 0.8")]
    return ModelColumn(
        role=role, version=version, family="lightgbm", kpis=kpis, gates=gates, gates_passed=passed
    )


def _data(language: str, kind: str) -> object:
    from axpoc.report._retrain import RetrainReportData

    drift = pd.DataFrame(
        {
            "name": ["cushion_mm", "product", "defect", "prediction"],
            "role": ["feature", "feature", "label", "prediction"],
            "kind": ["numeric", "categorical", "categorical", "numeric"],
            "severity": ["major", "moderate", "none", "major"],
            "psi": [0.61, 0.18, 0.01, 0.4],
            "test": ["ks", "chi2", "chi2", "ks"],
            "statistic": [0.4, 30.0, 0.1, 0.3],
            "p_value": [1e-9, 1e-4, 0.7, 1e-6],
            "wasserstein_norm": [0.9, np.nan, np.nan, 0.7],
            "mean_reference": [6.1, np.nan, np.nan, 0.05],
            "mean_current": [4.6, np.nan, np.nan, 0.09],
            "missing_reference": [0.0] * 4,
            "missing_current": [0.0] * 4,
            "new_values": [[], ["<HSG-9>"], [], []],
            "reason": ["", "", "", ""],
        }
    )
    data = RetrainReportData(
        language=language,
        project_name="hanil",
        title="한일 사출 PoC",
        created_at="2026-12-01T02:00:00+00:00",
        model_name="hanil",
        champion_version="3",
        data_source="2026_11.csv",
        n_new=600,
        reference="training snapshot of v3",
        n_reference=900,
        drift=drift,
        drift_summary="큰 드리프트 1개",
        unseen={"product": [("<HSG-9>", 120)]},
        new_products=[{"product": "<HSG-9>", "rows": 120, "enough_rows": False, "action": "too few rows"}],
        champion_on_new=_column("champion", "3", 0.7, False),
        notes=["note one"],
    )
    if kind == "retrain":
        data.kind, data.verdict, data.verdict_reason = "retrain", "champion", "gates passed; not worse"
        data.primary, data.challenger_version = "roc_auc", "4"
        data.non_inferiority = {"primary": "roc_auc", "diff": 0.12, "low": 0.03, "tolerance": 0.01}
        data.models = [_column("champion", "3", 0.7, False), _column("challenger", "4", 0.82, True)]
        data.holdout = "holdout: the most recent 25% of the rows by 'timestamp' (375 rows)"
        data.training = [("reference", "v3: 900"), ("retune", "no")]
    return data


@pytest.mark.parametrize("language", ["ko", "en"])
def test_retrain_report_shows_decision_drift_products_and_both_models(language: str) -> None:
    from axpoc.report._retrain import render_retrain_report

    html = render_retrain_report(_data(language, "retrain"))
    assert f'lang="{language}"' in html and 'data-verdict="champion"' in html
    assert (
        '<span class="big">챔피언</span>' if language == "ko" else '<span class="big">Champion</span>'
    ) in html
    assert "+0.1200" in html and "+0.0300" in html  # the non-inferiority numbers
    assert 'data-feature="cushion_mm"' in html and 'class="sev-major"' in html
    assert "&lt;HSG-9&gt;" in html and "<HSG-9>" not in html  # escaped
    assert 'data-kpi="monthly_saving"' in html and "+" in html
    assert ".verdict-champion" in html  # the PoC report's stylesheet, reused
    assert re.search(r"""(src|href)=["']https?://""", html) is None  # self-contained


@pytest.mark.parametrize("language", ["ko", "en"])
def test_retrain_report_says_fixed_notes_in_its_language(language: str) -> None:
    from axpoc.i18n import RetrainNote
    from axpoc.report._retrain import render_retrain_report

    data = _data(language, "retrain")
    data.notes = [RetrainNote("champion_cannot_score", {"version": "3", "error": "'cushion_mm'"}), "note one"]
    html = render_retrain_report(data)
    korean = "챔피언 v3은(는) 평가 데이터로 점수를 낼 수 없어(&#39;cushion_mm&#39;) 도전자만 표시합니다."
    english = "the champion v3 cannot score the holdout (&#39;cushion_mm&#39;); only the challenger is shown."
    shown, hidden = (korean, english) if language == "ko" else (english, korean)
    assert shown in html and hidden not in html and "note one" in html  # free-form notes as they are


def test_retrain_report_badges_insufficient_evidence_apart_from_a_challenger() -> None:
    from axpoc.report._retrain import render_retrain_report

    data = _data("ko", "retrain")
    data.verdict = "insufficient_evidence"  # type: ignore[attr-defined]
    html = render_retrain_report(data)
    assert 'class="verdict verdict-insufficient_evidence" data-verdict="insufficient_evidence"' in html
    assert '<span class="big">근거 부족</span>' in html and ".verdict-insufficient_evidence {" in html


def test_drift_only_report_has_no_training_sections() -> None:
    from axpoc.report._retrain import render_retrain_report

    html = render_retrain_report(_data("ko", "drift"))
    assert 'data-verdict="drift"' in html and "드리프트 점검 보고서" in html
    assert 'id="compare"' not in html and 'id="training"' not in html
    assert 'data-gate="roc_auc"' in html  # the champion's gates on the new data


@pytest.mark.parametrize("language", ["ko", "en"])
def test_retrain_report_names_the_built_in_rules_in_its_language(language: str) -> None:
    from axpoc.kpi import catches_defects
    from axpoc.report._retrain import render_retrain_report

    data = _data(language, "retrain")
    (rule,) = catches_defects({"NG": (1, 10)})
    data.models[1].gates.append(rule)
    html = render_retrain_report(data)
    label, found = (
        ("불량을 잡아냄", "&#39;NG&#39; 불량 10건 중 1건 검출")
        if language == "ko"
        else ("catches defects", "caught 1 of 10 &#39;NG&#39; defects")
    )
    assert f"{label}<span" in html and found in html
