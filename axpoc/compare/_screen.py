"""Keep group-level columns only where grouped cross-validation shows they help.

A column with one value per group (`axpoc.data.group_level_columns`) lets a tree memorise the groups of
the training part. The screen cross-validates one fast tree family's defaults on the comparison's own
grouped folds with and without those columns; every candidate then uses the column set it decides on
(`screen_group_level` says how a tie or a small difference is read).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from axpoc.compare._scoring import Scorer
from axpoc.compare._search import (
    _TRIAL_ERRORS,
    Budget,
    BudgetExhausted,
    Splits,
    TrialRun,
    _evaluate,
    fold_ratio,
    predict_trial_cost,
)
from axpoc.compare._stats import corrected_paired_test
from axpoc.i18n import Phrase, ScreenNote

MAX_SHARE = 1 / 2
"""The most of the remaining budget the screen may use; a slower screen is skipped or abandoned. Only one
of its two runs is extra: the comparison adopts the other as the probe family's defaults trial."""


@dataclass(frozen=True)
class GroupLevelScreen:
    """The group-level columns found, those dropped, the two mean fold scores and the note.

    ``run`` is the probe's cross-validation on the column set kept (``run_s`` seconds): the comparison
    adopts it as that family's defaults trial instead of running it again.
    """

    columns: tuple[str, ...]
    dropped: tuple[str, ...]
    note: str
    family: str = ""
    score_with: float = float("nan")
    score_without: float = float("nan")
    run: TrialRun | None = None
    run_s: float = 0.0


def screen_group_level(
    X: pd.DataFrame,
    y: np.ndarray,
    *,
    columns: Sequence[str],
    features: Sequence[str],
    group: str,
    family: str,
    params: dict[str, Any],
    build: Callable[[list[str], dict[str, Any]], Any],
    classes: np.ndarray,
    splits: Splits,
    scorer: Scorer,
    budget: Budget,
    target_group_level: bool,
) -> GroupLevelScreen:
    """Cross-validate ``build(features, params)`` with and without ``columns``; drop them unless they win.

    ``build(feature_list, params)`` returns an unfitted pipeline that reads only ``feature_list`` from
    ``X``; ``family`` names it in the note. Both runs use the same ``splits``, so the scores are paired.

    When the target itself holds one value per group (``target_group_level``: a tool is worn or not), these
    columns give the model one example per group, so they go unless they score better. When the target
    varies within groups, group-level columns often set it (feed and speed set roughness) and grouped
    folds over a dozen groups are noisy: they go only when leaving them out is significantly better
    (corrected paired t-test).
    """
    found = tuple(columns)
    words = {"columns": ", ".join(found), "group": group, "family": family, "metric": scorer.primary}

    def unscreened(why: Phrase) -> GroupLevelScreen:
        return GroupLevelScreen(found, (), ScreenNote("not_screened", {**words, "why": why}), family)

    kept = [name for name in features if name not in found]
    with_all, without = list(features), kept
    allowed = MAX_SHARE * budget.remaining()
    cost = 2 * predict_trial_cost(lambda p: build(with_all, p), params, X=X, y=y, splits=splits)
    if cost > allowed:
        return unscreened(ScreenNote("over_budget", {"cost": cost, "allowed": allowed}))
    deadline = budget.remaining() - allowed

    def check_time(step: int, fold_cost: float) -> None:
        if budget.remaining() < deadline:
            raise BudgetExhausted("screen")

    runs: list[tuple[TrialRun, float]] = []
    try:
        for names in (with_all, without):
            started = time.monotonic()
            result = _evaluate(
                lambda p, names=names: build(names, p),
                params,
                X=X,
                y=y,
                classes=classes,
                splits=splits,
                scorer=scorer,
                report=lambda step, value: None,
                check_time=check_time,
            )
            runs.append((result, time.monotonic() - started))
    except BudgetExhausted:
        return unscreened(ScreenNote("out_of_time"))
    except _TRIAL_ERRORS as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return unscreened(ScreenNote("failed", {"family": family, "error": first_line}))
    (run_with, with_s), (run_without, without_s) = runs
    score_with, score_without = run_with.value, run_without.value
    if not (np.isfinite(score_with) and np.isfinite(score_without)):
        return unscreened(ScreenNote("no_score", {"metric": scorer.primary}))
    drop, why = _decide(
        run_with,
        run_without,
        scorer=scorer,
        splits=splits,
        group=group,
        target_group_level=target_group_level,
    )
    values = {**words, "with_": score_with, "without": score_without, "why": why}
    if drop:
        note = ScreenNote("dropped", values)
        return GroupLevelScreen(found, found, note, family, score_with, score_without, run_without, without_s)
    note = ScreenNote("kept", values)
    return GroupLevelScreen(found, (), note, family, score_with, score_without, run_with, with_s)


def _decide(
    run_with: TrialRun,
    run_without: TrialRun,
    *,
    scorer: Scorer,
    splits: Splits,
    group: str,
    target_group_level: bool,
) -> tuple[bool, ScreenNote]:
    """Whether to drop the columns, and why."""
    if scorer.better(run_with.value, run_without.value):
        return False, ScreenNote("help")
    if target_group_level:
        return True, ScreenNote("target_group_level", {"group": group})
    test = corrected_paired_test(
        run_without.fold_scores, run_with.fold_scores, test_train_ratio=fold_ratio(splits)
    )
    return test.significant, ScreenNote(
        "significant" if test.significant else "not_significant", {"p": test.p_value}
    )
