"""The comparison step: candidates in, leaderboard and one refitted model out. No MLflow here.

The caller passes callbacks (``on_candidate``) to log each candidate as it finishes; the step itself
stays a plain function of data, so notebooks and tests run it without a tracking store.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from axpoc.compare._scoring import Scorer
from axpoc.compare._search import LOGGING_RESERVE_S, Budget, CandidateResult, Splits, tune_candidate
from axpoc.compare._stats import corrected_paired_test
from axpoc.config import CandidateConfig, TuningConfig


@dataclass
class Comparison:
    """Everything the later steps need: ranking, the winner's OOF outputs and the refitted pipeline."""

    scorer: Scorer
    results: list[CandidateResult]
    leaderboard: pd.DataFrame
    chosen: CandidateResult | None
    model: Any = None
    refit_time_s: float = float("nan")
    elapsed_s: float = 0.0
    budget_s: float | None = None
    notes: list[str] = field(default_factory=list)

    def conclusion(self, language: str = "en") -> str:
        """One sentence for humans: is #1 really better than #2?"""
        ok = self.leaderboard[self.leaderboard["status"] == "ok"]
        if len(ok) < 2:
            return "후보가 하나뿐입니다." if language == "ko" else "Only one candidate finished."
        first, second = ok.iloc[0], ok.iloc[1]
        if bool(second["significantly_worse"]):
            if language == "ko":
                return f"1위 {first['candidate']}는 2위 {second['candidate']}보다 유의하게 좋습니다 (p={second['p_value']:.3f})."
            return f"#1 {first['candidate']} is significantly better than #2 {second['candidate']} (p={second['p_value']:.3f})."
        if language == "ko":
            return (
                f"1위 {first['candidate']}와 2위 {second['candidate']}는 유의한 차이가 없습니다 "
                f"(p={second['p_value']:.3f}); 더 단순하거나 빠른 모델을 골라도 됩니다."
            )
        return (
            f"No significant difference between #1 {first['candidate']} and #2 {second['candidate']} "
            f"(p={second['p_value']:.3f}); a simpler or faster model is an equally valid choice."
        )


def _leaderboard(results: list[CandidateResult], scorer: Scorer, splits: Splits) -> pd.DataFrame:
    ok = sorted(
        (r for r in results if r.ok),
        key=lambda r: r.interval.mean if scorer.higher_is_better else -r.interval.mean,
        reverse=True,
    )
    ratio = float(np.mean([len(v) / max(len(t), 1) for t, v in splits]))
    rows = []
    for rank, result in enumerate(ok, start=1):
        test = (
            corrected_paired_test(ok[0].fold_scores, result.fold_scores, test_train_ratio=ratio)
            if rank > 1
            else None
        )
        row: dict[str, Any] = {
            "rank": rank,
            "candidate": result.name,
            "family": result.label,
            "status": "ok",
            scorer.primary: result.interval.mean,
            "ci_low": result.interval.low,
            "ci_high": result.interval.high,
            "fold_std": float(np.nanstd(result.fold_scores, ddof=1)) if len(result.fold_scores) > 1 else np.nan,
            "diff_vs_1": test.mean_diff if test else 0.0,
            "p_value": test.p_value if test else np.nan,
            "significantly_worse": bool(test.significant) if test else False,
            "fit_time_s": result.fit_time_s,
            "predict_ms_per_1k": result.predict_time_ms_per_1k,
            "trials": result.n_trials,
            "pruned": result.n_pruned,
            "note": result.reason,
        }
        for name, values in result.fold_metrics.items():
            if name != scorer.primary:
                row[name] = float(np.nanmean(values)) if np.isfinite(values).any() else np.nan
        rows.append(row)
    for result in results:
        if not result.ok:
            rows.append({"rank": np.nan, "candidate": result.name, "family": result.label, "status": result.status,
                         "note": result.reason})
    return pd.DataFrame(rows)


def compare_candidates(
    X: pd.DataFrame,
    y: np.ndarray,
    *,
    task: str,
    classes: np.ndarray,
    splits: Splits,
    candidates: list[CandidateConfig],
    families: dict[str, Any],
    builder: Callable[[Any, dict[str, Any]], Any],
    defaults: dict[str, dict[str, Any]],
    skipped: dict[str, str],
    tuning: TuningConfig,
    scorer: Scorer,
    on_candidate: Callable[[CandidateResult], None] | None = None,
    on_trial: Callable[[str, int, float], None] | None = None,
) -> Comparison:
    """Tune each applicable candidate within the shared budget, rank them, refit the winner on all of X.

    ``builder(family, params)`` returns an unfitted pipeline; ``defaults`` holds each family's
    size-adaptive defaults (already logged by the caller); ``skipped`` maps names to the reason.
    """
    budget = Budget(tuning.budget_s)
    results: list[CandidateResult] = [
        CandidateResult(name=name, label=name, status="skipped", reason=reason) for name, reason in skipped.items()
    ]
    runnable = [c for c in candidates if c.name not in skipped]
    for done in results:
        if on_candidate:
            on_candidate(done)
    for position, candidate in enumerate(runnable):
        family = families[candidate.name]
        reserve = _reserve(results, n_rows=len(X), n_folds=len(splits))
        left = budget.remaining() - reserve
        if left <= 0:
            result = CandidateResult(
                name=candidate.name, label=getattr(family, "label", candidate.name), status="stopped",
                reason="the time budget was spent before this candidate could start",
            )
        else:
            share = left / (len(runnable) - position)
            result = tune_candidate(
                candidate,
                family=family,
                build=lambda params, fam=family: builder(fam, params),
                defaults=defaults[candidate.name],
                X=X,
                y=y,
                classes=classes,
                splits=splits,
                scorer=scorer,
                tuning=tuning,
                budget=budget,
                share_s=share,
                reserve_s=reserve,
                on_trial=(lambda n, v, name=candidate.name: on_trial(name, n, v)) if on_trial else None,
            )
        results.append(result)
        if on_candidate:
            on_candidate(result)
    board = _leaderboard(results, scorer, splits)
    ok = board[board["status"] == "ok"]
    comparison = Comparison(scorer=scorer, results=results, leaderboard=board, chosen=None, budget_s=tuning.budget_s)
    if ok.empty:
        comparison.elapsed_s = budget.elapsed()
        return comparison
    chosen = next(r for r in results if r.name == ok.iloc[0]["candidate"])
    comparison.chosen = chosen
    t0 = time.perf_counter()
    model = builder(families[chosen.name], chosen.params)
    model.fit(X, y)
    comparison.refit_time_s = time.perf_counter() - t0
    comparison.model = model
    comparison.elapsed_s = budget.elapsed()
    return comparison


def _reserve(results: list[CandidateResult], *, n_rows: int, n_folds: int) -> float:
    """Time kept back for refitting the winner on all rows and logging it."""
    fits = [r.fit_time_s for r in results if r.ok and np.isfinite(r.fit_time_s)]
    slowest_refit = max(fits, default=0.0) * (1 + 1 / max(n_folds - 1, 1))
    return LOGGING_RESERVE_S + 1.5 * slowest_refit
