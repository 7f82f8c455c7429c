"""The comparison's notes: the English sentences of logs and MLflow, said in Korean for the report."""

from __future__ import annotations

import pickle
import re

import pytest

from axpoc.compare import CompareNote
from axpoc.i18n import Joined, joined

HANGUL = re.compile("[가-힣]")
FOLDS = CompareNote("predicted_folds", {"cost": 14.4, "left": 0.6})
SAMPLES = {
    "why": FOLDS,
    "cost": 30.2,
    "left": 9.4,
    "budget": 60.0,
    "rows": 38,
    "reasons": "logistic: no trial finished",
    "share": 0.138,
    "error": "ValueError: Input X contains NaN.",
    "tuned": 0.94304,
    "defaults": 0.917412,
    "leader": "lightgbm",
    "p": 0.0061,
    "n": 2,
    "names": "lightgbm, hist_gradient_boosting",
    "first": "lightgbm",
    "second": "logistic",
    "name": "lightgbm",
    "reason": FOLDS,  # "named" only joins a name to a reason: its Korean is the reason's
}
"""A value for every placeholder of every template (``str.format`` ignores the ones a template lacks)."""
STOPPED_AND_KEPT = joined(
    CompareNote("stopped", {"why": FOLDS}),
    CompareNote("defaults_kept", {"tuned": 0.94304, "defaults": 0.917412}),
)


@pytest.mark.parametrize("code", sorted(CompareNote.templates))
def test_every_note_fills_in_both_languages_and_survives_pickling(code: str) -> None:
    note = CompareNote(code, SAMPLES)
    korean, english = note.text("ko"), note.text("en")
    assert english == note and not HANGUL.search(english)
    assert HANGUL.search(korean) and korean != english
    again = pickle.loads(pickle.dumps(note))
    assert type(again) is CompareNote and again == note and again.text("ko") == korean


def test_the_english_stays_as_the_logs_and_tests_read_it() -> None:
    assert CompareNote("stopped", {"why": FOLDS}) == (
        "stopped by the time budget: predicted 14 s for the remaining folds, 1 s left"
    )
    assert CompareNote("predicted_trial", {"cost": 30.2, "left": 0.0}) == (
        "predicted 30 s for the next trial, 0 s left"
    )
    assert CompareNote("over_budget", {"cost": 130.2, "budget": 60.0}) == (
        "predicted 130 s for its default settings, over twice the whole budget of 60 s"
    )
    assert CompareNote("no_trial_error", SAMPLES) == "no trial finished: ValueError: Input X contains NaN."
    assert CompareNote("defaults_kept", SAMPLES) == (
        "defaults kept: the best tuned trial (0.943) is within one standard error of the defaults (0.9174)"
    )
    assert CompareNote("not_tuned", SAMPLES) == (
        "not tuned: its defaults are significantly worse than lightgbm's (p=0.006)"
    )
    assert STOPPED_AND_KEPT == (
        "stopped by the time budget: predicted 14 s for the remaining folds, 1 s left; "
        "defaults kept: the best tuned trial (0.943) is within one standard error of the defaults (0.9174)"
    )
    assert CompareNote("blend", {"n": 2}) == "greedy blend of 2 configurations on their out-of-fold outputs"


def test_korean_keeps_numbers_and_error_text_and_nests_phrases() -> None:
    assert (
        CompareNote("stopped", {"why": FOLDS}).text("ko")
        == "시간 예산 초과: 남은 폴드에 14초 예상, 남은 시간 1초"
    )
    assert (
        CompareNote("not_tuned", SAMPLES).text("ko")
        == "튜닝 생략: 기본값이 lightgbm보다 유의하게 나쁨 (p=0.006)"
    )
    assert (
        CompareNote("no_trial_error", SAMPLES).text("ko")
        == "끝난 시도가 없음: ValueError: Input X contains NaN."
    )
    again = pickle.loads(pickle.dumps(STOPPED_AND_KEPT))
    assert type(again) is Joined and again.text("ko") == STOPPED_AND_KEPT.text("ko")
    assert STOPPED_AND_KEPT.text("ko") == (
        "시간 예산 초과: 남은 폴드에 14초 예상, 남은 시간 1초; "
        "기본값 유지: 튜닝한 최고 시도(0.943)가 기본값(0.9174)과 1 표준오차 이내"
    )
    # a plain value (a hand-written reason) stays as it is inside a Korean sentence
    assert CompareNote("stopped", {"why": "screen"}).text("ko") == "시간 예산 초과: screen"
