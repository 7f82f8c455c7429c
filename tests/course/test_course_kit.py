"""The trainer's kit in docs/course/ covers the course: every notebook is in the lesson plan, every core
notebook has a quiz whose answer key answers each question, the six course lines map to notebooks and
quizzes, and the capstone rubric scores notebook 09."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
COURSE = REPO / "docs" / "course"
NOTEBOOKS = sorted(path.stem for path in (REPO / "notebooks").glob("*.ipynb"))
CORE = [f"{i:02d}" for i in range(10)]  # the primer and notebooks 01-09 (later ones are optional extras)


def _sections(text: str) -> dict[str, list[int]]:
    """Quiz id (e.g. 'Q03') -> the question numbers under its heading."""
    found: dict[str, list[int]] = {}
    current = None
    for line in text.splitlines():
        heading = re.match(r"^## (Q\d\d)\b", line)
        if heading:
            current = heading.group(1)
            found[current] = []
        elif current and (item := re.match(r"^(\d+)\. ", line)):
            found[current].append(int(item.group(1)))
    return found


def test_every_notebook_is_in_the_lesson_plan_with_its_minutes() -> None:
    plan = (COURSE / "lesson_plan.md").read_text(encoding="utf-8")
    rows = [line for line in plan.splitlines() if line.startswith("| ") and re.search(r"\|\s*\d+\s*\|", line)]
    for stem in NOTEBOOKS:
        number = stem[:2]
        row = next((r for r in rows if re.search(rf"^\| \d+ \| (\(선택\) )?{number} ", r)), None)
        assert row, f"notebooks/{stem}.ipynb has no row in the lesson plan's time plan"
    for track in ("현장 엔지니어", "IT 담당자"):
        assert track in plan
    for heading in ("선수 지식", "시간 계획", "학습 성과"):
        assert heading in plan


def test_six_course_lines_map_to_notebooks_and_quizzes() -> None:
    plan = (COURSE / "lesson_plan.md").read_text(encoding="utf-8")
    quizzes = set(_sections((COURSE / "quizzes.md").read_text(encoding="utf-8")))
    mapping = [line for line in plan.splitlines() if re.match(r"^\| L[1-6] ", line)]
    lines = {re.match(r"^\| (L[1-6]) ", line).group(1) for line in mapping}
    assert lines == {f"L{i}" for i in range(1, 7)}
    covered_notebooks, covered_quizzes = set(), set()
    for row in mapping:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        if (
            len(cells) != 5
        ):  # the outcomes table; the mapping table has line, notebooks, exercises, quizzes, rubric
            continue
        named = set(re.findall(r"\b(\d\d)\b", cells[1]))
        asked = set(re.findall(r"Q\d\d", cells[3]))
        assert named and asked, f"{cells[0]}: no notebook or no quiz"
        assert asked <= quizzes, f"{cells[0]}: quizzes {asked - quizzes} do not exist"
        covered_notebooks |= named
        covered_quizzes |= asked
    assert set(CORE) <= covered_notebooks
    assert {f"Q{n}" for n in CORE} <= covered_quizzes


def test_each_core_notebook_has_a_quiz_and_every_question_an_answer() -> None:
    quizzes = _sections((COURSE / "quizzes.md").read_text(encoding="utf-8"))
    answers = _sections((COURSE / "trainer" / "answer_key.md").read_text(encoding="utf-8"))
    assert set(quizzes) >= {f"Q{n}" for n in CORE}
    for quiz, questions in quizzes.items():
        assert quiz[1:] in {stem[:2] for stem in NOTEBOOKS}, f"{quiz}: no such notebook"
        assert len(questions) >= 5 and questions == list(range(1, len(questions) + 1)), quiz
        assert answers.get(quiz) == questions, f"{quiz}: the answer key does not answer questions {questions}"


def test_trainer_notes_cover_every_core_notebook_and_the_rubric_scores_09() -> None:
    notes = (COURSE / "trainer" / "notes.md").read_text(encoding="utf-8")
    for number in CORE:
        section = re.search(rf"^## {number} .*?(?=^## |\Z)", notes, flags=re.M | re.S)
        assert section, f"trainer notes: no section for notebook {number}"
        assert "예상 결과" in section.group(0) and "막힘" in section.group(0), number
    rubric = (COURSE / "capstone_rubric.md").read_text(encoding="utf-8")
    assert "09_your_data.ipynb" in rubric
    items = re.findall(r"^\| \d\. ", rubric, flags=re.M)
    assert len(items) >= 5
