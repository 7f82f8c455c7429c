"""Notebook 9 runs top to bottom on a 39-run press DOE with 6 cracks (small data: no holdout)."""

from __future__ import annotations

from pathlib import Path

import nbformat
from corpus.exports import press_doe_39

from axpoc.notebooks import execute_notebook

TEMPLATE = Path(__file__).resolve().parents[2] / "notebooks" / "09_your_data.ipynb"


def _outputs(nb: nbformat.NotebookNode) -> str:
    return "\n".join(
        output.get("text", "") + output.get("data", {}).get("text/plain", "")
        for cell in nb.cells
        for output in cell.get("outputs", [])
    )


def test_template_runs_on_a_39_run_doe(tmp_path: Path) -> None:
    data = press_doe_39(tmp_path)  # the corpus's 39-run DOE with 6 cracks
    parameters = {
        "DATA_PATH": str(data),
        "TARGET": "크랙",
        "POSITIVE_CLASS": 1,
        "PROCESS": "press_forming",
        "COLUMNS": {"id": "실험번호"},
    }
    nb = execute_notebook(TEMPLATE, workdir=tmp_path, fast=True, parameters=parameters)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert not [o for cell in code for o in cell.outputs if o.output_type == "error"]
    shown = _outputs(nb)
    assert "예측할 열: 크랙" in shown
    assert "작은 데이터" in shown  # the split says, in Korean, that there is no tiny test part
    assert "Traceback" not in shown
    assert "교차 검증 밖(out-of-fold)" in shown  # the decision rule and KPIs are out of fold
    assert "도전자 v2" in shown or "재학습 중단:" in shown  # retrained, or stopped with the reason in Korean
