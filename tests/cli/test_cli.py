"""End-to-end tests per CLI verb on small data, through the real entry point and its error boundary."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd


def test_help_is_fast_and_imports_nothing_heavy() -> None:
    code = (
        "import sys, axpoc.cli._app as a; "
        "print([m for m in ('mlflow', 'torch', 'great_expectations', 'lightgbm', 'sklearn') if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    helped = subprocess.run(
        [sys.executable, "-m", "axpoc", "--help"], capture_output=True, text=True, check=True
    )
    for verb in ("init", "validate", "profile", "run", "compare", "demo-data"):
        assert verb in helped.stdout


def test_init_from_template_writes_a_loadable_config(cli, tmp_path: Path) -> None:
    out = tmp_path / "hanil.yaml"
    result = cli("init", "hanil_mold", "--process", "injection_molding", "--out", out, "--json")
    assert result.code == 0, result.stderr
    assert result.json()["process"] == "injection_molding"
    text = out.read_text(encoding="utf-8")
    assert "# axpoc PoC 설정 파일" in text and "positive_class: 1" in text
    from axpoc.config import load_config

    config = load_config(out)
    assert config.target.column == "defect" and config.columns.group == "lot"
    again = cli("init", "hanil_mold", "--process", "injection_molding", "--out", out)
    assert again.code == 2 and "already exists" in again.stderr


def test_init_from_cp949_data_then_validate(cli, tmp_path: Path, project_dir: Path) -> None:
    data = tmp_path / "사출_데이터.csv"
    frame = pd.DataFrame(
        {
            "샷번호": range(1, 201),
            "일시": pd.date_range("2026-03-02 08:00", periods=200, freq="45s").strftime("%Y-%m-%d %H:%M:%S"),
            "금형온도": [40 + (i % 7) for i in range(200)],
            "사출압력": [900 + (i % 13) * 3 for i in range(200)],
            "불량여부": [1 if i % 17 == 0 else 0 for i in range(200)],
        }
    )
    frame.to_csv(data, index=False, encoding="cp949")
    config = tmp_path / "mine.yaml"
    result = cli("init", "my_poc", "--from-data", data, "--out", config)
    assert result.code == 0, result.stderr
    text = config.read_text(encoding="utf-8")
    assert "encoding: cp949" in text and "column: 불량여부" in text and "id: 샷번호" in text
    checked = cli("validate", config, "--project-dir", project_dir, "--json")
    assert checked.code == 0, checked.stderr
    payload = checked.json()
    assert payload["ok"] is True and payload["rows"] == 200
    assert Path(payload["contract"]).is_file() and Path(payload["suite"]).is_file()


def test_validate_exits_1_on_critical_failure(cli, tmp_path: Path, project_dir: Path) -> None:
    data = tmp_path / "parts.csv"
    pd.DataFrame(
        {"part": [1, 2, 2, *range(3, 20)], "temp": [10.0 + i for i in range(20)], "ng": [0, 1] * 10}
    ).to_csv(data, index=False)
    config = tmp_path / "c.yaml"
    config.write_text(
        "project: {name: dup_ids}\ndata: {path: parts.csv}\ntarget: {column: ng}\ncolumns: {id: part}\n",
        encoding="utf-8",
    )
    result = cli("validate", config, "--project-dir", project_dir, "--json")
    assert result.code == 1
    failures = [
        r for r in result.json()["results"]["results"] if not r["success"] and r["severity"] == "critical"
    ]
    assert any(r["column"] == "part" and r["kind"] == "unique" for r in failures)


def test_user_mistakes_are_one_paragraph_and_exit_2(cli, write_config, tmp_path: Path) -> None:
    missing = cli("validate", tmp_path / "nope.yaml")
    assert (
        missing.code == 2 and "Config file not found" in missing.stderr and "Traceback" not in missing.stderr
    )
    typo = write_config(tmp_path, {"columns.gruop": "lot"})
    bad = cli("validate", typo)
    assert bad.code == 2 and "did you mean 'group'" in bad.stderr
    absent = write_config(tmp_path, {"data": {"path": "missing.csv"}}, name="absent.yaml")
    gone = cli("profile", absent)
    assert gone.code == 2 and "missing.csv" in gone.stderr and "Traceback" not in gone.stderr
    wrong_target = write_config(tmp_path, {"target.column": "defekt"}, name="target.yaml")
    result = cli("run", wrong_target, "--project-dir", tmp_path / "p")
    assert result.code == 2 and "defekt" in result.stderr and "did you mean 'defect'" in result.stderr.lower()


def test_one_class_target_is_a_clear_error(cli, tmp_path: Path) -> None:
    data = tmp_path / "ok_only.csv"
    pd.DataFrame({"x": range(50), "y": [0] * 50}).to_csv(data, index=False)
    config = tmp_path / "c.yaml"
    config.write_text(
        "project: {name: one_class}\ndata: {path: ok_only.csv}\ntarget: {column: y}\n", encoding="utf-8"
    )
    result = cli("run", config, "--project-dir", tmp_path / "p")
    assert result.code == 2 and "only one class" in result.stderr


def test_profile_json_reports_readiness(cli, write_config, tmp_path: Path) -> None:
    config = write_config(tmp_path)
    result = cli("profile", config, "--json")
    assert result.code == 0, result.stderr
    payload = result.json()
    assert payload["n_rows"] == 2000
    assert json.dumps(payload, ensure_ascii=False)


def test_demo_data_writes_cp949_and_curves(cli, tmp_path: Path) -> None:
    out = tmp_path / "demo.csv"
    result = cli(
        "demo-data", "injection_molding", "--out", out, "--rows", "120", "--encoding", "cp949", "--json"
    )
    assert result.code == 0, result.stderr
    frame = pd.read_csv(out, encoding="cp949")
    assert len(frame) == 120 and "defect" in frame.columns
    curves = Path(result.json()["curves_path"])
    long = pd.read_csv(curves, encoding="cp949")
    assert set(long.columns) == {"shot_id", "index", "channel", "value"}


def test_run_registers_champion_with_report(finished_run: dict) -> None:
    outcome = finished_run["outcome"]
    assert outcome["alias"] == "champion" and outcome["model_version"] == "1"
    assert outcome["gates_passed"] is True
    rules = {g["name"] for g in outcome["gates"] if g["kind"] == "rule"}
    assert {
        "beats_today",
        "beats_inspect_none",
        "catches_defects",
        "beats_trivial",
        "enough_evidence",
    } <= rules
    assert Path(outcome["report_path"]).is_file()
    assert outcome["leaderboard"][0]["rank"] == 1
    assert {row["candidate"] for row in outcome["leaderboard"]} == {"logistic", "lightgbm"}
    # The contract: a plain MLflow load in a fresh process that has axpoc installed.
    code = (
        "import sys, mlflow; from axpoc.steps._demo import demo_frame; "
        f"mlflow.set_tracking_uri('sqlite:///{(finished_run['project'] / 'mlflow.db').as_posix()}'); "
        "m = mlflow.pyfunc.load_model('models:/cli_demo@champion'); "
        "out = m.predict(demo_frame('injection_molding', rows=60, defect_rate=0.05, drift=0, seed=9)); "
        "print(list(out.columns), len(out), float(out['score'].between(0, 1).mean()))"
    )
    # MLflow's set_registry_uri in earlier in-process tests leaves MLFLOW_* in os.environ: a fresh process must
    # not inherit another project's registry.
    env = {k: v for k, v in os.environ.items() if k not in ("MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI")}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("['score', 'prediction', 'decision'] 60 1.0")


def test_failed_gates_never_move_champion(cli, write_config, run_copy: dict) -> None:
    config = write_config(
        run_copy["config"].parent, {"kpi.gates": {"monthly_saving": "> 1e15"}}, name="strict.yaml"
    )
    result = cli("run", config, "--project-dir", run_copy["project"], "--json")
    assert result.code == 0, result.stderr
    outcome = result.json()
    assert outcome["alias"] == "challenger" and outcome["gates_passed"] is False
    assert "gates failed: monthly_saving" in outcome["decision_reason"]
    from axpoc.tracking import alias_version, open_store

    store = open_store(project_name="cli_demo", project_dir=run_copy["project"])
    assert alias_version(store, "champion") == "1"
    assert alias_version(store, "challenger") == "2"
