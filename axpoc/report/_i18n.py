"""How the report shows numbers and units, in Korean (default) and English (the words: :mod:`axpoc.i18n`).

The report is read by plant managers and IT staff, so numbers are formatted for people: thousands
separators, ratios as percentages, money with the currency word of the language (``원`` in Korean).
"""

from __future__ import annotations

import math

from axpoc.i18n import RULE_LABELS, policy_label, texts
from axpoc.kpi import KPIS, rule_of


def _decimal(name: str) -> bool:
    """Whether KPI ``name`` (or its leaderboard column, ``f1@0.5``) is a ratio read as a decimal score
    (AUC 0.91) rather than a percentage, as the KPI itself says (`axpoc.kpi.Kpi.display`)."""
    kpi = KPIS.get(name.split("@", 1)[0])
    return kpi is not None and kpi.display == "decimal"


def as_number(x: object) -> float | None:
    """``x`` as a float, or None when it is missing (None, NaN: an undefined KPI is a NaN) or not a number."""
    try:
        value = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def fmt_number(x: object, *, digits: int = 4) -> str:
    """Big numbers with separators (12,345), small ones with ``digits`` significant digits."""
    value = as_number(x)
    if value is None:
        return "–"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    if abs(value) >= 1e4:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:,.1f}"
    return f"{value:.{digits}g}"


def fmt_percent(x: object) -> str:
    """A ratio as a percentage; small ones keep two decimals so 0.43 % does not read as 0 %."""
    value = as_number(x)
    if value is None:
        return "–"
    pct = 100.0 * value
    return f"{pct:.2f}%" if abs(pct) < 10 else f"{pct:.1f}%"


def fmt_money(x: object, *, currency: str, language: str) -> str:
    """KRW as ``1,234,000원`` in Korean and ``KRW 1,234,000`` in English."""
    value = as_number(x)
    if value is None:
        return "–"
    amount = f"{value:,.0f}"
    if currency == "KRW":
        return f"{amount}원" if language == "ko" else f"KRW {amount}"
    return f"{amount} {currency}"


def _money_unit(unit: str) -> str | None:
    """``KRW`` for ``KRW/month``; None for units that are not money per month."""
    return unit.removesuffix("/month") if unit.endswith("/month") and unit != "h/month" else None


def unit_label(unit: str, *, name: str = "", currency: str, language: str) -> str:
    """The unit as people say it: ``KRW/month`` -> ``원/월``; a ratio read as a decimal score says so."""
    t = texts(language)
    unit = unit.replace("currency", currency)
    if unit == "ratio" and _decimal(name):
        return t["unit_score"]
    money = _money_unit(unit)
    if money is not None:
        word = "원" if money == "KRW" and language == "ko" else money
        return t["unit_money_month"].format(currency=word)
    simple = {
        "ratio": t["unit_ratio"],
        "nats": t["unit_nats"],
        "target unit": t["unit_target"],
        "parts/1000": t["unit_parts"],
        "h/month": t["unit_hours"],
        "index": t["unit_index"],
    }
    return simple.get(unit, unit)


def fmt_kpi(x: object, *, name: str, unit: str, currency: str, language: str) -> str:
    """One KPI value in its unit: rates as %, money with the currency, hours and counts with separators."""
    value = as_number(x)
    if value is None:
        return texts(language)["undefined"]
    unit = unit.replace("currency", currency)
    money = _money_unit(unit)
    if money is not None:
        return fmt_money(value, currency=money, language=language)
    if unit == "ratio":
        return fmt_number(value) if _decimal(name) else fmt_percent(value)
    if unit == "h/month":
        return f"{value:,.1f}" + ("시간" if language == "ko" else " h")
    if unit == "parts/1000":
        return f"{value:,.2f}"
    return fmt_number(value)


# --- sentences built from values: promotion decisions, gate verdicts, threshold and retrain notes ---


def rule_label(name: str, language: str) -> str:
    """``beats_today`` -> "모델 없는 방식보다 나음: 기존 검사 방식"; ``catches_defects[crack]`` -> "...: crack"."""
    rule = rule_of(name)
    korean, english = RULE_LABELS.get(rule, (rule, rule))
    label = korean if language == "ko" else english
    if rule == "beats_no_model" and name != rule:
        return f"{label}: {policy_label(name.removeprefix('beats_'), language)}"
    if "[" in name:
        return f"{label}: {name.split('[', 1)[1].rstrip(']')}"
    return label
