"""The one test hook of axpoc: stop at a named step, so a test can kill the process there (SIGKILL
mid-training, or at a stage boundary inside a champion move) or let two retrains meet just before
promotion.

``AXPOC_TEST_PAUSE_AFTER=<step>`` makes the flow print ``AXPOC_TEST_PAUSED <step> pid=<pid>`` on stderr at
that step and wait: until the file named by ``AXPOC_TEST_RESUME_FILE`` exists, or for at most ten minutes.
The steps: ``compare`` and ``register`` of ``run`` and ``retrain``; inside every journaled alias move (promote, reject,
rollback) ``promote:intent`` (journal entry written, nothing moved), ``promote:aliases`` (aliases moved),
``promote:tags`` (tags set) and ``promote:log`` (promotion log appended, not yet confirmed). Unset
(always, outside tests), it costs one environment lookup.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

PAUSE_ENV = "AXPOC_TEST_PAUSE_AFTER"
RESUME_ENV = "AXPOC_TEST_RESUME_FILE"
PAUSED_MARK = "AXPOC_TEST_PAUSED"
MOVE_STAGES = ("promote:intent", "promote:aliases", "promote:tags", "promote:log")
_MAX_WAIT_S = 600.0


def pause_point(step: str) -> None:
    """Wait here when ``AXPOC_TEST_PAUSE_AFTER`` names this step (tests only)."""
    if os.environ.get(PAUSE_ENV) != step:
        return
    sys.stderr.write(f"{PAUSED_MARK} {step} pid={os.getpid()}\n")
    sys.stderr.flush()
    resume = os.environ.get(RESUME_ENV)
    deadline = time.monotonic() + _MAX_WAIT_S
    while time.monotonic() < deadline:
        if resume and Path(resume).exists():
            return
        time.sleep(0.1)
