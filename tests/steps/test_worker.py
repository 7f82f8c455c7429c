"""``axpoc worker`` joins a running ``axpoc run`` through the team server and a shared Optuna storage on
PostgreSQL: real processes, paused at a step so that the run and its worker meet."""

from __future__ import annotations

import json
import signal
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml
from axpoc_processes import axpoc_process, wait_paused
from team_server import TEAM, TeamServer

pytestmark = [pytest.mark.xdist_group("team_server"), pytest.mark.slow]  # two axpoc processes each, ~50 s

TRIALS = 8
PROJECT = f"workers-{uuid.uuid4().hex[:8]}"
"""One project for both tests: whichever runs second is a second run on the same database."""


def _config(team_server: TeamServer, folder: Path) -> Path:
    settings = {
        **TEAM,
        "project": {"name": PROJECT},
        "candidates": [{"name": "lightgbm", "params": {"n_estimators": 15}}],
        "tuning": {"trials": TRIALS, "storage": team_server.optuna, "heartbeat_s": 1},
        "tracking": team_server.tracking(),
    }
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "poc.yaml"
    path.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    return path


def _paused_run(config: Path, folder: Path, resume: Path) -> Any:
    """The coordinating run, waiting just after it opened its first study to workers."""
    proc = axpoc_process(
        "run", config, "--until", "compare", "--json", "--project-dir", folder,
        env={"AXPOC_TEST_PAUSE_AFTER": "compare:open", "AXPOC_TEST_RESUME_FILE": str(resume)},
    )  # fmt: skip
    wait_paused(proc, "compare:open")
    return proc


def _studies(database: str, run_id: str) -> dict[str, Any]:
    import optuna

    return {
        name: optuna.load_study(study_name=name, storage=database)
        for name in optuna.get_all_study_names(database)
        if name.startswith(f"{PROJECT}/{run_id}/")
    }


def _finished(proc: Any) -> dict[str, Any]:
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err[-3000:]
    assert out.lstrip().startswith("{"), (out[:3000], err[-3000:])
    return json.loads(out)


def _running_without_heartbeat(database: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(database)
    try:
        with engine.connect() as connection:
            return int(
                connection.execute(
                    text(
                        "SELECT count(*) FROM trials t LEFT JOIN trial_heartbeats h ON h.trial_id = t.trial_id "
                        "WHERE t.state = 'RUNNING' AND h.trial_id IS NULL"
                    )
                ).scalar_one()
            )
    finally:
        engine.dispose()


def _states(study: Any) -> dict[str, int]:
    states: dict[str, int] = {}
    for trial in study.trials:
        states[trial.state.name] = states.get(trial.state.name, 0) + 1
    return states


def _assert_every_run_of_the_project_counted_exactly(database: str) -> None:
    import optuna

    counted = ("COMPLETE", "PRUNED")
    for name in optuna.get_all_study_names(database):
        if name.startswith(f"{PROJECT}/"):
            study = optuna.load_study(study_name=name, storage=database)
            assert sum(_states(study).get(s, 0) for s in counted) == TRIALS, name


def test_a_worker_on_another_host_shares_the_trials_and_the_count_is_exact(
    team_server: TeamServer, tmp_path: Path
) -> None:
    from mlflow import MlflowClient

    resume = tmp_path / "resume"
    coordinator = _paused_run(_config(team_server, tmp_path / "host_a"), tmp_path / "host_a", resume)
    worker = axpoc_process(
        "worker", _config(team_server, tmp_path / "host_b"), "--json", "--project-dir", tmp_path / "host_b",
        env={"AXPOC_TEST_PAUSE_AFTER": "worker:joined", "AXPOC_TEST_RESUME_FILE": str(resume)},
    )  # fmt: skip
    wait_paused(worker, "worker:joined")
    resume.touch()
    run, joined = _finished(coordinator), _finished(worker)

    assert joined["run_id"] == run["run_id"] and joined["trials"]["lightgbm"] >= 1
    (study,) = _studies(team_server.optuna, run["run_id"]).values()
    states = _states(study)
    assert states.get("COMPLETE", 0) + states.get("PRUNED", 0) == TRIALS
    assert all(t.user_attrs.get("axpoc.dropped") for t in study.trials if t.state.name == "FAIL")
    assert run["leaderboard"][0]["trials"] == states["COMPLETE"]
    child = MlflowClient(team_server.url).get_run(joined["worker_run_id"])
    assert child.data.tags["mlflow.parentRunId"] == run["run_id"] and child.info.status == "FINISHED"
    assert child.data.metrics["trials_lightgbm"] == joined["trials"]["lightgbm"]
    _assert_every_run_of_the_project_counted_exactly(team_server.optuna)


def test_a_worker_killed_mid_trial_loses_only_that_trial(team_server: TeamServer, tmp_path: Path) -> None:
    resume = tmp_path / "resume"
    coordinator = _paused_run(_config(team_server, tmp_path / "host_a"), tmp_path / "host_a", resume)
    worker = axpoc_process(
        "worker", _config(team_server, tmp_path / "host_b"), "--project-dir", tmp_path / "host_b",
        env={"AXPOC_TEST_PAUSE_AFTER": "worker:trial", "AXPOC_TEST_RESUME_FILE": str(tmp_path / "never")},
    )  # fmt: skip
    wait_paused(worker, "worker:trial")  # its trial is RUNNING in the storage, its heartbeat beating
    # killed this early, only a beat written before the work lets the run see the trial go stale
    assert _running_without_heartbeat(team_server.optuna) == 0
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    resume.touch()
    run = _finished(coordinator)

    (study,) = _studies(team_server.optuna, run["run_id"]).values()
    states = _states(study)
    lost = [t for t in study.trials if t.state.name == "FAIL" and not t.user_attrs.get("axpoc.dropped")]
    assert len(lost) == 1 and lost[0].number >= 1  # the defaults (trial 0) are always the run's own
    assert states.get("COMPLETE", 0) + states.get("PRUNED", 0) == TRIALS
    assert run["leaderboard"][0]["trials"] == states["COMPLETE"]
    _assert_every_run_of_the_project_counted_exactly(team_server.optuna)
