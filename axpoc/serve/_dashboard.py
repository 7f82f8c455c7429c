"""The shop-floor page of ``axpoc serve``: ``GET /dashboard`` (HTML) and ``GET /dashboard/data`` (its numbers).

Read-only, Korean first, one self-contained page (inline CSS, no script, no external asset, so it works on
a line PC without internet) that reloads itself. It shows the served model version, the last scored parts
with their decisions, reject and flag counts from the prediction log and this server, the drift status,
and the field period's realised KPIs once outcomes exist. Both routes sit behind the API's token; a
browser that cannot send a header may pass it as ``?token=``.
"""

from __future__ import annotations

import html
import math
import threading
from collections import deque
from datetime import datetime
from pathlib import Path
from typing import Any

from axpoc.config import PocConfig
from axpoc.serve._predlog import read_prediction_log

RECENT = 12
REFRESH_S = 30
FLAG_ALERT = 0.05
"""Share of a batch's scored rows flagged as outside the training range above which drift is 'watch'."""
FIELD_KPIS = (
    "recall",
    "false_alarm_rate",
    "defect_escape_rate",
    "manual_inspection_share",
    "monthly_saving",
    "cpk",
)


class ServedLog:
    """What this server scored since it started: the last parts and the counts (thread-safe)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.recent: deque[dict[str, Any]] = deque(maxlen=RECENT)
        self.scored = 0
        self.flagged = 0
        self.refused = 0

    def add(self, records: list[dict[str, Any]], *, id_column: str | None, version: str) -> None:
        when = datetime.now().astimezone().isoformat(timespec="seconds")
        with self.lock:
            for record in records:
                self.recent.appendleft(
                    {
                        "id": record.get(id_column) if id_column else None,
                        "score": record.get("score"),
                        "decision": bool(record.get("decision")),
                        "model_version": version,
                        "scored_at": when,
                        "source": "api",
                    }
                )
            self.scored += len(records)
            self.flagged += sum(bool(r.get("decision")) for r in records)

    def refuse(self) -> None:
        with self.lock:
            self.refused += 1


class FieldCache:
    """The field report's figures, recomputed only when the outcomes or the prediction log change."""

    def __init__(self) -> None:
        self.key: tuple[float, float] | None = None
        self.value: dict[str, Any] | None = None
        self.lock = threading.Lock()

    def get(self, config: PocConfig, project: Path, store: Any) -> dict[str, Any] | None:
        from axpoc.field import FIELD_FOLDER, OUTCOMES_FILE

        outcomes = project / FIELD_FOLDER / OUTCOMES_FILE
        log = project / "predictions.jsonl"
        if not outcomes.exists() or config.field.deployed is None:
            return None
        key = (outcomes.stat().st_mtime, log.stat().st_mtime if log.exists() else 0.0)
        with self.lock:
            if key != self.key:
                self.value, self.key = _field_figures(config, project, store), key
            return self.value


def _field_figures(config: PocConfig, project: Path, store: Any) -> dict[str, Any]:
    from axpoc.errors import UserError
    from axpoc.field import field_report, read_scored, scored_sources
    from axpoc.tracking import read_promotion_log

    entries = read_prediction_log(project)
    try:
        scored, _ = read_scored(config, scored_sources(entries))
        report = field_report(
            config,
            project_dir=project,
            scored=scored,
            prediction_log=entries,
            promotion_log=read_promotion_log(store),
        )
    except UserError as exc:
        return {"error": exc.message}
    return {
        "kpis": {name: report["kpis"][name]["after"] for name in FIELD_KPIS if name in report["kpis"]},
        "targets": {name: report["kpis"][name]["target"] for name in FIELD_KPIS if name in report["kpis"]},
        "met": {name: report["kpis"][name]["met"] for name in FIELD_KPIS if name in report["kpis"]},
        "with_result": report["field"]["with_result"],
        "awaiting": report["awaiting"],
        "confounded": report["process_shift"]["confounded"],
        "verdict": report["verdict"],
        "currency": report["currency"],
        "language": report["language"],
    }


def dashboard_data(
    config: PocConfig,
    *,
    project: Path,
    served: Any,
    served_log: ServedLog,
    cache: FieldCache,
    store: Any,
    reload_error: str | None,
) -> dict[str, Any]:
    """Every number the page shows (``GET /dashboard/data``)."""
    entries = [e for e in read_prediction_log(project) if e.get("kind") == "batch"]
    totals = {
        k: sum(int(e.get(k) or 0) for e in entries)
        for k in ("rows", "scored", "flagged", "rejected", "input_flagged")
    }
    with served_log.lock:
        recent = list(served_log.recent)
        api = {"scored": served_log.scored, "flagged": served_log.flagged, "refused": served_log.refused}
    if len(recent) < RECENT and entries:
        recent += _batch_tail(entries[-1], config, RECENT - len(recent))
    last = entries[-1] if entries else None
    drift = _drift(last, reload_error)
    field = cache.get(config, project, store)
    if field and not field.get("error") and field["confounded"]:
        drift = {"status": "process_shift", "share": drift.get("share")}
    return {
        "model": {
            "name": served.model_name,
            "version": served.version,
            "alias": served.alias,
            "loaded_at": served.loaded_at,
        },
        "batches": len(entries),
        "totals": totals,
        "api": api,
        "recent": recent,
        "last_batch": None
        if last is None
        else {
            k: last.get(k)
            for k in ("time", "input", "scored", "flagged", "rejected", "input_flagged", "model_version")
        },
        "drift": drift,
        "field": field,
        "refresh_s": REFRESH_S,
    }


def _drift(last: dict[str, Any] | None, reload_error: str | None) -> dict[str, Any]:
    """``ok``, ``watch`` (the last batch holds many inputs outside the training range), ``reload_error``."""
    if reload_error:
        return {"status": "reload_error", "detail": reload_error}
    if last is None or not last.get("scored"):
        return {"status": "no_data", "share": None}
    share = int(last.get("input_flagged") or 0) / int(last["scored"])
    return {"status": "watch" if share > FLAG_ALERT else "ok", "share": share}


def _batch_tail(entry: dict[str, Any], config: PocConfig, n: int) -> list[dict[str, Any]]:
    """The last ``n`` rows of the latest batch output file (a table output is not read here)."""
    import pandas as pd

    path = Path(str(entry.get("output") or ""))
    if path.suffix.lower() not in (".csv", ".parquet") or not path.is_file():
        return []
    frame = pd.read_parquet(path) if path.suffix.lower() == ".parquet" else pd.read_csv(path)
    key = config.columns.id
    rows = []
    for record in frame.tail(n).iloc[::-1].to_dict("records"):
        decision = record.get("decision")
        rows.append(
            {
                "id": None if key is None else _plain(record.get(key)),
                "score": _plain(record.get("score")),
                "decision": str(decision).lower() in ("true", "1")
                if isinstance(decision, str)
                else bool(decision),
                "model_version": str(record.get("model_version", "")).removesuffix(".0"),
                "scored_at": str(record.get("scored_at", "")),
                "source": "batch",
            }
        )
    return rows


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def render_dashboard(data: dict[str, Any], *, title: str, language: str, token: str | None) -> str:
    """The page: numbers carry ``data-field`` attributes so a test can read them back from the DOM."""
    from axpoc.i18n import field_texts

    t = field_texts(language)
    e = html.escape

    def cell(field: str, text: str) -> str:
        return f'<span data-field="{field}">{e(text)}</span>'

    totals, api, model, drift = data["totals"], data["api"], data["model"], data["drift"]
    tiles = [
        (
            t["db_version"],
            cell("model_version", f"v{model['version']}") + f" <small>{e(model['alias'] or '')}</small>",
        ),
        (t["db_scored"], cell("scored", f"{totals['scored'] + api['scored']:,}")),
        (t["db_flagged"], cell("flagged", f"{totals['flagged'] + api['flagged']:,}")),
        (t["db_rejected"], cell("rejected", f"{totals['rejected']:,}")),
        (t["db_input_flagged"], cell("input_flagged", f"{totals['input_flagged']:,}")),
        (t["db_drift"], cell("drift", t[f"db_drift_{drift['status']}"])),
    ]
    rows = "".join(
        f'<tr data-row="{i}"><td>{e(str(r["id"]))}</td><td class="num">{e(_score(r["score"]))}</td>'
        f"<td>{'<b class=flag>' + e(t['db_flag']) + '</b>' if r['decision'] else e(t['db_pass'])}</td>"
        f"<td>v{e(str(r['model_version']))}</td><td>{e(str(r['scored_at'])[:19].replace('T', ' '))}</td></tr>"
        for i, r in enumerate(data["recent"])
    )
    field = data["field"]
    if field is None:
        field_html = f'<p class="muted">{e(t["db_no_outcomes"])}</p>'
    elif field.get("error"):
        field_html = f'<p class="muted">{e(field["error"])}</p>'
    else:
        from axpoc.kpi import KPIS

        items = []
        for name, interval in field["kpis"].items():
            value = interval.get("value")
            shown = (
                "–"
                if value is None or (isinstance(value, float) and not math.isfinite(value))
                else _kpi(name, value, field)
            )
            label = KPIS[name].label_ko if language == "ko" else KPIS[name].label_en
            met = field["met"].get(name)
            badge = f' <small class="met-{e(met)}">{e(t.get("met_" + met, ""))}</small>' if met else ""
            items.append(
                f"<tr><td>{e(label)}</td><td class=num>{cell('kpi_' + name, shown)}{badge}</td></tr>"
            )
        field_html = (
            f"<p>{e(t['db_results'].format(n=field['with_result'], awaiting=field['awaiting']))}</p>"
            f"<table>{''.join(items)}</table>"
        )
    refresh_url = "/dashboard" + (f"?token={e(token)}" if token else "")
    tile_html = "".join(
        f'<div class="tile"><div class="cap">{e(c)}</div><div class="val">{v}</div></div>' for c, v in tiles
    )
    from axpoc.report import CSS_FONT_STACK

    return f"""<!DOCTYPE html>
<html lang="{e(language)}"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="{data["refresh_s"]};url={refresh_url}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)} — {e(t["db_title"])}</title>
<style>
body {{ font-family: {CSS_FONT_STACK}; margin: 0; background: #f4f6f9; color: #1c2733; }}
header {{ background: #1f3a5f; color: #fff; padding: 14px 24px; }}
header h1 {{ margin: 0; font-size: 1.5rem; }} header p {{ margin: 4px 0 0; opacity: .85; }}
main {{ padding: 16px 24px; }}
.tiles {{ display: grid; grid-template-columns: repeat(3, 1fr); gap: 12px; }}
.tile {{ background: #fff; border: 1px solid #dfe4ea; border-radius: 10px; padding: 12px 16px; }}
.cap {{ font-size: .9rem; color: #5b6875; }} .val {{ font-size: 2rem; font-weight: 700; color: #1f3a5f; }}
section {{ background: #fff; border: 1px solid #dfe4ea; border-radius: 10px; padding: 12px 16px; margin-top: 14px; }}
table {{ border-collapse: collapse; width: 100%; }} td, th {{ padding: 5px 8px; border-bottom: 1px solid #eef1f4; text-align: left; }}
.num {{ text-align: right; }} .flag {{ color: #c0392b; }} .muted {{ color: #5b6875; }}
.met-surely {{ color: #2e7d32; }} .met-likely {{ color: #b26a00; }} .met-missed, .met-undefined {{ color: #c0392b; }}
</style></head>
<body><header><h1>{e(t["db_title"])} · {e(title)}</h1><p>{e(t["db_updated"])} {e(datetime.now().strftime("%Y-%m-%d %H:%M:%S"))} · {e(t["db_refresh"].format(s=data["refresh_s"]))}</p></header>
<main><div class="tiles">{tile_html}</div>
<section><h2>{e(t["db_recent"])}</h2><table><thead><tr><th>id</th><th class="num">{e(t["db_score"])}</th><th>{e(t["db_decision"])}</th><th>{e(t["db_version"])}</th><th>{e(t["db_time"])}</th></tr></thead><tbody>{rows}</tbody></table></section>
<section><h2>{e(t["db_field"])}</h2>{field_html}</section>
</main></body></html>"""


def json_safe(value: Any) -> Any:
    """NaN and infinity (an undefined KPI) as null, phrases as their text: the page's numbers are JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return _plain(value)


def _score(value: Any) -> str:
    return "–" if value is None else f"{float(value):.3f}"


def _kpi(name: str, value: float, field: dict[str, Any]) -> str:
    from axpoc.kpi import KPIS

    unit = KPIS[name].unit
    if unit == "ratio" and name != "cpk":
        return f"{100 * value:.1f}%"
    if unit == "currency/month":
        return f"{value:,.0f}" + (
            "원" if field["language"] == "ko" and field["currency"] == "KRW" else f" {field['currency']}"
        )
    return f"{value:.3g}"
