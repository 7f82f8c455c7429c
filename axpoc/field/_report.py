"""The field report's content: the periods, realised KPIs with intervals, weeks, incidents and the verdict.

Everything here is numbers and names in a plain dict (``--json`` prints it, axpoc.report lays it out in
Korean or English); the KPIs come from :mod:`axpoc.field._kpis`, the counts from the outcome store.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from axpoc.config import PocConfig
from axpoc.errors import UserError
from axpoc.field import _kpis as k
from axpoc.field._outcomes import read_outcomes
from axpoc.field._text import say
from axpoc.field._visits import read_visits
from axpoc.i18n import FieldText
from axpoc.kpi import SpecLimits

REPORT_FILE = "field_report.html"


@dataclass(frozen=True)
class Window:
    """``--since`` / ``--until``: the field days the report covers (both inclusive; None = open)."""

    since: date | None = None
    until: date | None = None


def defect_of(config: PocConfig, labels: pd.Series) -> pd.Series:
    """Whether each recorded result is a defect (NaN where no result came), by the config's target."""
    task, target = config.target.task, config.target
    present = labels.notna()
    out = pd.Series(np.nan, index=labels.index, dtype=object)
    if task == "regression":
        values = pd.to_numeric(labels, errors="coerce")
        spec = target.spec
        if spec is None:
            return out
        bad = pd.Series(False, index=labels.index)
        if spec.lsl is not None:
            bad |= values < spec.lsl
        if spec.usl is not None:
            bad |= values > spec.usl
        out[values.notna()] = bad[values.notna()]
        return out
    if task == "multiclass":
        defects = {str(c) for c in target.defect_classes}
        out[present] = labels[present].astype(str).isin(defects)
        return out
    positive = target.positive_class
    if positive is None:
        values = set(labels[present].astype(str))
        if not values <= {"0", "1", "0.0", "1.0"}:
            raise UserError(say("no_positive", config.language, values=", ".join(sorted(values)[:8])))
        positive = 1
    text = labels[present].astype(str).str.removesuffix(".0")
    out[present] = text == str(positive).removesuffix(".0")
    return out


def periods(config: PocConfig, *, project_dir: Path, scored: pd.DataFrame, window: Window) -> k.Periods:
    """The baseline rows (results dated before deployment, within ``field.baseline_days``), the field rows
    (results of scored parts, within ``window``) and the scored parts still awaiting a result."""
    if config.field.deployed is None:
        raise UserError(say("no_deployed", config.language))
    deployed = pd.Timestamp(config.field.deployed)
    outcomes = read_outcomes(project_dir)
    outcomes["defect"] = defect_of(config, outcomes["label"])
    outcomes["day"] = pd.to_datetime(outcomes["part_time"]).dt.normalize()
    # a result's own time wins over the production time in predict's output (record_outcomes filled the gaps)
    joined = outcomes.merge(
        scored.drop(columns=["part_time"], errors="ignore"), on="id", how="left", indicator=True
    )
    is_scored = joined["_merge"] == "both"
    after = joined[is_scored & (joined["day"] >= deployed)].copy()
    after["flag"] = after["decision"].astype(bool)
    if window.since is not None:
        after = after[after["day"] >= pd.Timestamp(window.since)]
    if window.until is not None:
        after = after[after["day"] <= pd.Timestamp(window.until)]
    after["week"] = (after["day"] - deployed).dt.days // 7 + 1
    start = deployed - pd.Timedelta(days=config.field.baseline_days) if config.field.baseline_days else None
    before = joined[~is_scored & (joined["day"] < deployed)].copy()
    if start is not None:
        before = before[before["day"] >= start]
    awaiting = scored[~scored["id"].isin(set(outcomes["id"]))].copy()
    awaiting["flag"] = awaiting["decision"].astype(bool)
    # a waiting part's week comes from its production time (predict copies columns.time); without one, or
    # made before deployment, it is in the whole period's estimate only
    part_time = awaiting["part_time"] if "part_time" in awaiting else pd.Series(pd.NaT, index=awaiting.index)
    awaiting["day"] = pd.to_datetime(part_time).dt.normalize()
    if window.since is not None:
        awaiting = awaiting[~(awaiting["day"] < pd.Timestamp(window.since))]
    if window.until is not None:
        awaiting = awaiting[~(awaiting["day"] > pd.Timestamp(window.until))]
    weeks = (awaiting["day"] - deployed).dt.days // 7 + 1
    awaiting["week"] = weeks.where(awaiting["day"] >= deployed)
    return k.Periods(before=before, after=after, awaiting=awaiting, deployed=deployed)


def field_report(
    config: PocConfig,
    *,
    project_dir: Path,
    scored: pd.DataFrame,
    prediction_log: list[dict[str, Any]],
    promotion_log: list[dict[str, Any]],
    window: Window = Window(),
) -> dict[str, Any]:
    """Every figure of the field report, as plain data (see the module doc)."""
    _check_targets(config)
    cost, baseline, volumes = config.kpi.business_inputs()
    pricing = k.Pricing(cost, baseline, volumes)
    block = config.field.block_days
    p = periods(config, project_dir=project_dir, scored=scored, window=window)
    targets = dict(config.kpi.targets)
    before_days, after_days = k.daily(p.before), k.daily(p.after)
    # the whole period follows the weeks' evidence rule: fewer than 5 cases behind a KPI is no number
    kpis = k.ratio_rows(before_days, after_days, pricing, targets, block=block, evidence=True)
    spec = _spec(config)
    stability, chart = k.stability_rows(p.before, p.after, spec, targets, block=block)
    kpis |= stability
    if not len(before_days):
        gap = k.undefined(FieldText("no_baseline_rows", {}))
        for row in kpis.values():
            if row.before is not None or row.name in (
                "defect_rate_passed",
                "manual_inspection_share",
                "cpk",
                "ppk",
                "control_signal_rate",
            ):
                row.before, row.change = gap, None
    before_after = k.before_after_saving(before_days, after_days, pricing, block=block)
    shift = _process_shift(p, before_days, after_days, block=block)
    weeks = _weeks(p, before_days, pricing, chart, block=block)
    estimate = k.estimate_rows(p.awaiting, pricing, task=config.target.task)
    estimate_weeks = _estimate_weeks(p, pricing, task=config.target.task)
    calibration = _calibration(p.after, config.target.task)
    report = {
        "ok": True,
        "project": config.project.name,
        "title": config.project.title or config.project.name,
        "language": config.language,
        "currency": cost.currency,
        "deployed": str(p.deployed.date()),
        "window": {"since": _day(window.since), "until": _day(window.until)},
        "baseline": _period_facts(p.before),
        "field": _period_facts(p.after),
        "awaiting": len(p.awaiting),
        "kpis": {name: row.to_dict() for name, row in kpis.items()},
        "saving_before_after": before_after.to_dict(),
        "process_shift": shift,
        "weeks": weeks,
        "estimate": {name: row.to_dict() for name, row in estimate.items()},
        "estimate_weeks": estimate_weeks,
        "awaiting_unplaced": int(p.awaiting["week"].isna().sum()),
        "calibration": calibration,
        "monitor": None
        if spec is None
        else {"column": config.field.monitor.column, "lsl": spec.lsl, "usl": spec.usl},  # type: ignore[union-attr]
        "chart": _chart_data(chart),
        "incidents": _incidents(prediction_log, promotion_log, weeks, p.deployed),
        "visits": _timeline(config, project_dir),
        "model_versions": sorted(
            {str(v) for v in p.after.get("model_version", pd.Series(dtype=str)).dropna()}
        ),
        "targets": targets,
    }
    # the figures a verdict rests on (the targets and the money) that have too little evidence to judge
    thin = [n for n, row in kpis.items() if k.too_little(row.after) and (row.target or n == "monthly_saving")]
    report["verdict"] = _verdict(report, thin=len(thin) + k.too_little(before_after))
    return report


def _check_targets(config: PocConfig) -> None:
    for name in config.kpi.targets:
        if name not in k.FIELD_KPIS:
            raise UserError(say("unknown_target", config.language, name=name, names=", ".join(k.FIELD_KPIS)))


def _spec(config: PocConfig) -> SpecLimits | None:
    monitor = config.field.monitor
    return None if monitor is None else SpecLimits(lsl=monitor.lsl, usl=monitor.usl)


def _day(value: date | None) -> str | None:
    return None if value is None else str(value)


def _period_facts(rows: pd.DataFrame) -> dict[str, Any]:
    days = rows["day"].dropna()
    known = rows["defect"].notna()
    return {
        "parts": len(rows),
        "with_result": int(known.sum()),
        "defects": int(rows.loc[known, "defect"].astype(bool).sum()),
        "measured": int(rows["measure"].notna().sum()),
        "days": int(days.nunique()),
        "first": str(days.min().date()) if len(days) else None,
        "last": str(days.max().date()) if len(days) else None,
    }


def _process_shift(p: k.Periods, before: pd.DataFrame, after: pd.DataFrame, *, block: int) -> dict[str, Any]:
    """Did the process itself change between the periods? Its defect rate and the measured mean, before
    and after, with intervals; a change whose interval excludes 0 confounds a before/after comparison."""
    rate = k.rate_change(before, after, "d", "n", block=block, seed=k.SEED + 4)
    measured = {}
    for name, rows in (("before", p.before), ("after", p.after)):
        m = rows[rows["measure"].notna()]
        measured[name] = pd.DataFrame({"day": m["day"], "x": m["measure"], "n": 1.0}).groupby("day").sum()
    mean = k.rate_change(measured["before"], measured["after"], "x", "n", block=block, seed=k.SEED + 5)
    shifted = {
        name: _excludes_zero(triple[2]) for name, triple in (("defect_rate", rate), ("measure_mean", mean))
    }
    return {
        "defect_rate": [i.to_dict() for i in rate],
        "measure_mean": [i.to_dict() for i in mean],
        "shifted": shifted,
        "confounded": any(shifted.values()),
    }


def _excludes_zero(interval: k.Interval) -> bool:
    low, high = float(interval.low), float(interval.high)
    return math.isfinite(low) and math.isfinite(high) and (low > 0 or high < 0)


def _weeks(
    p: k.Periods, before_days: pd.DataFrame, pricing: k.Pricing, chart: dict[str, Any], *, block: int
) -> list[dict[str, Any]]:
    """Per field week: parts, results, realised KPIs with intervals (a KPI of a week with fewer than
    :data:`~axpoc.field._kpis.MIN_EXPECTED` cases behind it is too little evidence, as the estimates), the
    process's defect rate against the baseline's and the control-chart signal rate."""
    base_rate = (
        k.rate_change(before_days, before_days, "d", "n", block=block, seed=k.SEED)[0]
        if len(before_days)
        else None
    )
    signals = pd.Series(dtype=float)
    if chart:
        after_signals = chart["signals"][chart["n_before"] :]
        measured = p.after[p.after["measure"].notna()].sort_values("part_time")
        signals = pd.Series(after_signals.astype(float), index=measured["week"].to_numpy())
    out = []
    for week, rows in p.after.groupby("week", sort=True):
        days = k.daily(rows)
        kpis = k.ratio_rows(
            before_days.iloc[0:0], days, pricing, {}, block=block, seed=k.SEED + int(week), evidence=True
        )
        defect_rate = (
            k.rate_change(days, days, "d", "n", block=block, seed=k.SEED + 10 + int(week))[0]
            if len(days)
            else k.undefined("no_rows")
        )
        shifted = False
        if base_rate is not None and len(days):
            shifted = float(defect_rate.low) > float(base_rate.high) or float(defect_rate.high) < float(
                base_rate.low
            )
        week_signals = signals[signals.index == week] if len(signals) else signals
        out.append(
            {
                "week": int(week),
                "first": str(rows["day"].min().date()),
                "last": str(rows["day"].max().date()),
                "parts": len(rows),
                "with_result": int(rows["defect"].notna().sum()),
                "defect_rate": defect_rate.to_dict(),
                "process_shift": bool(shifted),
                "signal_rate": float(week_signals.mean()) if len(week_signals) else None,
                "kpis": {
                    name: kpis[name].after.to_dict()
                    for name in (
                        "recall",
                        "false_alarm_rate",
                        "defect_rate_passed",
                        "manual_inspection_share",
                        "monthly_saving",
                    )
                },
            }
        )
    return out


def _estimate_weeks(p: k.Periods, pricing: k.Pricing, *, task: str) -> list[dict[str, Any]]:
    """The ESTIMATE per field week (the weeks with results or with parts awaiting them): each week's waiting
    parts estimated alone, so a week of a few parts says it has too little evidence instead of a number."""
    placed = p.awaiting[p.awaiting["week"].notna()]
    weeks = sorted({int(w) for w in p.after["week"]} | {int(w) for w in placed["week"]})
    out = []
    for week in weeks:
        parts = placed[placed["week"] == week]
        rows = k.estimate_rows(
            parts, pricing, task=task, seed=k.SEED + 20 + week, none=FieldText("week_no_awaiting", {})
        )
        out.append(
            {
                "week": week,
                "awaiting": len(parts),
                "kpis": {name: row.after.to_dict() for name, row in rows.items()},
            }
        )
    return out


def _calibration(after: pd.DataFrame, task: str) -> dict[str, Any] | None:
    """Mean score against the realised defect share on the parts with results: whether scores read as
    probabilities, which the estimate of parts still awaiting results assumes."""
    known = after[after["defect"].notna()]
    if task not in ("binary", "anomaly") or not len(known):
        return None
    return {
        "mean_score": float(pd.to_numeric(known["score"], errors="coerce").clip(0, 1).mean()),
        "defect_share": float(known["defect"].astype(bool).mean()),
        "parts": len(known),
    }


def _chart_data(chart: dict[str, Any]) -> dict[str, Any] | None:
    if not chart:
        return None
    return {
        "values": [float(v) for v in chart["values"]],
        "times": [str(pd.Timestamp(t)) for t in chart["times"]],
        "center": chart["center"],
        "ucl": chart["ucl"],
        "lcl": chart["lcl"],
        "signals": [bool(s) for s in chart["signals"]],
        "n_before": chart["n_before"],
    }


def _incidents(
    prediction_log: list[dict[str, Any]],
    promotion_log: list[dict[str, Any]],
    weeks: list[dict[str, Any]],
    deployed: pd.Timestamp,
) -> list[dict[str, Any]]:
    """What happened on the line: scoring calls with rejected or flagged inputs, promotions and rollbacks,
    and weeks whose process defect rate left the baseline's interval or whose chart signalled."""
    found: list[dict[str, Any]] = []
    for entry in prediction_log:
        if entry.get("kind") != "batch":
            continue
        if entry.get("rejected"):
            found.append(
                {
                    "when": entry.get("time"),
                    "kind": "rejects",
                    "count": int(entry["rejected"]),
                    "what": str(entry.get("input", "")),
                }
            )
        if entry.get("input_flagged"):
            found.append(
                {
                    "when": entry.get("time"),
                    "kind": "input_flags",
                    "count": int(entry["input_flagged"]),
                    "what": str(entry.get("input", "")),
                }
            )
    kinds = {"promote": "promotion", "rollback": "rollback", "reject": "reject"}
    for entry in promotion_log:
        kind = kinds.get(str(entry.get("action", "")))
        if kind is not None:
            found.append(
                {
                    "when": entry.get("time"),
                    "kind": kind,
                    "version": entry.get("version"),
                    "what": str(entry.get("reason", "")),
                    # the promotion log keeps the Korean sentence beside the English one (a Korean report)
                    **({"what_ko": entry["reason_ko"]} if entry.get("reason_ko") else {}),
                }
            )
    for week in weeks:
        if week["process_shift"]:
            found.append({"when": week["first"], "kind": "process_shift", "week": week["week"], "what": ""})
        if week["signal_rate"] is not None and week["signal_rate"] > 0.05:
            found.append(
                {
                    "when": week["first"],
                    "kind": "control_signals",
                    "week": week["week"],
                    "share": week["signal_rate"],
                    "what": "",
                }
            )
    return sorted(found, key=lambda i: str(i.get("when") or ""))


def _timeline(config: PocConfig, project_dir: Path) -> list[dict[str, Any]]:
    """Planned visits (the charter's schedule) and recorded ones, by date."""
    planned = [
        {"date": str(v.date), "kind": "planned", "what": v.purpose, "who": "", "next": ""}
        for v in config.plan.visits
    ]
    done = [{"kind": "visit", "who": "", "next": "", **v} for v in read_visits(project_dir)]
    return sorted(planned + done, key=lambda v: (v["date"], v["kind"]))


def _verdict(report: dict[str, Any], *, thin: int) -> dict[str, Any]:
    """The one sentence for the plant manager, as a code and its values (the renderer words it); ``thin``:
    how many of the figures it rests on (targets, money) have too little evidence, which is no pass or fail."""
    kpis = report["kpis"]
    judged = {name: row["met"] for name, row in kpis.items() if row["met"] is not None}
    saving = kpis["monthly_saving"]["after"]
    values = {
        "met": sum(1 for m in judged.values() if m in ("surely", "likely")),
        "targets": len(judged),
        "saving": saving.get("value"),
        "low": saving.get("low"),
        "high": saving.get("high"),
        "weeks": len(report["weeks"]),
        "thin": thin,
    }
    if not report["field"]["with_result"]:
        code = "verdict_no_results"
    elif thin:
        code = "verdict_too_little_evidence"
    elif "undefined" in saving:
        code = "verdict_no_money"
    elif report["process_shift"]["confounded"]:
        code = "verdict_confounded"
    elif (
        values["low"] is not None
        and isinstance(values["low"], float)
        and values["low"] > 0
        and values["met"] == values["targets"]
    ):
        code = "verdict_success"
    elif values["low"] is not None and isinstance(values["low"], float) and values["low"] > 0:
        code = "verdict_saving_targets_missed"
    else:
        code = "verdict_unsure"
    return {"code": code, "values": values}
