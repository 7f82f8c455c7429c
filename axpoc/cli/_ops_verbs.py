"""The after-handover verbs: retrain, drift, rollback, models, export, import.

Exit codes: 0 done (also "not promoted": the verdict is in the output), 1 the new data was rejected
(unreadable, cut off, or failing the champion's critical checks), 2 a user or config error, 130
interrupted. Work is imported inside each verb so ``axpoc --help`` stays instant.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from axpoc.cli._output import emit_json, err_console, error_payload, step
from axpoc.i18n import console_text, say

ConfigArg = Annotated[Path, typer.Argument(help="PoC config YAML", show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="print the result as JSON on stdout")]
ProjectDirOpt = Annotated[
    Path | None,
    typer.Option("--project-dir", help="project folder (default: project.dir or ./axpoc_projects/<name>)"),
]
NewDataOpt = Annotated[
    Path,
    typer.Option("--data", help="the new data: a file, folder or glob read with the config's read options"),
]


def _load(config: Path) -> Any:
    from axpoc.cli._output import load_config

    return load_config(config)


def retrain(
    config: ConfigArg,
    data: NewDataOpt,
    retune: Annotated[bool, typer.Option("--retune", help="rerun the whole model comparison")] = False,
    window_days: Annotated[
        int | None, typer.Option("--window-days", min=1, help="train on the last N days only")
    ] = None,
    window_rows: Annotated[
        int | None, typer.Option("--window-rows", min=1, help="train on the last N rows only")
    ] = None,
    project_dir: ProjectDirOpt = None,
    force: Annotated[
        bool, typer.Option("--force", help="promote even if not better (needs --reason)")
    ] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="why --force was used (logged)")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Retrain on the champion's data plus NEW; promote only a challenger that passes the gates and is not worse."""
    from dataclasses import asdict

    from axpoc.cli._progress import compare_progress
    from axpoc.retrain import NewDataRejected
    from axpoc.retrain import retrain as run_retrain

    cfg = _load(config)
    try:
        with compare_progress(cfg) as progress:
            outcome = run_retrain(
                cfg,
                data_path=data,
                project_dir=project_dir,
                retune=retune,
                window_days=window_days,
                window_rows=window_rows,
                force=force,
                reason=reason,
                log=lambda message: err_console.print(message),
                on_candidate=progress.on_candidate,
                on_trial=progress.on_trial,
                config_text=config.read_text(encoding="utf-8-sig"),
            )
    except NewDataRejected as exc:
        _show_rejection(exc, as_json, cfg.language)
        raise
    if as_json:
        emit_json(asdict(outcome))
        return
    _retrain_summary(outcome, cfg.language)


def _show_rejection(exc: Any, as_json: bool, language: str) -> None:
    if as_json:
        payload = error_payload(exc.message, code=exc.code, exit_code=exc.exit_code)
        emit_json({**payload, "validation": exc.report.to_dict() if exc.report is not None else None})
    elif exc.report is not None:
        err_console.print(exc.report.to_table(language))


def _retrain_summary(outcome: Any, language: str) -> None:
    from rich.table import Table

    def line(code: str, **values: object) -> str:
        return console_text(code, language, **values)

    err_console.print(escape(line("drift", summary=outcome.drift_summary)))
    for product in outcome.new_products:
        new = line("new_product", product=product["product"], rows=product["rows"])
        err_console.print(f"[yellow]{escape(new)}[/] — {escape(say(product['action'], language))}")
    table = Table(title=line("champion_vs_challenger", rows=outcome.n_holdout))
    for column in (
        "KPI",
        f"{line('champion')} v{outcome.champion_version}",
        f"{line('challenger')} v{outcome.challenger_version}",
    ):
        table.add_column(column)
    names = [outcome.primary, *[k for k in outcome.challenger_kpis if k != outcome.primary]][:8]
    for name in names:
        table.add_row(name, _fmt(outcome.champion_kpis.get(name)), _fmt(outcome.challenger_kpis.get(name)))
    err_console.print(table)
    colour = "green" if outcome.promoted else "yellow"
    err_console.print(
        line(
            "decision",
            version=outcome.challenger_version,
            alias=f"[{colour}]{outcome.alias}[/]",
            reason=escape(say(outcome.decision_reason, language)),
        )
    )
    err_console.print(line("report", path=f"[bold]{outcome.report_path}[/]"))
    for note in outcome.notes:
        err_console.print(f"[dim]- {escape(say(note, language))}[/]")
    err_console.print(line("done", seconds=outcome.elapsed_s))


def _fmt(value: Any) -> str:
    import math

    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    return f"{value:,.4g}" if abs(value) < 1e5 else f"{value:,.0f}"


def drift(
    config: ConfigArg,
    data: NewDataOpt,
    project_dir: ProjectDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Drift of NEW data against the champion's training data (features, label, scores); trains nothing."""
    from axpoc.retrain import NewDataRejected, drift_check

    cfg = _load(config)
    try:
        with step(console_text("checking_drift", cfg.language)):
            outcome = drift_check(cfg, data_path=data, project_dir=project_dir)
    except NewDataRejected as exc:
        _show_rejection(exc, as_json, cfg.language)
        raise
    if as_json:
        emit_json(outcome.to_dict())
        return
    language = cfg.language

    def line(code: str, **values: object) -> str:
        return console_text(code, language, **values)

    err_console.print(outcome.report.to_table(language))
    err_console.print(f"[bold]{escape(outcome.summary)}[/]")
    if outcome.champion_kpis_on_new:
        shown = ", ".join(
            f"{g['name']} {_fmt(g['value'])} {line('pass') if g['passed'] else line('fail')}"
            for g in outcome.champion_gates_on_new
        )
        err_console.print(
            escape(line("champion_on_new", version=outcome.champion_version, gates=shown or line("no_gates")))
        )
    for product in outcome.new_products:
        err_console.print(
            f"[yellow]{escape(line('new_product', product=product['product'], rows=product['rows']))}[/]"
        )
    for note in outcome.notes:
        err_console.print(f"[dim]- {escape(say(note, language))}[/]")
    err_console.print(line("report", path=f"[bold]{outcome.report_path}[/]"))


def rollback(
    config: ConfigArg,
    to: Annotated[
        str | None, typer.Option("--to", help="make this version champion (default: one step back)")
    ] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="why (written to the promotion log)")] = None,
    project_dir: ProjectDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Give 'champion' back to the previous champion (or --to VERSION); recorded in the promotion log."""
    from axpoc.retrain import open_project
    from axpoc.retrain import rollback as run_rollback

    cfg = _load(config)
    store = open_project(cfg, project_dir)
    result = run_rollback(store, to=to, reason=reason)
    if as_json:
        emit_json(result)
    else:
        err_console.print(
            console_text(
                "rollback",
                cfg.language,
                model=result["model_name"],
                old=result["from_version"],
                new=f"[green]{result['to_version']}[/]",
                reason=escape(say(result["reason"], cfg.language)),
            )
        )


def models(
    config: ConfigArg,
    project_dir: ProjectDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Every model version: aliases, date, key KPIs, decision and why; unfinished runs show 'incomplete'."""
    from rich.table import Table

    from axpoc.retrain import list_models, open_project, promotion_log_table, versions_table

    cfg = _load(config)
    result = list_models(open_project(cfg, project_dir))
    if as_json:
        emit_json(result)
        return
    shown = versions_table(result, language=cfg.language)
    table = Table(title=console_text("versions", cfg.language, model=result["model_name"]))
    for column in shown.columns:
        table.add_column(str(column), overflow="fold")
    for row, cells in zip(result["versions"], shown.itertuples(index=False), strict=True):
        style = {"promoted": "green", "incomplete": "red", "rolled_back": "yellow"}.get(row["decision"])
        table.add_row(*[escape(str(cell)) for cell in cells[:-1]], escape(str(cells[-1])[:120]), style=style)
    err_console.print(table)
    for time, who, action, version, why in (
        promotion_log_table(result, language=cfg.language).tail(5).itertuples(index=False)
    ):
        err_console.print(f"[dim]{escape(f'{time} {who} {action} v{version}: {why}')}[/]")


def export(
    config: ConfigArg,
    out: Annotated[Path, typer.Option("--out", help="bundle file to write, e.g. hanil_mold.axpoc.zip")],
    project_dir: ProjectDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Pack the project (registry, aliases, promotion log, artifacts, reports, config) into one bundle file."""
    from axpoc.retrain import export_project

    cfg = _load(config)
    with step(console_text("exporting", cfg.language)):
        result = export_project(cfg, config_path=config, out=out, project_dir=project_dir)
    if as_json:
        emit_json(result)
    else:
        done = console_text(
            "exported",
            cfg.language,
            bundle=f"[bold]{escape(str(result['bundle']))}[/]",
            files=result["files"],
            mb=result["size_bytes"] / 1e6,
            champion=result["champion"],
        )
        err_console.print(done)


def import_(
    bundle: Annotated[Path, typer.Argument(help="bundle file written by 'axpoc export'", show_default=False)],
    into: Annotated[
        Path | None, typer.Option("--into", help="new project folder (default ./axpoc_projects/<name>)")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Unpack a project bundle into a new folder on this machine and check that its champion loads."""
    from axpoc.retrain import import_project

    with step(console_text("importing", "ko")):
        result = import_project(bundle, into=into)
    if as_json:
        emit_json(result)
    else:
        # no config is read yet: the imported project's own config says its language from the next verb on
        into = f"[bold]{escape(str(result['into']))}[/]"
        err_console.print(
            console_text("imported", "ko", project=result["project"], into=into, champion=result["champion"])
        )
        err_console.print(escape(console_text("config", "ko", path=result["config"])))
        err_console.print(escape(console_text("next", "ko", command=result["next"])))


def register(app: typer.Typer) -> None:
    """Add the after-handover verbs to the ``axpoc`` app."""
    app.command("retrain")(retrain)
    app.command("drift")(drift)
    app.command("rollback")(rollback)
    app.command("models")(models)
    app.command("export")(export)
    app.command("import")(import_)
