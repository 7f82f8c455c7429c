"""``axpoc ui``: MLflow's UI on this project's store, lean enough for a laptop, and stopped with axpoc.

``mlflow server`` starts its web server (uvicorn) as a child process: stopping only the ``mlflow`` process
leaves that child serving the port. The server therefore runs in its own process group (session), and
whatever ends ``axpoc ui`` (Ctrl-C, SIGTERM from a scheduler, SIGHUP when the terminal closes, an error)
stops the whole group.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from axpoc.config import PocConfig
from axpoc.errors import UserError
from axpoc.i18n import console_text

_STOP_WAIT_S = 10.0


def serve_mlflow_ui(config: PocConfig, *, project_dir: Path | None = None, port: int = 5000) -> int:
    """Runs until Ctrl-C. One worker, no job runner (MLflow's default starts seven extra processes)."""
    from axpoc.tracking import default_tracking_uri

    folder = config.project_dir(project_dir)
    if config.tracking.uri is None and not (folder / "mlflow.db").is_file():
        raise UserError(
            f"No axpoc project at {folder} (no mlflow.db there), so there is nothing to show. Train the first "
            "model with 'axpoc run CONFIG', pass the right folder with --project-dir, or bring a project over "
            "with 'axpoc import BUNDLE'."
        )
    _check_port_free(port)
    uri = config.tracking.uri or default_tracking_uri(folder)
    env = {**os.environ, "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"}
    env.pop("MLFLOW_EXPERIMENT_ID", None)
    argv = [
        sys.executable,
        "-m",
        "mlflow",
        "server",
        "--backend-store-uri",
        uri,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--default-artifact-root",
        (folder / "artifacts").resolve().as_uri(),
    ]
    print(console_text("ui_open", config.language, port=port), file=sys.stderr)
    with _hangup_stops():
        server = subprocess.Popen(argv, env=env, **_own_group())
        try:
            code = server.wait()
        except KeyboardInterrupt:
            return 0
        finally:
            with _interrupts_held():
                _stop_group(server)
    if code != 0:  # its own exit code (often 1) would read as "data rejected" to a scheduler
        raise UserError(
            f"the MLflow server stopped with exit code {code}; its messages are above (a store it cannot open "
            "or reach, the port taken meanwhile)."
        )
    return 0


def _check_port_free(port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise UserError(
                f"--port {port}: the port is in use on 127.0.0.1 (another 'axpoc ui' or MLflow server?); "
                "stop that one or choose another port, e.g. --port 5001."
            ) from None


def _own_group() -> dict[str, Any]:
    """Popen options that give the server its own process group, so it can be stopped as a whole."""
    if os.name == "nt":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


@contextmanager
def _hangup_stops() -> Iterator[None]:
    """SIGHUP (the terminal closed) ends ``axpoc ui`` like Ctrl-C, so the server group is stopped too."""
    if not hasattr(signal, "SIGHUP"):
        yield
        return

    def _hangup(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGHUP, _hangup)
    try:
        yield
    finally:
        signal.signal(signal.SIGHUP, previous)


@contextmanager
def _interrupts_held() -> Iterator[None]:
    """A second Ctrl-C or SIGTERM while the server stops must not cut the stop short (and orphan it)."""
    names = ("SIGINT", "SIGTERM", "SIGHUP")
    held = {
        sig: signal.signal(sig, signal.SIG_IGN)
        for sig in (getattr(signal, n) for n in names if hasattr(signal, n))
    }
    try:
        yield
    finally:
        for sig, previous in held.items():
            signal.signal(sig, previous)


def _stop_group(server: subprocess.Popen[bytes]) -> None:
    """Stop the server and every process it started: politely, then by force."""
    if os.name == "nt":
        if server.poll() is None:
            server.send_signal(signal.CTRL_BREAK_EVENT)
            try:
                server.wait(timeout=_STOP_WAIT_S)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(server.pid, sig)  # the group outlives its leader: always signal the group
        except ProcessLookupError:
            break
        deadline = time.monotonic() + _STOP_WAIT_S
        while _group_alive(server.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
            server.poll()  # reap the leader, or it stays in the group as a zombie
        if not _group_alive(server.pid):
            break
    server.wait()


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
