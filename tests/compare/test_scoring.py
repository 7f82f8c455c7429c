"""The leaderboard scores with the KPIs' own evaluators and names a fixed threshold when it uses one."""

from __future__ import annotations

import numpy as np
import pytest
import sklearn.metrics as skm

from axpoc.compare import Scorer, leaderboard_name
from axpoc.errors import ConfigError
from axpoc.kpi import point_metric

RNG = np.random.default_rng(0)
Y = RNG.integers(0, 2, 200)
P = np.clip(0.35 * Y + RNG.uniform(0, 0.65, 200), 0, 1)
BINARY = np.array([0, 1])


def test_a_label_kpi_of_a_binary_model_is_named_at_its_fixed_threshold() -> None:
    scorer = Scorer.for_task("binary", "f1")
    assert scorer.primary == "f1@0.5" and scorer.higher_is_better
    assert scorer.names == [
        "f1@0.5",
        "roc_auc",
        "average_precision",
        "balanced_accuracy@0.5",
        "brier",
        "log_loss",
    ]
    assert Scorer.for_task("anomaly").names == ["average_precision", "roc_auc"]
    assert leaderboard_name("multiclass", "macro_f1") == "macro_f1"  # the argmax label needs no threshold
    assert "f1" not in Scorer.for_task("binary").names


def test_the_leaderboard_scores_are_the_kpi_evaluators_and_agree_with_scikit_learn() -> None:
    scores = Scorer.for_task("binary").score_all(Y, P, BINARY)
    flags = (P >= 0.5).astype(int)
    assert scores["f1@0.5"] == point_metric("f1", Y, flags) == pytest.approx(skm.f1_score(Y, flags))
    assert scores["balanced_accuracy@0.5"] == pytest.approx(skm.balanced_accuracy_score(Y, flags))
    assert scores["average_precision"] == pytest.approx(skm.average_precision_score(Y, P))
    assert scores["roc_auc"] == pytest.approx(skm.roc_auc_score(Y, P))
    assert scores["brier"] == pytest.approx(skm.brier_score_loss(Y, P))
    assert scores["log_loss"] == pytest.approx(skm.log_loss(Y, P))


def test_multiclass_labels_are_the_most_probable_class() -> None:
    classes = np.array(["a", "b", "c"])
    y = np.array(["a", "b", "c", "a", "b", "c"])
    proba = np.eye(3)[[0, 1, 1, 0, 2, 2]] * 0.8 + 0.2 / 3
    scores = Scorer.for_task("multiclass").score_all(y, proba, classes)
    assert scores["accuracy"] == pytest.approx(4 / 6)
    assert scores["macro_f1"] == pytest.approx(skm.f1_score(y, classes[proba.argmax(1)], average="macro"))
    assert scores["log_loss"] == pytest.approx(skm.log_loss(y, proba, labels=classes))


def test_a_fold_of_one_class_ranks_nothing() -> None:
    """Without a good part every ranking has AP 1: undefined there, like ROC AUC, so it cannot win a fold."""
    scorer = Scorer.for_task("binary")
    assert np.isnan(scorer.score(np.ones(5, int), np.linspace(0.1, 0.9, 5), BINARY))
    assert np.isnan(scorer.score(np.ones(5, int), np.linspace(0.1, 0.9, 5), BINARY, "roc_auc"))


def test_a_primary_that_cannot_rank_the_task_names_the_ones_that_can() -> None:
    with pytest.raises(ConfigError, match=r"'precision' cannot rank binary models; use one of roc_auc, "):
        Scorer.for_task("binary", "precision")
