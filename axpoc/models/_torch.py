"""PyTorch estimators with scikit-learn's contract: a tabular MLP, a 1D-CNN over sensor curves, an autoencoder.

They drop into the same pipelines, comparison and tuning as any scikit-learn estimator. Training
parameters shared by all of them:

- ``dropout``, ``learning_rate``, ``weight_decay`` (AdamW), ``batch_size``;
- ``max_epochs`` and ``patience``: training stops after ``patience`` epochs without a lower loss on an
  inner validation split of ``validation_fraction`` of the rows (stratified for classifiers), and the
  weights of the best epoch are restored;
- ``random_state``: the same integer gives identical predictions on CPU (GPU kernels may differ);
- ``device``: ``"auto"`` trains on CUDA when available, else CPU; the fitted network always ends on
  CPU, so a GPU-trained model predicts on a CPU-only PC; ``device_`` records where it trained;
- ``n_threads``: torch threads during fit/predict, restored afterwards; ``None`` leaves torch alone;
- ``epoch_callback(epoch, monitored_loss)``: called after every epoch (epoch counts from 0); an
  exception it raises (e.g. ``optuna.TrialPruned``) stops training and propagates. It is an ordinary
  parameter: clone copies it and pickle stores it, so set it back to ``None`` before saving a model
  whose callback holds an Optuna trial;
- ``verbose``: print the losses of each epoch.

Fitted attributes shared by all: ``module_`` (the CPU network), ``architecture_``, ``n_features_in_``,
``n_epochs_``, ``best_epoch_``, ``best_val_loss_``, ``loss_curve_``, ``validation_loss_curve_``,
``device_``.
"""

from __future__ import annotations

from numbers import Real
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import numpy as np
import pandas as pd
from sklearn.base import ClassifierMixin
from sklearn.utils import Tags
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_array, check_is_fitted, column_or_1d, validate_data

from axpoc._columns import curve_columns
from axpoc.features import curve_array_frame
from axpoc.models._adapters import AnomalyScoreMixin, good_rows
from axpoc.models._torch_base import (
    EpochCallback,
    TorchInputError,
    _TorchClassifier,
    _TorchEstimator,
    _TorchRegressor,
)

if TYPE_CHECKING:
    import torch

__all__ = [
    "TorchAutoencoderAnomaly",
    "TorchCNN1DClassifier",
    "TorchCNN1DRegressor",
    "TorchInputError",
    "TorchMLPClassifier",
    "TorchMLPRegressor",
]

ClassWeight = Literal["balanced"] | dict[Any, float] | None


# Networks --------------------------------------------------------------------------------------------
def _build_mlp(
    *, n_inputs: int, hidden_layer_sizes: tuple[int, ...], dropout: float, n_outputs: int
) -> torch.nn.Sequential:
    from torch import nn

    layers: list[nn.Module] = []
    width = n_inputs
    for size in hidden_layer_sizes:
        layers += [nn.Linear(width, size), nn.ReLU(), nn.Dropout(dropout)]
        width = size
    layers.append(nn.Linear(width, n_outputs))
    return nn.Sequential(*layers)


def _build_cnn(
    *,
    n_channels: int,
    n_scalars: int,
    n_filters: int,
    kernel_size: int,
    n_blocks: int,
    dropout: float,
    n_outputs: int,
) -> torch.nn.ModuleDict:
    """Conv blocks over the curves, then mean+max pooling over time joined with the scalar columns."""
    from torch import nn

    layers: list[nn.Module] = []
    width = n_channels
    for block in range(n_blocks):
        out = n_filters * 2**block
        layers += [
            nn.Conv1d(width, out, kernel_size, padding=kernel_size // 2),
            nn.ReLU(),
            nn.MaxPool1d(2, ceil_mode=True),
        ]
        width = out
    joined = 2 * width + n_scalars
    head = nn.Sequential(
        nn.Dropout(dropout),
        nn.Linear(joined, joined),
        nn.ReLU(),
        nn.Dropout(dropout),
        nn.Linear(joined, n_outputs),
    )
    return nn.ModuleDict({"trunk": nn.Sequential(*layers), "head": head})


def _build_autoencoder(
    *, n_inputs: int, hidden: tuple[int, ...], encoding_dim: int, dropout: float
) -> torch.nn.Sequential:
    from torch import nn

    encoder = _build_mlp(
        n_inputs=n_inputs, hidden_layer_sizes=hidden, dropout=dropout, n_outputs=encoding_dim
    )
    decoder = _build_mlp(
        n_inputs=encoding_dim, hidden_layer_sizes=hidden[::-1], dropout=dropout, n_outputs=n_inputs
    )
    return nn.Sequential(encoder, decoder)


def _layer_sizes(name: str, sizes: Any) -> tuple[int, ...]:
    result = tuple(int(size) for size in sizes)
    if any(size < 1 for size in result):
        raise TorchInputError(f"{name}={sizes!r} must contain only positive layer widths, e.g. (64, 32).")
    return result


# Input sides -----------------------------------------------------------------------------------------
class _TabularInput:
    """A numeric 2-D array (or DataFrame) already imputed and scaled by the upstream pipeline."""

    def _validate_X(self, X: Any, *, reset: bool) -> np.ndarray:
        return validate_data(self, X, reset=reset, dtype=(np.float64, np.float32))

    def _fit_inputs(self, X: Any, y: Any) -> tuple[list[np.ndarray], np.ndarray]:
        X, y = validate_data(self, X, y, dtype=(np.float64, np.float32), **self._y_checks)
        return [X], y

    def _inputs(self, X: Any) -> list[np.ndarray]:
        return [self._validate_X(X, reset=False)]


class _MLPNet(_TabularInput):
    _build_module = staticmethod(_build_mlp)

    def _architecture(self, n_outputs: int) -> dict[str, Any]:
        return {
            "n_inputs": self.n_features_in_,
            "hidden_layer_sizes": _layer_sizes("hidden_layer_sizes", self.hidden_layer_sizes),
            "dropout": float(self.dropout),
            "n_outputs": n_outputs,
        }


def _resample(cell: Any, grid: np.ndarray) -> np.ndarray:
    """One curve linearly interpolated onto ``grid`` (positions in [0, 1]); NaN samples are bridged."""
    if np.ndim(cell) == 0 and pd.isna(cell):
        return np.full(len(grid), np.nan)
    values = np.asarray(cell, dtype=np.float64).ravel()
    finite = np.isfinite(values)
    if not finite.any():
        return np.full(len(grid), np.nan)
    positions = np.linspace(0.0, 1.0, len(values))
    return np.interp(grid, positions[finite], values[finite])


def _standardise(values: np.ndarray, axis: tuple[int, ...] | int) -> tuple[np.ndarray, np.ndarray]:
    """NaN-aware mean and scale; constant or empty columns get mean 0 / scale 1 instead of NaN."""
    values = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(values)
    count = finite.sum(axis=axis)
    filled = np.where(finite, values, 0.0)
    mean = np.divide(filled.sum(axis=axis), count, out=np.zeros(count.shape), where=count > 0)
    centred = np.where(finite, values - np.expand_dims(mean, axis), 0.0)
    var = np.divide((centred**2).sum(axis=axis), count, out=np.zeros(count.shape), where=count > 0)
    scale = np.sqrt(var)
    scale[scale == 0] = 1.0
    return mean, scale


class _CurveInput:
    """Curves, one row per cycle: a DataFrame whose curve columns hold 1-D arrays (plus numeric scalar
    columns), or an array of equally sampled curves: 2-D (cycles, samples) for one channel, 3-D (cycles,
    channels, samples) for several, named ``c0``, ``c1``, ...; NaN marks a missing sample."""

    def _frame(self, X: Any, *, reset: bool) -> pd.DataFrame:
        if isinstance(X, pd.DataFrame):
            return X
        values = validate_data(
            self, X, reset=reset, dtype=np.float64, allow_nd=True, ensure_all_finite="allow-nan"
        )
        return curve_array_frame(values, owner=type(self).__name__, error=TorchInputError)

    def _target(self, y: Any, n_rows: int) -> np.ndarray:
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None.")
        y_numeric = self._y_checks.get("y_numeric", False)
        y = check_array(y, ensure_2d=False, dtype="numeric" if y_numeric else None, input_name="y")
        if not self._y_checks.get("multi_output", False):
            y = column_or_1d(y, warn=True)
        if len(y) != n_rows:
            raise TorchInputError(f"X has {n_rows} rows but y has {len(y)}; pass one label per cycle.")
        return y

    def _fit_inputs(self, X: Any, y: Any) -> tuple[list[np.ndarray], np.ndarray]:
        frame = self._frame(X, reset=True)
        y = self._target(y, len(frame))
        if self.channels is None:
            channels = curve_columns(frame)
        else:
            channels = [self.channels] if isinstance(self.channels, str) else list(self.channels)
        missing = [name for name in channels if name not in frame.columns]
        if missing or not channels:
            raise TorchInputError(
                f"{type(self).__name__}: curve channel columns {missing or channels} not found among "
                f"{list(frame.columns)}; name them with channels=[...] or store each curve as a 1-D array per cell."
            )
        scalars = [name for name in frame.columns if name not in channels]
        text = [name for name in scalars if not pd.api.types.is_numeric_dtype(frame[name])]
        if text:
            raise TorchInputError(
                f"{type(self).__name__}: columns {text} are neither curves nor numeric; drop or encode them "
                "before the model, or list the curve columns in channels=[...]."
            )
        if isinstance(X, pd.DataFrame):  # an array's were set by validate_data
            self.feature_names_in_ = np.asarray(frame.columns, dtype=object)
            self.n_features_in_ = frame.shape[1]
        self.channels_, self.scalar_columns_ = channels, scalars
        curves, scalar_values = self._curves(frame), self._scalars(frame)
        self.curve_mean_, self.curve_scale_ = _standardise(curves, axis=(0, 2))
        finite = np.where(np.isfinite(scalar_values), scalar_values, np.nan)
        with np.errstate(all="ignore"):
            medians = np.nanmedian(finite, axis=0) if len(scalars) else np.zeros(0)
        self.scalar_median_ = np.nan_to_num(medians, nan=0.0)
        self.scalar_mean_, self.scalar_scale_ = _standardise(scalar_values, axis=0)
        return self._standardised(curves, scalar_values), y

    def _curves(self, frame: pd.DataFrame) -> np.ndarray:
        grid = np.linspace(0.0, 1.0, self.length)
        curves = np.empty((len(frame), len(self.channels_), self.length))
        for j, name in enumerate(self.channels_):
            for i, cell in enumerate(frame[name].to_numpy()):
                curves[i, j] = _resample(cell, grid)
        return curves

    def _scalars(self, frame: pd.DataFrame) -> np.ndarray:
        try:
            return frame[self.scalar_columns_].astype(np.float64).to_numpy()
        except (TypeError, ValueError) as error:
            raise TorchInputError(
                f"{type(self).__name__}: scalar columns {self.scalar_columns_} must be numeric ({error}); "
                "fix the values or their type before scoring."
            ) from error

    def _inputs(self, X: Any) -> list[np.ndarray]:
        frame = self._frame(X, reset=False)
        missing = [name for name in [*self.channels_, *self.scalar_columns_] if name not in frame.columns]
        if missing:
            raise TorchInputError(
                f"{type(self).__name__}: columns {missing} are missing from the data to score; the model was "
                f"trained on {[*self.channels_, *self.scalar_columns_]}."
            )
        return self._standardised(self._curves(frame), self._scalars(frame))

    def _standardised(self, curves: np.ndarray, scalars: np.ndarray) -> list[np.ndarray]:
        """Standardise with the fit statistics; a missing curve sample or scalar becomes the fit's typical value."""
        curves = (curves - self.curve_mean_[:, None]) / self.curve_scale_[:, None]
        scalars = np.where(np.isfinite(scalars), scalars, self.scalar_median_)
        scalars = (scalars - self.scalar_mean_) / self.scalar_scale_
        return [np.nan_to_num(curves, nan=0.0), scalars]

    def _architecture(self, n_outputs: int) -> dict[str, Any]:
        return {
            "n_channels": len(self.channels_),
            "n_scalars": len(self.scalar_columns_),
            "n_filters": int(self.n_filters),
            "kernel_size": int(self.kernel_size),
            "n_blocks": int(self.n_blocks),
            "dropout": float(self.dropout),
            "n_outputs": n_outputs,
        }

    _build_module = staticmethod(_build_cnn)

    @staticmethod
    def _forward(module: torch.nn.Module, inputs: list[torch.Tensor]) -> torch.Tensor:
        import torch

        curves, scalars = inputs
        maps = module["trunk"](curves)
        return module["head"](torch.cat([maps.mean(dim=2), maps.amax(dim=2), scalars], dim=1))

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = True  # one channel of equally sampled curves
        tags.input_tags.three_d_array = True  # several channels
        tags.input_tags.allow_nan = True  # missing samples are bridged
        return tags


# Public estimators -----------------------------------------------------------------------------------
class TorchMLPClassifier(_MLPNet, _TorchClassifier):
    """Multilayer perceptron classifier (binary or multiclass) on numeric features.

    ``class_weight``: ``None``, ``"balanced"`` or ``{label: weight}``, weighting the cross-entropy so a
    rare defect class is not ignored. Training parameters: see :mod:`axpoc.models._torch`.
    """

    def __init__(
        self,
        *,
        hidden_layer_sizes: tuple[int, ...] = (64, 32),
        dropout: float = 0.1,
        learning_rate: float = 1e-3,
        weight_decay: float = 1e-4,
        batch_size: int = 128,
        max_epochs: int = 200,
        patience: int = 15,
        validation_fraction: float = 0.15,
        class_weight: ClassWeight = None,
        random_state: int | np.random.RandomState | None = 0,
        device: str = "auto",
        n_threads: int | None = None,
        epoch_callback: EpochCallback | None = None,
        verbose: int = 0,
    ) -> None:
        self.hidden_layer_sizes = hidden_layer_sizes
        self.dropout = dropout
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.class_weight = class_weight
        self.random_state = random_state
        self.device = device
        self.n_threads = n_threads
        self.epoch_callback = epoch_callback
        self.verbose = verbose


class TorchMLPRegressor(_MLPNet, _TorchRegressor):
    """Multilayer perceptron regressor; y (one or more columns) is standardised inside.

    Training parameters: see :mod:`axpoc.models._torch`.
    """

    def __init__(
        self,
        *,
        hidden_layer_sizes: tuple[int, ...] = (64, 32),
        dropout: float = 0.1,
        learning_rate: float = 1e-3,
        weight_decay: float = 1e-4,
        batch_size: int = 128,
        max_epochs: int = 200,
        patience: int = 15,
        validation_fraction: float = 0.15,
        random_state: int | np.random.RandomState | None = 0,
        device: str = "auto",
        n_threads: int | None = None,
        epoch_callback: EpochCallback | None = None,
        verbose: int = 0,
    ) -> None:
        self.hidden_layer_sizes = hidden_layer_sizes
        self.dropout = dropout
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.random_state = random_state
        self.device = device
        self.n_threads = n_threads
        self.epoch_callback = epoch_callback
        self.verbose = verbose


class TorchCNN1DClassifier(_CurveInput, _TorchClassifier):
    """1D-CNN classifier over per-cycle sensor curves plus optional scalar columns.

    X is a DataFrame, one row per cycle, or an array of equally sampled curves (2-D: one channel,
    3-D: cycles x channels x samples, channels named ``c0``, ``c1``, ...). ``channels`` names a frame's
    curve columns (``None``: every object column whose cells are arrays); every other column must be numeric and is joined after pooling
    (NaN -> fit median, then standardised). Each curve is resampled by linear interpolation to
    ``length`` points (NaN samples bridged) in fit and predict, so curves of any length score, and
    standardised per channel with statistics learned in fit. ``n_blocks`` conv blocks of
    ``n_filters * 2**block`` filters of width ``kernel_size``. ``class_weight`` as in
    :class:`TorchMLPClassifier`; training parameters: see :mod:`axpoc.models._torch`.
    """

    def __init__(
        self,
        *,
        channels: list[str] | None = None,
        length: int = 128,
        n_filters: int = 16,
        kernel_size: int = 7,
        n_blocks: int = 2,
        dropout: float = 0.1,
        learning_rate: float = 1e-3,
        weight_decay: float = 1e-4,
        batch_size: int = 128,
        max_epochs: int = 200,
        patience: int = 15,
        validation_fraction: float = 0.15,
        class_weight: ClassWeight = None,
        random_state: int | np.random.RandomState | None = 0,
        device: str = "auto",
        n_threads: int | None = None,
        epoch_callback: EpochCallback | None = None,
        verbose: int = 0,
    ) -> None:
        self.channels = channels
        self.length = length
        self.n_filters = n_filters
        self.kernel_size = kernel_size
        self.n_blocks = n_blocks
        self.dropout = dropout
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.class_weight = class_weight
        self.random_state = random_state
        self.device = device
        self.n_threads = n_threads
        self.epoch_callback = epoch_callback
        self.verbose = verbose


class TorchCNN1DRegressor(_CurveInput, _TorchRegressor):
    """1D-CNN regressor over per-cycle sensor curves; inputs as in :class:`TorchCNN1DClassifier`.

    y is standardised inside. Training parameters: see :mod:`axpoc.models._torch`.
    """

    def __init__(
        self,
        *,
        channels: list[str] | None = None,
        length: int = 128,
        n_filters: int = 16,
        kernel_size: int = 7,
        n_blocks: int = 2,
        dropout: float = 0.1,
        learning_rate: float = 1e-3,
        weight_decay: float = 1e-4,
        batch_size: int = 128,
        max_epochs: int = 200,
        patience: int = 15,
        validation_fraction: float = 0.15,
        random_state: int | np.random.RandomState | None = 0,
        device: str = "auto",
        n_threads: int | None = None,
        epoch_callback: EpochCallback | None = None,
        verbose: int = 0,
    ) -> None:
        self.channels = channels
        self.length = length
        self.n_filters = n_filters
        self.kernel_size = kernel_size
        self.n_blocks = n_blocks
        self.dropout = dropout
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.random_state = random_state
        self.device = device
        self.n_threads = n_threads
        self.epoch_callback = epoch_callback
        self.verbose = verbose


class TorchAutoencoderAnomaly(AnomalyScoreMixin, _TabularInput, ClassifierMixin, _TorchEstimator):
    """Autoencoder anomaly detector trained on good parts only, for defects too rare to learn directly.

    ``fit(X, y=None)`` learns to reconstruct the (internally standardised) rows; when y is given
    (0 = good, 1 = defect) only the y == 0 rows are used. ``threshold_`` is the
    ``contamination_quantile`` quantile of the reconstruction error on those rows.

    Sign convention: ``score_samples`` is the reconstruction error, *higher = more anomalous*, the
    opposite of scikit-learn's ``IsolationForest.score_samples``. ``decision_function`` is
    ``score_samples - threshold_`` (> 0: anomaly) and ``predict`` returns 1 for anomaly, 0 for normal,
    following the binary-classifier convention so the detector competes with classifiers on the same
    labels and metrics. ``predict_proba[:, 1]`` is ``score / (score + threshold_)``, a monotone squashing
    into [0, 1] that is 0.5 at the threshold: a score for ranking and ROC curves, not a calibrated
    probability. Training parameters: see :mod:`axpoc.models._torch`.
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        **_TorchEstimator._parameter_constraints,
        "contamination_quantile": [Interval(Real, 0, 1, closed="right")],
    }

    def __init__(
        self,
        *,
        encoding_dim: int = 8,
        hidden: tuple[int, ...] = (32,),
        contamination_quantile: float = 0.99,
        dropout: float = 0.1,
        learning_rate: float = 1e-3,
        weight_decay: float = 1e-4,
        batch_size: int = 128,
        max_epochs: int = 200,
        patience: int = 15,
        validation_fraction: float = 0.15,
        random_state: int | np.random.RandomState | None = 0,
        device: str = "auto",
        n_threads: int | None = None,
        epoch_callback: EpochCallback | None = None,
        verbose: int = 0,
    ) -> None:
        self.encoding_dim = encoding_dim
        self.hidden = hidden
        self.contamination_quantile = contamination_quantile
        self.dropout = dropout
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.random_state = random_state
        self.device = device
        self.n_threads = n_threads
        self.epoch_callback = epoch_callback
        self.verbose = verbose

    _build_module = staticmethod(_build_autoencoder)

    def _fit(self, X: Any, y: Any) -> None:
        import torch

        data = self._validate_X(X, reset=True)
        if y is not None:
            data = data[good_rows(type(self).__name__, y, len(data))]
        self.mean_, self.scale_ = _standardise(data, axis=0)
        self.classes_ = np.array([0, 1])
        self.architecture_ = {
            "n_inputs": self.n_features_in_,
            "hidden": _layer_sizes("hidden", self.hidden),
            "encoding_dim": int(self.encoding_dim),
            "dropout": float(self.dropout),
        }
        good = self._standardised(data)
        self._train([good], good, torch.nn.MSELoss(), stratify=None)
        self.threshold_ = float(np.quantile(self._errors(good), self.contamination_quantile))

    def _standardised(self, data: np.ndarray) -> np.ndarray:
        return (data - self.mean_) / self.scale_

    def _inputs(self, X: Any) -> list[np.ndarray]:
        return [self._standardised(self._validate_X(X, reset=False))]

    def _errors(self, standardised: np.ndarray) -> np.ndarray:
        return ((self._run_module([standardised]) - standardised) ** 2).mean(axis=1)

    def score_samples(self, X: Any) -> np.ndarray:
        """Mean squared reconstruction error per row: higher = more anomalous (unlike IsolationForest)."""
        check_is_fitted(self, "module_")
        return self._errors(self._inputs(X)[0])

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False
        tags.classifier_tags.multi_class = False
        return tags
