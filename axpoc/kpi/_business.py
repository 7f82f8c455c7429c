"""Quality, productivity and stability KPIs of a flagging rule, in the plant's own units.

The cost of a decision rule, used both here and by the cost-optimal threshold: every flagged
part is inspected (``inspection_cost``); a flagged good part additionally costs
``false_alarm_cost`` (line stop, re-handling); a defect the rule does not flag escapes
(``escape_cost``). Inspection of a flagged part is assumed to find its defect.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from axpoc.i18n import Reason
from axpoc.kpi._definitions import KPIS, Undefined
from axpoc.kpi._metrics import point_metric

MODEL_COST_FORMULA = "((TP + FP) * inspection_cost + FP * false_alarm_cost + FN * escape_cost) / N"
BASELINE_COST_FORMULA = "s * inspection_cost + (D / N) * (1 - s * d) * escape_cost"
CLASS_MODEL_COST_FORMULA = "mean over test parts of class_costs[actual][predicted]"
CLASS_BASELINE_COST_FORMULA = (
    "s * inspection_cost + mean over test parts of: good part -> class_costs[a][a]; "
    "defect -> s * d * class_costs[a][a] + (1 - s * d) * class_costs[a][ok]"
)
CLASS_SAVING_FORMULA = (
    "(baseline cost per part - model cost per part) * parts_per_day * working_days_per_month; "
    f"model: {CLASS_MODEL_COST_FORMULA}; baseline: {CLASS_BASELINE_COST_FORMULA}"
)


def _check_non_negative(owner: object, *names: str) -> None:
    for name in names:
        value = getattr(owner, name)
        if value is not None and not (math.isfinite(value) and value >= 0):
            raise ValueError(f"{name} must be a non-negative number, got {value!r}")


@dataclass(frozen=True)
class CostModel:
    """Money and time per part; a cost left as None makes the KPIs that need it undefined."""

    inspection_cost: float | None = None
    escape_cost: float | None = None
    false_alarm_cost: float | None = None
    currency: str = "KRW"
    inspection_minutes_per_part: float | None = None

    def __post_init__(self) -> None:
        _check_non_negative(
            self, "inspection_cost", "escape_cost", "false_alarm_cost", "inspection_minutes_per_part"
        )


@dataclass(frozen=True)
class Baseline:
    """How parts are inspected today, without the model.

    ``all``: every part is inspected and ``detection_rate`` of the defects are found;
    ``sample``: ``sample_rate`` of the parts are inspected, finding ``detection_rate`` of the
    defects among those; ``none``: nothing is inspected. ``sample_rate`` is ignored unless the
    mode is ``sample``, so a config may keep its default there.
    """

    mode: Literal["all", "sample", "none"] = "all"
    sample_rate: float | None = None
    detection_rate: float = 1.0

    def __post_init__(self) -> None:
        if self.mode not in ("all", "sample", "none"):
            raise ValueError(f"mode must be 'all', 'sample' or 'none', got {self.mode!r}")
        if self.mode == "sample" and not (self.sample_rate is not None and 0 <= self.sample_rate <= 1):
            raise ValueError(f"mode 'sample' needs a sample_rate in [0, 1], got {self.sample_rate!r}")
        if not 0 <= self.detection_rate <= 1:
            raise ValueError(f"detection_rate must be in [0, 1], got {self.detection_rate!r}")

    @property
    def inspected_share(self) -> float:
        return {"all": 1.0, "none": 0.0}.get(self.mode, self.sample_rate or 0.0)


@dataclass(frozen=True)
class Volumes:
    """Production volume that turns per-part figures into per-month figures; None means unknown."""

    parts_per_day: float | None = None
    working_days_per_month: float | None = None

    def __post_init__(self) -> None:
        for name in ("parts_per_day", "working_days_per_month"):
            value = getattr(self, name)
            if value is not None and not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a positive number, got {value!r}")

    @property
    def parts_per_month(self) -> float | None:
        if self.parts_per_day is None or self.working_days_per_month is None:
            return None
        return self.parts_per_day * self.working_days_per_month


@dataclass(frozen=True)
class BusinessKPIs:
    """What :func:`business_kpis` found, with the formulas and intermediates to show the plant."""

    values: dict[str, float]
    """KPI name -> value; :class:`Undefined` with a reason where inputs are missing."""
    formulas: dict[str, str]
    """KPI or intermediate name -> the plain-text formula used."""
    units: dict[str, str]
    """KPI name -> unit, with the cost model's currency filled in (``KRW/month``)."""
    details: dict[str, float]
    """Confusion counts and the per-part and per-month intermediates behind the KPIs."""


@dataclass(frozen=True)
class ClassCosts:
    """What a part costs per (actual, predicted) class pair, and how a no-model policy routes it.

    Why a matrix: sending a defect to the wrong defect bin (re-sorting) costs something different from
    passing it as good (an escape). A policy without a model passes every part as ``ok_class`` except the
    defects it inspects and detects, which are sorted correctly; good parts keep their own class.
    """

    classes: tuple[Any, ...]
    matrix: np.ndarray
    """``matrix[i, j]``: cost per part of class ``classes[i]`` predicted as ``classes[j]``."""
    ok_class: Any
    defect_classes: tuple[Any, ...]

    def _index(self, labels: Any) -> np.ndarray:
        where = {str(c): i for i, c in enumerate(self.classes)}
        return np.array([where[str(v)] for v in np.asarray(labels)], dtype=int)

    def model_rows(self, y_true: Any, y_pred: Any) -> np.ndarray:
        """Cost of each part under the model (:data:`CLASS_MODEL_COST_FORMULA`)."""
        return self.matrix[self._index(y_true), self._index(y_pred)]

    def policy_rows(
        self, y_true: Any, *, inspected_share: float, detection_rate: float, inspection_cost: float
    ) -> np.ndarray:
        """Expected cost of each part under a no-model policy (:data:`CLASS_BASELINE_COST_FORMULA`)."""
        actual = self._index(y_true)
        own = self.matrix[actual, actual]
        passed = self.matrix[actual, self._index([self.ok_class])[0]]
        caught = inspected_share * detection_rate
        defect = np.isin(actual, self._index(list(self.defect_classes)))
        return inspected_share * inspection_cost + np.where(defect, caught * own + (1 - caught) * passed, own)

    def is_defect(self, labels: Any) -> np.ndarray:
        return np.isin(self._index(labels), self._index(list(self.defect_classes)))


def class_cost_matrix(class_costs: Mapping[Any, Mapping[Any, float]], classes: Sequence[Any]) -> np.ndarray:
    """The full cost matrix from ``kpi.costs.class_costs``; a missing diagonal pair costs 0.

    A missing off-diagonal pair is an error rather than 0: a free misrouting would silently favour the
    model. Class names are matched as text, so ``1`` in YAML matches a class read as the number 1.
    """
    names = [str(c) for c in classes]
    valid = ", ".join(names)
    matrix = np.full((len(names), len(names)), np.nan)
    np.fill_diagonal(matrix, 0.0)
    for actual, row in class_costs.items():
        if str(actual) not in names:
            raise ValueError(
                f"kpi.costs.class_costs.{actual}: no such class in the target; classes: {valid}."
            )
        for predicted, value in row.items():
            if str(predicted) not in names:
                raise ValueError(
                    f"kpi.costs.class_costs.{actual}.{predicted}: no such class in the target; classes: {valid}."
                )
            matrix[names.index(str(actual)), names.index(str(predicted))] = float(value)
    missing = [f"{names[i]} -> {names[j]}" for i, j in zip(*np.nonzero(np.isnan(matrix)), strict=True)]
    if missing:
        raise ValueError(
            f"kpi.costs.class_costs: no cost for {', '.join(missing)} (actual -> predicted); give every "
            f"pair of different classes a cost per part (0 if routing so costs nothing); classes: {valid}."
        )
    return matrix


def decision_cost_per_part(
    n: Any, tp: Any, fp: Any, fn: Any, *, inspection_cost: float, false_alarm_cost: float, escape_cost: float
) -> Any:
    """Expected cost per part of a flagging rule (:data:`MODEL_COST_FORMULA`); works on arrays."""
    return ((tp + fp) * inspection_cost + fp * false_alarm_cost + fn * escape_cost) / n


def _missing(kpi: str, **inputs: object) -> Undefined | None:
    absent = [name for name, value in inputs.items() if value is None]
    return Undefined(Reason("missing_inputs", {"kpi": kpi, "missing": ", ".join(absent)})) if absent else None


def business_kpis(
    y_true_defect: Any,
    flagged: Any,
    *,
    cost: CostModel | None = None,
    baseline: Baseline | None = None,
    volumes: Volumes | None = None,
) -> BusinessKPIs:
    """Quality, productivity and stability KPIs of ``flagged`` against the true defects.

    The baseline is costed on the same parts: its inspected share ``s`` and detection rate ``d``
    leave ``D * (1 - s * d)`` defects escaping. Money and hours need the matching cost, baseline
    and volume inputs; without them those KPIs are :class:`Undefined` naming what is missing.
    """
    y, f = np.asarray(y_true_defect), np.asarray(flagged)
    if y.size == 0:
        raise ValueError("business KPIs need at least one part, got none")
    values = {name: point_metric(name, y, f) for name in flag_kpis()}
    yb, fb = y.astype(bool), f.astype(bool)
    n, d = float(y.size), float(yb.sum())
    tp, fp, fn = float((yb & fb).sum()), float((~yb & fb).sum()), float((yb & ~fb).sum())
    details = {"n_parts": n, "n_defects": d, "tp": tp, "fp": fp, "fn": fn, "tn": n - tp - fp - fn}

    if baseline is None:
        values["baseline_defect_rate"] = Undefined(Reason("no_baseline"))
    else:
        caught = baseline.inspected_share * baseline.detection_rate
        details |= {
            "baseline_inspected_share": baseline.inspected_share,
            "baseline_escaped": d * (1 - caught),
        }
        passed = n - d * caught
        values["baseline_defect_rate"] = (
            d * (1 - caught) / passed if passed > 0 else Undefined(Reason("baseline_rejects_all"))
        )

    cost, volumes = cost or CostModel(), volumes or Volumes()
    hours = _missing(
        "inspection_hours_saved_per_month",
        baseline=baseline,
        parts_per_day=volumes.parts_per_day,
        working_days_per_month=volumes.working_days_per_month,
        inspection_minutes_per_part=cost.inspection_minutes_per_part,
    )
    if hours is None:
        saved_share = baseline.inspected_share - (tp + fp) / n
        hours = saved_share * volumes.parts_per_month * cost.inspection_minutes_per_part / 60
    values["inspection_hours_saved_per_month"] = hours

    formulas: dict[str, str] = {}
    saving = _missing(
        "monthly_saving",
        baseline=baseline,
        parts_per_day=volumes.parts_per_day,
        working_days_per_month=volumes.working_days_per_month,
        inspection_cost=cost.inspection_cost,
        escape_cost=cost.escape_cost,
        false_alarm_cost=cost.false_alarm_cost,
    )
    if saving is None:
        model_cost = decision_cost_per_part(
            n,
            tp,
            fp,
            fn,
            inspection_cost=cost.inspection_cost,
            false_alarm_cost=cost.false_alarm_cost,
            escape_cost=cost.escape_cost,
        )
        base_cost = (
            baseline.inspected_share * cost.inspection_cost
            + details["baseline_escaped"] / n * cost.escape_cost
        )
        details |= {
            "model_cost_per_part": model_cost,
            "baseline_cost_per_part": base_cost,
            "model_cost_per_month": model_cost * volumes.parts_per_month,
            "baseline_cost_per_month": base_cost * volumes.parts_per_month,
        }
        formulas |= {
            "model_cost_per_part": MODEL_COST_FORMULA,
            "baseline_cost_per_part": BASELINE_COST_FORMULA,
        }
        saving = (base_cost - model_cost) * volumes.parts_per_month
    values["monthly_saving"] = saving

    ordered = {name: values[name] for name in KPIS if name in values}
    return BusinessKPIs(
        values=ordered,
        formulas={name: KPIS[name].formula for name in ordered} | formulas,
        units={name: KPIS[name].unit_for(cost.currency) for name in ordered},
        details=details,
    )


def class_cost_saving(
    y_true: Any,
    y_pred: Any,
    *,
    class_costs: ClassCosts,
    baseline: Baseline,
    cost: CostModel | None = None,
    volumes: Volumes | None = None,
) -> tuple[float, dict[str, str]]:
    """``monthly_saving`` of a multiclass model priced with a per-class cost matrix, and its formulas.

    Today's practice inspects its share ``s`` of the parts and finds ``d`` of their defects, each sorted
    into its own class; every other part is passed as the good class. ``kpi.costs.inspection_cost``
    (0 when not given) is paid per part today's practice inspects; the model's routing costs are all in
    the matrix. Undefined without the production volume.
    """
    formulas = {
        "monthly_saving": CLASS_SAVING_FORMULA,
        "model_cost_per_part": CLASS_MODEL_COST_FORMULA,
        "baseline_cost_per_part": CLASS_BASELINE_COST_FORMULA,
    }
    per_month = (volumes or Volumes()).parts_per_month
    if per_month is None:
        return Undefined(
            Reason("missing_inputs", {"kpi": "monthly_saving", "missing": "parts_per_day"})
        ), formulas
    model = class_costs.model_rows(y_true, y_pred).mean()
    today = class_costs.policy_rows(
        y_true,
        inspected_share=baseline.inspected_share,
        detection_rate=baseline.detection_rate,
        inspection_cost=(cost.inspection_cost if cost else None) or 0.0,
    ).mean()
    return float((today - model) * per_month), formulas


_PRICED_KPIS = (
    "baseline_defect_rate",
    "inspection_hours_saved_per_month",
    "monthly_saving",
    "no_model_saving",
    "saving_vs_best_policy",
)
"""What this module computes beside the flag KPIs: today's practice, hours and money."""


def flag_kpis() -> list[str]:
    """The KPIs read from which parts are defects and which are flagged (``Kpi.reads == "flags"``)."""
    return [name for name, kpi in KPIS.items() if kpi.reads == "flags"]


def business_kpi_names() -> list[str]:
    """Every KPI that needs to know which parts are defects, in table order."""
    flags = set(flag_kpis())
    return [name for name in KPIS if name in flags or name in _PRICED_KPIS]


def undefined_business_kpis(reason: str, *, currency: str = "KRW") -> BusinessKPIs:
    """Every business KPI :class:`Undefined` with one reason: when no part can be called a defect (a
    multiclass target without defect classes), a number would mean nothing."""
    ordered = business_kpi_names()
    return BusinessKPIs(
        values={name: Undefined(reason) for name in ordered},
        formulas={name: KPIS[name].formula for name in ordered},
        units={name: KPIS[name].unit_for(currency) for name in ordered},
        details={},
    )
