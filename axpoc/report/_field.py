"""The field report, the charter and the case card: one self-contained HTML page each (Korean by default).

They share the PoC report's stylesheet, Korean figure font and number formatting; the content comes in as
plain data (axpoc.field builds it), so what ``--json`` prints is exactly what the page shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from axpoc.i18n import field_texts, say, texts
from axpoc.kpi import KPIS
from axpoc.report import _figures
from axpoc.report._i18n import fmt_kpi, fmt_money, fmt_number, rule_label
from axpoc.report._retrain import _base_css

FIELD_TEMPLATE = "field_report.html.j2"


def _label(name: str, language: str) -> str:
    kpi = KPIS.get(name)
    if kpi is None:
        return name
    return kpi.label_ko if language == "ko" else kpi.label_en


def _fmt(name: str, value: Any, data: Mapping[str, Any]) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "–"
    unit = KPIS[name].unit if name in KPIS else ""
    return fmt_kpi(value, name=name, unit=unit, currency=data["currency"], language=data["language"])


def _interval(name: str, interval: Mapping[str, Any] | None, data: Mapping[str, Any]) -> dict[str, str]:
    """An interval dict as display text: value, "low ~ high", and the reason when undefined."""
    if not interval:
        return {"value": "–", "ci": "", "reason": ""}
    language = data["language"]
    reason = say(interval.get("undefined") or "", language)
    value = _fmt(name, interval.get("value"), data)
    low, high = interval.get("low"), interval.get("high")
    ci = f"{_fmt(name, low, data)} ~ {_fmt(name, high, data)}" if value != "–" and low is not None else ""
    if value == "–" and not reason:
        reason = texts(language)["undefined"]
    return {"value": value, "ci": ci if "–" not in ci else "", "reason": reason}


def field_verdict_text(report: Mapping[str, Any]) -> str:
    """The one sentence for the plant manager, in the report's language."""
    t = field_texts(report["language"])
    verdict = report["verdict"]
    values = dict(verdict["values"])
    for key in ("saving", "low", "high"):
        values[key] = fmt_money(values.get(key), currency=report["currency"], language=report["language"])
    return t[verdict["code"]].format(**values)


def _period(facts: Mapping[str, Any], t: Mapping[str, str]) -> str:
    return t["period_facts"].format(**facts) if facts.get("parts") else t["no_period"]


def _target_rows(report: Mapping[str, Any], t: Mapping[str, str]) -> list[dict[str, Any]]:
    language = report["language"]
    rows = []
    for name, row in report["kpis"].items():
        target = row.get("target")
        rows.append(
            {
                "name": name,
                "label": _label(name, language),
                "target": target or t["no_target"],
                "after": _interval(name, row["after"], report),
                "before": _interval(name, row.get("before"), report) if row.get("before") else None,
                "change": _interval(name, row.get("change"), report) if row.get("change") else None,
                "met": row.get("met"),
                "met_text": t.get(f"met_{row.get('met')}", "") if row.get("met") else "",
            }
        )
    return rows


def _weeks_view(report: Mapping[str, Any], t: Mapping[str, str]) -> list[dict[str, Any]]:
    out = []
    for week in report["weeks"]:
        kpis = {name: _interval(name, value, report) for name, value in week["kpis"].items()}
        out.append(
            {
                "week": week["week"],
                "days": f"{week['first']} ~ {week['last']}",
                "parts": f"{week['parts']:,}",
                "results": f"{week['with_result']:,}",
                "defect_rate": _interval("defect_escape_rate", week["defect_rate"], report),
                "shift": week["process_shift"],
                "signal_rate": "–" if week["signal_rate"] is None else f"{100 * week['signal_rate']:.1f}%",
                "kpis": kpis,
            }
        )
    return out


def _incident_text(incident: Mapping[str, Any], t: Mapping[str, str], language: str) -> str:
    values = dict(incident)
    if language == "ko" and values.get("what_ko"):
        values["what"] = values["what_ko"]
    if "share" in values:
        values["share"] = f"{100 * float(values['share']):.1f}%"
    return t[f"incident_{incident['kind']}"].format(**values)


def _weeks_chart(report: Mapping[str, Any], t: Mapping[str, str]) -> str | None:
    weeks = report["weeks"]
    if not weeks:
        return None
    names = ("defect_rate_passed", "false_alarm_rate", "manual_inspection_share")
    language = report["language"]
    with _figures._canvas(_figures.WIDTH, 2.6) as fig:
        axes = fig.subplots(1, len(names))
        x = np.array([w["week"] for w in weeks])
        for ax, name in zip(axes, names, strict=True):
            values = np.array([_num(w["kpis"][name].get("value")) for w in weeks])
            low = np.array([_num(w["kpis"][name].get("low")) for w in weeks])
            high = np.array([_num(w["kpis"][name].get("high")) for w in weeks])
            ax.fill_between(x, low, high, color=_figures.LIGHT, alpha=0.6, linewidth=0)
            ax.plot(x, values, "o-", color=_figures.NAVY)
            before = report["kpis"].get(name, {}).get("before") or {}
            if before.get("value") is not None and np.isfinite(_num(before.get("value"))):
                ax.axhline(
                    _num(before["value"]), color=_figures.GREY, linestyle="--", label=t["chart_before"]
                )
            ax.set_title(_label(name, language), fontsize=9.5)
            ax.set_xticks(x, [f"{w}" for w in x])
            ax.set_xlabel(t["week"])
        return _figures._encode(fig)


def _num(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def _control_chart(report: Mapping[str, Any], t: Mapping[str, str]) -> str | None:
    chart = report.get("chart")
    if not chart:
        return None
    values = np.asarray(chart["values"], dtype=float)
    signals = np.asarray(chart["signals"], dtype=bool)
    n_before = chart["n_before"]
    with _figures._canvas(_figures.WIDTH, 2.8) as fig:
        ax = fig.subplots()
        x = np.arange(values.size)
        ax.plot(
            x[:n_before], values[:n_before], ".", color=_figures.GREY, markersize=3, label=t["chart_before"]
        )
        ax.plot(
            x[n_before:], values[n_before:], ".", color=_figures.BLUE, markersize=3, label=t["chart_after"]
        )
        ax.plot(
            x[signals],
            values[signals],
            "o",
            mfc="none",
            color=_figures.RED,
            markersize=5,
            label=t["chart_signal"],
        )
        for level, style in ((chart["center"], "-"), (chart["ucl"], "--"), (chart["lcl"], "--")):
            ax.axhline(level, color=_figures.NAVY, linestyle=style, linewidth=1)
        monitor = report.get("monitor") or {}
        for limit in (monitor.get("lsl"), monitor.get("usl")):
            if limit is not None:
                ax.axhline(limit, color=_figures.RED, linestyle=":", linewidth=1)
        ax.axvline(n_before - 0.5, color=_figures.ORANGE, linewidth=1.5, label=t["chart_deploy"])
        ax.set_ylabel(str(monitor.get("column", "")))
        ax.legend(loc="upper left", fontsize=8, ncols=4)
        return _figures._encode(fig)


def render_field_report(report: Mapping[str, Any]) -> str:
    """The field report as HTML text in ``report['language']``."""
    from axpoc.report._render import _environment

    t = field_texts(report["language"])
    calibration = report.get("calibration")
    context = {
        "t": t,
        "lang": report["language"],
        "css": _base_css(),
        "title": report["title"],
        "meta": [
            (t["deployed"], report["deployed"]),
            (t["baseline_period"], _period(report["baseline"], t)),
            (t["field_period"], _period(report["field"], t)),
            (t["model_versions"], ", ".join(f"v{v}" for v in report["model_versions"]) or "–"),
        ],
        "verdict": field_verdict_text(report),
        "verdict_code": report["verdict"]["code"],
        "targets": _target_rows(report, t),
        "saving_same": _interval("monthly_saving", report["kpis"]["monthly_saving"]["after"], report),
        "saving_before_after": _interval("monthly_saving", report["saving_before_after"], report),
        "shift": {
            "defect_rate": [
                _interval("defect_escape_rate", i, report) for i in report["process_shift"]["defect_rate"]
            ],
            "measure_mean": [_mean_text(i) for i in report["process_shift"]["measure_mean"]],
            "shifted": report["process_shift"]["shifted"],
            "confounded": report["process_shift"]["confounded"],
        },
        "weeks": _weeks_view(report, t),
        "weeks_chart": _weeks_chart(report, t),
        "week_kpis": [
            (n, _label(n, report["language"]))
            for n in ("recall", "false_alarm_rate", "defect_rate_passed", "manual_inspection_share")
        ],
        "control_chart": _control_chart(report, t),
        "monitor": report.get("monitor"),
        "stability": [
            r for r in _target_rows(report, t) if r["name"] in ("cpk", "ppk", "control_signal_rate")
        ],
        "estimate": [
            {"label": _label(n, report["language"]), "name": n, **_interval(n, row["after"], report)}
            for n, row in report["estimate"].items()
        ],
        "awaiting": report["awaiting"],
        "estimate_weeks": [
            {
                "week": w["week"],
                "awaiting": f"{w['awaiting']:,}",
                "kpis": {n: _interval(n, row, report) for n, row in w["kpis"].items()},
            }
            for w in report.get("estimate_weeks", [])
        ],
        "estimate_kpis": [(n, _label(n, report["language"])) for n in report["estimate"]],
        "awaiting_unplaced": report.get("awaiting_unplaced", 0),
        "calibration": None
        if calibration is None
        else t["calibration"].format(
            parts=calibration["parts"],
            score=f"{100 * calibration['mean_score']:.2f}%",
            share=f"{100 * calibration['defect_share']:.2f}%",
        ),
        "incidents": [
            {
                "when": str(i.get("when") or "")[:16].replace("T", " "),
                "text": _incident_text(i, t, report["language"]),
                "kind": i["kind"],
            }
            for i in report["incidents"]
        ],
        "visits": report["visits"],
    }
    return _environment().get_template(FIELD_TEMPLATE).render(**context)


def _mean_text(interval: Mapping[str, Any]) -> dict[str, str]:
    value = interval.get("value")
    if value is None or not np.isfinite(_num(value)):
        return {"value": "–", "ci": "", "reason": str(interval.get("undefined") or "")}
    return {
        "value": fmt_number(value),
        "ci": f"{fmt_number(interval.get('low'))} ~ {fmt_number(interval.get('high'))}",
        "reason": "",
    }


def write_field_report(report: Mapping[str, Any], path: Path) -> Path:
    """Render and write atomically."""
    from axpoc.data import write_atomic

    html = render_field_report(report)
    return write_atomic(Path(path), lambda tmp: tmp.write_text(html, encoding="utf-8", newline="\n"))


def _page(template: str, **context: Any) -> str:
    from axpoc.report._render import _environment

    return _environment().get_template(template).render(css=_base_css(), **context)


def write_charter(charter: Mapping[str, Any], path: Path) -> Path:
    """The one-page kick-off charter (HTML), written atomically."""
    from axpoc.data import write_atomic

    language = charter["language"]
    t = field_texts(language)
    html = _page(
        "charter.html.j2",
        t=t,
        lang=language,
        title=charter["title"],
        c=charter,
        targets=[{**r, "label": _label(r["name"], language)} for r in charter["targets"]],
        gates=[(f"{_label(name, language)} ({name})", rule) for name, rule in charter["gates"].items()],
        rules=", ".join(rule_label(name, language) for name in charter["rules"]) or "–",
    )
    return write_atomic(Path(path), lambda tmp: tmp.write_text(html, encoding="utf-8", newline="\n"))


def write_case_card(card: Mapping[str, Any], path: Path) -> Path:
    """The one-page anonymised case card (HTML), written atomically; only what ``card`` holds is shown."""
    from axpoc.data import write_atomic

    language = card["language"]
    t = field_texts(language)
    data = {"language": language, "currency": card["currency"]}
    effects = [
        {
            "label": _label(e["name"], language),
            "before": _fmt(e["name"], e["before"], data),
            "value": _fmt(e["name"], e["value"], data),
            "ci": f"{_fmt(e['name'], e['low'], data)} ~ {_fmt(e['name'], e['high'], data)}"
            if e["low"] is not None
            else "",
            "reason": say(e.get("undefined") or "", language),
        }
        for e in card["effects"]
    ]
    verdict = dict(card["verdict"]["values"])
    for key in ("saving", "low", "high"):
        verdict[key] = fmt_money(verdict.get(key), currency=card["currency"], language=language)
    html = _page(
        "case_card.html.j2",
        t=t,
        lang=language,
        heading=" · ".join(x for x in (card["industry"], card["process"]) if x),
        card=card,
        data_band=t["cc_rows"].format(band=card["data_band"]),
        field_band=t["cc_weeks"].format(weeks=card["field_weeks"], band=card["field_band"]),
        family=card["family"],
        took=t["cc_took_value"].format(**card["took"]),
        verdict=t[card["verdict"]["code"]].format(**verdict),
        effects=effects,
    )
    return write_atomic(Path(path), lambda tmp: tmp.write_text(html, encoding="utf-8", newline="\n"))
