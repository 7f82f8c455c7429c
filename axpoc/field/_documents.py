"""The PoC's documents outside the training run: the charter at kick-off and the anonymised case card.

Both are plain data built from the config (and, for the card, from the field report); axpoc.report lays
them out on one page. The card carries no company data: no names, ids, column names or raw values, only
bands, the model family and rounded effects (see :func:`case_card`).
"""

from __future__ import annotations

import math
from typing import Any

from axpoc.config import PocConfig
from axpoc.errors import UserError
from axpoc.field._kpis import FIELD_KPIS
from axpoc.field._text import say
from axpoc.kpi import KPIS
from axpoc.process import load_process
from axpoc.promotion import configured_gates

MIN_VISITS = 5


def charter(config: PocConfig) -> dict[str, Any]:
    """The kick-off charter: problem, process and data plan, targets and how they are measured, gates,
    at least five site visits with their purpose, roles."""
    language = config.language
    if len(config.plan.visits) < MIN_VISITS:
        raise UserError(say("charter_visits", language, n=len(config.plan.visits)))
    if not config.project.problem.strip():
        raise UserError(say("charter_problem", language))
    for name in config.kpi.targets:
        if name not in FIELD_KPIS:
            raise UserError(say("unknown_target", language, name=name, names=", ".join(FIELD_KPIS)))
    template = load_process(config.process)
    data = config.data
    source = (
        f"demo:{config.process}" if data.demo is not None else (data.path or f"{data.url} / {data.query}")
    )
    roles = config.columns
    return {
        "ok": True,
        "language": language,
        "title": config.project.title or config.project.name,
        "problem": config.project.problem,
        "process": template.title_ko if language == "ko" else template.title_en,
        "data": {
            "source": str(source),
            "target": config.target.column,
            "task": config.target.task,
            "id": roles.id,
            "time": roles.time,
            "group": roles.group,
            "product": roles.product,
            "outcomes": config.field.monitor.column if config.field.monitor else None,
            "deployed": str(config.field.deployed) if config.field.deployed else None,
        },
        "targets": [
            {"name": name, "rule": rule, "formula": KPIS[name].formula}
            for name, rule in config.kpi.targets.items()
        ],
        "gates": configured_gates(config),
        "rules": [name for name, rule in config.kpi.rules if rule.enabled],
        "visits": [{"date": str(v.date), "purpose": v.purpose} for v in config.plan.visits],
        "roles": {
            "owner": config.project.owner,
            "engineer": config.plan.engineer,
            "it_contact": config.plan.it_contact,
        },
    }


def size_band(n: int) -> str:
    """A row count as a band (``1천~5천``), so the card never shows the company's own count."""
    bands = (100, 500, 1_000, 5_000, 10_000, 50_000, 100_000, 500_000, 1_000_000)
    low = 0
    for high in bands:
        if n < high:
            return f"{low:,}~{high:,}"
        low = high
    return f"{bands[-1]:,}+"


def rounded(value: Any, *, digits: int = 2) -> float | None:
    """A figure to ``digits`` significant digits (None when undefined): effects, not exact company numbers."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number):
        return None
    if number == 0:
        return 0.0
    return round(number, digits - 1 - math.floor(math.log10(abs(number))))


def case_card(
    config: PocConfig, *, report: dict[str, Any], family: str, training_rows: int, visits_done: int
) -> dict[str, Any]:
    """The anonymised one-page summary for firms of the same industry (see the module doc)."""
    template = load_process(config.process)
    language = config.language
    effects = []
    for name in (
        "defect_escape_rate",
        "false_alarm_rate",
        "manual_inspection_share",
        "monthly_saving",
        "cpk",
    ):
        row = report["kpis"].get(name)
        if row is None:
            continue
        after = row["after"]
        effects.append(
            {
                "name": name,
                "value": rounded(after.get("value")),
                "low": rounded(after.get("low")),
                "high": rounded(after.get("high")),
                "before": rounded((row.get("before") or {}).get("value")),
                "undefined": after.get("undefined"),
            }
        )
    return {
        "ok": True,
        "language": language,
        "industry": config.project.industry,
        "process": template.title_ko if language == "ko" else template.title_en,
        "task": config.target.task,
        "data_band": size_band(training_rows),
        "field_band": size_band(int(report["field"]["parts"])),
        "field_weeks": len(report["weeks"]),
        "family": family,
        "effects": effects,
        "confounded": bool(report["process_shift"]["confounded"]),
        "verdict": {
            "code": report["verdict"]["code"],
            "values": {
                k: rounded(v) if k in ("saving", "low", "high") else v
                for k, v in report["verdict"]["values"].items()
            },
        },
        "currency": report["currency"],
        "lessons": list(config.project.lessons),
        "took": {"visits": visits_done or len(config.plan.visits), "weeks": len(report["weeks"])},
    }
