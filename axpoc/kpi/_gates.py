"""KPI gates: does the model meet the targets agreed with the plant?"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from axpoc.i18n import GateText, Reason
from axpoc.kpi._definitions import Gate, get_kpi, parse_gate, undefined_reason

_BOUND_NAME = {0: "CI lower bound", 1: "CI upper bound"}
_BOUND_CODE = {"CI lower bound": "ci_low", "CI upper bound": "ci_high"}


@dataclass(frozen=True)
class GateResult:
    """The verdict on one gate, with the value it was judged on and why."""

    name: str
    op: str
    target: float
    value: float
    """The KPI's point estimate."""
    used_value: float
    """What the gate was checked against: the point, or a CI bound when conservative."""
    passed: bool
    reason: str = ""
    """Why, as a phrase (:class:`~axpoc.i18n.GateText`, an undefined KPI's :class:`~axpoc.i18n.Reason`, a
    rule's :class:`~axpoc.i18n.RuleText`): English as ``str``, any language with ``.text()``."""
    kind: str = "gate"
    """``gate`` for a configured gate, ``rule`` for a built-in acceptance rule (:mod:`axpoc.kpi._acceptance`)."""

    def to_dict(self) -> dict[str, Any]:
        """The verdict as the JSON outcome of ``run``, ``retrain`` and ``drift`` shows it."""
        return {
            "name": self.name,
            "op": self.op,
            "target": self.target,
            "value": float(self.value),
            "used_value": float(self.used_value),
            "passed": bool(self.passed),
            "reason": self.reason,
            "kind": self.kind,
        }


def _fmt(x: float) -> str:
    """Money reads as 244,000,000, ratios as 0.9123."""
    return f"{x:,.0f}" if abs(x) >= 1e4 else f"{x:.4g}"


def _conservative_value(gate: Gate, ci: tuple[float, float]) -> tuple[float, str]:
    """The CI bound on the side that could break the gate (lower for >=, upper for <=).

    For ``==`` it is the bound farther from the target, so the whole interval must match.
    """
    if gate.op in (">=", ">"):
        side = 0
    elif gate.op in ("<=", "<"):
        side = 1
    else:
        side = int(abs(ci[1] - gate.value) > abs(ci[0] - gate.value))
    bound = ci[side]  # kept as is: an Undefined bound carries its reason
    return bound if isinstance(bound, float) else float(bound), _BOUND_NAME[side]


def evaluate_gates(
    gates: Mapping[str, str | Gate],
    kpis: Mapping[str, float],
    *,
    cis: Mapping[str, tuple[float, float]] | None = None,
    conservative: bool = False,
) -> list[GateResult]:
    """Check every gate against the KPI values, in the order the gates are given.

    With ``conservative=True`` a gate must hold for the whole confidence interval: the bound on
    the unfavourable side is checked (for a gate pointing the KPI's good way this is the lower
    bound when higher is better). A KPI without an interval is judged on its point value. An
    undefined KPI fails with its :class:`~axpoc.i18n.Reason` (``gate_undefined``); an unknown KPI name raises ``ValueError``.
    """
    cis = cis or {}
    results = []
    for name, spec in gates.items():
        get_kpi(name)
        gate = spec if isinstance(spec, Gate) else parse_gate(spec)
        value = kpis.get(name, math.nan)
        used, basis = value, "point"
        undefined = Reason("not_computed") if name not in kpis else undefined_reason(value)
        if undefined is None and conservative and name in cis:
            used, basis = _conservative_value(gate, cis[name])
            if math.isnan(used):
                undefined = Reason(_BOUND_CODE[basis], {"why": undefined_reason(used)})
        if undefined is not None:
            results.append(
                GateResult(
                    name,
                    gate.op,
                    gate.value,
                    value,
                    used,
                    False,
                    Reason("gate_undefined", {"why": undefined}),
                )
            )
            continue
        passed = gate.check(used)
        verdict = "meets" if passed else "misses"
        values = {"name": name, "basis": basis, "used": _fmt(used), "verdict": verdict, "gate": str(gate)}
        reason = GateText("judged", values)
        results.append(GateResult(name, gate.op, gate.value, value, used, passed, reason))
    return results
