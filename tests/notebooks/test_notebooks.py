"""The course notebooks run top to bottom in fast mode; notebook 9 also runs on every real data set (slow).

A failing cell fails the test (``nbclient`` raises ``CellExecutionError`` naming the cell). The kernel is
this interpreter's, its working folder and the notebooks' project folders are the test's ``tmp_path``.
"""

from __future__ import annotations

import json
import re
import sys
import warnings
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient.exceptions import CellExecutionError

from axpoc.errors import UserError
from axpoc.i18n import DecisionReason
from axpoc.notebooks import (
    SYSTEM_KOREAN_FONTS,
    course_dir,
    execute_notebook,
    fast_mode,
    inject_parameters,
    main,
    setup_korean_plots,
)

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
COURSE = sorted(path.name for path in NOTEBOOKS.glob("*.ipynb"))
TEMPLATE = "09_your_data.ipynb"
PRIVATE_IMPORT = re.compile(r"(from|import)\s+axpoc(\.\w+)*\._\w+")
PRIVATE_PATH = re.compile(r"axpoc/(\w+/)*_\w+\.py|axpoc(\.\w+)*\._[a-z]\w*\b")
"""A private module of axpoc in what a notebook shows (a warning's file, a category's module)."""
LIBRARY_NOISE = ("Registered model", "Created version", "Found extra inputs", "CloudPickle", "INFO mlflow")
"""MLflow's notices that mean nothing to a trainee (axpoc.notebooks.quiet_logs sends them to the log)."""

CNC_LOGS = "cnc_mill_tool_wear/experiment_*.csv.gz"
# The template's parameters for each data set (configs/examples/realdata/ explains each file's quirks).
REAL_DATA: dict[str, dict[str, Any]] = {
    "ai4i2020": {
        "DATA_PATH": "ai4i2020/ai4i2020.csv",
        "TARGET": "Machine failure",
        "POSITIVE_CLASS": 1,
        "PROCESS": "cnc_machining",
        # The failure-mode flags are the label split by cause: known only after the failure.
        "COLUMNS": {"id": "UDI", "exclude": ["Product ID", "TWF", "HDF", "PWF", "OSF", "RNF"]},
    },
    "injection_molding_lens_quality": {
        "DATA_PATH": "injection_molding_lens_quality/data.csv",
        "TARGET": "quality",
        "TASK": "multiclass",
        "PROCESS": "injection_molding",
        "TARGET_OPTIONS": {"defect_classes": [1]},  # class 1 = waste
    },
    "cnc_turning_surface_roughness_12L14": {
        "DATA_PATH": "cnc_turning_surface_roughness_12L14/data.csv",
        "TARGET": "Ra",
        "TASK": "regression",
        "PROCESS": "cnc_machining",
        # Other roughness measures of the same profilometer pass leak; a replicate counter is no cause.
        "COLUMNS": {"group": "Number", "exclude": ["Rz", "Rq", "Rt", "Sm", "Replicate"]},
        "TARGET_OPTIONS": {"spec": {"usl": 3.2, "guard_band": 0.5}},
    },
    "cnc_mill_tool_wear": {
        "DATA_PATH": CNC_LOGS,
        "TARGET": "tool_condition",
        "POSITIVE_CLASS": "worn",
        "PROCESS": "cnc_machining",
        "COLUMNS": {
            "group": "No",
            "exclude": ["machining_finalized", "passed_visual_inspection", "material"],
        },
        "DATA_OPTIONS": {
            "labels": {
                "path": "cnc_mill_tool_wear/train.csv",
                "key": "No",
                "file_key_regex": r"experiment_(\d+)",
            }
        },
    },
}


# The fixed opening of every promotion decision sentence, per language: what a notebook prints of a decision.
DECISION_STARTS = {
    language: tuple(pair[index].split("{")[0] for pair in DecisionReason.templates.values())
    for index, language in enumerate(("ko", "en"))
}
PRINTS_DECISIONS = {
    "01_getting_started.ipynb",
    "06_kpi_validation.ipynb",
    "07_retraining.ipynb",
    "08_product_changes.ipynb",
    TEMPLATE,
}


def _repo_files() -> set[Path]:
    """What a notebook could leave in the repository: files beside the notebooks, stores at the top."""
    stray = [REPO / name for name in ("axpoc_projects", "mlruns", "mlflow.db", "course")]
    return {*NOTEBOOKS.rglob("*"), *(path for path in stray if path.exists())}


def _outputs(nb: nbformat.NotebookNode) -> str:
    """All text a notebook printed or displayed, for assertions on what the trainee sees."""
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts.append(output.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


def _printed(nb: nbformat.NotebookNode) -> str:
    """What a notebook's own ``print`` calls wrote (tables read back from the registry are displayed, not printed)."""
    return "\n".join(
        o.get("text", "") for cell in nb.cells for o in cell.get("outputs", []) if o.output_type == "stream"
    )


# --- the committed notebooks -------------------------------------------------------------------
def test_course_is_complete() -> None:
    assert len(COURSE) >= 10
    # 00 is the Python/pandas/Jupyter primer, then the course in order without gaps
    assert [name[:2] for name in COURSE] == [f"{i:02d}" for i in range(len(COURSE))]


@pytest.mark.parametrize("name", COURSE)
def test_notebook_is_committed_clean_korean_and_public(name: str) -> None:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert all(not cell.outputs and cell.execution_count is None for cell in code), (
        "outputs must not be in git"
    )
    text = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")
    for heading in ("학습 목표", "연습", "요약"):
        assert heading in text, f"{name}: no '{heading}' section"
    assert any("solution" in cell.metadata.get("tags", []) for cell in code), f"{name}: no solution cell"
    assert nb.metadata["kernelspec"]["name"] == "python3"
    sources = "\n".join(cell.source for cell in code)
    assert not PRIVATE_IMPORT.search(sources), f"{name} imports a private axpoc module"
    assert "fast_mode()" in sources and "course_dir(" in sources


def test_template_parameters_come_first() -> None:
    nb = nbformat.read(NOTEBOOKS / TEMPLATE, as_version=4)
    first = next(cell for cell in nb.cells if cell.cell_type == "code")
    assert "parameters" in first.metadata["tags"]
    names = set(re.findall(r"^([A-Z_]+) = ", first.source, flags=re.M))
    assert {"DATA_PATH", "TARGET", "PROCESS", "TASK"} <= names


# --- executing them ------------------------------------------------------------------------------
SLOW_NOTEBOOKS = {"11_cli_practice.ipynb"}
"""Notebooks that start about ten axpoc processes (run, predict, serve, export, import, retrain): minutes."""
RUNS = [pytest.param(name, marks=pytest.mark.slow) if name in SLOW_NOTEBOOKS else name for name in COURSE]


@pytest.mark.parametrize("name", RUNS)
def test_notebook_runs_top_to_bottom(name: str, tmp_path: Path) -> None:
    before = _repo_files()
    nb = execute_notebook(NOTEBOOKS / name, workdir=tmp_path, fast=True)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in code)
    assert not [o for cell in code for o in cell.outputs if o.output_type == "error"]
    assert "빠른 모드" in _outputs(nb) or name == TEMPLATE
    shown = _outputs(nb)  # library noise stays in the log; a warning names no private module of axpoc
    noise = [n for n in LIBRARY_NOISE if n in shown]
    assert not noise, f"{name} shows library noise: {noise}"
    assert not PRIVATE_PATH.search(shown), f"{name} names a private module: {PRIVATE_PATH.search(shown)}"
    printed = _printed(nb)  # the registry's own tables keep its English sentences (the audit record)
    english = [start for start in DECISION_STARTS["en"] if len(start) > 5 and start in printed]
    assert not english, f"{name} prints a decision in English: {english}"
    if name in PRINTS_DECISIONS:
        assert any(start in printed for start in DECISION_STARTS["ko"] if len(start) > 5), (
            f"{name}: no Korean decision"
        )
    assert (tmp_path / "course").is_dir(), "the notebook's project folder belongs under the test's folder"
    assert _repo_files() == before, f"{name} wrote into the repository"


PROCESS_TRACKS = {
    name: ("press_forming", "cnc_machining")
    for name in (
        "02_data_preparation.ipynb",
        "04_model_comparison.ipynb",
        "06_kpi_validation.ipynb",
        "07_retraining.ipynb",
    )
}
"""Core notebooks with a PROCESS parameter, run here on the other process templates' demo data."""


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "process"), [(name, process) for name, tracks in PROCESS_TRACKS.items() for process in tracks]
)
def test_core_notebook_runs_on_each_process_track(name: str, process: str, tmp_path: Path) -> None:
    nb = execute_notebook(NOTEBOOKS / name, workdir=tmp_path, fast=True, parameters={"PROCESS": process})
    shown = _outputs(nb)
    assert f"공정: {process}" in shown


@pytest.mark.slow
@pytest.mark.realdata
@pytest.mark.parametrize("dataset", sorted(REAL_DATA))
def test_template_runs_on_real_data(dataset: str, data_dir: Path, tmp_path: Path) -> None:
    parameters = dict(REAL_DATA[dataset])
    parameters["DATA_PATH"] = str(data_dir / parameters["DATA_PATH"])
    labels = parameters.get("DATA_OPTIONS", {}).get("labels")
    if labels:
        parameters["DATA_OPTIONS"] = {"labels": {**labels, "path": str(data_dir / labels["path"])}}
    nb = execute_notebook(NOTEBOOKS / TEMPLATE, workdir=tmp_path, fast=True, parameters=parameters)
    shown = _outputs(nb)
    assert f"예측할 열: {parameters['TARGET']}" in shown
    assert "도전자 v2" in shown, "the retraining rehearsal did not register a challenger"
    reports = {p.name for p in (tmp_path / "course" / "09_your_data" / "reports").glob("*.html")}
    assert {"poc_report_v1.html", "retrain_report_v2.html"} <= reports


# --- the helpers in axpoc.notebooks --------------------------------------------------------------
def test_fast_mode_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for value, expected in (("1", True), ("true", True), ("0", False), ("", False)):
        monkeypatch.setenv("AXPOC_FAST", value)
        assert fast_mode() is expected
    monkeypatch.delenv("AXPOC_FAST")
    assert fast_mode() is False


def test_course_dir_is_outside_the_repo_and_fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AXPOC_COURSE_DIR", str(tmp_path))
    folder = course_dir("01_getting_started")
    assert folder == (tmp_path / "01_getting_started").resolve() and folder.is_dir()
    (folder / "mlflow.db").write_text("old run", encoding="utf-8")
    assert not any(course_dir("01_getting_started").iterdir())
    assert (course_dir("01_getting_started", fresh=False) / ".").is_dir()
    with pytest.raises(UserError, match="course_dir"):
        course_dir("../escape")


def test_korean_font_is_the_bundled_nanum_gothic() -> None:
    import matplotlib as mpl
    from matplotlib import font_manager

    with mpl.rc_context():  # the settings are for a notebook session: keep them out of other tests
        family = setup_korean_plots()
        assert mpl.rcParams["font.family"][0] == family
    assert family == "NanumGothic"  # koreanize-matplotlib is a declared dependency
    font = font_manager.FontProperties(family=family)
    assert Path(font_manager.findfont(font, fallback_to_default=False)).name == "NanumGothic.ttf"


def test_korean_font_falls_back_to_an_installed_one_or_warns(monkeypatch: pytest.MonkeyPatch) -> None:
    import matplotlib as mpl
    from matplotlib import font_manager

    from axpoc.report import _fonts

    monkeypatch.setattr(_fonts, "korean_font_files", lambda: [])  # koreanize-matplotlib not installed
    _fonts.figure_font_family.cache_clear()
    try:
        with mpl.rc_context(), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            family = setup_korean_plots()
    finally:
        _fonts.figure_font_family.cache_clear()
    installed = {font.name for font in font_manager.fontManager.ttflist}
    assert family in {*SYSTEM_KOREAN_FONTS, "DejaVu Sans"}
    assert (family == "DejaVu Sans") == (not installed & set(SYSTEM_KOREAN_FONTS))
    warned = [w for w in caught if "No Korean font" in str(w.message)]
    assert bool(warned) == (family == "DejaVu Sans")


def _tiny(tmp_path: Path, source: str, *, tags: tuple[str, ...] = ()) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_code_cell("LIMIT = 3", metadata={"tags": list(tags)}),
        nbformat.v4.new_code_cell(source),
    ]
    path = tmp_path / "source" / "01_tiny.ipynb"
    path.parent.mkdir(exist_ok=True)
    nbformat.write(nb, path)
    return path


def test_execute_uses_this_interpreter_and_injects_parameters(tmp_path: Path) -> None:
    path = _tiny(
        tmp_path,
        "import os, sys\nprint(sys.executable, os.environ['AXPOC_FAST'], LIMIT * 2)",
        tags=("parameters",),
    )
    nb = execute_notebook(path, workdir=tmp_path / "work", fast=True, parameters={"LIMIT": 21})
    assert nb.cells[1].metadata["tags"] == ["injected-parameters"]
    assert nb.cells[2].outputs[0]["text"].split() == [sys.executable, "1", "42"]
    with pytest.raises(UserError, match="tagged 'parameters'"):
        inject_parameters(nbformat.read(_tiny(tmp_path, "pass"), as_version=4), {"LIMIT": 1})


def test_render_writes_html_and_reports_a_failing_notebook(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    source = _tiny(tmp_path, "print('출력 ' * LIMIT)").parent
    assert main(["render", str(source), str(tmp_path / "html")]) == 0
    html = (tmp_path / "html" / "01_tiny.html").read_text(encoding="utf-8")
    assert "출력 출력 출력" in html
    (source / "02_broken.ipynb").write_text(
        json.dumps(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 / 0")])), encoding="utf-8"
    )
    assert main(["render", str(source), str(tmp_path / "html")]) == 1
    assert "FAILED" in capsys.readouterr().out
    assert "ZeroDivisionError" in (tmp_path / "html" / "02_broken.html").read_text(encoding="utf-8")
    assert main(["render", str(tmp_path / "empty"), str(tmp_path / "html")]) == 2


def test_a_failing_cell_raises(tmp_path: Path) -> None:
    with pytest.raises(CellExecutionError, match="ZeroDivisionError"):
        execute_notebook(_tiny(tmp_path, "LIMIT / 0"), workdir=tmp_path / "work")
