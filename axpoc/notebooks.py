"""What the internalization course (``notebooks/``) needs: fast mode, a throw-away project folder per
notebook, Korean figure fonts, and running the notebooks top to bottom.

The notebooks are the course and the test suite executes them, so the same function runs them for the
tests and for ``make notebooks``, which writes executed HTML copies for reading::

    python -m axpoc.notebooks render notebooks build/notebooks [--fast]

Kernels run on this interpreter (never on whatever ``python3`` kernelspec a user folder happens to
hold), in a temporary working folder, so a notebook never writes into the repository.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from axpoc.errors import UserError

if TYPE_CHECKING:
    from nbformat import NotebookNode

FAST_ENV = "AXPOC_FAST"
"""``AXPOC_FAST=1``: small data and tiny budgets, what the test suite uses."""
COURSE_DIR_ENV = "AXPOC_COURSE_DIR"
"""Root of the notebooks' project folders; default ``<system temp>/axpoc_course``."""
SYSTEM_KOREAN_FONTS = (
    "Malgun Gothic",
    "Apple SD Gothic Neo",
    "AppleGothic",
    "NanumGothic",
    "Noto Sans CJK KR",
    "Noto Sans CJK JP",
    "Noto Sans KR",
)
"""Installed fonts with Hangul (Windows, macOS, fonts-nanum, fonts-noto-cjk), tried when the bundled one is missing."""
PARAMETERS_TAG = "parameters"
INJECTED_TAG = "injected-parameters"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")  # colours in IPython tracebacks

Rendered = tuple[Path, float, str | None]
"""One rendered notebook: (HTML path, seconds, the failing cell's error or None)."""


def fast_mode() -> bool:
    """True when ``AXPOC_FAST`` is set to 1 (or true/yes/on): notebooks shrink data and budgets."""
    return os.environ.get(FAST_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def course_dir(name: str, *, fresh: bool = True) -> Path:
    """The project folder of one notebook, outside the repository.

    It lives under ``$AXPOC_COURSE_DIR`` (else ``<system temp>/axpoc_course``). ``fresh`` empties it
    first, so a notebook run twice tells the same story (the first run registers the first champion).
    """
    if not _NAME.match(name):
        raise UserError(
            f"course_dir({name!r}): use a short folder name of letters, digits, '_' or '-', "
            "e.g. '01_getting_started'."
        )
    root = Path(os.environ.get(COURSE_DIR_ENV) or Path(tempfile.gettempdir()) / "axpoc_course")
    folder = (root / name).resolve()
    if fresh and folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def setup_korean_plots() -> str:
    """Make matplotlib draw Korean text for the rest of the session; returns the font family used.

    First the NanumGothic that ``koreanize-matplotlib`` ships (found by the report's font lookup,
    without importing that package), then an installed Korean font, else DejaVu Sans with a warning
    that says how to install one: the figures still draw, Korean labels show as boxes.
    """
    import matplotlib as mpl
    from matplotlib import font_manager

    from axpoc.report import FALLBACK_FAMILY, figure_font_family

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the fallback is decided, and warned about, below
        family = figure_font_family()
    if family == FALLBACK_FAMILY:
        installed = {font.name for font in font_manager.fontManager.ttflist}
        family = next((name for name in SYSTEM_KOREAN_FONTS if name in installed), FALLBACK_FAMILY)
    if family == FALLBACK_FAMILY:
        warnings.warn(
            "No Korean font was found: figures use DejaVu Sans and show Korean text as boxes. Install one "
            "with `pip install koreanize-matplotlib` (no root needed) or `sudo apt install fonts-nanum` "
            "(or fonts-noto-cjk), then restart the kernel.",
            RuntimeWarning,
            stacklevel=2,
        )
    mpl.rcParams["font.family"] = list(dict.fromkeys([family, FALLBACK_FAMILY]))
    mpl.rcParams["axes.unicode_minus"] = False
    mpl.rcParams["figure.figsize"] = (6.4, 3.4)
    mpl.rcParams["figure.dpi"] = 90
    mpl.rcParams["axes.grid"] = True
    mpl.rcParams["grid.alpha"] = 0.3
    return family


def quiet_logs() -> None:
    """Hide MLflow's INFO lines and library notices that say nothing to a trainee; warnings stay on."""
    import logging

    warnings.filterwarnings("ignore", message="IProgress not found")  # tqdm in a kernel without ipywidgets
    # MLflow advises type hints once, when axpoc's pyfunc adapter is defined, under its own "once"
    # filter (so no filter of ours applies): import the adapter here and pass on every other warning.
    with warnings.catch_warnings(record=True) as caught:
        import axpoc.tracking  # noqa: F401
    for found in caught:
        if "type hints to the `predict` method" not in str(found.message):
            warnings.showwarning(found.message, found.category, found.filename, found.lineno)
    # After the import: importing mlflow sets its own logger to INFO.
    logging.getLogger("mlflow").setLevel(logging.WARNING)
    logging.getLogger("mlflow.pyfunc").setLevel(logging.ERROR)  # the cloudpickle notice on every logged model
    logging.getLogger("alembic").setLevel(logging.WARNING)


def inject_parameters(nb: NotebookNode, parameters: Mapping[str, Any]) -> NotebookNode:
    """Insert a cell assigning ``parameters`` right after the cell tagged ``parameters`` (papermill's rule).

    The assignments are Python literals (``repr``), so only plain values travel: str, numbers, None,
    lists and dicts of them.
    """
    import nbformat

    index = next(
        (i for i, cell in enumerate(nb.cells) if PARAMETERS_TAG in cell.get("metadata", {}).get("tags", [])),
        None,
    )
    if index is None:
        raise UserError(
            "The notebook has no cell tagged 'parameters', so parameters cannot be set. Tag its first code "
            "cell 'parameters' (View > Cell toolbar > Tags in Jupyter)."
        )
    source = "\n".join(f"{name} = {value!r}" for name, value in parameters.items())
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": [INJECTED_TAG]})
    nb.cells.insert(index + 1, cell)
    return nb


def execute_notebook(
    notebook: str | Path | NotebookNode,
    *,
    workdir: str | Path,
    fast: bool | None = None,
    parameters: Mapping[str, Any] | None = None,
    timeout: int = 600,
) -> NotebookNode:
    """Run a notebook (a path, or a node that gets its outputs in place) top to bottom and return it;
    a failing cell raises ``nbclient.exceptions.CellExecutionError``, the outputs so far stay in the node.

    The kernel is this interpreter's ipykernel, started in ``workdir``; the notebooks' project folders
    go to ``workdir/course``. ``fast`` sets ``AXPOC_FAST`` for the kernel (None: inherit it).
    """
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient

    workdir = Path(workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    nb = notebook if isinstance(notebook, nbformat.NotebookNode) else nbformat.read(notebook, as_version=4)
    if parameters:
        inject_parameters(nb, parameters)
    env = {**os.environ, COURSE_DIR_ENV: str(workdir / "course")}
    if fast is not None:
        env[FAST_ENV] = "1" if fast else "0"
    # No kernel folders: 'python3' resolves to ipykernel's own spec, i.e. this very interpreter.
    manager = AsyncKernelManager(kernel_name="python3", kernel_spec_manager=KernelSpecManager(kernel_dirs=[]))
    client = NotebookClient(
        nb, km=manager, kernel_name="python3", timeout=timeout, resources={"metadata": {"path": str(workdir)}}
    )
    client.execute(cleanup_kc=True, env=env)
    return nb


def render(
    source: str | Path,
    out: str | Path,
    *,
    fast: bool | None = None,
    timeout: int = 600,
    on_done: Callable[[Rendered], None] | None = None,
) -> list[Rendered]:
    """Execute every notebook in ``source`` and write an HTML copy of each to ``out``.

    A failing notebook is still written, with its outputs up to the failing cell, so the trainer sees
    where it broke. ``on_done`` hears of each notebook as it finishes (a course takes minutes).
    """
    import nbformat
    from nbclient.exceptions import CellExecutionError
    from nbconvert import HTMLExporter

    notebooks = sorted(Path(source).glob("*.ipynb"))
    if not notebooks:
        raise UserError(f"{source}: no .ipynb files found. Give the folder that holds the course notebooks.")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    exporter = HTMLExporter(template_name="lab")
    done = []
    for path in notebooks:
        started = time.monotonic()
        error = None
        nb = nbformat.read(path, as_version=4)
        with tempfile.TemporaryDirectory(prefix="axpoc_nb_") as work:
            try:
                execute_notebook(nb, workdir=work, fast=fast, timeout=timeout)
            except CellExecutionError as exc:
                lines = _ANSI.sub("", str(exc)).strip().splitlines()  # the last line names the exception
                error = lines[-1] if lines else type(exc).__name__
            body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": path.stem}})
        target = out / f"{path.stem}.html"
        target.write_text(body, encoding="utf-8")
        done.append((target, time.monotonic() - started, error))
        if on_done:
            on_done(done[-1])
    return done


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m axpoc.notebooks", description="Run the course notebooks; write executed HTML copies."
    )
    verbs = parser.add_subparsers(dest="verb", required=True)
    run = verbs.add_parser("render", help="execute the notebooks and write executed HTML copies")
    run.add_argument("source", type=Path, help="folder with the .ipynb files, e.g. notebooks")
    run.add_argument("out", type=Path, help="folder for the HTML files, e.g. build/notebooks")
    run.add_argument("--fast", action="store_true", help="small data and tiny budgets (AXPOC_FAST=1)")
    run.add_argument("--timeout", type=int, default=600, help="seconds per cell (default 600)")
    args = parser.parse_args(argv)
    try:
        results = render(
            args.source, args.out, fast=True if args.fast else None, timeout=args.timeout, on_done=_report
        )
    except UserError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    return 1 if any(error for _, _, error in results) else 0


def _report(result: Rendered) -> None:
    target, seconds, error = result
    print(
        f"{'FAILED' if error else 'ok':6} {seconds:6.1f} s  {target}" + (f"  ({error})" if error else ""),
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
