"""A real ``mlflow server`` on PostgreSQL with proxied artifacts, as README 'Team server' deploys it, and the
"hosts" of the team-server tests: project folders and processes that share nothing but its URL."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

TEAM = {
    "project": {"name": "team_demo", "title": "팀 서버 테스트"},
    "process": "injection_molding",
    "language": "ko",
    "data": {"demo": {"rows": 400, "defect_rate": 0.08, "seed": 3}},
    "target": {"column": "defect", "task": "binary", "positive_class": 1},
    "columns": {"id": "shot_id", "time": "timestamp", "exclude": ["defect_type", "cavity_pressure", "lot"]},
    "split": {"cv_folds": 3},
    "candidates": ["logistic"],
    "tuning": {"trials": 1},
    "kpi": {"gates": {"roc_auc": ">= 0.5"}},
}


@dataclass
class TeamServer:
    url: str
    database: str
    """The PostgreSQL URL of the server's backend store; the tests' ``tracking.database`` too."""
    artifacts: Path
    process: subprocess.Popen | None = None

    @property
    def optuna(self) -> str:
        """``tuning.storage``: schema ``optuna`` of the same database (Optuna and MLflow both keep a table
        ``alembic_version``, so Optuna's tables must not share MLflow's schema)."""
        from sqlalchemy import create_engine, text

        engine = create_engine(self.database)
        with engine.begin() as connection:
            connection.execute(text("CREATE SCHEMA IF NOT EXISTS optuna"))
        engine.dispose()
        separator = "&" if "?" in self.database else "?"
        return f"{self.database}{separator}options=-csearch_path%3Doptuna"

    def tracking(self) -> dict[str, Any]:
        return {"uri": self.url, "database": self.database, "snapshot_max_mb": 0}

    def stop(self) -> None:
        """Stop the server and its worker processes (they live in the server's own process group)."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


def postgres_url(require_system: Any) -> str:
    url = os.environ.get("AXPOC_TEST_PG_URL", "")
    require_system("PostgreSQL (AXPOC_TEST_PG_URL)", bool(url))
    return url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(database: str, artifacts: Path, *, port: int | None = None) -> TeamServer:
    """``mlflow server`` with the README's flags on a free port of 127.0.0.1, ready to answer."""
    port = port or free_port()
    artifacts.mkdir(parents=True, exist_ok=True)
    bin_dir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false",
        "MLFLOW_DISABLE_TELEMETRY": "true",
    }
    process = subprocess.Popen(
        [
            sys.executable, "-m", "mlflow", "server",
            "--backend-store-uri", database,
            "--serve-artifacts", "--artifacts-destination", str(artifacts),
            "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
        ],
        stdout=subprocess.DEVNULL,
        stderr=(artifacts.parent / f"mlflow-server-{port}.log").open("w"),
        env=env,
        start_new_session=True,
    )  # fmt: skip
    server = TeamServer(f"http://127.0.0.1:{port}", database, artifacts, process)
    wait_healthy(server)
    return server


def wait_healthy(server: TeamServer, *, within_s: float = 90) -> None:
    """Until ``/health`` answers 200 (the first start on an empty database migrates it first)."""
    import httpx

    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if server.process is not None and server.process.poll() is not None:
            pytest.fail(
                f"mlflow server exited with {server.process.returncode}; see {server.artifacts.parent}"
            )
        try:
            if httpx.get(f"{server.url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.3)
    server.stop()
    pytest.fail(f"{server.url}/health never answered 200 within {within_s:g} s")


def open_host(settings: dict[str, Any], folder: Path) -> Any:
    """The project's store as a host with its own project ``folder`` opens it."""
    from axpoc import tracking

    return tracking.open_store(
        project_name=settings["project"]["name"],
        project_dir=folder,
        tracking_uri=settings["tracking"]["uri"],
        database=settings["tracking"]["database"],
    )
