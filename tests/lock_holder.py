"""Another command holding a project's registry lock: a child process that takes the lock and keeps it (a
lock in this process would be re-entrant for the test itself), shared by the promotion and bundle tests."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_HOLD = (
    "import sys, time; from filelock import FileLock; lock = FileLock(sys.argv[1]); lock.acquire(); "
    "print('held', flush=True); time.sleep(60)"
)


@contextmanager
def lock_held(path: Path) -> Iterator[None]:
    """The file lock at ``path`` held by a child process for the block (60 s at most)."""
    holder = subprocess.Popen([sys.executable, "-c", _HOLD, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        yield
    finally:
        holder.kill()
        holder.wait(timeout=30)
