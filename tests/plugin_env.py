"""Run code in a fresh interpreter that sees tests/fixtures/acme_axpoc installed as a package of its own.

The package's entry points are read from its pyproject.toml into a real ``.dist-info`` folder, so
``importlib.metadata`` finds them exactly as it would after ``pip install``; nothing is patched.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ACME = REPO / "tests" / "fixtures" / "acme_axpoc"


def acme_entry_points() -> dict[str, dict[str, str]]:
    """The entry points acme_axpoc declares, by group."""
    project = tomllib.loads((ACME / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return project["entry-points"]


def run_with_plugin(
    folder: Path, code: str, *, entry_points: dict[str, dict[str, str]] | None = None
) -> subprocess.CompletedProcess[str]:
    """Install acme_axpoc's metadata into ``folder`` (its own entry points unless given) and run ``code``."""
    groups = acme_entry_points() if entry_points is None else entry_points
    info = folder / "acme_axpoc-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: acme-axpoc\nVersion: 0.1.0\n", encoding="utf-8"
    )
    text = "".join(
        f"[{group}]\n" + "".join(f"{name} = {value}\n" for name, value in entries.items()) + "\n"
        for group, entries in groups.items()
    )
    (info / "entry_points.txt").write_text(text, encoding="utf-8")
    path = os.pathsep.join([str(folder), str(ACME), str(REPO), os.environ.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": path},
        timeout=120,
    )
