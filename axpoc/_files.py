"""The one way axpoc writes a file atomically: a crash mid-write never leaves a half file where a good one was.

Every output (tables, reports, predictions, compiled models, bundles) is written to a temporary file beside
its target and renamed over it in one step. The temporary name, ``.NAME.PID-XXXXXXXX.tmp``, carries the
process id, so a later command can tell what a killed process left from the file of one still writing
(:func:`is_being_written`).
"""

from __future__ import annotations

import glob
import os
import re
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

TEMP_NAME = re.compile(r"^\.(?P<name>.+)\.(?:(?P<pid>\d+)-)?[0-9a-f]{8}\.tmp$")
"""A temporary file's name: the target's name and the writing process's id (absent in older axpoc's)."""

_WRITING: set[str] = set()
"""Names of the temporary files this process is writing now: a file with this process's id and another
name was left by an earlier process that had the same id (a container's fresh process often has)."""


@contextmanager
def staged(path: Path, *, failed: Callable[[OSError], Exception] | None = None) -> Iterator[Path]:
    """A temporary file beside ``path`` that replaces it in one step when the block succeeds, else vanishes.

    The temporary file is created like any other file (mode 0666 less the umask), not with ``mkstemp``'s
    private 0600: outputs are meant to be read by colleagues and other programs. ``failed`` turns an
    ``OSError`` of creating the folder or of the final rename into the caller's own error.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if failed is None:
            raise
        raise failed(exc) from None
    tmp = path.parent / f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp"
    _WRITING.add(tmp.name)
    try:
        yield tmp
        try:
            os.replace(tmp, path)
        except OSError as exc:
            if failed is None:
                raise
            raise failed(exc) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        _WRITING.discard(tmp.name)


def write_atomic(path: Path, write: Callable[[Path], object]) -> Path:
    """Call ``write`` with a temporary path beside ``path``, then rename it over ``path`` in one step."""
    with staged(path) as tmp:
        write(tmp)
    return path


def is_being_written(name: str) -> bool:
    """Whether this process is writing the temporary file ``name`` right now."""
    return name in _WRITING


LEGACY_TEMP_AGE_S = 3600
"""Temporary files without a process id (written by axpoc before 0.x) count as stale after this long."""


def remove_stale_temps(path: Path, *, alive: Callable[[int], bool]) -> list[tuple[Path, int]]:
    """(file, bytes) of each leftover ``.NAME.*.tmp`` beside ``path`` that was removed.

    A command killed while writing (SIGKILL, power cut) leaves its temporary file; the next command on
    the same output removes it. The file of a process that still runs (``alive(pid)``: a concurrent
    predict) is kept.
    """
    removed = []
    try:
        entries = list(path.parent.glob(f".{glob.escape(path.name)}.*.tmp"))
    except OSError:  # an unreadable folder: the write check says what is wrong with it
        return []
    for entry in entries:
        match = TEMP_NAME.match(entry.name)
        if match is None or match["name"] != path.name:
            continue
        try:
            info = entry.stat()
            pid = match["pid"]
            if pid is None:
                stale = time.time() - info.st_mtime > LEGACY_TEMP_AGE_S
            elif int(pid) == os.getpid():
                stale = not is_being_written(entry.name)
            else:
                stale = not alive(int(pid))
            if stale:
                entry.unlink()
                removed.append((entry, info.st_size))
        except FileNotFoundError:  # its process finished (renamed or removed it) meanwhile
            continue
    return removed
