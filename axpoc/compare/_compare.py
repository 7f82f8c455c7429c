"""The comparison step: candidates in, leaderboard and one refitted model out. No MLflow here.

The caller passes callbacks (``on_candidate``) to log each candidate as it finishes; the step itself
stays a plain function of data, so notebooks and tests run it without a tracking store.

Under a time budget the candidates are scheduled in two rounds. First every candidate's defaults are
cross-validated, cheapest first (a fit on a slice of the data predicts each one's cost), whatever the
budget has left: which families are compared must not depend on what else runs on the PC, so only a
family whose defaults alone are predicted to need more than ``SKIP_FACTOR`` times the whole budget is
left out. On a busy machine this round may use the whole budget or more; the budget then only shortens
the second round, which gives the time left to tuning the candidates that are not significantly worse
than the best defaults, best first, each an equal share of what remains. Without a budget every
candidate runs its ``trials`` in config order, exactly repeatable.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from axpoc.compare._blend import select_blend
from axpoc.compare._scoring import Scorer
from axpoc.compare._search import (
    LOGGING_RESERVE_S,
    Budget,
    CandidateResult,
    CandidateTuner,
    Splits,
    TrialRun,
    fold_ratio,
    predict_trial_cost,
)
from axpoc.compare._stats import corrected_paired_test
from axpoc.config import CandidateConfig, TuningConfig
from axpoc.i18n import CompareNote
from axpoc.kpi import clip_to_range

SKIP_FACTOR = 2.0


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
    untuned: list[str] = field(default_factory=list)
    """Candidates the clock left untuned: in contention, trials left, yet no tuning trial ran."""

    def conclusion(self, language: str = "en") -> str:
        """One sentence for humans: is #1 really better than #2?"""
        ok = self.leaderboard[self.leaderboard["status"] == "ok"]
        if len(ok) < 2:
            return CompareNote("one_candidate").text(language)
        first, second = ok.iloc[0], ok.iloc[1]
        code = "first_better" if bool(second["significantly_worse"]) else "no_difference"
        values = {"first": first["candidate"], "second": second["candidate"], "p": second["p_value"]}
        return CompareNote(code, values).text(language)


def _leaderboard(results: list[CandidateResult], scorer: Scorer, splits: Splits) -> pd.DataFrame:
    ok = sorted(
        (r for r in results if r.ok),
        key=lambda r: r.interval.mean if scorer.higher_is_better else -r.interval.mean,
        reverse=True,
    )
    ratio = fold_ratio(splits)
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
            "ci_low": clip_to_range(result.interval.low, scorer.primary),
            "ci_high": clip_to_range(result.interval.high, scorer.primary),
            "fold_std": float(np.nanstd(result.fold_scores, ddof=1))
            if len(result.fold_scores) > 1
            else np.nan,
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
            rows.append(
                {
                    "rank": np.nan,
                    "candidate": result.name,
                    "family": result.label,
                    "status": result.status,
                    "note": result.reason,
                }
            )
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
    budget: Budget | None = None,
    adopt: Mapping[str, tuple[TrialRun, float]] | None = None,
    study_prefix: str = "axpoc",
) -> Comparison:
    """Tune each applicable candidate within the shared budget, rank them, refit the winner on all of X.

    ``builder(family, params)`` returns an unfitted pipeline; ``defaults`` holds each family's
    size-adaptive defaults (already logged by the caller); ``skipped`` maps names to the reason.
    ``budget`` is ``tuning.budget_s`` started earlier when the caller spent part of it already.
    ``adopt`` maps a candidate to a cross-validation of its exact defaults on these ``splits`` (and its
    seconds), which becomes its trial 0. With ``tuning.storage`` each candidate's study is named
    ``{study_prefix}/{candidate}``: the prefix must name the run, so that one shared database holds many.
    """
    budget = budget if budget is not None else Budget(tuning.budget_s)
    results: list[CandidateResult] = []

    def finish(result: CandidateResult) -> None:
        results.append(result)
        if on_candidate:
            on_candidate(result)

    for name, reason in skipped.items():
        finish(CandidateResult(name=name, label=name, status="skipped", reason=reason))
    runnable, blends = _runnable(candidates, families, skipped)
    tuners = {
        c.name: CandidateTuner(
            c,
            family=families[c.name],
            build=lambda params, fam=families[c.name]: builder(fam, params),
            defaults=defaults[c.name],
            X=X,
            y=y,
            classes=classes,
            splits=splits,
            scorer=scorer,
            tuning=tuning,
            budget=budget,
            on_trial=(lambda n, v, name=c.name: on_trial(name, n, v)) if on_trial else None,
            study_name=f"{study_prefix}/{c.name}",
        )
        for c in runnable
    }

    for name, (run, seconds) in (adopt or {}).items():
        if name in tuners:
            tuners[name].adopt(run, cost_s=seconds)

    def reserve() -> float:
        return _reserve([t.fit_time_s for t in tuners.values() if t.ok], n_folds=len(splits))

    untuned: list[str] = []
    if tuning.budget_s is None:
        for candidate in runnable:
            tuners[candidate.name].run(share_s=float("inf"), reserve_s=0.0)
            finish(tuners[candidate.name].result())
    else:
        _defaults_round(runnable, tuners, budget=budget, finish=finish)
        untuned = _tuning_round(
            tuners, scorer=scorer, splits=splits, budget=budget, reserve=reserve, finish=finish
        )
    for blend in blends:
        finish(
            select_blend(
                results,
                name=blend.name,
                y=y,
                classes=classes,
                splits=splits,
                scorer=scorer,
                affordable_s=budget.remaining() - LOGGING_RESERVE_S,
            )
        )
    comparison = _conclude(
        results,
        X,
        y,
        scorer=scorer,
        splits=splits,
        families=families,
        builder=builder,
        tuning=tuning,
        budget=budget,
    )
    comparison.untuned = untuned
    return comparison


def _runnable(
    candidates: list[CandidateConfig], families: dict[str, Any], skipped: dict[str, str]
) -> tuple[list[CandidateConfig], list[CandidateConfig]]:
    """(candidates that are tuned, blends): a blend listed without members is chosen from the others'
    out-of-fold outputs once they finish."""
    blends = [
        c
        for c in candidates
        if c.name not in skipped and families[c.name].combines_members and "members" not in c.params
    ]
    return [c for c in candidates if c.name not in skipped and c not in blends], blends


def join_comparison(
    X: pd.DataFrame,
    y: np.ndarray,
    *,
    classes: np.ndarray,
    splits: Splits,
    candidates: list[CandidateConfig],
    families: dict[str, Any],
    builder: Callable[[Any, dict[str, Any]], Any],
    defaults: dict[str, dict[str, Any]],
    skipped: dict[str, str],
    tuning: TuningConfig,
    scorer: Scorer,
    study_prefix: str,
    still_open: Callable[[], bool],
    max_idle_s: float = 600.0,
    on_trial: Callable[[str, int, float], None] | None = None,
) -> dict[str, int]:
    """A worker's part of another process's comparison: trials of its open studies (``tuning.storage``)
    until it closes them; the same arguments as :func:`compare_candidates` gives the coordinator, so the
    folds and configurations are the same. Returns the trials run here per candidate."""
    import optuna

    from axpoc.compare._shared import shared_storage, work_open_studies

    storage = shared_storage(tuning.storage, heartbeat_s=tuning.heartbeat_s)
    runnable, _ = _runnable(candidates, families, skipped)
    tuners: dict[str, CandidateTuner] = {}

    def existing() -> dict[str, CandidateTuner]:
        names = set(optuna.get_all_study_names(storage))
        for c in runnable:
            if c.name not in tuners and f"{study_prefix}/{c.name}" in names:
                tuners[c.name] = CandidateTuner(
                    c,
                    family=families[c.name],
                    build=lambda params, fam=families[c.name]: builder(fam, params),
                    defaults=defaults[c.name],
                    X=X,
                    y=y,
                    classes=classes,
                    splits=splits,
                    scorer=scorer,
                    tuning=tuning,
                    budget=Budget(None),
                    on_trial=(lambda n, v, name=c.name: on_trial(name, n, v)) if on_trial else None,
                    study_name=f"{study_prefix}/{c.name}",
                    join=True,
                )
        return tuners

    return work_open_studies(existing, still_open=still_open, max_idle_s=max_idle_s)


def _defaults_round(
    runnable: list[CandidateConfig],
    tuners: dict[str, CandidateTuner],
    *,
    budget: Budget,
    finish: Callable[[CandidateResult], None],
) -> None:
    """Trial 0 (the defaults) of every candidate, cheapest first; those finished here leave ``tuners``.

    Each candidate is judged against the whole budget, never against what the others left: it is not
    started when one probe fit predicts its defaults need more than ``SKIP_FACTOR`` times ``budget_s``,
    and stopped when its own folds so far predict that. A busy machine slows a probe two- or threefold,
    so only a family far too slow for the budget on any machine is left out.
    """
    runnable = [c for c in runnable if not tuners[c.name].ok]  # adopted defaults are done already
    ceiling = SKIP_FACTOR * float(budget.seconds or float("inf"))
    costs = {
        c.name: predict_trial_cost(
            tuners[c.name].build,
            tuners[c.name].first_params,
            X=tuners[c.name].X,
            y=tuners[c.name].y,
            splits=tuners[c.name].splits,
        )
        for c in runnable
    }
    for candidate in sorted(runnable, key=lambda c: costs[c.name]):
        tuner = tuners[candidate.name]
        if costs[candidate.name] > ceiling and np.isfinite(costs[candidate.name]):
            predicted = {"cost": costs[candidate.name], "budget": budget.seconds}
            tuner.reason = CompareNote("stopped", {"why": CompareNote("over_budget", predicted)})
        else:
            tuner.run(share_s=float("inf"), reserve_s=0.0, max_trials=1, ceiling_s=ceiling)
        if not tuner.ok:
            finish(tuner.result())
            del tuners[candidate.name]


def _tuning_round(
    tuners: dict[str, CandidateTuner],
    *,
    scorer: Scorer,
    splits: Splits,
    budget: Budget,
    reserve: Callable[[], float],
    finish: Callable[[CandidateResult], None],
) -> list[str]:
    """The rest of the budget, in equal shares, for candidates not significantly worse than the best.

    Returns the contenders that got no tuning trial: on a busy PC the defaults round can use the whole
    budget, and then the choice among the defaults depends on the clock, which the caller says.
    """
    ranked = sorted(tuners.values(), key=lambda t: t.best.value, reverse=scorer.higher_is_better)
    if not ranked:
        return []
    leader, ratio = ranked[0], fold_ratio(splits)
    contenders = []
    for tuner in ranked:
        test = corrected_paired_test(leader.best.fold_scores, tuner.best.fold_scores, test_train_ratio=ratio)
        if tuner is not leader and test.significant:
            tuner.reason = CompareNote("not_tuned", {"leader": leader.candidate.name, "p": test.p_value})
            finish(tuner.result())
        elif tuner.trials_left:
            contenders.append(tuner)
        else:
            finish(tuner.result())
    untuned = []
    for position, tuner in enumerate(contenders):
        before = tuner.own_trials
        held = reserve()
        left = budget.remaining() - held
        if left > 0:
            tuner.run(share_s=left / (len(contenders) - position), reserve_s=held)
        if tuner.own_trials == before:
            untuned.append(tuner.candidate.name)
        finish(tuner.result())
    return untuned


def _conclude(
    results: list[CandidateResult],
    X: pd.DataFrame,
    y: np.ndarray,
    *,
    scorer: Scorer,
    splits: Splits,
    families: dict[str, Any],
    builder: Callable[[Any, dict[str, Any]], Any],
    tuning: TuningConfig,
    budget: Budget,
) -> Comparison:
    """Rank the results and refit the winner on all rows."""
    board = _leaderboard(results, scorer, splits)
    ok = board[board["status"] == "ok"]
    comparison = Comparison(
        scorer=scorer, results=results, leaderboard=board, chosen=None, budget_s=tuning.budget_s
    )
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


def _reserve(fit_times: list[float], *, n_folds: int) -> float:
    """Time kept back for refitting the winner on all rows and logging it."""
    finite = [t for t in fit_times if np.isfinite(t)]
    slowest_refit = max(finite, default=0.0) * (1 + 1 / max(n_folds - 1, 1))
    return LOGGING_RESERVE_S + 1.5 * slowest_refit
