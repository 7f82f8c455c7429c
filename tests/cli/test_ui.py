"""``axpoc ui`` owns its MLflow server: a real ``axpoc ui`` answers HTTP, and SIGTERM or Ctrl-C stops it
and every process it started; a project that does not exist is refused, not created."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

_START_S = 120


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _descendants(pid: int) -> set[int]:
    """Every living process below ``pid`` (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.parametrize(
    "stop",
    [
        pytest.param(signal.SIGTERM, id="SIGTERM"),
        pytest.param(
            signal.SIGINT, id="SIGINT", marks=pytest.mark.slow
        ),  # the same path, a second server start
    ],
)
def test_stopping_ui_stops_the_mlflow_server(
    write_config, project_dir: Path, tmp_path: Path, stop: signal.Signals
) -> None:
    if not Path("/proc/self/stat").exists():
        pytest.skip("needs Linux /proc to list the server's processes")
    config = write_config(tmp_path)
    port = _free_port()
    env = {**os.environ, "MLFLOW_DISABLE_TELEMETRY": "true"}
    log = tmp_path / "ui.log"
    argv = [sys.executable, "-m", "axpoc", "ui", str(config), "--project-dir", str(project_dir)]
    with log.open("wb") as handle:
        ui = subprocess.Popen(
            [*argv, "--port", str(port)],
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            # the worst parent: one that ignores SIGINT (a job started with '&' from a script) hands it down
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
        )
    started = set()
    try:
        deadline = time.monotonic() + _START_S
        while True:
            assert ui.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=10)
        assert page.status_code == 200 and "mlflow" in page.text.lower()
        started = _descendants(ui.pid)
        assert started, "axpoc ui started no server process"
        ui.send_signal(stop)
        try:
            code = ui.wait(timeout=60)  # the server's own stop may take 2 x 10 s on a loaded machine
        except subprocess.TimeoutExpired:
            pytest.fail(
                f"axpoc ui did not end within 60 s of {stop.name}; its log:\n{log.read_text(errors='replace')}"
            )
    finally:
        if ui.poll() is None:
            os.killpg(ui.pid, signal.SIGKILL)
            ui.wait()
        for pid in _descendants(ui.pid) | started:  # never leave a server behind, whatever failed
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
    assert code == 0, log.read_text(errors="replace")
    deadline = time.monotonic() + 5
    while any(_alive(pid) for pid in started) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in started if _alive(pid)], f"orphans of {len(started)} server processes"
    assert not _port_open(port), f"something still listens on {port}"


def test_ui_refuses_a_project_that_does_not_exist(cli, write_config, tmp_path: Path) -> None:
    config = write_config(tmp_path)
    missing = tmp_path / "no_such_project"
    result = cli("ui", config, "--project-dir", missing, "--port", str(_free_port()))
    assert result.code == 2, result.stderr
    assert "No axpoc project" in result.stderr and str(missing) in result.stderr
    assert not missing.exists()


def test_ui_refuses_a_port_in_use(cli, write_config, project_dir: Path, tmp_path: Path) -> None:
    config = write_config(tmp_path)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = cli("ui", config, "--project-dir", project_dir, "--port", str(port))
    assert result.code == 2 and f"--port {port}" in result.stderr, result.stderr


@pytest.mark.slow
def test_ui_whose_server_fails_is_exit_2_not_1(cli, write_config, tmp_path: Path) -> None:
    """A server that cannot open its store exits 1, which a scheduler would read as "data rejected"."""
    config = write_config(tmp_path, {"tracking.uri": "sqlite:////proc/no_such_dir/mlflow.db"})
    result = cli("ui", config, "--port", str(_free_port()))
    assert result.code == 2, result.stderr
    assert "MLflow server stopped with exit code" in result.stderr
