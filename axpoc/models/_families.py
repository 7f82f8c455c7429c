"""Candidate model families: a name, an estimator factory, an Optuna search space and size-adaptive defaults.

A config names candidates (``candidates: [lightgbm, random_forest]``); each name maps to a `Family`
here. The comparison asks a family whether it fits the task and data (`Family.applicable`, a reason
when not), takes its `defaults` for the data size (log them), overlays a tuning trial's `space` and
the config's fixed params, and `build`\\ s the estimator. Heavy libraries (LightGBM, torch) are
imported only in `build`.

Size tiers used by the defaults: *tiny* < 200 rows, *small* < 20,000, *large* otherwise. On tiny data
the libraries' own defaults do not learn (LightGBM and HistGradientBoosting need 20 rows per leaf, so
40 rows give a constant prediction); the defaults below shrink leaves, trees and networks with the
data instead. Defaults are chosen here, from the data's shape, never inside ``fit``.

Parameters for ``build`` are the estimator's own (``num_leaves``, ``C``, ``hidden_layer_sizes``);
a typo is a `UserError` naming the closest valid name. ``space`` returns such parameters too (the
trial's raw suggestions may be named differently, e.g. the MLP's ``n_layers`` and ``width``): to rebuild
the best trial, call ``space(optuna.trial.FixedTrial(study.best_params), ...)``.
"""

from __future__ import annotations

import difflib
import importlib.util
import math
from dataclasses import dataclass
from importlib import metadata
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import numpy as np

from axpoc.config import Task
from axpoc.errors import UserError
from axpoc.models._skip import SkipReason

if TYPE_CHECKING:
    import optuna

CLASSIFICATION = frozenset({"binary", "multiclass"})
SUPERVISED = frozenset({"binary", "multiclass", "regression"})
ANOMALY = frozenset({"anomaly"})
TINY_ROWS = 200
LARGE_ROWS = 20_000

Tier = Literal["tiny", "small", "large"]


def size_tier(n_rows: int) -> Tier:
    """The size class that picks defaults: tiny < 200 rows <= small < 20,000 rows <= large."""
    return "tiny" if n_rows < TINY_ROWS else "small" if n_rows < LARGE_ROWS else "large"


def _pinned(distribution: str) -> str:
    """``"name==version"`` of the installed distribution (local tags like ``+cpu`` dropped)."""
    try:
        return f"{distribution}=={metadata.version(distribution).split('+')[0]}"
    except metadata.PackageNotFoundError:
        return distribution


def _min_leaf(n_rows: int, n_classes: int) -> int:
    """Rows per leaf for boosting: the libraries' 20 from 500 rows per class, down to 3 on tiny data."""
    return int(np.clip(n_rows / max(n_classes, 1) // 25, 3, 20))


def _boosting_class_weight(task: Task) -> dict[str, Any]:
    """Binary boosting starts unweighted, whatever the comparison chose for rare defects.

    The decision threshold is chosen afterwards on the out-of-fold probabilities and the costs, and
    "balanced" weights (x15 for 3.4 % defects) distort exactly those probabilities: on ai4i2020 they
    cost LightGBM and HistGradientBoosting 0.01-0.02 average precision, in cross-validation and on the
    test part alike. A multiclass model decides by argmax, where weights lift the rare classes, so
    there the comparison's choice stands. Tuning tries both either way (`_class_weight_space`).
    """
    return {"class_weight": None} if task == "binary" else {}


def _class_weight_space(trial: optuna.Trial, task: Task) -> dict[str, Any]:
    """Whether "balanced" class weights help boosting is tuned, not assumed (classification only).

    With ``tuning.resample`` a trial may then weight the resampled classes too; cross-validation judges it.
    """
    if task not in CLASSIFICATION:
        return {}
    return {"class_weight": trial.suggest_categorical("class_weight", ["balanced", None])}


@dataclass(frozen=True)
class Family:
    """One candidate family. Subclasses supply ``defaults``, ``space`` and ``_estimator``.

    Fields: ``name`` (config name), ``label`` (display), ``tasks`` it handles, ``needs_scaling``
    (the pipeline standardises its inputs), ``uses_curves`` (consumes raw sensor curves; the others
    get curve features), ``reports_intermediate`` (takes an ``epoch_callback(epoch, loss)`` that may
    raise ``optuna.TrialPruned``; LightGBM does not, since its pruning hook needs an evaluation set
    inside ``fit``), ``max_rows``/``min_rows`` (outside them it is skipped, ``max_rows_reason`` says
    why), ``pip_requirements`` (pinned extra packages a saved model of this family needs).
    """

    name: str
    label: str
    tasks: frozenset[str]
    needs_scaling: bool = False
    uses_curves: bool = False
    reports_intermediate: bool = False
    max_rows: int | None = None
    max_rows_reason: str = ""  # a SkipReason says it in the report's language too
    min_rows: int = 10
    pip_requirements: tuple[str, ...] = ()

    open_params: ClassVar[bool] = False
    """True when the library itself accepts parameters beyond the estimator's declared ones."""
    tunable: ClassVar[bool] = True
    """False when there is nothing for Optuna to search (only trial 0 runs)."""
    combines_members: ClassVar[bool] = False
    """True for a blend of other families: `build_pipeline` builds it from ``params["members"]``."""

    def applicable(self, *, task: Task, n_rows: int, n_features: int, has_curves: bool) -> str | None:
        """None when the family can be compared on this data, else the reason (a `SkipReason`) it is skipped."""
        label = self.label
        if task not in self.tasks:
            others = ", ".join(f.name for f in FAMILIES.values() if task in f.tasks)
            return SkipReason("wrong_task", {"label": label, "task": task, "others": others})
        if self.uses_curves and not has_curves:
            return SkipReason("needs_curves", {"name": self.name})
        if n_features < 1:
            return SkipReason("no_features", {"label": label})
        for requirement in self.pip_requirements:
            module = requirement.split("==")[0]
            if importlib.util.find_spec(module) is None:
                return SkipReason(
                    "not_installed", {"label": label, "module": module, "requirement": requirement}
                )
        if self.max_rows is not None and n_rows > self.max_rows:
            why = self.max_rows_reason
            return SkipReason(
                "too_many_rows", {"label": label, "n_rows": n_rows, "max_rows": self.max_rows, "why": why}
            )
        if n_rows < self.min_rows:
            return SkipReason("too_few_rows", {"label": label, "n_rows": n_rows, "min_rows": self.min_rows})
        return None

    def defaults(
        self, *, task: Task, n_rows: int, n_features: int, n_classes: int, curve_length: int | None = None
    ) -> dict[str, Any]:
        """Estimator parameters suited to the data size (``n_classes`` 0 for regression/anomaly)."""
        raise NotImplementedError

    def space(self, trial: optuna.Trial, *, task: Task, n_rows: int) -> dict[str, Any]:
        """Estimator parameters suggested by ``trial``; ranges shrink with ``n_rows`` where it matters."""
        raise NotImplementedError

    def build(
        self,
        params: dict[str, Any],
        *,
        task: Task,
        random_state: int,
        n_jobs: int = 1,
        class_weight: str | None = None,
    ) -> Any:
        """An unfitted estimator for ``task`` with ``params`` set.

        ``class_weight`` ("balanced" or None) applies to classification where the family supports it
        (all but k-NN) and is ignored otherwise; ``n_jobs`` is the thread count (torch: ``n_threads``).
        """
        if task not in self.tasks:
            raise UserError(
                f"{self.label} cannot be built for a {task} task; it handles {sorted(self.tasks)}."
            )
        weight = class_weight if task in CLASSIFICATION else None
        estimator = self._estimator(task=task, random_state=random_state, n_jobs=n_jobs, class_weight=weight)
        routed = {self._route(key, task): value for key, value in params.items()}
        valid = estimator.get_params(deep=True)
        unknown = [key for key in params if self._route(key, task) not in valid]
        if unknown and not self.open_params:
            names = sorted({name.split("__")[-1] for name in valid})
            close = difflib.get_close_matches(unknown[0], names, n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise UserError(
                f"candidates ({self.name}).params: unknown parameter '{unknown[0]}'.{hint} "
                f"Valid parameters: {', '.join(names)}."
            )
        return estimator.set_params(**routed)

    def _estimator(self, *, task: Task, random_state: int, n_jobs: int, class_weight: str | None) -> Any:
        raise NotImplementedError

    def _route(self, key: str, task: Task) -> str:
        """The built estimator's name for a user-facing parameter (the same unless it is wrapped)."""
        return key


# Linear ---------------------------------------------------------------------------------------------
class _Logistic(Family):
    """L2 logistic regression (lbfgs). Defaults: C=1, max_iter=1000 at every size."""

    def defaults(
        self, *, task: Task, n_rows: int, n_features: int, n_classes: int, curve_length: int | None = None
    ) -> dict[str, Any]:
        return {"C": 1.0, "max_iter": 1000}

    def space(self, trial: optuna.Trial, *, task: Task, n_rows: int) -> dict[str, Any]:
        return {"C": trial.suggest_float("C", 1e-3, 1e2, log=True)}

    def _estimator(self, *, task: Task, random_state: int, n_jobs: int, class_weight: str | None) -> Any:
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(class_weight=class_weight, random_state=random_state)


class _Ridge(Family):
    """Ridge regression. Default alpha=1 at every size."""

    def defaults(
        self, *, task: Task, n_rows: int, n_features: int, n_classes: int, curve_length: int | None = None
    ) -> dict[str, Any]:
        return {"alpha": 1.0}

    def space(self, trial: optuna.Trial, *, task: Task, n_rows: int) -> dict[str, Any]:
        return {"alpha": trial.suggest_float("alpha", 1e-3, 1e3, log=True)}

    def _estimator(self, *, task: Task, random_state: int, n_jobs: int, class_weight: str | None) -> Any:
        from sklearn.linear_model import Ridge

        return Ridge(random_state=random_state)


# Trees ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Forest(Family):
    """Random forest or extra trees.

    Defaults: 200 trees up to 100,000 rows, then 100 (one thread must finish); min_samples_leaf 1,
    rising by one per 10,000 rows up to 10; max_features the library's.
    """

    extra: bool = False

    def defaults(
        self, *, task: Task, n_rows: int, n_features: int, n_classes: int, curve_length: int | None = None
    ) -> dict[str, Any]:
        trees = 200 if n_rows <= 100_000 else 100
        return {"n_estimators": trees, "min_samples_leaf": int(np.clip(n_rows // 10_000, 1, 10))}

    def space(self, trial: optuna.Trial, *, task: Task, n_rows: int) -> dict[str, Any]:
        return {
            "n_estimators": trial.suggest_int("n_estimators", 100, 500, step=50),
            "max_depth": trial.suggest_int("max_depth", 2, 32, log=True),
            "min_samples_leaf": trial.suggest_int(
                "min_samples_leaf", 1, max(2, min(50, n_rows // 20)), log=True
            ),
            "max_features": trial.suggest_float("max_features", 0.1, 1.0),
        }

    def _estimator(self, *, task: Task, random_state: int, n_jobs: int, class_weight: str | None) -> Any:
        from sklearn import ensemble

        kind = "ExtraTrees" if self.extra else "RandomForest"
        if task in CLASSIFICATION:
            return getattr(ensemble, f"{kind}Classifier")(
                n_jobs=n_jobs, random_state=random_state, class_weight=class_weight
            )
        return getattr(ensemble, f"{kind}Regressor")(n_jobs=n_jobs, random_state=random_state)


class _HistGradientBoosting(Family):
    """scikit-learn's HistGradientBoosting (no n_jobs: it uses OpenMP threads, limited by
    ``OMP_NUM_THREADS`` or threadpoolctl; its result does not depend on the thread count).

    Defaults: learning_rate 0.1, max_iter 100 (early stopping from 10,000 rows, the library's "auto");
    200 rounds cost up to twice the time for no reliable gain in cross-validation on the real data
    (2 splits x 5 folds, 200 vs 100: ai4i2020 AP 0.793 vs 0.804, lenses macro F1 0.938 vs 0.937, CNC
    rows grouped AP 0.575 vs 0.566, the last two within the fold noise); max_leaf_nodes = rows / 20
    clipped to [4, 31], min_samples_leaf = rows per class / 25 clipped to [3, 20] (40 rows: 4 leaves
    of at least 3 rows instead of the library's 20, which cannot split); binary: no class weights
    (`_boosting_class_weight`). Tuning also tries class weights on and off.
    """

    def defaults(
        self, *, task: Task, n_rows: int, n_features: int, n_classes: int, curve_length: int | None = None
    ) -> dict[str, Any]:
        return {
            "learning_rate": 0.1,
            "max_iter": 100,
            "max_leaf_nodes": int(np.clip(n_rows // 20, 4, 31)),
            "min_samples_leaf": _min_leaf(n_rows, n_classes),
            **_boosting_class_weight(task),
        }

    def space(self, trial: optuna.Trial, *, task: Task, n_rows: int) -> dict[str, Any]:
        return {
            "learning_rate": trial.suggest_float("learning_rate", 0.01, 0.3, log=True),
            "max_iter": trial.suggest_int("max_iter", 50, 500, log=True),
            "max_leaf_nodes": trial.suggest_int(
                "max_leaf_nodes", 4, max(8, min(127, n_rows // 10)), log=True
            ),
            "min_samples_leaf": trial.suggest_int(
                "min_samples_leaf", 2, max(3, min(100, n_rows // 10)), log=True
            ),
            "l2_regularization": trial.suggest_float("l2_regularization", 1e-6, 10.0, log=True),
            **_class_weight_space(trial, task),
        }

    def _estimator(self, *, task: Task, random_state: int, n_jobs: int, class_weight: str | None) -> Any:
        from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

        if task in CLASSIFICATION:
            return HistGradientBoostingClassifier(random_state=random_state, class_weight=class_weight)
        return HistGradientBoostingRegressor(random_state=random_state)


class _LightGBM(Family):
    """LightGBM, always with ``deterministic=True`` and ``force_row_wise=True`` so that the same data,
    seed and thread count give the same model (comparisons and retraining must be repeatable).

    Defaults: tiny data 100 trees at learning_rate 0.1, otherwise 300 (large: 500) at 0.05;
    num_leaves = rows / 20 clipped to [4, 31] (63 from 100,000 rows); min_child_samples = rows per
    class / 25 clipped to [3, 20]; colsample_bytree 0.8 except on tiny data; binary: no class weights
    (`_boosting_class_weight`). Tuning also tries class weights on and off. Unlisted LightGBM
    parameters (e.g. ``max_bin``) are passed through to LightGBM, which checks them itself.
    """

    open_params: ClassVar[bool] = True

    def defaults(
        self, *, task: Task, n_rows: int, n_features: int, n_classes: int, curve_length: int | None = None
    ) -> dict[str, Any]:
        tier = size_tier(n_rows)
        return {
            "n_estimators": {"tiny": 100, "small": 300, "large": 500}[tier],
            "learning_rate": 0.1 if tier == "tiny" else 0.05,
            "num_leaves": 63 if n_rows >= 100_000 else int(np.clip(n_rows // 20, 4, 31)),
            "min_child_samples": _min_leaf(n_rows, n_classes),
            "colsample_bytree": 1.0 if tier == "tiny" else 0.8,
            **_boosting_class_weight(task),
        }

    def space(self, trial: optuna.Trial, *, task: Task, n_rows: int) -> dict[str, Any]:
        return {
            "n_estimators": trial.suggest_int("n_estimators", 50, 1000, log=True),
            "learning_rate": trial.suggest_float("learning_rate", 0.01, 0.3, log=True),
            "num_leaves": trial.suggest_int("num_leaves", 4, max(8, min(255, n_rows // 5)), log=True),
            "min_child_samples": trial.suggest_int(
                "min_child_samples", 2, max(3, min(100, n_rows // 10)), log=True
            ),
            "subsample": trial.suggest_float("subsample", 0.5, 1.0),
            "subsample_freq": 1,
            "colsample_bytree": trial.suggest_float("colsample_bytree", 0.4, 1.0),
            "reg_lambda": trial.suggest_float("reg_lambda", 1e-4, 10.0, log=True),
            **_class_weight_space(trial, task),
        }

    def _estimator(self, *, task: Task, random_state: int, n_jobs: int, class_weight: str | None) -> Any:
        from lightgbm import LGBMClassifier, LGBMRegressor

        common = {
            "random_state": random_state,
            "n_jobs": n_jobs,
            "verbose": -1,
            "deterministic": True,
            "force_row_wise": True,
        }
        if task in CLASSIFICATION:
            return LGBMClassifier(class_weight=class_weight, **common)
        return LGBMRegressor(**common)


# Kernel and neighbours -------------------------------------------------------------------------------
_KERNEL_PARAMS = frozenset(
    {"C", "gamma", "epsilon", "kernel", "degree", "coef0", "shrinking", "tol", "max_iter"}
)


class _SVM(Family):
    """RBF-kernel SVM for small data.

    Classification: ``CalibratedClassifierCV(SVC(), method="sigmoid", cv=3, ensemble=False)``, the
    replacement scikit-learn 1.9 names for the deprecated ``SVC(probability=True)``: one SVC on all
    rows plus a Platt sigmoid fitted on 3-fold out-of-fold decision values, so ``predict_proba`` and
    ``predict`` agree and the thresholds chosen on probabilities are honest (3 folds need 3 rows of
    each class, which an outer 5-fold stratified split already guarantees). Regression: SVR on a
    standardised target (``TransformedTargetRegressor``), so ``epsilon`` means the same for any unit.
    Parameters are given by their SVC/SVR names (``C``, ``gamma``, ``epsilon``). Defaults: C=1,
    gamma="scale" at every size.
    """

    def defaults(
        self, *, task: Task, n_rows: int, n_features: int, n_classes: int, curve_length: int | None = None
    ) -> dict[str, Any]:
        return {"C": 1.0, "gamma": "scale", **({"epsilon": 0.1} if task == "regression" else {})}

    def space(self, trial: optuna.Trial, *, task: Task, n_rows: int) -> dict[str, Any]:
        params = {
            "C": trial.suggest_float("C", 1e-2, 1e3, log=True),
            "gamma": trial.suggest_float("gamma", 1e-4, 1.0, log=True),
        }
        if task == "regression":
            params["epsilon"] = trial.suggest_float("epsilon", 0.01, 1.0, log=True)
        return params

    def _estimator(self, *, task: Task, random_state: int, n_jobs: int, class_weight: str | None) -> Any:
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.compose import TransformedTargetRegressor
        from sklearn.preprocessing import StandardScaler
        from sklearn.svm import SVC, SVR

        if task in CLASSIFICATION:
            svc = SVC(class_weight=class_weight, random_state=random_state)
            return CalibratedClassifierCV(svc, method="sigmoid", cv=3, ensemble=False)
        return TransformedTargetRegressor(regressor=SVR(), transformer=StandardScaler())

    def _route(self, key: str, task: Task) -> str:
        if key not in _KERNEL_PARAMS:
            return key
        return f"{'estimator' if task in CLASSIFICATION else 'regressor'}__{key}"


class _KNN(Family):
    """k nearest neighbours on scaled features; no class weights (use resampling for rare classes).

    Defaults: n_neighbors = sqrt(rows) / 2 clipped to [3, 30], distance weighting.
    """

    def defaults(
        self, *, task: Task, n_rows: int, n_features: int, n_classes: int, curve_length: int | None = None
    ) -> dict[str, Any]:
        return {"n_neighbors": int(np.clip(round(math.sqrt(n_rows) / 2), 3, 30)), "weights": "distance"}

    def space(self, trial: optuna.Trial, *, task: Task, n_rows: int) -> dict[str, Any]:
        return {
            "n_neighbors": trial.suggest_int("n_neighbors", 1, max(2, min(50, n_rows // 5))),
            "weights": trial.suggest_categorical("weights", ["uniform", "distance"]),
            "p": trial.suggest_categorical("p", [1, 2]),
        }

    def _estimator(self, *, task: Task, random_state: int, n_jobs: int, class_weight: str | None) -> Any:
        from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor

        cls = KNeighborsClassifier if task in CLASSIFICATION else KNeighborsRegressor
        return cls(n_jobs=n_jobs)


# PyTorch --------------------------------------------------------------------------------------------
_TORCH_TRAINING: dict[Tier, dict[str, Any]] = {
    "tiny": {
        "batch_size": 16,
        "learning_rate": 3e-3,
        "weight_decay": 1e-3,
        "max_epochs": 300,
        "patience": 30,
    },
    "small": {
        "batch_size": 64,
        "learning_rate": 1e-3,
        "weight_decay": 1e-4,
        "max_epochs": 200,
        "patience": 15,
    },
    "large": {
        "batch_size": 256,
        "learning_rate": 1e-3,
        "weight_decay": 1e-4,
        "max_epochs": 100,
        "patience": 10,
    },
}
"""Training defaults of the torch families per size tier (dropout 0.1 everywhere)."""


def _torch_training(n_rows: int) -> dict[str, Any]:
    return {"dropout": 0.1, **_TORCH_TRAINING[size_tier(n_rows)]}


def _torch_space(trial: optuna.Trial, n_rows: int) -> dict[str, Any]:
    batch = _TORCH_TRAINING[size_tier(n_rows)]["batch_size"]
    return {
        "dropout": trial.suggest_float("dropout", 0.0, 0.5),
        "learning_rate": trial.suggest_float("learning_rate", 1e-4, 1e-2, log=True),
        "weight_decay": trial.suggest_float("weight_decay", 1e-6, 1e-2, log=True),
        "batch_size": trial.suggest_categorical("batch_size", [batch // 2, batch, batch * 2]),
    }


def _torch_common(random_state: int, n_jobs: int) -> dict[str, Any]:
    """Seed, threads (n_jobs < 1: torch's own default) and device ("auto": CUDA when present)."""
    return {"random_state": random_state, "n_threads": n_jobs if n_jobs >= 1 else None, "device": "auto"}


class _MLP(Family):
    """PyTorch MLP on scaled tabular features (and curve features).

    Defaults per tier: hidden layers (32,) tiny, (64, 32) small, (128, 64) large; batch 16/64/256,
    learning_rate 3e-3/1e-3/1e-3, weight_decay 1e-3/1e-4/1e-4, max_epochs 300/200/100 with early
    stopping patience 30/15/10. Tuning draws ``n_layers`` (1-3) and ``width``; layers halve in width.
    """

    def defaults(
        self, *, task: Task, n_rows: int, n_features: int, n_classes: int, curve_length: int | None = None
    ) -> dict[str, Any]:
        hidden = {"tiny": (32,), "small": (64, 32), "large": (128, 64)}[size_tier(n_rows)]
        return {"hidden_layer_sizes": hidden, **_torch_training(n_rows)}

    def space(self, trial: optuna.Trial, *, task: Task, n_rows: int) -> dict[str, Any]:
        layers = trial.suggest_int("n_layers", 1, 3)
        width = trial.suggest_categorical("width", [16, 32, 64, 128, 256])
        hidden = tuple(max(8, width // 2**i) for i in range(layers))
        return {"hidden_layer_sizes": hidden, **_torch_space(trial, n_rows)}

    def _estimator(self, *, task: Task, random_state: int, n_jobs: int, class_weight: str | None) -> Any:
        from axpoc.models._torch import TorchMLPClassifier, TorchMLPRegressor

        if task in CLASSIFICATION:
            return TorchMLPClassifier(class_weight=class_weight, **_torch_common(random_state, n_jobs))
        return TorchMLPRegressor(**_torch_common(random_state, n_jobs))


class _CNN1D(Family):
    """PyTorch 1D-CNN over the raw sensor curves (resampled inside to ``length`` points) plus scalars.

    Defaults: length = the data's median curve length clipped to [16, 256] (128 when unknown);
    n_filters 8/16/32 and kernel_size 5/7/7 for tiny/small/large; n_blocks 2 on tiny data, else 3,
    fewer when the curve is too short to halve that often; training as the MLP.
    """

    def defaults(
        self, *, task: Task, n_rows: int, n_features: int, n_classes: int, curve_length: int | None = None
    ) -> dict[str, Any]:
        tier = size_tier(n_rows)
        length = int(np.clip(curve_length or 128, 16, 256))
        blocks = min(2 if tier == "tiny" else 3, int(math.log2(length / 4)))
        return {
            "length": length,
            "n_filters": {"tiny": 8, "small": 16, "large": 32}[tier],
            "kernel_size": 5 if tier == "tiny" else 7,
            "n_blocks": blocks,
            **_torch_training(n_rows),
        }

    def space(self, trial: optuna.Trial, *, task: Task, n_rows: int) -> dict[str, Any]:
        return {
            "n_filters": trial.suggest_categorical("n_filters", [8, 16, 32]),
            "kernel_size": trial.suggest_categorical("kernel_size", [3, 5, 7, 9]),
            "n_blocks": trial.suggest_int("n_blocks", 1, 3),
            **_torch_space(trial, n_rows),
        }

    def _estimator(self, *, task: Task, random_state: int, n_jobs: int, class_weight: str | None) -> Any:
        from axpoc.models._torch import TorchCNN1DClassifier, TorchCNN1DRegressor

        if task in CLASSIFICATION:
            return TorchCNN1DClassifier(class_weight=class_weight, **_torch_common(random_state, n_jobs))
        return TorchCNN1DRegressor(**_torch_common(random_state, n_jobs))


class _Autoencoder(Family):
    """PyTorch autoencoder trained on good parts only (y == 0); reconstruction error = anomaly score.

    Defaults: encoding_dim = features / 3 clipped to [2, 16], one hidden layer of 4 x encoding_dim
    (at least 16), contamination_quantile 0.99; training as the MLP.
    """

    def defaults(
        self, *, task: Task, n_rows: int, n_features: int, n_classes: int, curve_length: int | None = None
    ) -> dict[str, Any]:
        encoding = int(np.clip(n_features // 3, 2, 16))
        return {
            "encoding_dim": encoding,
            "hidden": (max(16, 4 * encoding),),
            "contamination_quantile": 0.99,
            **_torch_training(n_rows),
        }

    def space(self, trial: optuna.Trial, *, task: Task, n_rows: int) -> dict[str, Any]:
        return {
            "encoding_dim": trial.suggest_int("encoding_dim", 2, 16, log=True),
            "hidden": (trial.suggest_categorical("hidden_width", [16, 32, 64, 128]),),
            **_torch_space(trial, n_rows),
        }

    def _estimator(self, *, task: Task, random_state: int, n_jobs: int, class_weight: str | None) -> Any:
        from axpoc.models._torch import TorchAutoencoderAnomaly

        return TorchAutoencoderAnomaly(**_torch_common(random_state, n_jobs))


class _IsolationForest(Family):
    """Isolation forest on good parts only (`IsolationForestAnomaly`: higher score = more anomalous).

    Defaults: 100 trees on tiny data, else 200; max_samples "auto" (256 rows per tree);
    contamination_quantile 0.99.
    """

    def defaults(
        self, *, task: Task, n_rows: int, n_features: int, n_classes: int, curve_length: int | None = None
    ) -> dict[str, Any]:
        trees = 100 if size_tier(n_rows) == "tiny" else 200
        return {"n_estimators": trees, "max_samples": "auto", "contamination_quantile": 0.99}

    def space(self, trial: optuna.Trial, *, task: Task, n_rows: int) -> dict[str, Any]:
        return {
            "n_estimators": trial.suggest_int("n_estimators", 100, 500, step=50),
            "max_samples": trial.suggest_float("max_samples", 0.1, 1.0),
            "max_features": trial.suggest_float("max_features", 0.5, 1.0),
        }

    def _estimator(self, *, task: Task, random_state: int, n_jobs: int, class_weight: str | None) -> Any:
        from axpoc.models._adapters import IsolationForestAnomaly

        return IsolationForestAnomaly(random_state=random_state, n_jobs=n_jobs)


# Blend ----------------------------------------------------------------------------------------------
class _Ensemble(Family):
    """A weighted blend of other candidates' pipelines (`axpoc.models.BlendClassifier` / ``BlendRegressor``).

    Listed without params, the comparison picks the members and weights greedily from the finished
    candidates' out-of-fold outputs; with ``params.members`` (what retraining passes) that blend is
    cross-validated as it is. Anomaly scores of different detectors are not on one scale, so no anomaly.
    """

    tunable = False
    combines_members = True

    def defaults(
        self, *, task: Task, n_rows: int, n_features: int, n_classes: int, curve_length: int | None = None
    ) -> dict[str, Any]:
        return {}

    def space(self, trial: optuna.Trial, *, task: Task, n_rows: int) -> dict[str, Any]:
        return {}

    def build(self, params: dict[str, Any], **options: Any) -> Any:
        raise TypeError(
            "an ensemble has no estimator of its own: build_pipeline builds it from params['members']"
        )


# Registry -------------------------------------------------------------------------------------------
_TORCH = (_pinned("torch"),)

FAMILIES: dict[str, Family] = {
    family.name: family
    for family in (
        _Logistic("logistic", "Logistic regression", CLASSIFICATION, needs_scaling=True),
        _Ridge("ridge", "Ridge regression", frozenset({"regression"}), needs_scaling=True),
        _Forest("random_forest", "Random forest", SUPERVISED),
        _Forest("extra_trees", "Extra trees", SUPERVISED, extra=True),
        _HistGradientBoosting("hist_gradient_boosting", "HistGradientBoosting", SUPERVISED),
        _LightGBM("lightgbm", "LightGBM", SUPERVISED, pip_requirements=(_pinned("lightgbm"),)),
        _SVM(
            "svm",
            "SVM",
            SUPERVISED,
            needs_scaling=True,
            max_rows=20_000,
            max_rows_reason=SkipReason("quadratic_time"),
        ),
        _KNN(
            "knn",
            "k-NN",
            SUPERVISED,
            needs_scaling=True,
            max_rows=100_000,
            max_rows_reason=SkipReason("all_pairs"),
        ),
        _MLP(
            "mlp",
            "MLP (PyTorch)",
            SUPERVISED,
            needs_scaling=True,
            reports_intermediate=True,
            min_rows=20,
            pip_requirements=_TORCH,
        ),
        _CNN1D(
            "cnn1d",
            "1D-CNN (PyTorch)",
            SUPERVISED,
            uses_curves=True,
            reports_intermediate=True,
            min_rows=20,
            pip_requirements=_TORCH,
        ),
        _Autoencoder(
            "autoencoder",
            "Autoencoder (PyTorch)",
            ANOMALY,
            needs_scaling=True,
            reports_intermediate=True,
            min_rows=20,
            pip_requirements=_TORCH,
        ),
        _IsolationForest("isolation_forest", "Isolation forest", ANOMALY),
        _Ensemble("ensemble", "Ensemble", SUPERVISED),
    )
}
"""Every candidate family by config name."""


def get_family(name: str) -> Family:
    """The family a config names; an unknown name is a `UserError` with the closest valid name."""
    try:
        return FAMILIES[name]
    except KeyError:
        close = difflib.get_close_matches(str(name), list(FAMILIES), n=1, cutoff=0.5)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise UserError(
            f"candidates: unknown model family '{name}'.{hint} Valid names: {', '.join(FAMILIES)}."
        ) from None
