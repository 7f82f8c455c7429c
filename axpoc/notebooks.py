"""What the internalization course (``notebooks/``) needs: fast mode, a throw-away project folder per
notebook, Korean figure fonts, and running the notebooks top to bottom.

The notebooks are the course and the test suite executes them, so the same function runs them for the
tests and for ``make notebooks``, which writes executed HTML copies for reading::

    python -m axpoc.notebooks render notebooks build/notebooks [--fast]

Kernels run on this interpreter (never on whatever ``python3`` kernelspec a user folder happens to
hold), in a temporary working folder, so a notebook never writes into the repository.

Handouts for a course day (``make handouts``) are exercise copies without the cells tagged ``solution``
(the solution code and its "풀이" heading) and printable HTML/PDF of every notebook and document::

    python -m axpoc.notebooks handouts notebooks build/handouts --print docs/runbook_ko.md
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

from axpoc._logs import mlflow_prints_to_log, warn
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
SOLUTION_TAG = "solution"
"""Tag of a solution cell and of its "풀이" heading: both are left out of the exercise copies."""
SOLUTION_HEADING = re.compile(r"^\s*(#+\s*)?\**\s*풀이", re.M)
"""A solution heading ("**풀이**", "## 풀이 ..."): one left untagged would tell the trainees where the answer was."""
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
        warn(
            "No Korean font was found: figures use DejaVu Sans and show Korean text as boxes. Install one "
            "with `pip install koreanize-matplotlib` (no root needed) or `sudo apt install fonts-nanum` "
            "(or fonts-noto-cjk), then restart the kernel.",
            RuntimeWarning,
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
    mlflow_prints_to_log()  # "Registered model ... already exists", "Created version" on every registration
    logging.getLogger("mlflow.pyfunc").setLevel(logging.ERROR)  # the cloudpickle notice on every logged model
    # "Found extra inputs ['shot_id', 'timestamp']": the id and time columns a frame carries into predict
    logging.getLogger("mlflow.models.utils").setLevel(logging.ERROR)
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


def exercise_copy(nb: NotebookNode, *, name: str = "notebook") -> NotebookNode:
    """The notebook without its cells tagged ``solution`` and without outputs, for trainees.

    A solution heading ("풀이") that is not tagged is refused with the notebook and cell named, so no copy
    leaks where the solution stood; tag the cell ``solution`` (its heading and its code).
    """
    import copy

    kept = []
    for index, cell in enumerate(nb.cells, start=1):
        if SOLUTION_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        if SOLUTION_HEADING.search(cell.source):
            raise UserError(
                f"{name}: cell {index} has a solution heading ('풀이') but is not tagged '{SOLUTION_TAG}' "
                f"({cell.source.strip()[:60]!r}). Tag it '{SOLUTION_TAG}' in Jupyter (View > Cell toolbar > "
                "Tags) so the exercise copies leave it out."
            )
        kept.append(copy.deepcopy(cell))
        if cell.cell_type == "code":
            kept[-1].outputs, kept[-1].execution_count = [], None
    out = copy.deepcopy(nb)
    out.cells = kept
    return out


def markdown_notebook(text: str) -> NotebookNode:
    """A document (Markdown) as a one-cell notebook, so it prints with the notebooks' own HTML style."""
    import nbformat

    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text)])


def glossary_markdown(path: str | Path) -> str:
    """The course glossary (YAML ``terms`` with ``ko``, ``en``, ``definition``) as a printable Markdown table."""
    import yaml

    try:
        terms = yaml.safe_load(Path(path).read_text(encoding="utf-8"))["terms"]
        rows = [f"| {term['ko']} | {term['en']} | {term['definition']} |" for term in terms]
    except (yaml.YAMLError, KeyError, TypeError) as exc:
        raise UserError(
            f"{path}: not a glossary ({type(exc).__name__}: {exc}). It needs a 'terms' list whose entries "
            "have 'ko', 'en' and 'definition' (see docs/course/glossary.yaml)."
        ) from exc
    return "\n".join(
        ["# 과정 용어집 (glossary)", "", "| 한국어 | English | 뜻 |", "|---|---|---|", *rows, ""]
    )


def handouts(
    source: str | Path, out: str | Path, *, documents: Sequence[str | Path] = (), pdf: bool = True
) -> list[Path]:
    """Write a course's handouts to ``out`` and return the files written.

    ``out/exercises/``: each notebook of ``source`` without solutions or outputs (``exercise_copy``).
    ``out/print/``: an HTML page of each exercise copy and of each ``documents`` file (Markdown: the
    runbook, the lesson plan, the quizzes; YAML: the glossary as a table), and a PDF of each when ``pdf`` and headless Chromium is
    installed (without Chromium the HTML pages are the printable copies; print them from a browser).
    """
    import nbformat
    from nbconvert import HTMLExporter

    from axpoc.report import export_pdf

    notebooks = sorted(Path(source).glob("*.ipynb"))
    if not notebooks:
        raise UserError(f"{source}: no .ipynb files found. Give the folder that holds the course notebooks.")
    missing = [str(path) for path in map(Path, documents) if not path.is_file()]
    if missing:
        raise UserError(
            f"handouts: document(s) not found: {', '.join(missing)}. Give existing Markdown files."
        )
    exercises, printable = Path(out) / "exercises", Path(out) / "print"
    exercises.mkdir(parents=True, exist_ok=True)
    printable.mkdir(parents=True, exist_ok=True)
    pages = []
    for path in notebooks:
        copy = exercise_copy(nbformat.read(path, as_version=4), name=str(path))
        target = exercises / path.name
        target.write_text(nbformat.writes(copy) + "\n", encoding="utf-8")
        pages.append((path.stem, copy))
    for doc in map(Path, documents):
        text = glossary_markdown(doc) if doc.suffix in {".yaml", ".yml"} else doc.read_text(encoding="utf-8")
        pages.append((doc.stem, markdown_notebook(text)))
    exporter = HTMLExporter(template_name="lab", exclude_input_prompt=True, exclude_output_prompt=True)
    written = sorted(exercises.glob("*.ipynb"))
    for stem, nb in pages:
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": stem}})
        html_path = printable / f"{stem}.html"
        html_path.write_text(body, encoding="utf-8")
        written.append(html_path)
        if pdf:
            made = export_pdf(html_path, printable / f"{stem}.pdf")
            if made is not None:
                written.append(made)
    return written


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
    kit = verbs.add_parser("handouts", help="exercise copies without solutions, printable HTML/PDF")
    kit.add_argument("source", type=Path, help="folder with the .ipynb files, e.g. notebooks")
    kit.add_argument("out", type=Path, help="folder for the handouts, e.g. build/handouts")
    kit.add_argument(
        "--print",
        dest="documents",
        type=Path,
        action="append",
        default=[],
        help="a Markdown file (or the glossary YAML) to print too",
    )
    kit.add_argument("--no-pdf", dest="pdf", action="store_false", help="HTML only (no Chromium run)")
    args = parser.parse_args(argv)
    try:
        if args.verb == "handouts":
            written = handouts(args.source, args.out, documents=args.documents, pdf=args.pdf)
            for path in written:
                print(path)
            if args.pdf and not any(path.suffix == ".pdf" for path in written):
                print("note: no headless Chromium found, so no PDF; print the HTML pages from a browser.")
            return 0
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
