"""Korean on screen: every line a verb prints that has a Korean phrase is said in the config's language.

The main verbs run end to end on a small demo project twice, once with ``language: ko`` (the default) and
once with ``language: en``. No English side of any sentence table of :mod:`axpoc.i18n` (each literal
stretch of two or more words between its placeholders that its Korean side does not share) may appear in
the Korean output, and no Hangul at all in the English output (the demo data and the configs are ASCII
there). One session fixture runs the verbs in-process, so the libraries load once.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from config_files import write_yaml_config

SCREEN = {
    "project": {"name": "on_screen", "title": "Screen check", "problem": "short shots reach the customer"},
    "process": "injection_molding",
    "data": {"demo": {"rows": 1500, "defect_rate": 0.06, "seed": 1}},
    "target": {"column": "defect", "task": "binary", "positive_class": 1},
    "columns": {
        "id": "shot_id",
        "time": "timestamp",
        "product": "product",
        "exclude": ["defect_type"],
        "controllable": {"holding_pressure_bar": {"min": 550, "max": 700, "step": 5}},
    },
    "split": {"cv_folds": 3},
    "candidates": ["lightgbm"],
    "tuning": {"trials": 1},
    "retrain": {"per_product": True, "min_rows_per_product": 150},
    "plan": {"visits": [{"date": f"2024-0{m}-05", "purpose": f"visit {m}"} for m in range(1, 6)]},
    "kpi": {
        "costs": {
            "inspection_cost": 300,
            "escape_cost": 10000,
            "false_alarm_cost": 300,
            "inspection_minutes_per_part": 0.5,
        },
        "volumes": {"parts_per_day": 4000},
        "gates": {"roc_auc": ">= 0.5"},
    },
}
"""Small and quick: two candidates, two trials, per-product models and a controllable setting, so that
retrain's product notes and recommend's table are printed too."""

_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _pieces(template: str) -> list[str]:
    """The literal stretches of a ``str.format`` template, placeholders and escaped braces taken out."""
    text = template.replace("{{", "\0").replace("}}", "\0")
    return [p.replace("\0", "").strip(" .,;:()-—→'\"") for p in _PLACEHOLDER.split(text)]


def english_sides() -> dict[str, str]:
    """English text of every i18n table entry that has its own Korean twin -> where it comes from.

    A stretch counts when it holds two or more words and at least ten characters, and the Korean side
    of the same entry does not contain it (a shared command, key or URL is no English leftover).
    """
    import axpoc.i18n as i18n

    pairs: list[tuple[str, str, str]] = []
    todo = [i18n.Phrase]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        pairs += [(f"{cls.__name__}.{code}", ko, en) for code, (ko, en) in cls.templates.items()]
    for name, table in {
        "texts": i18n.texts,
        "drift_texts": i18n.drift_texts,
        "retrain_texts": i18n.retrain_texts,
        "field_texts": i18n.field_texts,
    }.items():
        korean, english = table("ko"), table("en")
        pairs += [(f"{name}.{key}", korean[key], english[key]) for key in english if key in korean]
    found: dict[str, str] = {}
    for where, korean, english in pairs:
        for piece in _pieces(english):
            if len(piece) >= 10 and len(re.findall(r"[A-Za-z]{2,}", piece)) >= 2 and piece not in korean:
                found.setdefault(piece, where)
    return found


def _invoke(*args: str | Path) -> tuple[int, str]:
    """``axpoc ARGS`` in this process (the entry point with its error boundary): exit code and stderr."""
    from axpoc.cli import main

    err, argv = io.StringIO(), sys.argv
    sys.argv = ["axpoc", *map(str, args)]
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            try:
                main()
            except SystemExit as done:
                code = int(done.code or 0)
    finally:
        sys.argv = argv
    return code, err.getvalue()


def _session(folder: Path, language: str) -> dict[str, str]:
    """Each verb's console output for one project in ``language``; a verb that fails fails the fixture."""
    config = write_yaml_config(SCREEN, folder, {"language": language})
    at = ("--project-dir", folder / "project")
    new, scored = folder / "new.parquet", folder / "scored.csv"
    calls = {
        "validate": ("validate", config, *at),
        "profile": ("profile", config),
        "run": ("run", config, *at),
        "demo-data": (
            "demo-data",
            "injection_molding",
            "--out",
            new,
            "--rows",
            "600",
            "--after",
            config,
            "--drift",
            "0.5",
            "--seed",
            "3",
        ),
        "drift": ("drift", config, "--data", new, *at),
        "retrain": ("retrain", config, "--data", new, *at),
        "predict": ("predict", config, "-i", new, "-o", scored, *at),
        "recommend": ("recommend", config, "--row", "100005", "--trials", "8", "--refits", "0", *at),
        "rollback": ("rollback", config, "--reason", "line check", *at),
        "models": ("models", config, *at),
        "export": ("export", config, "--out", folder / "bundle.zip", *at),
        "charter": ("charter", config, "--no-pdf", *at),
        "visit": ("visit", config, "--note", "line check", "--who", "K", *at),
        "error": ("predict", config, "-i", folder / "missing.csv", "-o", scored, *at),
    }
    said = {}
    for verb, args in calls.items():
        code, said[verb] = _invoke(*args)
        assert code == (2 if verb == "error" else 0), (verb, said[verb][-3000:])
    return said


@pytest.fixture(scope="session")
def screens(tmp_path_factory: pytest.TempPathFactory, mlflow_db_template: Path) -> Iterator[dict]:
    """The verbs' console output in Korean and in English (wide lines: whole words in table cells)."""
    from axpoc.cli._output import err_console

    said = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(err_console, "width", 400)
        for language in ("ko", "en"):
            folder = tmp_path_factory.mktemp(f"screen_{language}")
            (folder / "project").mkdir()
            shutil.copy(mlflow_db_template, folder / "project" / "mlflow.db")
            said[language] = _session(folder, language)
    yield said


def test_the_tables_hold_english_to_look_for() -> None:
    """The check below looks for something: every table contributes, placeholders are taken out."""
    sides = english_sides()
    assert len(sides) > 300
    assert "gates failed" in sides and "dirty number(s) read by the rules" in sides
    assert not any("{" in piece or "}" in piece for piece in sides)


def test_korean_screens_say_no_english_sentence(screens: dict) -> None:
    sides = english_sides()
    leftovers = {
        verb: sorted({f"{piece!r} ({where})" for piece, where in sides.items() if piece in text})
        for verb, text in screens["ko"].items()
    }
    assert not {verb: found for verb, found in leftovers.items() if found}, "\n".join(
        screens["ko"][verb] for verb, found in leftovers.items() if found
    )
    # the verbs did speak Korean: progress, tables, decisions, the field documents' lines
    assert "선택: " in screens["ko"]["run"] and "결정: " in screens["ko"]["retrain"]
    assert "착수 헌장: " in screens["ko"]["charter"] and "방문 기록: " in screens["ko"]["visit"]
    assert screens["ko"]["error"].startswith("오류:")


def test_english_screens_say_no_korean(screens: dict) -> None:
    korean = {
        verb: [line for line in text.splitlines() if _HANGUL.search(line)]
        for verb, text in screens["en"].items()
    }
    assert not {verb: lines for verb, lines in korean.items() if lines}
    assert "chosen: " in screens["en"]["run"] and "decision: " in screens["en"]["retrain"]
    assert "charter: " in screens["en"]["charter"] and "visit recorded: " in screens["en"]["visit"]
    assert screens["en"]["error"].startswith("Error:")
