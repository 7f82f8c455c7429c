"""The `Kpi` base class, the KPI registry, gate parsing and the ``Undefined`` value.

Every KPI is one `Kpi` object (name, labels, formula, unit, direction, tasks, what it reads and needs, how
it is shown, its evaluator), so the config loader, the evaluation, the leaderboard, the gates and the report
all speak about the same thing. axpoc's own are in ``axpoc/kpi/kpis/`` (each module's ``KPIS``); a company's
own come from the entry-point group ``axpoc.kpis`` or `register_kpi`. This module imports only the standard
library (and axpoc's leaves); the registry loads the KPI modules (numpy) on first use.
"""

from __future__ import annotations

import difflib
import math
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from axpoc._plugins import PluginRegistry
from axpoc._task import TASKS, Task
from axpoc.errors import UserError
from axpoc.i18n import Reason

Group = Literal["ml", "quality", "productivity", "stability"]
Op = Literal[">=", "<=", ">", "<", "=="]

UNITS = ("ratio", "nats", "target unit", "currency/month", "parts/1000", "h/month", "index")
_ALL_TASKS = frozenset(TASKS)


class Undefined(float):
    """A NaN that remembers why a KPI could not be computed.

    It is a ``float``, so it travels through ``dict[str, float]``, JSON and MLflow unchanged,
    and a gate on it can say *why* it failed instead of just "nan". The reasons this package gives
    are :class:`Reason` sentences, so a Korean report can say them in Korean.
    """

    reason: str

    def __new__(cls, reason: str) -> Undefined:
        self = super().__new__(cls, math.nan)
        self.reason = reason
        return self

    def __reduce__(self) -> tuple[type[Undefined], tuple[str]]:
        return (Undefined, (self.reason,))

    def __repr__(self) -> str:
        return f"Undefined({self.reason!r})"


def undefined_reason(value: float) -> str | None:
    """Why ``value`` is undefined, or None when it is a finite or infinite number."""
    if isinstance(value, Undefined):
        return value.reason
    if value is None or math.isnan(value):
        return Reason("nan")
    return None


Reads = Literal["labels", "scores", "flags"]
Display = Literal["percent", "decimal", "money", "hours", "per_1000", "number"]
_GROUPS: tuple[Group, ...] = ("ml", "quality", "productivity", "stability")
_NAME = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class Kpi:
    """One KPI, in one place: how it is named to the plant (Korean and English), its formula, unit and
    direction, what it reads, what the config must give it, how it is shown, and its evaluator.

    ``reads`` says what :meth:`evaluator` is computed from besides the truth: ``"labels"`` (predicted labels,
    flags at the chosen threshold, or regression values), ``"scores"`` (probabilities, anomaly scores) or
    ``"flags"`` (which parts are defects and which are flagged: the plant's confusion counts, any task that
    defines defects). ``None``: its room computes it from the whole evaluation (costs, spec limits, the
    control chart) and it has no evaluator of its own. ``needs`` are config keys it cannot do without
    (``kpi.costs.escape_cost``, ``target.spec``); ``leaderboard`` the tasks whose cross-validation
    leaderboard shows it; ``decimal`` a ratio read as a score (AUC 0.91) rather than a percentage;
    ``bounds`` the values it can take when its unit does not say (R² has no lower bound).
    """

    name: str
    label_ko: str
    label_en: str
    formula: str
    unit: str
    higher_is_better: bool
    tasks: frozenset[Task]
    group: Group
    reads: Reads | None = None
    undefined_when: str = "no_rows"
    """The :class:`Reason` code of what the formula lacks when it is undefined (one class, nothing flagged)."""
    needs: tuple[str, ...] = ()
    leaderboard: frozenset[Task] = frozenset()
    decimal: bool = False
    bounds: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        if not _NAME.fullmatch(self.name):
            raise ValueError(
                f"KPI name {self.name!r}: use lower-case letters, digits and '_' (e.g. 'specificity')"
            )
        if self.unit not in UNITS or not self.tasks <= _ALL_TASKS or self.group not in _GROUPS:
            raise ValueError(
                f"KPI {self.name!r}: unit must be one of {UNITS}, tasks a subset of {TASKS}, group one of {_GROUPS}"
            )
        if not (self.label_ko and self.label_en and self.formula):
            raise ValueError(
                f"KPI {self.name!r}: give label_ko, label_en and formula (the report shows them)"
            )
        if not self.leaderboard <= self.tasks or (
            self.leaderboard and self.reads not in ("labels", "scores")
        ):
            raise ValueError(
                f"KPI {self.name!r}: a leaderboard KPI reads labels or scores, on tasks it serves"
            )

    def unit_for(self, currency: str = "KRW") -> str:
        """The unit with the cost model's currency filled in (``currency/month`` -> ``KRW/month``)."""
        return self.unit.replace("currency", currency)

    @property
    def resamplable(self) -> bool:
        """Whether it has an evaluator, so bootstrap intervals and paired differences can resample it."""
        return self.reads is not None

    @property
    def display(self) -> Display:
        """How a value is written: ``percent`` (rates), ``decimal`` (scores, indices, errors), ``money``,
        ``hours``, ``per_1000`` (counts per 1,000 parts)."""
        if self.unit == "ratio":
            return "decimal" if self.decimal else "percent"
        if self.unit == "currency/month":
            return "money"
        return {"h/month": "hours", "parts/1000": "per_1000"}.get(self.unit, "number")  # type: ignore[return-value]

    def missing(self, setting: Callable[[str], object]) -> list[str]:
        """The ``needs`` keys the config leaves empty (``setting`` reads a dotted key)."""
        return [key for key in self.needs if setting(key) is None]

    def evaluator(self, y_true: Any, y: Any, labels: Sequence[Any] | None) -> Callable[[Any], Any]:
        """A batched evaluator: row weights of shape (B, n) -> values of shape (B,), NaN where undefined.

        ``y`` is what :attr:`reads` says (labels, scores, or flags with ``y_true`` the defects). Weights
        are bootstrap row counts (ones for the point value), so point and interval share one definition.
        """
        raise TypeError(
            f"{self.name!r} is not computed from labels and predictions (reads={self.reads!r}); "
            "compute it with business_kpis, capability or control_signals"
        )


ENTRY_POINT_GROUP = "axpoc.kpis"


class KpiRegistry(PluginRegistry[Kpi]):
    """Every KPI by name: axpoc's own, then plug-ins, then registered ones, listed group by group (ML
    metrics, quality, productivity, stability) so every KPI table has one order."""

    def __init__(self) -> None:
        super().__init__(kind="KPI", package="axpoc.kpi.kpis", attribute="KPIS", group=ENTRY_POINT_GROUP)

    def check(self, item: object, *, source: str) -> Kpi:
        """A KPI must be a `Kpi` (its own fields are checked when it is built)."""
        if not isinstance(item, Kpi):
            raise UserError(
                f"{source}: expected an axpoc.kpi.Kpi instance, got {type(item).__name__}. Build one with "
                "axpoc.kpi.Kpi (or a subclass such as ConfusionKpi) and register that."
            )
        return item

    def names_in_order(self, items: dict[str, Kpi]) -> list[str]:
        """Group by group; within a group, registration order (the sort is stable)."""
        return [k.name for k in sorted(items.values(), key=lambda k: _GROUPS.index(k.group))]

    def add_module_items(self, value: object, *, source: str) -> None:
        """A KPI module holds a sequence ``KPIS`` of several KPIs."""
        for kpi in value or ():  # type: ignore[attr-defined]
            self.add(kpi, source=source)


KPIS = KpiRegistry()
"""Every KPI by name, in table order."""


def register_kpi(kpi: Kpi, *, replace: bool = False) -> Kpi:
    """Add ``kpi`` to the registry, so gates, the KPI table and the report know it; returns it.

    A second KPI of the same name is refused unless ``replace`` is true.
    """
    return KPIS.register(kpi, call="register_kpi", replace=replace)


def kpi_names() -> tuple[str, ...]:
    """Every registered KPI's name, in table order."""
    return tuple(KPIS)


def get_kpi(name: str) -> Kpi:
    """The registry entry for ``name``; an unknown name raises ``ValueError`` naming the closest one."""
    try:
        return KPIS[name]
    except KeyError:
        names = kpi_names()
        close = difflib.get_close_matches(str(name), names, n=1, cutoff=0.5)
        hint = f"did you mean {close[0]!r}?" if close else f"valid names: {', '.join(names)}"
        raise ValueError(f"unknown KPI {name!r}; {hint}") from None


_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
}
_GATE_RE = re.compile(r"^\s*(>=|<=|==|>|<)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$")


@dataclass(frozen=True)
class Gate:
    """A pass condition on one KPI value, e.g. ``Gate(">=", 0.9)``.

    ``==`` compares with a relative tolerance of 1e-9, because KPI values come out of float
    arithmetic and a gate like ``== 1`` must hold for 0.9999999999999999.
    """

    op: Op
    value: float

    def __post_init__(self) -> None:
        if self.op not in (*_OPS, "=="):
            raise ValueError(f"expected a comparison like '>= 0.9', got operator {self.op!r}")
        value = float(self.value)
        if not math.isfinite(value):
            raise ValueError(f"expected a comparison like '>= 0.9', got value {self.value!r}")
        object.__setattr__(self, "value", value)

    def check(self, x: float) -> bool:
        """Whether ``x`` satisfies the gate; NaN (an undefined KPI) never does."""
        x = float(x)
        if math.isnan(x):
            return False
        if self.op == "==":
            return math.isclose(x, self.value, rel_tol=1e-9, abs_tol=1e-12)
        return bool(_OPS[self.op](x, self.value))

    def __str__(self) -> str:
        return f"{self.op} {self.value:g}"


def parse_gate(text: str) -> Gate:
    """Parse ``">= 0.9"``, ``"<= 0.05"``, ``"> 0"``, ``"< 3"`` or ``"== 1"`` into a :class:`Gate`.

    The error message is one clause (no key path) so the config loader can prefix where it came from.
    """
    match = _GATE_RE.match(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"expected a comparison like '>= 0.9', got {text!r}")
    return Gate(match.group(1), float(match.group(2)))  # type: ignore[arg-type]
