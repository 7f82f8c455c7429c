"""Compiled LightGBM scoring (lleaves): the same numbers as LightGBM, compiled once per model, never forced.

Small real LightGBM models (20 trees) compile in well under a second. Without the ``fast`` extra these
tests skip, except in CI (AXPOC_REQUIRE_SYSTEM_DEPS=1), where lleaves must be installed.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from axpoc.artifact import OofCalibratedClassifier, PocModel
from axpoc.serve import accelerate, predict_batch
from axpoc.serve._compiled import CompiledBooster, find_boosters

FEATURES = ["온도", "압력", "시간", "재질"]
PARAMS = {"n_estimators": 20, "num_leaves": 15, "min_child_samples": 5, "learning_rate": 0.2}


@pytest.fixture(autouse=True)
def _lleaves(require_system: Any) -> None:
    installed = all(importlib.util.find_spec(name) for name in ("lleaves", "llvmlite"))
    require_system("lleaves (pip install 'axpoc[fast]')", installed)


def _frame(n: int, *, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "온도": rng.normal(200, 15, n),
            "압력": rng.normal(100, 10, n),
            "시간": rng.normal(20, 3, n),
            "재질": rng.choice(["A", "B", "C"], n),
        }
    )
    frame.loc[rng.random(n) < 0.05, "시간"] = np.nan  # missing values take LightGBM's default branches
    return frame


def _model(task: str, *, seed: int = 0, objective: str | None = None) -> PocModel:
    from axpoc.models import build_pipeline

    train = _frame(600, seed=seed)
    signal = (train["온도"] - 200) / 15 + (train["압력"] - 100) / 10 + (train["재질"] == "C")
    if task == "regression":
        y = (signal + np.random.default_rng(seed + 1).normal(0, 0.3, len(train))).to_numpy()
        classes: list[Any] = []
    elif task == "binary":
        y = (signal > 0.8).astype(int).to_numpy()
        classes = [0, 1]
    else:
        y = np.digitize(signal, [-0.5, 0.8]).astype(int)
        classes = [0, 1, 2]
    params = {**PARAMS, **({"objective": objective} if objective else {})}
    pipeline = build_pipeline("lightgbm", params, frame=train, features=FEATURES, task=task, n_jobs=1)
    pipeline.fit(train[FEATURES], y)
    return PocModel(
        estimator=pipeline,
        task=task,
        features=list(FEATURES),
        target="y",
        family="lightgbm",
        classes=classes,
        positive_label=1 if task == "binary" else None,
        negative_label=0 if task == "binary" else None,
        defect_classes=[2] if task == "multiclass" else [],
        threshold=0.5 if task == "binary" else None,
        spec={"lsl": -1.0, "usl": 1.5} if task == "regression" else None,
    )


def _same_outputs(original: PocModel, scoring: PocModel, rows: pd.DataFrame) -> None:
    expected, got = original.predict_frame(rows), scoring.predict_frame(rows)
    np.testing.assert_allclose(got["score"], expected["score"], rtol=0, atol=1e-9)
    if original.task == "regression":
        np.testing.assert_allclose(
            got["prediction"].astype(float), expected["prediction"].astype(float), atol=1e-9
        )
    else:
        assert got["prediction"].tolist() == expected["prediction"].tolist()
    assert got["decision"].tolist() == expected["decision"].tolist()


@pytest.mark.parametrize("task", ["binary", "regression", "multiclass"])
def test_compiled_copy_scores_like_lightgbm(task: str, tmp_path: Path) -> None:
    model = _model(task)
    booster = model.estimator.named_steps["model"].booster_
    rows = _frame(3_000, seed=7)

    scoring, how = accelerate(model, rows, cache_dir=tmp_path, threads=1)

    assert how.engine == "lleaves", how.reason
    assert (how.boosters, how.compiled, how.cached) == (1, 1, 0)
    assert how.max_diff is not None and how.max_diff <= 1e-9
    assert isinstance(scoring.estimator.named_steps["model"].booster_, CompiledBooster)
    assert model.estimator.named_steps["model"].booster_ is booster  # the loaded model is left as it was
    _same_outputs(model, scoring, rows)
    if task == "multiclass":
        proba = scoring.estimator.predict_proba(rows[FEATURES])
        np.testing.assert_allclose(proba, model.estimator.predict_proba(rows[FEATURES]), atol=1e-9)
    # what the compiled trees do not compute still comes from LightGBM itself
    positional = model.estimator.named_steps["prep"].transform(rows[FEATURES].head(5))
    contrib = scoring.estimator.named_steps["model"].predict(positional, pred_contrib=True)
    np.testing.assert_array_equal(
        contrib, model.estimator.named_steps["model"].predict(positional, pred_contrib=True)
    )


def test_the_cache_is_reused_and_a_new_model_gets_its_own_file(tmp_path: Path) -> None:
    model = _model("binary")
    rows = _frame(500, seed=3)

    _, first = accelerate(model, rows, cache_dir=tmp_path, threads=1)
    (path,) = first.cache_files
    stamp = os.stat(path).st_mtime_ns
    _, second = accelerate(model, rows, cache_dir=tmp_path, threads=2)
    _, offline = accelerate(model, rows, cache_dir=tmp_path, threads=1, compile_new=False)

    assert (first.compiled, first.cached) == (1, 0)
    assert (second.engine, second.compiled, second.cached) == ("lleaves", 0, 1)
    assert second.cache_files == (path,) and os.stat(path).st_mtime_ns == stamp
    assert offline.engine == "lleaves" and offline.cached == 1

    other = _model("binary", seed=5)
    scoring, not_yet = accelerate(other, rows, cache_dir=tmp_path, threads=1, compile_new=False)
    assert not_yet.engine == "none" and scoring is other and "not compiled yet" in not_yet.reason
    _, compiled = accelerate(other, rows, cache_dir=tmp_path, threads=1)
    assert compiled.compiled == 1 and compiled.cache_files[0] != path
    assert sorted(p.name for p in tmp_path.glob("*.o")) == sorted(
        Path(f).name for f in (path, compiled.cache_files[0])
    )


def test_boosters_inside_wrappers_and_routes_are_all_compiled(tmp_path: Path) -> None:
    from sklearn.frozen import FrozenEstimator
    from sklearn.model_selection import FixedThresholdClassifier

    from axpoc.kpi import calibrate_oof

    model = _model("binary")
    train = _frame(400, seed=11)
    p = model.estimator.predict_proba(train[FEATURES])[:, 1]
    calibrator = calibrate_oof((p > 0.4).astype(int), p, method="sigmoid")
    fixed = FixedThresholdClassifier(
        FrozenEstimator(OofCalibratedClassifier.from_fitted(model.estimator, calibrator)),
        threshold=0.3,
        response_method="predict_proba",
    ).fit(train[FEATURES], (p > 0.4).astype(int))
    routed = PocModel(
        **{
            **vars(model),
            "estimator": fixed,
            "threshold": 0.3,
            "calibrated": True,
            "product_column": "재질",
            "routes": {"A": _model("binary", seed=21).estimator},
        }
    )
    rows = _frame(1_000, seed=4)

    scoring, how = accelerate(routed, rows, cache_dir=tmp_path, threads=1)

    assert how.engine == "lleaves" and how.boosters == 2, how.reason
    assert all(isinstance(b, CompiledBooster) for b in _booster_slots(scoring))
    assert not any(isinstance(b, CompiledBooster) for b in _booster_slots(routed))
    _same_outputs(routed, scoring, rows)


def _booster_slots(model: PocModel) -> list[Any]:
    """The ``_Booster`` of every LightGBM model inside (compiled or not)."""
    from axpoc.models import nested_estimators

    roots = [model.estimator, *model.routes.values()]
    return [e._Booster for root in roots for e in nested_estimators(root) if hasattr(e, "_Booster")]


def test_models_without_a_supported_lightgbm_booster_fall_back(tmp_path: Path) -> None:
    from axpoc.models import build_pipeline

    train = _frame(300, seed=2)
    y = (train["온도"] > 200).astype(int).to_numpy()
    logistic = build_pipeline("logistic", {}, frame=train, features=FEATURES, task="binary", n_jobs=1)
    model = PocModel(
        estimator=logistic.fit(train[FEATURES], y),
        task="binary",
        features=list(FEATURES),
        target="y",
        family="logistic",
        classes=[0, 1],
        positive_label=1,
        negative_label=0,
    )
    scoring, how = accelerate(model, train, cache_dir=tmp_path, threads=1)
    assert scoring is model and how.engine == "none" and "no LightGBM booster" in how.reason

    ova = _model("multiclass", objective="multiclassova")  # lleaves has no one-vs-all transform
    scoring, how = accelerate(ova, train, cache_dir=tmp_path, threads=1)
    assert scoring is ova and how.engine == "none" and "multiclassova" in how.reason
    assert find_boosters(ova) and not list(tmp_path.glob("*.o"))


def test_predict_reports_compiled_scoring_and_reuses_the_project_cache(project: Any, tmp_path: Path) -> None:
    parts = project.parts(300, seed=8)
    source = tmp_path / "parts.parquet"
    parts.to_parquet(source)
    expected = project.model(project.champion).predict_frame(parts)

    first = predict_batch(
        project.config(), source=source, output=tmp_path / "a.csv", threads=1, accelerate="always", explain=2
    )
    second = predict_batch(project.config(), source=source, output=tmp_path / "b.csv", threads=1)
    never = predict_batch(
        project.config(), source=source, output=tmp_path / "c.csv", threads=1, accelerate="never"
    )

    assert first.accelerated == "lleaves" and first.acceleration["compiled"] == 1
    # auto: 300 rows are too few to compile for, but the model compiled before is in the cache
    assert second.accelerated == "lleaves" and second.acceleration["cached"] == 1
    assert second.acceleration["compiled"] == 0
    assert never.accelerated == "none" and "never" in never.acceleration["reason"]
    (cached,) = (project.folder / ".axpoc" / "compiled").glob("*.o")
    assert first.acceleration["cache_files"] == [str(cached)]
    assert first.timings["compile"] > 0
    for name in ("a.csv", "b.csv", "c.csv"):
        scored = pd.read_csv(tmp_path / name, encoding="utf-8-sig")
        np.testing.assert_allclose(scored["score"], expected["score"], rtol=0, atol=1e-9)
        assert scored["decision"].tolist() == expected["decision"].tolist()
    explained = pd.read_csv(tmp_path / "a.csv", encoding="utf-8-sig")
    assert set(explained["top1_feature"]) <= set(project.features)
