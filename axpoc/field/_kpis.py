"""Realised KPIs of the field period against the baseline period before deployment.

The unit of resampling is the day: parts made on one day share a material lot, a shift's settings and an
operator, so they are not independent. Every interval is a percentile interval of a block bootstrap over
days (blocks of ``field.block_days`` consecutive days, each period resampled on its own, ``N_BOOT`` times,
seeded). Ratio KPIs are computed from daily sums, so a resample is a sum over its days.

Before outcomes arrive, the parts still waiting are *estimated* from their calibrated scores (the expected
confusion counts, confidence-based performance estimation); such figures are always labelled estimates.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from axpoc.i18n import FieldText, Reason
from axpoc.kpi import (
    KPIS,
    SpecLimits,
    Undefined,
    capability,
    control_signals,
    decision_cost_per_part,
    parse_gate,
)

N_BOOT = 1000
N_BOOT_CAPABILITY = 300
ALPHA = 0.05
SEED = 0
MIN_DEFINED = 0.9
"""An interval needs at least this share of resamples where the KPI is defined."""
FIELD_KPIS = (
    "recall",
    "false_alarm_rate",
    "defect_escape_rate",
    "defect_rate_passed",
    "manual_inspection_share",
    "inspection_hours_saved_per_month",
    "monthly_saving",
    "cpk",
    "ppk",
    "control_signal_rate",
)
"""The KPIs a field period realises; ``kpi.targets`` may name these."""


@dataclass(frozen=True)
class Interval:
    """A point value and its percentile interval; any of them :class:`Undefined` with a reason."""

    value: float
    low: float
    high: float

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": self.value, "low": self.low, "high": self.high}
        reason = getattr(self.value, "reason", None) or getattr(self.low, "reason", None)
        if reason:
            out["undefined"] = reason  # a Phrase: English in JSON, the reader's language in the report
        return out


def undefined(reason: str) -> Interval:
    gap = Undefined(reason)
    return Interval(gap, gap, gap)


@dataclass
class KpiRow:
    """One KPI of the field report: baseline, field period, their difference and the kick-off target."""

    name: str
    after: Interval
    before: Interval | None = None
    change: Interval | None = None
    target: str | None = None
    met: str | None = None
    """``surely`` (the interval's worse end meets the target), ``likely`` (the value does), ``missed``,
    ``undefined``; None without a target."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "after": self.after.to_dict(),
            "before": self.before.to_dict() if self.before else None,
            "change": self.change.to_dict() if self.change else None,
            "target": self.target,
            "met": self.met,
        }


def day_blocks(days: np.ndarray, *, n_boot: int, block: int, rng: np.random.Generator) -> np.ndarray:
    """Row indices into ``days`` (sorted unique days) for ``n_boot`` moving-block resamples, circular."""
    n = len(days)
    blocks = math.ceil(n / block)
    starts = rng.integers(0, n, size=(n_boot, blocks))
    index = (starts[:, :, None] + np.arange(block)[None, None, :]) % n
    return index.reshape(n_boot, blocks * block)[:, :n]


def percentile(values: np.ndarray, point: float) -> Interval:
    """``point`` with the percentile interval of ``values`` (NaN where the KPI was undefined)."""
    if isinstance(point, Undefined) or not math.isfinite(point):
        reason = getattr(point, "reason", None) or Reason("nan")
        return undefined(reason)
    finite = values[np.isfinite(values)]
    if finite.size < MIN_DEFINED * values.size:
        reason = Reason(
            "too_few_resamples",
            {"reason": Reason("nan"), "failed": int(values.size - finite.size), "total": int(values.size)},
        )
        return Interval(point, Undefined(reason), Undefined(reason))
    low, high = np.quantile(finite, [ALPHA / 2, 1 - ALPHA / 2])
    return Interval(float(point), float(low), float(high))


def _ratio(num: Any, den: Any, reason: str) -> Any:
    """num / den, elementwise; NaN (or Undefined for a scalar) where den is 0."""
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)
    if out.ndim == 0:
        return float(out) if den > 0 else Undefined(Reason(reason))
    return out


@dataclass
class Pricing:
    """What the config says a part costs and how many are made (the PoC report's own inputs)."""

    cost: Any
    baseline: Any
    volumes: Any

    @property
    def share(self) -> float:
        return self.baseline.inspected_share

    @property
    def caught(self) -> float:
        return self.baseline.inspected_share * self.baseline.detection_rate

    def missing(self, kpi: str, *names: str) -> Undefined | None:
        values = {
            "inspection_cost": self.cost.inspection_cost,
            "escape_cost": self.cost.escape_cost,
            "false_alarm_cost": self.cost.false_alarm_cost,
            "inspection_minutes_per_part": self.cost.inspection_minutes_per_part,
            "parts_per_day": self.volumes.parts_per_month,
        }
        absent = [n for n in names if values[n] is None]
        if absent:
            return Undefined(Reason("missing_inputs", {"kpi": kpi, "missing": ", ".join(absent)}))
        return None

    def model_cost(self, s: dict[str, Any]) -> Any:
        c = self.cost
        return decision_cost_per_part(
            np.asarray(s["n"], dtype=float),
            s["tp"],
            s["fp"],
            s["fn"],
            inspection_cost=c.inspection_cost,
            false_alarm_cost=c.false_alarm_cost,
            escape_cost=c.escape_cost,
        )

    def baseline_cost(self, s: dict[str, Any]) -> Any:
        n = np.asarray(s["n"], dtype=float)
        return (
            self.share * self.cost.inspection_cost
            + _ratio(s["d"], n, "no_rows") * (1 - self.caught) * self.cost.escape_cost
        )


EVIDENCE = {
    "recall": "defects",
    "false_alarm_rate": "good",
    "defect_escape_rate": "defects",
    "defect_rate_passed": "defects",
    "manual_inspection_share": "parts",
    "inspection_hours_saved_per_month": "parts",
    "monthly_saving": "defects",
}
"""What each confusion-count KPI rests on (the passed parts' defect rate and money on the defects: an escape
is the count and the cost that move them most)."""
MIN_EXPECTED = 5.0
"""A KPI needs at least this many cases behind it (:data:`EVIDENCE`; expected cases for an estimate): the usual
floor for reading a count as its expectation."""


def too_little_evidence(name: str, counts: dict[str, Any], *, estimate: bool) -> FieldText | None:
    """Why KPI ``name`` of summed ``counts`` (``n`` parts, ``d`` defects) has too little evidence for a
    number, or None when it has enough; ``estimate``: the counts are the waiting parts' expected ones."""
    basis = EVIDENCE[name]
    n, d = float(counts["n"]), float(counts["d"])
    behind = {"defects": d, "good": n - d, "parts": n}[basis]
    if behind >= MIN_EXPECTED:
        return None
    if estimate:
        values = {"parts": int(n), "expected": f"{behind:.1f}", "need": f"{MIN_EXPECTED:g}"}
        return FieldText(f"too_few_{basis}", values)
    values = {"parts": int(n), "count": int(behind), "need": f"{MIN_EXPECTED:g}"}
    return FieldText(f"realised_few_{basis}", values)


def after_statistics(pricing: Pricing) -> dict[str, Callable[[dict[str, Any]], Any]]:
    """KPI name -> statistic of the field period's summed counts (scalars or resample arrays)."""
    per_month = pricing.volumes.parts_per_month

    def hours(s: dict[str, Any]) -> Any:
        gap = pricing.missing(
            "inspection_hours_saved_per_month", "inspection_minutes_per_part", "parts_per_day"
        )
        if gap is not None:
            return gap
        share = _ratio(np.asarray(s["tp"]) + s["fp"], s["n"], "no_rows")
        return (pricing.share - share) * per_month * pricing.cost.inspection_minutes_per_part / 60

    def saving(s: dict[str, Any]) -> Any:
        gap = pricing.missing(
            "monthly_saving", "inspection_cost", "escape_cost", "false_alarm_cost", "parts_per_day"
        )
        if gap is not None:
            return gap
        return (pricing.baseline_cost(s) - pricing.model_cost(s)) * per_month

    return {
        "recall": lambda s: _ratio(s["tp"], np.asarray(s["tp"]) + s["fn"], "no_defect"),
        "false_alarm_rate": lambda s: _ratio(s["fp"], np.asarray(s["fp"]) + s["tn"], "no_good"),
        "defect_escape_rate": lambda s: _ratio(s["fn"], np.asarray(s["tp"]) + s["fn"], "no_defect"),
        "defect_rate_passed": lambda s: _ratio(s["fn"], np.asarray(s["fn"]) + s["tn"], "all_flagged"),
        "manual_inspection_share": lambda s: _ratio(np.asarray(s["tp"]) + s["fp"], s["n"], "no_rows"),
        "inspection_hours_saved_per_month": hours,
        "monthly_saving": saving,
    }


def before_statistics(pricing: Pricing) -> dict[str, Callable[[dict[str, Any]], Any]]:
    """The same KPIs under the practice before deployment, from the baseline period's counts.

    Today's practice inspects its share ``s`` of the parts and finds ``d`` of their defects, so its
    outgoing defect rate is ``D (1 - s d) / (N - D s d)`` and its cost per part ``s * inspection_cost +
    D / N * (1 - s d) * escape_cost``; the monthly saving before deployment is 0 by definition.
    """

    def passed_rate(s: dict[str, Any]) -> Any:
        d = np.asarray(s["d"], dtype=float)
        return _ratio(
            d * (1 - pricing.caught),
            np.asarray(s["n"], dtype=float) - d * pricing.caught,
            "baseline_rejects_all",
        )

    return {
        "defect_rate_passed": passed_rate,
        "manual_inspection_share": lambda s: (
            np.full(np.shape(s["n"]), pricing.share, dtype=float) if np.ndim(s["n"]) else pricing.share
        ),
    }


def summed(table: pd.DataFrame, index: np.ndarray | None = None) -> dict[str, Any]:
    """Column sums of a per-day table: scalars, or one row per resample of day ``index``."""
    if index is None:
        return {c: float(table[c].sum()) for c in table.columns}
    values = table.to_numpy(dtype=float)
    sums = values[index].sum(axis=1)
    return {c: sums[:, i] for i, c in enumerate(table.columns)}


def judge(target: str | None, interval: Interval, *, higher_is_better: bool) -> str | None:
    """How the achieved value stands against the kick-off target (see :attr:`KpiRow.met`)."""
    if target is None:
        return None
    if isinstance(interval.value, Undefined) or not math.isfinite(interval.value):
        return "undefined"
    gate = parse_gate(target)
    worse = interval.low if higher_is_better else interval.high
    if math.isfinite(worse) and gate.check(worse):
        return "surely"
    return "likely" if gate.check(interval.value) else "missed"


def higher_is_better(name: str) -> bool:
    return bool(KPIS[name].higher_is_better)


@dataclass
class Periods:
    """The joined rows of both periods, one row per part, with its day and (field) week."""

    before: pd.DataFrame
    after: pd.DataFrame
    awaiting: pd.DataFrame
    deployed: pd.Timestamp


def daily(rows: pd.DataFrame) -> pd.DataFrame:
    """Per-day confusion counts of parts with a known result (``defect``) and their decision (``flag``)."""
    known = rows[rows["defect"].notna()]
    y = known["defect"].astype(bool).to_numpy()
    f = known["flag"].fillna(False).astype(bool).to_numpy() if "flag" in known else np.zeros(len(known), bool)
    frame = pd.DataFrame(
        {
            "day": known["day"].to_numpy(),
            "n": 1.0,
            "d": y.astype(float),
            "tp": (y & f).astype(float),
            "fp": (~y & f).astype(float),
            "fn": (y & ~f).astype(float),
            "tn": (~y & ~f).astype(float),
        }
    )
    return frame.groupby("day").sum().sort_index()


def ratio_rows(
    before: pd.DataFrame,
    after: pd.DataFrame,
    pricing: Pricing,
    targets: dict[str, str],
    *,
    block: int,
    seed: int = SEED,
    evidence: bool = False,
) -> dict[str, KpiRow]:
    """The confusion-count KPIs of the field period (and the baseline where it has a meaning).

    ``evidence``: a KPI of the field period, or its baseline figure, with fewer than :data:`MIN_EXPECTED`
    cases behind it is undefined as too little evidence (the rule of the estimates, for a week of few parts
    or defects; a baseline of 2 defects gives no outgoing defect rate to improve on), and one whose interval
    cannot be formed is undefined with that reason: never a bare number."""
    rng = np.random.default_rng(seed)
    after_stats, before_stats = after_statistics(pricing), before_statistics(pricing)
    a_index = day_blocks(after.index.to_numpy(), n_boot=N_BOOT, block=block, rng=rng) if len(after) else None
    b_index = (
        day_blocks(before.index.to_numpy(), n_boot=N_BOOT, block=block, rng=rng) if len(before) else None
    )
    a_point, a_boot = summed(after), summed(after, a_index) if a_index is not None else None
    b_point, b_boot = summed(before), summed(before, b_index) if b_index is not None else None
    rows: dict[str, KpiRow] = {}
    for name, stat in after_stats.items():
        thin = too_little_evidence(name, a_point, estimate=False) if evidence and a_boot is not None else None
        if a_boot is None:
            interval = undefined(Reason("no_rows"))
        elif thin is not None:
            interval = undefined(thin)
        else:
            interval = percentile(np.asarray(stat(a_boot), dtype=float) * np.ones(N_BOOT), stat(a_point))
            interval = formed(interval) if evidence else interval
        row = KpiRow(name, interval, target=targets.get(name))
        if name in before_stats and b_boot is not None:
            b_stat = before_stats[name]
            thin_before = too_little_evidence(name, b_point, estimate=False) if evidence else None
            row.before = (
                undefined(thin_before)
                if thin_before is not None
                else percentile(np.asarray(b_stat(b_boot), dtype=float) * np.ones(N_BOOT), b_stat(b_point))
            )
            if a_boot is not None and evidence and isinstance(interval.value, Undefined):
                row.change = interval  # a change from a field figure that is no number is none either
            elif a_boot is not None and thin_before is not None:
                row.change = row.before  # nor is a change from a baseline of too few cases
            elif a_boot is not None:
                diff_point = _minus(stat(a_point), b_stat(b_point))
                diff = np.asarray(stat(a_boot), dtype=float) - np.asarray(b_stat(b_boot), dtype=float)
                row.change = percentile(diff * np.ones(N_BOOT), diff_point)
                row.change = formed(row.change) if evidence else row.change
        row.met = judge(row.target, row.after, higher_is_better=higher_is_better(name))
        rows[name] = row
    return rows


def formed(interval: Interval) -> Interval:
    """``interval``, or undefined with its reason where the interval cannot be formed: a point value
    without its interval is a bare number, which the evidence rule does not show."""
    if isinstance(interval.low, Undefined):
        return undefined(interval.low.reason)
    return interval


THIN = ("realised_few_defects", "realised_few_good", "realised_few_parts", "too_few_resamples")
"""The reasons that say a figure rests on too little evidence (too few cases, or too few resamples where it
is defined for an interval), as opposed to an input missing."""


def too_little(interval: Interval) -> bool:
    """Whether ``interval`` is undefined for too little evidence (see :data:`THIN`)."""
    reason = getattr(interval.value, "reason", None)
    return getattr(reason, "code", None) in THIN


def _minus(a: float, b: float) -> float:
    for value in (a, b):
        if isinstance(value, Undefined):
            return value
    return float(a) - float(b)


def before_after_saving(
    before: pd.DataFrame, after: pd.DataFrame, pricing: Pricing, *, block: int, seed: int = SEED + 1
) -> Interval:
    """Monthly money of the baseline period's cost per part minus the field period's (a before/after
    comparison: a process change between the periods moves it too; the report checks for one). Each period's
    cost rests on its defects: a period with fewer than :data:`MIN_EXPECTED` is too little evidence, and a
    figure whose interval cannot be formed is undefined with that reason."""
    gap = pricing.missing(
        "monthly_saving", "inspection_cost", "escape_cost", "false_alarm_cost", "parts_per_day"
    )
    if gap is not None:
        return undefined(gap.reason)
    if not len(before) or not len(after):
        return undefined(Reason("no_rows"))
    for period in (after, before):
        thin = too_little_evidence("monthly_saving", summed(period), estimate=False)
        if thin is not None:
            return undefined(thin)
    rng = np.random.default_rng(seed)
    b_index = day_blocks(before.index.to_numpy(), n_boot=N_BOOT, block=block, rng=rng)
    a_index = day_blocks(after.index.to_numpy(), n_boot=N_BOOT, block=block, rng=rng)
    per_month = pricing.volumes.parts_per_month

    def money(b: dict[str, Any], a: dict[str, Any]) -> Any:
        return (pricing.baseline_cost(b) - pricing.model_cost(a)) * per_month

    return formed(
        percentile(
            np.asarray(money(summed(before, b_index), summed(after, a_index)), dtype=float),
            float(money(summed(before), summed(after))),
        )
    )


def rate_change(
    before: pd.DataFrame, after: pd.DataFrame, num: str, den: str, *, block: int, seed: int
) -> tuple[Interval, Interval, Interval]:
    """(before, after, after - before) of sum(num) / sum(den) per period, day-block bootstrapped."""
    if not len(before) or not len(after):
        gap = undefined(Reason("no_rows"))
        return gap, gap, gap
    rng = np.random.default_rng(seed)
    b_index = day_blocks(before.index.to_numpy(), n_boot=N_BOOT, block=block, rng=rng)
    a_index = day_blocks(after.index.to_numpy(), n_boot=N_BOOT, block=block, rng=rng)
    b, a = summed(before[[num, den]], b_index), summed(after[[num, den]], a_index)
    b_rate, a_rate = _ratio(b[num], b[den], "no_rows"), _ratio(a[num], a[den], "no_rows")
    b_point = _ratio(before[num].sum(), before[den].sum(), "no_rows")
    a_point = _ratio(after[num].sum(), after[den].sum(), "no_rows")
    return (
        percentile(b_rate, b_point),
        percentile(a_rate, a_point),
        percentile(a_rate - b_rate, _minus(a_point, b_point)),
    )


def stability_rows(
    before: pd.DataFrame,
    after: pd.DataFrame,
    spec: SpecLimits | None,
    targets: dict[str, str],
    *,
    block: int,
    seed: int = SEED + 2,
) -> tuple[dict[str, KpiRow], dict[str, Any]]:
    """Cpk, Ppk and the control-chart signal rate of the measured characteristic, before and after.

    The chart's center and sigma come from the baseline period (the process as it was), so the field
    period is judged against it; Cpk/Ppk use :func:`axpoc.kpi.capability` in time order.
    """
    reason = Reason("missing_inputs", {"kpi": "cpk, ppk, control_signal_rate", "missing": "field.monitor"})
    names = ("cpk", "ppk", "control_signal_rate")
    if spec is None:
        return {
            n: KpiRow(
                n,
                undefined(reason),
                target=targets.get(n),
                met=judge(targets.get(n), undefined(reason), higher_is_better=True),
            )
            for n in names
        }, {}
    b = before[before["measure"].notna()].sort_values("part_time")
    a = after[after["measure"].notna()].sort_values("part_time")
    rng = np.random.default_rng(seed)
    rows: dict[str, KpiRow] = {}
    chart: dict[str, Any] = {}
    periods = {"before": b, "after": a}
    results = {
        period: _capability_intervals(frame, spec, block=block, rng=rng) for period, frame in periods.items()
    }
    signal_rate: dict[str, Interval] = {}
    if len(b) >= 2 and len(a):
        values = np.r_[b["measure"].to_numpy(), a["measure"].to_numpy()]
        control = control_signals(values, baseline_n=len(b))
        chart = {
            "values": values,
            "times": np.r_[b["part_time"].to_numpy(), a["part_time"].to_numpy()],
            "center": control.center,
            "ucl": float(control.ucl[0]),
            "lcl": float(control.lcl[0]),
            "signals": control.signals,
            "n_before": len(b),
        }
        if isinstance(control.rate, Undefined):
            signal_rate = {p: undefined(control.rate.reason) for p in periods}
        else:
            days = pd.DataFrame(
                {
                    "day": np.r_[b["day"].to_numpy(), a["day"].to_numpy()],
                    "s": control.signals.astype(float),
                    "n": 1.0,
                }
            )
            per_day = {
                p: days.iloc[sl].groupby("day").sum()
                for p, sl in (("before", slice(0, len(b))), ("after", slice(len(b), None)))
            }
            signal_rate["before"], signal_rate["after"], signal_rate["change"] = rate_change(
                per_day["before"], per_day["after"], "s", "n", block=block, seed=seed + 1
            )
    else:
        gap = undefined(Reason("capability_too_few", {"n": int(min(len(b), len(a)))}))
        signal_rate = {"before": gap, "after": gap, "change": gap}
    for name in ("cpk", "ppk"):
        row = KpiRow(name, results["after"][name], before=results["before"][name], target=targets.get(name))
        row.met = judge(row.target, row.after, higher_is_better=True)
        rows[name] = row
    row = KpiRow(
        "control_signal_rate",
        signal_rate["after"],
        before=signal_rate["before"],
        change=signal_rate.get("change"),
        target=targets.get("control_signal_rate"),
    )
    row.met = judge(row.target, row.after, higher_is_better=False)
    rows["control_signal_rate"] = row
    return rows, chart


def _capability_intervals(
    frame: pd.DataFrame, spec: SpecLimits, *, block: int, rng: np.random.Generator
) -> dict[str, Interval]:
    """Cpk and Ppk of one period with day-block bootstrap intervals (days kept whole, in time order)."""
    if len(frame) < 2:
        gap = undefined(Reason("capability_too_few", {"n": len(frame)}))
        return {"cpk": gap, "ppk": gap}
    point = capability(frame["measure"].to_numpy(), spec)
    by_day = [g["measure"].to_numpy() for _, g in frame.groupby("day", sort=True)]
    index = day_blocks(np.arange(len(by_day)), n_boot=N_BOOT_CAPABILITY, block=block, rng=rng)
    cpk, ppk = np.empty(len(index)), np.empty(len(index))
    for i, picks in enumerate(index):
        result = capability(np.concatenate([by_day[j] for j in picks]), spec)
        cpk[i], ppk[i] = float(result.cpk), float(result.ppk)
    return {"cpk": percentile(cpk, point.cpk), "ppk": percentile(ppk, point.ppk)}


ESTIMATE_KPIS = (
    "recall",
    "false_alarm_rate",
    "defect_escape_rate",
    "manual_inspection_share",
    "monthly_saving",
)
"""What the parts still awaiting their results are estimated on."""


def estimate_rows(
    awaiting: pd.DataFrame, pricing: Pricing, *, task: str, seed: int = SEED + 3, none: Any = None
) -> dict[str, KpiRow]:
    """ESTIMATES for the scored parts whose outcome has not come yet, from their calibrated scores.

    Each such part is a defect with probability ``score``, so the expected confusion counts are
    ``TP = sum(p f)``, ``FP = sum((1 - p) f)``, ``FN = sum(p (1 - f))``; the interval draws the unknown
    outcomes ``N_BOOT`` times from those probabilities. Only a probability of a defect can be read so:
    a regression's score is a predicted measurement and gives no estimate. An estimate resting on fewer than
    :data:`MIN_EXPECTED` expected cases (a recall of parts expected to hold two defects: a week of a few
    waiting parts) has too little evidence: undefined with that reason, never a number. ``none`` is the
    reason when nothing awaits (default: no rows).
    """
    names = ESTIMATE_KPIS
    if task not in ("binary", "anomaly"):
        return {n: KpiRow(n, undefined(FieldText("no_probability", {"task": task}))) for n in names}
    if not len(awaiting):
        return {n: KpiRow(n, undefined(none or Reason("no_rows"))) for n in names}
    p = np.clip(awaiting["score"].to_numpy(dtype=float), 0.0, 1.0)
    f = awaiting["flag"].to_numpy(dtype=bool)
    expected = {
        "n": float(len(p)),
        "d": float(p.sum()),
        "tp": float((p * f).sum()),
        "fp": float(((1 - p) * f).sum()),
        "fn": float((p * ~f).sum()),
    }
    expected["tn"] = expected["n"] - expected["tp"] - expected["fp"] - expected["fn"]
    rng = np.random.default_rng(seed)
    y = rng.uniform(size=(N_BOOT, len(p))) < p[None, :]
    draws = {
        "n": np.full(N_BOOT, float(len(p))),
        "d": y.sum(axis=1).astype(float),
        "tp": (y & f).sum(axis=1).astype(float),
        "fp": (~y & f).sum(axis=1).astype(float),
        "fn": (y & ~f).sum(axis=1).astype(float),
        "tn": (~y & ~f).sum(axis=1).astype(float),
    }
    stats = after_statistics(pricing)
    rows = {}
    for n in names:
        thin = too_little_evidence(n, expected, estimate=True)
        if thin is not None:
            rows[n] = KpiRow(n, undefined(thin))
        else:
            draws_of = np.asarray(stats[n](draws), dtype=float) * np.ones(N_BOOT)
            rows[n] = KpiRow(n, percentile(draws_of, stats[n](expected)))
    return rows
