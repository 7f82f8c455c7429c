"""Console, JSON output and the error boundary shared by every verb."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from rich.console import Console

err_console = Console(stderr=True, highlight=False)
"""Progress, tables and messages: stderr, so that ``--json`` keeps stdout machine-readable."""


def _default(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)


def _clean(value: Any) -> Any:
    """NaN/inf are not JSON: schedulers reading our output get null instead."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def emit_json(payload: dict[str, Any]) -> None:
    text = json.dumps(_clean(json.loads(json.dumps(payload, default=_default))), ensure_ascii=False, indent=2)
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def fail(message: str) -> None:
    err_console.print(f"[bold red]오류 / Error:[/] {message}", soft_wrap=True)


@contextmanager
def step(title: str) -> Iterator[None]:
    """A spinner on stderr while a long step runs."""
    with err_console.status(title, spinner="dots"):
        yield


def run_guarded(fn: Callable[[], int | None]) -> int:
    """Turn axpoc's own errors into a message + exit code; Ctrl-C into 130. Bugs still show a traceback."""
    from axpoc.errors import AxpocError

    try:
        code = fn()
    except AxpocError as exc:
        fail(exc.message)
        return exc.exit_code
    except KeyboardInterrupt as exc:  # an Interrupted says what was registered and where the champion is
        fail(str(exc) or "interrupted (Ctrl-C); nothing was registered from the unfinished step.")
        return 130
    return int(code or 0)
