"""The field verbs: outcomes, field-report, charter, visit, case-card (exit codes as every verb: 0 done,
1 a data file looks cut off, 2 a user, config or file error)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from axpoc.cli._output import emit_json, err_console

ConfigArg = Annotated[Path, typer.Argument(help="PoC config YAML", show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="print the result as JSON on stdout")]
ProjectDirOpt = Annotated[
    Path | None,
    typer.Option("--project-dir", help="project folder (default: project.dir or ./axpoc_projects/<name>)"),
]
ScoresOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--scores",
        help="scored outputs of axpoc predict (file or sql:TABLE); default: every output in predictions.jsonl",
    ),
]
DbUrlOpt = Annotated[str | None, typer.Option("--db-url", help="SQLAlchemy URL of sql:TABLE scores")]


def _setup(config: Path, project_dir: Path | None) -> tuple[Any, Path]:
    from axpoc.config import load_config

    cfg = load_config(config)
    return cfg, cfg.project_dir(project_dir)


def _scored(cfg: Any, project: Path, scores: list[str] | None, db_url: str | None) -> tuple[Any, int]:
    from axpoc.field import read_scored, scored_sources
    from axpoc.serve import read_prediction_log

    sources = list(scores or []) or scored_sources(read_prediction_log(project))
    return read_scored(cfg, sources, db_url=db_url)


def _date(value: str | None, option: str, language: str) -> date | None:
    from axpoc.errors import UserError
    from axpoc.field import say

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserError(say("bad_since", language, option=option, value=value)) from None


def outcomes(
    config: ConfigArg,
    data: Annotated[Path, typer.Option("--data", help="outcome file: id, result and/or measurement")],
    scores: ScoresOpt = None,
    db_url: DbUrlOpt = None,
    arrived: Annotated[
        str | None, typer.Option("--arrived", help="when the results came in (default: now), YYYY-MM-DD")
    ] = None,
    project_dir: ProjectDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Join later-arriving outcomes (inspection results, returns, measurements) to the scored parts by id."""
    from datetime import datetime

    from axpoc.field import record_outcomes

    cfg, project = _setup(config, project_dir)
    when = _date(arrived, "--arrived", cfg.language)
    scored, rescored = _scored(cfg, project, scores, db_url)
    result = record_outcomes(
        cfg,
        data,
        project_dir=project,
        scored=scored,
        rescored=rescored,
        arrived=datetime.combine(when, datetime.min.time()) if when else None,
    )
    if as_json:
        emit_json(result.to_dict())
        return
    for note in result.notes:
        err_console.print(f"- {note}", soft_wrap=True, markup=False)
    err_console.print(f"결과 저장 (outcomes recorded): {result.recorded_total:,} → [bold]{result.store}[/]")


def field_report(
    config: ConfigArg,
    since: Annotated[str | None, typer.Option("--since", help="first field day, YYYY-MM-DD")] = None,
    until: Annotated[str | None, typer.Option("--until", help="last field day, YYYY-MM-DD")] = None,
    scores: ScoresOpt = None,
    db_url: DbUrlOpt = None,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="also print it to PDF (Chromium)")] = True,
    project_dir: ProjectDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Realised KPIs of the field period against the baseline before deployment: Korean HTML (+ PDF)."""
    from axpoc.field import REPORT_FILE, Window
    from axpoc.field import field_report as build
    from axpoc.report import export_pdf, write_field_report
    from axpoc.retrain import open_project
    from axpoc.serve import read_prediction_log
    from axpoc.tracking import read_promotion_log

    cfg, project = _setup(config, project_dir)
    window = Window(_date(since, "--since", cfg.language), _date(until, "--until", cfg.language))
    scored, _ = _scored(cfg, project, scores, db_url)
    store = open_project(cfg, project_dir)
    report = build(
        cfg,
        project_dir=project,
        scored=scored,
        prediction_log=read_prediction_log(project),
        promotion_log=read_promotion_log(store),
        window=window,
    )
    html = write_field_report(report, project / "reports" / REPORT_FILE)
    report["report"] = str(html)
    report["pdf"] = str(export_pdf(html, html.with_suffix(".pdf")) or "") if pdf else ""
    if as_json:
        emit_json(report)
        return
    from axpoc.report import field_verdict_text

    err_console.print(f"[bold]{field_verdict_text(report)}[/]", soft_wrap=True)
    err_console.print(
        f"보고서 (report): [bold]{html}[/]" + (f"  PDF: {report['pdf']}" if report["pdf"] else "")
    )


def register(app: typer.Typer) -> None:
    """Attach the field verbs to the ``axpoc`` command."""
    app.command("outcomes")(outcomes)
    app.command("field-report")(field_report)
