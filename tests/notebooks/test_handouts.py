"""Handouts for a course day: exercise copies keep no solution (code or "풀이" heading) and every
notebook and document prints to HTML, and to PDF with headless Chromium."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

from axpoc.errors import UserError
from axpoc.notebooks import SOLUTION_TAG, exercise_copy, handouts, main
from axpoc.report import find_chromium

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
RUNBOOK = REPO / "docs" / "runbook_ko.md"
GLOSSARY = REPO / "docs" / "course" / "glossary.yaml"


def _tagged(cell: nbformat.NotebookNode) -> bool:
    return SOLUTION_TAG in cell.get("metadata", {}).get("tags", [])


def test_exercise_copies_of_the_course_keep_no_solution(tmp_path: Path) -> None:
    written = handouts(NOTEBOOKS, tmp_path, documents=[RUNBOOK, GLOSSARY], pdf=False)
    sources = sorted(NOTEBOOKS.glob("*.ipynb"))
    copies = sorted((tmp_path / "exercises").glob("*.ipynb"))
    assert [p.name for p in copies] == [p.name for p in sources]
    for source, copy in zip(sources, copies, strict=True):
        original = nbformat.read(source, as_version=4)
        handout = nbformat.read(copy, as_version=4)
        nbformat.validate(handout)
        solutions = [cell.source for cell in original.cells if _tagged(cell) and cell.cell_type == "code"]
        assert solutions, f"{source.name}: no solution to leave out"
        assert not [cell for cell in handout.cells if _tagged(cell)]
        text = "\n".join(cell.source for cell in handout.cells)
        assert "풀이" not in text, f"{copy.name}: a solution heading survived"
        assert "연습" in text, f"{copy.name}: the exercises themselves are gone"
        assert len(handout.cells) == len([c for c in original.cells if not _tagged(c)])
        html = (tmp_path / "print" / f"{source.stem}.html").read_text(encoding="utf-8")
        assert "풀이" not in html
        for solution in solutions:  # no line of solution code is printed (unless the exercise shows it too)
            leaked = [
                line
                for line in solution.splitlines()
                if len(line.strip()) > 25 and line not in text and re.escape(line.strip()[:20]) in html
            ]
            assert not leaked, f"{source.name}: solution code in the printed page: {leaked}"
    assert tmp_path / "print" / "runbook_ko.html" in written
    assert "운영 런북" in (tmp_path / "print" / "runbook_ko.html").read_text(encoding="utf-8")
    glossary = (tmp_path / "print" / "glossary.html").read_text(encoding="utf-8")
    assert "<td>도전자</td>" in glossary and "<td>challenger</td>" in glossary


def _notebook(tmp_path: Path, heading_tags: list[str]) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 연습\n**연습 1.** 1 + 1은?"),
        nbformat.v4.new_code_cell("# 여기에 코드를 작성하세요"),
        nbformat.v4.new_markdown_cell("**풀이**", metadata={"tags": heading_tags}),
        nbformat.v4.new_code_cell("print(1 + 1)", metadata={"tags": [SOLUTION_TAG]}),
    ]
    folder = tmp_path / "source"
    folder.mkdir(exist_ok=True)
    path = folder / "01_tiny.ipynb"
    nbformat.write(nb, path)
    return path


def test_an_untagged_solution_heading_is_refused_by_name(tmp_path: Path) -> None:
    path = _notebook(tmp_path, heading_tags=[])
    with pytest.raises(UserError, match=r"01_tiny.ipynb: cell 3 .*'풀이'.*Tag it 'solution'"):
        exercise_copy(nbformat.read(path, as_version=4), name=str(path))
    assert main(["handouts", str(path.parent), str(tmp_path / "out"), "--no-pdf"]) == 2


def test_handouts_print_pdf_with_chromium(
    tmp_path: Path, require_system: Callable[[str, bool], None], capsys: pytest.CaptureFixture[str]
) -> None:
    require_system("headless Chromium (Debian package chromium)", find_chromium() is not None)
    path = _notebook(tmp_path, heading_tags=[SOLUTION_TAG])
    doc = tmp_path / "plan.md"
    doc.write_text("# 강의 계획\n\n| 시간 | 내용 |\n|---|---|\n| 1 | 시작하기 |\n", encoding="utf-8")
    assert main(["handouts", str(path.parent), str(tmp_path / "out"), "--print", str(doc)]) == 0
    printed = capsys.readouterr().out
    for name in ("01_tiny.pdf", "plan.pdf", "01_tiny.html", "plan.html"):
        target = tmp_path / "out" / "print" / name
        assert str(target) in printed and target.stat().st_size > 1000
    assert (tmp_path / "out" / "print" / "plan.pdf").read_bytes().startswith(b"%PDF")
    copy = nbformat.read(tmp_path / "out" / "exercises" / "01_tiny.ipynb", as_version=4)
    assert [cell.source for cell in copy.cells] == [
        "# 연습\n**연습 1.** 1 + 1은?",
        "# 여기에 코드를 작성하세요",
    ]
    assert (
        main(["handouts", str(path.parent), str(tmp_path / "out"), "--print", str(tmp_path / "no.md")]) == 2
    )
    assert "no.md" in capsys.readouterr().err
    doc.write_text("terms: 3\n", encoding="utf-8")
    doc = doc.rename(tmp_path / "plan.yaml")
    assert main(["handouts", str(path.parent), str(tmp_path / "out"), "--no-pdf", "--print", str(doc)]) == 2
    assert "plan.yaml: not a glossary" in capsys.readouterr().err
