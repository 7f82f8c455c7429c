"""``axpoc`` commands as separate processes (another terminal, another host) that a test pauses at a named
step and then resumes, stops or kills (shared by the promotion and team-server tests)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Any

import pytest

from axpoc.tracking import PAUSED_MARK


def axpoc_process(*args: Any, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "axpoc", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def wait_paused(proc: subprocess.Popen, stage: str) -> None:
    """Read stderr until the hook says the process waits at ``stage``."""
    deadline = time.monotonic() + 60
    assert proc.stderr is not None
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if line.startswith(f"{PAUSED_MARK} {stage} "):
            return
        if not line and proc.poll() is not None:
            break
    proc.kill()
    pytest.fail(f"never paused at {stage} (exit {proc.poll()}): {proc.communicate()[1][-2000:]}")
