"""docs/course/coverage.md points at things that exist: every notebook file it names, every section (`03 §6`,
01's "6단계"), exercise (`03 연습 4`) and quiz question (`Q08.6`), so the closing note cannot drift from the
notebooks and quizzes it maps the course lines to."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[2]
COURSE = REPO / "docs" / "course"
COVERAGE = COURSE / "coverage.md"
NOTEBOOKS = {path.name[:2]: path for path in (REPO / "notebooks").glob("*.ipynb")}

FILE = re.compile(r"\b(\d\d_[a-z0-9_]+)\.ipynb\b")
SECTION = re.compile(r"\b(\d\d) §(\d+(?:-\d+)?)(?:–(\d+))?")
EXERCISE = re.compile(r"\b(\d\d) 연습 (\d+)(?:–(\d+))?")
QUIZ = re.compile(r"\b(Q\d\d)(?:\.(\d+)(?:–(\d+))?)?")


def _span(first: str, last: str | None) -> list[str]:
    """'1', '8' -> ['1', '8'] (both ends of a range are checked); '7-1', None -> ['7-1']."""
    return [first] if last is None else [first, last]


def _markdown(number: str) -> str:
    nb = nbformat.read(NOTEBOOKS[number], as_version=4)
    return "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")


def _questions() -> dict[str, set[int]]:
    """Quiz id -> its question numbers, from quizzes.md and quizzes_12.md."""
    found: dict[str, set[int]] = {}
    for path in sorted(COURSE.glob("quizzes*.md")):
        current = None
        for line in path.read_text(encoding="utf-8").splitlines():
            if heading := re.match(r"^## (Q\d\d)\b", line):
                current = heading.group(1)
                found[current] = set()
            elif current and (item := re.match(r"^(\d+)\. ", line)):
                found[current].add(int(item.group(1)))
    return found


def test_coverage_names_existing_notebooks_sections_and_exercises() -> None:
    text = COVERAGE.read_text(encoding="utf-8")
    stems = {path.stem for path in NOTEBOOKS.values()}
    named = set(FILE.findall(text))
    assert named, "coverage.md names no notebook"
    assert named <= stems, f"coverage.md names notebooks that do not exist: {sorted(named - stems)}"
    assert stems <= named, f"coverage.md leaves out notebooks: {sorted(stems - named)}"

    missing = []
    for number, first, last in SECTION.findall(text):
        if number not in NOTEBOOKS:
            missing.append(f"{number} (no notebook)")
            continue
        markdown = _markdown(number)
        for section in _span(first, last or None):
            if not re.search(rf"^#{{2,3}} {re.escape(section)}(\.|단계)", markdown, flags=re.M):
                missing.append(f"{number} §{section}")
    for number, first, last in EXERCISE.findall(text):
        markdown = _markdown(number) if number in NOTEBOOKS else ""
        for exercise in _span(first, last or None):
            if not re.search(rf"\*\*연습 {exercise}[.\s]", markdown):
                missing.append(f"{number} 연습 {exercise}")
    assert not missing, f"coverage.md points at sections or exercises that do not exist: {missing}"


def test_coverage_names_existing_quiz_questions_for_all_six_course_lines() -> None:
    text = COVERAGE.read_text(encoding="utf-8")
    questions = _questions()
    missing = []
    for quiz, first, last in QUIZ.findall(text):
        if quiz not in questions:
            missing.append(quiz)
            continue
        if first:
            wanted = range(int(first), int(last or first) + 1)
            missing += [f"{quiz}.{n}" for n in wanted if n not in questions[quiz]]
    assert not missing, f"coverage.md names quiz questions that do not exist: {missing}"
    lines = {match for match in re.findall(r"^\| (L[1-6]) ", text, flags=re.M)}
    assert lines == {f"L{i}" for i in range(1, 7)}, "the six course lines' table is incomplete"
    assert "시간 계획" in text and "780분" in text and "735분" in text


def _minutes(path: Path, row: re.Pattern[str]) -> dict[str, tuple[str, str]]:
    """Notebook number -> (plant engineers' minutes, IT staff's minutes) from a time-plan table."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if match := row.match(line):
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            found[match.group(1)] = tuple(re.match(r"\d+|—", cell).group(0) for cell in cells[3:5])
    return found


def test_coverage_time_plan_matches_the_lesson_plan() -> None:
    plan = _minutes(COURSE / "lesson_plan.md", re.compile(r"^\| \d+ \| (?:\(선택\) )?(\d\d) "))
    coverage = _minutes(COVERAGE, re.compile(r"^\| (?:\d+|선택) \| `(\d\d)_"))
    assert coverage == plan, "coverage.md's time plan differs from lesson_plan.md's"
