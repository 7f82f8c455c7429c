"""Why a model family is left out of a comparison (`Family.applicable`), in Korean and English."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from axpoc.i18n._phrase import Phrase

_TASK_KO = {"binary": "이진 분류", "multiclass": "다중 분류", "regression": "회귀", "anomaly": "이상 탐지"}


class SkipReason(Phrase):
    """Why a family cannot be compared on this task and data."""

    templates = MappingProxyType(
        {
            "wrong_task": (
                "{label}은(는) {task_word} 과제를 다루지 않음; {task_word}에 쓸 수 있는 계열: {others}",
                "{label} does not handle a {task} task; families for {task}: {others}",
            ),
            "needs_curves": (
                "{name}에는 센서 곡선 열이 필요하지만 데이터에 없음",
                "{name} needs sensor-curve columns, the data has none",
            ),
            "no_features": ("{label}: 특성 열이 없음", "{label} is skipped: there is no feature column"),
            "not_installed": (
                "{label}: '{module}' 패키지가 설치되지 않음 (pip install {requirement})",
                "{label} is skipped: the package '{module}' is not installed (pip install {requirement})",
            ),
            "too_many_rows": (
                "{label}: {n_rows:,}행 > 상한 {max_rows:,}행 ({why})",
                "{label} is skipped: {n_rows:,} rows > {max_rows:,} ({why})",
            ),
            "too_few_rows": (
                "{label}: {n_rows:,}행 < 최소 {min_rows:,}행 (학습하기에 너무 적음)",
                "{label} is skipped: {n_rows:,} rows < {min_rows} (too few to train it)",
            ),
            # why a family has a row limit (``Family.max_rows_reason``)
            "quadratic_time": (
                "커널 SVM의 학습 시간은 행 수의 제곱으로 늘어남",
                "kernel SVM training time grows quadratically with the rows",
            ),
            "all_pairs": (
                "예측할 때마다 모든 학습 행과 비교함",
                "every prediction is compared with every training row",
            ),
        }
    )

    @classmethod
    def _derived(cls, values: Mapping[str, object], language: str) -> dict[str, object]:
        if "task" not in values:
            return {}
        task = str(values["task"])
        return {"task_word": _TASK_KO.get(task, task) if language == "ko" else task}
