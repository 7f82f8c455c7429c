"""The ``axpoc`` command. Verbs import their work lazily so ``axpoc --help`` answers at once."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from axpoc.cli._output import emit_json, err_console, error_payload, step
from axpoc.i18n import console_text, say

app = typer.Typer(
    name="axpoc",
    help="AI PoC toolkit for manufacturing: validate data, compare models, prove KPIs, retrain, serve.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

ConfigArg = Annotated[Path, typer.Argument(help="PoC config YAML", show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="print the result as JSON on stdout")]
ProjectDirOpt = Annotated[
    Path | None, typer.Option("--project-dir", help="project folder (default ./axpoc_projects/<name>)")
]
DataOpt = Annotated[Path | None, typer.Option("--data", help="read this file/glob instead of data.path")]


@app.command()
def init(
    name: Annotated[str, typer.Argument(help="project name, an ASCII slug such as hanil_mold")],
    process: Annotated[str, typer.Option(help="process template in pipelines/")] = "generic",
    from_data: Annotated[
        Path | None, typer.Option("--from-data", help="infer the config from this file")
    ] = None,
    target: Annotated[
        str | None, typer.Option("--target", help="with --from-data: the column to predict (else inferred)")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="where to write the config (default NAME.yaml)")] = None,
    force: Annotated[bool, typer.Option(help="overwrite an existing file")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Write a commented starter config (from a process template or from your own data file)."""
    from axpoc.config import write_starter
    from axpoc.errors import UserError
    from axpoc.process import load_process
    from axpoc.steps import starter_from_data, starter_from_template

    destination = out or Path(f"{name}.yaml")
    if target is not None and from_data is None:
        raise UserError("--target goes with --from-data (a template names its own target).")
    if from_data is not None:
        values = starter_from_data(name, from_data, config_dir=destination.resolve().parent, target=target)
        values.process = process
    else:
        values = starter_from_template(name, load_process(process))
    path = write_starter(values, destination, overwrite=force)
    if as_json:
        emit_json(
            {
                "config": path,
                "process": values.process,
                "target": values.target,
                "task": values.task,
                "notes": values.notes,
            }
        )
    else:
        for note in values.notes[1:]:
            err_console.print(f"- {note}", style="dim", soft_wrap=True, markup=False)
        # the starter config is Korean (language: ko); English readers switch it there
        err_console.print(console_text("config_written", "ko", path=f"[bold]{escape(str(path))}[/]"))
        err_console.print(escape(console_text("next", "ko", command=f"axpoc validate {path}")))


@app.command("demo-data")
def demo_data(
    process: Annotated[str, typer.Argument(help="process template, e.g. injection_molding")],
    out: Annotated[
        Path,
        typer.Option(
            help="file to write: .parquet (curves kept: feeds --data), .csv or .xlsx (curves to a side table)"
        ),
    ],
    rows: Annotated[int, typer.Option(help="number of cycles")] = 2000,
    defect_rate: Annotated[float, typer.Option(help="share of defective parts")] = 0.03,
    drift: Annotated[float, typer.Option(help="process drift over time, 0 = none")] = 0.0,
    seed: Annotated[int, typer.Option(help="random seed")] = 0,
    encoding: Annotated[
        str, typer.Option(help="CSV encoding, e.g. cp949 to practise Korean Windows files")
    ] = "utf-8-sig",
    after: Annotated[
        Path | None,
        typer.Option(
            "--after",
            help="a config with data.demo: ids, times and lots continue after its data (next month)",
        ),
    ] = None,
    field: Annotated[
        Path | None,
        typer.Option(
            "--field",
            help="a config with data.demo and field.deployed: write its field period into the folder --out",
        ),
    ] = None,
    weeks: Annotated[int, typer.Option(help="with --field: weeks after deployment")] = 4,
    parts_per_day: Annotated[int, typer.Option(help="with --field: parts made (and scored) a day")] = 120,
    as_json: JsonOpt = False,
) -> None:
    """Write a process's seeded demo data as a file a trainer can hand out (--field: a whole field period)."""
    from axpoc.steps import write_demo_data, write_field_demo

    if field is not None:
        cfg = _load(field)
        if cfg.process != process:
            from axpoc.errors import UserError

            raise UserError(f"--field {field}: the config's process is '{cfg.process}', not '{process}'.")
        written = write_field_demo(cfg, out, weeks=weeks, parts_per_day=parts_per_day, seed=seed)
        if as_json:
            emit_json(written)
        else:
            values = {
                "deployed": written["deployed"],
                "parts": written["parts"],
                "path": f"[bold]{escape(str(out))}[/]",
            }
            err_console.print(
                console_text("field_demo", cfg.language, baseline=written["baseline_parts"], **values)
            )
            command = f"axpoc outcomes {field} --data {out}/history.csv"
            err_console.print(f"[dim]{escape(console_text('next', cfg.language, command=command))}[/]")
        return
    following = _load(after) if after is not None else None
    # without a config the lines are Korean (the starter configs' language); --after's config says its own
    language = following.language if following is not None else "ko"
    result = write_demo_data(
        process,
        out,
        rows=rows,
        defect_rate=defect_rate,
        drift=drift,
        seed=seed,
        encoding=encoding,
        after=following,
    )
    if as_json:
        emit_json(result)
    else:
        path = f"[bold]{escape(str(result['path']))}[/]"
        err_console.print(console_text("demo_written", language, rows=result["rows"], path=path))
        if result.get("curves_path"):
            curves = ", ".join(result["curves"])
            err_console.print(
                escape(console_text("demo_curves", language, curves=curves, path=result["curves_path"]))
            )
        err_console.print(f"[dim]{escape(console_text('demo_feeds', language, feeds=result['feeds']))}[/]")


def _load(config: Path) -> Any:
    from axpoc.cli._output import load_config

    return load_config(config)


@app.command()
def validate(
    config: ConfigArg,
    data: DataOpt = None,
    project_dir: ProjectDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Check the data against the contract (Great Expectations) and save the contract; exit 1 on critical failures."""
    from axpoc.cli._tables import validation_table
    from axpoc.steps import validate_data

    cfg = _load(config)
    with step(console_text("validating", cfg.language)):
        outcome = validate_data(cfg, project_dir=project_dir, data_path=data)
    if as_json:
        payload = outcome.to_dict()
        if not outcome.ok:
            payload |= error_payload(outcome.failure_message, code="data_rejected", exit_code=1)
        emit_json(payload)
    else:
        language = cfg.language
        for note in outcome.notes:
            err_console.print(f"[dim]- {escape(say(note, language))}[/]")
        err_console.print(validation_table(outcome.report, language=language))
        verdict = (
            f"[green]{console_text('passed', language)}[/]"
            if outcome.ok
            else f"[red]{console_text('critical_failures', language)}[/]"
        )
        unlabelled = (
            console_text("unlabelled", language, n=outcome.n_unlabelled) if outcome.n_unlabelled else ""
        )
        err_console.print(
            console_text(
                "validated",
                language,
                source=escape(str(outcome.source_label)),
                rows=outcome.n_rows,
                unlabelled=unlabelled,
                verdict=verdict,
            )
        )
        err_console.print(escape(console_text("contract_saved", language, path=outcome.contract_path)))
    if not outcome.ok:
        raise typer.Exit(1)


@app.command()
def profile(
    config: ConfigArg,
    data: DataOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Data-readiness summary: rows, time span, balance, missing values, duplicates, leakage suspects."""
    from axpoc.steps import profile_data

    cfg = _load(config)
    with step(console_text("profiling", cfg.language)):
        result = profile_data(cfg, data_path=data)
    if as_json:
        emit_json(result.to_dict())
    else:
        err_console.print(result.to_table(cfg.language))


def _run(
    config: Path, *, until: str, project_dir: Path | None, force: bool, reason: str | None, as_json: bool
) -> None:
    from axpoc.cli._progress import compare_progress
    from axpoc.cli._tables import run_summary
    from axpoc.steps import run_poc

    cfg = _load(config)
    with compare_progress(cfg) as progress:
        outcome = run_poc(
            cfg,
            project_dir=project_dir,
            until=until,
            force=force,
            reason=reason,
            log=lambda message: err_console.print(message),
            on_candidate=progress.on_candidate,
            on_trial=progress.on_trial,
            config_text=config.read_text(encoding="utf-8-sig"),
        )
    if as_json:
        emit_json(asdict(outcome))
    else:
        run_summary(outcome, config, language=cfg.language)


UntilOpt = Annotated[
    str, typer.Option("--until", help="stop after: validate, split, compare, evaluate, register")
]


@app.command()
def run(
    config: ConfigArg,
    until: UntilOpt = "report",
    project_dir: ProjectDirOpt = None,
    force: Annotated[bool, typer.Option(help="give the new version 'champion' even if gates fail")] = False,
    reason: Annotated[str | None, typer.Option(help="why --force was used (recorded as a tag)")] = None,
    as_json: JsonOpt = False,
) -> None:
    """The whole PoC: validate, split, compare, evaluate, register, report (one MLflow parent run)."""
    _run(config, until=until, project_dir=project_dir, force=force, reason=reason, as_json=as_json)


@app.command()
def compare(
    config: ConfigArg,
    project_dir: ProjectDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Tune and rank the candidate models on the training part (the test part is not touched)."""
    _run(config, until="compare", project_dir=project_dir, force=False, reason=None, as_json=as_json)


@app.command()
def worker(
    config: ConfigArg,
    project_dir: ProjectDirOpt = None,
    wait: Annotated[
        float,
        typer.Option("--wait", help="seconds to wait for a run that takes workers (and to stay idle in it)"),
    ] = 600,
    as_json: JsonOpt = False,
) -> None:
    """Join a running 'axpoc run' of this config from this PC: take its tuning trials (tuning.storage)."""
    from axpoc.steps import run_worker

    cfg = _load(config)
    outcome = run_worker(
        cfg, project_dir=project_dir, wait_s=wait, say=lambda m: err_console.print(escape(m))
    )
    if as_json:
        emit_json(asdict(outcome))
    else:
        language = cfg.language
        done = ", ".join(
            console_text("worker_trials", language, name=name, n=n) for name, n in outcome.trials.items()
        )
        trials = done or console_text("none", language)
        err_console.print(escape(console_text("worker_done", language, run=outcome.run_id, trials=trials)))


@app.command()
def ui(
    config: ConfigArg,
    project_dir: ProjectDirOpt = None,
    port: Annotated[int, typer.Option(help="port on 127.0.0.1")] = 5000,
) -> None:
    """Open the MLflow UI on this project's store (127.0.0.1, one worker, job execution off)."""
    from axpoc.steps import serve_mlflow_ui

    cfg = _load(config)
    raise typer.Exit(serve_mlflow_ui(cfg, project_dir=project_dir, port=port))


def main() -> None:
    """Console-script entry point with axpoc's error boundary.

    SIGTERM (a scheduler stopping the job, ``kill``) is treated like Ctrl-C, and Ctrl-C works even where the
    parent ignored it: runs end KILLED, nothing half-done is registered. The process defaults (telemetry off, quiet threads) are set here, not at ``import axpoc``,
    and library log lines go to the project's log file (`axpoc._logs`). Before exiting, every object left is frozen out of the cyclic collector: interpreter
    shutdown otherwise scans the whole heap (MLflow, scikit-learn, the model) after any verb.
    """
    import gc
    import signal
    import sys

    def _terminate(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    # Ctrl-C (SIGINT) means the same, even when the parent handed down an ignored SIGINT (a job started with
    # '&' from a script, a scheduler): otherwise 'axpoc ui' could only be stopped by SIGKILL, orphaning its server.
    signal.signal(signal.SIGINT, signal.default_int_handler)

    import typer.rich_utils

    from axpoc._env import apply_quiet_defaults
    from axpoc._logs import route_library_output, stop_routing
    from axpoc.cli._output import expect_json, json_error, run_guarded

    apply_quiet_defaults()
    route_library_output()
    expect_json("--json" in sys.argv[1:])

    def invoke() -> int:
        # Usage errors come back to us (Typer shows them as usual) so that --json reports them as well;
        # Typer turns Ctrl-C into exit 130 silently, we want the message.
        try:
            code = app(standalone_mode=False)
        except typer.TyperException as exc:
            typer.rich_utils.rich_format_error(exc)
            exit_code = int(getattr(exc, "exit_code", 2))
            json_error(exc.format_message(), code="usage_error", exit_code=exit_code)
            return exit_code
        except typer.Abort:
            raise KeyboardInterrupt from None
        if code == 130:
            raise KeyboardInterrupt
        return code if isinstance(code, int) else 0

    try:
        code = run_guarded(invoke)
    finally:
        stop_routing()
    gc.freeze()
    sys.exit(code)


# The plant-integration and after-handover verbs live in their own modules (typer only at import time).
from axpoc.cli import _field_verbs, _ops_verbs, _recommend_verb, _serve_verbs  # noqa: E402

_ops_verbs.register(app)
_serve_verbs.register(app)
_recommend_verb.register(app)
_field_verbs.register(app)
