"""Tune every candidate with Optuna inside one shared wall-clock budget, on training folds only.

Trial 0 of each candidate is the family's size-adaptive defaults, so a candidate that gets little time
still has an honest score. The budget covers the whole comparison up to the logged model: time for the
final refit and logging is reserved, and a candidate whose next trial is predicted not to fit stops
cooperatively. ``trials`` without ``budget_s`` (and one thread) makes a run exactly repeatable.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from axpoc.compare._scoring import Scorer, model_output
from axpoc.compare._stats import Interval, corrected_interval
from axpoc.config import CandidateConfig, TuningConfig

Splits = list[tuple[np.ndarray, np.ndarray]]
LOGGING_RESERVE_S = 8.0


class BudgetExhausted(Exception):
    """Raised inside a trial when the shared deadline passes; the trial is abandoned, not scored."""


@dataclass
class CandidateResult:
    name: str
    label: str
    status: str  # ok | skipped | stopped | failed
    reason: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    fold_scores: np.ndarray = field(default_factory=lambda: np.array([]))
    fold_metrics: dict[str, np.ndarray] = field(default_factory=dict)
    oof: np.ndarray | None = None
    interval: Interval | None = None
    n_trials: int = 0
    n_pruned: int = 0
    trials: pd.DataFrame = field(default_factory=pd.DataFrame)
    fit_time_s: float = float("nan")
    predict_time_ms_per_1k: float = float("nan")
    elapsed_s: float = 0.0
    pip_requirements: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass
class Budget:
    """A shared deadline; ``None`` seconds means trials alone decide (repeatable)."""

    seconds: float | None
    start: float = field(default_factory=time.monotonic)

    def remaining(self) -> float:
        if self.seconds is None:
            return float("inf")
        return self.seconds - (time.monotonic() - self.start)

    def elapsed(self) -> float:
        return time.monotonic() - self.start


@dataclass
class _Best:
    value: float = float("nan")
    params: dict[str, Any] = field(default_factory=dict)
    fold_scores: np.ndarray = field(default_factory=lambda: np.array([]))
    fold_metrics: dict[str, np.ndarray] = field(default_factory=dict)
    oof: np.ndarray | None = None
    fit_times: list[float] = field(default_factory=list)
    predict_ms_per_1k: list[float] = field(default_factory=list)


def _evaluate(
    build: Callable[[dict[str, Any]], Any],
    params: dict[str, Any],
    *,
    X: pd.DataFrame,
    y: np.ndarray,
    classes: np.ndarray,
    splits: Splits,
    scorer: Scorer,
    report: Callable[[int, float], None],
    check_time: Callable[[int, float], None],
) -> _Best:
    """Cross-validate one configuration; out-of-fold outputs and per-fold metrics for every metric."""
    n = len(X)
    oof_shape = (n, len(classes)) if scorer.task == "multiclass" else (n,)
    oof = np.full(oof_shape, np.nan)
    per_metric: dict[str, list[float]] = {name: [] for name in scorer.names}
    result = _Best(params=params)
    for i, (train_idx, valid_idx) in enumerate(splits):
        t0 = time.perf_counter()
        model = build(params)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=UserWarning)
            model.fit(X.iloc[train_idx], y[train_idx])
        t1 = time.perf_counter()
        out = model_output(model, X.iloc[valid_idx], scorer.task)
        t2 = time.perf_counter()
        oof[valid_idx] = out
        for name, value in scorer.score_all(y[valid_idx], out, classes).items():
            per_metric[name].append(value)
        result.fit_times.append(t1 - t0)
        result.predict_ms_per_1k.append((t2 - t1) * 1000 * 1000 / max(len(valid_idx), 1))
        running = float(np.nanmean(per_metric[scorer.primary]))
        report(i, running)
        check_time(i, t2 - t0)
    result.fold_metrics = {k: np.asarray(v, dtype=float) for k, v in per_metric.items()}
    result.fold_scores = result.fold_metrics[scorer.primary]
    result.value = float(np.nanmean(result.fold_scores)) if np.isfinite(result.fold_scores).any() else float("nan")
    result.oof = oof
    return result


def tune_candidate(
    candidate: CandidateConfig,
    *,
    family: Any,
    build: Callable[[dict[str, Any]], Any],
    defaults: dict[str, Any],
    X: pd.DataFrame,
    y: np.ndarray,
    classes: np.ndarray,
    splits: Splits,
    scorer: Scorer,
    tuning: TuningConfig,
    budget: Budget,
    share_s: float,
    reserve_s: float,
    on_trial: Callable[[int, float], None] | None = None,
) -> CandidateResult:
    """Run one candidate's Optuna study; the best trial's folds and out-of-fold outputs are kept."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    started = time.monotonic()
    fixed = dict(candidate.params)
    n_rows = len(X)
    best = _Best()
    trial_costs: list[float] = []
    errors: list[str] = []

    def share_left() -> float:
        return share_s - (time.monotonic() - started)

    def objective(trial: optuna.Trial) -> float:
        nonlocal best
        if trial.number == 0 or not candidate.tune:
            params = {**defaults, **fixed}
        else:
            params = {**defaults, **family.space(trial, task=scorer.task, n_rows=n_rows), **fixed}

        def report(step: int, value: float) -> None:
            trial.report(value, step)
            if trial.number > 0 and trial.should_prune():
                raise optuna.TrialPruned(f"pruned after fold {step + 1}")

        def check_time(step: int, fold_cost: float) -> None:
            left = budget.remaining() - reserve_s
            folds_left = len(splits) - step - 1
            if folds_left and fold_cost * folds_left > left:
                raise BudgetExhausted(
                    f"predicted {fold_cost * folds_left:.0f} s for the remaining folds, {max(left, 0):.0f} s left"
                )

        t0 = time.monotonic()
        try:
            result = _evaluate(
                build, params, X=X, y=y, classes=classes, splits=splits, scorer=scorer, report=report,
                check_time=check_time,
            )
        except (ValueError, ArithmeticError, RuntimeError) as exc:
            errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
            raise
        trial_costs.append(time.monotonic() - t0)
        if best.oof is None or scorer.better(result.value, best.value):
            best = result
        if on_trial:
            on_trial(trial.number, result.value)
        return result.value

    def stop_when_out_of_time(study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
        if not trial_costs:
            return
        predicted = float(np.median(trial_costs))
        if budget.seconds is not None and (predicted > share_left() or predicted > budget.remaining() - reserve_s):
            study.stop()

    direction = "maximize" if scorer.higher_is_better else "minimize"
    sampler = optuna.samplers.TPESampler(seed=tuning.seed, n_startup_trials=min(5, max(tuning.trials or 10, 1)))
    pruner = optuna.pruners.MedianPruner(n_startup_trials=3, n_warmup_steps=1)
    study_name = f"{candidate.name}"
    if tuning.storage:
        study = optuna.create_study(
            study_name=study_name, storage=tuning.storage, direction=direction, sampler=sampler, pruner=pruner,
            load_if_exists=True,
        )
    else:
        study = optuna.create_study(direction=direction, sampler=sampler, pruner=pruner)
    n_trials = (tuning.trials or 10_000) if candidate.tune else 1
    reason = ""
    try:
        study.optimize(
            objective,
            n_trials=n_trials,
            callbacks=[stop_when_out_of_time],
            catch=(ValueError, ArithmeticError, RuntimeError),
        )
    except BudgetExhausted as exc:
        reason = f"stopped by the time budget: {exc}"
    trials = study.trials_dataframe(attrs=("number", "value", "state", "duration", "params"))
    states = [t.state for t in study.trials]
    result = CandidateResult(
        name=candidate.name,
        label=getattr(family, "label", candidate.name),
        status="ok",
        defaults=defaults,
        n_trials=len(study.trials),
        n_pruned=sum(s == optuna.trial.TrialState.PRUNED for s in states),
        trials=trials,
        elapsed_s=time.monotonic() - started,
        pip_requirements=tuple(getattr(family, "pip_requirements", ())),
    )
    if best.oof is None or not np.isfinite(best.value):
        result.status = "stopped" if reason else "failed"
        result.reason = reason or f"no trial finished{': ' + errors[-1] if errors else ''}"
        return result
    result.params = {k: v for k, v in best.params.items() if not callable(v)}
    result.fold_scores = best.fold_scores
    result.fold_metrics = best.fold_metrics
    result.oof = best.oof
    result.fit_time_s = float(np.mean(best.fit_times))
    result.predict_time_ms_per_1k = float(np.mean(best.predict_ms_per_1k))
    result.reason = reason
    ratio = float(np.mean([len(v) / max(len(t), 1) for t, v in splits]))
    result.interval = corrected_interval(best.fold_scores, test_train_ratio=ratio)
    return result
