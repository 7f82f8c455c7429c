"""The ``recommend`` verb: settings that the champion predicts to make fewer defects, within the data.

Exit codes: 0 done (also "keep today's setting": the table says so), 2 a user or config error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from axpoc.cli._output import emit_json, err_console, step
from axpoc.i18n import console_text, say


def recommend(
    config: Annotated[Path, typer.Argument(help="PoC config YAML", show_default=False)],
    context: Annotated[
        Path | None,
        typer.Option("--context", help="file with ONE row: today's settings and the part's context"),
    ] = None,
    row: Annotated[
        str | None, typer.Option("--row", help="a part of the training data by its id (columns.id)")
    ] = None,
    n: Annotated[int, typer.Option("--n", help="how many recommendations to list")] = 5,
    trials: Annotated[
        int, typer.Option("--trials", help="settings tried by the search (Optuna, seeded)")
    ] = 150,
    refits: Annotated[
        int, typer.Option("--refits", help="bootstrap refits of the champion for the intervals (0 = none)")
    ] = 10,
    allow_extrapolation: Annotated[
        bool,
        typer.Option("--allow-extrapolation", help="also recommend settings no training part ran near"),
    ] = False,
    model_version: Annotated[
        str | None, typer.Option("--model-version", help="registered version number (default: the champion)")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="folder for the figures (default: <project>/recommendations/<time>)"),
    ] = None,
    project_dir: Annotated[
        Path | None, typer.Option("--project-dir", help="project folder (default ./axpoc_projects/<name>)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON on stdout")] = False,
) -> None:
    """Recommend process settings for one part's context (the registry is not changed)."""
    from axpoc.cli._output import load_config
    from axpoc.recommend import recommend_settings

    cfg = load_config(config)
    with step(console_text("searching", cfg.language)):
        outcome = recommend_settings(
            cfg,
            context_file=context,
            row=row,
            n=n,
            trials=trials,
            refits=refits,
            allow_extrapolation=allow_extrapolation,
            model_version=model_version,
            project_dir=project_dir,
            out=out,
        )
    if as_json:
        emit_json(outcome.to_dict())
    else:
        _tables(outcome, cfg.language)


def _tables(outcome: Any, language: str) -> None:
    from rich.table import Table

    from axpoc.recommend import summary_line, words

    rec = outcome.recommendation
    best = rec.best
    regression = outcome.task == "regression"
    settings = Table(title=words("title", language, version=outcome.model_version))
    for code in ("setting", "unit", "safe_range", "today", "recommended"):
        settings.add_column(words(code, language))
    for control in outcome.controls:
        step_text = f" / {control.step:g}" if control.step else ""
        settings.add_row(
            control.label(language),
            control.unit,
            f"{control.low:g} ~ {control.high:g}{step_text}",
            f"{rec.today.settings[control.column]:.4g}",
            "-" if best is None else f"{best.settings[control.column]:.4g}",
        )
    err_console.print(settings)
    ranked = Table()
    ranked.add_column(words("rank", language))
    if regression:
        ranked.add_column(words("predicted_value", language))
    ranked.add_column(words("defect_rate", language))
    ranked.add_column(words("support", language))
    for control in outcome.controls:
        ranked.add_column(control.label(language))
    for rank, candidate in [(words("today", language), rec.today), *enumerate(rec.ranked, start=1)]:
        ranked.add_row(
            str(rank),
            *([f"{candidate.predicted:.4g}"] if regression else []),
            _rate(candidate),
            words("supported" if candidate.supported else "unsupported", language, count=candidate.support),
            *(f"{candidate.settings[c.column]:.4g}" for c in outcome.controls),
        )
    err_console.print(ranked)
    err_console.print(f"[bold]{summary_line(outcome, language)}[/]")
    err_console.print(
        words(
            "searched",
            language,
            trials=rec.trials,
            rejected=rec.rejected,
            radius=outcome.support_rule["radius"],
            k=outcome.support_rule["needed_here"],
        ),
        style="dim",
    )
    if rec.allow_extrapolation:
        err_console.print(words("extrapolating", language), style="yellow")
    for note in rec.notes:
        err_console.print(f"- {say(note, language)}", style="dim", markup=False)
    err_console.print(
        words("nothing_written", language, run=outcome.run_id[:8], folder=outcome.folder), style="dim"
    )


def _rate(candidate: Any) -> str:
    if candidate.defect_rate is None:
        return "-"
    if candidate.interval is None:
        return f"{candidate.defect_rate:.1%}"
    low, high = candidate.interval
    return f"{candidate.defect_rate:.1%} [{low:.1%} ~ {high:.1%}]"


def register(app: typer.Typer) -> None:
    """Add the ``recommend`` verb to the ``axpoc`` app."""
    app.command("recommend")(recommend)
