"""The promotion's view of a config and an evaluation: the primary KPI, the gates, their records."""

from __future__ import annotations

from typing import Any

from axpoc.config import PocConfig


def primary_kpi(config: PocConfig) -> str:
    """The KPI the comparison ranks by and the non-inferiority test compares: the config's or the task's default."""
    from axpoc.compare import DEFAULT_PRIMARY

    return config.kpi.primary or DEFAULT_PRIMARY[config.target.task]


def configured_gates(config: PocConfig) -> dict[str, str]:
    """The config's gates, or the process template's when the config names none."""
    if config.kpi.gates:
        return dict(config.kpi.gates)
    from axpoc.process import load_process

    return dict(load_process(config.process).gates)


def gates_text(gates: list[Any]) -> str:
    """The gate verdicts in one line: the registry's ``axpoc.gates`` tag."""
    return (
        "; ".join(
            f"{g.name} {g.op} {g.target}: {float(g.value):.4g} {'PASS' if g.passed else 'FAIL'}"
            for g in gates
        )
        or "no gates"
    )


def kpi_table(evaluation: Any) -> Any:
    """The evaluation's KPIs with intervals, units, formulas and undefined reasons (an MLflow CSV artifact)."""
    import pandas as pd

    from axpoc.kpi import KPIS

    rows = []
    for name, value in evaluation.kpis.items():
        kpi = KPIS.get(name)
        low, high = evaluation.cis.get(name, (None, None))
        rows.append(
            {
                "kpi": name,
                "value": value,
                "ci_low": low,
                "ci_high": high,
                "unit": kpi.unit if kpi else "",
                "formula": evaluation.formulas.get(name, ""),
                "undefined_reason": evaluation.undefined.get(name, ""),
            }
        )
    return pd.DataFrame(rows)
