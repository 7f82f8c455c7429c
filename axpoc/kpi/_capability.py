"""Process capability (Cp, Cpk, Ppk) of a measured dimension against its specification."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from axpoc.i18n import Reason
from axpoc.kpi._definitions import Undefined

D2_MOVING_RANGE = 1.128
"""d2 for subgroups of 2: E[|X1 - X2|] = 1.128 sigma for normal data."""


@dataclass(frozen=True)
class SpecLimits:
    """Lower and upper specification limits; one may be None for a one-sided spec."""

    lsl: float | None = None
    usl: float | None = None

    def __post_init__(self) -> None:
        if self.lsl is None and self.usl is None:
            raise ValueError("a specification needs at least one of lsl and usl")
        for name in ("lsl", "usl"):
            value = getattr(self, name)
            if value is not None:
                if not math.isfinite(float(value)):
                    raise ValueError(f"{name} must be a finite number, got {value!r}")
                object.__setattr__(self, name, float(value))
        if self.lsl is not None and self.usl is not None and self.lsl >= self.usl:
            raise ValueError(f"lsl must be below usl, got lsl={self.lsl:g} and usl={self.usl:g}")


@dataclass(frozen=True)
class CapabilityResult:
    """Capability indexes; an index that cannot be computed is :class:`Undefined` with a reason."""

    cp: float
    cpk: float
    ppk: float
    mean: float
    sigma_within: float
    sigma_overall: float
    n: int


def _sigma_within(x: np.ndarray, groups: Any, order: Any) -> float:
    """Short-term sigma: pooled within-group SD, or the average moving range / d2 in time order."""
    if groups is not None:
        if order is not None:
            raise ValueError("give groups (pooled within-group sigma) or order (moving range), not both")
        _, codes = np.unique(np.asarray(groups), return_inverse=True)
        counts = np.bincount(codes)
        means = np.bincount(codes, weights=x) / counts
        dof = float((counts - 1).sum())
        if dof == 0:
            return Undefined(Reason("single_part_groups"))
        return math.sqrt(float(((x - means[codes]) ** 2).sum()) / dof)
    if x.size < 2:
        return Undefined(Reason("sigma_too_few", {"n": x.size}))
    if order is not None:
        x = x[np.argsort(np.asarray(order), kind="stable")]
    return float(np.abs(np.diff(x)).mean()) / D2_MOVING_RANGE


def _per_sigma(sigma: float, index: Callable[[float], float]) -> float:
    """An index of sigma, passing an undefined sigma through and refusing a zero one."""
    if math.isnan(sigma):
        return sigma
    if sigma == 0:
        return Undefined(Reason("zero_variation"))
    return index(sigma)


def _k_index(mean: float, sigma: float, spec: SpecLimits) -> float:
    """min(CPU, CPL); a one-sided spec gives the one side there is."""
    sides = [(limit - mean) * sign for limit, sign in ((spec.usl, 1), (spec.lsl, -1)) if limit is not None]
    return _per_sigma(sigma, lambda s: min(sides) / (3 * s))


def capability(values: Any, spec: SpecLimits, *, groups: Any = None, order: Any = None) -> CapabilityResult:
    """Cp and Cpk from the within (short-term) sigma, Ppk from the overall sigma (ddof=1).

    Without ``groups`` the within sigma comes from moving ranges in time order (``order`` or the
    array order), which is why shuffled data understate drift and give Cpk close to Ppk.
    """
    x = np.asarray(values, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"values must be one-dimensional, got shape {x.shape}")
    if not np.isfinite(x).all():
        raise ValueError("values contain NaN or infinite values; drop parts without a measurement first")
    for name, extra in (("groups", groups), ("order", order)):
        if extra is not None and np.shape(extra) != x.shape:
            raise ValueError(f"{name} has shape {np.shape(extra)}, expected {x.shape}")
    few = Undefined(Reason("capability_too_few", {"n": x.size}))
    mean = float(x.mean()) if x.size else few
    sigma_overall = float(x.std(ddof=1)) if x.size >= 2 else few
    sigma_within = _sigma_within(x, groups, order) if x.size >= 2 else few
    if spec.lsl is None or spec.usl is None:
        cp: float = Undefined(Reason("one_sided_spec"))
    else:
        cp = _per_sigma(sigma_within, lambda s: (spec.usl - spec.lsl) / (6 * s))
    return CapabilityResult(
        cp=cp,
        cpk=_k_index(mean, sigma_within, spec),
        ppk=_k_index(mean, sigma_overall, spec),
        mean=mean,
        sigma_within=sigma_within,
        sigma_overall=sigma_overall,
        n=int(x.size),
    )


def capability_passed(
    values: Any, flagged: Any, spec: SpecLimits, *, groups: Any = None, order: Any = None
) -> CapabilityResult:
    """Capability of the parts the model passes (not flagged): what the customer receives."""
    passed = ~np.asarray(flagged, dtype=bool)
    x = np.asarray(values, dtype=float)
    if passed.shape != x.shape:
        raise ValueError(f"flagged has shape {passed.shape}, expected {x.shape}")
    return capability(
        x[passed],
        spec,
        groups=None if groups is None else np.asarray(groups)[passed],
        order=None if order is None else np.asarray(order)[passed],
    )
