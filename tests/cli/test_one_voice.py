"""One voice: ``validate`` refuses what ``run`` would refuse, both treat unlabelled rows alike, and every
failing verb answers ``--json`` with the same error object on stdout."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest


def _small_file(folder: Path, *, unlabelled: int = 0) -> Path:
    rng = np.random.default_rng(0)
    label = np.where(np.arange(120) % 8 == 0, 1.0, 0.0)
    label[3 : 3 + unlabelled] = np.nan
    path = folder / "parts.csv"
    pd.DataFrame({"temp": rng.normal(200, 5, 120), "pressure": rng.normal(90, 3, 120), "ng": label}).to_csv(
        path, index=False
    )
    return path


def _config(folder: Path, extra: str = "") -> Path:
    path = folder / "poc.yaml"
    path.write_text(
        f"project: {{name: voice_check}}\ndata: {{path: parts.csv}}\ntarget: {{column: ng}}\n{extra}",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("kpi: {primary: zzz}\n", ["kpi.primary", "'zzz'", "average_precision"]),
        ("candidates: [lightgbm, lgbm]\n", ["candidates[1]", "'lgbm'", "Did you mean 'lightgbm'"]),
        ("candidates: [lightgbm, lightgbm]\n", ["candidates[1]", "listed twice"]),
        ("candidates: [ridge]\n", ["candidates:", "binary", "logistic"]),
        ("process: no_such_process\n", ["process:", "no_such_process", "generic"]),
        ("kpi: {gates: {monthly_saving: '> 0'}}\n", ["kpi.gates.monthly_saving", "kpi.costs"]),
    ],
)
def test_validate_refuses_every_name_run_would_refuse(
    cli, tmp_path: Path, extra: str, expected: list[str]
) -> None:
    _small_file(tmp_path)
    config = _config(tmp_path, extra)
    result = cli("validate", config, "--project-dir", tmp_path / "p", "--json")
    assert result.code == 2, result.stderr
    error = result.json()["error"]
    assert error["code"] == "config_error" and error["exit_code"] == 2
    assert all(word in error["message"] for word in expected), error["message"]
    assert not (tmp_path / "p" / "contracts").exists()  # refused before the data was read
    assert "Traceback" not in result.stderr


def test_validate_refuses_a_class_cost_name_that_is_no_class(cli, tmp_path: Path) -> None:
    """``kpi.costs.class_costs`` names classes that only the data knows: validate reads it and refuses a
    typo as run does, naming the key and the valid classes (exit 2), before saving a contract."""
    rng = np.random.default_rng(0)
    kinds = np.array(["ok", "burr", "crack"])[np.arange(90) % 3]
    pd.DataFrame({"temp": rng.normal(200, 5, 90), "kind": kinds}).to_csv(tmp_path / "parts.csv", index=False)
    costs = (
        "kpi:\n  costs:\n    class_costs:\n      ok: {burr: 100, crack: 100}\n"
        "      bur: {ok: 5000, crack: 500}\n      crack: {ok: 9000, burr: 500}\n"
    )
    config = tmp_path / "poc.yaml"
    config.write_text(
        "project: {name: voice_costs}\ndata: {path: parts.csv}\n"
        f"target: {{column: kind, task: multiclass}}\n{costs}",
        encoding="utf-8",
    )
    result = cli("validate", config, "--project-dir", tmp_path / "p", "--json")
    assert result.code == 2, result.stderr
    error = result.json()["error"]
    assert (error["code"], error["exit_code"]) == ("config_error", 2)
    assert "kpi.costs.class_costs.bur" in error["message"] and "burr, crack, ok" in error["message"]
    assert "\n" not in error["message"] and "Traceback" not in result.stderr
    assert not (tmp_path / "p" / "contracts").exists()


def test_unlabelled_rows_are_left_out_and_counted_by_validate_and_run(
    cli, tmp_path: Path, project_dir: Path
) -> None:
    _small_file(tmp_path, unlabelled=9)
    config = _config(tmp_path)
    checked = cli("validate", config, "--project-dir", project_dir, "--json")
    assert checked.code == 0, checked.stderr
    payload = checked.json()
    assert payload["ok"] is True and payload["rows"] == 120 and payload["unlabelled_rows"] == 9
    assert any("9 rows without a value in target 'ng' were left out" in note for note in payload["notes"])
    ran = cli("run", config, "--project-dir", project_dir, "--until", "validate", "--json")
    assert ran.code == 0, ran.stderr
    assert any("9 rows without a value in target 'ng' were left out" in note for note in ran.json()["notes"])


def test_too_few_labelled_rows_are_refused_alike(cli, tmp_path: Path) -> None:
    _small_file(tmp_path, unlabelled=112)
    config = _config(tmp_path)
    for verb in ("validate", "run"):
        result = cli(verb, config, "--project-dir", tmp_path / "p", "--json")
        assert result.code == 2, (verb, result.stderr)
        assert "only 8 of 120 rows have a value in target 'ng'" in result.json()["error"]["message"]


def test_every_failing_verb_prints_the_error_object(cli, tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    existing = _config(tmp_path)
    calls = {
        "validate": ["validate", missing],
        "profile": ["profile", missing],
        "run": ["run", missing],
        "compare": ["compare", missing],
        "retrain": ["retrain", missing, "--data", tmp_path],
        "drift": ["drift", missing, "--data", tmp_path],
        "rollback": ["rollback", missing],
        "models": ["models", missing],
        "export": ["export", missing, "--out", tmp_path / "b.zip"],
        "import": ["import", tmp_path / "no_bundle.zip"],
        "predict": ["predict", missing, tmp_path / "in.csv", "--output", tmp_path / "out.csv"],
        "init": ["init", "voice_check", "--out", existing],
        "demo-data": ["demo-data", "no_such_process", "--out", tmp_path / "d.csv"],
        "ui": ["ui", missing],
        "serve": ["serve", missing],
        "outcomes": ["outcomes", missing, "--data", tmp_path / "results.csv"],
        "field-report": ["field-report", missing],
        "charter": ["charter", existing],
        "visit": ["visit", existing, "--note", "  "],
        "case-card": ["case-card", missing],
        "usage": ["validate", existing, "--no-such-option"],
    }
    for verb, args in calls.items():
        result = cli(*args, "--json")
        assert result.code != 0, verb
        payload = result.json()
        assert payload["ok"] is False, verb
        assert set(payload["error"]) == {"code", "message", "exit_code"}, verb
        assert payload["error"]["exit_code"] == result.code and payload["error"]["message"], verb
        assert "Traceback" not in result.stderr, verb


def test_data_rejected_by_validate_carries_the_error_object(cli, tmp_path: Path, project_dir: Path) -> None:
    path = _small_file(tmp_path)
    frame = pd.read_csv(path)
    frame["part"] = [1, 1, *range(2, 120)]
    frame.to_csv(path, index=False)
    config = _config(tmp_path, "columns: {id: part}\n")
    result = cli("validate", config, "--project-dir", project_dir, "--json")
    assert result.code == 1
    payload = result.json()
    assert payload["ok"] is False and payload["results"]["results"]
    assert payload["error"]["code"] == "data_rejected" and payload["error"]["exit_code"] == 1
    assert "'part'" in payload["error"]["message"] and "parts.csv" in payload["error"]["message"]


def test_the_console_shows_axpocs_messages_and_the_log_file_the_libraries(finished_run: dict) -> None:
    stderr = finished_run["stderr"]
    for noise in ("CloudPickle", "Registered model", "Created version", "INFO", "UserWarning"):
        assert noise not in stderr, noise
    assert "데이터: " in stderr  # axpoc's own progress line, in the config's language
    log = (finished_run["project"] / "logs" / "axpoc.log").read_text(encoding="utf-8")
    assert "CloudPickle" in log and "Created version '1' of model 'cli_demo'" in log


def test_a_new_mlflow_store_says_so_in_the_log_not_on_the_console(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys; from pathlib import Path; from axpoc._logs import route_library_output; "
        "route_library_output(); from axpoc import tracking; "
        "tracking.open_store(project_name='fresh', project_dir=Path(sys.argv[1]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "fresh")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Creating initial MLflow database tables" not in done.stderr
    log = (tmp_path / "fresh" / "logs" / "axpoc.log").read_text(encoding="utf-8")
    assert "Creating initial MLflow database tables" in log


def test_axpocs_own_warnings_stay_on_the_console_the_others_go_to_the_log(tmp_path: Path) -> None:
    import subprocess
    import sys

    # Great Expectations turns on logging.captureWarnings when imported: both paths are sorted alike.
    code = (
        "import sys, warnings; from pathlib import Path; import axpoc._logs as logs; "
        "logs.route_library_output(); "
        "warnings.warn_explicit('axpoc says', UserWarning, logs.__file__, 1); "
        "warnings.warn_explicit('library says', UserWarning, '/site-packages/lib/x.py', 2); "
        "import great_expectations; "
        "warnings.warn_explicit('axpoc again', UserWarning, logs.__file__, 3); "
        "warnings.warn_explicit('library again', UserWarning, '/site-packages/lib/x.py', 4); "
        "logs.log_to_project(Path(sys.argv[1]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "경고 / Warning: axpoc says" in done.stderr and "경고 / Warning: axpoc again" in done.stderr
    assert "library" not in done.stderr
    log = (tmp_path / "logs" / "axpoc.log").read_text(encoding="utf-8")
    assert "library says" in log and "library again" in log and "axpoc says" not in log


def test_import_axpoc_leaves_the_environment_alone() -> None:
    import subprocess
    import sys

    code = "import os; before = dict(os.environ); import axpoc; print(before == dict(os.environ))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "True"


def test_the_reports_headline_leads_with_the_kpi_that_carries_the_gain(finished_run: dict) -> None:
    html = Path(finished_run["outcome"]["report_path"]).read_text(encoding="utf-8")
    summary = html[html.index('<section id="summary">') : html.index('<section id="data">')]
    headline = summary[summary.index('<table class="headline">') :]
    # Inspecting by hand goes from every part to the flagged ones: that row moves most and comes first.
    assert "수동 검사 비율" in headline and "100.00%" in headline
    assert headline.index("수동 검사 비율") < headline.index("합격 판정품 불량률")
    data = html[html.index('<section id="data">') :]
    assert "통과한 검사" in data and "<details" in data  # passed data checks fold away behind their count
