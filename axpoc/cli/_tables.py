"""Readable console tables for the verbs' results (stderr; ``--json`` gives the same as data)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from rich.table import Table

from axpoc.cli._output import err_console


def validation_table(report: Any) -> Table:
    return report.to_table()


def _fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e5 else f"{value:,.0f}"
    return str(value)


def run_summary(outcome: Any, config_path: Path) -> None:
    """The end of ``axpoc run``: chosen model, gates, headline KPIs, report path, how to open MLflow."""
    if outcome.leaderboard:
        board = Table(title="리더보드 (leaderboard, CV on the training part)")
        keys = ["rank", "candidate", "status"]
        metric = next(
            (k for k in outcome.leaderboard[0] if k not in {"rank", "candidate", "family", "status"}), None
        )
        for key in [*keys, metric, "ci_low", "ci_high", "p_value", "trials", "note"]:
            board.add_column(str(key))
        for row in outcome.leaderboard:
            board.add_row(
                *[_fmt(row.get(k)) for k in [*keys, metric, "ci_low", "ci_high", "p_value", "trials"]],
                str(row.get("note") or "")[:60],
            )
        err_console.print(board)
        err_console.print(outcome.conclusion)
    if outcome.gates:
        gates = Table(title="인수 기준 (gates, on the test part)")
        for col in ("gate", "target", "value", "result"):
            gates.add_column(col)
        for gate in outcome.gates:
            verdict = "[green]PASS[/]" if gate["passed"] else f"[red]FAIL[/] {gate['reason']}"
            gates.add_row(gate["name"], f"{gate['op']} {gate['target']}", _fmt(gate["value"]), verdict)
        err_console.print(gates)
    if outcome.model_version:
        colour = "green" if outcome.alias == "champion" else "yellow"
        err_console.print(
            f"모델 (model): {outcome.model_name} v{outcome.model_version} → "
            f"[{colour}]{outcome.alias}[/] ({outcome.decision_reason})"
        )
    if outcome.report_path:
        err_console.print(f"보고서 (report): [bold]{outcome.report_path}[/]")
    if outcome.ui_command:
        err_console.print(f"MLflow UI: axpoc ui {config_path}")
    for note in outcome.notes:
        err_console.print(f"[dim]- {note}[/]")
    err_console.print(f"완료 (done) after {outcome.stopped_after} in {outcome.elapsed_s:.0f} s")
