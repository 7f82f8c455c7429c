"""The after-handover verbs: retrain, drift, rollback, models, export, import.

Exit codes: 0 done (also "not promoted": the verdict is in the output), 1 the new data was rejected
(unreadable, cut off, or failing the champion's critical checks), 2 a user or config error, 130
interrupted. Work is imported inside each verb so ``axpoc --help`` stays instant.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from axpoc.cli._output import emit_json, err_console, error_payload, step

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
    from axpoc.config import load_config

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
        _show_rejection(exc, as_json)
        raise
    if as_json:
        emit_json(asdict(outcome))
        return
    _retrain_summary(outcome)


def _show_rejection(exc: Any, as_json: bool) -> None:
    if as_json:
        payload = error_payload(exc.message, code=exc.code, exit_code=exc.exit_code)
        emit_json({**payload, "validation": exc.report.to_dict() if exc.report is not None else None})
    elif exc.report is not None:
        err_console.print(exc.report.to_table())


def _retrain_summary(outcome: Any) -> None:
    from rich.table import Table

    err_console.print(f"[bold]드리프트 (drift)[/]: {outcome.drift_summary}")
    for product in outcome.new_products:
        err_console.print(
            f"[yellow]새 제품 (new product)[/] {product['product']}: {product['rows']:,} rows — "
            f"{product['action']}"
        )
    table = Table(title=f"챔피언 vs 도전자 (same holdout: {outcome.n_holdout:,} rows)")
    for column in (
        "KPI",
        f"champion v{outcome.champion_version}",
        f"challenger v{outcome.challenger_version}",
    ):
        table.add_column(column)
    names = [outcome.primary, *[k for k in outcome.challenger_kpis if k != outcome.primary]][:8]
    for name in names:
        table.add_row(name, _fmt(outcome.champion_kpis.get(name)), _fmt(outcome.challenger_kpis.get(name)))
    err_console.print(table)
    colour = "green" if outcome.promoted else "yellow"
    err_console.print(
        f"결정 (decision): v{outcome.challenger_version} → [{colour}]{outcome.alias}[/] "
        f"({outcome.decision_reason})"
    )
    err_console.print(f"보고서 (report): [bold]{outcome.report_path}[/]")
    for note in outcome.notes:
        err_console.print(f"[dim]- {note}[/]")
    err_console.print(f"완료 (done) in {outcome.elapsed_s:.0f} s")


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
        with step("드리프트 점검 중 (checking drift)..."):
            outcome = drift_check(cfg, data_path=data, project_dir=project_dir)
    except NewDataRejected as exc:
        _show_rejection(exc, as_json)
        raise
    if as_json:
        emit_json(outcome.to_dict())
        return
    err_console.print(outcome.report.to_table())
    err_console.print(f"[bold]{outcome.summary}[/]")
    if outcome.champion_kpis_on_new:
        shown = ", ".join(
            f"{g['name']} {_fmt(g['value'])} {'PASS' if g['passed'] else 'FAIL'}"
            for g in outcome.champion_gates_on_new
        )
        err_console.print(f"챔피언 v{outcome.champion_version} on the new data: {shown or 'no gates'}")
    for product in outcome.new_products:
        err_console.print(f"[yellow]새 제품 (new product)[/] {product['product']}: {product['rows']:,} rows")
    for note in outcome.notes:
        err_console.print(f"[dim]- {note}[/]")
    err_console.print(f"보고서 (report): [bold]{outcome.report_path}[/]")


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
            f"롤백 (rollback): {result['model_name']} champion v{result['from_version']} → "
            f"[green]v{result['to_version']}[/] ({result['reason']})"
        )


def models(
    config: ConfigArg,
    project_dir: ProjectDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Every model version: aliases, date, key KPIs, decision and why; unfinished runs show 'incomplete'."""
    from rich.table import Table

    from axpoc.retrain import list_models, open_project

    cfg = _load(config)
    result = list_models(open_project(cfg, project_dir))
    if as_json:
        emit_json(result)
        return
    table = Table(title=f"모델 버전 (model versions): {result['model_name']}")
    for column in ("version", "aliases", "created", "kind", "family", "KPIs", "decision", "reason"):
        table.add_column(column, overflow="fold")
    for row in result["versions"]:
        kpis = ", ".join(f"{k} {_fmt(v)}" for k, v in list(row["kpis"].items())[:3])
        style = {"promoted": "green", "incomplete": "red", "rolled_back": "yellow"}.get(row["decision"])
        table.add_row(
            row["version"],
            ", ".join(row["aliases"]),
            row["created"],
            row["kind"],
            row["family"],
            kpis,
            row["decision"] + (" (forced)" if row["forced"] else ""),
            row["reason"][:120],
            style=style,
        )
    err_console.print(table)
    for entry in result["promotion_log"][-5:]:
        err_console.print(
            f"[dim]{entry.get('time')} {entry.get('user')}@{entry.get('host')} {entry.get('action')} "
            f"v{entry.get('version')}: {entry.get('reason')}[/]"
        )


def export(
    config: ConfigArg,
    out: Annotated[Path, typer.Option("--out", help="bundle file to write, e.g. hanil_mold.axpoc.zip")],
    project_dir: ProjectDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Pack the project (registry, aliases, promotion log, artifacts, reports, config) into one bundle file."""
    from axpoc.retrain import export_project

    cfg = _load(config)
    with step("내보내는 중 (exporting)..."):
        result = export_project(cfg, config_path=config, out=out, project_dir=project_dir)
    if as_json:
        emit_json(result)
    else:
        err_console.print(
            f"내보내기 완료 (exported): [bold]{result['bundle']}[/] ({result['files']} files, "
            f"{result['size_bytes'] / 1e6:,.1f} MB, champion v{result['champion']})"
        )


def import_(
    bundle: Annotated[Path, typer.Argument(help="bundle file written by 'axpoc export'", show_default=False)],
    into: Annotated[
        Path | None, typer.Option("--into", help="new project folder (default ./axpoc_projects/<name>)")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Unpack a project bundle into a new folder on this machine and check that its champion loads."""
    from axpoc.retrain import import_project

    with step("가져오는 중 (importing)..."):
        result = import_project(bundle, into=into)
    if as_json:
        emit_json(result)
    else:
        err_console.print(
            f"가져오기 완료 (imported): {result['project']} → [bold]{result['into']}[/] "
            f"(champion v{result['champion']})"
        )
        err_console.print(f"설정 (config): {result['config']}")
        err_console.print(f"다음 (next): {result['next']}")


def register(app: typer.Typer) -> None:
    """Add the after-handover verbs to the ``axpoc`` app."""
    app.command("retrain")(retrain)
    app.command("drift")(drift)
    app.command("rollback")(rollback)
    app.command("models")(models)
    app.command("export")(export)
    app.command("import")(import_)
