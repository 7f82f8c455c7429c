"""Korean on screen: every line a verb prints, and every HTML report it writes, says what has a Korean
phrase in the config's language.

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
        if verb == "drift":  # a few rows of the new month with unreadable and missing cells: rejects
            import pandas as pd

            rows = pd.read_parquet(new).head(40)
            rows["cushion_mm"] = rows["cushion_mm"].astype(str)  # as a text export holds it
            rows.loc[[3, 7], "cushion_mm"] = "sensor error"
            rows.loc[[5], "holding_time_s"] = None
            rows.to_parquet(folder / "bad.parquet")
            code, said["rejects"] = _invoke(
                "predict", config, "-i", folder / "bad.parquet", "-o", scored, *at
            )
            assert code == 0, said["rejects"]
        code, said[verb] = _invoke(*args)
        assert code == (2 if verb == "error" else 0), (verb, said[verb][-3000:])
    for report in sorted((folder / "project" / "reports").glob("*.html")):
        said[f"report {report.stem}"] = _page_text(report.read_text(encoding="utf-8"))
    return said


def _page_text(html: str) -> str:
    """What a reader sees of an HTML report: the text, without styles, scripts and formulas (code)."""
    import html as entities

    shown = re.sub(r"<(style|script|code)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", entities.unescape(re.sub(r"<[^>]+>", " ", shown)))


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


def _english_leftovers(screens: dict[str, str]) -> dict[str, list[str]]:
    """Per screen, the English sides of i18n entries it shows (with the table entry they come from)."""
    sides = english_sides()
    found = {
        name: sorted({f"{piece!r} ({where})" for piece, where in sides.items() if piece in text})
        for name, text in screens.items()
    }
    return {name: pieces for name, pieces in found.items() if pieces}


def _korean_lines(screens: dict[str, str]) -> dict[str, list[str]]:
    """Per screen, the lines (or report text) holding Hangul."""
    found = {
        name: [line for line in text.splitlines() if _HANGUL.search(line)] for name, text in screens.items()
    }
    return {name: lines for name, lines in found.items() if lines}


def test_korean_screens_say_no_english_sentence(screens: dict) -> None:
    assert not _english_leftovers(screens["ko"])
    # the verbs did speak Korean: progress, tables, decisions, the field documents' lines
    assert "선택: " in screens["ko"]["run"] and "결정: " in screens["ko"]["retrain"]
    assert "착수 헌장: " in screens["ko"]["charter"] and "방문 기록: " in screens["ko"]["visit"]
    reports = [verb for verb in screens["ko"] if verb.startswith("report ")]
    assert len(reports) == 4, reports  # the PoC, drift and retrain reports and the charter, in Korean too
    assert screens["ko"]["error"].startswith("오류:")
    assert "cushion_mm: 형식: 숫자: 2" in screens["ko"]["rejects"]  # the reject reasons' rules too


def test_english_screens_say_no_korean(screens: dict) -> None:
    assert not _korean_lines(screens["en"])
    assert "chosen: " in screens["en"]["run"] and "decision: " in screens["en"]["retrain"]
    assert "charter: " in screens["en"]["charter"] and "visit recorded: " in screens["en"]["visit"]
    assert screens["en"]["error"].startswith("Error:")
    assert "cushion_mm: type numeric: 2" in screens["en"]["rejects"]


ASCII_FIELD = {
    "project.title": "Field check",
    "project.problem": "short shots reach the customer",
    "project.owner": "production lead",
    "project.industry": "automotive parts",
    "project.lessons": ["export the id column with the results"],
    "plan.engineer": "PoC engineer",
    "plan.it_contact": "IT contact",
}
"""The field project's own Korean words (title, people, visits) in English, for the English check."""


@pytest.mark.parametrize("language", ["ko", "en"])
def test_field_verbs_and_documents_speak_the_config_language(
    cli, field_project, tmp_path: Path, language: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """outcomes, field-report, case-card, charter and visit on the shared field project: each line and each
    document in the config's language, not "한국어 (English)" both at once."""
    from field_project import FIELD_RUN

    from axpoc.cli._output import err_console

    monkeypatch.setattr(err_console, "width", 400)
    copy = field_project.copy(tmp_path)
    overrides: dict = {"language": language}
    if language == "en":
        visits = [{**v, "purpose": f"visit {i}"} for i, v in enumerate(FIELD_RUN["plan"]["visits"], 1)]
        overrides |= {**ASCII_FIELD, "plan.visits": visits}
    config = write_yaml_config(FIELD_RUN, copy.folder, overrides, name="screen.yaml")
    calls = {
        "outcomes": ("outcomes", config, "--data", copy.demo / "outcomes_week3.csv"),
        "field-report": ("field-report", config, "--no-pdf"),
        "case-card": ("case-card", config, "--no-pdf"),
        "charter": ("charter", config, "--no-pdf"),
        "visit": ("visit", config, "--note", "line check", "--who", "K"),
    }
    screens = {}
    for verb, args in calls.items():
        result = cli(*args)
        assert result.code == 0, (verb, result.stderr)
        screens[verb] = result.stderr
    for report in ("field_report", "case_card", "charter"):
        page = (copy.project / "reports" / f"{report}.html").read_text(encoding="utf-8")
        screens[f"report {report}"] = _page_text(page)
    if language == "ko":
        assert not _english_leftovers(screens)
        assert "결과 저장: " in screens["outcomes"] and "현장 보고서: " in screens["field-report"]
        assert "(English)" not in "".join(screens.values()) and "사례 카드: " in screens["case-card"]
    else:
        assert not _korean_lines(screens)
        assert "outcomes recorded: " in screens["outcomes"] and "field report: " in screens["field-report"]
