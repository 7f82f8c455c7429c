"""The retrain report (and the drift-only report of ``axpoc drift``): one self-contained HTML file.

It reuses the PoC report's room: its CSS (taken from the PoC template, so both reports look alike),
the bundled Korean figure font and canvas, and its number formatting; only the sections differ:
decision, new-data checks, drift, product changes, the champion on the new data, both models side by
side on the same holdout, training data, reproducibility.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from axpoc.i18n import DriftNote, gate_reason, retrain_texts, say
from axpoc.kpi import GateResult
from axpoc.report import _figures
from axpoc.report._data import KpiRow
from axpoc.report._fonts import CSS_FONT_STACK
from axpoc.report._i18n import as_number, fmt_kpi, fmt_number, rule_label

TEMPLATE = "retrain_report.html.j2"
_MAX_DRIFT_ROWS = 40
_KEY_KPIS = ("monthly_saving", "recall", "false_alarm_rate", "defect_escape_rate", "mae", "rmse", "r2")


@dataclass
class ModelColumn:
    """One model's results in the report: KPIs (with CIs) and gate verdicts."""

    role: str  # champion | challenger
    version: str | None
    family: str
    kpis: list[KpiRow]
    gates: list[GateResult]
    gates_passed: bool


@dataclass
class RetrainReportData:
    """Input of :func:`render_retrain_report`; ``kind`` "drift" leaves out the training sections."""

    language: str
    project_name: str
    title: str
    created_at: str
    model_name: str
    champion_version: str
    data_source: str
    n_new: int
    reference: str
    n_reference: int
    drift: pd.DataFrame | None = None  # DriftReport.to_frame()
    drift_summary: str = ""
    unseen: dict[str, list[tuple[Any, int]]] = field(default_factory=dict)
    sampled: bool = False
    validation: pd.DataFrame | None = None  # failed expectations (warnings) of the new data
    champion_on_new: ModelColumn | None = None
    new_products: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    currency: str = "KRW"
    kind: str = "drift"  # drift | retrain
    verdict: str = "drift"  # champion | challenger | insufficient_evidence | rejected | drift
    verdict_reason: str = ""
    forced: bool = False
    primary: str = ""
    non_inferiority: dict[str, Any] = field(default_factory=dict)
    challenger_version: str | None = None
    models: list[ModelColumn] = field(default_factory=list)  # champion (if it scored), challenger
    holdout: str = ""
    training: list[tuple[str, str]] = field(default_factory=list)  # (key, value); keys tr_<key>
    run_id: str | None = None
    tracking_uri: str = ""
    config_digest: str = ""
    packages: dict[str, str] = field(default_factory=dict)


@functools.cache
def _base_css() -> str:
    """The PoC report's stylesheet, read from its template: one look for every axpoc report."""
    from axpoc.report._render import TEMPLATE as POC_TEMPLATE
    from axpoc.report._render import _environment

    env = _environment()
    source = env.loader.get_source(env, POC_TEMPLATE)[0]  # type: ignore[union-attr]
    match = re.search(r"<style>(.*?)</style>", source, flags=re.S)
    return env.from_string(match.group(1) if match else "").render(font_stack=CSS_FONT_STACK)


def render_retrain_report(data: RetrainReportData) -> str:
    """The retrain (or drift-only) report as HTML text in ``data.language``."""
    from axpoc.report._render import _environment

    t = retrain_texts(data.language)
    context = {
        "t": t,
        "lang": data.language,
        "css": _base_css(),
        "kind": data.kind,
        "heading": t["report_retrain"] if data.kind == "retrain" else t["report_drift"],
        "title": data.title,
        "meta": _meta(data, t),
        "decision": _decision(data, t),
        "validation": _validation(data.validation),
        "drift": _drift(data, t),
        "products": [{**p, "action": say(p["action"], data.language)} for p in data.new_products],
        "champion_new": _column_table(data.champion_on_new, data, t) if data.champion_on_new else None,
        "compare": _compare(data, t) if data.kind == "retrain" else None,
        "training": [(t.get(f"tr_{key}", key), say(value, data.language)) for key, value in data.training],
        "notes": [say(note, data.language) for note in data.notes],
        "repro": _repro(data, t),
    }
    return _environment().get_template(TEMPLATE).render(**context)


def write_retrain_report(data: RetrainReportData, path: Path) -> Path:
    """Render and write atomically (a reader never sees half a file)."""
    from axpoc.data import write_atomic

    html = render_retrain_report(data)
    return write_atomic(Path(path), lambda tmp: tmp.write_text(html, encoding="utf-8", newline="\n"))


def _meta(data: RetrainReportData, t: Mapping[str, str]) -> list[tuple[str, str]]:
    items = [
        (t["model_name"], data.model_name),
        (t["champion"], f"v{data.champion_version}"),
        (t["challenger"], f"v{data.challenger_version}" if data.challenger_version else ""),
        (t["data_new"], f"{data.data_source} ({data.n_new:,} {t['rows']})"),
        (t["created_at"], data.created_at),
    ]
    return [(label, value) for label, value in items if value]


def _fmt(value: Any, *, digits: int = 4, signed: bool = False) -> str:
    number = as_number(value)
    if number is None:
        return "–"
    return f"{number:+.{digits}f}" if signed else fmt_number(number, digits=digits)


def _decision(data: RetrainReportData, t: Mapping[str, str]) -> dict[str, Any]:
    ni = data.non_inferiority
    test = ""
    if {"diff", "low", "tolerance"} <= set(ni):
        test = t["ni_text"].format(
            metric=ni.get("primary", data.primary),
            diff=_fmt(ni["diff"], signed=True),
            low=_fmt(ni["low"], signed=True),
            tol=_fmt(ni["tolerance"]),
        )
    drifted = (
        0
        if data.drift is None
        else int(
            ((data.drift["role"] == "feature") & data.drift["severity"].isin(["moderate", "major"])).sum()
        )
    )
    tiles = [
        {"caption": t["drifted"], "value": f"{drifted}"},
        {"caption": t["new_products"], "value": f"{len(data.new_products)}"},
    ]
    for column in data.models:
        row = next((k for k in column.kpis if k.name == data.primary), None)
        if row is not None:
            tiles.append(
                {"caption": f"{t[column.role]} v{column.version} · {data.primary}", "value": _fmt(row.value)}
            )
    return {
        "verdict": data.verdict,
        "label": t[f"verdict_{data.verdict}"],
        "reason": data.verdict_reason or data.drift_summary,
        "forced": data.forced,
        "test": test,
        "rule": t["decision_rule"] if data.kind == "retrain" else "",
        "tiles": tiles,
    }


def _validation(frame: pd.DataFrame | None) -> list[dict[str, str]]:
    if frame is None or frame.empty:
        return []
    rows = []
    for record in frame.to_dict("records"):
        share = as_number(record.get("failing_share"))
        rows.append(
            {
                "column": str(record.get("column", "")),
                "rule": str(record.get("expectation", "")),
                "severity": str(record.get("severity", "")),
                "share": "–" if share is None else f"{share:.2%}",
                "samples": str(record.get("samples") or record.get("note") or ""),
            }
        )
    return rows


def _drift(data: RetrainReportData, t: Mapping[str, str]) -> dict[str, Any] | None:
    frame = data.drift
    if frame is None or frame.empty:
        return None
    rank = {"major": 0, "moderate": 1, "none": 2}
    features = frame[frame["role"] == "feature"].assign(
        _rank=lambda f: f["severity"].map(rank), _psi=lambda f: -pd.to_numeric(f["psi"]).fillna(-1)
    )
    features = features.sort_values(["_rank", "_psi"], kind="stable")
    others = frame[frame["role"] != "feature"]
    rows = []
    for record in [*others.to_dict("records"), *features.head(_MAX_DRIFT_ROWS).to_dict("records")]:
        role = record["role"]
        name = record["name"] if role == "feature" else f"{t['role_' + role]} {record['name']}"
        rows.append(
            {
                "name": name,
                "kind": DriftNote("kind", {"kind": record["kind"]}).text(data.language),
                "severity": record["severity"],
                "severity_label": t.get(f"sev_{record['severity']}", record["severity"]),
                "psi": _fmt(record["psi"], digits=3),
                "test": record["test"],
                "p_value": _p(record["p_value"]),
                "w_norm": _fmt(record["wasserstein_norm"], digits=3),
                "change": _change(record, t),
                "reason": say(record.get("reason", ""), data.language),
            }
        )
    unseen = [
        (column, ", ".join(f"{value} ({count:,})" for value, count in pairs[:10]))
        for column, pairs in data.unseen.items()
    ]
    return {
        "summary": data.drift_summary,
        "rows": rows,
        "more": max(0, len(features) - _MAX_DRIFT_ROWS),
        "unseen": unseen,
        "sampled": data.sampled,
        "figure": drift_chart(features, t=t),
    }


def _signed(value: float) -> str:
    """A difference with its sign and the report's number style (+0.0312, -12,345)."""
    return ("+" if value > 0 else "") + fmt_number(value)


def _p(value: Any) -> str:
    number = as_number(value)
    if number is None:
        return "–"
    return "< 0.001" if number < 0.001 else f"{number:.3f}"


def _change(record: Mapping[str, Any], t: Mapping[str, str]) -> str:
    before, after = as_number(record.get("mean_reference")), as_number(record.get("mean_current"))
    if before is not None and after is not None:
        return f"{fmt_number(before)} → {fmt_number(after)}"
    missing = as_number(record.get("missing_reference")), as_number(record.get("missing_current"))
    if None not in missing and missing[0] != missing[1]:
        return t["missing_change"].format(before=f"{missing[0]:.1%}", after=f"{missing[1]:.1%}")
    return ""


def drift_chart(features: pd.DataFrame, *, t: Mapping[str, str], top: int = 15) -> str | None:
    """Horizontal PSI bars, worst on top, coloured by severity, with the 0.1 and 0.25 bands."""
    psi = pd.to_numeric(features.get("psi", pd.Series(dtype=float)), errors="coerce")
    shown = features.assign(psi=psi)[np.isfinite(psi)].sort_values("psi", ascending=False).head(top)
    if shown.empty:
        return None
    colours = {"major": _figures.RED, "moderate": _figures.ORANGE}
    n = len(shown)
    with _figures._canvas(_figures.WIDTH, 0.9 + 0.3 * n) as fig:
        ax = fig.subplots()
        y = np.arange(n)[::-1]
        ax.barh(
            y, shown["psi"], color=[colours.get(s, _figures.BLUE) for s in shown["severity"]], height=0.62
        )
        for cut in (0.1, 0.25):
            ax.axvline(cut, color=_figures.GREY, linewidth=0.9, linestyle="--")
        ax.set_yticks(y, shown["name"].astype(str))
        ax.set_xlabel("PSI")
        ax.set_title(t["fig_drift"], loc="left")
        ax.grid(axis="y", visible=False)
        return _figures._encode(fig)


def _kpi_cell(row: KpiRow | None, data: RetrainReportData) -> tuple[str, str]:
    if row is None:
        return "–", "–"
    value = fmt_kpi(row.value, name=row.name, unit=row.unit, currency=data.currency, language=data.language)
    low, high = as_number(row.ci_low), as_number(row.ci_high)
    ci = (
        "–"
        if low is None or high is None
        else (
            f"{fmt_kpi(low, name=row.name, unit=row.unit, currency=data.currency, language=data.language)} – "
            f"{fmt_kpi(high, name=row.name, unit=row.unit, currency=data.currency, language=data.language)}"
        )
    )
    return value, ci


def _gate_rows(column: ModelColumn, data: RetrainReportData, t: Mapping[str, str]) -> list[dict[str, Any]]:
    units = {k.name: k.unit for k in column.kpis}
    out = []
    for gate in column.gates:
        if gate.kind == "rule":  # a built-in acceptance rule: its name in Korean, what it found
            out.append(
                {
                    "name": rule_label(gate.name, data.language),
                    "rule": "",
                    "value": "",
                    "passed": gate.passed,
                    "reason": say(gate.reason, data.language),
                }
            )
            continue
        fmt = functools.partial(
            fmt_kpi,
            name=gate.name,
            unit=units.get(gate.name, ""),
            currency=data.currency,
            language=data.language,
        )
        rule = f"{gate.op} {fmt(gate.target)}"
        reason = gate_reason(
            gate.reason,
            label=gate.name,
            used=fmt(gate.used_value),
            rule=rule,
            language=data.language,
        )
        out.append(
            {
                "name": gate.name,
                "rule": rule,
                "value": fmt(gate.value),
                "passed": gate.passed,
                "reason": "" if gate.passed else reason,
            }
        )
    return out


def _column_table(column: ModelColumn, data: RetrainReportData, t: Mapping[str, str]) -> dict[str, Any]:
    rows = []
    for row in column.kpis:
        value, ci = _kpi_cell(row, data)
        rows.append({"name": row.name, "label": row.label, "value": value, "ci": ci})
    return {"rows": rows, "gates": _gate_rows(column, data, t)}


def _compare(data: RetrainReportData, t: Mapping[str, str]) -> dict[str, Any]:
    champion = next((m for m in data.models if m.role == "champion"), None)
    challenger = next((m for m in data.models if m.role == "challenger"), None)
    names = [k.name for k in (challenger.kpis if challenger else [])]
    by_role = {m.role: {k.name: k for k in m.kpis} for m in data.models}
    rows = []
    for name in names:
        new = by_role["challenger"].get(name)
        old = by_role.get("champion", {}).get(name)
        old_value, old_ci = _kpi_cell(old, data)
        new_value, new_ci = _kpi_cell(new, data)
        a, b = as_number(new.value if new else None), as_number(old.value if old else None)
        diff = "–" if a is None or b is None or not math.isfinite(a - b) else _signed(a - b)
        rows.append(
            {
                "name": name,
                "label": new.label if new else name,
                "champion": old_value,
                "champion_ci": old_ci,
                "challenger": new_value,
                "challenger_ci": new_ci,
                "diff": diff,
                "primary": name == data.primary,
            }
        )
    return {
        "holdout": say(data.holdout, data.language),
        "champion": {
            "version": champion.version,
            "family": champion.family,
            "gates": _gate_rows(champion, data, t),
        }
        if champion
        else None,
        "challenger": {
            "version": challenger.version,
            "family": challenger.family,
            "gates": _gate_rows(challenger, data, t),
        }
        if challenger
        else None,
        "rows": rows,
        "figure": compare_chart(data, t=t),
    }


def compare_chart(data: RetrainReportData, *, t: Mapping[str, str]) -> str | None:
    """Champion and challenger per key KPI (primary first): point and 95 % interval, one panel each."""
    names = [data.primary, *[n for n in _KEY_KPIS if n != data.primary]]
    by_role = {m.role: {k.name: k for k in m.kpis} for m in data.models}
    panels = [
        n
        for n in names
        if any(as_number(getattr(by_role.get(r, {}).get(n), "value", None)) is not None for r in by_role)
    ][:3]
    if not panels:
        return None
    colours = {"champion": _figures.GREY, "challenger": _figures.NAVY}
    with _figures._canvas(_figures.WIDTH, 1.6) as fig:
        axes = fig.subplots(1, len(panels), squeeze=False)[0]
        for ax, name in zip(axes, panels, strict=True):
            for i, role in enumerate(("champion", "challenger")):
                row = by_role.get(role, {}).get(name)
                value = as_number(getattr(row, "value", None))
                if value is None:
                    continue
                low, high = as_number(row.ci_low), as_number(row.ci_high)
                if low is not None and high is not None:
                    ax.plot([low, high], [i, i], color=colours[role], linewidth=2.2, solid_capstyle="round")
                ax.plot(value, i, "o", color=colours[role], markersize=7, zorder=3)
            ax.set_yticks([0, 1], [t["champion"], t["challenger"]])
            ax.set_ylim(-0.6, 1.6)
            ax.set_title(name, loc="left", fontsize=9.5)
            ax.grid(axis="y", visible=False)
        fig.suptitle(t["fig_compare"], x=0.01, ha="left", fontsize=11, color=_figures.NAVY)
        return _figures._encode(fig)


def _repro(data: RetrainReportData, t: Mapping[str, str]) -> dict[str, Any]:
    facts = [
        (t["run_id"], data.run_id or ""),
        (t["tracking_uri"], data.tracking_uri),
        (t["config_digest"], data.config_digest),
        (t["reference"], f"{data.reference} ({data.n_reference:,} {t['rows']})"),
    ]
    return {
        "facts": [(label, value) for label, value in facts if value],
        "packages": sorted(data.packages.items()),
    }
