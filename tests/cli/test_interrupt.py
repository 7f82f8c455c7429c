"""Stopping a comparison (Ctrl-C, or SIGTERM from a scheduler): exit 130, the run KILLED, nothing registered,
and the message says so from the registry (stops during a champion move: tests/promotion/test_journal_faults.py).

SIGTERM is used because a process started from a non-interactive shell may inherit an ignored SIGINT.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path


def test_stopping_marks_run_killed_and_registers_nothing(
    write_config, project_dir: Path, tmp_path: Path
) -> None:
    from mlflow import MlflowClient

    config = write_config(tmp_path, {"tuning": {"trials": 200}, "candidates": ["random_forest", "lightgbm"]})
    proc = subprocess.Popen(
        [sys.executable, "-m", "axpoc", "run", str(config), "--project-dir", str(project_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    uri = f"sqlite:///{(project_dir / 'mlflow.db').as_posix()}"
    client = MlflowClient(
        tracking_uri=uri, registry_uri=uri
    )  # an in-process test may have set the global one
    try:
        deadline = time.monotonic() + 180
        running = []
        while time.monotonic() < deadline and not running and proc.poll() is None:
            time.sleep(1.0)
            experiment = client.get_experiment_by_name("cli_demo")
            if experiment is not None:
                running = client.search_runs([experiment.experiment_id], "attributes.status = 'RUNNING'")
        assert running, (
            f"the run never started (exit {proc.poll()}): {proc.stderr.read()[-2000:] if proc.poll() is not None else ''}"
        )
        time.sleep(3.0)  # inside the comparison
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err[-2000:]
    assert "Traceback" not in err
    # the message reads the registry: what this run registered (nothing) and where the champion is (none)
    assert "interrupted (Ctrl-C); nothing was registered; there is no champion." in err, err[-2000:]
    runs = client.search_runs([experiment.experiment_id], "tags.`axpoc.kind` = 'run'")
    if [r.info.status for r in runs] == ["RUNNING"]:
        # A signal landing inside one of MLflow's own SQLite writes can stop the run from ending itself;
        # then the next command that opens the store marks it KILLED (the documented recovery).
        from axpoc.tracking import open_store

        open_store(project_name="cli_demo", project_dir=project_dir)
        runs = client.search_runs([experiment.experiment_id], "tags.`axpoc.kind` = 'run'")
    assert [r.info.status for r in runs] == ["KILLED"]
    assert client.search_registered_models() == []
