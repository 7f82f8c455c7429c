"""Two "hosts" (project folders and processes that share only the server URL and its PostgreSQL) on a real
``mlflow server`` with proxied artifacts: what one writes the other reads, and the database serialises
their promotions."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from axpoc_processes import axpoc_process, wait_paused
from team_server import TeamServer, open_host, start_server

pytestmark = pytest.mark.xdist_group("team_server")

PROMOTE = """
import json, sys, time
from pathlib import Path
from axpoc import tracking
name, folder, uri, database, version, barrier = sys.argv[1:]
store = tracking.open_store(project_name=name, project_dir=Path(folder), tracking_uri=uri, database=database)
champion = tracking.alias_version(store, tracking.CHAMPION)
Path(folder, "ready").touch()
while not Path(barrier).exists():
    time.sleep(0.01)
won = tracking.promote(store, version, reason=f"host {folder}", expected_champion=champion)
print(json.dumps({"won": won, "champion": champion}))
"""


def _write_config(settings: dict[str, Any], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "poc.yaml"
    path.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    return path


def test_a_host_reads_what_another_wrote_and_no_project_file_is_shared(
    served_project: dict[str, Any], tmp_path: Path
) -> None:
    from axpoc import tracking

    settings, host_a = served_project["settings"], served_project["host_a"]
    host_b = open_host(settings, tmp_path / "host_b")
    experiment = host_b.client.get_experiment(host_b.experiment_id)
    assert experiment.artifact_location.startswith("mlflow-artifacts:")  # proxied: no shared folder
    contract = host_b.client.download_artifacts(served_project["run_id"], "contract", str(tmp_path))
    assert (Path(contract) / "contract.json").is_file()
    assert tracking.load_poc_model(host_b, "champion").predict_frame is not None
    assert tracking.read_promotion_log(host_b) == tracking.read_promotion_log(open_host(settings, host_a))
    for folder in (host_a, tmp_path / "host_b"):  # the log, the journal, the lock and artifacts are not files
        left = {p.name for p in folder.iterdir()}
        assert not left & {
            tracking.PROMOTION_LOG,
            tracking.JOURNAL,
            tracking.LOCK_FILE,
            "artifacts",
            "mlflow.db",
        }


def test_two_hosts_promote_at_once_and_exactly_one_wins(
    served_project: dict[str, Any], tmp_path: Path
) -> None:
    from axpoc import tracking

    settings = served_project["settings"]
    name, uri, database = (
        settings["project"]["name"],
        settings["tracking"]["uri"],
        settings["tracking"]["database"],
    )
    barrier = tmp_path / "go"
    hosts = {version: tmp_path / f"host_{version}" for version in ("2", "3")}
    procs = {}
    for version, folder in hosts.items():
        folder.mkdir()
        procs[version] = subprocess.Popen(
            [sys.executable, "-c", PROMOTE, name, str(folder), uri, database, version, str(barrier)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    deadline = time.monotonic() + 120
    while not all((folder / "ready").exists() for folder in hosts.values()):
        assert time.monotonic() < deadline and all(p.poll() is None for p in procs.values())
        time.sleep(0.05)
    barrier.touch()
    results = {}
    for version, proc in procs.items():
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err[-2000:]
        results[version] = json.loads(out.strip().splitlines()[-1])

    assert {r["champion"] for r in results.values()} == {"1"}  # both decided against the same champion
    winners = [v for v, r in results.items() if r["won"]]
    assert len(winners) == 1
    logs = [tracking.read_promotion_log(open_host(settings, folder)) for folder in hosts.values()]
    assert logs[0] == logs[1]
    promoted = [e for e in logs[0] if e["action"] == "promote" and e["previous"] == "1"]
    assert [e["version"] for e in promoted] == winners
    store = open_host(settings, tmp_path / "reader")
    assert tracking.alias_version(store, tracking.CHAMPION) == winners[0]
    assert tracking.alias_version(store, tracking.PREVIOUS) == "1"
    assert tracking.rollback_target if False else True


def _champion_not(store: Any, version: str) -> None:
    """Make sure ``version`` is not the champion, so that a rollback to it has something to move."""
    from axpoc import tracking

    if tracking.alias_version(store, tracking.CHAMPION) == version:
        other = "2" if version != "2" else "3"
        assert tracking.promote(store, other, reason="test: another champion", forced=True)


def test_a_move_paused_on_one_host_holds_the_lock_for_all_and_another_host_completes_it_after_a_kill(
    served_project: dict[str, Any], tmp_path: Path
) -> None:
    from axpoc import tracking

    settings = served_project["settings"]
    host_b = open_host(settings, tmp_path / "host_b")
    _champion_not(host_b, "1")
    before = tracking.alias_version(host_b, tracking.CHAMPION)
    config = _write_config(settings, tmp_path / "host_a")
    proc = axpoc_process(
        "rollback", config, "--to", "1", "--reason", "host A", "--project-dir", tmp_path / "host_a",
        env={"AXPOC_TEST_PAUSE_AFTER": "promote:aliases", "AXPOC_TEST_RESUME_FILE": str(tmp_path / "never")},
    )  # fmt: skip
    wait_paused(proc, "promote:aliases")
    with (
        pytest.raises(tracking.RegistryBusy, match="PostgreSQL advisory lock"),
        tracking.registry_lock(host_b, wait_s=0.5),
    ):
        pass
    proc.send_signal(signal.SIGKILL)  # the lock goes with the process's database connection
    proc.wait(timeout=30)

    after = open_host(settings, tmp_path / "host_c")  # a third host settles the move host A left half done
    assert [note.code for note in after.recovered] == ["completed"]
    assert tracking.alias_version(after, tracking.CHAMPION) == "1"
    assert tracking.alias_version(after, tracking.PREVIOUS) == before
    log = tracking.read_promotion_log(after)
    assert [e["version"] for e in log if e["reason"].endswith("host A")] == ["1"]
    with tracking.registry_lock(after, wait_s=5):  # free again
        pass


@pytest.mark.slow  # a second server and a rollback process that waits out its retries
def test_the_server_going_down_mid_promotion_is_exit_3_in_words_and_the_registry_stays_whole(
    served_project: dict[str, Any], team_server: TeamServer, tmp_path: Path
) -> None:
    """Host A talks to a second server on the same database, which dies while A holds the lock."""
    from axpoc import tracking

    settings = served_project["settings"]
    host_b = open_host(settings, tmp_path / "host_b")
    _champion_not(host_b, "1")
    before = tracking.alias_version(host_b, tracking.CHAMPION)
    second = start_server(team_server.database, team_server.artifacts)
    try:
        config = _write_config({**settings, "tracking": second.tracking()}, tmp_path / "host_a")
        resume = tmp_path / "resume"
        proc = axpoc_process(
            "rollback", config, "--to", "1", "--reason", "server down", "--project-dir", tmp_path / "host_a",
            "--json", env={"AXPOC_TEST_PAUSE_AFTER": "promote:intent", "AXPOC_TEST_RESUME_FILE": str(resume),
                           "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "1"},
        )  # fmt: skip
        wait_paused(proc, "promote:intent")
    finally:
        second.stop()
    resume.touch()
    out, err = proc.communicate(timeout=120)

    assert proc.returncode == 3, err[-3000:]
    error = json.loads(out)["error"]
    assert error["code"] == "server_unreachable" and second.url.removeprefix("http://") in error["message"]
    assert "Traceback" not in err and "completed or undone by the next axpoc command" in err
    after = open_host(settings, tmp_path / "host_c")
    assert [note.code for note in after.recovered] == ["undone"]
    assert tracking.alias_version(after, tracking.CHAMPION) == before
    assert not [e for e in tracking.read_promotion_log(after) if e["reason"].endswith("server down")]


@pytest.mark.slow  # a second server and a run that waits out its retries
def test_the_server_going_down_mid_run_is_exit_3_and_the_next_command_marks_the_run_killed(
    served_project: dict[str, Any], team_server: TeamServer, tmp_path: Path
) -> None:
    """Host A's run loses its server while it tunes; nothing is registered and the run does not stay RUNNING."""
    settings = served_project["settings"]
    name = settings["project"]["name"]
    host_b = open_host(settings, tmp_path / "host_b")
    kind_run = "tags.`axpoc.kind` = 'run'"
    runs_before = {r.info.run_id for r in host_b.client.search_runs([host_b.experiment_id], kind_run)}
    versions_before = len(host_b.client.search_model_versions(f"name='{name}'"))
    second = start_server(team_server.database, team_server.artifacts)
    resume = tmp_path / "resume"
    try:
        shared = {"tuning": {"trials": 2, "storage": team_server.optuna}, "tracking": second.tracking()}
        config = _write_config({**settings, **shared}, tmp_path / "host_a")
        proc = axpoc_process(
            "run", config, "--json", "--project-dir", tmp_path / "host_a",
            env={"AXPOC_TEST_PAUSE_AFTER": "compare:open", "AXPOC_TEST_RESUME_FILE": str(resume),
                 "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "1"},
        )  # fmt: skip
        wait_paused(proc, "compare:open")
    finally:
        second.stop()
    resume.touch()
    out, err = proc.communicate(timeout=180)

    assert proc.returncode == 3, err[-3000:]
    assert json.loads(out)["error"]["code"] == "server_unreachable" and "Traceback" not in err
    after = open_host(settings, tmp_path / "host_c")  # the same PC: it sees the run's process is gone
    (cut,) = [
        r
        for r in after.client.search_runs([after.experiment_id], kind_run)
        if r.info.run_id not in runs_before
    ]
    assert cut.info.status == "KILLED" and "axpoc.stale" in cut.data.tags
    assert len(after.client.search_model_versions(f"name='{name}'")) == versions_before
