"""The field report, the charter and the case card: one self-contained HTML page each (Korean by default).

They share the PoC report's stylesheet, Korean figure font and number formatting; the content comes in as
plain data (axpoc.field builds it), so what ``--json`` prints is exactly what the page shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from axpoc.kpi import KPIS
from axpoc.report import _figures
from axpoc.report._i18n import fmt_kpi, fmt_money, fmt_number, texts
from axpoc.report._retrain import _base_css

FIELD_TEMPLATE = "field_report.html.j2"

_KO: dict[str, str] = {
    "field_report": "현장 실증 보고서",
    "sec_verdict": "결론",
    "sec_targets": "착수 시 목표 대비 달성",
    "sec_before_after": "적용 전후 비교와 공정 변화 점검",
    "sec_weeks": "주간 추이",
    "sec_stability": "공정 안정성 (적용 전후)",
    "sec_estimate": "결과 대기 부품의 추정치",
    "sec_incidents": "사건 기록",
    "sec_visits": "현장 방문 일정과 기록",
    "deployed": "적용일",
    "baseline_period": "기준 기간 (적용 전)",
    "field_period": "현장 기간 (적용 후)",
    "period_facts": "{first} ~ {last}, {days}일, 부품 {parts:,}개 (결과 {with_result:,}, 불량 {defects:,}, 측정 {measured:,})",
    "no_period": "기록 없음",
    "kpi": "KPI",
    "target": "목표",
    "before": "적용 전",
    "after": "적용 후 (실적)",
    "change": "변화",
    "ci": "95% 구간",
    "met": "판정",
    "met_surely": "달성 (구간 전체)",
    "met_likely": "달성 (불확실)",
    "met_missed": "미달",
    "met_undefined": "판정 불가",
    "no_target": "목표 없음",
    "lead_targets": "구간은 일 단위 블록 부트스트랩(하루 생산분을 한 덩어리로 재표본) 95% 구간입니다. 목표 판정은 "
    "구간의 나쁜 쪽 끝이 목표를 지키면 '달성(구간 전체)', 실적 값만 지키면 '달성(불확실)'입니다.",
    "saving_same": "월간 절감액 (같은 부품에 기존 방식 적용 대비)",
    "saving_before_after": "월간 절감액 (적용 전 기간의 비용 대비)",
    "lead_saving": "같은 부품 비교는 현장 기간 부품에 기존 검사 방식을 적용했을 때의 비용과 비교하므로 공정 변화의 "
    "영향을 받지 않습니다. 적용 전후 비교는 두 기간의 비용 차이로, 공정 자체가 변했다면 그 영향이 섞입니다.",
    "process_defect_rate": "공정 불량률",
    "measure_mean": "측정값 평균",
    "shift_yes": "변화 있음: 구간이 0을 포함하지 않음",
    "shift_no": "뚜렷한 변화 없음",
    "confounded": "주의: 공정 자체가 적용 전후에 달라졌습니다. 적용 전후 차이에는 모델 효과와 공정 변화가 섞여 있으므로 "
    "'같은 부품 비교' 절감액으로 판단하세요.",
    "not_confounded": "공정 불량률과 측정값 평균이 적용 전후에 뚜렷이 달라지지 않아 전후 비교를 그대로 읽을 수 있습니다.",
    "week": "주차",
    "days": "기간",
    "parts": "부품 수",
    "results": "결과 수",
    "shift_flag": "공정 변화",
    "signal_rate": "관리도 이탈",
    "estimate_label": "추정치 (ESTIMATE)",
    "estimate_lead": "아래는 실측이 아닌 추정입니다. 결과가 아직 오지 않은 채점 부품 {n:,}개에 대해, 보정된 점수를 불량 "
    "확률로 보고 기대 혼동 행렬을 계산했습니다 (신뢰도 기반 성능 추정). 결과가 도착하면 실측으로 바뀝니다.",
    "calibration": "점수 보정 점검 (결과가 온 부품 {parts:,}개): 평균 점수 {score} vs 실제 불량 비율 {share}",
    "no_awaiting": "결과를 기다리는 채점 부품이 없습니다.",
    "incident_rejects": "거부된 입력 행 {count:,}개 ({what})",
    "incident_input_flags": "학습 범위 밖 입력 {count:,}개 ({what})",
    "incident_promotion": "모델 v{version} 승격: {what}",
    "incident_rollback": "모델 롤백 → v{version}: {what}",
    "incident_reject": "도전 모델 v{version} 거부: {what}",
    "incident_process_shift": "{week}주차: 공정 불량률이 기준 기간 구간을 벗어남 (드리프트 경보)",
    "incident_control_signals": "{week}주차: 관리도 이탈 {share} (드리프트 경보)",
    "no_incidents": "기록된 사건이 없습니다.",
    "when": "일시",
    "what": "내용",
    "visit_planned": "계획",
    "visit_done": "방문",
    "who": "방문자",
    "next": "다음 단계",
    "no_visits": "방문 계획과 기록이 없습니다 (plan.visits, axpoc visit).",
    "fig_weeks": "주간 추이 그래프",
    "fig_control": "관리도",
    "chart_before": "적용 전",
    "chart_after": "적용 후",
    "chart_deploy": "적용",
    "chart_signal": "관리한계 이탈",
    "no_monitor": "측정 품질 특성이 설정되지 않았습니다 (field.monitor).",
    "monitor": "관측 품질 특성",
    "model_versions": "채점한 모델 버전",
    "verdict_no_results": "아직 현장 결과가 없어 실적을 판단할 수 없습니다. 결과가 오면 axpoc outcomes 로 넣으세요.",
    "verdict_no_money": "현장 {weeks}주 동안 목표 {targets}개 중 {met}개를 달성했습니다. 비용 정보가 없어 금액 효과는 계산하지 않았습니다.",
    "verdict_confounded": "현장 {weeks}주 동안 목표 {targets}개 중 {met}개 달성, 같은 부품 기준 월 {saving} 절감 (95% 구간 {low} ~ {high})이지만, 공정 자체도 변해 전후 비교에는 공정 변화가 섞여 있습니다.",
    "verdict_success": "현장 {weeks}주 동안 목표 {targets}개를 모두 달성했고, 월 {saving} 절감이 확인되었습니다 (95% 구간 {low} ~ {high}).",
    "verdict_saving_targets_missed": "현장 {weeks}주 동안 월 {saving} 절감이 확인되었으나 (95% 구간 {low} ~ {high}), 목표 {targets}개 중 {met}개만 달성했습니다.",
    "verdict_unsure": "현장 {weeks}주 동안 목표 {targets}개 중 {met}개 달성; 월 절감액 {saving}은(는) 아직 확실하지 않습니다 (95% 구간 {low} ~ {high}).",
    "kpi_defect_rate_passed_before": "기존 방식의 유출 불량률",
}
_EN: dict[str, str] = {
    "field_report": "Field proof report",
    "sec_verdict": "Verdict",
    "sec_targets": "Kick-off targets vs achieved",
    "sec_before_after": "Before and after, and a check for a process change",
    "sec_weeks": "Weekly trends",
    "sec_stability": "Process stability (before and after)",
    "sec_estimate": "Estimates for parts awaiting results",
    "sec_incidents": "Incidents",
    "sec_visits": "Site visits: plan and record",
    "deployed": "Deployed",
    "baseline_period": "Baseline (before)",
    "field_period": "Field period (after)",
    "period_facts": "{first} to {last}, {days} days, {parts:,} parts ({with_result:,} results, {defects:,} defects, {measured:,} measured)",
    "no_period": "no records",
    "kpi": "KPI",
    "target": "Target",
    "before": "Before",
    "after": "After (realised)",
    "change": "Change",
    "ci": "95% interval",
    "met": "Verdict",
    "met_surely": "met (whole interval)",
    "met_likely": "met (uncertain)",
    "met_missed": "missed",
    "met_undefined": "cannot judge",
    "no_target": "no target",
    "lead_targets": "Intervals are 95 % day-block bootstrap intervals (a day's parts resampled together). A target is "
    "'met (whole interval)' when the interval's worse end meets it, 'met (uncertain)' when only the value does.",
    "saving_same": "Monthly saving (today's practice on the same parts)",
    "saving_before_after": "Monthly saving (against the baseline period's cost)",
    "lead_saving": "The same-parts comparison prices today's practice on the field period's own parts, so a process "
    "change does not move it; the before/after comparison differs the two periods' costs and mixes in any change of the process.",
    "process_defect_rate": "Process defect rate",
    "measure_mean": "Mean of the measurement",
    "shift_yes": "changed: the interval excludes 0",
    "shift_no": "no clear change",
    "confounded": "Caution: the process itself changed between the periods. The before/after difference mixes the "
    "model's effect with the process change; judge by the same-parts saving.",
    "not_confounded": "The process defect rate and the measured mean did not clearly change, so the before/after comparison reads as it is.",
    "week": "Week",
    "days": "Days",
    "parts": "Parts",
    "results": "Results",
    "shift_flag": "Process change",
    "signal_rate": "Chart signals",
    "estimate_label": "ESTIMATE",
    "estimate_lead": "These are estimates, not measurements: for the {n:,} scored parts whose results have not come yet, "
    "the calibrated score is read as the probability of a defect and the expected confusion counts are computed "
    "(confidence-based performance estimation). Results replace them when they arrive.",
    "calibration": "Score calibration check ({parts:,} parts with results): mean score {score} vs realised defect share {share}",
    "no_awaiting": "No scored part is awaiting its result.",
    "incident_rejects": "{count:,} input rows rejected ({what})",
    "incident_input_flags": "{count:,} inputs outside the training range ({what})",
    "incident_promotion": "model v{version} promoted: {what}",
    "incident_rollback": "model rolled back to v{version}: {what}",
    "incident_reject": "challenger v{version} rejected: {what}",
    "incident_process_shift": "week {week}: the process defect rate left the baseline's interval (drift alarm)",
    "incident_control_signals": "week {week}: control-chart signals {share} (drift alarm)",
    "no_incidents": "No incident was recorded.",
    "when": "When",
    "what": "What",
    "visit_planned": "planned",
    "visit_done": "visit",
    "who": "Who",
    "next": "Next step",
    "no_visits": "No visits planned or recorded (plan.visits, axpoc visit).",
    "fig_weeks": "Weekly trends",
    "fig_control": "Control chart",
    "chart_before": "before",
    "chart_after": "after",
    "chart_deploy": "deployed",
    "chart_signal": "outside the limits",
    "no_monitor": "No measured quality characteristic is configured (field.monitor).",
    "monitor": "Monitored characteristic",
    "model_versions": "Model versions that scored",
    "verdict_no_results": "No field results yet, so nothing can be judged; feed them with axpoc outcomes when they come.",
    "verdict_no_money": "Over {weeks} field weeks {met} of {targets} targets were met; without costs no money effect was computed.",
    "verdict_confounded": "Over {weeks} field weeks {met} of {targets} targets were met and the same parts cost {saving} less a month (95 % interval {low} to {high}), but the process itself changed too, so before/after figures mix in the process change.",
    "verdict_success": "Over {weeks} field weeks all {targets} targets were met and a saving of {saving} a month is confirmed (95 % interval {low} to {high}).",
    "verdict_saving_targets_missed": "Over {weeks} field weeks a saving of {saving} a month is confirmed (95 % interval {low} to {high}), but only {met} of {targets} targets were met.",
    "verdict_unsure": "Over {weeks} field weeks {met} of {targets} targets were met; the monthly saving of {saving} is not yet certain (95 % interval {low} to {high}).",
    "kpi_defect_rate_passed_before": "Outgoing defect rate of today's practice",
}
_TABLES = {"ko": MappingProxyType(_KO), "en": MappingProxyType(_EN)}


def field_texts(language: str) -> dict[str, str]:
    """The PoC report's words with the field documents' on top."""
    return {**texts(language), **_TABLES["ko" if language == "ko" else "en"]}


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
    reason = interval.get("undefined") or ""
    language = data["language"]
    if reason and isinstance(reason, str):
        reason = _say_reason(reason, language)
    value = _fmt(name, interval.get("value"), data)
    low, high = interval.get("low"), interval.get("high")
    ci = f"{_fmt(name, low, data)} ~ {_fmt(name, high, data)}" if value != "–" and low is not None else ""
    if value == "–" and not reason:
        reason = texts(language)["undefined"]
    return {"value": value, "ci": ci if "–" not in ci else "", "reason": reason}


def _say_reason(text: str, language: str) -> str:
    """Undefined reasons travel as English text in JSON; the report says the known ones in Korean."""
    from axpoc.report._i18n import say

    return say(text, language)


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


def _incident_text(incident: Mapping[str, Any], t: Mapping[str, str]) -> str:
    values = dict(incident)
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
                "text": _incident_text(i, t),
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
