"""Every corpus case end to end through the real CLI (``python -m axpoc ... --json`` in a subprocess).

Each step of a case must exit with its declared code, print no traceback, no raw Python warning and no
library log line, answer ``--json`` with JSON (``{"ok": false, "error": ...}`` on failure) and say the
case's words. A
``run`` that makes a champion must show the built-in acceptance rules, all passed: no champion that is
worse than today's practice or a trivial model, whatever the file.

Cost: the file's own steps (``init``, ``validate``, a refused ``run``) run by default; a case whose
``run`` trains, and the steps against the trained reference model (``predict``, ``retrain``, ``drift``),
are marked ``slow``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import exports as ex
import pandas as pd
import pytest
from cases import CASES, REFERENCE_VERBS, TEMPLATE, Case, Step
from config_files import write_yaml_config

REPO = Path(__file__).resolve().parents[2]
RAW_WARNING = re.compile(r"\.py:\d+: \w*Warning")
LIBRARY_LINE = re.compile(
    r"^(\d{4}/\d\d/\d\d \d\d:\d\d:\d\d (INFO|WARNING) |Registered model '|Created version ')", re.M
)
"""MLflow's and other libraries' console lines: they belong in the project's log file, not before the user."""
FIX = re.compile(
    r"\b(fix|set|export|add|check|save|remove|rename|map|retype|collect|declare)\b|수정|설정|내보내|추가|확인|저장",
    re.I,
)
"""A refusal says what to do."""
GAPS_STRICT = True
"""A known gap that gets fixed fails the suite, so that its mark and the README row are updated."""


@dataclass
class Answer:
    code: int
    stdout: str
    stderr: str
    written: str = ""
    """Text of the files the verb wrote (init's config, predict's output and rejects)."""
    rows: int | None = None
    """``predict``: rows in the output file."""

    @property
    def text(self) -> str:
        return "\n".join((self.stdout, self.stderr, self.written))

    def show(self) -> str:
        return f"exit {self.code}\n--- stdout\n{self.stdout[:3000]}\n--- stderr\n{self.stderr[-3000:]}"


def axpoc(*args: str | Path, cwd: Path) -> Answer:
    """``python -m axpoc ARGS --json`` with this tree first on the path, as a user runs it."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, "-m", "axpoc", *map(str, args), "--json"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=cwd,
        env=env,
        check=False,
    )
    return Answer(done.returncode, done.stdout, done.stderr)


def _project(folder: Path, template: Path) -> Path:
    project = folder / "project"
    project.mkdir()
    shutil.copy(template, project / "mlflow.db")
    return project


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory, mlflow_db_template: Path) -> dict[str, Path]:
    """The clean shot log trained once and made champion: the model the other files are given to."""
    folder = tmp_path_factory.mktemp("corpus_reference")
    data = ex.write_csv(folder, "shots.csv", ex.shot_log(400))
    config = write_yaml_config(TEMPLATE, folder, {"data.path": data.name})
    project = _project(folder, mlflow_db_template)
    answer = axpoc("run", config, "--project-dir", project, cwd=folder)
    assert answer.code == 0, answer.show()
    outcome = json.loads(answer.stdout)
    assert outcome["alias"] == "champion", f"the clean shot log is no champion: {outcome.get('gates')}"
    return {"config": config, "project": project}


def _step(case: Case, step: Step, data: Path, folder: Path, project: Path, reference: dict) -> Answer:
    if step.verb == "init":
        out = folder / "init.yaml"
        answer = axpoc("init", f"corpus_{case.name}", "--from-data", data, "--out", out, cwd=folder)
        answer.written = out.read_text(encoding="utf-8") if out.is_file() else ""
        return answer
    if step.verb == "profile":
        return axpoc("profile", folder / "poc.yaml", cwd=folder)
    if step.verb in ("validate", "run"):
        return axpoc(step.verb, folder / "poc.yaml", "--project-dir", project, cwd=folder)
    if step.verb == "outcomes":  # the file given as the inspection results of one part scored on the line
        scored = pd.DataFrame({ex.ID: [1], "score": [0.5], "decision": [False], "scored_at": ["2026-01-02"]})
        scores = ex.write_csv(folder, "scored_parts.csv", scored)
        overrides = {"data.path": data.name, "field.deployed": "2026-01-01", **case.config}
        field = write_yaml_config(TEMPLATE, folder, overrides, name="field.yaml")
        return axpoc(
            "outcomes", field, "--data", data, "--scores", scores, "--project-dir", project, cwd=folder
        )
    config, trained = reference["config"], reference["project"]
    if step.verb in ("retrain", "drift"):
        return axpoc(step.verb, config, "--data", data, "--project-dir", trained, cwd=folder)
    out = folder / "scored.csv"
    answer = axpoc(
        "predict", config, "-i", data, "-o", out, "--model-version", "1", "--project-dir", trained, cwd=folder
    )
    answer.written = "\n".join(p.read_text(encoding="utf-8-sig") for p in sorted(folder.glob("scored*.csv")))
    answer.rows = len(pd.read_csv(out)) if out.is_file() else None
    return answer


def _check(case: Case, step: Step, answer: Answer, data: Path) -> None:
    where = f"{case.name} / {step.verb}"
    assert "Traceback" not in answer.stdout + answer.stderr, f"{where}: traceback\n{answer.show()}"
    assert answer.code == step.exit_code, f"{where}: expected exit {step.exit_code}\n{answer.show()}"
    assert not RAW_WARNING.search(answer.stderr), f"{where}: raw Python warning\n{answer.show()}"
    assert not LIBRARY_LINE.search(answer.stderr), f"{where}: a library's log line\n{answer.show()}"
    try:
        payload = json.loads(answer.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"{where}: --json printed no JSON on stdout\n{answer.show()}")
    if answer.code != 0:
        assert payload.get("ok") is False and isinstance(payload.get("error"), dict), f"{where}: {payload}"
        _check_refusal(str(payload["error"].get("message", "")), data, where)
    text = answer.text.replace(str(data.parent), "<folder>").casefold()  # words never match in a path
    for word in step.words:
        options = word.replace("{file}", data.name).split("|")
        assert any(o.casefold() in text for o in options), f"{where}: says none of {options}\n{answer.show()}"
    if step.scored is not None:
        assert answer.rows == step.scored, (
            f"{where}: {answer.rows} rows scored, not {step.scored}\n{answer.show()}"
        )
    if step.verb == "run" and answer.code == 0:
        _check_verdict(case, payload, where)


def _check_refusal(message: str, data: Path, where: str) -> None:
    """A refusal names the file or a column, and says what to do."""
    columns = {*ex.shot_log(12).columns, *ex.press_doe().columns, ex.DEFECT_TYPE}
    assert data.name in message or any(c in message for c in columns), (
        f"{where}: names no file or column: {message}"
    )
    assert FIX.search(message), f"{where}: says nothing to do: {message}"


def _check_verdict(case: Case, outcome: dict, where: str) -> None:
    """No champion without the built-in rules all passed; never-champion cases get none at all."""
    gates = outcome.get("gates") or []
    if outcome.get("alias") == "champion":
        assert case.verdict != "never champion", f"{where}: made champion: {outcome.get('decision_reason')}"
        assert any(g.get("kind") == "rule" for g in gates), f"{where}: champion without built-in rules"
        assert all(g.get("passed") for g in gates), f"{where}: champion with a failed gate: {gates}"
    for kpi in case.undefined:
        value = (outcome.get("kpis") or {}).get(kpi)
        assert value is None, f"{where}: KPI {kpi} = {value} where it can mean nothing"


def _params(reference_steps: bool) -> list:
    """One parameter per case that has such steps; training steps are slow; a known gap is an xfail."""
    params = []
    for case in CASES:
        steps = [s for s in case.steps if (s.verb in REFERENCE_VERBS) == reference_steps]
        if not steps:
            continue
        marks = []
        if reference_steps or any(s.verb == "run" and s.exit_code == 0 for s in steps):
            marks.append(pytest.mark.slow)
        if case.gap:
            marks.append(pytest.mark.xfail(strict=GAPS_STRICT, reason=case.gap))
        params.append(pytest.param(case, steps, id=case.name, marks=marks))
    return params


def _run_steps(
    case: Case, steps: list[Step], folder: Path, request: pytest.FixtureRequest, reference: dict
) -> None:
    data = case.write(folder, 0)
    write_yaml_config(TEMPLATE, folder, {"data.path": data.name, **case.config})
    if any(s.verb == "run" for s in steps):  # the MLflow store only where a run needs one
        project = _project(folder, request.getfixturevalue("mlflow_db_template"))
    else:
        project = folder / "project"
    for step in steps:
        _check(case, step, _step(case, step, data, folder, project, reference), data)


@pytest.mark.parametrize(("case", "steps"), _params(reference_steps=False))
def test_case(case: Case, steps: list[Step], tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """The file's own steps: ``init --from-data``, ``validate``, ``run`` on it."""
    _run_steps(case, steps, tmp_path, request, {})


@pytest.mark.parametrize(("case", "steps"), _params(reference_steps=True))
def test_case_against_trained_model(
    case: Case, steps: list[Step], tmp_path: Path, request: pytest.FixtureRequest, reference: dict
) -> None:
    """The file given to a trained champion: ``predict``, ``retrain``, ``drift``."""
    _run_steps(case, steps, tmp_path, request, reference)
