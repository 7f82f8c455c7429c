"""ReportData -> one self-contained HTML file: inline CSS, inline PNG figures, no external URL.

Each section gets a small view model of display-ready strings built here; the jinja2 template only
lays them out. Any optional input may be missing: its section then says so in one line.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from axpoc.i18n import gate_reason, say, say_check, texts
from axpoc.report import _figures
from axpoc.report._data import KpiRow, ReportData
from axpoc.report._fonts import CSS_FONT_STACK
from axpoc.report._i18n import as_number, fmt_kpi, fmt_number, rule_label, unit_label

if TYPE_CHECKING:
    import jinja2

TEMPLATE = "poc_report.html.j2"
_GROUPS = ("ml", "quality", "productivity", "stability")
_MAX_TABLE_ROWS = 40
_MAX_CELL_CHARS = 160
_VERDICTS = ("champion", "challenger", "insufficient_evidence", "rejected", "not_registered")
_OPS = {">=": "≥", "<=": "≤", "==": "="}
# "12.5%", "1,234,000원", "3.1 h": one plain number and a unit without a multiplier (만, 억, k, M ...).
_HEADLINE_NUMBER = re.compile(r"^\s*(?P<num>[-+]?\d[\d,]*(?:\.\d+)?)\s*(?P<unit>[^\d만억조kKMB][^\d]*)?$")


@functools.cache
def _environment() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_report(data: ReportData) -> str:
    """The PoC report as HTML text, in ``data.language`` (``ko`` or ``en``)."""
    t = texts(data.language)
    kpis = _KpiFormat(data)
    context = {
        "t": t,
        "lang": data.language,
        "font_stack": CSS_FONT_STACK,
        "title": data.title or data.project_name,
        "meta": _meta(data, t),
        "summary": _summary(data, t, kpis),
        "readiness": _readiness(data, t),
        "board": _leaderboard(data, t),
        "model": _model(data, t),
        "importance": _importance(data, t),
        "errors": _errors(data, t),
        "threshold": _threshold(data, t),
        "kpi_table": _kpi_table(data, t, kpis),
        "repro": _repro(data, t),
    }
    return _environment().get_template(TEMPLATE).render(**context)


def write_report(data: ReportData, path: Path) -> Path:
    """Render and write the report as UTF-8, atomically (a reader never sees half a file), readable by others."""
    from axpoc.data import write_atomic

    html = render_report(data)
    return write_atomic(Path(path), lambda tmp: tmp.write_text(html, encoding="utf-8", newline="\n"))


# --- formatting helpers ---------------------------------------------------------------------------


def _cell(value: Any, t: Mapping[str, str]) -> str:
    """Any profile/validation value as short display text."""
    if value is None:
        return "–"
    if isinstance(value, bool | np.bool_):
        return t["yes"] if value else t["no"]
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        return fmt_number(value)
    if isinstance(value, list | tuple | set | np.ndarray):
        text = ", ".join(_cell(item, t) for item in list(value)[:20])
    elif isinstance(value, dict):
        text = json.dumps(value, ensure_ascii=False, default=str)
    else:
        text = str(value)
    return text if len(text) <= _MAX_CELL_CHARS else text[: _MAX_CELL_CHARS - 1] + "…"


def _table(records: list[Mapping[str, Any]], t: Mapping[str, str]) -> dict[str, Any]:
    """Rows of dicts as {header, rows, more}; the union of keys, first seen first."""
    columns: list[str] = []
    for record in records:
        columns += [key for key in record if key not in columns]
    rows = [[_cell(record.get(column), t) for column in columns] for record in records[:_MAX_TABLE_ROWS]]
    return {"header": columns, "rows": rows, "more": max(0, len(records) - _MAX_TABLE_ROWS)}


class _KpiFormat:
    """Formats values of one run's KPIs by their unit; gates and the summary look KPIs up by name."""

    def __init__(self, data: ReportData) -> None:
        self.language = data.language
        self.currency = data.currency
        self.rows = {row.name: row for row in data.kpis}

    def value(self, name: str, value: object) -> str:
        row = self.rows.get(name)
        if row is None:
            number = as_number(value)
            return fmt_number(number) if number is not None else texts(self.language)["undefined"]
        return fmt_kpi(value, name=name, unit=row.unit, currency=self.currency, language=self.language)

    def label(self, name: str) -> str:
        row = self.rows.get(name)
        return row.label if row is not None else name

    def interval(self, row: KpiRow) -> str:
        low, high = as_number(row.ci_low), as_number(row.ci_high)
        if low is None or high is None:
            return "–"
        return f"{self.value(row.name, low)} – {self.value(row.name, high)}"


# --- sections ---------------------------------------------------------------------------------------


def _meta(data: ReportData, t: Mapping[str, str]) -> list[tuple[str, str]]:
    task = t.get(f"task_{data.task}", data.task)
    items = [
        (t["project"], data.project_name),
        (t["process"], data.process),
        (t["task"], task),
        (t["target"], data.target),
        (t["created_at"], data.created_at),
    ]
    return [(label, value) for label, value in items if value]


def _headline_number(text: str) -> tuple[float, str] | None:
    match = _HEADLINE_NUMBER.match(text)
    if match is None:
        return None
    return float(match["num"].replace(",", "")), (match["unit"] or "").strip()


def _headline(data: ReportData, t: Mapping[str, str]) -> dict[str, Any]:
    """The before -> after table; the bar panels only for rows whose two sides are plain numbers in one unit."""
    bars = []
    for label, before, after in data.headline:
        parsed = _headline_number(before), _headline_number(after)
        if parsed[0] is not None and parsed[1] is not None and parsed[0][1] == parsed[1][1]:
            bars.append((label, parsed[0][0], parsed[1][0], before, after))
    return {"rows": list(data.headline), "figure": _figures.headline_chart(bars, t=t)}


def _gates(data: ReportData, t: Mapping[str, str], kpis: _KpiFormat) -> list[dict[str, Any]]:
    rows = []
    for gate in (g for g in data.gates if g.kind == "gate"):
        value, used = kpis.value(gate.name, gate.value), kpis.value(gate.name, gate.used_value)
        rule = f"{_OPS.get(gate.op, gate.op)} {kpis.value(gate.name, gate.target)}"
        reason = ""
        if not gate.passed:
            reason = gate_reason(
                gate.reason,
                label=kpis.label(gate.name),
                used=used,
                rule=rule,
                language=data.language,
            )
        rows.append(
            {
                "label": kpis.label(gate.name),
                "name": gate.name,
                "rule": rule,
                "value": value,
                "used": used if used != value else "",
                "passed": gate.passed,
                "reason": reason,
            }
        )
    return rows


def _rules(data: ReportData, t: Mapping[str, str]) -> list[dict[str, Any]]:
    """The built-in acceptance rules, each with what it found said in the report's language."""
    return [
        {
            "label": rule_label(rule.name, data.language),
            "name": rule.name,
            "reason": say(rule.reason, data.language),
            "passed": rule.passed,
            "off": getattr(rule.reason, "code", "") == "off",
        }
        for rule in data.gates
        if rule.kind == "rule"
    ]


def _tile(kpis: _KpiFormat, name: str, caption: str, t: Mapping[str, str]) -> dict[str, str] | None:
    row = kpis.rows.get(name)
    if row is None:
        return None
    value = kpis.value(name, row.value)
    detail = (
        kpis.interval(row)
        if as_number(row.value) is not None
        else (say(row.undefined_reason, kpis.language) or t["undefined"])
    )
    return {"caption": caption, "value": value, "detail": "" if detail == "–" else detail}


def _saving_tile(kpis: _KpiFormat, t: Mapping[str, str]) -> dict[str, str]:
    """The model's own monthly saving, over the cheapest policy that needs no model; the detail says how much
    of the saving over today's practice that policy achieves without a model."""
    tile = _tile(kpis, "saving_vs_best_policy", kpis.label("saving_vs_best_policy"), t)
    if tile is None:
        return {"caption": t["monthly_saving"], "value": "–", "detail": t["saving_missing"]}
    total, no_model = kpis.rows.get("monthly_saving"), kpis.rows.get("no_model_saving")
    if total is not None and no_model is not None and (as_number(no_model.value) or 0) > 0:
        split = t["saving_split"].format(
            total=kpis.value("monthly_saving", total.value),
            no_model=kpis.value("no_model_saving", no_model.value),
        )
        tile["detail"] = f"{tile['detail']} · {split}" if tile["detail"] else split
    return tile


def _summary(data: ReportData, t: Mapping[str, str], kpis: _KpiFormat) -> dict[str, Any]:
    verdict = data.verdict if data.verdict in _VERDICTS else "not_registered"
    gates, rules = _gates(data, t, kpis), _rules(data, t)
    tiles = [
        _saving_tile(kpis, t),
        {
            "caption": t["gates_passed"],
            "value": f"{sum(g['passed'] for g in [*gates, *rules])} / {len(gates) + len(rules)}",
            "detail": "",
        },
        _tile(kpis, "inspection_hours_saved_per_month", t["hours_saved"], t),
        {
            "caption": t["chosen_model"],
            "value": data.chosen or data.model_name or "–",
            "detail": f"{data.model_name} v{data.model_version}"
            if data.model_name and data.model_version
            else "",
        },
    ]
    undefined = [
        (row.label, say(row.undefined_reason, data.language) or t["not_available"])
        for row in data.kpis
        if as_number(row.value) is None
    ]
    return {
        "verdict": verdict,
        "verdict_label": t[f"verdict_{verdict}"],
        "verdict_reason": data.verdict_reason,
        "tiles": [tile for tile in tiles if tile is not None],
        "gates": gates,
        "rules": rules,
        "evidence": say(data.evidence, data.language),
        "per_class": _per_class(data, t),
        "headline": _headline(data, t),
        "assumptions": list(data.assumptions),
        "undefined": undefined,
    }


def _per_class(data: ReportData, t: Mapping[str, str]) -> dict[str, Any] | None:
    """multiclass: which class each class-specific number is about, with its recall and precision."""
    if data.per_class is None or data.per_class.empty:
        return None
    rows = [
        [
            str(row["class"]),
            t["yes"] if row["defect"] else t["no"],
            f"{int(row['support']):,}",
            _optional(row["recall"], "{:.3f}"),
            _optional(row["precision"], "{:.3f}"),
        ]
        for row in data.per_class.to_dict(orient="records")
    ]
    header = [t["class"], t["defect_class"], t["support"], t["class_recall"], t["class_precision"]]
    return {"header": header, "rows": rows}


def _join(items: list[str], t: Mapping[str, str]) -> str:
    return ", ".join(items) if items else t["none"]


def _profile_facts(profile: Mapping[str, Any], t: Mapping[str, str]) -> list[tuple[str, str]]:
    """The readiness findings of ``axpoc.data`` 's Profile, one line each, in the order an engineer checks them."""
    facts = []
    if "n_rows" in profile and "n_columns" in profile:
        facts.append(
            (t["prof_shape"], t["prof_shape_value"].format(rows=profile["n_rows"], cols=profile["n_columns"]))
        )
    time = profile.get("time")
    if isinstance(time, Mapping):
        facts.append(
            (
                t["prof_time"],
                f"{time.get('start')} ~ {time.get('end')} ({_span(time.get('span'), t)}), {time.get('column')}",
            )
        )
        step = as_number(time.get("median_step_s"))
        if step is not None:
            gaps = _optional(time.get("gap_share"), "{:.1%}")
            disorder = _optional(time.get("out_of_order_share"), "{:.1%}")
            facts.append(
                (
                    t["prof_sampling"],
                    t["prof_sampling_value"].format(step=f"{step:.4g}", gaps=gaps, disorder=disorder),
                )
            )
    label = profile.get("label")
    if isinstance(label, Mapping) and label:
        if isinstance(label.get("counts"), Mapping):
            shares = label.get("shares") or {}
            text = ", ".join(
                f"{k}: {int(v):,} ({_optional(shares.get(k), '{:.1%}')})" for k, v in label["counts"].items()
            )
        else:
            text = ", ".join(f"{k} {fmt_number(v)}" for k, v in label.items() if as_number(v) is not None)
        facts.append((t["prof_label"], text))
    dirty = profile.get("dirty_numbers")
    if isinstance(dirty, Mapping) and dirty:
        found = [
            f"{column}: "
            + ", ".join(f"{t.get(f'dirty_{kind}', kind)} {int(n):,}" for kind, n in counts.items())
            for column, counts in dirty.items()
            if isinstance(counts, Mapping)
        ]
        facts.append((t["prof_dirty"], "; ".join(found)))
    missing = profile.get("missing_share")
    if isinstance(missing, Mapping):
        worst = sorted(
            ((k, v) for k, v in missing.items() if (as_number(v) or 0) > 0), key=lambda kv: -kv[1]
        )[:8]
        facts.append((t["prof_missing"], _join([f"{k} {v:.1%}" for k, v in worst], t)))
    if "constant_columns" in profile:
        facts.append((t["prof_constant"], _join([str(c) for c in profile["constant_columns"]], t)))
    if profile.get("group_level_columns"):
        facts.append((t["prof_group_level"], _join([str(c) for c in profile["group_level_columns"]], t)))
    if "duplicate_columns" in profile:
        groups = [" = ".join(str(c) for c in group) for group in profile["duplicate_columns"]]
        facts.append((t["prof_dup_columns"], _join(groups, t)))
    if "duplicate_rows" in profile:
        facts.append((t["prof_dup_rows"], _cell(profile["duplicate_rows"], t)))
    if profile.get("duplicate_ids") is not None:
        facts.append((t["prof_dup_ids"], _cell(profile["duplicate_ids"], t)))
    return facts


_PROFILE_KEYS = frozenset(
    {
        "n_rows",
        "n_columns",
        "target",
        "task",
        "time",
        "label",
        "missing_share",
        "constant_columns",
        "group_level_columns",
        "duplicate_columns",
        "duplicate_rows",
        "duplicate_ids",
        "duplicate_id_values",
        "feature_scores",
        "leakage",
        "problems",
        "dirty_numbers",
    }
)


def _span(span: object, t: Mapping[str, str]) -> str:
    """A time span as people say it ('3시간 8분', '2일 4시간'), not pandas' '0 days 03:08:30'."""
    try:
        seconds = pd.Timedelta(str(span)).total_seconds()
    except ValueError:
        return str(span)
    days, rest = divmod(int(seconds), 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    parts = [(days, "span_days"), (hours, "span_hours"), (minutes, "span_minutes")]
    said = [t[key].format(n=n) for n, key in parts if n][:2]
    return " ".join(said) or t["span_minutes"].format(n=0)


def _profile(profile: Mapping[str, Any], t: Mapping[str, str], language: str) -> dict[str, Any]:
    """Known Profile fields as findings, leakage suspects and problems; any other key shown as it comes."""
    facts, tables = _profile_facts(profile, t), []
    for key, value in profile.items():
        if key in _PROFILE_KEYS:
            continue
        if isinstance(value, Mapping) and value and all(isinstance(v, Mapping) for v in value.values()):
            tables.append({"title": key, **_table([{"": name, **inner} for name, inner in value.items()], t)})
        elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            tables.append({"title": key, **_table(list(value), t)})
        else:
            facts.append((key, _cell(value, t)))
    leakage = [
        (
            str(s.get("column")),
            t.get(f"leak_{s.get('kind')}", str(s.get("kind"))),
            say(s.get("reason", ""), language),
        )
        for s in profile.get("leakage") or []
        if isinstance(s, Mapping)
    ]
    scores = profile.get("feature_scores") or {}
    ranked = sorted(
        ((str(k), v) for k, v in scores.items() if as_number(v) is not None), key=lambda kv: -kv[1]
    )
    return {
        "facts": facts,
        "tables": tables,
        "leakage": leakage,
        "problems": [say(p, language) for p in profile.get("problems") or []],
        "scores": [(name, fmt_number(value, digits=3)) for name, value in ranked[:10]],
    }


def _validation(frame: pd.DataFrame | None, t: Mapping[str, str], language: str) -> dict[str, Any] | None:
    """The failed checks as a table (critical first); the passed ones folded away behind their count.

    Rules and notes are said in the report's language (`say_check`); the check kind repeats the rule and
    is left out.
    """
    if frame is None or frame.empty:
        return None
    success = frame["success"].astype(bool) if "success" in frame else pd.Series(True, index=frame.index)
    severity = (
        frame["severity"].astype(str) if "severity" in frame else pd.Series("critical", index=frame.index)
    )
    failed = ~success
    summary = t["validation_summary"].format(
        total=len(frame),
        failed=int(failed.sum()),
        critical=int((failed & (severity == "critical")).sum()),
        warning=int((failed & (severity != "critical")).sum()),
    )
    order = np.lexsort(((severity != "critical").to_numpy(), success.to_numpy()))  # failed, critical first
    shown = frame.iloc[order].drop(columns=[c for c in ("kind",) if c in frame])
    empty = [c for c in shown.columns if (shown[c].isna() | (shown[c].astype(str) == "")).all()]
    records = []
    for record in shown.drop(columns=empty).to_dict("records"):
        for key in ("severity", "source"):
            if key in record:
                record[key] = t.get(f"v{key}_{record[key]}", record[key])
        for key in ("expectation", "note"):
            if key in record:
                record[key] = say_check(record[key], language)
        if "success" in record:
            record["success"] = t["ok"] if bool(record["success"]) else t["failed"]
        if isinstance(record.get("failing_share"), float):
            record["failing_share"] = _optional(record["failing_share"], "{:.2%}")
        records.append({t.get(f"vcol_{key}", key): value for key, value in record.items()})
    n_failed = int(failed.sum())
    bad, good = _table(records[:n_failed], t), _table(records[n_failed:], t)
    return {
        **bad,
        "header": bad["header"] or good["header"],
        "summary": summary,
        "critical": bool((failed & (severity == "critical")).any()),
        "passed": good,
        "passed_count": len(frame) - n_failed,
    }


def _readiness(data: ReportData, t: Mapping[str, str]) -> dict[str, Any]:
    facts = [
        (t["data_source"], data.data_source),
        (t["data_digest"], data.data_digest),
        (t["n_rows"], f"{data.n_rows:,}" if data.n_rows else ""),
        (t["n_features"], f"{data.n_features:,}" if data.n_features else ""),
        (t["split"], say(data.split_description, data.language)),
        (t["cv"], say(data.cv_description, data.language)),
    ]
    return {
        "facts": [(label, value) for label, value in facts if value],
        "profile": _profile(data.profile, t, data.language) if data.profile else None,
        "validation": _validation(data.validation, t, data.language),
        "notes": [say(note, data.language) for note in data.notes],
    }


def _score(x: object) -> str:
    """A metric with four significant digits, trailing zeros kept so a column lines up (0.9120, 0.01210)."""
    value = as_number(x)
    if value is None:
        return "–"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:#.4g}".rstrip(".")


def _optional(x: object, pattern: str) -> str:
    value = as_number(x)
    return "–" if value is None else pattern.format(value)


def _leaderboard(data: ReportData, t: Mapping[str, str]) -> dict[str, Any] | None:
    """One row per candidate; failed or skipped ones last with their reason, the chosen one marked."""
    board = data.leaderboard
    if board is None or board.empty:
        return None
    metric = data.primary_metric
    rows = []
    for record in board.to_dict("records"):
        ok = record.get("status", "ok") == "ok"
        first = ok and as_number(record.get("rank")) == 1
        family = str(record.get("family") or "")
        p_value = as_number(record.get("p_value"))
        significant = None if first or not ok or p_value is None else bool(record.get("significantly_worse"))
        candidate = str(record.get("candidate", ""))
        status = str(record.get("status"))
        note = say(data.candidate_notes.get(candidate, str(record.get("note") or "")), data.language)
        rows.append(
            {
                "rank": _optional(record.get("rank"), "{:.0f}"),
                "candidate": candidate,
                "family": family if family != candidate else "",
                "score": _score(record.get(metric)) if ok else "–",
                "ci": f"{_score(record.get('ci_low'))} – {_score(record.get('ci_high'))}"
                if ok and as_number(record.get("ci_low")) is not None
                else "–",
                "diff": "–" if first or not ok else _optional(record.get("diff_vs_1"), "{:+.3g}"),
                "p_value": "–" if p_value is None else ("< 0.001" if p_value < 0.001 else f"{p_value:.3f}"),
                "significant": significant,
                "fit": _optional(record.get("fit_time_s"), "{:,.1f}"),
                "predict": _optional(record.get("predict_ms_per_1k"), "{:,.1f}"),
                "trials": _optional(record.get("trials"), "{:,.0f}"),
                "note": note if ok else f"{t.get(f'status_{status}', status)}: {note}".rstrip(": "),
                "first": first,
                "failed": not ok,
                "chosen": bool(data.chosen) and record.get("candidate") == data.chosen,
            }
        )
    return {
        "metric": metric,
        "rows": rows,
        "has_notes": any(row["note"] for row in rows),
        "conclusion": data.conclusion,
        "figure": _figures.leaderboard_chart(board, metric=metric, t=t),
    }


def _model(data: ReportData, t: Mapping[str, str]) -> dict[str, Any] | None:
    if not (data.chosen or data.pipeline_steps or data.chosen_params or data.why_family):
        return None
    family = ""
    board = data.leaderboard
    if board is not None and {"candidate", "family"} <= set(board.columns):
        match = board.loc[board["candidate"] == data.chosen, "family"]
        family = str(match.iloc[0]) if len(match) else ""
    registry = f"{data.model_name} v{data.model_version}" if data.model_name and data.model_version else ""
    return {
        "name": data.chosen,
        "family": family if family != data.chosen else "",
        "registry": registry or (data.model_name or ""),
        "steps": list(data.pipeline_steps),
        "params": [(str(k), _cell(v, t)) for k, v in data.chosen_params.items()],
        "why": data.why_family,
    }


def _importance(data: ReportData, t: Mapping[str, str]) -> dict[str, Any]:
    frame = data.importances
    table = None
    order: list[str] = []
    if frame is not None and not frame.empty and {"feature", "importance"} <= set(frame.columns):
        ranked = frame.sort_values("importance", ascending=False)
        order = ranked["feature"].astype(str).tolist()
        table = [
            (str(r["feature"]), fmt_number(r["importance"], digits=3), fmt_number(r.get("std"), digits=2))
            for r in ranked.head(15).to_dict("records")
        ]
    ylabel_key = {"binary": "mean_prediction_binary", "regression": "mean_prediction_regression"}
    ylabel = t[ylabel_key.get(data.task, "mean_prediction_other")]
    if data.per_class is not None and not data.per_class.empty:  # which classes the multiclass score is about
        defects = [
            str(c) for c, d in zip(data.per_class["class"], data.per_class["defect"], strict=True) if d
        ]
        ylabel = (
            t["mean_prediction_defects"].format(classes=", ".join(defects))
            if defects
            else t["mean_prediction_uncertainty"]
        )
    effects = {str(name): frame for name, frame in (data.effects or {}).items()}
    return {
        "lead": t["importance_lead"].format(metric=data.primary_metric or "-"),
        "figure": _figures.importance_chart(frame, t=t) if table else None,
        "table": table,
        "effects_figure": _figures.effects_chart(effects, order, ylabel=ylabel) if effects else None,
    }


def _errors(data: ReportData, t: Mapping[str, str]) -> dict[str, Any]:
    if data.task == "regression":
        figure = _figures.regression_chart(data.y_true, data.y_pred, data.spec, target=data.target, t=t)
        return {
            "title": t["sec_errors_regression"],
            "lead": t["residual_lead_spec"] if _has_spec(data.spec) else t["residual_lead"],
            "figure": figure,
            "missing": t["no_residuals"],
        }
    return {
        "title": t["sec_errors_classification"],
        "lead": t["confusion_lead"],
        "figure": _figures.confusion_chart(data.confusion, t=t),
        "missing": t["no_confusion"],
    }


def _has_spec(spec: Mapping[str, float | None] | None) -> bool:
    """Whether the chart draws spec-limit lines (the caption speaks of them only then)."""
    return any(as_number((spec or {}).get(key)) is not None for key in ("lsl", "usl"))


def _threshold(data: ReportData, t: Mapping[str, str]) -> dict[str, Any]:
    applicable = data.task in ("binary", "anomaly")
    value = as_number(data.threshold)
    currency = "원" if data.currency == "KRW" and data.language == "ko" else data.currency
    return {
        "applicable": applicable,
        "value": f"{value:.3f}" if value is not None else "",
        "note": say(data.threshold_note, data.language),
        "figure": _figures.threshold_chart(data.threshold_curve, value, currency=currency, t=t)
        if applicable
        else None,
    }


def _kpi_table(data: ReportData, t: Mapping[str, str], kpis: _KpiFormat) -> list[dict[str, Any]]:
    groups = [*_GROUPS, *sorted({row.group for row in data.kpis} - set(_GROUPS))]
    out = []
    for group in groups:
        rows = [
            {
                "label": row.label,
                "name": row.name,
                "value": kpis.value(row.name, row.value),
                "undefined": as_number(row.value) is None,
                "reason": say(row.undefined_reason, data.language),
                "ci": kpis.interval(row),
                "unit": unit_label(row.unit, name=row.name, currency=data.currency, language=data.language),
                "formula": row.formula,
                "direction": t["higher_better"] if row.higher_is_better else t["lower_better"],
            }
            for row in data.kpis
            if row.group == group
        ]
        if rows:
            out.append({"title": t.get(f"group_{group}", group), "rows": rows})
    return out


def _repro(data: ReportData, t: Mapping[str, str]) -> dict[str, Any]:
    facts = [
        (t["config_digest"], data.config_digest),
        (t["data_digest"], data.data_digest),
        (t["mlflow_run"], data.run_id or ""),
        (t["tracking_uri"], data.tracking_uri or ""),
        (t["model_name"], data.model_name or ""),
        (t["model_version"], data.model_version or ""),
        (t["created_at"], data.created_at),
    ]
    return {
        "facts": [(label, value) for label, value in facts if value],
        "packages": sorted(data.packages.items()),
        "config": data.config_yaml,
    }
