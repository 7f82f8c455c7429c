"""Overtuning guard: a tuned trial replaces a family's defaults only when it beats them by more than noise."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import StratifiedKFold

from axpoc.compare import Budget, Scorer
from axpoc.compare._search import CandidateTuner, TrialRun
from axpoc.config import CandidateConfig, TuningConfig
from axpoc.models import get_family


def tuner(metric: str = "average_precision") -> CandidateTuner:
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(100, 2)), columns=["a", "b"])
    y = np.arange(100) % 2
    return CandidateTuner(
        CandidateConfig(name="lightgbm"),
        family=get_family("lightgbm"),
        build=lambda params: None,
        defaults={"n_estimators": 300},
        X=X,
        y=y,
        classes=np.array([0, 1]),
        splits=list(StratifiedKFold(5).split(X, y)),
        scorer=Scorer.for_task("binary" if metric != "rmse" else "regression", metric),
        tuning=TuningConfig(trials=10),
        budget=Budget(None),
    )


def trial(scores: list[float], **params: float) -> TrialRun:
    return TrialRun(
        value=float(np.mean(scores)),
        params=params,
        fold_scores=np.array(scores),
        oof=np.zeros(100),
        fit_times=[0.1] * len(scores),
        predict_ms_per_1k=[1.0] * len(scores),
    )


def test_a_tuned_trial_within_one_standard_error_leaves_the_defaults_in_place() -> None:
    t = tuner()
    t.first = trial([0.90, 0.80, 0.95, 0.70, 0.85], n_estimators=300)
    t.best = trial([0.92, 0.78, 0.97, 0.71, 0.86], n_estimators=50)  # +0.008 on average, noisy
    result = t.result()
    assert result.params == {"n_estimators": 300}
    assert result.fold_scores.tolist() == [0.90, 0.80, 0.95, 0.70, 0.85]
    assert "defaults kept" in result.reason
    assert [o.tag for o in result.options] == ["tuned", "defaults"]  # a blend may still use the tuned one


def test_a_tuned_trial_that_wins_on_every_fold_replaces_the_defaults() -> None:
    t = tuner()
    t.first = trial([0.80, 0.70, 0.85, 0.60, 0.75], n_estimators=300)
    t.best = trial([0.90, 0.81, 0.94, 0.71, 0.86], n_estimators=50)
    result = t.result()
    assert result.params == {"n_estimators": 50} and result.reason == ""


def test_for_an_error_metric_lower_is_better() -> None:
    t = tuner("rmse")
    t.first = trial([1.0, 1.2, 0.9, 1.1, 1.0], n_estimators=300)
    t.best = trial([0.5, 0.7, 0.4, 0.6, 0.5], n_estimators=50)
    assert t.result().params == {"n_estimators": 50}
    t.best = trial([0.99, 1.21, 0.88, 1.1, 1.0], n_estimators=50)
    assert t.result().params == {"n_estimators": 300}


@pytest.mark.parametrize("first_is_best", [True, False])
def test_without_a_separate_defaults_trial_the_best_is_reported(first_is_best: bool) -> None:
    t = tuner()
    t.best = trial([0.9, 0.8], n_estimators=50)
    t.first = t.best if first_is_best else None
    assert t.result().params == {"n_estimators": 50}
