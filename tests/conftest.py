"""Shared fixtures: quiet, single-threaded, and the real data folder when it is given."""

from __future__ import annotations

import os
from pathlib import Path

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
