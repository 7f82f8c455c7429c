"""The ``axpoc`` command. Verbs import their work lazily so ``axpoc --help`` answers at once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from axpoc.cli._output import emit_json, err_console

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
    out: Annotated[Path | None, typer.Option(help="where to write the config (default NAME.yaml)")] = None,
    force: Annotated[bool, typer.Option(help="overwrite an existing file")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Write a commented starter config (from a process template or from your own data file)."""
    from axpoc.config._starter import write_starter
    from axpoc.process import load_process
    from axpoc.steps._starter import starter_from_data, starter_from_template

    target = out or Path(f"{name}.yaml")
    if from_data is not None:
        values = starter_from_data(name, from_data, config_dir=target.resolve().parent)
        values.process = process
    else:
        values = starter_from_template(name, load_process(process))
    path = write_starter(values, target, overwrite=force)
    if as_json:
        emit_json({"config": path, "process": values.process, "target": values.target, "task": values.task})
    else:
        err_console.print(f"설정 파일을 만들었습니다 (config written): [bold]{path}[/]")
        err_console.print(f"다음 단계 (next): axpoc validate {path}")


@app.command("demo-data")
def demo_data(
    process: Annotated[str, typer.Argument(help="process template, e.g. injection_molding")],
    out: Annotated[Path, typer.Option(help="file to write: .csv, .xlsx or .parquet")],
    rows: Annotated[int, typer.Option(help="number of cycles")] = 2000,
    defect_rate: Annotated[float, typer.Option(help="share of defective parts")] = 0.03,
    drift: Annotated[float, typer.Option(help="process drift over time, 0 = none")] = 0.0,
    seed: Annotated[int, typer.Option(help="random seed")] = 0,
    encoding: Annotated[
        str, typer.Option(help="CSV encoding, e.g. cp949 to practise Korean Windows files")
    ] = "utf-8-sig",
    as_json: JsonOpt = False,
) -> None:
    """Write a process's seeded demo data as a file a trainer can hand out."""
    from axpoc.steps._demo import write_demo_data

    result = write_demo_data(
        process, out, rows=rows, defect_rate=defect_rate, drift=drift, seed=seed, encoding=encoding
    )
    if as_json:
        emit_json(result)
    else:
        err_console.print(f"데모 데이터 (demo data): {result['rows']} rows → [bold]{result['path']}[/]")


def main() -> None:
    """Console-script entry point with axpoc's error boundary."""
    import sys

    import click

    from axpoc.cli._output import run_guarded

    def invoke() -> int:
        try:
            code = app(standalone_mode=False)
        except click.exceptions.Exit as exc:
            return exc.exit_code
        except click.ClickException as exc:
            exc.show()
            return exc.exit_code
        except click.exceptions.Abort:
            raise KeyboardInterrupt from None
        return code if isinstance(code, int) else 0

    sys.exit(run_guarded(invoke))
