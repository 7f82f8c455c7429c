"""The PyTorch estimators keep scikit-learn's contract and learn what they should on tiny data."""

from __future__ import annotations

import importlib
import pickle
import sys

import cloudpickle
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.metrics import r2_score, roc_auc_score

from axpoc.errors import UserError
from axpoc.models import EstimatorInputError
from axpoc.models._torch import (
    TorchAutoencoderAnomaly,
    TorchCNN1DClassifier,
    TorchCNN1DRegressor,
    TorchInputError,
    TorchMLPClassifier,
    TorchMLPRegressor,
)

torch = pytest.importorskip("torch")

FAST = {"max_epochs": 60, "learning_rate": 1e-2, "batch_size": 64, "device": "cpu"}


@pytest.fixture(autouse=True)
def one_torch_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def blobs(n: int, n_classes: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=3.0, size=(n_classes, 6))
    y = rng.integers(0, n_classes, size=n)
    return centres[y] + rng.normal(size=(n, 6)), y


def test_mlp_classifier_separates_two_classes():
    X, y = blobs(400, 2, seed=1)
    model = TorchMLPClassifier(**FAST).fit(X[:300], y[:300])
    assert model.score(X[300:], y[300:]) > 0.9
    assert model.n_features_in_ == 6
    assert model.predict_proba(X[300:]).shape == (100, 2)


def test_mlp_classifier_multiclass_string_labels():
    X, codes = blobs(450, 3, seed=2)
    labels = np.array(["양호", "버", "크랙"], dtype=object)[codes]
    model = TorchMLPClassifier(class_weight="balanced", **FAST).fit(X[:300], labels[:300])
    assert model.classes_.tolist() == sorted(["양호", "버", "크랙"])
    proba = model.predict_proba(X[300:])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert np.array_equal(model.predict(X[300:]), model.classes_[proba.argmax(axis=1)])
    assert model.score(X[300:], labels[300:]) > 0.9


def test_mlp_regressor_fits_a_linear_target_in_plant_units():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(400, 5))
    y = 800.0 + 40.0 * (X @ np.array([1.0, -2.0, 0.5, 0.0, 1.5])) + rng.normal(scale=10.0, size=400)
    model = TorchMLPRegressor(**FAST).fit(X[:300], y[:300])
    assert r2_score(y[300:], model.predict(X[300:])) > 0.8
    assert model.predict(X[300:]).shape == (100,)


def test_clone_and_params_round_trip():
    def callback(epoch: int, loss: float) -> None:
        return None

    model = TorchMLPClassifier(hidden_layer_sizes=(8,), class_weight="balanced", epoch_callback=callback)
    params = model.get_params()
    assert params["hidden_layer_sizes"] == (8,)
    assert params["epoch_callback"] is callback
    copy = clone(model)
    assert copy.get_params() == params
    copy.set_params(dropout=0.3, patience=4)
    assert (copy.dropout, copy.patience, model.dropout) == (0.3, 4, 0.1)

    X, y = blobs(120, 2, seed=4)
    fitted = model.set_params(max_epochs=3).fit(X, y)
    with pytest.raises(NotFittedError):
        clone(fitted).predict(X)


def test_same_seed_gives_identical_predictions():
    X, y = blobs(200, 2, seed=5)
    first = TorchMLPClassifier(random_state=7, max_epochs=10).fit(X, y).predict_proba(X)
    again = TorchMLPClassifier(random_state=7, max_epochs=10).fit(X, y).predict_proba(X)
    other = TorchMLPClassifier(random_state=8, max_epochs=10).fit(X, y).predict_proba(X)
    assert np.array_equal(first, again)
    assert not np.allclose(first, other)


def test_early_stopping_on_noise_stops_and_restores_the_best_epoch():
    rng = np.random.default_rng(6)
    X, y = rng.normal(size=(300, 8)), rng.normal(size=300)
    params = {"learning_rate": 1e-2, "patience": 5, "device": "cpu"}
    stopped = TorchMLPRegressor(max_epochs=200, **params).fit(X, y)
    assert stopped.n_epochs_ < 200
    assert stopped.n_epochs_ == stopped.best_epoch_ + 1 + 5
    assert stopped.best_val_loss_ == min(stopped.validation_loss_curve_)
    # Training is deterministic, so a run cut at the best epoch holds exactly the restored weights.
    cut = TorchMLPRegressor(max_epochs=stopped.best_epoch_ + 1, **params).fit(X, y)
    assert np.array_equal(stopped.predict(X), cut.predict(X))


@pytest.mark.parametrize("dumps, loads", [(pickle.dumps, pickle.loads), (cloudpickle.dumps, pickle.loads)])
def test_pickle_round_trip_predicts_identically(dumps, loads):
    X, y = blobs(150, 3, seed=7)
    model = TorchMLPClassifier(max_epochs=5).fit(X, y)
    state = model.__getstate__()
    assert "module_" not in state
    assert all(isinstance(w, np.ndarray) for w in state["_module_weights"].values())
    restored = loads(dumps(model))
    assert np.array_equal(restored.predict_proba(X), model.predict_proba(X))
    assert {p.device.type for p in restored.module_.parameters()} == {"cpu"}
    assert restored.get_params() == model.get_params()
    assert "module_" in vars(model)


def test_epoch_callback_raising_stops_training_and_leaves_model_unfitted():
    seen: list[tuple[int, float]] = []

    class Pruned(Exception):
        pass

    def prune_at_three(epoch: int, loss: float) -> None:
        seen.append((epoch, loss))
        if epoch == 3:
            raise Pruned

    X, y = blobs(150, 2, seed=8)
    model = TorchMLPClassifier(max_epochs=50, epoch_callback=prune_at_three)
    with pytest.raises(Pruned):
        model.fit(X, y)
    assert [epoch for epoch, _ in seen] == [0, 1, 2, 3]
    assert all(np.isfinite(loss) for _, loss in seen)
    with pytest.raises(NotFittedError):
        model.predict(X)


def test_n_threads_is_restored_after_fit():
    X, y = blobs(100, 2, seed=9)
    TorchMLPClassifier(max_epochs=2, n_threads=2).fit(X, y)
    assert torch.get_num_threads() == 1


def test_device_auto_records_the_device_used():
    X, y = blobs(100, 2, seed=9)
    model = TorchMLPClassifier(max_epochs=2).fit(X, y)
    assert model.device_ == ("cuda" if torch.cuda.is_available() else "cpu")


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_asking_for_a_missing_gpu_names_the_fix():
    X, y = blobs(100, 2, seed=9)
    with pytest.raises(TorchInputError, match="device='auto'"):
        TorchMLPClassifier(max_epochs=2, device="cuda").fit(X, y)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_gpu_trained_model_is_stored_and_predicts_on_cpu():
    X, y = blobs(200, 2, seed=9)
    model = TorchMLPClassifier(max_epochs=20, device="cuda").fit(X, y)
    assert model.device_.startswith("cuda")
    assert {p.device.type for p in model.module_.parameters()} == {"cpu"}
    restored = pickle.loads(pickle.dumps(model))
    assert np.array_equal(restored.predict_proba(X), model.predict_proba(X))
    assert model.score(X, y) > 0.9


def curve_frame(n: int, seed: int) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Press-load curves of unequal length; class 1 has a bump mid-stroke whose height is the target."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, size=n)
    height = np.where(y == 1, rng.uniform(0.8, 1.6, size=n), 0.0)
    loads, strokes = [], []
    for i in range(n):
        t = np.linspace(0.0, 1.0, rng.integers(80, 160))
        load = (
            np.sin(np.pi * t) + height[i] * np.exp(-(((t - 0.5) / 0.05) ** 2)) + rng.normal(0, 0.05, t.size)
        )
        load[rng.integers(0, t.size, 3)] = np.nan
        loads.append(load)
        strokes.append(t * 30 + rng.normal(0, 0.2, t.size))
    temperature = rng.normal(220.0, 5.0, size=n)
    temperature[::17] = np.nan
    frame = pd.DataFrame({"하중": loads, "변위": strokes, "금형온도": temperature})
    return frame, y, height


def test_cnn_classifier_finds_the_bump_on_unequal_curves():
    frame, y, _ = curve_frame(240, seed=10)
    model = TorchCNN1DClassifier(length=64, n_filters=8, max_epochs=40, learning_rate=3e-3, device="cpu")
    model.fit(frame[:160], y[:160])
    assert model.channels_ == ["하중", "변위"]
    assert model.scalar_columns_ == ["금형온도"]
    test = frame[160:]
    assert model.score(test, y[160:]) > 0.9
    shuffled = test[["금형온도", "변위", "하중"]].assign(lot="A-1")
    assert np.array_equal(model.predict_proba(shuffled), model.predict_proba(test))
    restored = pickle.loads(pickle.dumps(model))
    assert np.array_equal(restored.predict(test), model.predict(test))


def test_cnn_regressor_measures_the_bump():
    frame, _, height = curve_frame(240, seed=11)
    model = TorchCNN1DRegressor(
        channels=["하중"], length=64, n_filters=8, max_epochs=40, learning_rate=3e-3, device="cpu"
    )
    model.fit(frame[["하중", "금형온도"]][:160], height[:160])
    assert model.scalar_columns_ == ["금형온도"]
    assert r2_score(height[160:], model.predict(frame[160:])) > 0.8


def test_cnn_reads_an_array_of_equal_curves_as_the_frame_of_the_same_curves():
    """The scikit-learn contract checks feed arrays: (cycles, channels, samples), one channel when 2-D."""
    rng = np.random.default_rng(13)
    curves = rng.normal(size=(60, 2, 40))
    y = (curves[:, 0, 15:25].mean(axis=1) > 0).astype(int)
    frame = pd.DataFrame({"c0": list(curves[:, 0]), "c1": list(curves[:, 1])})
    options = {"length": 32, "n_filters": 4, "max_epochs": 3, "device": "cpu"}
    from_array = TorchCNN1DClassifier(**options).fit(curves, y)
    from_frame = TorchCNN1DClassifier(**options).fit(frame, y)
    assert from_array.n_features_in_ == 2 and from_array.channels_ == ["c0", "c1"]
    np.testing.assert_allclose(from_array.predict_proba(curves), from_frame.predict_proba(frame), rtol=1e-6)
    one = TorchCNN1DClassifier(**options).fit(curves[:, 0], y)
    assert one.n_features_in_ == 40 and one.channels_ == ["c0"]
    with pytest.raises(ValueError, match="expecting 40 features"):
        one.predict(curves[:, 0, :30])


def test_cnn_rejects_text_columns_and_missing_channels():
    frame, y, _ = curve_frame(30, seed=12)
    with pytest.raises(TorchInputError, match="lot"):
        TorchCNN1DClassifier(max_epochs=1).fit(frame.assign(lot="A-1"), y)
    model = TorchCNN1DClassifier(length=16, max_epochs=1).fit(frame, y)
    with pytest.raises(TorchInputError, match="하중"):
        model.predict(frame.drop(columns="하중"))


def anomaly_data(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Good parts lie near a 3-D subspace of 10 process values; defects break that correlation."""
    rng = np.random.default_rng(seed)
    mixing = rng.normal(size=(3, 10))

    def good(n: int) -> np.ndarray:
        return rng.normal(size=(n, 3)) @ mixing + rng.normal(scale=0.1, size=(n, 10))

    def bad(n: int) -> np.ndarray:
        return good(n) + rng.normal(scale=0.5, size=(n, 10))

    X_train = np.vstack([good(400), bad(20)])
    y_train = np.r_[np.zeros(400), np.ones(20)].astype(int)
    X_test = np.vstack([good(200), bad(20)])
    y_test = np.r_[np.zeros(200), np.ones(20)].astype(int)
    return X_train, y_train, X_test, y_test


def test_autoencoder_flags_injected_anomalies_after_fitting_on_good_rows_only():
    X_train, y_train, X_test, y_test = anomaly_data(seed=13)
    params = {"max_epochs": 60, "learning_rate": 3e-3, "dropout": 0.0, "device": "cpu"}
    model = TorchAutoencoderAnomaly(**params).fit(X_train, y_train)
    only_good = TorchAutoencoderAnomaly(**params).fit(X_train[y_train == 0])
    assert np.array_equal(model.score_samples(X_test), only_good.score_samples(X_test))

    score = model.score_samples(X_test)
    assert roc_auc_score(y_test, score) > 0.9
    np.testing.assert_allclose(model.decision_function(X_test), score - model.threshold_)
    assert np.array_equal(model.predict(X_test), (score > model.threshold_).astype(int))
    assert model.predict(X_test)[y_test == 1].mean() > 0.8
    assert model.predict(X_test)[y_test == 0].mean() < 0.05
    proba = model.predict_proba(X_test)
    assert ((proba >= 0) & (proba <= 1)).all()
    assert np.array_equal(np.argsort(proba[:, 1], kind="stable"), np.argsort(score, kind="stable"))
    assert model.classes_.tolist() == [0, 1]
    assert model.predict_proba(X_train[y_train == 0]).mean(axis=0)[0] > 0.5


def test_autoencoder_rejects_labels_other_than_zero_and_one():
    X, _, _, _ = anomaly_data(seed=14)
    with pytest.raises(EstimatorInputError, match="0 \\(good\\) or 1 \\(defect\\)"):
        TorchAutoencoderAnomaly(max_epochs=1).fit(X, np.where(np.arange(len(X)) % 2, "OK", "NG"))


def test_without_torch_the_module_imports_and_fit_names_the_fix(monkeypatch):
    # A scoring-only install has no torch: the classes must still import, construct and clone.
    package = importlib.import_module("axpoc.models")
    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` raise ImportError
    for name in ("_torch", "_torch_base"):
        monkeypatch.delitem(sys.modules, f"axpoc.models.{name}")
        monkeypatch.setattr(package, name, getattr(package, name))  # restored after the test
    fresh = importlib.import_module("axpoc.models._torch")
    model = clone(fresh.TorchCNN1DClassifier(channels=["하중"], length=64))
    assert model.get_params()["channels"] == ["하중"]
    with pytest.raises(UserError, match=r"axpoc\[dl\]"):
        model.fit(pd.DataFrame({"하중": [np.zeros(3), np.ones(3)]}), [0, 1])
