"""The ``predict`` and ``serve`` verbs; the CLI attaches them with :func:`register`.

Like every verb they import their work lazily, so ``axpoc --help`` stays fast.
"""

from __future__ import annotations

import gc
import ipaddress
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from axpoc.cli._output import emit_json, err_console, error_payload
from axpoc.i18n import console_text, say, say_check

_Config = Annotated[Path, typer.Argument(help="PoC config YAML", show_default=False)]
_Json = Annotated[bool, typer.Option("--json", help="print the result as JSON on stdout")]
_ProjectDir = Annotated[
    Path | None, typer.Option("--project-dir", help="project folder (default ./axpoc_projects/<name>)")
]
_ModelVersion = Annotated[
    str | None, typer.Option("--model-version", help="registered version number (default: the champion)")
]


def predict(
    config: _Config,
    source: Annotated[
        str,
        typer.Option(
            "--input",
            "-i",
            help="file (.csv, .parquet, .xlsx, folder) or SQL: 'SELECT ...' or 'sql:TABLE' (database: --db-url)",
            show_default=False,
        ),
    ],
    output: Annotated[
        str,
        typer.Option(
            "--output",
            "-o",
            help="file (.csv UTF-8 with BOM, .parquet) or a table name to append to",
            show_default=False,
        ),
    ],
    model_version: _ModelVersion = None,
    db_url: Annotated[
        str | None, typer.Option("--db-url", help="SQLAlchemy URL of an SQL input (default: data.url)")
    ] = None,
    output_url: Annotated[
        str | None, typer.Option("--output-url", help="SQLAlchemy URL of a table output (default: --db-url)")
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="replace the output table instead of appending")
    ] = False,
    rejects: Annotated[
        Path | None, typer.Option("--rejects", help="reject file (default: <output stem>.rejects.csv)")
    ] = None,
    explain: Annotated[int, typer.Option("--explain", help="add each row's N top contributing columns")] = 0,
    chunk_rows: Annotated[int, typer.Option("--chunk-rows", help="rows scored at a time")] = 200_000,
    threads: Annotated[
        int | None, typer.Option("--threads", help="threads the model predicts with (default: all cores)")
    ] = None,
    project_dir: _ProjectDir = None,
    as_json: _Json = False,
) -> None:
    """Score a file or a query with the champion; rows failing the data contract go to a reject file."""
    with _collector_paused() as started:
        from axpoc.cli._output import load_config
        from axpoc.serve import BatchProgress, predict_batch

        cfg = load_config(config)
        status = err_console.status(console_text("scoring", cfg.language), spinner="dots")

        def progress(done: BatchProgress) -> None:
            started()
            status.update(
                console_text("scoring_progress", cfg.language, rows=done.rows, rejected=done.rejected)
            )

        with status:
            result = predict_batch(
                cfg,
                source=source,
                output=output,
                project_dir=project_dir,
                model_version=model_version,
                db_url=db_url,
                output_url=output_url,
                replace=replace,
                rejects=rejects,
                explain=explain,
                chunk_rows=chunk_rows,
                threads=threads,
                on_progress=progress,
            )
    payload = result.to_dict()
    if result.scored == 0:  # README "Exit codes": nothing scored is data rejected (1)
        payload |= error_payload(_nothing_scored(result), code="data_rejected", exit_code=1)
    if as_json:
        emit_json(payload)
    else:
        _summary(result, cfg.language)
    if result.scored == 0:
        raise typer.Exit(1)


def _nothing_scored(result: Any) -> str:
    """Why a predict scored nothing, with the file to read and the fix: the ``--json`` error message."""
    if result.rows == 0:
        return (
            f"nothing was scored: the input {result.input} holds no rows to score. Export the rows to score "
            "into it and run predict again."
        )
    reasons = "; ".join(f"{reason} ({count:,})" for reason, count in list(result.reject_reasons.items())[:3])
    return (
        f"nothing was scored: all {result.rows:,} rows of {result.input} were rejected ({reasons}). Each "
        f"row's reason is in the reject file {result.rejects}; fix those rows or the export and run predict "
        "again."
    )


@contextmanager
def _collector_paused() -> Iterator[Callable[[], None]]:
    """The cyclic garbage collector paused until the returned ``started()`` is called (or the block ends).

    Start-up builds a large object graph that lives until the process exits (MLflow, SQLAlchemy,
    scikit-learn, the model); the collector would scan it again and again while it grows (a noticeable share
    of a short call). Once scoring has started, what exists is frozen out of later collections and they resume.
    """
    paused = gc.isenabled()
    gc.disable()

    def started() -> None:
        nonlocal paused
        if paused:
            paused = False
            gc.freeze()
            gc.enable()

    try:
        yield started
    finally:
        started()


def _summary(result: Any, language: str) -> None:
    def line(code: str, **values: object) -> str:
        return escape(console_text(code, language, **values))

    alias = f" ({result.alias})" if result.alias else ""
    flagged = result.flagged / result.scored if result.scored else 0.0
    err_console.print(line("model", model=result.model_name, version=result.model_version, alias=alias))
    err_console.print(line("input", input=result.input, rows=result.rows))
    err_console.print(
        line("scored", scored=result.scored, output=result.output, flagged=result.flagged, share=flagged)
    )
    style = "yellow" if result.rejected else "dim"
    err_console.print(f"[{style}]{line('rejected', rejected=result.rejected, rejects=result.rejects)}[/]")
    for reason, count in list(result.reject_reasons.items())[:5]:
        err_console.print(f"[{style}]  - {escape(_rejected_because(reason, language))}: {count:,}[/]")
    if result.input_flagged:
        err_console.print(f"[yellow]{line('input_flags', n=result.input_flagged)}[/]")
        for reason, count in list(result.input_flag_reasons.items())[:5]:
            err_console.print(f"[yellow]  - {escape(say(reason, language))}: {count:,}[/]")
    for note in result.notes:
        err_console.print(f"[dim]- {escape(say(note, language))}[/]")
    stages = ", ".join(
        console_text("stage", language, stage=console_text(f"stage_{k}", language), seconds=v)
        for k, v in result.timings.items()
        if v >= 0.05
    )
    err_console.print(
        f"[dim]{line('speed', seconds=result.elapsed_s, rate=result.rows_per_s, stages=stages)}[/]"
    )
    if result.scored == 0:
        err_console.print(f"[red]{line('all_rejected')}[/]")


def _rejected_because(reason: str, language: str) -> str:
    """A reject reason ('column: rule', the reject file's English) with the rule in ``language``."""
    column, colon, rule = str(reason).partition(": ")
    return f"{column}: {say_check(rule, language)}" if colon else say(reason, language)


def serve(
    config: _Config,
    host: Annotated[
        str, typer.Option("--host", help="address to listen on; other than 127.0.0.1 warns")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port")] = 8000,
    token_env: Annotated[
        str | None,
        typer.Option(
            "--token-env", help="environment variable holding a bearer token that /predict requires"
        ),
    ] = None,
    alias: Annotated[str, typer.Option("--alias", help="registry alias to serve and follow")] = "champion",
    reload_interval: Annotated[
        float, typer.Option("--reload-interval", help="seconds between checks for a moved alias (0 = never)")
    ] = 5.0,
    access_log: Annotated[
        bool, typer.Option("--access-log/--no-access-log", help="log every request")
    ] = True,
    max_body_mb: Annotated[
        float,
        typer.Option(
            "--max-body-mb", help="largest request body in MB (1 MB = 1,048,576 bytes); larger: 413"
        ),
    ] = 16.0,
    project_dir: _ProjectDir = None,
) -> None:
    """Serve the champion over HTTP (POST /predict, GET /health); follows the alias when it moves."""
    import uvicorn

    from axpoc.cli._output import load_config
    from axpoc.errors import UserError
    from axpoc.serve import create_app

    token = None
    if token_env is not None:
        token = os.environ.get(token_env, "")
        if not token:
            raise UserError(
                f"--token-env {token_env}: that environment variable is empty or unset. Set it to the token "
                f"clients must send (e.g. export {token_env}=$(openssl rand -hex 16)), or drop --token-env."
            )
    if not max_body_mb > 0:
        raise UserError(f"--max-body-mb must be a positive number of megabytes, got {max_body_mb}.")
    cfg = load_config(config)
    if not _loopback(host):
        no_token = "" if token else console_text("no_token", cfg.language)
        err_console.print(
            f"[yellow]{escape(console_text('open_host', cfg.language, host=host, token=no_token))}[/]"
        )
    app = create_app(
        cfg,
        project_dir=project_dir,
        token=token,
        alias=alias,
        reload_interval_s=reload_interval,
        max_body_bytes=int(max_body_mb * 1024 * 1024),
    )
    served = app.state.holder.current
    values = {
        "model": served.model_name,
        "version": served.version,
        "alias": alias,
        "host": host,
        "port": port,
    }
    err_console.print(escape(console_text("serving", cfg.language, **values)))
    uvicorn.run(app, host=host, port=port, workers=1, log_level="info", access_log=access_log)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def register(app: typer.Typer) -> None:
    """Attach ``predict`` and ``serve`` to the ``axpoc`` command."""
    app.command("predict")(predict)
    app.command("serve")(serve)
