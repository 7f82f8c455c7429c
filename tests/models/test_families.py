"""Candidate families: applicability, size-adaptive defaults, search spaces, pipelines that fit and persist."""

from __future__ import annotations

import importlib.util
import pickle
import subprocess
import sys
from importlib import metadata

import cloudpickle
import numpy as np
import optuna
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.metrics import accuracy_score, r2_score, roc_auc_score

from axpoc.errors import UserError
from axpoc.models import (
    FAMILIES,
    IsolationForestAnomaly,
    Resampled,
    SkipReason,
    build_pipeline,
    data_shape,
    get_family,
    size_tier,
)

TORCH_FAMILIES = {n for n, f in FAMILIES.items() if any(r.startswith("torch") for r in f.pip_requirements)}
SPEED_CAPS = {"n_estimators": 40, "max_iter": 40, "max_epochs": 8}
"""Small-data fits in this file cap iterations so the whole matrix runs in seconds; tiny data uses pure defaults."""


def make_frame(n: int, task: str, *, seed: int = 0, curves: bool = False) -> tuple[pd.DataFrame, np.ndarray]:
    """Plant-like data: Korean and bracketed names, a category with gaps, a wide lot code, a timestamp."""
    rng = np.random.default_rng(seed)
    temp, air = rng.normal(200, 5, n), rng.normal(300, 2, n)
    material = rng.choice(["A", "B", "C"], n)
    signal = (temp - 200) / 5 + (air - 300) / 2 + (material == "B") * 1.0
    frame = pd.DataFrame(
        {
            "금형온도": temp,
            "Air temperature [K]": air,
            "재질": material,
            "lot": [f"L{i % 25:02d}" for i in range(n)],
            "양품여부": rng.random(n) < 0.5,
            "timestamp": pd.date_range("2025-01-01", periods=n, freq="min"),
        }
    )
    frame.loc[rng.random(n) < 0.1, "금형온도"] = np.nan
    frame.loc[rng.random(n) < 0.1, "재질"] = None
    if curves:
        lengths = 60 + np.arange(n) % 7
        frame["압력곡선"] = [
            np.sin(np.linspace(0, 3, m)) * (1 + 0.3 * s) + rng.normal(0, 0.05, m)
            for m, s in zip(lengths, signal, strict=True)
        ]
    noise = rng.normal(0, 0.5, n)
    if task == "binary":
        y = (signal + noise > 0.5).astype(int)
    elif task == "multiclass":
        y = np.digitize(signal + noise, [-0.5, 0.7])
    elif task == "regression":
        y = 10 + signal + 0.6 * noise
    else:
        y = (rng.random(n) < 0.1).astype(int)
        frame.loc[y == 1, "Air temperature [K]"] += 12
    return frame, y


def _cases() -> list[tuple[str, str, int]]:
    return [
        (name, task, n)
        for name, family in FAMILIES.items()
        if not family.combines_members  # a blend of the others: tests/models/test_ensemble.py
        for task in sorted(family.tasks)
        for n in (40, 1000)
    ]


def _fitted(name: str, task: str, frame: pd.DataFrame, y: np.ndarray, **options):
    family = get_family(name)
    shape = data_shape(frame, list(frame.columns), y, task=task)
    params = family.defaults(task=task, **shape.defaults_args())
    if size_tier(len(frame)) != "tiny":
        params |= {key: value for key, value in SPEED_CAPS.items() if key in params}
    pipe = build_pipeline(family, params, frame=frame, features=list(frame.columns), task=task, **options)
    return pipe.fit(frame, y)


@pytest.mark.parametrize(("name", "task", "n"), _cases(), ids=lambda v: str(v))
def test_every_family_fits_and_predicts(name: str, task: str, n: int) -> None:
    if name in TORCH_FAMILIES:
        pytest.importorskip("torch", reason="PyTorch families need torch (pip install 'axpoc[dl]')")
    frame, y = make_frame(n + n // 3, task, curves=name == "cnn1d")
    train, test = frame.iloc[:n], frame.iloc[n:].copy()
    test.loc[test.index[0], "재질"] = "처음 보는 재질"  # a category never seen in training
    shape = data_shape(train, list(train.columns), y[:n], task=task)
    assert get_family(name).applicable(task=task, **shape.applicable_args()) is None

    pipe = _fitted(name, task, train, y[:n], class_weight="balanced")
    assert pipe["model"].feature_names_in_[0] == "f0"  # positional names reach the estimator
    prediction = pipe.predict(test)
    assert prediction.shape == (len(test),)
    if task == "regression":
        score = r2_score(y[n:], prediction)
        assert score > (0.3 if n > 100 else -1.0), score
        return
    proba = pipe.predict_proba(test)
    n_classes = 2 if task == "anomaly" else len(np.unique(y[:n]))
    assert proba.shape == (len(test), n_classes)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert len(np.unique(proba.round(10))) > 2  # not a constant model, even on 40 rows
    if n > 100 and task in ("binary", "anomaly"):
        assert roc_auc_score(y[n:], proba[:, 1]) > 0.75
    if n > 100 and task == "multiclass":
        assert accuracy_score(y[n:], prediction) > np.bincount(y[n:]).max() / len(test) + 0.1


@pytest.mark.parametrize("name", ["lightgbm", "hist_gradient_boosting"])
def test_tiny_data_defaults_split_where_library_defaults_cannot(name: str) -> None:
    frame, y = make_frame(40, "binary", seed=3)
    train, y_train = frame.iloc[:32], y[:32]  # one 5-fold CV training part of 40 rows
    family = get_family(name)
    shape = data_shape(train, list(train.columns), y_train, task="binary")
    defaults = family.defaults(task="binary", **shape.defaults_args())
    leaf = "min_child_samples" if name == "lightgbm" else "min_samples_leaf"
    assert defaults[leaf] == 3

    ours = build_pipeline(family, defaults, frame=train, features=list(train.columns), task="binary")
    library = build_pipeline(family, {leaf: 20}, frame=train, features=list(train.columns), task="binary")
    ours_proba = ours.fit(train, y_train).predict_proba(frame)[:, 1]
    library_proba = library.fit(train, y_train).predict_proba(frame)[:, 1]
    assert len(np.unique(library_proba)) == 1  # 20 rows per leaf: no split, a constant prediction
    assert len(np.unique(ours_proba)) > 10
    assert roc_auc_score(y[32:], ours_proba[32:]) > 0.5


def test_defaults_scale_with_data_size() -> None:
    lgbm, hgb, knn, mlp, cnn = (
        get_family(n) for n in ("lightgbm", "hist_gradient_boosting", "knn", "mlp", "cnn1d")
    )
    args = {"task": "binary", "n_features": 8, "n_classes": 2}
    tiny, small, large = (lgbm.defaults(n_rows=n, **args) for n in (40, 1_000, 200_000))
    assert (tiny["num_leaves"], small["num_leaves"], large["num_leaves"]) == (4, 31, 63)
    assert (tiny["min_child_samples"], small["min_child_samples"], large["min_child_samples"]) == (3, 20, 20)
    assert (tiny["n_estimators"], small["n_estimators"], large["n_estimators"]) == (100, 300, 500)
    assert hgb.defaults(n_rows=300, **args)["min_samples_leaf"] == 6
    assert hgb.defaults(n_rows=300, task="multiclass", n_features=8, n_classes=5)["min_samples_leaf"] == 3
    assert [knn.defaults(n_rows=n, **args)["n_neighbors"] for n in (40, 1_000, 1_000_000)] == [3, 16, 30]
    assert [mlp.defaults(n_rows=n, **args)["hidden_layer_sizes"] for n in (40, 1_000, 50_000)] == [
        (32,),
        (64, 32),
        (128, 64),
    ]
    tiny_cnn = cnn.defaults(n_rows=40, curve_length=60, **args)
    assert tiny_cnn.items() >= {"length": 60, "n_blocks": 2, "n_filters": 8}.items()
    assert cnn.defaults(n_rows=5_000, curve_length=2_000, **args)["length"] == 256


def test_applicable_gives_the_reason_a_family_is_skipped() -> None:
    svm, cnn = get_family("svm"), get_family("cnn1d")
    ok = {"n_features": 5, "has_curves": False}
    assert svm.applicable(task="binary", n_rows=80_000, **ok) == (
        "SVM is skipped: 80,000 rows > 20,000 (kernel SVM training time grows quadratically with the rows)"
    )
    assert svm.applicable(task="binary", n_rows=5_000, **ok) is None
    assert (
        cnn.applicable(task="binary", n_rows=500, **ok)
        == "cnn1d needs sensor-curve columns, the data has none"
    )
    assert cnn.applicable(task="binary", n_rows=500, n_features=5, has_curves=True) is None
    assert (
        get_family("knn")
        .applicable(task="regression", n_rows=150_000, **ok)
        .startswith("k-NN is skipped: 150,000")
    )
    reason = get_family("logistic").applicable(task="regression", n_rows=500, **ok)
    assert reason.startswith("Logistic regression does not handle a regression task") and "ridge" in reason
    assert "isolation_forest" not in reason
    assert get_family("isolation_forest").applicable(task="binary", n_rows=500, **ok) is not None
    assert get_family("autoencoder").applicable(task="anomaly", n_rows=500, **ok) is None
    assert get_family("mlp").applicable(task="binary", n_rows=12, **ok) == (
        "MLP (PyTorch) is skipped: 12 rows < 20 (too few to train it)"
    )


def test_skip_reasons_say_themselves_in_korean_for_the_report() -> None:
    ok = {"n_features": 5, "has_curves": False}
    svm = get_family("svm").applicable(task="binary", n_rows=80_000, **ok)
    assert isinstance(svm, SkipReason)
    assert svm.text("ko") == "SVM: 80,000행 > 상한 20,000행 (커널 SVM의 학습 시간은 행 수의 제곱으로 늘어남)"
    wrong = get_family("ridge").applicable(task="binary", n_rows=500, **ok)
    assert wrong.startswith("Ridge regression does not handle a binary task; families for binary: ")
    assert "logistic" in wrong and "ridge" not in wrong.split(":")[1]
    assert wrong.text("ko").startswith(
        "Ridge regression은(는) 이진 분류 과제를 다루지 않음; 이진 분류에 쓸 수 "
    )
    assert get_family("cnn1d").applicable(task="binary", n_rows=500, **ok).text("ko") == (
        "cnn1d에는 센서 곡선 열이 필요하지만 데이터에 없음"
    )
    assert get_family("mlp").applicable(task="binary", n_rows=12, **ok).text("ko") == (
        "MLP (PyTorch): 12행 < 최소 20행 (학습하기에 너무 적음)"
    )


SKIP_SAMPLES = {
    "label": "SVM",
    "name": "svm",
    "task": "multiclass",
    "others": "logistic, lightgbm",
    "module": "torch",
    "requirement": "torch==2.9.1",
    "n_rows": 1_234_567,
    "max_rows": 20_000,
    "min_rows": 20,
    "why": SkipReason("quadratic_time"),
}


@pytest.mark.parametrize("code", sorted(SkipReason.templates))
def test_every_skip_reason_fills_in_both_languages_and_survives_pickling(code: str) -> None:
    reason = SkipReason(code, SKIP_SAMPLES)
    korean, english = reason.text("ko"), reason.text("en")
    assert english == reason and english.isascii()
    assert not korean.isascii() and korean != english
    assert "multiclass" not in korean  # the task is said in Korean
    again = pickle.loads(pickle.dumps(reason))
    assert type(again) is SkipReason and again == reason and again.text("ko") == korean


def test_requirements_are_pinned_and_unknown_names_get_a_hint() -> None:
    assert get_family("lightgbm").pip_requirements == (f"lightgbm=={metadata.version('lightgbm')}",)
    if importlib.util.find_spec("torch") is not None:
        assert get_family("mlp").pip_requirements == (f"torch=={metadata.version('torch').split('+')[0]}",)
    assert {"mlp", "cnn1d", "autoencoder"} <= TORCH_FAMILIES
    with pytest.raises(UserError, match=r"unknown model family 'lightgbn'\. Did you mean 'lightgbm'\?"):
        get_family("lightgbn")


def test_build_checks_parameter_names_and_routes_svm_parameters() -> None:
    with pytest.raises(UserError, match=r"unknown parameter 'n_estimator'\. Did you mean 'n_estimators'\?"):
        get_family("random_forest").build({"n_estimator": 10}, task="binary", random_state=0)
    svm = get_family("svm").build(
        {"C": 10.0, "cv": 4}, task="binary", random_state=0, class_weight="balanced"
    )
    assert (svm.estimator.C, svm.cv, svm.estimator.class_weight) == (10.0, 4, "balanced")
    svr = get_family("svm").build(
        {"epsilon": 0.2}, task="regression", random_state=0, class_weight="balanced"
    )
    assert svr.regressor.epsilon == 0.2
    lgbm = get_family("lightgbm").build({"max_bin": 63}, task="binary", random_state=1, n_jobs=1)
    assert lgbm.get_params()["max_bin"] == 63 and lgbm.deterministic and lgbm.force_row_wise
    assert (
        get_family("knn").build({}, task="binary", random_state=0, class_weight="balanced").weights
        == "uniform"
    )
    forest = get_family("random_forest").build({}, task="regression", random_state=0, class_weight="balanced")
    assert "class_weight" not in forest.get_params()  # regression: class weights do not apply
    with pytest.raises(UserError, match="cannot be built for a regression task"):
        get_family("logistic").build({}, task="regression", random_state=0)


@pytest.mark.parametrize("name", [n for n, f in FAMILIES.items() if f.tunable])
def test_space_samples_buildable_params(name: str) -> None:
    family = get_family(name)
    task = sorted(family.tasks)[0]

    def objective(trial: optuna.Trial) -> float:
        params = family.space(trial, task=task, n_rows=40)
        family.build(params, task=task, random_state=0)  # raises on an invalid name
        return float(len(params))

    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0))
    study.optimize(objective, n_trials=2)
    assert len(study.trials) == 2 and all(t.state.name == "COMPLETE" for t in study.trials)
    rebuilt = family.space(optuna.trial.FixedTrial(study.best_params), task=task, n_rows=40)
    assert rebuilt == family.space(optuna.trial.FixedTrial(study.best_params), task=task, n_rows=40)
    if name == "knn":
        assert rebuilt["n_neighbors"] <= 8  # never more neighbours than a 40-row fold can give
    if name == "mlp":
        layers, width = study.best_params["n_layers"], study.best_params["width"]
        assert len(rebuilt["hidden_layer_sizes"]) == layers and rebuilt["hidden_layer_sizes"][0] == width


@pytest.mark.parametrize("name", ["lightgbm", "random_forest", "mlp"])
def test_clone_pickle_and_determinism(name: str) -> None:
    if name in TORCH_FAMILIES:
        pytest.importorskip("torch")
    frame, y = make_frame(300, "binary", seed=1)
    pipe = _fitted(name, "binary", frame, y, random_state=7)
    proba = pipe.predict_proba(frame)
    restored = cloudpickle.loads(cloudpickle.dumps(pipe))
    np.testing.assert_array_equal(restored.predict_proba(frame), proba)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(pipe)).predict_proba(frame), proba)
    again = clone(pipe).fit(frame, y)
    np.testing.assert_array_equal(again.predict_proba(frame), proba)  # same seed, one thread: identical
    other = clone(pipe).set_params(model__random_state=8).fit(frame, y)
    assert not np.array_equal(other.predict_proba(frame), proba)
    imported = restored["prep"].get_feature_names_out()
    assert {"금형온도", "Air temperature [K]", "재질=A", "금형온도 (missing)"} <= set(imported)
    assert "timestamp" not in imported


def test_cnn_gets_raw_curves_under_positional_channel_names() -> None:
    pytest.importorskip("torch")
    frame, y = make_frame(60, "binary", curves=True)
    pipe = _fitted("cnn1d", "binary", frame, y)
    assert pipe["model"].channels == ["c0"] and pipe["model"].length == 63
    assert pipe["prep"].feature_names_map_["c0"] == "압력곡선"
    shorter = frame.assign(압력곡선=[curve[::2] for curve in frame["압력곡선"]])
    assert pipe.predict_proba(shorter).shape == (60, 2)


def test_curve_features_feed_tabular_families() -> None:
    pytest.importorskip("axpoc.features", reason="CurveFeatures comes with axpoc.features")
    frame, y = make_frame(200, "regression", curves=True)
    pipe = _fitted("random_forest", "regression", frame, y)
    names = list(pipe["prep"].get_feature_names_out())
    assert "압력곡선__max" in names and "금형온도" in names
    assert r2_score(y, pipe.predict(frame)) > 0.5


def test_resampling_balances_the_training_fold_only() -> None:
    frame, y = make_frame(400, "binary", seed=2)
    y = (np.arange(400) % 10 == 0).astype(int)  # 10 % positives
    over = _fitted("logistic", "binary", frame, y, resample="oversample", class_weight="balanced")
    assert isinstance(over["model"], Resampled) and over["model"].n_resampled_ == 720
    assert over["model"].estimator_.class_weight is None  # resampling replaces class weights
    under = _fitted("logistic", "binary", frame, y, resample="undersample")
    assert under["model"].n_resampled_ == 80
    assert under.predict_proba(frame).shape == (400, 2)  # prediction rows are never resampled
    with pytest.raises(UserError, match=r"tuning\.resample"):
        build_pipeline(
            "ridge", {}, frame=frame, features=list(frame.columns), task="regression", resample="oversample"
        )


def test_isolation_forest_learns_good_parts_and_scores_anomalies_higher() -> None:
    rng = np.random.default_rng(0)
    good = rng.normal(0, 1, (500, 3))
    bad = rng.normal(4, 1, (20, 3))
    X = np.vstack([good, bad])
    y = np.r_[np.zeros(500, int), np.ones(20, int)]
    model = IsolationForestAnomaly(random_state=0).fit(X, y)
    assert roc_auc_score(y, model.predict_proba(X)[:, 1]) > 0.95
    assert model.predict(good).mean() == pytest.approx(0.01, abs=0.005)  # the 0.99 quantile of good parts
    assert model.predict(bad).mean() > 0.9
    np.testing.assert_allclose(model.predict_proba(X)[model.predict(X) == 1, 1] > 0.5, True)


def test_data_shape_counts_classes_and_curves() -> None:
    frame, y = make_frame(50, "multiclass", curves=True)
    shape = data_shape(frame, list(frame.columns), y, task="multiclass")
    assert (shape.n_rows, shape.n_features, shape.n_classes, shape.has_curves) == (50, 7, 3, True)
    assert shape.curve_length == 63
    assert data_shape(frame, ["금형온도"], y, task="regression").curve_length is None


def test_import_stays_light() -> None:
    code = "import sys, axpoc.models; print('torch' in sys.modules, 'lightgbm' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False"]
