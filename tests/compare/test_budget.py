"""The comparison's time budget: defaults first and cheapest first, slow families stopped, the rest tuned.

Budgets here are a few seconds, so the 8 s kept back for MLflow logging (no logging happens in these
tests) is lowered to 0.5 s; everything else runs as in ``axpoc run``. The slow candidate sleeps instead
of computing, so its cost does not depend on how busy the machine is.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import optuna
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.dummy import DummyClassifier
from sklearn.model_selection import StratifiedKFold

from axpoc.compare import Comparison, Scorer, compare_candidates
from axpoc.compare import _compare as compare_module
from axpoc.compare._search import predict_trial_cost
from axpoc.config import CandidateConfig, TuningConfig
from axpoc.i18n import CompareNote
from axpoc.models import build_pipeline, get_family
from axpoc.report import ReportData, render_report


@pytest.fixture(autouse=True)
def _small_logging_reserve(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compare_module, "LOGGING_RESERVE_S", 0.5)


def make_data(n: int, *, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """An interaction a linear model cannot see (sign of x0 * x1) plus noise columns."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.normal(size=(n, 6)), columns=[f"x{i}" for i in range(6)])
    y = ((frame["x0"] * frame["x1"] + rng.normal(0, 0.3, n)) > 0).astype(int).to_numpy()
    return frame, y


class SleepyClassifier(ClassifierMixin, BaseEstimator):
    """A candidate whose fit waits ``fixed_s`` plus ``per_row_s`` per row: slow, yet free of CPU load."""

    def __init__(self, fixed_s: float = 0.2, per_row_s: float = 4e-3) -> None:
        self.fixed_s = fixed_s
        self.per_row_s = per_row_s

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> SleepyClassifier:
        time.sleep(self.fixed_s + self.per_row_s * len(X))
        self.prior_ = DummyClassifier(strategy="prior").fit(X, y)
        self.classes_ = self.prior_.classes_
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        return self.prior_.predict_proba(X)


@dataclass(frozen=True)
class SleepyFamily:
    label: str = "Sleepy"
    tunable: bool = True
    combines_members: bool = False


def run(
    frame: pd.DataFrame, y: np.ndarray, candidates: list[CandidateConfig], tuning: TuningConfig
) -> Comparison:
    families = {c.name: SleepyFamily() if c.name == "sleepy" else get_family(c.name) for c in candidates}
    defaults = {
        name: {}
        if name == "sleepy"
        else family.defaults(task="binary", n_rows=len(frame), n_features=frame.shape[1], n_classes=2)
        for name, family in families.items()
    }

    def builder(family: object, params: dict) -> object:
        if isinstance(family, SleepyFamily):
            return SleepyClassifier(**params)
        return build_pipeline(family, params, frame=frame, features=list(frame.columns), task="binary")

    splits = list(StratifiedKFold(5, shuffle=True, random_state=0).split(frame, y))
    return compare_candidates(
        frame,
        y,
        task="binary",
        classes=np.array([0, 1]),
        splits=splits,
        candidates=candidates,
        families=families,
        builder=builder,
        defaults=defaults,
        skipped={},
        tuning=tuning,
        scorer=Scorer.for_task("binary", "roc_auc"),
    )


def by_name(comparison: Comparison) -> dict[str, object]:
    return {r.name: r for r in comparison.results}


def test_probe_predicts_a_bigger_forest_costs_more_and_a_failing_fit_is_infinite() -> None:
    frame, y = make_data(3000)
    splits = list(StratifiedKFold(5, shuffle=True, random_state=0).split(frame, y))

    def build(params: dict) -> object:
        return build_pipeline(
            "random_forest", params, frame=frame, features=list(frame.columns), task="binary"
        )

    small = predict_trial_cost(build, {"n_estimators": 10}, X=frame, y=y, splits=splits)
    large = predict_trial_cost(build, {"n_estimators": 200}, X=frame, y=y, splits=splits)
    assert 0 < small < large < float("inf")
    assert large > 5 * small  # 20 times the trees

    def broken(params: dict) -> object:
        return build_pipeline(
            "logistic", {"C": -1.0}, frame=frame, features=list(frame.columns), task="binary"
        )

    assert predict_trial_cost(broken, {}, X=frame, y=y, splits=splits) == float("inf")


def test_slow_family_listed_first_goes_last_and_is_stopped_before_it_starts() -> None:
    frame, y = make_data(3000)  # folds of 2,400 rows: sleepy needs 5 x 10 s, far over the budget
    sleepy = CandidateConfig(name="sleepy", tune=False)
    quick = {"n_estimators": 50}
    candidates = [sleepy, CandidateConfig(name="logistic"), CandidateConfig(name="lightgbm", params=quick)]
    budget_s = 12.0
    started = time.monotonic()
    comparison = run(frame, y, candidates, TuningConfig(budget_s=budget_s, trials=2))
    wall = time.monotonic() - started

    results = by_name(comparison)
    assert results["sleepy"].status == "stopped"
    assert results["sleepy"].reason.startswith("stopped by the time budget: predicted"), results[
        "sleepy"
    ].reason
    assert results["sleepy"].elapsed_s == 0.0  # not one fold was spent on it
    assert results["lightgbm"].ok and results["logistic"].ok
    assert comparison.chosen.name == "lightgbm"
    assert wall <= budget_s * 1.1


@dataclass(frozen=True)
class SlowWhenTunedFamily(SleepyFamily):
    """Quick defaults, but every tuned setting sleeps 10 s per fold of 2,400 rows."""

    def space(self, trial: optuna.Trial, *, task: str, n_rows: int) -> dict[str, float]:
        return {"per_row_s": trial.suggest_float("per_row_s", 4e-3, 5e-3)}


def test_a_tuned_trial_predicted_to_overrun_the_budget_does_not_start() -> None:
    frame, y = make_data(3000)
    budget_s = 8.0
    started = time.monotonic()
    comparison = compare_candidates(
        frame,
        y,
        task="binary",
        classes=np.array([0, 1]),
        splits=list(StratifiedKFold(5, shuffle=True, random_state=0).split(frame, y)),
        candidates=[CandidateConfig(name="sleepy")],
        families={"sleepy": SlowWhenTunedFamily()},
        builder=lambda family, params: SleepyClassifier(**params),
        defaults={"sleepy": {"fixed_s": 0.01, "per_row_s": 1e-6}},
        skipped={},
        tuning=TuningConfig(budget_s=budget_s, trials=5),
        scorer=Scorer.for_task("binary", "roc_auc"),
    )
    wall = time.monotonic() - started

    result = by_name(comparison)["sleepy"]
    assert result.ok and result.params == {"fixed_s": 0.01, "per_row_s": 1e-6}
    assert result.reason.startswith("stopped by the time budget: predicted"), result.reason
    assert "for the next trial" in result.reason
    assert result.reason.text("ko").startswith("시간 예산 초과: 다음 시도에 "), result.reason.text("ko")
    assert wall <= budget_s * 1.1


def test_significantly_worse_defaults_get_no_tuning_time() -> None:
    frame, y = make_data(1000)
    lightgbm = CandidateConfig(name="lightgbm", params={"n_estimators": 60})
    comparison = run(
        frame, y, [CandidateConfig(name="logistic"), lightgbm], TuningConfig(budget_s=30.0, trials=4)
    )

    results = by_name(comparison)
    assert results["lightgbm"].interval.mean > 0.85 > 0.6 > results["logistic"].interval.mean
    assert results["logistic"].n_trials == 1
    assert results["logistic"].reason.startswith("not tuned: its defaults are significantly worse")
    assert results["lightgbm"].n_trials == 4  # trials came first: the budget was not needed
    assert comparison.elapsed_s < 30.0
    board = comparison.leaderboard.set_index("candidate")
    assert board.loc["logistic", "note"] == results["logistic"].reason
    # the board's string column keeps only the English; the report takes the phrases from the results
    assert type(board.loc["logistic", "note"]) is str
    p_value = results["logistic"].reason.values["p"]
    korean = f"튜닝 생략: 기본값이 lightgbm보다 유의하게 나쁨 (p={p_value:.3f})"
    data = ReportData(
        language="ko",
        project_name="budget",
        title="budget",
        process="injection_molding",
        task="binary",
        target="y",
        verdict="not_registered",
        verdict_reason="",
        leaderboard=comparison.leaderboard,
        primary_metric="roc_auc",
        candidate_notes={r.name: r.reason for r in comparison.results},
    )
    assert korean in render_report(data)


def test_time_left_after_the_defaults_goes_to_tuning_within_the_budget() -> None:
    frame, y = make_data(1500)
    candidates = [
        CandidateConfig(name="logistic"),
        CandidateConfig(name="lightgbm", params={"n_estimators": 30}),
    ]
    budget_s = 6.0
    comparison = run(frame, y, candidates, TuningConfig(budget_s=budget_s, trials=None))

    assert all(r.ok for r in comparison.results), [(r.name, r.reason) for r in comparison.results]
    assert sum(r.n_trials for r in comparison.results) > 4  # not only the two defaults
    assert comparison.untuned == []
    assert comparison.elapsed_s <= budget_s * 1.1


def test_a_budget_the_defaults_used_up_names_the_candidates_left_untuned() -> None:
    """On a busy PC the defaults round can take the whole budget: the choice then depends on the clock,
    and the comparison says which candidates got no tuning trial (the compare step turns it into a note)."""
    frame, y = make_data(600)
    sleepy = CandidateConfig(name="sleepy", params={"fixed_s": 0.3, "per_row_s": 0.0})
    comparison = run(frame, y, [sleepy], TuningConfig(budget_s=1.0, trials=3))

    assert by_name(comparison)["sleepy"].n_trials == 1
    assert comparison.untuned == ["sleepy"]
    note = CompareNote("untuned_by_clock", {"names": "sleepy", "budget": 1.0})
    assert "left no tuning trial for sleepy" in str(note)
    assert "tuning.budget_s 없이" in note.text("ko")


def test_without_a_budget_trials_decide_and_the_run_repeats_exactly() -> None:
    frame, y = make_data(600)
    candidates = [
        CandidateConfig(name="logistic"),
        CandidateConfig(name="lightgbm", params={"n_estimators": 30}),
    ]
    first, second = (run(frame, y, candidates, TuningConfig(trials=2)) for _ in range(2))

    assert [r.name for r in first.results] == ["logistic", "lightgbm"]  # config order, nobody dropped
    for a, b in zip(first.results, second.results, strict=True):
        assert a.n_trials == b.n_trials == 2
        np.testing.assert_array_equal(a.fold_scores, b.fold_scores)
        assert a.params == b.params


@pytest.mark.parametrize("name", ["lightgbm", "hist_gradient_boosting"])
def test_boosting_tunes_class_weights_for_classification_only(name: str) -> None:
    family = get_family(name)
    shape = {"n_rows": 1000, "n_features": 6}
    assert family.defaults(task="binary", n_classes=2, **shape)["class_weight"] is None
    assert "class_weight" not in family.defaults(task="multiclass", n_classes=4, **shape)
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    drawn = {family.space(study.ask(), task="binary", n_rows=1000)["class_weight"] for _ in range(20)}
    assert drawn == {"balanced", None}
    assert "class_weight" not in family.space(study.ask(), task="regression", n_rows=1000)
    # A trial's None overrides the comparison's "balanced" for rare classes.
    model = family.build({"class_weight": None}, task="binary", random_state=0, class_weight="balanced")
    assert model.get_params()["class_weight"] is None
