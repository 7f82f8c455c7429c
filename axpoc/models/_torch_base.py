"""Training loop, device handling and CPU-only persistence shared by axpoc's PyTorch estimators.

torch is imported inside functions only: the classes must import in a scoring-only install without
torch, and ``axpoc --help`` must not pay torch's import time.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from scipy.special import softmax
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.model_selection import StratifiedShuffleSplit
from sklearn.utils import Tags, check_random_state
from sklearn.utils._param_validation import Interval
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from axpoc.errors import UserError
from axpoc.models._adapters import EstimatorInputError

if TYPE_CHECKING:
    import torch

_PREDICT_CHUNK = 8192

EpochCallback = Callable[[int, float], None]


class TorchInputError(EstimatorInputError):
    """Bad data or settings for a torch estimator (a `UserError` and a ``ValueError``)."""


def _require_torch(owner: str) -> None:
    """Turn a missing torch (a scoring-only install) into a message that names the fix."""
    try:
        importlib.import_module("torch")
    except ImportError as error:
        raise UserError(
            f"{owner} needs PyTorch, which is not installed in this Python environment; install it with "
            '`pip install "axpoc[dl]"` (torch==2.13.0) and run again.'
        ) from error


@contextmanager
def _torch_threads(n_threads: int | None) -> Iterator[None]:
    """Use ``n_threads`` torch threads inside the block and restore the previous count afterwards."""
    import torch

    if n_threads is None:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(n_threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _resolve_device(device: str) -> torch.device:
    import torch

    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    resolved = torch.device(device)
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise TorchInputError(
            f"device={device!r} was requested but torch sees no CUDA GPU on this machine; "
            "set device='auto' (GPU when present, else CPU) or device='cpu'."
        )
    return resolved


def _validation_split(
    n_samples: int, fraction: float, rng: np.random.RandomState, stratify: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray | None]:
    """Split row indices into training and early-stopping parts; no split when either would be empty."""
    n_val = math.ceil(fraction * n_samples)
    if n_val == 0 or n_val >= n_samples:
        return np.arange(n_samples), None
    if stratify is not None:
        counts = np.bincount(stratify)
        n_classes = np.count_nonzero(counts)
        if counts[counts > 0].min() >= 2 and min(n_val, n_samples - n_val) >= n_classes:
            splitter = StratifiedShuffleSplit(n_splits=1, test_size=n_val, random_state=rng)
            train, val = next(splitter.split(np.zeros(n_samples), stratify))
            return train, val
    order = rng.permutation(n_samples)
    return order[n_val:], order[:n_val]


class _TorchEstimator(BaseEstimator):
    """Base of the torch estimators: fit bookkeeping, early-stopped training and CPU persistence.

    Subclasses provide the input side (``_fit_inputs``/``_inputs``: arrays ready for the network),
    the network (``_architecture``/``_build_module``/``_forward``) and the task (``_fit``). The fitted network is ``module_``,
    always on CPU in eval mode; ``architecture_`` holds the keyword arguments that rebuild it, so a
    pickle stores weights as numpy arrays and does not depend on where the model was trained.
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "patience": [Interval(Integral, 1, None, closed="left")],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "random_state": ["random_state"],
        "device": [str],
        "n_threads": [Interval(Integral, 1, None, closed="left"), None],
        "epoch_callback": [callable, None],
        "verbose": ["verbose"],
    }
    """The training parameters every torch estimator shares; checked at the start of ``fit``."""

    _y_checks: ClassVar[dict[str, bool]] = {}
    """Keyword arguments for validating y (``validate_data``): what the task accepts as a target."""

    # Hooks -------------------------------------------------------------------------------------------
    def _fit(self, X: Any, y: Any) -> None:
        raise NotImplementedError

    def _fit_inputs(self, X: Any, y: Any) -> tuple[list[np.ndarray], np.ndarray]:
        """Validate X and y, learn the input preprocessing, return the network inputs and y."""
        raise NotImplementedError

    def _inputs(self, X: Any) -> list[np.ndarray]:
        """Network inputs for X with the preprocessing learned in fit."""
        raise NotImplementedError

    def _architecture(self, n_outputs: int) -> dict[str, Any]:
        raise NotImplementedError

    @staticmethod
    def _build_module(**architecture: Any) -> torch.nn.Module:
        raise NotImplementedError

    @staticmethod
    def _forward(module: torch.nn.Module, inputs: list[torch.Tensor]) -> torch.Tensor:
        return module(inputs[0])

    # scikit-learn API --------------------------------------------------------------------------------
    def fit(self, X: Any, y: Any = None) -> _TorchEstimator:
        """Fit on ``X`` (and ``y``); an exception (e.g. from ``epoch_callback``) leaves it unfitted."""
        _require_torch(type(self).__name__)
        self._clear_fitted()
        self._validate_params()
        try:
            self._fit(X, y)
        except BaseException:
            self._clear_fitted()
            raise
        return self

    def _clear_fitted(self) -> None:
        for name in [key for key in vars(self) if key.endswith("_") and not key.startswith("__")]:
            delattr(self, name)

    # Training ----------------------------------------------------------------------------------------
    def _train(
        self,
        inputs: list[np.ndarray],
        target: np.ndarray,
        loss_fn: torch.nn.Module,
        *,
        stratify: np.ndarray | None,
    ) -> None:
        """Train ``_build_module(**architecture_)`` with AdamW and early stopping; sets the fitted state.

        The loss monitored for early stopping (and passed to ``epoch_callback``) is the loss on an inner
        validation split of ``validation_fraction`` of the rows; with no split (tiny data or fraction 0)
        it is the training loss. The weights of the epoch with the lowest monitored loss are kept.
        """
        import torch

        rng = check_random_state(self.random_state)
        train_idx, val_idx = _validation_split(len(target), self.validation_fraction, rng, stratify)
        seed = int(rng.randint(np.iinfo(np.int32).max))
        device = _resolve_device(self.device)
        rng_devices = []
        if device.type == "cuda":
            rng_devices = [torch.cuda.current_device() if device.index is None else device.index]

        with _torch_threads(self.n_threads), torch.random.fork_rng(devices=rng_devices):
            torch.manual_seed(seed)
            shuffler = torch.Generator().manual_seed(seed)
            data = [torch.tensor(array, dtype=torch.float32) for array in inputs]
            labels = torch.tensor(target, dtype=torch.float32 if target.dtype.kind == "f" else torch.int64)
            train_rows = torch.as_tensor(train_idx)
            module = self._build_module(**self.architecture_).to(device)
            loss_fn = loss_fn.to(device)
            optimizer = torch.optim.AdamW(
                module.parameters(), lr=self.learning_rate, weight_decay=self.weight_decay
            )
            train_curve: list[float] = []
            val_curve: list[float] = []
            best_loss, best_epoch, best_state = math.inf, 0, None
            for epoch in range(self.max_epochs):
                module.train()
                total = torch.zeros((), device=device)
                order = train_rows[torch.randperm(len(train_rows), generator=shuffler)]
                for start in range(0, len(order), self.batch_size):
                    rows = order[start : start + self.batch_size]
                    output = self._forward(module, [part[rows].to(device) for part in data])
                    loss = loss_fn(output, labels[rows].to(device))
                    optimizer.zero_grad(set_to_none=True)
                    loss.backward()
                    optimizer.step()
                    total += loss.detach() * len(rows)
                train_curve.append(total.item() / len(order))
                if val_idx is None:
                    monitored = train_curve[-1]
                else:
                    monitored = self._evaluate(module, data, labels, val_idx, loss_fn, device)
                    val_curve.append(monitored)
                if self.verbose:
                    print(
                        f"{type(self).__name__} epoch {epoch}: loss {train_curve[-1]:.5f}, monitored {monitored:.5f}"
                    )
                if monitored < best_loss:
                    best_loss, best_epoch = monitored, epoch
                    best_state = {k: v.detach().clone() for k, v in module.state_dict().items()}
                if self.epoch_callback is not None:
                    self.epoch_callback(epoch, monitored)
                if epoch - best_epoch >= self.patience:
                    break
            if best_state is None:
                raise TorchInputError(
                    f"{type(self).__name__} diverged: the loss was never finite. Check the input for "
                    "extreme values (scale the features) or lower learning_rate."
                )
            module.load_state_dict(best_state)

        self.module_ = module.cpu().double().eval()
        self.n_epochs_ = len(train_curve)
        self.best_epoch_ = best_epoch
        self.best_val_loss_ = best_loss
        self.loss_curve_ = train_curve
        self.validation_loss_curve_ = val_curve
        self.device_ = str(device)

    def _evaluate(
        self,
        module: torch.nn.Module,
        data: list[torch.Tensor],
        labels: torch.Tensor,
        rows: np.ndarray,
        loss_fn: torch.nn.Module,
        device: torch.device,
    ) -> float:
        import torch

        module.eval()
        index = torch.as_tensor(rows)
        with torch.no_grad():
            outputs = [
                self._forward(module, [part[chunk].to(device) for part in data])
                for chunk in index.split(_PREDICT_CHUNK)
            ]
            return float(loss_fn(torch.cat(outputs), labels[index].to(device)))

    def _network_output(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "module_")
        return self._run_module(self._inputs(X))

    def _run_module(self, inputs: list[np.ndarray]) -> np.ndarray:
        """Network output on CPU, where ``module_`` lives.

        Inference runs in float64 so a row scores the same alone (HTTP) as inside a batch file: float32
        matrix kernels round differently for different batch sizes, enough to flip a part sitting on
        the decision threshold.
        """
        import torch

        with _torch_threads(self.n_threads), torch.inference_mode():
            data = [torch.tensor(array, dtype=torch.float64) for array in inputs]
            outputs = [
                self._forward(self.module_, [part[start : start + _PREDICT_CHUNK] for part in data])
                for start in range(0, len(data[0]), _PREDICT_CHUNK)
            ]
            return torch.cat(outputs).numpy()

    # Persistence -------------------------------------------------------------------------------------
    def __getstate__(self) -> dict[str, Any]:
        state = dict(super().__getstate__())
        module = state.pop("module_", None)
        if module is not None:
            state["_module_weights"] = {
                name: tensor.detach().cpu().numpy().copy() for name, tensor in module.state_dict().items()
            }
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        weights = state.pop("_module_weights", None)
        super().__setstate__(state)
        if weights is not None:
            _require_torch(type(self).__name__)
            import torch

            module = self._build_module(**self.architecture_).double()
            module.load_state_dict({name: torch.from_numpy(array) for name, array in weights.items()})
            self.module_ = module.eval()


class _TorchClassifier(ClassifierMixin, _TorchEstimator):
    """Softmax classifier on top of an input side; labels may be any sortable type (str, int, bool)."""

    def _fit(self, X: Any, y: Any) -> None:
        import torch

        inputs, y = self._fit_inputs(X, y)
        check_classification_targets(y)
        classes, encoded = np.unique(y, return_inverse=True)
        if len(classes) < 2:
            raise TorchInputError(
                f"{type(self).__name__} needs at least two classes in y, but y holds only one class "
                f"({classes[0]}); check the label column or the split (a rare defect class may be missing "
                "from a small training part)."
            )
        weight = None
        if self.class_weight is not None:
            weight = torch.as_tensor(
                compute_class_weight(self.class_weight, classes=classes, y=y), dtype=torch.float32
            )
        self.classes_ = classes
        self.architecture_ = self._architecture(len(classes))
        self._train(
            inputs, encoded.astype(np.int64), torch.nn.CrossEntropyLoss(weight=weight), stratify=encoded
        )

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, columns in the order of ``classes_``."""
        return softmax(self._network_output(X), axis=1)

    def predict(self, X: Any) -> np.ndarray:
        """Most probable class label per row."""
        scores = self._network_output(X)
        return self.classes_[np.argmax(scores, axis=1)]


class _TorchRegressor(RegressorMixin, _TorchEstimator):
    """Regressor that standardises y internally, so learning_rate means the same for any target unit."""

    _y_checks: ClassVar[dict[str, bool]] = {"y_numeric": True, "multi_output": True}

    def _fit(self, X: Any, y: Any) -> None:
        import torch

        inputs, y = self._fit_inputs(X, y)
        targets = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
        mean, scale = targets.mean(axis=0), targets.std(axis=0)
        scale[scale == 0] = 1.0
        self.y_mean_, self.y_scale_ = mean, scale
        self.n_outputs_ = targets.shape[1]
        self.architecture_ = self._architecture(self.n_outputs_)
        standardised = ((targets - mean) / scale).astype(np.float32)
        self._train(inputs, standardised, torch.nn.MSELoss(), stratify=None)

    def predict(self, X: Any) -> np.ndarray:
        """Predicted target; 1-D when the model has a single output."""
        prediction = self._network_output(X) * self.y_scale_ + self.y_mean_
        return prediction.ravel() if self.n_outputs_ == 1 else prediction

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
