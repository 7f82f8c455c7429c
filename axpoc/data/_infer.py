"""Guess column roles from a user's file, for ``axpoc init --from-data``: a first draft, printed for review."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

_TARGET_WORDS = re.compile(r"(defect|fail|quality|label|target|ng|ok_ng|불량|양불|판정|품질|결함|고장)", re.I)
_ID_WORDS = re.compile(r"(^id$|_id$|^no$|serial|udi|번호|시리얼|바코드)", re.I)
_TIME_WORDS = re.compile(r"(time|date|timestamp|일시|시간|날짜|시각)", re.I)
_GROUP_WORDS = re.compile(r"(lot|batch|mold|die|tool|experiment|로트|금형|배치|공구|설비)", re.I)


@dataclass
class GuessedRoles:
    id: str | None = None
    time: str | None = None
    group: str | None = None
    targets: list[str] = field(default_factory=list)
    suspicious: list[str] = field(default_factory=list)

    @staticmethod
    def task_for(frame: pd.DataFrame, target: str) -> str:
        values = frame[target].dropna()
        n_unique = values.nunique()
        if n_unique <= 2:
            return "binary"
        if n_unique <= 20 or not pd.api.types.is_numeric_dtype(values):
            return "multiclass"
        return "regression"


def infer_roles(frame: pd.DataFrame) -> GuessedRoles:
    guess = GuessedRoles()
    n = len(frame)
    for column in frame.columns:
        name = str(column)
        values = frame[column]
        unique = values.nunique(dropna=True)
        if guess.id is None and _ID_WORDS.search(name) and unique >= 0.95 * n:
            guess.id = name
        elif guess.time is None and (
            _TIME_WORDS.search(name) or pd.api.types.is_datetime64_any_dtype(values)
        ):
            guess.time = name
        elif guess.group is None and _GROUP_WORDS.search(name) and 1 < unique < max(2, n // 5):
            guess.group = name
        elif _TARGET_WORDS.search(name) and 2 <= unique <= 20:
            guess.targets.append(name)
    # Several binary flags that look like labels: keep the first as target, the others smell of leakage.
    guess.suspicious = guess.targets[1:]
    return guess
