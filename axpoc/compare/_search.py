"""Tune every candidate with Optuna inside one shared wall-clock budget, on training folds only.

Trial 0 of each candidate is the family's size-adaptive defaults, so a candidate that gets little time
still has an honest score. The budget covers the whole comparison up to the logged model: time for the
final refit and logging is reserved, and a candidate whose next trial is predicted not to fit stops
cooperatively. ``trials`` without ``budget_s`` (and one thread) makes a run exactly repeatable.

A `CandidateTuner` keeps one candidate's study between slices of the budget, so the comparison can
score every candidate's defaults first and then spend what is left on the promising ones;
`predict_trial_cost` times a fit on a slice of the data so that slow families can be put last.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from axpoc._hooks import pause_point
from axpoc.compare._scoring import Scorer, model_output
from axpoc.compare._shared import (
    COLUMNS_ATTR,
    DEADLINE_ATTR,
    DROPPED_ATTR,
    FAILED_ATTR,
    OPEN_ATTR,
    TrialDropped,
    best_finished,
    counted,
    deadline_budget,
    first_heartbeat,
    has_room,
    is_open,
    shared_storage,
    wait_for_running,
)
from axpoc.compare._stats import Interval, corrected_interval, corrected_paired_test
from axpoc.config import CandidateConfig, TuningConfig
from axpoc.i18n import CompareNote, joined

Splits = list[tuple[np.ndarray, np.ndarray]]
LOGGING_RESERVE_S = 8.0
PROBE_MIN_ROWS = 500
_TRIAL_ERRORS = (ValueError, ArithmeticError, RuntimeError)
MIN_TUNING_T = 1.0
"""Corrected standard errors by which the best tuned trial must beat a family's defaults to replace them."""


class BudgetExhausted(Exception):
    """Raised inside a trial when the shared deadline passes; the trial is abandoned, not scored.

    Its one argument says why (a `CompareNote` inside the tuner); ``args[0]`` keeps the phrase.
    """


@dataclass(frozen=True)
class BlendOption:
    """One fully cross-validated configuration of a candidate that a blend may use as a member."""

    tag: str
    params: dict[str, Any]
    oof: np.ndarray
    fit_time_s: float
    predict_ms_per_1k: float


@dataclass
class CandidateResult:
    name: str
    label: str
    status: str  # ok | skipped | stopped | failed
    reason: str = ""  # a CompareNote or a family's SkipReason where the comparison made it
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
    options: list[BlendOption] = field(default_factory=list)
    """The best trial and, when tuning found something else, the defaults: a blend may mix both."""

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
class TrialRun:
    """One configuration cross-validated on the comparison's folds: scores, out-of-fold outputs, timings."""

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
) -> TrialRun:
    """Cross-validate one configuration; out-of-fold outputs and per-fold metrics for every metric.

    A row validated in several folds (repeated cross-validation) gets the mean of its outputs.
    """
    n = len(X)
    oof_shape = (n, len(classes)) if scorer.task == "multiclass" else (n,)
    oof_sum = np.zeros(oof_shape)
    seen = np.zeros(n)
    per_metric: dict[str, list[float]] = {name: [] for name in scorer.names}
    result = TrialRun(params=params)
    for i, (train_idx, valid_idx) in enumerate(splits):
        t0 = time.perf_counter()
        model = build(params)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=UserWarning)
            model.fit(X.iloc[train_idx], y[train_idx])
        t1 = time.perf_counter()
        out = model_output(model, X.iloc[valid_idx], scorer.task)
        if scorer.task == "multiclass":
            out = _all_classes(out, np.asarray(model.classes_), classes)
        t2 = time.perf_counter()
        oof_sum[valid_idx] += out
        seen[valid_idx] += 1
        for name, value in scorer.score_all(y[valid_idx], out, classes).items():
            per_metric[name].append(value)
        result.fit_times.append(t1 - t0)
        result.predict_ms_per_1k.append((t2 - t1) * 1000 * 1000 / max(len(valid_idx), 1))
        running = float(np.nanmean(per_metric[scorer.primary]))
        report(i, running)
        check_time(i, t2 - t0)
    result.fold_metrics = {k: np.asarray(v, dtype=float) for k, v in per_metric.items()}
    result.fold_scores = result.fold_metrics[scorer.primary]
    result.value = (
        float(np.nanmean(result.fold_scores)) if np.isfinite(result.fold_scores).any() else float("nan")
    )
    shape = (-1, 1) if scorer.task == "multiclass" else (-1,)
    with np.errstate(invalid="ignore", divide="ignore"):
        result.oof = np.where(seen.reshape(shape) > 0, oof_sum / seen.reshape(shape), np.nan)
    return result


def _all_classes(proba: np.ndarray, fitted: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Probabilities over every class: a rare class missing from a fold's training rows gets 0."""
    if len(fitted) == len(classes):
        return proba
    position = {label: i for i, label in enumerate(classes.tolist())}
    full = np.zeros((len(proba), len(classes)))
    full[:, [position[label] for label in fitted.tolist()]] = proba
    return full


def predict_trial_cost(
    build: Callable[[dict[str, Any]], Any],
    params: dict[str, Any],
    *,
    X: pd.DataFrame,
    y: np.ndarray,
    splits: Splits,
    seed: int = 0,
) -> float:
    """Seconds one cross-validated trial of ``params`` is predicted to take (``inf`` when the probe fails).

    Times one fit on a random tenth (at least ``PROBE_MIN_ROWS`` rows) of the first fold's training
    rows and scales it by the square root of the row ratio, times the folds. The square root is a
    deliberately low guess between boosting, whose fixed cost per tree dominates small fits (ten times the
    rows takes far less than ten times the time), and forests or kernels that grow with the rows or faster:
    an estimate too low costs one fold before the per-fold check stops the trial, one too high would
    drop a good family. The probe costs a small fraction of the trial it predicts.
    """
    train = splits[0][0]
    rows = min(len(train), max(PROBE_MIN_ROWS, len(train) // 10))
    probe = np.sort(np.random.default_rng(seed).choice(train, size=rows, replace=False))
    started = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=UserWarning)
            build(params).fit(X.iloc[probe], y[probe])
    except _TRIAL_ERRORS:
        return float("inf")
    return (time.perf_counter() - started) * float(np.sqrt(len(train) / rows)) * len(splits)


class CandidateTuner:
    """One candidate's Optuna study, run in one or more slices of the shared budget.

    ``run`` continues the study for at most ``share_s`` seconds and ``max_trials`` trials (never beyond
    ``tuning.trials``); ``result`` summarises the best trial so far. Trial 0 is always the defaults.
    """

    def __init__(
        self,
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
        on_trial: Callable[[int, float], None] | None = None,
        study_name: str | None = None,
        join: bool = False,
    ) -> None:
        """``join``: a worker's tuner, loading the coordinator's study (``tuning.storage``) instead of
        creating it, with a sampler seed of its own so that workers do not propose the same trials."""
        import os

        import optuna

        # Failed and abandoned trials are counted and explained in the result, not logged one by one.
        optuna.logging.set_verbosity(optuna.logging.ERROR)
        self.candidate, self.family, self.build, self.defaults = candidate, family, build, defaults
        self.X, self.y, self.classes, self.splits = X, y, classes, splits
        self.scorer, self.tuning, self.budget, self.on_trial = scorer, tuning, budget, on_trial
        self.best = TrialRun()
        self.first: TrialRun | None = None
        self.trial_costs: list[float] = []
        self.errors: list[str] = []
        self.reason: str = ""
        self.elapsed_s = 0.0
        self.limit = (tuning.trials or 10_000) if candidate.tune and family.tunable else 1
        direction = "maximize" if scorer.higher_is_better else "minimize"
        sampler = optuna.samplers.TPESampler(
            seed=tuning.seed + (os.getpid() % 100_000 + 1 if join else 0),
            n_startup_trials=min(5, max(tuning.trials or 10, 1)),
        )
        pruner = optuna.pruners.MedianPruner(n_startup_trials=3, n_warmup_steps=1)
        self.own_trials = 0  # trials run here: a shared study may also hold other workers' trials
        self.shared, self.join = tuning.storage is not None, join
        self.runs: dict[int, TrialRun] = {}
        """This process's cross-validations by trial number (the coordinator gathers the others')."""
        self.reserve_s = 0.0
        if tuning.storage is not None:
            storage = self.storage = shared_storage(tuning.storage, heartbeat_s=tuning.heartbeat_s)
            name = study_name or candidate.name
            if join:
                self.study = optuna.load_study(
                    study_name=name, storage=storage, sampler=sampler, pruner=pruner
                )
            else:
                self.study = optuna.create_study(
                    study_name=name,
                    storage=storage,
                    direction=direction,
                    sampler=sampler,
                    pruner=pruner,
                    load_if_exists=True,
                )
                self.study.set_user_attr(COLUMNS_ATTR, [str(c) for c in X.columns])
        else:
            self.study = optuna.create_study(direction=direction, sampler=sampler, pruner=pruner)

    @property
    def trials_left(self) -> int:
        """Trials still to run: across every process of a shared study, else in this one."""
        return max(self.limit - (counted(self.study) if self.shared else self.own_trials), 0)

    def takes_work(self) -> bool:
        """A worker's question: is the study open, with trials and (per the coordinator's deadline) time left?"""
        if not is_open(self.study) or not self.trials_left:
            return False
        seconds, start = deadline_budget(self.study)
        self.budget = Budget(seconds, start)
        return self.budget.remaining() > 0

    @property
    def first_params(self) -> dict[str, Any]:
        """Trial 0: the family's defaults under the candidate's own params (an ensemble's members)."""
        return {**self.defaults, **self.candidate.params}

    @property
    def ok(self) -> bool:
        """Whether a trial has finished with a finite score."""
        return self.best.oof is not None and bool(np.isfinite(self.best.value))

    @property
    def fit_time_s(self) -> float:
        return float(np.mean(self.best.fit_times)) if self.best.fit_times else float("nan")

    def adopt(self, first: TrialRun, *, cost_s: float) -> bool:
        """Take a cross-validation of the defaults already run on the same folds as trial 0.

        The group-level screen runs the defaults of one family; adopting its run saves running them again.
        Only a tuner that has run nothing yet adopts.
        """
        import optuna

        if self.own_trials or first.oof is None:
            return False
        self.study.add_trial(optuna.trial.create_trial(value=first.value, params={}, distributions={}))
        self.own_trials += 1
        self.first = self.best = first
        self.trial_costs.append(cost_s)
        self.elapsed_s += cost_s
        if self.on_trial:
            self.on_trial(0, first.value)
        return True

    def run(
        self,
        *,
        share_s: float,
        reserve_s: float,
        max_trials: int | None = None,
        ceiling_s: float | None = None,
    ) -> None:
        """Continue the study within ``share_s`` seconds, keeping ``reserve_s`` of the budget untouched.

        With ``ceiling_s`` (the defaults round) a trial is stopped only when its own folds are predicted to
        take longer than that in all, whatever the budget has left: the defaults of every family are scored
        however busy the machine is, and the budget decides only how much tuning follows.
        """
        import optuna

        if self.shared and not self.join and max_trials is None and self.trials_left:
            self._open(share_s=share_s, reserve_s=reserve_s, ceiling_s=ceiling_s)
        n_trials = self.trials_left if max_trials is None else min(max_trials, self.trials_left)
        if n_trials <= 0:
            return
        started = time.monotonic()
        budget, splits = self.budget, self.splits
        self.reserve_s = reserve_s

        def share_left() -> float:
            return share_s - (time.monotonic() - started)

        def objective(trial: optuna.Trial) -> float:
            if self.shared:
                first_heartbeat(self.storage, study_name=trial.study.study_name, number=trial.number)
            if self.shared and not has_room(trial.study, trial.number, self.limit):
                trial.set_user_attr(DROPPED_ATTR, True)
                trial.study.stop()
                raise TrialDropped(trial.number)
            try:
                return attempt(trial)
            except (BudgetExhausted, *_TRIAL_ERRORS):
                if self.shared:  # a trial that failed on its own counts; one lost with its worker does not
                    trial.set_user_attr(FAILED_ATTR, True)
                raise

        def attempt(trial: optuna.Trial) -> float:
            if self.join:
                pause_point("worker:trial")
            first = trial.number == 0 if self.shared else self.own_trials == 0
            self.own_trials += 1
            if first or not self.candidate.tune:
                params = self.first_params
            else:
                space = self.family.space(trial, task=self.scorer.task, n_rows=len(self.X))
                params = {**self.defaults, **space, **self.candidate.params}
                if budget.seconds is not None:
                    # Sampled settings can cost many times the defaults (a 1,000-tree forest), and a
                    # single fold of them would overrun the budget before the per-fold check sees it.
                    cost = predict_trial_cost(
                        self.build, params, X=self.X, y=self.y, splits=splits, seed=trial.number
                    )
                    left = min(share_left(), budget.remaining() - reserve_s)
                    if cost > left:
                        raise BudgetExhausted(
                            CompareNote("predicted_trial", {"cost": cost, "left": max(left, 0)})
                        )

            def report(step: int, value: float) -> None:
                trial.report(value, step)
                if not first and trial.should_prune():
                    raise optuna.TrialPruned(f"pruned after fold {step + 1}")

            def check_time(step: int, fold_cost: float) -> None:
                folds_left = len(splits) - step - 1
                if ceiling_s is not None:
                    spent = time.monotonic() - t0
                    if folds_left and spent + fold_cost * folds_left > ceiling_s:
                        raise BudgetExhausted(
                            CompareNote(
                                "over_budget",
                                {"cost": spent + fold_cost * folds_left, "budget": budget.seconds},
                            )
                        )
                    return
                left = budget.remaining() - reserve_s
                if folds_left and fold_cost * folds_left > left:
                    raise BudgetExhausted(
                        CompareNote("predicted_folds", {"cost": fold_cost * folds_left, "left": max(left, 0)})
                    )

            t0 = time.monotonic()
            try:
                result = _evaluate(
                    self.build,
                    params,
                    X=self.X,
                    y=self.y,
                    classes=self.classes,
                    splits=splits,
                    scorer=self.scorer,
                    report=report,
                    check_time=check_time,
                )
            except _TRIAL_ERRORS as exc:
                self.errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
                raise
            self.trial_costs.append(time.monotonic() - t0)
            self.runs[trial.number] = result
            if first:
                self.first = result
            if self.best.oof is None or self.scorer.better(result.value, self.best.value):
                self.best = result
            if self.on_trial:
                self.on_trial(trial.number, result.value)
            return result.value

        def stop_when_out_of_time(study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
            if not self.trial_costs or budget.seconds is None:
                return
            predicted = float(np.median(self.trial_costs))
            if predicted > share_left() or predicted > budget.remaining() - reserve_s:
                study.stop()

        try:
            self.study.optimize(
                objective,
                n_trials=n_trials,
                callbacks=[stop_when_out_of_time],
                catch=(*_TRIAL_ERRORS, TrialDropped),
            )
        except BudgetExhausted as exc:
            self.reason = CompareNote("stopped", {"why": exc.args[0]})
        self.elapsed_s += time.monotonic() - started

    def result(self) -> CandidateResult:
        """The candidate's best trial so far, with its folds, out-of-fold outputs and interval.

        Of a shared study, the coordinator first closes it to workers, waits for their running trials
        (failing those whose worker died), runs the trials they lost and gathers the best of every process.
        """
        import optuna

        if self.shared and not self.join:
            self._settle()
        states = [t.state for t in self.study.trials]
        result = CandidateResult(
            name=self.candidate.name,
            label=getattr(self.family, "label", self.candidate.name),
            status="ok",
            defaults=self.defaults,
            n_trials=sum(s == optuna.trial.TrialState.COMPLETE for s in states)
            if self.shared
            else self.own_trials,
            n_pruned=sum(s == optuna.trial.TrialState.PRUNED for s in states),
            trials=self.study.trials_dataframe(attrs=("number", "value", "state", "duration", "params")),
            elapsed_s=self.elapsed_s,
            pip_requirements=tuple(getattr(self.family, "pip_requirements", ())),
        )
        if not self.ok:
            result.status = "stopped" if self.reason else "failed"
            result.reason = self.reason or (
                CompareNote("no_trial_error", {"error": self.errors[-1]})
                if self.errors
                else CompareNote("no_trial")
            )
            return result
        best, kept_note = self._chosen()
        result.params = {k: v for k, v in best.params.items() if not callable(v)}
        result.fold_scores = best.fold_scores
        result.fold_metrics = best.fold_metrics
        result.oof = best.oof
        result.fit_time_s = float(np.mean(best.fit_times))
        result.predict_time_ms_per_1k = float(np.mean(best.predict_ms_per_1k))
        result.reason = (
            joined(self.reason, kept_note) if self.reason and kept_note else self.reason or kept_note
        )
        result.options = [  # a blend may still use the tuned configuration
            _option(tag, trial)
            for tag, trial in (("tuned", self.best), ("defaults", self.first))
            if trial is not None and trial.oof is not None and (tag == "tuned" or trial is not self.best)
        ]
        result.interval = corrected_interval(best.fold_scores, test_train_ratio=fold_ratio(self.splits))
        return result

    def _open(self, *, share_s: float, reserve_s: float, ceiling_s: float | None) -> None:
        """Tuning starts: open the study to workers, with the deadline they must keep. The defaults (trial 0)
        are run here first, so that the coordinator always holds them."""
        if not self.study.trials:
            self.run(share_s=share_s, reserve_s=reserve_s, max_trials=1, ceiling_s=ceiling_s)
        if self.budget.seconds is not None:
            self.study.set_user_attr(DEADLINE_ATTR, time.time() + self.budget.remaining() - reserve_s)
        self.study.set_user_attr(OPEN_ATTR, True)
        pause_point("compare:open")

    def _settle(self) -> None:
        """Close the study, wait for running trials, replace those of dead workers, gather the best."""
        self.study.set_user_attr(OPEN_ATTR, False)
        while True:  # every pass runs counted trials (or the budget ends it), so it ends
            wait_for_running(self.study)
            if not self.trials_left or self.budget.remaining() <= self.reserve_s:
                break
            self.run(share_s=float("inf"), reserve_s=self.reserve_s, max_trials=self.trials_left)
        if self.first is None and self.study.trials and self.study.trials[0].state.name == "COMPLETE":
            self.first = self._rerun(0, self.first_params)  # a worker ran the defaults
            if self.best.oof is None:
                self.best = self.first
        top = best_finished(self.study, higher_is_better=self.scorer.higher_is_better)
        if top is None or top.number == 0:
            return
        found = self.runs.get(top.number) or self._rerun(top.number, self._params_of(top.params))
        if self.best.oof is None or self.scorer.better(found.value, self.best.value):
            self.best = found

    def _params_of(self, sampled: dict[str, Any]) -> dict[str, Any]:
        """The full configuration of a trial another process ran, from the values it sampled."""
        import optuna

        space = self.family.space(optuna.trial.FixedTrial(sampled), task=self.scorer.task, n_rows=len(self.X))
        return {**self.defaults, **space, **self.candidate.params}

    def _rerun(self, number: int, params: dict[str, Any]) -> TrialRun:
        """Cross-validate another process's trial here: its folds and out-of-fold outputs for the board."""
        run = _evaluate(
            self.build,
            params,
            X=self.X,
            y=self.y,
            classes=self.classes,
            splits=self.splits,
            scorer=self.scorer,
            report=lambda step, value: None,
            check_time=lambda step, cost: None,
        )
        self.runs[number] = run
        return run

    def _chosen(self) -> tuple[TrialRun, str]:
        """The best tuned trial if it beats the defaults by more than noise, else the defaults (and why).

        With few folds the best of many trials wins partly by luck (overtuning): it must beat the
        defaults by ``MIN_TUNING_T`` corrected standard errors of the paired fold differences, the
        one-standard-error rule. When fewer than two folds can compare them (folds without a defect case
        score nothing), the folds cannot tell them apart either, and the simpler defaults stay.
        """
        top, first = self.best, self.first
        if first is None or first.oof is None or top is first:
            return top, ""
        test = corrected_paired_test(
            top.fold_scores, first.fold_scores, test_train_ratio=fold_ratio(self.splits)
        )
        values = {"tuned": top.value, "defaults": first.value}
        if np.isnan(test.t):
            return first, CompareNote("defaults_kept_untestable", values)
        gain_t = test.t if self.scorer.higher_is_better else -test.t
        if gain_t > MIN_TUNING_T:
            return top, ""
        return first, CompareNote("defaults_kept", values)


def _option(tag: str, trial: TrialRun) -> BlendOption:
    return BlendOption(
        tag=tag,
        params={k: v for k, v in trial.params.items() if not callable(v)},
        oof=trial.oof,
        fit_time_s=float(np.mean(trial.fit_times)),
        predict_ms_per_1k=float(np.mean(trial.predict_ms_per_1k)),
    )


def fold_ratio(splits: Splits) -> float:
    """Mean validation/training size over the folds (the Nadeau-Bengio correction's n_test / n_train)."""
    return float(np.mean([len(v) / max(len(t), 1) for t, v in splits]))
