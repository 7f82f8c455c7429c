"""What ``axpoc recommend`` says to a reader: table headers, figure labels and notes, in Korean and English."""

from __future__ import annotations

from types import MappingProxyType

from axpoc.i18n._phrase import Phrase


class RecommendText(Phrase):
    """Table headers, figure labels and notes of a recommendation."""

    templates = MappingProxyType(
        {
            "title": (
                "공정 조건 추천 — 모델 v{version}",
                "Process-setting recommendation — model v{version}",
            ),
            "setting": ("설정", "Setting"),
            "unit": ("단위", "Unit"),
            "safe_range": ("안전 범위", "Safe range"),
            "today": ("현재 설정", "Today's setting"),
            "recommended": ("추천 설정", "Recommended"),
            "rank": ("순위", "Rank"),
            "defect_rate": (
                "예측 불량률 [부트스트랩 80 % 구간]",
                "Predicted defect rate [bootstrap 80 % interval]",
            ),
            "predicted_value": ("예측값", "Predicted value"),
            "support": ("근거 (주변 과거 부품 수)", "Support (past parts nearby)"),
            "supported": ("{count}개 (데이터 안)", "{count} (within the data)"),
            "unsupported": ("{count}개 (데이터 밖, 외삽)", "{count} (outside the data)"),
            "now_vs_best": (
                "예측 불량률: 현재 {now} → 추천 {best}",
                "Predicted defect rate: today {now} → recommended {best}",
            ),
            "searched": (
                "탐색 {trials}회, 데이터 밖이라 제외 {rejected}회 (근거 기준: 반경 {radius} 안에 학습 부품 {k}개 이상)",
                "{trials} trials, {rejected} left out as outside the data (support rule: at least {k} training "
                "parts within radius {radius})",
            ),
            "keep_today": (
                "데이터가 있는 범위에서 현재보다 나은 설정을 찾지 못했습니다: 현재 설정을 유지하세요.",
                "No setting within the data is predicted better than today's: keep today's setting.",
            ),
            "extrapolating": (
                "--allow-extrapolation: 데이터 밖 설정도 추천합니다. 모델이 본 적 없는 조건이라 예측을 믿기 어렵습니다.",
                "--allow-extrapolation: settings outside the data are allowed; the model has never seen them, so "
                "do not trust the prediction there.",
            ),
            "figure_y": ("예측 불량률", "Predicted defect rate"),
            "figure_y_value": ("예측값", "Predicted value"),
            "figure_no_support": ("데이터 밖 (근거 부족)", "Outside the data (no support)"),
            "figure_title": (
                "{setting}: 다른 설정은 추천값에 고정",
                "{setting}: other settings at the recommendation",
            ),
            "note_outside": (
                "현재 설정이 안전 범위 밖입니다: {columns}",
                "today's setting is outside the safe range for {columns}",
            ),
            "note_keep": (
                "데이터가 있는 범위에서 현재보다 낫다고 예측되는 설정이 없습니다: 현재 설정을 유지하세요",
                "no supported setting is predicted better than today's: keep today's setting",
            ),
            "note_no_refits": (
                "부트스트랩 재학습을 요청하지 않음 (--refits 2 미만): 구간 없음",
                "no bootstrap refits asked (--refits below 2): no intervals",
            ),
            "note_routes": (
                "제품별 모델: 부트스트랩 재학습은 공통 모델만 다루므로 구간 없음",
                "per-product sub-models: the bootstrap refits cover the shared model only; no intervals",
            ),
            "nothing_written": (
                "레지스트리는 바꾸지 않았습니다. 기록: MLflow 실행 {run}, 그림: {folder}",
                "The registry was not changed. Logged as MLflow run {run}; figures in {folder}",
            ),
        }
    )
