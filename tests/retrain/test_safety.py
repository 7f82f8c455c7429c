"""Safety with real processes: SIGKILL mid-retrain, and two retrains racing for the champion alias.

The retrain flow's test hook (``AXPOC_TEST_PAUSE_AFTER``, see ``axpoc/retrain/_hooks.py``) stops a real
``python -m axpoc retrain`` at a named step; the test kills it there, or releases two of them at once.
"""

from __future__ import annotations

import json
import os
import platform
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from retrain_helpers import PROJECT, copy_project, write_config

from axpoc.retrain import PAUSE_ENV, PAUSED_MARK, RESUME_ENV

pytestmark = pytest.mark.xdist_group("retrain")


def _start(config: Path, project: Path, new: Path, log: Path, **env: str) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "axpoc",
        "retrain",
        str(config),
        "--data",
        str(new),
        "--project-dir",
        str(project),
        "--json",
    ]
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=log.open("w", encoding="utf-8"),
        text=True,
        env={**os.environ, **env},
    )


def _wait_paused(procs: list[tuple[subprocess.Popen, Path]], timeout: float = 420.0) -> None:
    deadline = time.monotonic() + timeout
    waiting = list(procs)
    while waiting and time.monotonic() < deadline:
        for proc, log in list(waiting):
            text = log.read_text(encoding="utf-8", errors="replace")
            if PAUSED_MARK in text:
                waiting.remove((proc, log))
            elif proc.poll() is not None:
                pytest.fail(f"retrain ended (exit {proc.returncode}) before pausing:\n{text[-3000:]}")
        time.sleep(0.5)
    assert not waiting, "retrain never reached its pause point"


def _store(project: Path) -> Any:
    from axpoc.tracking import open_store

    return open_store(project_name=PROJECT, project_dir=project)


def _retrain_runs(project: Path) -> list[Any]:
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=f"sqlite:///{(project / 'mlflow.db').as_posix()}")
    experiment = client.get_experiment_by_name(PROJECT)
    return client.search_runs([experiment.experiment_id], "tags.`axpoc.kind` = 'retrain'")


@pytest.mark.skipif(
    sys.platform == "win32", reason="SIGKILL is POSIX; Windows ends processes with TerminateProcess"
)
def test_sigkill_mid_training_leaves_champion_and_next_command_marks_the_run_killed(
    cli, trained: dict, tmp_path: Path
) -> None:
    from axpoc.tracking import alias_version, read_promotion_log

    project = copy_project(trained["project"], tmp_path / "project")
    config = write_config(tmp_path, {"retrain.per_product": False})
    log = tmp_path / "retrain.log"
    proc = _start(config, project, trained["new"], log, **{PAUSE_ENV: "compare"})
    try:
        _wait_paused([(proc, log)])  # candidates tuned and logged, the challenger not built yet
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    [run] = _retrain_runs(project)
    assert run.info.status == "RUNNING"  # nothing could end it

    listing = cli("models", config, "--project-dir", project, "--json")  # the next command
    assert listing.code == 0, listing.stderr
    [run] = _retrain_runs(project)
    assert run.info.status == "KILLED" and "marked KILLED" in run.data.tags["axpoc.stale"]
    store = _store(project)
    children = store.client.search_runs(
        [store.experiment_id], f"tags.mlflow.parentRunId = '{run.info.run_id}'"
    )
    assert children and {c.info.status for c in children} == {"FINISHED"}
    assert [v["version"] for v in listing.json()["versions"]] == ["1"]
    assert alias_version(store, "champion") == "1" and alias_version(store, "challenger") is None
    assert [e["action"] for e in read_promotion_log(store)] == ["promote"]
    again = cli("drift", config, "--data", trained["new"], "--project-dir", project, "--json")
    assert again.code == 0, again.stderr  # the store is consistent: the next verb just works


def test_version_left_by_a_dead_process_is_incomplete(cli, project_copy: dict) -> None:
    """A run that registered a version and died before the decision: RUNNING run, version without tags."""
    from axpoc.tracking import HOST_TAG, PID_TAG

    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    ).stdout.strip()
    store = _store(project_copy["project"])
    run = store.client.create_run(
        store.experiment_id, tags={"axpoc.kind": "retrain", PID_TAG: gone, HOST_TAG: platform.node()}
    )
    source = store.client.get_model_version(PROJECT, "1").source
    store.client.create_model_version(PROJECT, source, run_id=run.info.run_id)
    listing = cli("models", project_copy["config"], "--project-dir", project_copy["project"], "--json")
    assert listing.code == 0, listing.stderr
    versions = {v["version"]: v for v in listing.json()["versions"]}
    assert versions["2"]["decision"] == "incomplete" and versions["2"]["aliases"] == []
    assert "killed before a decision" in versions["2"]["reason"]
    assert versions["1"]["aliases"] == ["champion"]
    assert store.client.get_run(run.info.run_id).info.status == "KILLED"


def test_two_retrains_at_once_promote_exactly_once(trained: dict, tmp_path: Path) -> None:
    """Both decide against v1 and wait; released together, the registry lock lets one promote."""
    from axpoc.tracking import alias_version, read_promotion_log

    project = copy_project(trained["project"], tmp_path / "project")
    # Both must decide to promote; what is tested is the lock, not the statistics.
    config = write_config(tmp_path, {"retrain.per_product": False, "retrain.tolerance": 0.5})
    go = tmp_path / "go"
    procs = []
    for name in ("a", "b"):
        log = tmp_path / f"{name}.log"
        env = {PAUSE_ENV: "register", RESUME_ENV: str(go)}
        procs.append((_start(config, project, trained["new"], log, **env), log))
    try:
        _wait_paused(procs)
        go.touch()
        outcomes = []
        for proc, log in procs:
            out, _ = proc.communicate(timeout=300)
            assert proc.returncode == 0, log.read_text(encoding="utf-8")[-3000:]
            outcomes.append(json.loads(out))
    finally:
        for proc, _ in procs:
            if proc.poll() is None:
                proc.kill()
    winner = next(o for o in outcomes if o["alias"] == "champion")
    loser = next(o for o in outcomes if o["alias"] == "challenger")
    assert "another process moved champion meanwhile" in loser["decision_reason"]
    assert 'data-verdict="challenger"' in Path(loser["report_path"]).read_text(encoding="utf-8")
    store = _store(project)
    assert alias_version(store, "champion") == winner["challenger_version"]
    assert alias_version(store, "previous") == "1"
    assert alias_version(store, "challenger") == loser["challenger_version"]
    log = read_promotion_log(store)
    assert [e["action"] for e in log] == ["promote", "promote", "reject"]
    assert [e["version"] for e in log[1:]] == [winner["challenger_version"], loser["challenger_version"]]
    assert log[1]["previous"] == "1"


def test_retrain_without_a_champion_says_how_to_get_one_not_a_rollback_that_cannot(tmp_path: Path) -> None:
    """No version passed its gates: the message must not send the user to 'rollback', which refuses there."""
    from axpoc.config import config_from_dict
    from axpoc.errors import UserError
    from axpoc.retrain import open_project
    from axpoc.steps import run_poc

    config = config_from_dict(
        {
            "project": {"name": "no_champion"},
            "process": "injection_molding",
            "data": {"demo": {"rows": 300, "defect_rate": 0.1, "seed": 3}},
            "target": {"column": "defect", "task": "binary", "positive_class": 1},
            "columns": {
                "id": "shot_id",
                "time": "timestamp",
                "exclude": ["defect_type", "cavity_pressure", "lot"],
            },
            "split": {"cv_folds": 3},
            "candidates": ["logistic"],
            "tuning": {"trials": 1},
            "kpi": {"gates": {"roc_auc": ">= 0.9999"}},
        }
    )
    outcome = run_poc(config, project_dir=tmp_path)
    assert outcome.alias != "champion"
    with pytest.raises(UserError) as err:
        open_project(config, tmp_path, need_champion=True)
    message = err.value.message
    assert "rollback" not in message
    assert "챔피언 모델이 없습니다" in message and "--model-version" in message
