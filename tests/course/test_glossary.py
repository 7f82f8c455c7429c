"""One glossary for the course: the notebooks, the runbook, the course documents and the report tables all
call a concept by the Korean term in ``docs/course/glossary.yaml``.

The report's and CLI's Korean texts (the axpoc.i18n tables, templates, any Korean line in axpoc/) are
held to the same terms. A forbidden variant found anywhere fails with the file, the line (or notebook cell) and the canonical term,
so a trainer never teaches 도전자 on one page and 챌린저 on the next.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
GLOSSARY = REPO / "docs" / "course" / "glossary.yaml"


@dataclass(frozen=True)
class Term:
    id: str
    ko: str
    en: str
    definition: str
    forbidden: tuple[re.Pattern[str], ...]


def _terms() -> list[Term]:
    raw = yaml.safe_load(GLOSSARY.read_text(encoding="utf-8"))
    return [
        Term(
            t["id"], t["ko"], t["en"], t["definition"], tuple(re.compile(p) for p in t.get("forbidden") or ())
        )
        for t in raw["terms"]
    ]


HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _sources() -> list[Path]:
    """Every text a trainee or an operator reads in Korean: the runbook, the notebooks, the course kit, and
    the package's Korean texts (the axpoc.i18n tables, the report templates, CLI lines)."""
    package = [
        path
        for path in sorted((REPO / "axpoc").rglob("*"))
        if path.suffix in {".py", ".j2"} and HANGUL.search(path.read_text(encoding="utf-8"))
    ]
    files = [
        REPO / "docs" / "runbook_ko.md",
        *sorted((REPO / "notebooks").glob("*.ipynb")),
        *sorted(p for p in (REPO / "docs" / "course").rglob("*") if p.suffix in {".md", ".ipynb"}),
        *package,
    ]
    return [path for path in files if path.is_file()]


def _lines(path: Path) -> list[tuple[str, str]]:
    """(where, text) pairs: a line of a text file, or a line of a notebook cell's source."""
    if path.suffix == ".ipynb":
        nb = nbformat.read(path, as_version=4)
        return [
            (f"cell {index} line {number}", line)
            for index, cell in enumerate(nb.cells)
            for number, line in enumerate(cell.source.splitlines(), start=1)
        ]
    return [
        (f"line {n}", line) for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
    ]


def test_glossary_is_complete_and_consistent() -> None:
    terms = _terms()
    assert len(terms) >= 20
    assert len({t.id for t in terms}) == len(terms), "duplicate id"
    assert len({t.ko for t in terms}) == len(terms), "two concepts share one Korean term"
    for term in terms:
        assert term.ko and term.en and term.definition, f"{term.id}: ko, en and definition are required"
        assert len(term.definition.splitlines()) == 1, f"{term.id}: the definition is one line"
        for other in terms:  # a canonical term must not be another concept's forbidden variant
            clash = [p.pattern for p in other.forbidden if p.search(term.ko)]
            assert not clash, f"'{term.ko}' ({term.id}) matches {other.id}'s forbidden {clash}"
    # the list of concepts named differently across the course
    required = {
        "challenger",
        "label",
        "feature",
        "false_alarm_rate",
        "tolerance",
        "snapshot",
        "audit_trail",
        "new_data",
        "critical",
    }
    assert required <= {t.id for t in terms}


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(REPO)))
def test_korean_texts_use_the_glossary_terms(path: Path) -> None:
    terms = _terms()
    found = [
        f"{path.relative_to(REPO)} {where}: '{match.group(0)}' → '{term.ko}' ({term.en})"
        for where, line in _lines(path)
        for term in terms
        for pattern in term.forbidden
        for match in pattern.finditer(line)
    ]
    assert not found, "non-canonical Korean terms (docs/course/glossary.yaml):\n" + "\n".join(found)
