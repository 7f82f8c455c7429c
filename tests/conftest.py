"""Shared fixtures: quiet, single-threaded, and the real data folder when it is given."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

REPO = Path(__file__).resolve().parents[1]


def require_system(what: str, ok: bool) -> None:
    """Skip on a user's machine, fail in CI where .ci/run promises the dependency."""
    if ok:
        return
    if os.environ.get("AXPOC_REQUIRE_SYSTEM_DEPS") == "1":
        pytest.fail(f"{what} is required in CI (AXPOC_REQUIRE_SYSTEM_DEPS=1) but missing")
    pytest.skip(f"{what} is not installed on this machine")


@pytest.fixture(scope="session")
def data_dir() -> Path:
    value = os.environ.get("AXPOC_DATA_DIR")
    if not value:
        pytest.skip("AXPOC_DATA_DIR is not set: real-data tests need ../shared/data (set by .ci/run)")
    path = Path(value)
    if not path.is_dir():
        pytest.fail(f"AXPOC_DATA_DIR={value} is not a folder")
    return path


@pytest.fixture(name="require_system", scope="session")
def _require_system_fixture() -> Callable[[str, bool], None]:
    """:func:`require_system` for tests in sub-folders, which cannot import this conftest by name."""
    return require_system


@pytest.fixture(scope="session")
def mlflow_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated MLflow SQLite database; copying it saves the ~3 s migration per test."""
    from mlflow import MlflowClient

    folder = tmp_path_factory.mktemp("mlflow_template")
    db = folder / "mlflow.db"
    MlflowClient(tracking_uri=f"sqlite:///{db.as_posix()}").search_experiments()
    return db


@pytest.fixture(scope="session")
def field_project(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A small injection-molding champion carried through a three-week field period (tests/field_project.py)."""
    from field_project import build_field_project

    return build_field_project(tmp_path_factory.mktemp("field"))


@pytest.fixture
def project_dir(tmp_path: Path, mlflow_db_template: Path) -> Path:
    """An empty project folder with a pre-migrated MLflow store."""
    import shutil

    folder = tmp_path / "project"
    folder.mkdir()
    shutil.copy(mlflow_db_template, folder / "mlflow.db")
    return folder


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        import json

        return json.loads(self.stdout)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., CliResult]:
    """Run the ``axpoc`` entry point in-process, with its error boundary, and capture what it prints."""
    from axpoc.cli import main

    def invoke(*args: str | Path) -> CliResult:
        capsys.readouterr()
        monkeypatch.setattr(sys, "argv", ["axpoc", *map(str, args)])
        with pytest.raises(SystemExit) as exit_info:
            main()
        out, err = capsys.readouterr()
        return CliResult(int(exit_info.value.code or 0), out, err)

    return invoke


@pytest.fixture(scope="session")
def team_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A real ``mlflow server`` on PostgreSQL (AXPOC_TEST_PG_URL) with proxied artifacts, one per session."""
    from team_server import postgres_url, start_server

    server = start_server(postgres_url(require_system), tmp_path_factory.mktemp("team_server") / "artifacts")
    yield server
    server.stop()
