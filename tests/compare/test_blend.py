"""The greedy blend: built from out-of-fold outputs, kept only when it helps, within the time left."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold

from axpoc.compare import CandidateResult, Scorer, compare_candidates, corrected_interval
from axpoc.compare._blend import select_blend
from axpoc.compare._search import fold_ratio
from axpoc.config import CandidateConfig, TuningConfig
from axpoc.models import BlendClassifier, build_pipeline, get_family

SCORER = Scorer.for_task("binary", "roc_auc")
CLASSES = np.array([0, 1])


def _result(
    name: str, oof: np.ndarray, y: np.ndarray, splits: list, *, fit_time_s: float = 1.0
) -> CandidateResult:
    scores = np.array([SCORER.score(y[v], oof[v], CLASSES) for _, v in splits])
    return CandidateResult(
        name=name,
        label=name.upper(),
        status="ok",
        params={"p": name},
        fold_scores=scores,
        oof=oof,
        interval=corrected_interval(scores, test_train_ratio=fold_ratio(splits)),
        fit_time_s=fit_time_s,
        predict_time_ms_per_1k=2.0,
        pip_requirements=(f"{name}==1",),
    )


def _two_views(n: int = 600, seed: int = 0) -> tuple[np.ndarray, list, np.ndarray, np.ndarray]:
    """Two candidates that each see half of the signal: their average sees all of it."""
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=n), rng.normal(size=n)
    y = (a + b + rng.normal(0, 0.3, n) > 0).astype(int)
    splits = list(StratifiedKFold(5, shuffle=True, random_state=0).split(np.zeros(n), y))
    sigmoid = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    return y, splits, sigmoid(2 * a), sigmoid(2 * b)


def test_complementary_candidates_are_blended_and_the_blend_is_rebuildable() -> None:
    y, splits, view_a, view_b = _two_views()
    noise = np.random.default_rng(1).uniform(size=len(y))
    results = [
        _result("a", view_a, y, splits),
        _result("b", view_b, y, splits),
        _result("c", noise, y, splits),
    ]
    blend = select_blend(results, name="ensemble", y=y, classes=CLASSES, splits=splits, scorer=SCORER)
    assert blend.ok
    members = {m["family"]: m["weight"] for m in blend.params["members"]}
    assert set(members) == {"a", "b"}  # the pure-noise candidate never helps
    weights = np.array([members["a"], members["b"]], dtype=float)
    np.testing.assert_allclose(blend.oof, (weights[0] * view_a + weights[1] * view_b) / weights.sum())
    best_single = max(r.interval.mean for r in results)
    assert blend.interval.mean > best_single + 0.03
    np.testing.assert_allclose(
        blend.fold_scores, [SCORER.score(y[v], blend.oof[v], CLASSES) for _, v in splits]
    )
    assert blend.fit_time_s == 2.0 and blend.predict_time_ms_per_1k == 4.0
    assert blend.pip_requirements == ("a==1", "b==1") or blend.pip_requirements == ("b==1", "a==1")
    assert blend.params["members"][0]["params"] in ({"p": "a"}, {"p": "b"})


def test_a_blend_that_does_not_beat_the_best_candidate_is_skipped_with_the_reason() -> None:
    y, splits, view_a, _ = _two_views()
    results = [_result("a", view_a, y, splits), _result("same", view_a.copy(), y, splits)]
    blend = select_blend(results, name="ensemble", y=y, classes=CLASSES, splits=splits, scorer=SCORER)
    assert blend.status == "skipped" and "no blend beat a alone" in blend.reason
    only = select_blend(results[:1], name="ensemble", y=y, classes=CLASSES, splits=splits, scorer=SCORER)
    assert only.status == "skipped" and "fewer than two" in only.reason


def test_members_whose_refit_does_not_fit_in_the_time_left_are_not_added() -> None:
    y, splits, view_a, view_b = _two_views()
    results = [
        _result("a", view_a, y, splits, fit_time_s=1.0),
        _result("b", view_b, y, splits, fit_time_s=30.0),
    ]
    kwargs = {"name": "ensemble", "y": y, "classes": CLASSES, "splits": splits, "scorer": SCORER}
    assert select_blend(results, affordable_s=10.0, **kwargs).status == "skipped"
    assert select_blend(results, affordable_s=60.0, **kwargs).ok


def test_comparison_ranks_the_blend_refits_it_and_a_fixed_blend_cross_validates_as_listed() -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(400, 5)), columns=[f"x{i}" for i in range(5)])
    y = ((frame["x0"] + frame["x1"] * frame["x2"] + rng.normal(0, 0.5, 400)) > 0).astype(int).to_numpy()
    splits = list(StratifiedKFold(4, shuffle=True, random_state=0).split(frame, y))

    def compare(candidates: list[CandidateConfig]):
        families = {c.name: get_family(c.name) for c in candidates}
        defaults = {
            n: f.defaults(task="binary", n_rows=len(frame), n_features=5, n_classes=2)
            for n, f in families.items()
        }
        return compare_candidates(
            frame,
            y,
            task="binary",
            classes=CLASSES,
            splits=splits,
            candidates=candidates,
            families=families,
            builder=lambda fam, params: build_pipeline(
                fam, params, frame=frame, features=list(frame.columns), task="binary"
            ),
            defaults=defaults,
            skipped={},
            tuning=TuningConfig(trials=1, budget_s=None),
            scorer=SCORER,
        )

    names = ["logistic", "random_forest", "lightgbm", "ensemble"]
    comparison = compare([CandidateConfig(name=n) for n in names])
    board = comparison.leaderboard.set_index("candidate")
    blend = next(r for r in comparison.results if r.name == "ensemble")
    assert board.loc["ensemble", "status"] == blend.status
    assert blend.ok and comparison.chosen.name == "ensemble" and board.index[0] == "ensemble"
    assert board.loc["ensemble", "trials"] == blend.n_trials
    assert isinstance(comparison.model, BlendClassifier)
    assert [name.split("_", 1)[1] for name, _ in comparison.model.members_] == [
        m["family"] for m in blend.params["members"]
    ]
    np.testing.assert_allclose(comparison.model.weights_.sum(), 1.0)
    # what retraining passes: the blend with its members fixed, cross-validated like any candidate
    members = {"members": [{"family": "logistic", "params": {"C": 1.0}}, {"family": "lightgbm", "weight": 2}]}
    fixed = compare([CandidateConfig(name="ensemble", params=members, tune=False)])
    assert fixed.chosen.name == "ensemble" and fixed.chosen.n_trials == 1
    assert isinstance(fixed.model, BlendClassifier) and len(fixed.model.members_) == 2
    assert np.isfinite(fixed.chosen.fold_scores).all()


def test_a_candidates_defaults_can_join_its_tuned_best_in_the_blend() -> None:
    from axpoc.compare._search import BlendOption

    y, splits, view_a, view_b = _two_views()
    tuned = _result("lightgbm", view_a, y, splits)
    tuned.options = [
        BlendOption("tuned", {"num_leaves": 7}, view_a, 1.0, 2.0),
        BlendOption("defaults", {"num_leaves": 31}, view_b, 0.5, 1.0),
    ]
    noise = _result("knn", np.random.default_rng(2).uniform(size=len(y)), y, splits)
    blend = select_blend([tuned, noise], name="ensemble", y=y, classes=CLASSES, splits=splits, scorer=SCORER)
    assert blend.ok and "LIGHTGBM (defaults)" in blend.label
    assert sorted((m["family"], m["params"]["num_leaves"]) for m in blend.params["members"]) == [
        ("lightgbm", 7),
        ("lightgbm", 31),
    ]
    assert blend.fit_time_s == 1.5


def test_a_fold_trained_without_a_rare_class_still_scores_over_every_class() -> None:
    """Forward-chaining folds can train without a class that appears later: its probability is 0 there."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(300, 3)), columns=["a", "b", "c"])
    y = np.where(frame["a"] > 0.3, "burr", "ok").astype(object)
    y[280:] = "crack"  # a class that only the newest rows have
    splits = [(np.arange(0, 200), np.arange(200, 300)), (np.arange(0, 250), np.arange(250, 300))]
    family = get_family("lightgbm")
    comparison = compare_candidates(
        frame,
        y,
        task="multiclass",
        classes=np.array(["burr", "crack", "ok"], dtype=object),
        splits=splits,
        candidates=[CandidateConfig(name="lightgbm")],
        families={"lightgbm": family},
        builder=lambda fam, params: build_pipeline(
            fam, params, frame=frame, features=["a", "b", "c"], task="multiclass"
        ),
        defaults={"lightgbm": family.defaults(task="multiclass", n_rows=300, n_features=3, n_classes=3)},
        skipped={},
        tuning=TuningConfig(trials=1, budget_s=None),
        scorer=Scorer.for_task("multiclass"),
    )
    assert comparison.chosen is not None and comparison.chosen.oof.shape == (300, 3)
    assert (comparison.chosen.oof[200:280, 1] == 0).all()  # no fold had seen "crack" when scoring these
