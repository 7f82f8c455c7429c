"""The HTML report: sections in order, Korean first, numbers for people, self-contained, never crashing."""

from __future__ import annotations

import base64
import io
import math
import re
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from axpoc.i18n import texts
from axpoc.report import ReportData, render_report, write_report
from axpoc.report._figures import regression_chart
from axpoc.report._fonts import figure_font_family, korean_font_files
from axpoc.report._i18n import fmt_kpi, unit_label

SECTIONS = ["summary", "data", "leaderboard", "model", "importance", "errors", "threshold", "kpis", "repro"]
KO_HEADINGS = ["경영진 요약", "데이터 준비도와 검증 결과", "후보 모델 비교 (리더보드)", "선택된 모델", "특성 중요도와 영향",
               "판정 임계값과 비용 곡선", "KPI 표 (산식 포함)", "재현성 정보"]  # fmt: skip
PNG = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')
HANGUL = re.compile(r"[\uac00-\ud7a3]")
MAX_BYTES = 1_500_000

Make = Callable[..., ReportData]


def _section(html: str, name: str) -> str:
    start = html.index(f'<section id="{name}">')
    return html[start : html.index("</section>", start)]


def _pngs(html: str) -> list[tuple[int, int]]:
    """Width and height of every inline PNG; decoding proves they are real images."""
    from PIL import Image

    sizes = []
    for payload in PNG.findall(html):
        with Image.open(io.BytesIO(base64.b64decode(payload))) as image:
            assert image.format == "PNG"
            sizes.append(image.size)
    return sizes


def _assert_self_contained(html: str) -> None:
    targets = re.findall(r"""\b(?:src|href)\s*=\s*["']([^"']*)["']""", html)
    assert targets, "expected links and images"
    for target in targets:
        assert target.startswith(("#", "data:")), f"external reference {target[:60]!r}"
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html)
    assert "@import" not in html and "url(" not in html


def test_binary_report_is_korean_complete_and_self_contained(make_report_data: Make) -> None:
    html = render_report(make_report_data("binary"))

    positions = [html.index(f'<section id="{name}">') for name in SECTIONS]
    assert positions == sorted(positions)
    assert '<html lang="ko">' in html
    for heading in [*KO_HEADINGS, "혼동 행렬"]:
        assert heading in html
    assert "Malgun Gothic" in html and "Noto Sans CJK KR" in html

    summary = _section(html, "summary")
    assert 'data-verdict="champion"' in summary and "챔피언" in summary
    assert summary.count("✔ 합격") == 3 + 3 and "✘ 불합격" not in summary
    assert "≥ 75.0%" in summary and "≤ 5.00%" in summary and "≥ 5,000,000원" in summary
    # the headline saving is the model's own, over the best no-model policy; the configured gate on the
    # saving over today's practice still shows its value
    assert "최선의 무모델 방식 대비 월간 절감액" in summary and "9,100,000원" in summary
    assert "기존 방식 대비 12,340,000원 중 3,240,000원은(는) 모델 없이도 가능" in summary
    assert "12,340,000원" in summary
    rules = summary[summary.index('id="rules"') :]
    assert "기본 인수 규칙" in rules and "모델 없는 방식보다 나음: 기존 검사 방식" in rules
    assert "&#39;불량&#39; 불량 117건 중 96건 검출" in rules and "근거 충분" in rules
    assert "사용자가 끔: 고객사 요청: 단순 모델 비교 제외" in rules and ">꺼짐<" in rules
    assert "0.87%" in summary and "0.21%" in summary and "86.4시간" in summary
    assert "가정 사항" in summary and "예시용 가정값" in summary

    kpis = _section(html, "kpis")
    assert "TP / (TP + FN)" in kpis and "FP / (FP + TN)" in kpis and "원/월" in kpis
    assert "82.1%" in kpis and "77.1% – 86.5%" in kpis and "0.9134" in kpis and "점수 (0–1)" in kpis

    board = _section(html, "leaderboard")
    assert "0.9120" in board and "0.8890 – 0.9350" in board and "&lt; 0.001" in board
    assert "유의한 차이가 없습니다 (p=0.214)" in board
    # the comparison's notes in Korean; a note that is plain text is kept, its status word is said
    assert "튜닝 생략: 기본값이 lightgbm보다 유의하게 나쁨 (p=0.006)" in board
    assert "기본값 유지: 튜닝한 최고 시도(0.9012)가 기본값(0.897)과 1 표준오차 이내" in board
    assert "중단: 시간 예산 초과: 남은 폴드에 14초 예상, 남은 시간 1초" in board
    assert "제외: k-NN: 150,000행 &gt; 상한 100,000행 (예측할 때마다 모든 학습 행과 비교함)" in board
    assert "제외: torch is not installed" in board
    assert "stopped by the time budget" not in board and "not tuned" not in board and "skipped" not in board
    assert "0.270" in _section(html, "threshold")
    assert "n_estimators" in _section(html, "model") and "LGBMClassifier" in _section(html, "model")
    assert "사이클시간" in _section(html, "data") and "데이터에서 추론" in _section(html, "data")
    assert "그룹마다 값이 하나뿐인 열" in _section(html, "data") and "설정온도" in _section(html, "data")
    assert "제외 0.874, 포함 0.612 (타깃도" in html and "배울 예는 그룹 수뿐임). 모든 후보에서 제외함" in html
    assert "sha256:9c0ffee12345" in _section(html, "repro") and "mlflow" in _section(html, "repro")

    # headline, leaderboard, importance, effects, confusion, cost curve
    sizes = _pngs(html)
    assert len(sizes) == 6 and all(width >= 500 and height >= 150 for width, height in sizes)
    _assert_self_contained(html)
    assert len(html.encode("utf-8")) < MAX_BYTES


def test_figures_use_the_bundled_korean_font_without_touching_global_settings(make_report_data: Make) -> None:
    import matplotlib
    from matplotlib.figure import Figure

    assert [path.name for path in korean_font_files()] == ["NanumGothic.ttf"]
    assert figure_font_family() == "NanumGothic"
    before = dict(matplotlib.rcParams)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r"(?i).*glyph.*missing")
        render_report(make_report_data("binary"))
    assert dict(matplotlib.rcParams) == before
    # the filter above is not vacuous: the default font has no Hangul and warns about it
    with pytest.warns(UserWarning, match=r"(?i)glyph.*missing"):
        figure = Figure()
        figure.text(0.5, 0.5, "금형온도", family="DejaVu Sans")
        figure.savefig(io.BytesIO(), format="png")


def test_without_the_font_package_figures_fall_back_and_warn_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from axpoc.report import _fonts

    monkeypatch.setattr(_fonts, "_FONT_PACKAGE", "no_such_font_package")
    _fonts.figure_font_family.cache_clear()
    try:
        assert _fonts.korean_font_files() == []
        with pytest.warns(RuntimeWarning, match="pip install koreanize-matplotlib"):
            assert _fonts.figure_font_family() == "DejaVu Sans"
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert _fonts.figure_rc()["font.family"] == ["DejaVu Sans"]
    finally:
        _fonts.figure_font_family.cache_clear()


def test_multiclass_report_shows_the_confusion_matrix_and_no_threshold(make_report_data: Make) -> None:
    html = render_report(make_report_data("multiclass"))
    errors = _section(html, "errors")
    assert "혼동 행렬" in errors and len(_pngs(errors)) == 1
    assert "이 과제 유형에는 판정 임계값이 없습니다." in _section(html, "threshold")
    assert "macro_f1 (평균)" in _section(html, "leaderboard")
    assert "mean over classes c of 2*TP_c / (2*TP_c + FP_c + FN_c)" in _section(html, "kpis")
    assert "다중 분류 (불량 유형)" in html
    per_class = html[html.index('id="per-class"') :]
    assert "클래스별 결과" in per_class and "불량 클래스" in per_class
    assert "<td>미성형</td><td>예</td><td>155</td><td>0.910</td>" in per_class
    assert "<td>정상</td><td>아니오</td>" in per_class
    _assert_self_contained(html)


def test_regression_report_plots_residuals_with_spec_limits(make_report_data: Make) -> None:
    data = make_report_data("regression")
    html = render_report(data)
    errors = _section(html, "errors")
    assert "예측값 vs 실제값과 잔차" in errors and "LSL/USL" in errors and len(_pngs(errors)) == 1
    summary = _section(html, "summary")
    assert 'data-verdict="challenger"' in summary and "도전자(보류)" in summary
    assert "≥ 1.33" in summary and "✘ 불합격" in summary
    assert "합격 판정품 Cpk 측정값 1.29: 기준 ≥ 1.33 미달" in summary  # the gate's reason in Korean
    kpis = _section(html, "kpis")
    assert "0.0115 – 0.0128" in kpis and "지수" in kpis and "목표 변수 단위" in kpis
    assert "min(USL - mean, mean - LSL) / (3 * sigma_within)" in kpis
    assert "rmse (평균)" in _section(html, "leaderboard")
    # the spec limits are drawn: the same points without them give a different picture
    t = texts("ko")
    with_spec = regression_chart(data.y_true, data.y_pred, data.spec, target="치수", t=t)
    without = regression_chart(data.y_true, data.y_pred, None, target="치수", t=t)
    assert with_spec is not None and without is not None and with_spec != without


def test_undefined_kpis_are_explained_and_their_gates_fail(make_report_data: Make) -> None:
    html = render_report(make_report_data("undefined"))
    summary = _section(html, "summary")
    assert 'data-verdict="challenger"' in summary
    assert "정의되지 않은 KPI" in summary
    assert "no defective part in the test part: TP + FN = 0" in summary and "only one class" in summary
    recall_gate = summary[summary.index('data-gate="recall"') :].split("</tr>")[0]
    assert "✘ 불합격" in recall_gate and "정의 불가: no defective part" in recall_gate
    assert "✔ 합격" in summary  # the false alarm gate still passes
    assert "비용 정보가 없어 월간 절감액을 계산하지 않았습니다." in summary
    recall_row = html[html.index('data-kpi="recall"') :].split("</tr>")[0]
    assert "정의 불가" in recall_row and "TP + FN = 0" in recall_row
    for missing in ["비교한 후보 모델이 없습니다.", "데이터 검증 결과가 없습니다.", "특성 중요도가 계산되지 않았습니다.",
                    "혼동 행렬이 없습니다.", "비용 정보가 없어 비용 곡선을 그리지 않았습니다."]:  # fmt: skip
        assert missing in html
    _assert_self_contained(html)


def test_english_report(make_report_data: Make) -> None:
    html = render_report(make_report_data("binary", "en"))
    assert '<html lang="en">' in html
    assert "Management summary" in html and "Champion" in html and "KPI table with formulas" in html
    assert "KRW 12,340,000" in html and "≥ 75.0%" in html and "86.4 h" in html
    assert "scores average_precision 0.874 without them and 0.612 with them (the target too" in html
    board = _section(html, "leaderboard")
    assert "not tuned: its defaults are significantly worse than lightgbm&#39;s (p=0.006)" in board
    assert "stopped: stopped by the time budget: predicted 14 s for the remaining folds, 1 s left" in board
    assert (
        "skipped: k-NN is skipped: 150,000 rows &gt; 100,000 "
        "(every prediction is compared with every training row)" in board
    )
    assert "skipped: torch is not installed" in board and not HANGUL.search(board.split("<tbody>")[1])
    headings = re.findall(r"<h[1-3][^>]*>(.*?)</h[1-3]>", html, flags=re.S)
    assert headings and not any(HANGUL.search(re.sub(r"<[^>]+>", "", h)) for h in headings[1:])
    assert not HANGUL.search(_section(html, "kpis").split("<tbody>")[0])


def test_a_report_with_only_the_required_fields_says_what_is_missing() -> None:
    data = ReportData(language="ko", project_name="p", title="빈 보고서", process="machining", task="regression",
                      target="마모", verdict="not_registered", verdict_reason="")  # fmt: skip
    html = render_report(data)
    assert "미등록" in html and "회귀 (측정값 예측)" in html
    assert "합격 기준(게이트)이 설정되지 않았습니다." in html and "계산된 KPI가 없습니다." in html
    assert (
        "예측값과 실제값이 없어 잔차 그림을 그리지 않았습니다." in html
        and "설정 파일 내용이 없습니다." in html
    )
    assert not PNG.search(html) and len(html) < 60_000
    _assert_self_contained(html)


def test_user_text_is_escaped_and_headline_bars_need_plain_numbers(make_report_data: Make) -> None:
    data = make_report_data("undefined")
    data.notes = ["<script>alert(1)</script>"]
    data.headline = [("월간 손실", "1.2억 원", "0.9억 원")]
    html = render_report(data)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    summary = _section(html, "summary")
    assert "1.2억 원" in summary and "headline-figure" not in summary
    data.headline = [("합격 판정품 불량률", "0.87%", "0.21%")]
    assert "headline-figure" in _section(render_report(data), "summary")


def test_write_report_is_atomic_utf8(tmp_path: Path, make_report_data: Make) -> None:
    data = make_report_data("undefined")
    target = tmp_path / "nested" / "poc_report.html"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    assert write_report(data, target) == target
    assert target.read_text(encoding="utf-8") == render_report(data)
    assert [p.name for p in target.parent.iterdir()] == ["poc_report.html"]
    data.language = "xx"
    with pytest.raises(ValueError, match="ko"):
        write_report(data, target)
    assert [p.name for p in target.parent.iterdir()] == ["poc_report.html"]
    assert "불량 없는 테스트 데이터" in target.read_text(encoding="utf-8")


def test_write_report_has_ordinary_file_permissions(tmp_path: Path, make_report_data: Make) -> None:
    import os
    import stat

    before = os.umask(0o022)
    try:
        target = write_report(make_report_data("undefined"), tmp_path / "poc_report.html")
    finally:
        os.umask(before)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644  # as any file, not mkstemp's private 0600


@pytest.mark.parametrize(
    ("name", "unit", "value", "language", "expected"),
    [
        ("recall", "ratio", 0.8214, "ko", "82.1%"),
        ("defect_rate_passed", "ratio", 0.0021, "ko", "0.21%"),
        ("roc_auc", "ratio", 0.91344, "ko", "0.9134"),
        ("monthly_saving", "KRW/month", 12_340_000.4, "ko", "12,340,000원"),
        ("monthly_saving", "currency/month", 12_340_000.0, "en", "KRW 12,340,000"),
        ("monthly_saving", "USD/month", 1200.0, "en", "1,200 USD"),
        ("inspection_hours_saved_per_month", "h/month", 86.44, "ko", "86.4시간"),
        ("rmse", "target unit", 0.012134, "ko", "0.01213"),
        ("recall", "ratio", math.nan, "ko", "정의 불가"),
        ("recall", "ratio", np.float64("nan"), "en", "undefined"),
    ],
)
def test_numbers_are_formatted_for_people(
    name: str, unit: str, value: float, language: str, expected: str
) -> None:
    assert fmt_kpi(value, name=name, unit=unit, currency="KRW", language=language) == expected


def test_units_read_naturally() -> None:
    assert unit_label("KRW/month", currency="KRW", language="ko") == "원/월"
    assert unit_label("currency/month", currency="KRW", language="en") == "KRW/month"
    assert unit_label("h/month", currency="KRW", language="ko") == "시간/월"
    assert unit_label("ratio", name="recall", currency="KRW", language="ko") == "%"
    assert unit_label("ratio", name="r2", currency="KRW", language="en") == "score (0–1)"


@pytest.mark.parametrize(
    ("language", "split", "cv"),
    [
        (
            "ko",
            "그룹 분할 ('금형번호' 기준): 학습 그룹 9개 (900행)",
            "'금형번호' 기준 3겹 GroupKFold (섞음, 시드 0)",
        ),
        (
            "en",
            "group split on '금형번호': train 9 groups (900 rows)",
            "3-fold GroupKFold on '금형번호' (shuffled, seed 0)",
        ),
    ],
)
def test_split_and_cv_descriptions_are_said_in_the_report_language(
    make_report_data: Make, language: str, split: str, cv: str
) -> None:
    from axpoc.i18n import SplitNote

    data = make_report_data("binary", language)
    names = {"group": "금형번호", "time": None}
    data.split_description = SplitNote(
        "split",
        {
            "method": SplitNote("method_group"),
            "auto": "",
            "on": SplitNote("on_group", names),
            "train": SplitNote("side_groups", {"groups": 9, "rows": 900}),
            "test": SplitNote("side_groups", {"groups": 3, "rows": 300}),
            "seeded": SplitNote("seeded", {"seed": 0}),
            "positives": "",
        },
    )
    data.cv_description = SplitNote("cv_group", {**names, "n": 3, "kind": "GroupKFold", "seed": 0, "gap": 0})
    data_section = _section(render_report(data), "data").replace("&#39;", "'")
    assert split in data_section and cv in data_section


def test_data_checks_show_the_failures_and_fold_the_passed_ones_in_korean(make_report_data: Make) -> None:
    data = _section(render_report(make_report_data("binary")), "data")
    failed, _, passed = data.partition('<details class="passed-checks">')
    assert "통과한 검사 3개 보기" in passed  # the three passed checks wait behind their count
    assert "사이클시간" in failed and "10 이상 95 이하" in failed  # the failed one, its rule said in Korean
    assert "금형온도" not in failed and "20 이상 120 이하" in passed
    assert "between" not in data and "not null" not in data and "빈 값 없음" in passed
    english = _section(render_report(make_report_data("binary", "en")), "data")
    assert "between 10 and 95" in english and "Show the 3 passed checks" in english


def test_the_residual_caption_speaks_of_spec_lines_only_when_there_are_some(make_report_data: Make) -> None:
    data = make_report_data("regression")
    assert "LSL/USL" in render_report(data)
    data.spec = None
    assert "LSL/USL" not in render_report(data)


def test_a_time_span_is_said_as_people_say_it() -> None:
    from axpoc.i18n import texts
    from axpoc.report._render import _span

    assert _span("0 days 03:08:30", texts("ko")) == "3시간 8분"
    assert _span("21 days 04:00:00", texts("en")) == "21 d 4 h"
    assert _span("12.5 units", texts("ko")) == "12.5 units"


@pytest.mark.parametrize(
    ("verdict", "korean", "english"),
    [("insufficient_evidence", "근거 부족", "Insufficient evidence"), ("rejected", "거부", "Rejected")],
)
def test_each_verdict_has_its_own_badge(
    make_report_data: Make, verdict: str, korean: str, english: str
) -> None:
    """Too little evidence is not a challenger that lost: the badge names the verdict and has its own colour."""
    data = make_report_data("binary")
    data.verdict = verdict
    summary = _section(render_report(data), "summary")
    assert f'class="verdict verdict-{verdict}" data-verdict="{verdict}"' in summary
    assert f'<span class="big">{korean}</span>' in summary and "도전자(보류)" not in summary
    data.language = "en"
    assert f'<span class="big">{english}</span>' in _section(render_report(data), "summary")
    css = render_report(data)
    assert f".verdict-{verdict} {{ background:" in css
