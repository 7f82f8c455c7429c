"""The field verbs: outcomes, field-report, charter, visit, case-card (exit codes as every verb: 0 done,
1 a data file looks cut off, 2 a user, config or file error)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from axpoc.cli._output import emit_json, err_console
from axpoc.i18n import console_text

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
PdfOpt = Annotated[bool, typer.Option("--pdf/--no-pdf", help="also print it to PDF (Chromium)")]


def _setup(config: Path, project_dir: Path | None) -> tuple[Any, Path]:
    from axpoc.cli._output import load_config

    cfg = load_config(config)
    return cfg, cfg.project_dir(project_dir)


def _scored(cfg: Any, project: Path, scores: list[str] | None, db_url: str | None) -> tuple[Any, int]:
    from axpoc.field import read_scored, scored_sources
    from axpoc.serve import read_prediction_log

    sources = list(scores or []) or scored_sources(read_prediction_log(project))
    return read_scored(cfg, sources, db_url=db_url)


def _champion(cfg: Any, project: Path) -> Any:
    """The champion model, whose classes are the results an outcome file may hold; None where the project has
    no registry or no champion (the labels predict wrote are checked instead). A champion whose files are
    gone or damaged is refused as predict refuses it, naming the version and the way back."""
    from axpoc.serve import load_served_model, open_project_store
    from axpoc.tracking import CHAMPION, alias_version

    if cfg.tracking.uri is None and not (project / "mlflow.db").is_file():
        return None
    store = open_project_store(cfg, project)
    version = alias_version(store, CHAMPION)  # None also where no model is registered yet
    return None if version is None else load_served_model(store, version=version).model


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
        model=_champion(cfg, project),
    )
    if as_json:
        emit_json(result.to_dict())
        return
    for note in result.notes:
        err_console.print(f"- {note}", soft_wrap=True, markup=False)
    err_console.print(
        console_text("outcomes_recorded", cfg.language, n=result.recorded_total, store=_bold(result.store))
    )


def field_report(
    config: ConfigArg,
    since: Annotated[str | None, typer.Option("--since", help="first field day, YYYY-MM-DD")] = None,
    until: Annotated[str | None, typer.Option("--until", help="last field day, YYYY-MM-DD")] = None,
    scores: ScoresOpt = None,
    db_url: DbUrlOpt = None,
    pdf: PdfOpt = True,
    project_dir: ProjectDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Realised KPIs of the field period against the baseline before deployment: Korean HTML (+ PDF)."""
    from axpoc.field import REPORT_FILE, Window
    from axpoc.report import write_field_report

    cfg, project = _setup(config, project_dir)
    window = Window(_date(since, "--since", cfg.language), _date(until, "--until", cfg.language))
    report = _report(cfg, project, project_dir, window, scores, db_url)
    html = write_field_report(report, project / "reports" / REPORT_FILE)
    report |= {"report": str(html), "pdf": _pdf(html, pdf)}
    if as_json:
        emit_json(report)
        return
    from axpoc.report import field_verdict_text

    err_console.print(f"[bold]{field_verdict_text(report)}[/]", soft_wrap=True)
    err_console.print(_written("field_report_written", cfg.language, html, report["pdf"]))


def _report(
    cfg: Any, project: Path, project_dir: Path | None, window: Any, scores: Any, db_url: Any
) -> dict[str, Any]:
    """The field report's data, from the project's logs and outcome store (what field-report prints)."""
    from axpoc.field import field_report as build
    from axpoc.retrain import open_project
    from axpoc.serve import read_prediction_log
    from axpoc.tracking import read_promotion_log

    scored, _ = _scored(cfg, project, scores, db_url)
    return build(
        cfg,
        project_dir=project,
        scored=scored,
        prediction_log=read_prediction_log(project),
        promotion_log=read_promotion_log(open_project(cfg, project_dir)),
        window=window,
    )


def _pdf(html: Path, pdf: bool) -> str:
    from axpoc.report import export_pdf

    return str(export_pdf(html, html.with_suffix(".pdf")) or "") if pdf else ""


def charter(
    config: ConfigArg, pdf: PdfOpt = True, project_dir: ProjectDirOpt = None, as_json: JsonOpt = False
) -> None:
    """The one-page PoC charter at kick-off: problem, data plan, KPI targets, gates, five or more visits, roles."""
    from axpoc.field import charter as build
    from axpoc.report import write_charter

    cfg, project = _setup(config, project_dir)
    data = build(cfg)
    html = write_charter(data, project / "reports" / "charter.html")
    data |= {"report": str(html), "pdf": _pdf(html, pdf)}
    if as_json:
        emit_json(data)
        return
    err_console.print(_written("charter_written", cfg.language, html, data["pdf"]))


def visit(
    config: ConfigArg,
    note: Annotated[str, typer.Option("--note", help="what was done on the visit")],
    when: Annotated[
        str | None, typer.Option("--date", help="the day of the visit (default: today), YYYY-MM-DD")
    ] = None,
    who: Annotated[str, typer.Option("--who", help="who visited")] = "",
    next_step: Annotated[str, typer.Option("--next", help="the next step agreed")] = "",
    project_dir: ProjectDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a site visit (date, who, what was done, next step); it appears in the field report's timeline."""
    from axpoc.field import record_visit

    cfg, project = _setup(config, project_dir)
    day = _date(when, "--date", cfg.language) or date.today()
    result = record_visit(project, note=note, when=day, who=who, next_step=next_step, language=cfg.language)
    if as_json:
        emit_json(result)
        return
    planned = len(cfg.plan.visits)
    err_console.print(
        escape(
            console_text(
                "visit_recorded",
                cfg.language,
                day=day,
                n=result["visits"],
                planned=planned,
                file=result["file"],
            )
        )
    )


def case_card(
    config: ConfigArg,
    scores: ScoresOpt = None,
    db_url: DbUrlOpt = None,
    pdf: PdfOpt = True,
    project_dir: ProjectDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """A one-page anonymised case card (industry, process, size bands, model family, rounded effects, lessons)."""
    from axpoc.field import Window, read_visits
    from axpoc.field import case_card as build
    from axpoc.report import write_case_card

    cfg, project = _setup(config, project_dir)
    report = _report(cfg, project, project_dir, Window(), scores, db_url)
    family, rows = _model_facts(cfg, project_dir, report["model_versions"])
    card = build(cfg, report=report, family=family, training_rows=rows, visits_done=len(read_visits(project)))
    html = write_case_card(card, project / "reports" / "case_card.html")
    card |= {"report": str(html), "pdf": _pdf(html, pdf)}
    if as_json:
        emit_json(card)
        return
    err_console.print(_written("case_card_written", cfg.language, html, card["pdf"]))


def _bold(path: object) -> str:
    return f"[bold]{escape(str(path))}[/]"


def _written(code: str, language: str, html: Path, pdf: str) -> str:
    """The line that names a written document (and its PDF), in the config's language."""
    printed = console_text("pdf", language, path=escape(pdf)) if pdf else ""
    return console_text(code, language, path=_bold(html), pdf=printed)


def _model_facts(cfg: Any, project_dir: Path | None, versions: list[str]) -> tuple[str, int]:
    """The family of the (latest) version that scored the field parts, and how many rows it was trained on."""
    from axpoc.retrain import list_models, open_project

    store = open_project(cfg, project_dir)
    listed = {row["version"]: row for row in list_models(store)["versions"]}
    chosen = listed.get(max(versions, key=int)) if versions else None
    if chosen is None:
        return "–", 0
    run = store.client.get_run(chosen["run_id"])
    parent = run.data.tags.get("mlflow.parentRunId")
    params = (
        run.data.params
        if "n_rows" in run.data.params or not parent
        else store.client.get_run(parent).data.params
    )
    return chosen["family"] or "–", int(params.get("n_rows", 0))


def register(app: typer.Typer) -> None:
    """Attach the field verbs to the ``axpoc`` command."""
    app.command("outcomes")(outcomes)
    app.command("field-report")(field_report)
    app.command("charter")(charter)
    app.command("visit")(visit)
    app.command("case-card")(case_card)
