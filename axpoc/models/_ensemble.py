"""A weighted blend of whole candidate pipelines, each with its own preprocessing.

The comparison picks the members and weights greedily on out-of-fold outputs (`axpoc.compare`); what
is registered is then this one estimator, so scoring, calibration, thresholds and retraining treat a
blend like any other model. Members are complete ``prep`` + ``model`` pipelines because families
preprocess differently (scaling, raw curves). Averaging probabilities (not votes) keeps the blend's
output a probability that the OOF calibration and the cost-optimal threshold can use.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, clone
from sklearn.utils import Tags, get_tags
from sklearn.utils.validation import check_is_fitted, validate_data

from axpoc.errors import UserError
from axpoc.models._adapters import checked_input


class _Blend(BaseEstimator):
    """Fits a clone of every member pipeline on the same rows; the outputs are averaged with ``weights``."""

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "members": [list, None],
        "weights": ["array-like", None],
    }

    def __init__(
        self, members: list[tuple[str, Any]] | None = None, weights: list[float] | None = None
    ) -> None:
        self.members = members
        self.weights = weights

    def fit(self, X: Any, y: Any) -> _Blend:
        self._validate_params()
        X, y = checked_input(type(self).__name__, X, y, fitting=True)
        validate_data(self, X, skip_check_array=True)  # each member pipeline checks the values itself
        members = list(self.members or [])
        if not members:
            raise ValueError("a blend needs at least one member")
        weights = np.ones(len(members)) if self.weights is None else np.asarray(self.weights, dtype=float)
        if len(weights) != len(members) or (weights < 0).any() or weights.sum() <= 0:
            raise ValueError("blend weights must be non-negative, one per member, and not all zero")
        self.members_ = [(name, clone(estimator).fit(X, y)) for name, estimator in members]
        self.weights_ = weights / weights.sum()
        return self

    def _average(self, method: str, X: Any) -> np.ndarray:
        check_is_fitted(self, "members_")
        X, _ = checked_input(type(self).__name__, X)
        validate_data(self, X, skip_check_array=True, reset=False)
        outputs = [np.asarray(getattr(model, method)(X), dtype=float) for _, model in self.members_]
        return sum(w * out for w, out in zip(self.weights_, outputs, strict=True))

    def __sklearn_tags__(self) -> Tags:
        """Inputs as the members take them: sparse or missing values only when every member does."""
        tags = super().__sklearn_tags__()
        inputs = [get_tags(estimator).input_tags for _, estimator in self.members or []]
        tags.input_tags.sparse = bool(inputs) and all(i.sparse for i in inputs)
        tags.input_tags.allow_nan = bool(inputs) and all(i.allow_nan for i in inputs)
        return tags


class BlendClassifier(ClassifierMixin, _Blend):
    """Averages the members' class probabilities; every member saw the same labels, so classes agree."""

    def fit(self, X: Any, y: Any) -> BlendClassifier:
        super().fit(X, y)
        self.classes_ = np.asarray(self.members_[0][1].classes_)
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        return self._average("predict_proba", X)

    def predict(self, X: Any) -> np.ndarray:
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]


class BlendRegressor(RegressorMixin, _Blend):
    """Averages the members' predicted values."""

    def predict(self, X: Any) -> np.ndarray:
        return self._average("predict", X)


def member_specs(params: dict[str, Any]) -> list[dict[str, Any]]:
    """``params["members"]`` checked: a list of ``{"family": name, "params": {...}, "weight": w}``."""
    members = params.get("members")
    unknown = sorted(set(params) - {"members"})
    if unknown:
        raise UserError(
            f"candidates (ensemble).params: unknown parameter '{unknown[0]}'. An ensemble takes only "
            "'members': a list of {family, params, weight}."
        )
    if not isinstance(members, list) or not members:
        raise UserError(
            "candidates (ensemble).params.members: expected a non-empty list of {family, params, weight}; "
            "leave params out to let the comparison choose the members."
        )
    specs = []
    for index, member in enumerate(members):
        if not isinstance(member, dict) or "family" not in member:
            raise UserError(
                f"candidates (ensemble).params.members[{index}]: expected a mapping with 'family' "
                f"(and optional 'params', 'weight'), got {member!r}."
            )
        if member["family"] == "ensemble":
            raise UserError(
                f"candidates (ensemble).params.members[{index}]: an ensemble cannot contain another ensemble; "
                "list its members directly."
            )
        weight = member.get("weight", 1.0)
        if not isinstance(weight, int | float) or weight <= 0:
            raise UserError(
                f"candidates (ensemble).params.members[{index}].weight: expected a positive number, got {weight!r}."
            )
        specs.append(
            {"family": str(member["family"]), "params": dict(member.get("params") or {}), "weight": weight}
        )
    return specs
