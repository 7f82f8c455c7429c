"""Readable console tables for the verbs' results (stderr; ``--json`` gives the same as data)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from rich.markup import escape
from rich.table import Table

from axpoc.cli._output import err_console
from axpoc.i18n import ConsoleText, console_text, say, texts


def validation_table(report: Any, *, language: str) -> Table:
    return report.to_table(language)


def _fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e5 else f"{value:,.0f}"
    return str(value)


def run_summary(outcome: Any, config_path: Path, *, language: str) -> None:
    """The end of ``axpoc run``: chosen model, gates, headline KPIs, report path, how to open MLflow; in the
    config's ``language`` (Korean by default), reasons and notes included."""
    words = texts(language)

    def line(code: str, **values: object) -> str:
        return console_text(code, language, **values)

    if outcome.leaderboard:
        board = Table(title=line("leaderboard"))
        keys = ["rank", "candidate", "status"]
        metric = next(
            (k for k in outcome.leaderboard[0] if k not in {"rank", "candidate", "family", "status"}), None
        )
        headers = {"ci_low": line("col_ci_low"), "ci_high": line("col_ci_high")}
        for key in [*keys, metric, "ci_low", "ci_high", "p_value", "trials", "note"]:
            board.add_column(headers.get(str(key)) or words.get(str(key), str(key)))
        for row in outcome.leaderboard:
            status = str(row.get("status"))
            board.add_row(
                _fmt(row.get("rank")),
                _fmt(row.get("candidate")),
                words.get(f"status_{status}", status),
                *[_fmt(row.get(k)) for k in [metric, "ci_low", "ci_high", "p_value", "trials"]],
                say(row.get("note") or "", language)[:60],
            )
        err_console.print(board)
        err_console.print(outcome.conclusion)
    if outcome.gates:
        gates = Table(title=line("gates"))
        for col in ("col_gate", "col_target", "col_value", "col_result"):
            gates.add_column(line(col))
        for gate in outcome.gates:
            verdict = (
                f"[green]{line('pass')}[/]"
                if gate["passed"]
                else f"[red]{line('fail')}[/] {escape(say(gate['reason'], language))}"
            )
            gates.add_row(gate["name"], f"{gate['op']} {gate['target']}", _fmt(gate["value"]), verdict)
        err_console.print(gates)
    if outcome.model_version:
        colour = "green" if outcome.alias == "champion" else "yellow"
        err_console.print(
            line(
                "model_alias",
                model=outcome.model_name,
                version=outcome.model_version,
                alias=f"[{colour}]{outcome.alias}[/]",
                reason=escape(say(outcome.decision_reason, language)),
            )
        )
    if outcome.report_path:
        err_console.print(line("report", path=f"[bold]{outcome.report_path}[/]"))
    if outcome.ui_command:
        err_console.print(f"MLflow UI: axpoc ui {config_path}")
    for note in outcome.notes:
        err_console.print(f"[dim]- {escape(say(note, language))}[/]")
    step = outcome.stopped_after
    said = line(f"step_{step}") if f"step_{step}" in ConsoleText.templates else step
    err_console.print(line("done_after", step=said, seconds=outcome.elapsed_s))
