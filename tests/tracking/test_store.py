"""The project's MLflow store, real SQLite in a temporary folder: experiment, run states, stale runs."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import mlflow
import pytest

from axpoc import tracking


def _status(store: tracking.Store, run_id: str) -> str:
    return store.client.get_run(run_id).info.status


def test_the_store_lives_in_the_project_folder_and_reopens_the_same_experiment(project_dir: Path) -> None:
    store = tracking.open_store(project_name="press_line", project_dir=project_dir)
    assert store.tracking_uri == tracking.default_tracking_uri(project_dir)
    experiment = store.client.get_experiment(store.experiment_id)
    assert experiment.name == "press_line"
    assert Path(experiment.artifact_location.removeprefix("file://")) == (project_dir / "artifacts").resolve()
    again = tracking.open_store(project_name="press_line", project_dir=project_dir)
    assert again.experiment_id == store.experiment_id
    assert not again.recovered


def test_a_run_ends_finished_or_failed_as_its_block_does(project_dir: Path) -> None:
    store = tracking.open_store(project_name="runs", project_dir=project_dir)
    with (
        tracking.parent_run(store, run_name="good") as run,
        tracking.parent_run(store, run_name="inner") as inner,  # nested: the same run
    ):
        assert inner.info.run_id == run.info.run_id
    assert _status(store, run.info.run_id) == "FINISHED"
    with pytest.raises(ValueError), tracking.parent_run(store, run_name="bad") as failed:
        raise ValueError("a step failed")
    assert _status(store, failed.info.run_id) == "FAILED"
    tags = store.client.get_run(failed.info.run_id).data.tags
    assert tags[tracking.PID_TAG] == str(os.getpid()) and tags[tracking.HOST_TAG] == platform.node()


def test_runs_of_a_dead_process_end_killed_and_a_live_ones_stay_running(project_dir: Path) -> None:
    store = tracking.open_store(project_name="stale", project_dir=project_dir)
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_pid = gone.stdout.strip()
    assert not tracking.process_alive(int(dead_pid))
    runs = {}
    for name, pid in (("dead", dead_pid), ("alive", str(os.getpid()))):
        run = mlflow.start_run(
            experiment_id=store.experiment_id,
            run_name=name,
            tags={tracking.PID_TAG: pid, tracking.HOST_TAG: platform.node()},
        )
        mlflow.end_run(status="RUNNING")  # leaves the run open in the store, as a killed process would
        runs[name] = run.info.run_id
    try:
        killed = tracking.mark_stale_runs(store)
        assert runs["dead"] in killed and runs["alive"] not in killed
        assert _status(store, runs["dead"]) == "KILLED"
        assert _status(store, runs["alive"]) == "RUNNING"
    finally:
        store.client.set_terminated(runs["alive"], status="FINISHED")
