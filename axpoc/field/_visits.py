"""Site visits as they happen (``axpoc visit``): one JSON line each in the project's field folder."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from axpoc.errors import UserError

VISITS_FILE = "visits.jsonl"


def record_visit(
    project_dir: Path, *, note: str, when: date, who: str, next_step: str, language: str
) -> dict[str, Any]:
    """Append a visit (date, who, what was done, next step); an empty note is refused."""
    from axpoc.field._text import say

    if not note.strip():
        raise UserError(say("empty_note", language))
    entry = {"date": str(when), "who": who.strip(), "what": note.strip(), "next": next_step.strip()}
    path = Path(project_dir) / "field" / VISITS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
    return {"ok": True, "visit": entry, "file": str(path), "visits": len(read_visits(project_dir))}


def read_visits(project_dir: Path) -> list[dict[str, Any]]:
    """Every recorded visit, oldest first; a line cut off by a crash is skipped."""
    path = Path(project_dir) / "field" / VISITS_FILE
    if not path.exists():
        return []
    visits = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            visits.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return sorted(visits, key=lambda v: str(v.get("date")))
